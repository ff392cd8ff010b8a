//! The runtime configuration: `Leptos.toml`, each key overridable by an
//! environment variable, each value checked at start-up.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use tracing_subscriber::EnvFilter;

/// The file read when `FERRY_CONFIG` does not name another.
pub const DEFAULT_PATH: &str = "Leptos.toml";

/// Every setting the server reads, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where to listen (`site-addr`, `LEPTOS_SITE_ADDR`).
    pub site_addr: SocketAddr,
    /// The database to open (`database-url`, `DATABASE_URL`).
    pub database_url: String,
    /// The tracing filter (`log-level`, `RUST_LOG`).
    pub log_level: String,
    /// Whether cookies are marked `Secure` (`cookie-secure`, `FERRY_COOKIE_SECURE`):
    /// true when the site is served over https.
    pub cookie_secure: bool,
    /// Other origins allowed to post (`allowed-origins`, `FERRY_ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-Host` is believed (`trusted-proxies`, `FERRY_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest request body in bytes (`body-limit`, `FERRY_BODY_LIMIT`).
    pub body_limit: usize,
    /// Requests per second per client address, sustained (`rate-limit-per-second`,
    /// `FERRY_RATE_LIMIT_PER_SECOND`); 0 turns the limit off.
    pub rate_per_second: u32,
    /// Requests at once before the rate applies (`rate-limit-burst`, `FERRY_RATE_LIMIT_BURST`).
    pub rate_burst: u32,
    /// The secret that signs session cookies (`session-key`, `FERRY_SESSION_KEY`).
    pub session_key: Option<String>,
    /// Production mode (`LEPTOS_ENV=PROD`): a missing session key is an error.
    pub production: bool,
}

/// Why the configuration was refused; each message names what to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path} is not valid TOML: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: unknown key `{key}` (known keys: {})", known_keys())]
    UnknownKey { path: PathBuf, key: String },
    #[error(
        "`session-key` is missing: in production (LEPTOS_ENV=PROD) set FERRY_SESSION_KEY \
         (or session-key in the config file) to at least 32 random characters, \
         for example the output of `openssl rand -hex 32`"
    )]
    MissingSessionKey,
    #[error("bad value for `{key}` (from {origin}): expected {expected}, got {value}")]
    BadValue {
        key: &'static str,
        origin: String,
        expected: &'static str,
        value: String,
    },
}

/// One key: its name in the file, its variable, its default, what it expects.
struct Key {
    name: &'static str,
    env: &'static str,
    default: &'static str,
    expected: &'static str,
}

const SITE_ADDR: Key = Key {
    name: "site-addr",
    env: "LEPTOS_SITE_ADDR",
    default: "127.0.0.1:3000",
    expected: "an address and port such as \"127.0.0.1:3000\"",
};
const DATABASE_URL: Key = Key {
    name: "database-url",
    env: "DATABASE_URL",
    default: "sqlite://ferry.db?mode=rwc",
    expected: "a non-empty database URL such as \"sqlite://ferry.db?mode=rwc\"",
};
const LOG_LEVEL: Key = Key {
    name: "log-level",
    env: "RUST_LOG",
    default: "info",
    expected: "a level (error, warn, info, debug, trace) or tracing directives",
};
const COOKIE_SECURE: Key = Key {
    name: "cookie-secure",
    env: "FERRY_COOKIE_SECURE",
    default: "false",
    expected: "true or false",
};
const ALLOWED_ORIGINS: Key = Key {
    name: "allowed-origins",
    env: "FERRY_ALLOWED_ORIGINS",
    default: "",
    expected: "origins such as [\"https://admin.example.com\"] (or comma-separated)",
};
const TRUSTED_PROXIES: Key = Key {
    name: "trusted-proxies",
    env: "FERRY_TRUSTED_PROXIES",
    default: "",
    expected: "IP addresses such as [\"127.0.0.1\"] (or comma-separated)",
};
const BODY_LIMIT: Key = Key {
    name: "body-limit",
    env: "FERRY_BODY_LIMIT",
    default: "1048576",
    expected: "a size in bytes, at least 1024",
};
const RATE_PER_SECOND: Key = Key {
    name: "rate-limit-per-second",
    env: "FERRY_RATE_LIMIT_PER_SECOND",
    default: "50",
    expected: "a whole number of requests per second (0 turns the limit off)",
};
const RATE_BURST: Key = Key {
    name: "rate-limit-burst",
    env: "FERRY_RATE_LIMIT_BURST",
    default: "100",
    expected: "a whole number of requests",
};
const SESSION_KEY: Key = Key {
    name: "session-key",
    env: "FERRY_SESSION_KEY",
    default: "",
    expected: "a secret of at least 32 characters",
};
const KEYS: [&Key; 10] = [
    &SESSION_KEY,
    &RATE_PER_SECOND,
    &RATE_BURST,
    &SITE_ADDR,
    &DATABASE_URL,
    &LOG_LEVEL,
    &COOKIE_SECURE,
    &ALLOWED_ORIGINS,
    &TRUSTED_PROXIES,
    &BODY_LIMIT,
];

