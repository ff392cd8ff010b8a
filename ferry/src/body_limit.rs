//! The body limit's second half: a body is read whole before the handler,
//! so a streamed body over the limit gets the same 413 as a declared one,
//! and a body that stops arriving gets 408 rather than holding its slot.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tower_http::timeout::{TimeoutBody, TimeoutError};

/// What a body may be: at most `limit` bytes, with at most `idle_timeout`
/// between two of its parts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyRules {
    pub(crate) limit: usize,
    pub(crate) idle_timeout: Option<Duration>,
}

/// The body, failing with tower-http's `TimeoutError` once it goes
/// `idle_timeout` without a part.
pub(crate) fn timed<B>(body: B, idle_timeout: Option<Duration>) -> Body
where
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    match idle_timeout {
        Some(timeout) => Body::new(TimeoutBody::new(timeout, body)),
        None => Body::new(body),
    }
}

/// Middleware, inside tower-http's `RequestBodyLimitLayer`: that layer
/// refuses a declared length over the limit with 413 itself, but a body
/// streamed without a length, or one that stalls, only fails while a
/// handler reads it, deep inside a server function, as a 400. Reading it
/// here first turns those into 413 and 408. A multipart body of a declared
/// length streams on to its handler (uploads are read as they come).
pub(crate) async fn read_whole(
    State(rules): State<BodyRules>,
    request: Request,
    next: Next,
) -> Response {
    // A declared length is already within the limit; a multipart body of
    // that length can stream.
    if is_multipart(&request) && request.headers().contains_key(header::CONTENT_LENGTH) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match body.collect().await {
        Ok(collected) => {
            let body = Body::from(collected.to_bytes());
            next.run(Request::from_parts(parts, body)).await
        }
        Err(err) => refused(&err, rules),
    }
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("multipart/"))
}

/// The answer to a body that could not be read whole.
fn refused(err: &axum::Error, rules: BodyRules) -> Response {
    if caused_by::<http_body_util::LengthLimitError>(err) {
        let message = format!(
            "Request body too large: the limit is {} bytes.\n",
            rules.limit
        );
        return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
    }
    if caused_by::<TimeoutError>(err) {
        let seconds = rules.idle_timeout.unwrap_or_default().as_secs_f64();
        let message = format!("The request body stopped arriving: nothing for {seconds} s.\n");
        let mut response = (StatusCode::REQUEST_TIMEOUT, message).into_response();
        // The rest of the body may still come; the connection cannot be
        // reused for another request.
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        return response;
    }
    (
        StatusCode::BAD_REQUEST,
        "The request body could not be read.\n",
    )
        .into_response()
}

/// Whether `E` is in the error's chain of sources.
fn caused_by<E: std::error::Error + 'static>(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = source {
        if err.is::<E>() {
            return true;
        }
        source = err.source();
    }
    false
}
