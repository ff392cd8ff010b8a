//! The error every server function can return: what went wrong, in terms the
//! user can act on, serialized as JSON so it arrives in the browser typed.

#[cfg(feature = "ssr")]
pub(crate) mod status;

use std::collections::BTreeMap;
use std::fmt::Display;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A failed server-function call. Internal details never travel in it: they
/// go to the log, and the user gets a request id to quote.
///
/// ```
/// fn parse_quantity(text: &str) -> Result<u32, ferry::Error> {
///     text.parse()
///         .map_err(|_| ferry::Error::invalid("quantity", "Enter a whole number."))
/// }
/// let err = parse_quantity("many").unwrap_err();
/// assert_eq!(err.status(), 422);
/// assert_eq!(err.field("quantity"), Some("Enter a whole number."));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// Well-formed input that breaks a rule; one message per field name, and
    /// the values the user sent, so a form re-rendered without JavaScript
    /// can show them again.
    #[error("please correct: {}", summary(fields))]
    Invalid {
        fields: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        values: BTreeMap<String, String>,
    },
    /// The request could not be read: malformed body, missing or mistyped argument.
    #[error("the request could not be read: {message}")]
    BadRequest { message: String },
    /// The thing the call names does not exist.
    #[error("{what} was not found")]
    NotFound { what: String },
    /// The call is valid but the current state forbids it.
    #[error("{message}")]
    Conflict { message: String },
    /// The call needs a signed-in user and the request has none (no
    /// session, or one that ended). Answered 401; a form posted without
    /// JavaScript is sent to the sign-in page instead (see
    /// `Settings::sign_in_path`).
    #[error("{message}")]
    Unauthorized { message: String },
    /// The signed-in user may not do this. Answered 403.
    #[error("{message}")]
    Forbidden { message: String },
    /// Too many attempts (sign-ins, say); try again later. Answered 429.
    #[error("{message}")]
    RateLimited { message: String },
    /// The browser could not reach the server at all.
    #[error("the server could not be reached; check your connection and try again")]
    Unreachable,
    /// A failure on the server's side; the detail is in the log under this id.
    #[error("something went wrong on our side; if it persists, quote request id {request_id}")]
    Internal { request_id: String },
}

impl Error {
    /// A validation failure on one field.
    ///
    /// ```
    /// let err = ferry::Error::invalid("email", "Enter an email address.");
    /// assert_eq!(err.field("email"), Some("Enter an email address."));
    /// ```
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            fields: BTreeMap::from([(field.into(), message.into())]),
            values: BTreeMap::new(),
        }
    }

    /// Validation failures on several fields at once; `None` when there are none.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let none = ferry::Error::invalid_fields(BTreeMap::new());
    /// assert!(none.is_none());
    /// let two = BTreeMap::from([("a".to_owned(), "Too short.".to_owned()), ("b".to_owned(), "Required.".to_owned())]);
    /// assert_eq!(ferry::Error::invalid_fields(two).unwrap().field("b"), Some("Required."));
    /// ```
    pub fn invalid_fields(fields: BTreeMap<String, String>) -> Option<Self> {
        (!fields.is_empty()).then_some(Self::Invalid {
            fields,
            values: BTreeMap::new(),
        })
    }

    /// Keeps a submitted value in a validation error, to refill the form.
    /// Other errors are returned unchanged.
    ///
    /// ```
    /// let err = ferry::Error::invalid("quantity", "Too many.").with_value("quantity", 500);
    /// assert_eq!(err.value("quantity"), Some("500"));
    /// ```
    pub fn with_value(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        if let Self::Invalid { values, .. } = &mut self {
            values.insert(name.into(), value.to_string());
        }
        self
    }

    /// A missing entity, named for the user ("note 42").
    ///
    /// ```
    /// assert_eq!(ferry::Error::not_found("Note 42").to_string(), "Note 42 was not found");
    /// ```
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    /// No signed-in user: a guard's refusal (401), with a message that
    /// says what to do and nothing about why (no session, an expired one,
    /// a forged cookie all read the same).
    ///
    /// ```
    /// let err = ferry::Error::unauthorized();
    /// assert_eq!((err.status(), err.to_string().as_str()), (401, "Sign in to continue."));
    /// ```
    pub fn unauthorized() -> Self {
        Self::Unauthorized {
            message: "Sign in to continue.".to_owned(),
        }
    }

    /// A signed-in user without the right (403).
    ///
    /// ```
    /// let err = ferry::Error::forbidden();
    /// assert_eq!(err.status(), 403);
    /// ```
    pub fn forbidden() -> Self {
        Self::Forbidden {
            message: "Your account may not do this.".to_owned(),
        }
    }

    /// Too many attempts (429), with a message that says when to retry.
    ///
    /// ```
    /// let err = ferry::Error::rate_limited("Too many attempts. Wait a minute.");
    /// assert_eq!(err.status(), 429);
    /// ```
    pub fn rate_limited(message: impl Into<String>) -> Self {
        Self::RateLimited {
            message: message.into(),
        }
    }

    /// Logs an internal failure once, with its full chain, and returns the
    /// error the user sees: no detail, only an id that finds the log line
    /// (the request's own id when there is one).
    ///
    /// ```
    /// let err = ferry::Error::internal("disk full at /var/lib/db");
    /// assert!(!err.to_string().contains("disk"));
    /// assert_eq!(err.status(), 500);
    /// ```
    pub fn internal(detail: impl Display) -> Self {
        #[cfg(feature = "ssr")]
        let request_id = crate::request_id::current().unwrap_or_else(new_request_id);
        #[cfg(not(feature = "ssr"))]
        let request_id = new_request_id();
        #[cfg(feature = "ssr")]
        tracing::error!(request_id, error = %detail, "internal error in server function");
        #[cfg(not(feature = "ssr"))]
        let _ = detail;
        Self::Internal { request_id }
    }

    /// The message for one field, to show beside it in a form.
    ///
    /// ```
    /// let err = ferry::Error::invalid("title", "Required.");
    /// assert_eq!((err.field("title"), err.field("body")), (Some("Required."), None));
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        match self {
            Self::Invalid { fields, .. } => fields.get(name).map(String::as_str),
            _ => None,
        }
    }

    /// A value the user submitted, kept by [`Error::with_value`].
    ///
    /// ```
    /// let err = ferry::Error::invalid("title", "Too long.").with_value("title", "x");
    /// assert_eq!(err.value("title"), Some("x"));
    /// ```
    pub fn value(&self, name: &str) -> Option<&str> {
        match self {
            Self::Invalid { values, .. } => values.get(name).map(String::as_str),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    ///
    /// ```
    /// assert_eq!(ferry::Error::not_found("Note 7").status(), 404);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 422,
            Self::BadRequest { .. } => 400,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::RateLimited { .. } => 429,
            Self::Unreachable => 503,
            Self::Internal { .. } => 500,
        }
    }
}

