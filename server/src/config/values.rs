//! Values of the observability keys that are more than a number or a list.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use ferry::logging::LogFormat;

/// `log-format`: readable text, JSON lines, or `auto` (JSON in production).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormatSetting {
    Auto,
    Fixed(LogFormat),
}

impl FromStr for LogFormatSetting {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "text" => Ok(Self::Fixed(LogFormat::Text)),
            "json" => Ok(Self::Fixed(LogFormat::Json)),
            _ => Err(()),
        }
    }
}

impl LogFormatSetting {
    /// The format to write: `auto` means JSON in production, text otherwise.
    pub fn resolve(self, production: bool) -> LogFormat {
        match self {
            Self::Fixed(format) => format,
            Self::Auto if production => LogFormat::Json,
            Self::Auto => LogFormat::Text,
        }
    }
}

/// `metrics`: where `/metrics` is served, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsAt {
    /// On the site in development, nowhere in production (the default).
    Auto,
    /// Not served.
    Off,
    /// At `/metrics` on the site's own address.
    Site,
    /// At `/metrics` on a separate listener, such as an internal interface.
    Address(SocketAddr),
}

impl FromStr for MetricsAt {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "off" => Ok(Self::Off),
            "site" => Ok(Self::Site),
            _ => text.parse().map(Self::Address).map_err(|_| ()),
        }
    }
}

impl MetricsAt {
    /// Where to serve: `auto` means the site in development, nowhere in
    /// production, so a public site does not show its internals by default.
    pub fn resolve(self, production: bool) -> Self {
        match self {
            Self::Auto if production => Self::Off,
            Self::Auto => Self::Site,
            other => other,
        }
    }
}

/// `openapi`: where the OpenAPI document is served, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenApiAt {
    /// At [`OpenApiAt::DEFAULT_PATH`] in development, nowhere in production.
    Auto,
    /// Not served.
    Off,
    /// At this path, in any environment.
    Path(String),
}

impl OpenApiAt {
    /// Where `auto` serves it in development.
    pub const DEFAULT_PATH: &'static str = "/api/openapi.json";

    /// The path to serve it at: `auto` means development only, so a public
    /// site lists its functions only when the operator says so.
    pub fn resolve(self, production: bool) -> Option<String> {
        match self {
            Self::Auto if production => None,
            Self::Auto => Some(Self::DEFAULT_PATH.to_owned()),
            Self::Off => None,
            Self::Path(path) => Some(path),
        }
    }
}

impl FromStr for OpenApiAt {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "off" => Ok(Self::Off),
            _ if text.starts_with('/') && !text.contains(char::is_whitespace) && text.len() > 1 => {
                Ok(Self::Path(text.to_owned()))
            }
            _ => Err(()),
        }
    }
}

/// A secret from the configuration: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret([redacted, {} characters])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observability_values_parse() {
        assert_eq!("JSON".parse(), Ok(LogFormatSetting::Fixed(LogFormat::Json)));
        assert_eq!(LogFormatSetting::Auto.resolve(true), LogFormat::Json);
        assert_eq!(LogFormatSetting::Auto.resolve(false), LogFormat::Text);
        assert!("yaml".parse::<LogFormatSetting>().is_err());
        assert_eq!("off".parse(), Ok(MetricsAt::Off));
        assert_eq!("site".parse(), Ok(MetricsAt::Site));
        assert_eq!(
            "127.0.0.1:9100".parse(),
            Ok(MetricsAt::Address("127.0.0.1:9100".parse().unwrap()))
        );
        assert!("9100".parse::<MetricsAt>().is_err());
        assert_eq!(MetricsAt::Auto.resolve(true), MetricsAt::Off);
        assert_eq!(MetricsAt::Auto.resolve(false), MetricsAt::Site);
        assert_eq!(MetricsAt::Site.resolve(true), MetricsAt::Site);
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let secret = Secret::new("hunter2-hunter2-hunter2-hunter2-x".into());
        let text = format!("{secret:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("redacted"));
    }
}

/// A time in seconds, fractions allowed (`0.5`), up to an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub Duration);

impl FromStr for Seconds {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let seconds: f64 = text.parse().map_err(|_| ())?;
        if !(0.0..=3600.0).contains(&seconds) {
            return Err(());
        }
        Ok(Self(Duration::from_secs_f64(seconds)))
    }
}

impl Seconds {
    /// `None` for zero: the key's way of saying "no limit".
    pub fn or_off(self) -> Option<Duration> {
        (!self.0.is_zero()).then_some(self.0)
    }
}

/// `cookie-secure`: `auto`, `true` or `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecure {
    Auto,
    Fixed(bool),
}

impl FromStr for CookieSecure {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            other => other.parse().map(Self::Fixed).map_err(|_| ()),
        }
    }
}

impl CookieSecure {
    /// The policy for this environment.
    pub fn resolve(self, production: bool) -> app::secure::SecureCookies {
        use app::secure::SecureCookies;
        match self {
            Self::Auto => SecureCookies::Auto { production },
            Self::Fixed(true) => SecureCookies::Always,
            Self::Fixed(false) => SecureCookies::Never,
        }
    }
}
