//! Request ids, with tower-http's request-id layers: taken from an incoming
//! `x-request-id` when it is a sane token, made here (a UUID) otherwise,
//! put on the request for the handlers and on the response, so a user's
//! report of an id leads to the log line: every line logged while the
//! request is handled sits in its `request{id=...}` span.

use axum::extract::Request;
use axum::http::HeaderName;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The header that carries the id both ways.
///
/// ```
/// assert_eq!(ferry::request_id::HEADER, "x-request-id");
/// ```
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// `inner` with an id and a span for every request ([`crate::layers::RequestIdLayer`]).
pub(crate) fn wrap<S>(inner: S) -> crate::layers::LayeredService
where
    S: tower::Service<
            Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let span = |request: &Request| {
        let id = request.headers().get(&HEADER).and_then(|v| v.to_str().ok());
        tracing::info_span!("request", id = %id.unwrap_or_default())
    };
    let service = ServiceBuilder::new()
        .layer(axum::middleware::map_request(drop_unsafe_id))
        .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(HEADER))
        // Only the span: ferry logs calls itself (crate::observe).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span)
                .on_request(())
                .on_response(())
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .service(inner);
    crate::layers::LayeredService::new(service)
}

/// An incoming id is kept only if it is short and plain: it goes into logs
/// and pages, so nothing that could forge a log line or break HTML. Any
/// other is dropped here, and a new one is made.
async fn drop_unsafe_id(mut request: Request) -> Request {
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
