//! ferry's server side through a real router: what a mutation and a read
//! send back, kept pages and what drops them, statuses, limits, the
//! same-origin check, request ids and metrics, in the order
//! `Ferry::install` puts them.

mod captured;
mod notes;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use notes::{TestApp, post};

// The wire format's headers, by name: ferry keeps its constants private.
const REVALIDATE: &str = "x-ferry-revalidate";

#[tokio::test]
async fn a_mutation_names_its_tags_and_a_read_names_none() {
    let app = TestApp::with(|_| ());
    let added = app.call("/api/notes/add", "text=hello").await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert_eq!(added.header(REVALIDATE), Some("note"));
    let read = app.call("/api/notes/list", "").await;
    assert_eq!(read.body, r#"["hello"]"#);
    assert_eq!(read.header(REVALIDATE), None, "a read revalidates nothing");
    let sneaky = app.call("/api/notes/sneaky", "").await;
    assert_eq!(sneaky.status, StatusCode::OK);
    assert_eq!(sneaky.header(REVALIDATE), None, "refused inside a read");
    let refused = app.call("/api/notes/add", "text=").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.header(REVALIDATE),
        None,
        "a failure revalidates nothing"
    );
}

#[tokio::test]
async fn a_mutation_that_calls_a_read_still_revalidates() {
    let app = TestApp::with(|_| ());
    let reply = app.call("/api/notes/add_after_reading", "text=x").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut declared: Vec<&str> = reply
        .headers
        .get_all(REVALIDATE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    declared.sort_unstable();
    declared.dedup(); // add_note, a mutation called as a function, declares `note` too
    assert_eq!(declared, ["note", "visitor"]);
}

#[tokio::test]
async fn failed_calls_get_their_real_status() {
    let app = TestApp::with(|_| ());
    let missing = app.call("/api/notes/add", "").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    let typo = app.call("/api/notes/ad", "text=x").await;
    assert_eq!(typo.status, StatusCode::NOT_FOUND);
    assert!(typo.body.contains("POST /api/notes/add"), "{}", typo.body);
    let production = TestApp::with(|s| s.development = false);
    let typo = production.call("/api/notes/ad", "text=x").await;
    assert_eq!(typo.status, StatusCode::NOT_FOUND);
    assert!(!typo.body.contains("notes/add"), "{}", typo.body);
}

#[tokio::test]
async fn pages_are_kept_until_a_mutation_revalidates_what_they_show() {
    let app = TestApp::with(|_| ());
    let first = app.get("/").await;
    assert_eq!(
        (first.header("x-ferry-cache"), first.count()),
        (Some("miss"), Some("0"))
    );
    app.notes
        .list
        .lock()
        .unwrap()
        .push("behind ferry's back".into());
    let kept = app.get("/").await;
    assert_eq!(
        (kept.header("x-ferry-cache"), kept.count()),
        (Some("hit"), Some("0"))
    );
    app.call("/api/notes/add", "text=hi").await;
    let fresh = app.get("/").await;
    assert_eq!(
        (fresh.header("x-ferry-cache"), fresh.count()),
        (Some("miss"), Some("2"))
    );
}

#[tokio::test]
async fn a_page_is_keyed_by_path_and_sorted_query_not_by_host() {
    let app = TestApp::with(|_| ());
    assert_eq!(
        app.get("/?a=1&b=2").await.header("x-ferry-cache"),
        Some("miss")
    );
    assert_eq!(
        app.get("/?b=2&a=1").await.header("x-ferry-cache"),
        Some("hit")
    );
    for i in 0..10_000 {
        let request = Request::get("/?a=1&b=2")
            .header(header::HOST, format!("host{i}.example"))
            .body(Body::empty())
            .unwrap();
        let reply = app.send(request).await;
        assert_eq!(reply.header("x-ferry-cache"), Some("hit"), "host {i}");
    }
    let with_cookie = Request::get("/?a=1&b=2")
        .header(header::COOKIE, "session=1")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(with_cookie).await.header("x-ferry-cache"), None);
}

