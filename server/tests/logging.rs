//! The log contract: one line per server-function call with its outcome,
//! and the error chain of an internal failure, both under the request id.

mod common;

use axum::http::StatusCode;
use common::TestApp;

/// Log output captured for this test binary.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_call_logs_one_line_and_the_error_chain_under_the_request_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // Global, and alone in its binary: tracing caches per call site whether
    // anyone listens, and tests on other threads would race that cache.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let app = TestApp::new().await;
    // The write fails (on SQLite inside the writer's thread), and its log
    // lines must still carry the request's span.
    app::db::with_pool!(&app.db, |pool| sqlx::query("DROP TABLE counter")
        .execute(pool)
        .await
        .map(drop))
    .unwrap();
    let request = common::with_request_id("/api/counter/add", "by=1", "ticket-99");
    assert_eq!(
        app.send(request).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let error = lines
        .iter()
        .find(|l| l.contains("ERROR"))
        .unwrap_or_else(|| panic!("no error line in\n{log}"));
    assert!(error.contains("request{id=ticket-99}"), "{error}");
    // The database's own words, SQLite's or PostgreSQL's.
    assert!(
        error.contains("no such table: counter")
            || error.contains(r#"relation "counter" does not exist"#),
        "{error}"
    );
    let calls: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("server function call"))
        .collect();
    assert_eq!(calls.len(), 1, "{log}");
    for field in [
        "INFO",
        "request{id=ticket-99}",
        "function=\"counter/add\"",
        "outcome=\"error\"",
        "status=500",
        "ms=",
    ] {
        assert!(calls[0].contains(field), "{field} missing in {}", calls[0]);
    }
}
