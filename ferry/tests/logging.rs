//! The tasks Leptos spawns (a server-side resource, say) log inside the
//! span of the request that spawned them, once `spans_in_tasks` is called:
//! their lines carry the request's id. A test binary of its own, since it
//! sets the process's subscriber and Leptos's executor.
#![cfg(feature = "logging")]

mod captured;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_leptos_spawns_logs_in_its_requests_span() {
    let captured = captured::Captured::default();
    tracing::subscriber::set_global_default(captured.subscriber()).unwrap();
    assert!(ferry::logging::spans_in_tasks());
    assert!(
        !ferry::logging::spans_in_tasks(),
        "the executor is set once"
    );

    let (done, finished) = tokio::sync::oneshot::channel();
    tracing::info_span!("request", id = "req-7f3a").in_scope(|| {
        any_spawner::Executor::spawn(async move {
            tracing::info!("resource loaded");
            let _ = done.send(());
        });
    });
    finished.await.unwrap();

    let logs = captured.text();
    let line = logs
        .lines()
        .find(|line| line.contains("resource loaded"))
        .unwrap_or_else(|| panic!("the task logged nothing: {logs}"));
    assert!(
        line.contains("req-7f3a"),
        "not in the request's span: {line}"
    );
    assert!(
        logs.contains("already set"),
        "the second call says why: {logs}"
    );
}
