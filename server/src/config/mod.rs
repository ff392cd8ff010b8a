//! The runtime configuration: `Leptos.toml`, each key overridable by an
//! environment variable, each value checked at start-up.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use tracing_subscriber::EnvFilter;

mod keys;
mod values;
use keys::*;
pub use values::{CookieSecure, LogFormatSetting, MetricsAt, OpenApiAt, Seconds, Secret};

/// The file read when `APP_CONFIG` does not name another.
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
    /// How log lines are written (`log-format`, `APP_LOG_FORMAT`).
    pub log_format: LogFormatSetting,
    /// Where `/metrics` is served (`metrics`, `APP_METRICS`), `auto`
    /// already resolved for the environment.
    pub metrics: MetricsAt,
    /// Whether cookies are marked `Secure` (`cookie-secure`, `APP_COOKIE_SECURE`):
    /// `auto` (over https, and in production for clients elsewhere), always or never.
    pub cookie_secure: app::secure::SecureCookies,
    /// Other origins allowed to post (`allowed-origins`, `APP_ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Host` are believed
    /// (`trusted-proxies`, `APP_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest request body in bytes (`body-limit`, `APP_BODY_LIMIT`).
    pub body_limit: usize,
    /// Requests per second per client address, sustained (`rate-limit-per-second`,
    /// `APP_RATE_LIMIT_PER_SECOND`); 0 turns the limit off.
    pub rate_per_second: u32,
    /// Requests at once before the rate applies (`rate-limit-burst`, `APP_RATE_LIMIT_BURST`).
    pub rate_burst: u32,
    /// MiB of pages kept for every visitor (`cache`, `APP_CACHE`); 0 turns
    /// the server's cache off, cached reads included.
    pub cache_mib: u64,
    /// How long a connection may take to send a request's headers, idle
    /// keep-alive included (`header-read-timeout`, `APP_HEADER_READ_TIMEOUT`).
    pub header_read_timeout: Duration,
    /// How long a request may take to answer (`request-timeout`,
    /// `APP_REQUEST_TIMEOUT`); `None` for no limit.
    pub request_timeout: Option<Duration>,
    /// Requests in flight at once (`max-in-flight`, `APP_MAX_IN_FLIGHT`);
    /// `None` for no bound.
    pub max_in_flight: Option<usize>,
    /// Requests in flight at once from one client address
    /// (`max-in-flight-per-client`, `APP_MAX_IN_FLIGHT_PER_CLIENT`); `None`
    /// for no share.
    pub max_in_flight_per_client: Option<usize>,
    /// How long a request's body may go without a byte (`body-timeout`,
    /// `APP_BODY_TIMEOUT`); `None` for no limit.
    pub body_timeout: Option<Duration>,
    /// How long a shutdown waits for requests in flight (`drain-timeout`,
    /// `APP_DRAIN_TIMEOUT`).
    pub drain_timeout: Duration,
    /// How long the server still accepts connections once a shutdown
    /// begins, with `/readyz` answering 503 (`shutdown-delay`, `APP_SHUTDOWN_DELAY`).
    pub shutdown_delay: Duration,
    /// The secret that signs session cookies (`session-key`, `APP_SESSION_KEY`).
    pub session_key: Option<Secret>,
    /// Production mode (`LEPTOS_ENV=PROD`): a missing session key is an error.
    pub production: bool,
    /// How often expired sessions, abandoned carts and unused uploads are
    /// removed (`sweep-every`, `APP_SWEEP_EVERY`); `None` for never.
    pub sweep_every: Option<Duration>,
    /// How long a cart of no account may go without an addition before the
    /// sweep removes it (`abandoned-cart-days`, `APP_ABANDONED_CART_DAYS`).
    pub abandoned_cart_age: Duration,
    /// Where uploaded files are kept (`uploads-dir`, `APP_UPLOADS_DIR`).
    pub uploads_dir: PathBuf,
    /// Where the OpenAPI document of the server functions is served
    /// (`openapi`, `APP_OPENAPI`), `auto` already resolved; `None` for nowhere.
    pub openapi: Option<String>,
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
        "`session-key` is missing: in production (LEPTOS_ENV=PROD) set APP_SESSION_KEY \
         (or session-key in the config file) to at least 32 random characters, \
         for example the output of `openssl rand -hex 32`"
    )]
    MissingSessionKey,
    #[error(
        "`admin-email` (from {origin}) is no longer read: it made an admin of whoever \
         signed up first with that address. Remove it, and make an existing account an \
         admin with `server admin grant EMAIL`"
    )]
    AdminEmail { origin: String },
    #[error("bad value for `{key}` (from {origin}): expected {expected}, got {value}")]
    BadValue {
        key: &'static str,
        origin: String,
        expected: &'static str,
        value: String,
    },
}

