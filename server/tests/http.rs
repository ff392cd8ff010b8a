//! Black-box HTTP tests: the real router, no port bound, one fresh state each.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

fn app() -> axum::Router {
    let options = LeptosOptions::builder().output_name("ferry").build();
    server::router::router(app::state::AppState::new(options))
}

async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, Response<()>, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (parts.status, Response::from_parts(parts, ()), text)
}

/// A server-function call as the hydrated app makes it.
fn js_call(path: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// The same call as a browser with JavaScript off submits the form.
fn form_post(path: &str, body: &str, referer: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, referer)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::builder().uri(path).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_start_page_is_rendered_on_the_server() {
    let app = app();
    let (status, response, html) = send(&app, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(html.contains("<title>Ferry</title>"), "{html}");
    assert!(html.contains(r#"data-testid="count">0</output>"#), "{html}");
    assert!(html.contains(r#"action="/api/counter/add""#), "{html}");
    assert!(
        html.contains("/pkg/ferry.js"),
        "hydration script missing: {html}"
    );
}

#[tokio::test]
async fn a_js_call_returns_the_new_value_as_json() {
    let app = app();
    let (status, _, body) = send(&app, js_call("/api/counter/add", "by=5")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "5"));
    let (status, _, body) = send(&app, js_call("/api/counter/add", "by=2")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "7"));
    let (_, _, html) = send(&app, get("/")).await;
    assert!(html.contains(r#"data-testid="count">7</output>"#), "{html}");
}

#[tokio::test]
async fn a_plain_form_post_redirects_back_to_the_page() {
    let app = app();
    let (status, response, _) = send(
        &app,
        form_post("/api/counter/add", "by=3", "http://localhost/"),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "http://localhost/");
    let (_, _, html) = send(&app, get("/")).await;
    assert!(html.contains(r#"data-testid="count">3</output>"#), "{html}");
}

#[tokio::test]
async fn a_rejected_form_post_carries_the_error_back_to_the_page() {
    let app = app();
    let (status, response, _) = send(
        &app,
        form_post("/api/counter/add", "by=0", "http://localhost/"),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(location.contains("__err="), "{location}");
    let (_, _, html) = send(&app, get(location.trim_start_matches("http://localhost"))).await;
    assert!(html.contains("Choose a number from 1 to 100."), "{html}");
    assert!(
        html.contains(r#"data-testid="count">0</output>"#),
        "nothing was added: {html}"
    );
}

#[tokio::test]
async fn a_value_out_of_range_is_422_with_the_field_message() {
    let app = app();
    let (status, _, body) = send(&app, js_call("/api/counter/add", "by=1000")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["kind"], "invalid");
    assert_eq!(error["fields"]["by"], "Choose a number from 1 to 100.");
}

#[tokio::test]
async fn a_malformed_body_is_400_and_changes_nothing() {
    let app = app();
    for body in [
        "by=abc",
        "by=",
        "",
        "%%%",
        "by=1e999",
        "by=99999999999999999999999",
    ] {
        let (status, _, text) = send(&app, js_call("/api/counter/add", body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?} gave {text}");
    }
    let (_, _, value) = send(&app, js_call("/api/counter/get", "")).await;
    assert_eq!(value, "0");
}

#[tokio::test]
async fn an_unknown_server_function_is_a_readable_404() {
    let app = app();
    let (status, _, text) = send(&app, js_call("/api/counter/nope", "by=1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        text.contains("No server function is registered at POST /api/counter/nope"),
        "{text}"
    );
}

#[tokio::test]
async fn a_server_function_refuses_the_wrong_method() {
    let app = app();
    let (status, _, _) = send(&app, get("/api/counter/add?by=1")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn an_unknown_page_is_404_with_a_way_back() {
    let app = app();
    let (status, _, html) = send(&app, get("/no/such/page")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"), "{html}");
}
