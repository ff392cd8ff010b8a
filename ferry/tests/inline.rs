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
    let answers = answers.expect("inline answers");
    assert_eq!(
        answers,
        json!([{"m": "POST", "p": "/api/notes/list", "b": "",
            "c": "application/x-www-form-urlencoded", "s": 200, "d": "[\"first\"]"}]),
        "only the read whose tags it revalidated"
    );
}

#[tokio::test]
async fn callers_that_do_not_ask_get_the_plain_response() {
    let app = TestApp::with(|_| ());
    let reply = app.call("/api/notes/add", "text=plain").await;
    assert_eq!(
        (
            reply.body.as_str(),
            reply.header(ferry::inline::INLINE_HEADER)
        ),
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
        .insert(ferry::inline::QUERIES_HEADER, "%%%".parse().unwrap());
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
    let answers = reply.split_inline().1.expect("inline answers");
    assert_eq!(
        answers,
        json!([{"m": "POST", "p": "/api/notes/get", "b": "n=1",
            "c": "application/x-www-form-urlencoded", "s": 200, "d": "\"shown\""}]),
        "keyed exactly as the browser will ask"
    );
}
