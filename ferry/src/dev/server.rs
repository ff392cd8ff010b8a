//! The server's half of the edit loop: the script, the skeleton of the
//! sources this process was built from, and the state of the build that
//! `cargo leptos watch` is running.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures::Stream;
use leptos::prelude::LeptosOptions;
use serde::Serialize;

use super::skeleton;

/// How often the event stream looks at the build's status file.
const POLL: Duration = Duration::from_millis(100);
/// How long an event stream lasts before the browser reconnects; a page
/// left open leaves no request running for ever.
const STREAM_FOR: Duration = Duration::from_secs(60);
/// The most of a failed build's output the page is sent.
const MAX_ERROR: usize = 16 * 1024;

/// The page's script: Leptos's view patcher, then ferry's loop, then (with
/// `inspector`) the call inspector.
pub(crate) fn script(options: &LeptosOptions, inspector: bool) -> String {
    let port = options.reload_external_port.unwrap_or(options.reload_port);
    let protocol = match options.reload_ws_protocol {
        leptos::config::ReloadWSProtocol::WS => "ws://",
        leptos::config::ReloadWSProtocol::WSS => "wss://",
    };
    // The inspector asks for a call's server side under this prefix.
    #[cfg(feature = "logging")]
    let calls_path = format!("{:?}", super::CALLS_PATH.trim_end_matches("{id}"));
    #[cfg(not(feature = "logging"))]
    let calls_path = "null";
    format!(
        "(function (reloadPort, protocol, statePath, eventsPath, callsPath) {{ {}\n{}\n{} }})\
         ({port}, {protocol:?}, {:?}, {:?}, {calls_path})",
        leptos_hot_reload::HOT_RELOAD_JS,
        include_str!("reload.js"),
        if inspector {
            include_str!("inspector.js")
        } else {
            ""
        },
        super::STATE_PATH,
        super::EVENTS_PATH,
    )
}

/// The two routes the script talks to, outside every layer (an event
/// stream must outlive the request timeout, and neither is the app's).
pub(crate) fn routes() -> Router {
    let workspace = Arc::new(Workspace::current());
    // Hashed now, on a thread of its own: as close as can be to the sources
    // this binary was built from, and ready before the page asks.
    std::thread::spawn({
        let workspace = workspace.clone();
        move || workspace.logic()
    });
    let events = {
        let workspace = workspace.clone();
        move || async move { events(workspace) }
    };
    let state = move || async move {
        let state = tokio::task::spawn_blocking(move || workspace.state()).await;
        state
            .map(axum::Json)
            .map_err(|_| http::StatusCode::INTERNAL_SERVER_ERROR)
    };
    let router = Router::new()
        .route(super::STATE_PATH, get(state))
        .route(super::EVENTS_PATH, get(events));
    #[cfg(feature = "logging")]
    let router = router.route(super::CALLS_PATH, get(call_of));
    router
}

/// What the server logged for one request, by its `x-request-id`: 404 once
/// it is no longer kept (or was never logged).
#[cfg(feature = "logging")]
async fn call_of(
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<axum::Json<super::calls::Call>, http::StatusCode> {
    super::calls::call(&id)
        .map(axum::Json)
        .ok_or(http::StatusCode::NOT_FOUND)
}

/// The sources and build output of the app this process runs.
struct Workspace {
    root: PathBuf,
    build_dir: PathBuf,
    skeleton: OnceLock<String>,
}

/// What the page is told: the skeleton's hash of the running code, and the
/// latest build's outcome.
#[derive(Debug, Serialize, PartialEq)]
struct State {
    logic: String,
    build: Build,
}

#[derive(Debug, Serialize, PartialEq, Default)]
#[serde(tag = "status", rename_all = "lowercase")]
enum Build {
    #[default]
    Ok,
    Building,
    Failed {
        output: String,
        file: Option<String>,
        line: Option<u32>,
    },
}

impl Workspace {
    /// cargo-leptos runs the server from the workspace's root, and the build
    /// wrapper writes to the target directory it builds in.
    fn current() -> Self {
        let root = std::env::current_dir().unwrap_or_default();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        Self {
            build_dir: target.join("ferry-dev"),
            root,
            skeleton: OnceLock::new(),
        }
    }

    fn state(&self) -> State {
        State {
            logic: self.logic(),
            build: read_build(&self.build_dir),
        }
    }

    /// Computed once (see [`routes`]), off the request path.
    fn logic(&self) -> String {
        self.skeleton
            .get_or_init(|| hash_sources(&self.root))
            .clone()
    }

    fn status_changed(&self) -> Option<SystemTime> {
        std::fs::metadata(self.build_dir.join("status"))
            .and_then(|m| m.modified())
            .ok()
    }
}

/// One hash over the skeletons of the workspace's Rust files and the
/// contents of the files that build it (manifests, the lock file, SQL that
/// migrations embed). Dependencies' output, tests' folders and the
/// stylesheet (swapped in place) are left out.
fn hash_sources(root: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !skipped_dir(entry.file_name().to_str()))
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| is_source(path))
        .collect();
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        path.strip_prefix(root).unwrap_or(&path).hash(&mut hasher);
        match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => skeleton::of_source(&text).hash(&mut hasher),
            _ => text.hash(&mut hasher),
        }
    }
    format!("{:016x}", hasher.finish())
}