/// An error type that knows its HTTP status. A failed server function
/// answers with 500 unless its error says otherwise: implement this for an
/// app's own error type (the one its server functions return) and
/// `#[ferry::read]` and `#[ferry::mutation]` answer a failed call with the
/// status it gives. [`Error`] is one implementation.
///
/// ```
/// #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
/// pub enum BookingError {
///     FullyBooked,
///     Server(String),
/// }
///
/// impl ferry::ErrorStatus for BookingError {
///     fn status(&self) -> u16 {
///         match self {
///             BookingError::FullyBooked => 409,
///             BookingError::Server(_) => 500,
///         }
///     }
/// }
/// # use ferry::ErrorStatus;
/// assert_eq!(BookingError::FullyBooked.status(), 409);
/// ```
pub trait ErrorStatus {
    /// The HTTP status a failed call with this error answers with.
    fn status(&self) -> u16;
}

impl ErrorStatus for Error {
    fn status(&self) -> u16 {
        Error::status(self)
    }
}

/// An error with its sources, outermost first (`a: b: c`), for the log. A
/// source whose text its wrapper already shows is not repeated.
///
/// ```
/// let err = std::io::Error::other("disk full");
/// assert_eq!(ferry::error::chain(&err), "disk full");
/// ```
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn summary(fields: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    parts.join("; ")
}

/// An id for one failure, unique within the process and unlikely to repeat
/// across restarts; enough to find a log line.
pub(crate) fn new_request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let count = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = web_time_nanos();
    format!(
        "{:012x}",
        (nanos ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15)) & 0xffff_ffff_ffff
    )
}

#[cfg(not(target_arch = "wasm32"))]
fn web_time_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default()
}

// The browser never mints ids for server failures; a fixed seed is enough there.
#[cfg(target_arch = "wasm32")]
fn web_time_nanos() -> u64 {
    0
}

impl FromServerFnError for Error {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::UnsupportedRequestMethod(message) => Self::BadRequest { message },
            ServerFnErrorErr::Request(_) => Self::Unreachable,
            // Deserialization is the server reading arguments, or the client
            // reading a reply; either way the bytes were not what was expected.
            ServerFnErrorErr::Deserialization(message) => Self::BadRequest { message },
            other => Self::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_name_every_distinct_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("saving the note")]
        struct Saving(#[source] std::io::Error);
        assert_eq!(
            chain(&Saving(std::io::Error::other("disk full"))),
            "saving the note: disk full"
        );
    }

    #[test]
    fn round_trips_through_json_with_a_kind_tag() {
        let err = Error::invalid("quantity", "Choose 1 to 99.");
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"invalid","fields":{"quantity":"Choose 1 to 99."}}"#
        );
        assert_eq!(serde_json::from_str::<Error>(&json).unwrap(), err);
    }

    #[test]
    fn each_kind_has_its_status() {
        assert_eq!(Error::invalid("a", "b").status(), 422);
        assert_eq!(Error::not_found("x").status(), 404);
        assert_eq!(Error::unauthorized().status(), 401);
        assert_eq!(Error::forbidden().status(), 403);
        assert_eq!(Error::rate_limited("later").status(), 429);
        let bad = Error::from_server_fn_error(ServerFnErrorErr::Args("by: not a number".into()));
        assert_eq!(bad.status(), 400);
        let internal = Error::from_server_fn_error(ServerFnErrorErr::ServerError("db down".into()));
        assert_eq!(internal.status(), 500);
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let err = Error::internal("password=hunter2 in connection string");
        let text = format!("{err} {}", serde_json::to_string(&err).unwrap());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("request id"));
    }

    #[test]
    fn submitted_values_travel_with_validation_errors_only() {
        let err = Error::invalid("quantity", "Too many.").with_value("quantity", 500);
        assert_eq!(err.value("quantity"), Some("500"));
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<Error>(&json).unwrap(), err);
        assert_eq!(
            Error::not_found("x").with_value("a", 1),
            Error::not_found("x")
        );
    }

    #[test]
    fn field_messages_are_found_by_name() {
        let err = Error::invalid("by", "Too big.");
        assert_eq!(err.field("by"), Some("Too big."));
        assert_eq!(err.field("other"), None);
        assert_eq!(Error::not_found("x").field("by"), None);
    }
}
