//! A small app on ferry's public API alone: notes kept in memory, one page
//! that lists them, a read, a mutation, and a JSON route beside them. The
//! tests drive it through a real router, without binding a port.
#![allow(dead_code)] // each test file uses its own subset

use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::routing::get;
use axum::{Json, Router};
use http_body_util::BodyExt;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use leptos_router::components::{Route, Router as Routes, Routes as RouteTable};
use leptos_router::{SsrMode, path};
use tower::ServiceExt;

// The README's quick start, as it stands there (tests/readme.rs checks).
#[path = "quick_start.rs"]
mod quick_start;
pub use quick_start::*;

fn copy(list: &Mutex<Vec<String>>) -> Vec<String> {
    list.lock().map(|l| l.clone()).unwrap_or_default()
}

/// A read that takes a tenth of a second, for the inline reads' deadline.
#[ferry::read(endpoint = "notes/slow")]
pub async fn slow_note(n: usize) -> Result<usize, ferry::Error> {
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    Ok(n)
}

/// A read that tries to revalidate: ferry refuses.
#[ferry::read(endpoint = "notes/sneaky")]
pub async fn sneaky_read() -> Result<(), ferry::Error> {
    ferry::revalidate([NOTE]);
    Ok(())
}

ferry::tags! {
    /// Who the visitor said they are.
    pub VISITOR = "visitor";
}

/// Remembers the visitor's name in a cookie.
#[ferry::mutation(endpoint = "notes/sign", revalidates = [VISITOR])]
pub async fn sign(name: String) -> Result<(), ferry::Error> {
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = format!("visitor={name}; Path=/");
    let value = cookie
        .parse()
        .map_err(|_| ferry::Error::invalid("name", "Letters only."))?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

/// The visitor's name, from their cookie.
#[ferry::read(endpoint = "notes/visitor")]
pub async fn visitor() -> Result<Option<String>, ferry::Error> {
    let parts = expect_context::<axum::http::request::Parts>();
    let cookies = parts
        .headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok());
    let name = cookies
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| pair.trim().strip_prefix("visitor="))
        .next();
    Ok(name.map(str::to_owned))
}

/// Guard: the visitor's name, or 401 if they never said it.
pub async fn named_visitor() -> Result<String, ferry::Error> {
    visitor().await?.ok_or_else(ferry::Error::unauthorized)
}

/// Adds a note signed by the visitor, whose name the guard found: the body
/// does not look it up again.
#[ferry::mutation(endpoint = "notes/add_signed", revalidates = [NOTE], guard(name) = named_visitor)]
pub async fn add_signed(text: String) -> Result<usize, ferry::Error> {
    add_note(format!("{name}: {text}")).await
}

/// The app's own error type, not ferry's: it says its own status.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum NoteError {
    /// The notebook is full.
    Full,
    /// Anything Leptos reports.
    Server(String),
}

impl leptos::server_fn::error::FromServerFnError for NoteError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        NoteError::Server(value.to_string())
    }
}

impl ferry::ErrorStatus for NoteError {
    fn status(&self) -> u16 {
        match self {
            NoteError::Full => 409,
            NoteError::Server(_) => 500,
        }
    }
}

/// Refuses every note with the app's own error.
#[ferry::mutation(endpoint = "notes/add_to_full", revalidates = [NOTE])]
pub async fn add_to_full(text: String) -> Result<usize, NoteError> {
    let _ = text;
    Err(NoteError::Full)
}

/// One note, by its number (from 1).
#[ferry::read(endpoint = "notes/get")]
pub async fn get_note(n: usize) -> Result<String, ferry::Error> {
    let list = notes()?;
    let note = copy(&list).get(n.wrapping_sub(1)).cloned();
    note.ok_or_else(|| ferry::Error::not_found(format!("Note {n}")))
}

/// Adds a note after reading the list through the read itself, then
/// revalidates one more tag: calling a read must not silence that.
#[ferry::mutation(endpoint = "notes/add_after_reading", revalidates = [NOTE])]
pub async fn add_after_reading(text: String) -> Result<usize, ferry::Error> {
    let before = list_notes().await?.len();
    let count = add_note(text).await?;
    ferry::revalidate([VISITOR]);
    Ok(count.max(before))
}

