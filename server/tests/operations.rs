//! What operators and developers rely on: health and readiness endpoints,
//! request ids that tie a user's report to the log, metrics that move, and
//! a 404 for a mistyped endpoint that names the right one in development.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;

#[tokio::test]
async fn healthz_is_alive_and_readyz_follows_the_database() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    app.db.close().await;
    assert_eq!(
        app.get("/healthz", None).await.status,
        StatusCode::OK,
        "the process is still alive"
    );
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_request_id_round_trips_and_names_the_internal_error() {
    let app = TestApp::new().await;
    let plain = app.get("/", None).await;
    let generated = plain.headers["x-request-id"].to_str().unwrap();
    assert!(
        ferry::request_id::is_valid(generated) && generated.len() == 36,
        "an id (a UUID) is made when none is sent: {generated}"
    );
    app.break_database().await;
    let request = common::with_request_id("/api/counter/add", "by=1", "support-ticket-4711");
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.headers["x-request-id"], "support-ticket-4711");
    assert_eq!(reply.json()["request_id"], "support-ticket-4711");
    let forged = Request::builder()
        .uri("/")
        .header("x-request-id", "<script>")
        .body(Body::empty())
        .unwrap();
    let reply = app.send(forged).await;
    let replaced = reply.headers["x-request-id"].to_str().unwrap();
    assert!(
        ferry::request_id::is_valid(replaced),
        "an unsafe id is replaced: {replaced}"
    );
}

/// The value of the first metric line starting with `series`, or 0.
fn metric(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .map_or(0.0, |value| value.parse().unwrap())
}

#[tokio::test]
async fn metrics_count_calls_outcomes_latency_routes_and_the_pool() {
    let app = TestApp::new().await;
    let before = app.get("/metrics", None).await;
    assert_eq!(before.status, StatusCode::OK);
    let ok = r#"ferry_server_fn_calls_total{function="counter/add",outcome="ok"}"#;
    let invalid = r#"ferry_server_fn_calls_total{function="counter/add",outcome="invalid"}"#;
    let latency = r#"ferry_server_fn_duration_seconds_count{function="counter/add"}"#;
    let page = r#"ferry_http_requests_total{method="GET",route="/healthz",status="200"}"#;
    assert_eq!(metric(&before.body, ok), 0.0);

    let added = app.call("/api/counter/add", "by=1", None).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    app.call("/api/counter/add", "by=1", None).await;
    let refused = app.call("/api/counter/add", "by=0", None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);

    let after = app.get("/metrics", None).await.body;
    assert_eq!(metric(&after, ok), 2.0, "{after}");
    assert_eq!(metric(&after, invalid), 1.0, "{after}");
    assert_eq!(metric(&after, latency), 3.0, "{after}");
    assert_eq!(metric(&after, page), 1.0, "{after}");
    assert!(
        metric(&after, "ferry_db_pool_connections ") >= 1.0,
        "{after}"
    );
    assert!(after.contains("ferry_db_pool_idle_connections "), "{after}");
}

#[tokio::test]
async fn internal_failures_are_counted_as_errors() {
    let app = TestApp::new().await;
    app.break_database().await;
    let failed = app.call("/api/counter/add", "by=1", None).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    let scrape = app.get("/metrics", None).await.body;
    let errors = r#"ferry_server_fn_errors_total{function="counter/add"}"#;
    assert_eq!(metric(&scrape, errors), 1.0, "{scrape}");
}

#[tokio::test]
async fn a_mistyped_endpoint_names_the_closest_ones_in_development() {
    let app = TestApp::new().await;
    let reply = app.call("/api/counter/ad", "by=1", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let suggestion = reply.body.lines().nth(2).unwrap_or_default();
    assert_eq!(suggestion.trim(), "POST /api/counter/add", "{}", reply.body);
    assert!(!reply.body.contains("orders/checkout"), "{}", reply.body);
}

#[tokio::test]
async fn a_mistyped_endpoint_names_nothing_in_production() {
    let app = TestApp::production().await;
    let reply = app.call("/api/counter/ad", "by=1", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.body,
        "No server function is registered at POST /api/counter/ad.\n"
    );
}
