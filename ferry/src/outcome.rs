//! How a server-function call ended, named the same in the server's log,
//! its metrics and the browser console.

/// A call's outcome, from its HTTP status.
///
/// ```
/// assert_eq!(ferry::Outcome::of_status(429), ferry::Outcome::Denied);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Answered 2xx, or a plain form's redirect without an error.
    Ok,
    /// The function refused the input (400, 404, 405, 409, 422).
    Invalid,
    /// A guard or a security layer refused the request (401, 403, 413, 429).
    Denied,
    /// The server failed (5xx); the error chain is logged at error level.
    Error,
}

impl Outcome {
    /// The outcome an HTTP status stands for.
    ///
    /// ```
    /// assert_eq!(ferry::Outcome::of_status(422), ferry::Outcome::Invalid);
    /// ```
    pub fn of_status(status: u16) -> Self {
        match status {
            200..=399 => Self::Ok,
            401 | 403 | 413 | 429 => Self::Denied,
            500.. => Self::Error,
            _ => Self::Invalid,
        }
    }

    /// The name used in logs, metrics and the browser console.
    ///
    /// ```
    /// assert_eq!(ferry::Outcome::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Invalid => "invalid",
            Self::Denied => "denied",
            Self::Error => "error",
        }
    }
}
