//! The bounds `Ferry::install` puts on work: requests over the limit in
//! flight are refused at once with 503 and `Retry-After`, and a request
//! slower than the timeout answers 503; both carry a request id and are
//! counted in the metrics.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// An app whose `/wait` holds until `gate` gets a permit, and whose
/// `/sleep` takes a second.
fn app(
    max_in_flight: Option<usize>,
    timeout: Option<Duration>,
    gate: Arc<Semaphore>,
) -> (Router, ferry::Ferry) {
    let mut settings = ferry::Settings::default();
    settings.max_in_flight = max_in_flight;
    settings.request_timeout = timeout;
    settings.rate_limit = None;
    // In-process requests have no address: one client, whose share
    // would bound them first.
    settings.max_in_flight_per_client = None;
    settings.metrics_on_site = true;
    let ferry = ferry::Ferry::new(settings);
    let routes = Router::new()
        .route(
            "/wait",
            get(move || async move {
                let _permit = gate.acquire().await;
                "waited"
            }),
        )
        .route(
            "/sleep",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(1)).await;
                "slept"
            }),
        );
    (ferry.install(routes), ferry)
}

fn get_request(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

async fn metrics(router: &Router) -> String {
    let response = router
        .clone()
        .oneshot(get_request("/metrics"))
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_request_over_the_bound_is_refused_at_once_with_retry_after() {
    let gate = Arc::new(Semaphore::new(0));
    let (router, _ferry) = app(Some(2), None, gate.clone());
    let held: Vec<_> = (0..2)
        .map(|_| tokio::spawn(router.clone().oneshot(get_request("/wait"))))
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;

    let refused = tokio::time::timeout(
        Duration::from_secs(1),
        router.clone().oneshot(get_request("/wait")),
    )
    .await
    .expect("refused at once, not queued")
    .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()[header::RETRY_AFTER], "1");
    assert!(refused.headers().contains_key("x-request-id"));

    gate.add_permits(2);
    for request in held {
        assert_eq!(request.await.unwrap().unwrap().status(), StatusCode::OK);
    }
    // Room again once those are done.
    gate.add_permits(1);
    let after = router.clone().oneshot(get_request("/wait")).await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert!(
        metrics(&router)
            .await
            .contains(r#"route="/wait",status="503""#)
    );
}

#[tokio::test]
async fn a_request_slower_than_the_timeout_answers_503() {
    let (router, _ferry) = app(
        None,
        Some(Duration::from_millis(100)),
        Arc::new(Semaphore::new(0)),
    );
    let started = std::time::Instant::now();
    let slow = router.clone().oneshot(get_request("/sleep")).await.unwrap();
    assert_eq!(slow.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(slow.headers().contains_key("x-request-id"));
    assert!(started.elapsed() < Duration::from_millis(900));
    assert!(
        metrics(&router)
            .await
            .contains(r#"route="/sleep",status="503""#)
    );
}

#[tokio::test]
async fn without_bounds_every_request_waits_its_turn() {
    let gate = Arc::new(Semaphore::new(0));
    let (router, _ferry) = app(None, None, gate.clone());
    // More at once than the default bound (512), all held.
    let held: Vec<_> = (0..600)
        .map(|_| tokio::spawn(router.clone().oneshot(get_request("/wait"))))
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        held.iter().all(|request| !request.is_finished()),
        "a request was answered (refused?) while all were held"
    );
    // And a request that takes a second, ten times the timeout the test
    // above sets, is answered.
    let slow = router.clone().oneshot(get_request("/sleep")).await.unwrap();
    assert_eq!(slow.status(), StatusCode::OK);
    gate.add_permits(held.len());
    for request in held {
        assert_eq!(request.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}