fn known_keys() -> String {
    KEYS.map(|k| k.name).join(", ")
}

impl Config {
    /// Reads the file named by `APP_CONFIG` (default `Leptos.toml`) and the
    /// process environment.
    pub fn from_environment() -> Result<Self, ConfigError> {
        let path = std::env::var_os("APP_CONFIG")
            .map_or_else(|| PathBuf::from(DEFAULT_PATH), PathBuf::from);
        Self::load(&path, |name| std::env::var(name).ok())
    }

    /// Reads `path` (missing means defaults), then lets `env` override each key.
    pub fn load(path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let source = Source {
            table: read_table(path)?,
            path,
            env: &env,
        };
        let (log_level, origin) = source.value(&LOG_LEVEL)?;
        EnvFilter::try_new(&log_level).map_err(|_| bad(&LOG_LEVEL, origin, quoted(&log_level)))?;
        let session_key = source.session_key()?;
        source.no_admin_email()?;
        let production = env("LEPTOS_ENV").is_some_and(|e| {
            e.eq_ignore_ascii_case("prod") || e.eq_ignore_ascii_case("production")
        });
        if production && session_key.is_none() {
            return Err(ConfigError::MissingSessionKey);
        }
        Ok(Self {
            site_addr: source.parsed(&SITE_ADDR, |_| true)?,
            database_url: source.parsed(&DATABASE_URL, |url: &String| !url.is_empty())?,
            log_level,
            log_format: source.parsed(&LOG_FORMAT, |_| true)?,
            metrics: source
                .parsed(&METRICS, |_: &MetricsAt| true)?
                .resolve(production),
            cookie_secure: source
                .parsed(&COOKIE_SECURE, |_: &CookieSecure| true)?
                .resolve(production),
            allowed_origins: source.list(&ALLOWED_ORIGINS)?,
            trusted_proxies: source.list(&TRUSTED_PROXIES)?,
            body_limit: source.parsed(&BODY_LIMIT, |n| *n >= 1024)?,
            rate_per_second: source.parsed(&RATE_PER_SECOND, |_| true)?,
            rate_burst: source.parsed(&RATE_BURST, |_| true)?,
            cache_mib: source.parsed(&CACHE, |mib| *mib <= 1 << 20)?,
            header_read_timeout: source
                .parsed(&HEADER_READ_TIMEOUT, |s: &Seconds| !s.0.is_zero())?
                .0,
            request_timeout: source
                .parsed(&REQUEST_TIMEOUT, |_: &Seconds| true)?
                .or_off(),
            max_in_flight: Some(source.parsed(&MAX_IN_FLIGHT, |_: &usize| true)?)
                .filter(|n| *n > 0),
            max_in_flight_per_client: Some(
                source.parsed(&MAX_IN_FLIGHT_PER_CLIENT, |_: &usize| true)?,
            )
            .filter(|n| *n > 0),
            body_timeout: source.parsed(&BODY_TIMEOUT, |_: &Seconds| true)?.or_off(),
            drain_timeout: source.parsed(&DRAIN_TIMEOUT, |_: &Seconds| true)?.0,
            shutdown_delay: source.parsed(&SHUTDOWN_DELAY, |_: &Seconds| true)?.0,
            session_key,
            production,
            sweep_every: Some(Duration::from_secs(
                source.parsed(&SWEEP_EVERY, |_: &u64| true)?,
            ))
            .filter(|every| !every.is_zero()),
            abandoned_cart_age: Duration::from_secs(
                86_400
                    * u64::from(source.parsed(&ABANDONED_CART_DAYS, |days: &u32| {
                        (1..=36_500).contains(days)
                    })?),
            ),
            uploads_dir: source
                .parsed(&UPLOADS_DIR, |dir: &PathBuf| !dir.as_os_str().is_empty())?,
            openapi: source
                .parsed(&OPENAPI, |_: &OpenApiAt| true)?
                .resolve(production),
        })
    }

