//! The public JSON API: products as JSON, with proper 400s and 404s.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn products_are_listed_as_json() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/products", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let products = reply.json();
    assert_eq!(products.as_array().unwrap().len(), 20);
    let mug = products
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 1)
        .unwrap();
    assert_eq!(mug["name"], "Harbour Mug");
    assert_eq!(mug["price"], 1800);
    assert_eq!(mug["created_at"], "2026-01-05T09:00:00Z");
}

#[tokio::test]
async fn one_product_by_id() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/products/5", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["name"], "Brass Compass");
}

#[tokio::test]
async fn missing_and_malformed_ids() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/products/999", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["kind"], "not_found");
    let reply = app.get("/api/v1/products/abc", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["kind"], "bad_request");
}

#[tokio::test]
async fn the_api_is_read_only() {
    let app = TestApp::new().await;
    let reply = app.call("/api/v1/products", "", None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}
