//! The reads a mutation's response answers inline are logged as calls of
//! their own, under the mutation's request id. A test binary of its own:
//! it sets the process's subscriber (a thread's own misses lines when
//! tests on other threads hit the same log call first).

mod captured;
mod notes;

use notes::TestApp;

#[tokio::test]
async fn each_read_answered_inline_is_logged_under_the_callers_request_id() {
    let captured = captured::Captured::default();
    tracing::subscriber::set_global_default(captured.subscriber()).unwrap();
    let app = TestApp::with(|_| ());
    let mut request = notes::post("/api/notes/add", "text=logged");
    let held = notes::holding(&[("note", "/api/notes/list", "")]);
    request
        .headers_mut()
        .insert("x-ferry-queries", held.parse().unwrap());
    request
        .headers_mut()
        .insert("x-request-id", "ticket-77".parse().unwrap());
    let reply = app.send(request).await;
    assert!(reply.split_inline().1.is_some());
    let logs = captured.text();
    let calls: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("server function call"))
        .collect();
    assert_eq!(calls.len(), 2, "the mutation and its read: {logs}");
    assert!(calls.iter().any(|l| l.contains("notes/list")), "{logs}");
    assert!(calls.iter().all(|l| l.contains("ticket-77")), "{logs}");
}
