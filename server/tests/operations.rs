//! What operators rely on: health and readiness endpoints, and request ids
//! that tie a user's report to the log.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::TestApp;

#[tokio::test]
async fn healthz_is_alive_and_readyz_follows_the_database() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    app.pool.close().await;
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
    assert_eq!(generated.len(), 12, "an id is made when none is sent");
    app.pool.close().await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/cart/add")
        .header("host", "localhost")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-request-id", "support-ticket-4711")
        .body(Body::from("product_id=1&quantity=1"))
        .unwrap();
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
    assert_ne!(
        reply.headers["x-request-id"], "<script>",
        "an unsafe id is replaced"
    );
}
