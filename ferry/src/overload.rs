//! Bounds on the work the server takes on: at most so many requests at
//! once (tower's global concurrency limit, with load shedding so that the next
//! one is refused at once with 503 and `Retry-After` instead of waiting in
//! an unbounded queue), and at most so long for each (tower-http's
//! timeout, 503 as well).

use std::convert::Infallible;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How long a client over the limit is asked to wait before it tries again.
const RETRY_AFTER_SECONDS: &str = "1";

/// The answer to a request refused because the server is at its limit.
pub(crate) async fn overloaded(_: tower::BoxError) -> Result<Response, Infallible> {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "The server is busy; try again in a moment.\n",
    )
        .into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    Ok(response)
}