    /// The tracing filter for this configuration (validated at load).
    pub fn log_filter(&self) -> EnvFilter {
        EnvFilter::try_new(&self.log_level).unwrap_or_else(|_| EnvFilter::new(LOG_LEVEL.default))
    }
}

/// Where values come from: the environment first, then the file, then the
/// key's default; each value with a description of its origin.
struct Source<'a, E> {
    table: toml::Table,
    path: &'a Path,
    env: &'a E,
}

impl<E: Fn(&str) -> Option<String>> Source<'_, E> {
    fn value(&self, key: &'static Key) -> Result<(String, String), ConfigError> {
        if let Some(value) = (self.env)(key.env) {
            return Ok((value, format!("environment variable {}", key.env)));
        }
        let origin = self.path.display().to_string();
        let text = match self.table.get(key.name) {
            None => return Ok((key.default.to_owned(), "default".to_owned())),
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(toml::Value::Boolean(b)) => Some(b.to_string()),
            Some(toml::Value::Integer(n)) => Some(n.to_string()),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(toml::Value::as_str)
                .collect::<Option<Vec<_>>>()
                .map(|items| items.join(",")),
            Some(_) => None,
        };
        match text {
            Some(text) => Ok((text, origin)),
            None => Err(bad(key, origin, self.table[key.name].to_string())),
        }
    }

    /// The key's value parsed as `T` and accepted by `valid`.
    fn parsed<T: FromStr>(
        &self,
        key: &'static Key,
        valid: impl Fn(&T) -> bool,
    ) -> Result<T, ConfigError> {
        let (text, origin) = self.value(key)?;
        text.trim()
            .parse()
            .ok()
            .filter(valid)
            .ok_or_else(|| bad(key, origin, quoted(&text)))
    }

    /// A list (a TOML array, or comma-separated text), each item parsed as `T`.
    fn list<T: FromStr>(&self, key: &'static Key) -> Result<Vec<T>, ConfigError> {
        let (text, origin) = self.value(key)?;
        let items = text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty());
        items
            .map(|item| {
                item.parse()
                    .map_err(|_| bad(key, origin.clone(), quoted(item)))
            })
            .collect()
    }

    /// At least 32 characters, or none. The value is a secret: an error says
    /// how long it was, never what it was.
    fn session_key(&self) -> Result<Option<Secret>, ConfigError> {
        let (secret, origin) = self.value(&SESSION_KEY)?;
        match secret.trim() {
            "" => Ok(None),
            key if key.len() >= 32 => Ok(Some(Secret::new(key.to_owned()))),
            key => Err(bad(
                &SESSION_KEY,
                origin,
                format!("{} characters", key.len()),
            )),
        }
    }
}

impl<E: Fn(&str) -> Option<String>> Source<'_, E> {
    /// The retired `admin-email`, set anywhere, stops the server with what
    /// to do instead: ignored, it would leave the operator without an admin
    /// and no word why.
    fn no_admin_email(&self) -> Result<(), ConfigError> {
        let (text, origin) = self.value(&ADMIN_EMAIL)?;
        match text.trim().is_empty() {
            true => Ok(()),
            false => Err(ConfigError::AdminEmail { origin }),
        }
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

fn quoted(value: &str) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests;
