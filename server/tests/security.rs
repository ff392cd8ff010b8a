//! The security layers over HTTP: cross-site posts refused (and nothing
//! changed), plain clients allowed, oversized bodies refused with 413.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;

fn add_to_cart(origin_headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/cart/add")
        .header(header::HOST, "shop.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    for (name, value) in origin_headers {
        request = request.header(*name, *value);
    }
    request.body(Body::from("product_id=1&quantity=1")).unwrap()
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let attacks = [
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("referer", "https://evil.example/page")],
    ];
    for headers in attacks {
        let reply = app.send(add_to_cart(&headers)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            reply.body.contains("Cross-site request refused"),
            "{}",
            reply.body
        );
        assert!(reply.cart_cookie().is_none());
    }
    let cart = app.call("/api/cart/get", "", None).await;
    assert_eq!(cart.json()["lines"], serde_json::json!({}));
}

#[tokio::test]
async fn the_sites_own_pages_and_plain_clients_may_post() {
    let app = TestApp::new().await;
    let same_site = [
        vec![("origin", "http://shop.example")],
        vec![("sec-fetch-site", "same-origin")],
        vec![("referer", "http://shop.example/products/1")],
        vec![], // no browser headers at all: curl, a server, a mobile app
    ];
    for headers in same_site {
        let reply = app.send(add_to_cart(&headers)).await;
        assert_eq!(reply.status, StatusCode::OK, "{headers:?}: {}", reply.body);
    }
}

#[tokio::test]
async fn an_oversized_body_is_413_whether_declared_or_streamed() {
    let app = TestApp::new().await;
    let body = format!(
        "product_id=1&quantity=1&padding={}",
        "x".repeat(2 * 1024 * 1024)
    );
    // Streamed: no Content-Length, so only reading finds out.
    let reply = app.call("/api/cart/add", &body, None).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply.body.contains("the limit is 1048576 bytes"),
        "{}",
        reply.body
    );
    let mut declared = add_to_cart(&[]);
    declared
        .headers_mut()
        .insert(header::CONTENT_LENGTH, (5 * 1024 * 1024).into());
    assert_eq!(
        app.send(declared).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let cart = app.call("/api/cart/get", "", None).await;
    assert_eq!(cart.json()["lines"], serde_json::json!({}));
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    use axum::extract::ConnectInfo;
    use ferry::ratelimit::RateLimit;
    use tower::ServiceExt;
    let app = TestApp::new().await;
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("ferry")
        .build();
    let mut settings = ferry::Settings::default();
    settings.rate_limit = Some(RateLimit {
        per_second: 1,
        burst: 2,
    });
    let router = server::router::router(
        app::state::AppState::new(
            options,
            app.db.clone(),
            server::services::services(&app.db, app.uploads.path()).unwrap(),
        ),
        &ferry::Ferry::new(settings),
    );
    let from = |ip: [u8; 4]| {
        let mut request = Request::builder()
            .uri("/api/v1/products/1")
            .body(Body::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
        request
    };
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = router.clone().oneshot(from([192, 0, 2, 1])).await.unwrap();
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key(header::RETRY_AFTER));
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let other = router.clone().oneshot(from([192, 0, 2, 2])).await.unwrap();
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "each address has its own allowance"
    );
}

#[tokio::test]
async fn a_forged_cart_cookie_is_ignored() {
    let app = TestApp::new().await;
    let reply = app
        .call("/api/cart/add", "product_id=1&quantity=2", None)
        .await;
    let real = reply.cart_cookie().unwrap();
    // The value is the signature (44 base64 characters), then the id.
    let value = real.trim_start_matches(&format!("{}=", app::site::CART_COOKIE));
    let id = &value[value.len() - 32..];
    // The victim's id without a signature, or with a made-up one.
    for forged in [
        format!("{}={id}", app::site::CART_COOKIE),
        format!("{}={}{id}", app::site::CART_COOKIE, "A".repeat(44)),
    ] {
        let cart = app.call("/api/cart/get", "", Some(&forged)).await;
        assert_eq!(cart.json()["lines"], serde_json::json!({}), "{forged}");
        let reply = app
            .call("/api/cart/add", "product_id=2&quantity=1", Some(&forged))
            .await;
        assert!(
            reply.cart_cookie().is_some_and(|c| c != real),
            "a new cart, not the victim's"
        );
    }
    let victim = app.call("/api/cart/get", "", Some(&real)).await.json();
    assert_eq!(victim["lines"]["1"]["quantity"], 2);
    assert!(
        victim["lines"].get("2").is_none(),
        "the victim's cart is untouched"
    );
}
