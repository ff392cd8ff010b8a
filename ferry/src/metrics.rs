//! Prometheus metrics: server-function calls, errors and latency, HTTP
//! requests per route, and gauges the app adds (a database pool's size).
//! Each [`Metrics`] owns its registry, so tests and several routers in one
//! process do not share counters.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::outcome::Outcome;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CallLabels {
    function: String,
    outcome: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct FunctionLabel {
    function: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

type Sampler = Box<dyn Fn() -> i64 + Send + Sync>;

struct Inner {
    registry: Mutex<Registry>,
    calls: Family<CallLabels, Counter>,
    errors: Family<FunctionLabel, Counter>,
    latency: Family<FunctionLabel, Histogram, fn() -> Histogram>,
    http: Family<HttpLabels, Counter>,
    /// Gauges read when scraped, each with the function that samples it.
    sampled: Mutex<Vec<(Gauge, Sampler)>>,
}

/// The registry and the metrics ferry records; cheap to clone.
///
/// ```
/// let metrics = ferry::metrics::Metrics::new();
/// metrics.gauge("queue_length", "Jobs waiting", || 3);
/// assert!(metrics.render().contains("ferry_queue_length 3"));
/// ```
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// Latency buckets from 0.25 ms to about 4 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with ferry's metrics in it.
    ///
    /// ```
    /// let metrics = ferry::metrics::Metrics::new();
    /// ```
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("ferry");
        let calls = Family::<CallLabels, Counter>::default();
        let errors = Family::<FunctionLabel, Counter>::default();
        let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let http = Family::<HttpLabels, Counter>::default();
        registry.register(
            "server_fn_calls",
            "Server-function calls by function and outcome",
            calls.clone(),
        );
        registry.register(
            "server_fn_errors",
            "Server-function calls that failed on the server (5xx)",
            errors.clone(),
        );
        registry.register(
            "server_fn_duration_seconds",
            "Server-function call latency",
            latency.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests by method, matched route and status",
            http.clone(),
        );
        let inner = Inner {
            registry: Mutex::new(registry),
            calls,
            errors,
            latency,
            http,
            sampled: Mutex::new(Vec::new()),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Adds a gauge (named `ferry_<name>`) whose value `sample` reads at each
    /// scrape, such as a connection pool's size.
    ///
    /// ```
    /// let metrics = ferry::metrics::Metrics::new();
    /// metrics.gauge("db_pool_connections", "Open connections", || 4);
    /// ```
    pub fn gauge(&self, name: &str, help: &str, sample: impl Fn() -> i64 + Send + Sync + 'static) {
        let gauge = Gauge::default();
        lock(&self.inner.registry).register(name, help, gauge.clone());
        lock(&self.inner.sampled).push((gauge, Box::new(sample)));
    }

    /// `GET /metrics` alone, for an internal address beside the site.
    ///
    /// ```
    /// let metrics = ferry::metrics::Metrics::new();
    /// let internal: axum::Router = metrics.router();
    /// ```
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        axum::Router::new().route(
            "/metrics",
            axum::routing::get(serve).with_state(self.clone()),
        )
    }

    /// Counts one finished server-function call.
    pub(crate) fn record_call(&self, function: &str, outcome: Outcome, seconds: f64) {
        let function = function.to_owned();
        self.inner
            .calls
            .get_or_create(&CallLabels {
                function: function.clone(),
                outcome: outcome.as_str(),
            })
            .inc();
        let label = FunctionLabel { function };
        if outcome == Outcome::Error {
            self.inner.errors.get_or_create(&label).inc();
        }
        self.inner.latency.get_or_create(&label).observe(seconds);
    }

    /// Counts one HTTP request. `route` is the matched route pattern, never
    /// the raw path, and `method` one of a fixed few, so the number of
    /// series stays bounded whatever clients send.
    pub(crate) fn record_http(&self, method: &'static str, route: &str, status: u16) {
        let labels = HttpLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.inner.http.get_or_create(&labels).inc();
    }

    /// The metrics in the Prometheus text exposition format.
    ///
    /// ```
    /// let text = ferry::metrics::Metrics::new().render();
    /// assert!(text.ends_with("# EOF\n"));
    /// ```
    pub fn render(&self) -> String {
        for (gauge, sample) in lock(&self.inner.sampled).iter() {
            gauge.set(sample());
        }
        let mut text = String::new();
        if encode(&mut text, &lock(&self.inner.registry)).is_err() {
            let _ = writeln!(text, "# metrics could not be encoded");
        }
        text
    }
}

/// A poisoned lock only means a sampler panicked; the data is still good.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Handler for `GET /metrics`, with the [`Metrics`] as state.
pub(crate) async fn serve(State(metrics): State<Metrics>) -> Response {
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type)],
        metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_errors_latency_and_gauges_are_rendered() {
        let metrics = Metrics::new();
        metrics.gauge("pool_connections", "Open connections", || 7);
        metrics.record_call("notes/add", Outcome::Ok, 0.002);
        metrics.record_call("notes/add", Outcome::Error, 0.010);
        metrics.record_http("POST", "/api/notes/add", 200);
        let text = metrics.render();
        for line in [
            r#"ferry_server_fn_calls_total{function="notes/add",outcome="ok"} 1"#,
            r#"ferry_server_fn_calls_total{function="notes/add",outcome="error"} 1"#,
            r#"ferry_server_fn_errors_total{function="notes/add"} 1"#,
            r#"ferry_server_fn_duration_seconds_count{function="notes/add"} 2"#,
            r#"ferry_http_requests_total{method="POST",route="/api/notes/add",status="200"} 1"#,
            "ferry_pool_connections 7",
        ] {
            assert!(text.contains(line), "missing {line} in\n{text}");
        }
    }
}