fn known_keys() -> String {
    KEYS.map(|k| k.name).join(", ")
}

impl Config {
    /// Reads the file named by `FERRY_CONFIG` (default `Leptos.toml`) and the
    /// process environment.
    pub fn from_environment() -> Result<Self, ConfigError> {
        let path = std::env::var_os("FERRY_CONFIG")
            .map_or_else(|| PathBuf::from(DEFAULT_PATH), PathBuf::from);
        Self::load(&path, |name| std::env::var(name).ok())
    }

    /// Reads `path` (missing means defaults), then lets `env` override each key.
    pub fn load(path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let table = read_table(path)?;
        let value = |key: &'static Key| -> Result<(String, String), ConfigError> {
            if let Some(value) = env(key.env) {
                return Ok((value, format!("environment variable {}", key.env)));
            }
            let origin = path.display().to_string();
            match table.get(key.name) {
                None => Ok((key.default.to_owned(), "default".to_owned())),
                Some(toml::Value::String(s)) => Ok((s.clone(), origin)),
                Some(toml::Value::Boolean(b)) => Ok((b.to_string(), origin)),
                Some(toml::Value::Integer(n)) => Ok((n.to_string(), origin)),
                Some(toml::Value::Array(items)) => match items
                    .iter()
                    .map(toml::Value::as_str)
                    .collect::<Option<Vec<_>>>()
                {
                    Some(items) => Ok((items.join(","), origin)),
                    None => Err(bad(
                        key,
                        origin,
                        toml::Value::Array(items.clone()).to_string(),
                    )),
                },
                Some(other) => Err(bad(key, origin, other.to_string())),
            }
        };
        let (addr, origin) = value(&SITE_ADDR)?;
        let site_addr = addr
            .trim()
            .parse()
            .map_err(|_| bad(&SITE_ADDR, origin, quoted(&addr)))?;
        let (database_url, origin) = value(&DATABASE_URL)?;
        if database_url.trim().is_empty() {
            return Err(bad(&DATABASE_URL, origin, quoted(&database_url)));
        }
        let (log_level, origin) = value(&LOG_LEVEL)?;
        EnvFilter::try_new(&log_level).map_err(|_| bad(&LOG_LEVEL, origin, quoted(&log_level)))?;
        let (secure, origin) = value(&COOKIE_SECURE)?;
        let cookie_secure = secure
            .trim()
            .parse()
            .map_err(|_| bad(&COOKIE_SECURE, origin, quoted(&secure)))?;
        let (origins, _) = value(&ALLOWED_ORIGINS)?;
        let allowed_origins = list(&origins).map(str::to_owned).collect();
        let (proxies, origin) = value(&TRUSTED_PROXIES)?;
        let trusted_proxies = list(&proxies)
            .map(|ip| {
                ip.parse()
                    .map_err(|_| bad(&TRUSTED_PROXIES, origin.clone(), quoted(ip)))
            })
            .collect::<Result<_, _>>()?;
        let (limit, origin) = value(&BODY_LIMIT)?;
        let body_limit = limit
            .trim()
            .parse()
            .ok()
            .filter(|n| *n >= 1024)
            .ok_or_else(|| bad(&BODY_LIMIT, origin, quoted(&limit)))?;
        let (rate, origin) = value(&RATE_PER_SECOND)?;
        let rate_per_second = rate
            .trim()
            .parse()
            .map_err(|_| bad(&RATE_PER_SECOND, origin, quoted(&rate)))?;
        let (burst, origin) = value(&RATE_BURST)?;
        let rate_burst = burst
            .trim()
            .parse()
            .map_err(|_| bad(&RATE_BURST, origin, quoted(&burst)))?;
        let (secret, origin) = value(&SESSION_KEY)?;
        let session_key = match secret.trim() {
            "" => None,
            key if key.len() >= 32 => Some(key.to_owned()),
            // The value is a secret: say how long it was, never what it was.
            key => {
                return Err(bad(
                    &SESSION_KEY,
                    origin,
                    format!("{} characters", key.len()),
                ))
            }
        };
        let production = env("LEPTOS_ENV").is_some_and(|e| {
            e.eq_ignore_ascii_case("prod") || e.eq_ignore_ascii_case("production")
        });
        if production && session_key.is_none() {
            return Err(ConfigError::MissingSessionKey);
        }
        Ok(Self {
            session_key,
            production,
            rate_per_second,
            rate_burst,
            site_addr,
            database_url,
            log_level,
            cookie_secure,
            allowed_origins,
            trusted_proxies,
            body_limit,
        })
    }

    /// The tracing filter for this configuration (validated at load).
    pub fn log_filter(&self) -> EnvFilter {
        EnvFilter::try_new(&self.log_level).unwrap_or_else(|_| EnvFilter::new(LOG_LEVEL.default))
    }
}

fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(toml::Table::new()),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.to_owned(),
                message: e.to_string(),
            })
        }
    };
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Syntax {
            path: path.to_owned(),
            // toml's messages span several lines; the first says what is wrong.
            message: e.message().to_owned(),
        })?;
    if let Some(key) = table
        .keys()
        .find(|k| KEYS.iter().all(|known| known.name != k.as_str()))
    {
        return Err(ConfigError::UnknownKey {
            path: path.to_owned(),
            key: key.clone(),
        });
    }
    Ok(table)
}

fn bad(key: &'static Key, origin: String, value: String) -> ConfigError {
    ConfigError::BadValue {
        key: key.name,
        origin,
        expected: key.expected,
        value,
    }
}

/// The items of a comma-separated list, trimmed, without empty ones.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

fn quoted(value: &str) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Leptos.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_missing_file_means_defaults() {
        let config = Config::load(Path::new("/nonexistent/Leptos.toml"), no_env).unwrap();
        assert_eq!(config.site_addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.log_level, "info");
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let (_dir, path) = write("site-addr = \"127.0.0.1:4000\"\n");
        let from_file = Config::load(&path, no_env).unwrap();
        assert_eq!(from_file.site_addr.port(), 4000);
        let env = |name: &str| (name == "LEPTOS_SITE_ADDR").then(|| "0.0.0.0:5000".to_owned());
        assert_eq!(Config::load(&path, env).unwrap().site_addr.port(), 5000);
    }

    #[test]
    fn a_bad_value_names_the_key_and_where_it_came_from() {
        let (_dir, path) = write("site-addr = \"localhost\"\n");
        let message = Config::load(&path, no_env).unwrap_err().to_string();
        assert!(message.contains("`site-addr`"), "{message}");
        assert!(message.contains("Leptos.toml"), "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
        let env = |name: &str| (name == "RUST_LOG").then(|| "server=verbose".to_owned());
        let (_dir, path) = write("log-level = \"debug\"\n");
        let message = Config::load(&path, env).unwrap_err().to_string();
        assert!(message.contains("RUST_LOG"), "{message}");
    }

    #[test]
    fn a_wrong_type_or_unknown_key_is_refused() {
        let (_dir, path) = write("cookie-secure = \"yes\"\n");
        assert!(matches!(
            Config::load(&path, no_env),
            Err(ConfigError::BadValue {
                key: "cookie-secure",
                ..
            })
        ));
        let (_dir, path) = write("cookie-secure = true\n");
        assert!(Config::load(&path, no_env).unwrap().cookie_secure);
        let (_dir, path) = write("trusted-proxies = [\"10.0.0.1\", \"::1\"]\nbody-limit = 4096\n");
        let config = Config::load(&path, no_env).unwrap();
        assert_eq!((config.trusted_proxies.len(), config.body_limit), (2, 4096));
        let (_dir, path) = write("trusted-proxies = \"10.0.0.1, proxy.local\"\n");
        assert!(matches!(
            Config::load(&path, no_env),
            Err(ConfigError::BadValue {
                key: "trusted-proxies",
                ..
            })
        ));
        let (_dir, path) = write("body-limit = 10\n");
        assert!(matches!(
            Config::load(&path, no_env),
            Err(ConfigError::BadValue {
                key: "body-limit",
                ..
            })
        ));
        let (_dir, path) = write("site-addr = 3000\n");
        assert!(matches!(
            Config::load(&path, no_env),
            Err(ConfigError::BadValue {
                key: "site-addr",
                ..
            })
        ));
        let (_dir, path) = write("site_adr = \"127.0.0.1:1\"\n");
        let err = Config::load(&path, no_env).unwrap_err();
        assert!(err.to_string().contains("site_adr"), "{err}");
        let (_dir, path) = write("site-addr = \n");
        assert!(matches!(
            Config::load(&path, no_env),
            Err(ConfigError::Syntax { .. })
        ));
    }
}
