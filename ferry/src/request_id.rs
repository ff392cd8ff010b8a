//! Request ids, with tower-http's request-id layers: taken from an incoming
//! `x-request-id` when it is a sane token, made here (a UUID) otherwise,
//! put on the request for the handlers and on the response, so a user's
//! report of an id leads to the log line: every line logged while the
//! request is handled sits in its `request{id=...}` span.

use axum::extract::Request;
use axum::http::HeaderName;

/// The header that carries the id both ways.
///
/// ```
/// assert_eq!(ferry::request_id::HEADER, "x-request-id");
/// ```
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The span every line logged while a request runs sits in.
pub(crate) fn span(request: &Request) -> tracing::Span {
    let id = request.headers().get(&HEADER).and_then(|v| v.to_str().ok());
    tracing::info_span!("request", id = %id.unwrap_or_default())
}

/// An incoming id is kept only if it is short and plain: it goes into logs
/// and pages, so nothing that could forge a log line or break HTML. Any
/// other is dropped here, and a new one is made.
pub(crate) async fn drop_unsafe_id(mut request: Request) -> Request {
    let unsafe_id = request
        .headers()
        .get(&HEADER)
        .is_some_and(|v| !v.to_str().is_ok_and(is_valid));
    if unsafe_id {
        request.headers_mut().remove(&HEADER);
    }
    request
}

/// Whether an incoming id is kept: 1 to 64 ASCII letters, digits, `-`, `_`.
///
/// ```
/// assert!(ferry::request_id::is_valid("support-ticket-4711"));
/// assert!(!ferry::request_id::is_valid("<script>"));
/// ```
pub fn is_valid(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The current request's id inside a server function, if there is one.
///
/// ```
/// // Outside a request there is none.
/// assert_eq!(ferry::request_id::current(), None);
/// ```
pub fn current() -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    parts.headers.get(&HEADER)?.to_str().ok().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(is_valid("3f2a-99_ab") && is_valid(&"a".repeat(64)));
        for bad in ["", "a b", "<script>", "x\r\nforged: 1", &"a".repeat(65)] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }
}
