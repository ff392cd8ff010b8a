//! Bounds on the work the server takes on: at most so many requests at
//! once (tower's global concurrency limit, with load shedding so that the next
//! one is refused at once with 503 and `Retry-After` instead of waiting in
//! an unbounded queue), and at most so long for each (tower-http's
//! timeout, 503 as well).

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;

/// How long a client over the limit is asked to wait before it tries again.
const RETRY_AFTER_SECONDS: &str = "1";

/// Wraps `router` in the request timeout and the bound on requests in
/// flight that `settings` ask for.
pub(crate) fn layer(
    router: Router,
    timeout: Option<Duration>,
    max_in_flight: Option<usize>,
) -> Router {
    let router = match timeout {
        Some(timeout) => router.layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        )),
        None => router,
    };
    match max_in_flight {
        Some(limit) => router.layer(
            // Global: axum puts a router's layers on each route, and a
            // plain concurrency limit would count each route apart.
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                .layer(GlobalConcurrencyLimitLayer::new(limit.max(1))),
        ),
        None => router,
    }
}

/// The answer to a request refused because the server is at its limit.
async fn overloaded(_: tower::BoxError) -> Result<Response, Infallible> {
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
