//! Each of ferry's layers on a plain axum router, without the rest and
//! without `Ferry::install`: it does its one job.

mod captured;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use ferry::layers::{
    BodyLimitLayer, ClientShareLayer, OverloadLayer, RateLimitLayer, SameOriginLayer,
};
use ferry::ratelimit::RateLimit;
use futures::StreamExt as _;
use tower::ServiceExt as _;

fn echo() -> Router {
    Router::new().route("/echo", post(|body: String| async move { body }))
}

fn send<B: Into<Body>>(app: &Router, body: B) -> impl Future<Output = StatusCode> + use<B> {
    let request = Request::post("/echo")
        .header(header::HOST, "site.example")
        .body(body.into())
        .unwrap();
    let app = app.clone();
    async move { app.oneshot(request).await.unwrap().status() }
}

#[tokio::test]
async fn the_body_limit_alone_refuses_declared_and_streamed_bodies() {
    let app = echo().layer(BodyLimitLayer::new(16));
    assert_eq!(send(&app, "short").await, StatusCode::OK);
    assert_eq!(
        send(&app, "x".repeat(17)).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let chunks = futures::stream::iter(["0123456789", "0123456789"].map(Ok::<_, std::io::Error>));
    let streamed = Body::from_stream(chunks);
    assert_eq!(send(&app, streamed).await, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_body_that_stops_arriving_answers_408_and_a_steady_one_passes() {
    let app = echo().layer(BodyLimitLayer::new(1 << 10).idle_timeout(Duration::from_millis(100)));
    let announced = futures::stream::iter([Ok::<_, std::io::Error>("the start")])
        .chain(futures::stream::pending());
    let started = std::time::Instant::now();
    let status = send(&app, Body::from_stream(announced)).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(5));
    // Parts 50 ms apart: slower in all than the timeout, never idle that long.
    let steady = futures::stream::iter(0..4).then(|i| async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok::<_, std::io::Error>(format!("part {i};"))
    });
    assert_eq!(send(&app, Body::from_stream(steady)).await, StatusCode::OK);
}

#[tokio::test]
async fn one_client_cannot_hold_more_than_its_share_of_requests_in_flight() {
    let slow = Router::new().route(
        "/echo",
        post(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "done"
        }),
    );
    let app = slow.layer(ClientShareLayer::new(2));
    let from = |peer: [u8; 4]| {
        let mut request = Request::post("/echo").body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((peer, 40_000))));
        let app = app.clone();
        tokio::spawn(async move { app.oneshot(request).await.unwrap().status() })
    };
    let held = [from([192, 0, 2, 1]), from([192, 0, 2, 1])];
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = from([192, 0, 2, 1]).await.unwrap();
    let other = from([192, 0, 2, 2]).await.unwrap();
    assert_eq!(
        (refused, other),
        (StatusCode::TOO_MANY_REQUESTS, StatusCode::OK)
    );
    for request in held {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
    // Given back: the address may send again.
    assert_eq!(from([192, 0, 2, 1]).await.unwrap(), StatusCode::OK);
}

#[tokio::test]
async fn the_same_origin_check_alone_refuses_another_site() {
    let app = echo().layer(SameOriginLayer::default());
    let from = |origin: &str| {
        Request::post("/echo")
            .header(header::HOST, "site.example")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap()
    };
    let own = app
        .clone()
        .oneshot(from("https://site.example"))
        .await
        .unwrap();
    let other = app.oneshot(from("https://evil.example")).await.unwrap();
    assert_eq!(
        (own.status(), other.status()),
        (StatusCode::OK, StatusCode::FORBIDDEN)
    );
}

#[tokio::test]
async fn the_bound_alone_refuses_a_request_over_it_at_once() {
    let slow = Router::new().route(
        "/echo",
        post(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "done"
        }),
    );
    let app = slow.layer(OverloadLayer::new().max_in_flight(1));
    let first = tokio::spawn(send(&app, ""));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(send(&app, "").await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(first.await.unwrap(), StatusCode::OK);
    let timed = echo()
        .route(
            "/slow",
            post(|| async { tokio::time::sleep(Duration::from_secs(5)).await }),
        )
        .layer(OverloadLayer::new().timeout(Duration::from_millis(50)));
    let request = Request::post("/slow").body(Body::empty()).unwrap();
    let status = timed.oneshot(request).await.unwrap().status();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_rate_limit_alone_keys_by_peer_and_says_when_it_has_none() {
    let app = echo().layer(RateLimitLayer::new(RateLimit {
        per_second: 1,
        burst: 1,
    }));
    let from = |peer: [u8; 4]| {
        let mut request = Request::post("/echo").body(Body::empty()).unwrap();
        let peer = SocketAddr::from((peer, 40_000));
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    };
    assert_eq!(from([192, 0, 2, 1]).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        from([192, 0, 2, 1]).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(from([192, 0, 2, 2]).await.unwrap().status(), StatusCode::OK);

    let captured = captured::Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    send(&app, "").await;
    send(&app, "").await;
    let logs = captured.text();
    assert_eq!(logs.matches("no client address").count(), 1, "{logs}");
}

#[tokio::test]
async fn a_sign_in_path_off_the_site_is_refused_with_an_error() {
    let captured = captured::Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    let _ = ferry::layers::FormRedirectLayer::new().sign_in("https://evil.example/sign-in");
    let _ = ferry::layers::FormRedirectLayer::new().sign_in("/sign-in");
    let logs = captured.text();
    assert_eq!(logs.matches("not a path on this site").count(), 1, "{logs}");
    assert!(logs.contains("evil.example"), "names it: {logs}");
}

#[tokio::test]
async fn an_error_signed_elsewhere_is_dropped_and_a_missing_signing_key_said_once() {
    let page = || Router::new().route("/page", axum::routing::get(|| async { "the page" }));
    let ask = |app: Router| async move {
        let uri = "/page?__path=%2Fapi%2Fx&__err=abc&__sig=c2lnbmVkIGVsc2V3aGVyZQ";
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        (
            response.status(),
            response.headers()[header::LOCATION].clone(),
        )
    };
    let captured = captured::Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    let random = page().layer(ferry::layers::FormRedirectLayer::new());
    for _ in 0..2 {
        assert_eq!(
            ask(random.clone()).await,
            (StatusCode::SEE_OTHER, "/page".parse().unwrap())
        );
    }
    let shared = page().layer(
        ferry::layers::FormRedirectLayer::new().signing_key(b"one secret for every process"),
    );
    assert_eq!(ask(shared).await.0, StatusCode::SEE_OTHER);
    let logs = captured.text();
    assert_eq!(logs.matches("Settings::signing_key").count(), 1, "{logs}");
}