fn skipped_dir(name: Option<&str>) -> bool {
    matches!(name, None | Some("target" | "node_modules" | "end2end"))
        || name.is_some_and(|n| n.starts_with('.'))
}

fn is_source(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    matches!(name, "Cargo.toml" | "Cargo.lock") || name.ends_with(".rs") || name.ends_with(".sql")
}

/// The build's state as `scripts/cargo-build.sh` left it: `status` holds
/// `building`, `ok` or `failed`, and `output` the compiler's messages.
fn read_build(dir: &Path) -> Build {
    let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
    match status.trim() {
        "building" => Build::Building,
        "failed" => {
            let output = std::fs::read_to_string(dir.join("output")).unwrap_or_default();
            failed(&output)
        }
        _ => Build::Ok,
    }
}

/// The errors of a failed build, without colours and without cargo's own
/// lines, and the place of the first one.
fn failed(output: &str) -> Build {
    let plain = strip_ansi(output);
    // rustc's first `error…` line: a crate named like `thiserror`, or a
    // warning about `error.rs`, before it is not the start.
    let start = plain
        .lines()
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| line.starts_with("error"))
        .map_or(0, |(at, _)| at);
    let mut shown: String = plain[start..]
        .lines()
        .filter(|line| {
            !line.trim_start().starts_with("Compiling") && !line.contains("build failed, waiting")
        })
        .collect::<Vec<_>>()
        .join("\n");
    if shown.len() > MAX_ERROR {
        let cut = (0..=MAX_ERROR)
            .rev()
            .find(|&i| shown.is_char_boundary(i))
            .unwrap_or(0);
        shown.truncate(cut);
        shown.push_str("\n…");
    }
    let (file, line) = first_place(&shown);
    Build::Failed {
        output: shown,
        file,
        line,
    }
}

/// The file and line of rustc's first `--> file:line:column`.
fn first_place(output: &str) -> (Option<String>, Option<u32>) {
    let Some(place) = output
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
    else {
        return (None, None);
    };
    let mut parts = place.rsplitn(3, ':');
    let (_column, line, file) = (parts.next(), parts.next(), parts.next());
    (file.map(str::to_owned), line.and_then(|l| l.parse().ok()))
}

