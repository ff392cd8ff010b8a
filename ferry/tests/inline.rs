//! One round trip per mutation, over HTTP: the reads a page holds come back
//! inside the mutation's response when it revalidated their tags, and
//! nowhere else.

mod notes;

use axum::http::StatusCode;
use notes::TestApp;
use serde_json::json;

const LIST: (&str, &str, &str) = ("note", "/api/notes/list", "");

#[tokio::test]
async fn a_mutation_brings_the_fresh_answer_of_the_reads_it_revalidated() {
    let app = TestApp::with(|_| ());
    let reply = app
        .call_holding(
            "/api/notes/add",
            "text=first",
            &[LIST, ("visitor", "/api/notes/visitor", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (own, answers) = reply.split_inline();
    assert_eq!(own, "1", "the function's own result comes first, unchanged");
    let answers = without_sequence(answers.expect("inline answers"));
    assert_eq!(
        answers,
        json!([{"m": "POST", "p": "/api/notes/list", "b": "",
            "c": "application/x-www-form-urlencoded", "s": 200, "d": "[\"first\"]"}]),
        "only the read whose tags it revalidated"
    );
}

/// The answers without their sequence numbers, which only need to grow.
fn without_sequence(mut answers: serde_json::Value) -> serde_json::Value {
    for answer in answers.as_array_mut().unwrap() {
        let sequence = answer.as_object_mut().unwrap().remove("v");
        assert!(sequence.is_some_and(|v| v.as_u64().is_some_and(|v| v > 0)));
    }
    answers
}

#[tokio::test]
async fn a_read_that_fails_or_is_too_big_is_left_to_refetch_itself() {
    let app = TestApp::with(|s| s.body_limit = 1 << 20);
    let missing = ("note", "/api/notes/get", "n=99");
    let reply = app
        .call_holding("/api/notes/add", "text=small", &[missing, LIST])
        .await;
    let answers = reply.split_inline().1.expect("inline answers");
    assert_eq!(
        answers.as_array().unwrap().len(),
        1,
        "only the list: {answers}"
    );
    let big = format!("text={}", "x".repeat(300 * 1024));
    let reply = app.call_holding("/api/notes/add", &big, &[LIST]).await;
    assert_eq!(
        (reply.status, reply.split_inline().1),
        (StatusCode::OK, None)
    );
}

#[tokio::test]
async fn every_read_says_how_recent_it_is() {
    let app = TestApp::with(|_| ());
    let sequence =
        |reply: &notes::Reply| -> u64 { reply.header("x-ferry-seq").unwrap().parse().unwrap() };
    let first = app.call("/api/notes/list", "").await;
    let second = app.call("/api/notes/list", "").await;
    assert!(sequence(&second) > sequence(&first));
    let reply = app.call_holding("/api/notes/add", "text=a", &[LIST]).await;
    let answers = reply.split_inline().1.unwrap();
    assert!(answers[0]["v"].as_u64().unwrap() > sequence(&second));
}

#[tokio::test]
async fn callers_that_do_not_ask_get_the_plain_response() {
    let app = TestApp::with(|_| ());
    let reply = app.call("/api/notes/add", "text=plain").await;
    assert_eq!(
        (reply.body.as_str(), reply.header("x-ferry-inline")),
        ("1", None)
    );
}

#[tokio::test]
async fn a_failed_mutation_carries_nothing_and_runs_nothing() {
    let app = TestApp::with(|_| ());
    let reply = app.call_holding("/api/notes/add", "text=", &[LIST]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.split_inline().1, None);
}

#[tokio::test]
async fn only_known_reads_run_inline() {
    let app = TestApp::with(|_| ());
    let held = [
        ("note", "/api/notes/add", "text=smuggled"),
        ("note", "/api/nowhere", ""),
        ("note", "/api/v1/notes", ""),
    ];
    let reply = app.call_holding("/api/notes/add", "text=real", &held).await;
    assert_eq!(reply.split_inline(), ("1", None));
    assert_eq!(
        *app.notes.list.lock().unwrap(),
        ["real"],
        "no mutation ran as a read"
    );
}

#[tokio::test]
async fn a_read_sees_the_cookie_the_mutation_just_set() {
    let app = TestApp::with(|_| ());
    let held = [("visitor", "/api/notes/visitor", "")];
    let reply = app.call_holding("/api/notes/sign", "name=ann", &held).await;
    let answers = reply.split_inline().1.expect("inline answers");
    assert_eq!(answers[0]["d"], "\"ann\"");
}

#[tokio::test]
async fn a_header_that_does_not_decode_is_ignored() {
    let app = TestApp::with(|_| ());
    let mut request = notes::post("/api/notes/add", "text=x");
    request
        .headers_mut()
        .insert("x-ferry-queries", "%%%".parse().unwrap());
    let reply = app.send(request).await;
    assert_eq!(
        (reply.status, reply.split_inline()),
        (StatusCode::OK, ("1", None))
    );
}

#[tokio::test]
async fn a_redirect_brings_the_answers_of_the_reads_its_target_page_makes() {
    let app = TestApp::with(|_| ());
    let reply = app
        .call_holding("/api/notes/add_and_show", "text=shown", &[])
        .await;
    assert_eq!(reply.header("location"), Some("/notes/1"));
    let answers = without_sequence(reply.split_inline().1.expect("inline answers"));
    assert_eq!(
        answers,
        json!([{"m": "POST", "p": "/api/notes/get", "b": "n=1",
            "c": "application/x-www-form-urlencoded", "s": 200, "d": "\"shown\""}]),
        "keyed exactly as the browser will ask"
    );
}

/// A mutation from `peer`, holding the list read.
fn from_peer(peer: [u8; 4]) -> axum::http::Request<axum::body::Body> {
    let mut request = notes::post("/api/notes/add", "text=counted");
    request
        .headers_mut()
        .insert("x-ferry-queries", notes::holding(&[LIST]).parse().unwrap());
    let peer = std::net::SocketAddr::from((peer, 40_000));
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    request
}

#[tokio::test]
async fn each_read_answered_inline_is_counted_in_the_metrics() {
    let app = TestApp::with(|_| ());
    let reply = app.send(from_peer([192, 0, 2, 1])).await;
    assert!(reply.split_inline().1.is_some(), "answered inline");
    let metrics = app.get("/metrics").await.body;
    for call in ["notes/add", "notes/list"] {
        let line = format!(r#"ferry_server_fn_calls_total{{function="{call}",outcome="ok"}} 1"#);
        assert!(metrics.contains(&line), "{line} in:\n{metrics}");
    }
}

#[tokio::test]
async fn each_read_answered_inline_spends_the_callers_rate() {
    let limited = |burst| {
        TestApp::with(move |s| {
            s.rate_limit = Some(ferry::ratelimit::RateLimit {
                per_second: 1,
                burst,
            })
        })
    };
    // One token: the mutation spends it, so its read is refused and left
    // to refetch itself.
    let reply = limited(1).send(from_peer([192, 0, 2, 1])).await;
    assert_eq!(
        (reply.status, reply.split_inline()),
        (StatusCode::OK, ("1", None))
    );
    // Two: both run.
    let reply = limited(2).send(from_peer([192, 0, 2, 1])).await;
    assert!(reply.split_inline().1.is_some(), "{}", reply.body);
}

#[tokio::test]
async fn the_reads_of_one_call_take_no_longer_than_a_request_may() {
    let slow: Vec<String> = (1..=12).map(|n| format!("n={n}")).collect();
    let held: Vec<(&str, &str, &str)> = slow
        .iter()
        .map(|n| ("note", "/api/notes/slow", n.as_str()))
        .collect();
    // Each read takes 0.1 s, four at a time: 0.3 s for the twelve, each
    // well within a request's 0.25 s, together past it.
    let app = TestApp::with(|s| s.request_timeout = Some(std::time::Duration::from_millis(250)));
    let reply = app.call_holding("/api/notes/add", "text=x", &held).await;
    assert_eq!(
        (reply.status, reply.split_inline()),
        (StatusCode::OK, ("1", None))
    );
    // With time enough, all twelve come back.
    let app = TestApp::with(|s| s.request_timeout = Some(std::time::Duration::from_secs(5)));
    let reply = app.call_holding("/api/notes/add", "text=x", &held).await;
    let answers = reply.split_inline().1.expect("inline answers");
    assert_eq!(answers.as_array().unwrap().len(), 12);
}

/// A mutation as ferry's client sends it from an islands page: no reads
/// held, the page named.
async fn call_from_page(app: &TestApp, path: &str, form: &str, page: &str) -> notes::Reply {
    let mut request = notes::post(path, form);
    let headers = request.headers_mut();
    headers.insert("x-ferry-queries", notes::holding(&[]).parse().unwrap());
    headers.insert("x-ferry-page", page.parse().unwrap());
    app.send(request).await
}

/// The answers that are the page again (`text/html`).
fn pages(answers: &serde_json::Value) -> Vec<&serde_json::Value> {
    answers
        .as_array()
        .unwrap()
        .iter()
        .filter(|answer| answer["c"] == "text/html")
        .collect()
}

#[tokio::test]
async fn a_mutation_brings_the_page_it_was_made_from_rendered_again_when_it_shows_what_changed() {
    let app = TestApp::with(|_| ());
    let reply = call_from_page(&app, "/api/notes/add", "text=first", "/?from=test").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (own, answers) = reply.split_inline();
    assert_eq!(own, "1");
    let answers = answers.expect("the page, inline");
    let page = pages(&answers);
    assert_eq!(page.len(), 1, "{answers}");
    assert_eq!(
        (&page[0]["m"], &page[0]["p"], &page[0]["b"], &page[0]["s"]),
        (&json!("GET"), &json!("/"), &json!("from=test"), &json!(200))
    );
    let html = page[0]["d"].as_str().unwrap();
    assert!(
        html.contains(r#"<p id="count">1<"#),
        "rendered after the call: {html}"
    );
}

#[tokio::test]
async fn a_page_that_shows_nothing_the_mutation_changed_is_not_rendered_again() {
    let app = TestApp::with(|_| ());
    // Signing in revalidates `visitor`; the notes page shows only `note`.
    let reply = call_from_page(&app, "/api/notes/sign", "name=ada", "/").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answers = reply.split_inline().1.unwrap_or_else(|| json!([]));
    assert!(pages(&answers).is_empty(), "{answers}");
}

#[tokio::test]
async fn a_page_off_this_site_or_a_failed_call_brings_no_page() {
    let app = TestApp::with(|_| ());
    for page in [
        "//elsewhere.example/",
        "https://elsewhere.example/",
        "notes",
    ] {
        let reply = call_from_page(&app, "/api/notes/add", "text=x", page).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let answers = reply.split_inline().1.unwrap_or_else(|| json!([]));
        assert!(pages(&answers).is_empty(), "{page}: {answers}");
    }
    // A call that fails changes nothing, so the page is not rendered again.
    let reply = call_from_page(&app, "/api/notes/add_to_full", "text=x", "/").await;
    assert_ne!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-ferry-inline"), None);
}
