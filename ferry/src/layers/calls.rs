//! The layers every request passes first: its id and span, its log line
//! and metrics, and the bounds on how long and how many.

use std::sync::Arc;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::http::StatusCode;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;

use super::{LayeredService, boxed_layer};
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;

/// An `x-request-id` on every request and its response: kept from the
/// client when it is a plain token ([`crate::request_id::is_valid`]), made
/// here otherwise; every line logged while the request runs sits in its
/// `request{id=...}` span. Outermost but for [`super::InlineLayer`], so a
/// refused request has an id too.
///
/// ```
/// let app: axum::Router = axum::Router::new().layer(ferry::layers::RequestIdLayer::new());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestIdLayer;

impl RequestIdLayer {
    /// The layer.
    pub fn new() -> Self {
        Self
    }
}

boxed_layer!(RequestIdLayer, |_this, inner| {
    use crate::request_id::{HEADER, drop_unsafe_id, span};
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    let service = ServiceBuilder::new()
        .layer(axum::middleware::map_request(drop_unsafe_id))
        .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(HEADER))
        // Only the span: ferry logs calls itself (ObserveLayer).
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(span)
                .on_request(())
                .on_response(())
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .service(inner);
    LayeredService::new(service)
});

/// One span and one log line per server-function call (its name, outcome,
/// status and duration) and, given [`Metrics`], the calls and requests
/// counted. Only paths of registered server functions under `prefix` are
/// calls; every request is counted by route.
///
/// ```
/// let observe = ferry::layers::ObserveLayer::new("/api");
/// let app: axum::Router = axum::Router::new().layer(observe);
/// ```
#[derive(Debug, Clone)]
pub struct ObserveLayer(crate::observe::Observe);

impl ObserveLayer {
    /// Calls are the server functions registered under `prefix`.
    pub fn new(prefix: &str) -> Self {
        let prefix = prefix.trim_end_matches('/');
        let functions = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_owned())
            .collect();
        Self(crate::observe::Observe {
            #[cfg(feature = "metrics")]
            metrics: None,
            functions: Arc::new(functions),
            prefix: prefix.into(),
        })
    }

    /// Counts calls and requests in `metrics` too.
    ///
    /// ```
    /// let metrics = ferry::metrics::Metrics::new();
    /// let observe = ferry::layers::ObserveLayer::new("/api").metrics(metrics.clone());
    /// ```
    #[cfg(feature = "metrics")]
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.0.metrics = Some(metrics);
        self
    }
}

boxed_layer!(ObserveLayer, |this, inner| LayeredService::new(
    axum::middleware::from_fn_with_state(this.0.clone(), crate::observe::observe).layer(inner)
));

/// Bounds on the work the server takes on: a request that takes longer
/// than the timeout answers 503, and one that arrives while the bound of
/// requests in flight is reached answers 503 at once, with `Retry-After`,
/// rather than waiting in a queue. The bound is shared by every route the
/// layer is on. Neither is set by [`OverloadLayer::new`].
///
/// ```
/// use std::time::Duration;
/// let bounds = ferry::layers::OverloadLayer::new()
///     .timeout(Duration::from_secs(30))
///     .max_in_flight(512);
/// let app: axum::Router = axum::Router::new().layer(bounds);
/// ```
#[derive(Debug, Clone, Default)]
pub struct OverloadLayer {
    timeout: Option<Duration>,
    in_flight: Option<GlobalConcurrencyLimitLayer>,
}

impl OverloadLayer {
    /// No bound yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A request may take this long to produce its response headers.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// At most `limit` requests at once (at least one).
    pub fn max_in_flight(mut self, limit: usize) -> Self {
        self.in_flight = Some(GlobalConcurrencyLimitLayer::new(limit.max(1)));
        self
    }
}

boxed_layer!(OverloadLayer, |this, inner| {
    let mut service = LayeredService::new(inner);
    if let Some(timeout) = this.timeout {
        service = LayeredService::new(
            tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                timeout,
            )
            .layer(service),
        );
    }
    if let Some(limit) = &this.in_flight {
        service = LayeredService::new(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(crate::overload::overloaded))
                .load_shed()
                .layer(limit.clone())
                .service(service),
        );
    }
    service
});