#[tokio::test]
async fn with_the_cache_off_every_page_renders() {
    let app = TestApp::with(|s| s.cache = ferry::cache::CacheSettings::off());
    for _ in 0..2 {
        assert_eq!(app.get("/").await.header("x-ferry-cache"), None);
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_declared_or_streamed() {
    let app = TestApp::with(|s| s.body_limit = 1024);
    let big = format!("text={}", "x".repeat(2048));
    let mut declared = post("/api/notes/add", &big);
    declared
        .headers_mut()
        .insert(header::CONTENT_LENGTH, big.len().into());
    assert_eq!(
        app.send(declared).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let streamed = app.call("/api/notes/add", &big).await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(streamed.body.contains("1024 bytes"), "{}", streamed.body);
    assert!(
        app.notes.list.lock().unwrap().is_empty(),
        "nothing was added"
    );
    assert_eq!(
        app.call("/api/notes/add", "text=small").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_with_an_id_and_changes_nothing() {
    let app = TestApp::with(|_| ());
    let mut attack = post("/api/notes/add", "text=pwned");
    attack
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let reply = app.send(attack).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.header("x-request-id").is_some());
    assert!(app.notes.list.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_plain_request_id_round_trips() {
    let app = TestApp::with(|_| ());
    let mut request = post("/api/notes/list", "");
    request
        .headers_mut()
        .insert("x-request-id", "ticket-7".parse().unwrap());
    assert_eq!(
        app.send(request).await.header("x-request-id"),
        Some("ticket-7")
    );
}

#[tokio::test]
async fn metrics_name_calls_by_function_and_routes_by_pattern() {
    let app = TestApp::with(|_| ());
    app.call("/api/notes/add", "text=a").await;
    app.get("/api/v1/notes").await;
    let text = app.get("/metrics").await.body;
    for line in [
        r#"ferry_server_fn_calls_total{function="notes/add",outcome="ok"} 1"#,
        r#"ferry_http_requests_total{method="GET",route="/api/v1/notes",status="200"} 1"#,
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    assert!(!text.contains(r#"function="v1/notes""#), "{text}");
}

#[tokio::test]
async fn invented_methods_share_one_metrics_series() {
    let app = TestApp::with(|_| ());
    for i in 0..13 {
        let method = format!("X{i}{}", "Q".repeat(i * 100));
        let request = Request::builder()
            .method(method.as_str())
            .uri("/api/v1/notes")
            .body(Body::empty())
            .unwrap();
        app.send(request).await;
    }
    let text = app.get("/metrics").await.body;
    let series: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("ferry_http_requests_total{") && line.contains("v1/notes"))
        .collect();
    assert_eq!(series.len(), 1, "one series for them all: {series:?}");
    assert!(series[0].contains(r#"method="other""#), "{series:?}");
    assert!(series[0].ends_with(" 13"), "{series:?}");
}

#[tokio::test]
async fn metrics_are_off_the_public_site_by_default_in_production() {
    let production = TestApp::new(&ferry::Ferry::new(ferry::Settings::default()));
    assert_eq!(
        production.get("/metrics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_and_others_do_not() {
    let app = TestApp::with(|s| {
        s.rate_limit = Some(ferry::ratelimit::RateLimit {
            per_second: 1,
            burst: 2,
        })
    });
    let from = |ip: [u8; 4]| forwarded(ip, None);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = app.send(from([192, 0, 2, 1])).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(reply.headers.contains_key(header::RETRY_AFTER));
            assert!(
                reply.header("x-request-id").is_some(),
                "refused, but with an id"
            );
        }
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(app.send(from([192, 0, 2, 2])).await.status, StatusCode::OK);
}

/// A request to the notes API from `peer`, forwarded for `client` when set.
fn forwarded(peer: [u8; 4], client: Option<&str>) -> Request<Body> {
    let mut request = Request::get("/api/v1/notes").body(Body::empty()).unwrap();
    if let Some(client) = client {
        request
            .headers_mut()
            .insert("x-forwarded-for", client.parse().unwrap());
    }
    let peer = std::net::SocketAddr::from((peer, 40000));
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    request
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let nginx = [127, 0, 0, 1];
    let app = TestApp::with(|s| {
        s.rate_limit = Some(ferry::ratelimit::RateLimit {
            per_second: 1,
            burst: 1,
        });
        s.trusted_proxies = std::sync::Arc::new(vec![nginx.into()]);
    });
    let first = app.send(forwarded(nginx, Some("203.0.113.1"))).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app.send(forwarded(nginx, Some("203.0.113.1"))).await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        again.header("x-request-id").is_some(),
        "refused, but with an id"
    );
    // Another client through the same proxy is not in the first one's bucket,
    // even if it claims to be that client further left in the header.
    let other = app
        .send(forwarded(nginx, Some("203.0.113.1, 203.0.113.2")))
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::with(|s| {
        s.rate_limit = Some(ferry::ratelimit::RateLimit {
            per_second: 1,
            burst: 1,
        });
        s.trusted_proxies = std::sync::Arc::new(vec![[127, 0, 0, 1].into()]);
    });
    let stranger = [198, 51, 100, 4];
    let first = app.send(forwarded(stranger, Some("203.0.113.1"))).await;
    assert_eq!(first.status, StatusCode::OK);
    // A new forwarded-for on each request does not buy a new bucket.
    let second = app.send(forwarded(stranger, Some("203.0.113.2"))).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Everything logged while `run` runs, as text.
async fn logged<F: std::future::Future<Output = ()>>(run: F) -> String {
    let captured = captured::Captured::default();
    // The test's runtime has one thread: every request runs on this one.
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    run.await;
    captured.text()
}

#[tokio::test]
async fn a_rate_limit_with_no_client_address_says_so_once() {
    let app = TestApp::with(|s| {
        s.rate_limit = Some(ferry::ratelimit::RateLimit {
            per_second: 50,
            burst: 100,
        })
    });
    let logs = logged(async {
        for _ in 0..3 {
            // In-process: no connect info, as with a plain `axum::serve(listener, app)`.
            assert_eq!(app.get("/api/v1/notes").await.status, StatusCode::OK);
        }
    })
    .await;
    assert_eq!(
        logs.matches("no client address").count(),
        1,
        "one line, not one per request: {logs}"
    );
    assert!(
        logs.contains("into_make_service_with_connect_info"),
        "{logs}"
    );

    // With connect info, nothing to say.
    let served = TestApp::with(|s| {
        s.rate_limit = Some(ferry::ratelimit::RateLimit {
            per_second: 50,
            burst: 100,
        })
    });
    let quiet = logged(async {
        served.send(forwarded([192, 0, 2, 1], None)).await;
    })
    .await;
    assert!(!quiet.contains("no client address"), "{quiet}");
}

#[tokio::test]
async fn forwarded_for_from_a_peer_not_listed_as_a_proxy_is_logged_once() {
    let app = TestApp::with(|s| {
        s.trusted_proxies = std::sync::Arc::new(vec![[127, 0, 0, 1].into()]);
    });
    let unlisted = [10, 0, 0, 7];
    let logs = logged(async {
        app.send(forwarded(unlisted, Some("203.0.113.1"))).await;
        app.send(forwarded(unlisted, Some("203.0.113.2"))).await;
        // The listed proxy's forwarding is what it is for.
        app.send(forwarded([127, 0, 0, 1], Some("203.0.113.3")))
            .await;
    })
    .await;
    assert_eq!(logs.matches("not in trusted-proxies").count(), 1, "{logs}");
    assert!(logs.contains("10.0.0.7"), "names the peer: {logs}");
}

#[tokio::test]
async fn a_guard_hands_its_value_to_the_body() {
    let app = TestApp::with(|_| ());
    let refused = app.call("/api/notes/add_signed", "text=hi").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    let mut request = post("/api/notes/add_signed", "text=hi");
    request
        .headers_mut()
        .insert(header::COOKIE, "visitor=ann".parse().unwrap());
    let added = app.send(request).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert_eq!(app.call("/api/notes/list", "").await.body, r#"["ann: hi"]"#);
}

/// Found by `fuzz_forms.rs`: an app's error type that maps every Leptos
/// error to its "server" case made an unreadable body a 500.
#[tokio::test]
async fn arguments_that_do_not_parse_are_400_whatever_the_error_type() {
    let app = TestApp::with(|_| ());
    for body in ["", "txt=hi", "text=a&text=b&text"] {
        let reply = app.call("/api/notes/add_to_full", body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body:?}: {}",
            reply.body
        );
        assert_eq!(reply.header("x-ferry-began"), None, "taken off");
    }
    let ran = app.call("/api/notes/add_to_full", "text=hi").await;
    assert_eq!(ran.status, StatusCode::CONFLICT);
    assert_eq!(ran.header("x-ferry-began"), None, "taken off");
}

#[tokio::test]
async fn an_apps_own_error_type_answers_with_its_own_status() {
    let app = TestApp::with(|_| ());
    let full = app.call("/api/notes/add_to_full", "text=hi").await;
    assert_eq!(full.status, StatusCode::CONFLICT, "{}", full.body);
    assert!(
        full.body.contains("Full"),
        "the app's error, encoded: {}",
        full.body
    );
    assert_eq!(
        full.header("x-ferry-error-status"),
        None,
        "ferry's own header is taken off"
    );
    assert_eq!(
        full.header(REVALIDATE),
        None,
        "a failure revalidates nothing"
    );
}
