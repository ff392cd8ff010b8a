//! The body limit's second half: a streamed body over the limit gets the
//! same 413 as a declared one.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

/// Middleware, inside tower-http's `RequestBodyLimitLayer`: that layer
/// refuses a declared length over the limit with 413 itself, but a body
/// streamed without a length only fails while a handler reads it, deep
/// inside a server function, as a 400. Reading it here first (server
/// functions read the whole body anyway) turns that into the same 413.
pub(crate) async fn streamed_too_large(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    if request.headers().contains_key(header::CONTENT_LENGTH) {
        return next.run(request).await; // already checked against the limit
    }
    let (parts, body) = request.into_parts();
    match body.collect().await {
        Ok(collected) => {
            let body = Body::from(collected.to_bytes());
            next.run(Request::from_parts(parts, body)).await
        }
        Err(err) if over_the_limit(&err) => {
            let message = format!("Request body too large: the limit is {limit} bytes.\n");
            (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
        }
        Err(_) => (
            StatusCode::BAD_REQUEST,
            "The request body could not be read.\n",
        )
            .into_response(),
    }
}

/// Whether reading failed on the body limit rather than the connection.
fn over_the_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}
