//! Request ids: taken from an incoming `x-request-id` (when it is a sane
//! token) or made here, put back on the request for the handlers, and set on
//! the response, so a user's report of an id leads to the log line: every
//! line logged while the request is handled sits in its `request{id=...}` span.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;

/// The header that carries the id both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Middleware: gives every request an id (see the module docs).
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_valid(v))
        .map_or_else(crate::error::new_request_id, str::to_owned);
    let value = HeaderValue::from_str(&id).expect("a valid id is a valid header value");
    request.headers_mut().insert(HEADER, value.clone());
    let span = tracing::info_span!("request", id = %id);
    let mut response = next.run(request).instrument(span).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// An incoming id is kept only if it is short and plain: it goes into logs
/// and pages, so nothing that could forge a log line or break HTML.
pub fn is_valid(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The current request's id inside a server function, if there is one.
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