/// Removes terminal colour codes (`ESC [ … letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A `state` event now and after every change of the build's status file,
/// for a minute at most; the browser then reconnects, after 250 ms, as it
/// does when the server restarts.
fn events(
    workspace: Arc<Workspace>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let ends = tokio::time::Instant::now() + STREAM_FOR;
    let stream = futures::stream::unfold((workspace, None), move |(workspace, seen)| async move {
        loop {
            let changed = workspace.status_changed();
            if seen.is_none() || changed != seen.flatten() {
                let state = tokio::task::spawn_blocking({
                    let workspace = workspace.clone();
                    move || workspace.state()
                })
                .await
                .ok()?;
                let event = Event::default()
                    .event("state")
                    .retry(Duration::from_millis(250))
                    .json_data(&state)
                    .ok()?;
                return Some((Ok(event), (workspace, Some(changed))));
            }
            if tokio::time::Instant::now() >= ends || stopping() {
                return None;
            }
            tokio::time::sleep(POLL).await;
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Whether a [`crate::Server`] of this process is shutting down: then
/// open event streams end at once instead of holding its drain (which
/// would delay the restart cargo-leptos waits for by the drain timeout).
/// Without ferry's server, a stream ends after [`STREAM_FOR`] at most.
fn stopping() -> bool {
    #[cfg(feature = "serve")]
    {
        crate::serve::SHUTTING_DOWN.load(std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(not(feature = "serve"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "   Compiling thiserror v2.0.0\n   Compiling app v0.1.0 (/w/app)\nwarning: unused import\n  --> ferry/src/error.rs:3:5\n\n\u{1b}[1m\u{1b}[38;5;9merror[E0308]\u{1b}[0m: mismatched types\n  \u{1b}[1m--> \u{1b}[0mapp/src/counter/mod.rs:42:5\n   |\n42 |     1u8\n   |     ^^^ expected `i64`\n\nerror: could not compile `app` (lib) due to 1 previous error\nwarning: build failed, waiting for other jobs to finish...\n";

    #[test]
    fn the_inspector_is_in_the_script_unless_left_out() {
        let options = LeptosOptions::builder().output_name("site").build();
        let with = script(&options, true);
        assert!(with.contains("window.__ferryInspector"));
        // Its server side is asked for under the calls route's prefix.
        #[cfg(feature = "logging")]
        assert!(
            with.ends_with(r#""/_ferry/dev/calls/")"#),
            "{}",
            &with[with.len() - 80..]
        );
        let without = script(&options, false);
        assert!(!without.contains("__ferryInspector"));
        assert!(
            without.contains("function showError"),
            "the edit loop stays"
        );
    }

    #[test]
    fn a_failed_build_shows_its_errors_and_first_place_without_colours() {
        let Build::Failed { output, file, line } = failed(FAILED) else {
            panic!()
        };
        assert!(
            output.starts_with("error[E0308]: mismatched types"),
            "{output}"
        );
        assert!(output.contains("expected `i64`"));
        assert!(
            !output.contains('\u{1b}')
                && !output.contains("Compiling")
                && !output.contains("waiting")
        );
        assert_eq!(file.as_deref(), Some("app/src/counter/mod.rs"));
        assert_eq!(line, Some(42));
    }

    #[test]
    fn a_huge_output_is_cut_on_a_character() {
        let output = format!("error: x\n{}", "é".repeat(MAX_ERROR));
        let Build::Failed { output, .. } = failed(&output) else {
            panic!()
        };
        assert!(output.len() <= MAX_ERROR + 4 && output.ends_with('…'));
    }

    #[test]
    fn the_status_file_says_how_the_build_went() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_build(dir.path()), Build::Ok, "no build yet");
        std::fs::write(dir.path().join("status"), "building\n").unwrap();
        assert_eq!(read_build(dir.path()), Build::Building);
        std::fs::write(dir.path().join("output"), FAILED).unwrap();
        std::fs::write(dir.path().join("status"), "failed\n").unwrap();
        assert!(matches!(
            read_build(dir.path()),
            Build::Failed { line: Some(42), .. }
        ));
        std::fs::write(dir.path().join("status"), "ok\n").unwrap();
        assert_eq!(read_build(dir.path()), Build::Ok);
    }

    #[test]
    fn the_hash_follows_logic_not_markup_nor_what_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("app/src/page.rs");
        std::fs::create_dir_all(page.parent().unwrap()).unwrap();
        std::fs::create_dir_all(dir.path().join("target")).unwrap();
        std::fs::write(
            &page,
            "fn p() -> impl IntoView { view! { <h1>\"A\"</h1> } }",
        )
        .unwrap();
        let before = hash_sources(dir.path());
        std::fs::write(
            &page,
            "fn p() -> impl IntoView { view! { <h1>\"B\"</h1> } }",
        )
        .unwrap();
        std::fs::write(dir.path().join("target/out.rs"), "fn built() {}").unwrap();
        std::fs::write(dir.path().join("app/shop.db"), "rows").unwrap();
        assert_eq!(hash_sources(dir.path()), before);
        std::fs::write(&page, "fn p() -> impl IntoView { view! { <h1>{1}</h1> } }").unwrap();
        assert_ne!(hash_sources(dir.path()), before);
        std::fs::write(
            &page,
            "fn p() -> impl IntoView { view! { <h1>\"B\"</h1> } }",
        )
        .unwrap();
        std::fs::write(dir.path().join("migrations.sql"), "create table t (x);").unwrap();
        assert_ne!(hash_sources(dir.path()), before);
    }

    #[test]
    fn colour_codes_go_and_text_stays() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: é"),
            "error: é"
        );
    }
}

#[cfg(all(test, feature = "logging"))]
mod call_route {
    use tower::ServiceExt as _;
    use tracing_subscriber::layer::SubscriberExt as _;

    /// The route answers a kept request's lines as JSON, and 404 for any
    /// other id.
    #[tokio::test]
    async fn a_requests_lines_are_served_by_its_id() {
        let subscriber = tracing_subscriber::registry().with(super::super::calls::CallLog);
        tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!("request", id = %"route-test-7");
            request.in_scope(|| tracing::error!(table = "counter", "no such table"));
        });
        let app =
            axum::Router::new().route(super::super::CALLS_PATH, axum::routing::get(super::call_of));
        let get = |path: &str| {
            let request = http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap();
            app.clone().oneshot(request)
        };
        let found = get("/_ferry/dev/calls/route-test-7").await.unwrap();
        assert_eq!(found.status(), http::StatusCode::OK);
        let body = http_body_util::BodyExt::collect(found.into_body())
            .await
            .unwrap()
            .to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["entries"][0]["kind"], "line");
        assert_eq!(json["entries"][0]["level"], "ERROR");
        assert_eq!(
            json["entries"][0]["text"],
            "no such table table=\"counter\""
        );
        assert_eq!(json["entries"][1]["kind"], "span");
        assert_eq!(json["entries"][1]["name"], "request");
        let missing = get("/_ferry/dev/calls/never-seen").await.unwrap();
        assert_eq!(missing.status(), http::StatusCode::NOT_FOUND);
    }
}
