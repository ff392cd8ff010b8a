//! The skeleton's loop over HTTP: the counter page, its server function as a
//! JS call and as a plain form post, and the answers to bad calls.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn the_counter_page_is_rendered_on_the_server() {
    let app = TestApp::new().await;
    let page = app.get("/counter", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(
        page.body
            .contains(&format!("<title>{}</title>", app::site::TITLE)),
        "{}",
        page.body
    );
    assert_eq!(page.testid("count"), Some("0"), "{}", page.body);
    assert!(
        page.body.contains(r#"action="/api/counter/add""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("/pkg/site.js"),
        "hydration script missing: {}",
        page.body
    );
}

#[tokio::test]
async fn a_js_call_returns_the_new_value_as_json() {
    let app = TestApp::new().await;
    let reply = app.call("/api/counter/add", "by=5", None).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "5"));
    let reply = app.call("/api/counter/add", "by=2", None).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "7"));
    let page = app.get("/counter", None).await;
    assert_eq!(page.testid("count"), Some("7"), "{}", page.body);
}

#[tokio::test]
async fn a_plain_form_post_redirects_back_to_the_page() {
    let app = TestApp::new().await;
    let reply = app
        .submit("/api/counter/add", "by=3", "http://localhost/counter", None)
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "http://localhost/counter");
    let page = app.get("/counter", None).await;
    assert_eq!(page.testid("count"), Some("3"), "{}", page.body);
}

#[tokio::test]
async fn a_rejected_form_post_carries_the_error_back_to_the_page() {
    let app = TestApp::new().await;
    let reply = app
        .submit("/api/counter/add", "by=0", "http://localhost/counter", None)
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(reply.location().contains("__err="), "{}", reply.location());
    let page = app.get(reply.location_path(), None).await;
    assert!(
        page.body.contains("Choose a number from 1 to 100."),
        "{}",
        page.body
    );
    assert_eq!(
        page.testid("count"),
        Some("0"),
        "nothing added: {}",
        page.body
    );
}

#[tokio::test]
async fn a_value_out_of_range_is_422_with_the_field_message() {
    let app = TestApp::new().await;
    let reply = app.call("/api/counter/add", "by=1000", None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.json();
    assert_eq!(error["kind"], "invalid");
    assert_eq!(error["fields"]["by"], "Choose a number from 1 to 100.");
}

#[tokio::test]
async fn a_malformed_body_is_400_and_changes_nothing() {
    let app = TestApp::new().await;
    for body in [
        "by=abc",
        "by=",
        "",
        "%%%",
        "by=1e999",
        "by=99999999999999999999999",
    ] {
        let reply = app.call("/api/counter/add", body, None).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body:?} gave {}",
            reply.body
        );
    }
    assert_eq!(app.call("/api/counter/get", "", None).await.body, "0");
}

#[tokio::test]
async fn an_unknown_server_function_is_a_readable_404() {
    let app = TestApp::new().await;
    let reply = app.call("/api/counter/nope", "by=1", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply
            .body
            .contains("No server function is registered at POST /api/counter/nope"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_server_function_refuses_the_wrong_method() {
    let app = TestApp::new().await;
    let reply = app.get("/api/counter/add?by=1", None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn an_unknown_page_is_404_with_a_way_back() {
    let app = TestApp::new().await;
    let page = app.get("/no/such/page", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"), "{}", page.body);
}
