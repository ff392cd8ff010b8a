//! Logging set-up: readable lines in development, JSON lines in production,
//! and tasks Leptos spawns (server-side resources) kept inside the span of
//! the request that started them, so their log lines carry its id.

use std::io::IsTerminal as _;

use any_spawner::{PinnedFuture, PinnedLocalFuture};
use tracing::Instrument as _;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
///
/// ```
/// let format = if std::env::var("LEPTOS_ENV").as_deref() == Ok("PROD") {
///     ferry::logging::LogFormat::Json
/// } else {
///     ferry::logging::LogFormat::Text
/// };
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event, with its spans: for a terminal.
    Text,
    /// One JSON object per line: for a log collector.
    Json,
}

/// Installs the global subscriber writing to stderr. Call once, first
/// thing in `main`; a second call changes nothing. Tasks Leptos spawns log
/// without their request's span unless [`spans_in_tasks`] is called too.
///
/// ```
/// use ferry::logging::{init_logging, LogFormat};
/// init_logging(LogFormat::Text, tracing_subscriber::EnvFilter::new("info"));
/// ```
pub fn init_logging(format: LogFormat, filter: EnvFilter) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a terminal only, not in files or a collector's pipe.
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Sets Leptos's executor to Tokio with each task it spawns (a server-side
/// resource, say) entering the span of the request that spawned it, so the
/// task's log lines carry the request's id. Call before anything Leptos
/// runs, which sets its own executor on first use; `false` (and a warning
/// in the log) if an executor was set already.
///
/// ```standalone_crate
/// assert!(ferry::logging::spans_in_tasks());
/// assert!(!ferry::logging::spans_in_tasks(), "set once");
/// ```
pub fn spans_in_tasks() -> bool {
    let set = any_spawner::Executor::init_custom_executor(SpanExecutor).is_ok();
    if !set {
        tracing::warn!(
            "ferry: Leptos's executor was already set, so its tasks log without their \
             request's span: call ferry::logging::spans_in_tasks() first in main"
        );
    }
    set
}

/// Tokio, as Leptos uses it, with each task entering the spawner's span.
struct SpanExecutor;

impl any_spawner::CustomExecutor for SpanExecutor {
    fn spawn(&self, fut: PinnedFuture<()>) {
        tokio::spawn(fut.instrument(tracing::Span::current()));
    }

    fn spawn_local(&self, fut: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(fut.instrument(tracing::Span::current()));
    }

    fn poll_local(&self) {}
}
