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

/// Installs the global subscriber writing to stderr, and Leptos's executor.
/// Call once, first thing in `main`; a second call changes nothing.
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
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    if installed.is_ok() {
        // Fails only if Leptos's executor was already set; then tasks simply
        // log without the request's span.
        let _ = any_spawner::Executor::init_custom_executor(SpanExecutor);
    }
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