/// Adds a note and sends the browser to it.
#[ferry::mutation(endpoint = "notes/add_and_show", revalidates = [NOTE])]
pub async fn add_and_show(text: String) -> Result<usize, ferry::Error> {
    let count = add_note(text).await?;
    leptos_axum::redirect(&format!("/notes/{count}"));
    Ok(count)
}

#[component]
fn NotePage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let n = move || {
        params
            .read()
            .get("n")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let note = ferry::query_with(n, |n| vec![NOTE.child(*n)], |n| GetNote { n });
    view! {
        <Suspense>
            {move || note.get().map(|n| view! { <p id="note">{n.unwrap_or_default()}</p> })}
        </Suspense>
    }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Routes>
            <RouteTable fallback=|| "Not found.">
                <Route path=path!("/") view=NotesPage ssr=SsrMode::Async />
                <Route path=path!("/notes/:n") view=NotePage ssr=SsrMode::Async />
            </RouteTable>
        </Routes>
    }
}

fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head></head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Leptos lists routes by rendering the app once; do it once per process.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The app, with its notes, inside ferry's layers.
pub struct TestApp {
    pub router: Router,
    pub notes: Notes,
}

impl TestApp {
    pub fn new(ferry: &ferry::Ferry) -> Self {
        let options = LeptosOptions::builder().output_name("notes").build();
        let notes = Notes {
            leptos_options: options.clone(),
            list: Arc::default(),
        };
        let list = notes.list.clone();
        let app = Router::new()
            .leptos_routes(&notes, routes(), move || shell(options.clone()))
            // A JSON route under the server-function prefix: not a call.
            .route(
                "/api/v1/notes",
                get(move || async move { Json(copy(&list)) }),
            );
        Self {
            router: ferry.install(app.with_state(notes.clone())),
            notes,
        }
    }

    /// With no rate limit or share per client: in-process requests all
    /// have no address.
    pub fn with(configure: impl FnOnce(&mut ferry::Settings)) -> Self {
        let mut settings = ferry::Settings::for_env(leptos::config::Env::DEV);
        settings.rate_limit = None;
        settings.max_in_flight_per_client = None;
        configure(&mut settings);
        Self::new(&ferry::Ferry::new(settings))
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A call as the hydrated page makes it.
    pub async fn call(&self, path: &str, form: &str) -> Reply {
        self.send(post(path, form)).await
    }

    /// A mutation as ferry's client sends it, listing the reads the page's
    /// queries make: `(tags, path, arguments)`.
    pub async fn call_holding(&self, path: &str, form: &str, held: &[(&str, &str, &str)]) -> Reply {
        let mut request = post(path, form);
        request
            .headers_mut()
            .insert("x-ferry-queries", holding(held).parse().unwrap());
        self.send(request).await
    }
}

/// The header value that lists these reads.
pub fn holding(held: &[(&str, &str, &str)]) -> String {
    use base64::Engine as _;
    let list: Vec<serde_json::Value> = held
        .iter()
        .map(|(tags, path, body)| {
            serde_json::json!({"t": tags, "m": "POST", "p": path, "b": body,
                "c": "application/x-www-form-urlencoded"})
        })
        .collect();
    let json = serde_json::to_vec(&list).unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// A form-encoded POST, as Leptos's client sends one.
pub fn post(path: &str, form: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, "notes.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(form.to_owned()))
        .unwrap()
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The mutation's own body and the inline answers after it, if any.
    pub fn split_inline(&self) -> (&str, Option<serde_json::Value>) {
        match self.header("x-ferry-inline") {
            Some(offset) => {
                let (own, answers) = self.body.split_at(offset.parse().unwrap());
                (own, Some(serde_json::from_str(answers).unwrap()))
            }
            None => (&self.body, None),
        }
    }

    /// The count the page shows.
    pub fn count(&self) -> Option<&str> {
        let start = self.body.find(r#"<p id="count">"#)? + r#"<p id="count">"#.len();
        let rest = &self.body[start..];
        Some(&rest[..rest.find('<')?])
    }
}
