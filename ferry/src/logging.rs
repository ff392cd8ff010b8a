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
/// thing in `main`; a second call changes nothing. In a debug build with
/// the `dev` feature it also keeps each request's lines and span times,
/// by request id, for the page's development tools. Tasks Leptos spawns log
/// without their request's span unless [`spans_in_tasks`] is called too.
///
/// ```
/// use ferry::logging::{init_logging, LogFormat};
/// init_logging(LogFormat::Text, tracing_subscriber::EnvFilter::new("info"));
/// ```
pub fn init_logging(format: LogFormat, filter: EnvFilter) {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let lines = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        // Colours for a terminal only, not in files or a collector's pipe.
        .with_ansi(std::io::stderr().is_terminal());
    let lines = match format {
        LogFormat::Text => lines.boxed(),
        LogFormat::Json => lines.json().flatten_event(true).boxed(),
    };
    // The filter is the terminal's alone: what the page keeps does not
    // depend on how quiet the terminal is.
    let subscriber = tracing_subscriber::registry().with(lines.with_filter(filter));
    // A debug build with the edit loop also keeps each request's lines for
    // the page (`ferry::dev`), from info up; a release build keeps nothing.
    #[cfg(feature = "dev")]
    let subscriber = subscriber.with(cfg!(debug_assertions).then(|| {
        crate::dev::calls::CallLog.with_filter(tracing_subscriber::filter::LevelFilter::INFO)
    }));
    let _ = subscriber.try_init();
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
