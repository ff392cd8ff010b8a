//! Development only: what the page's calls and live queries do, told to
//! the in-page inspector (`ferry::dev`'s panel) when the page has one. A
//! debug WASM build only: a release build compiles none of it, and nothing
//! here changes what a call sends.

use std::cell::RefCell;

use http::HeaderMap;
use js_sys::wasm_bindgen::{JsCast, JsValue};
use serde_json::{Value, json};

use crate::inline::ReadKey;

/// What the panel is sent of a body: enough to read, not a page's worth.
const SHOWN_BYTES: usize = 4096;

#[derive(Default)]
struct State {
    next_id: u64,
    /// Optimistic changes applied since the last mutation started: the
    /// next one to start is the call they wait for.
    waiting: Vec<u64>,
    /// The mutation that finished last: the refetches and inline
    /// answers that follow are its doing.
    finished: Option<u64>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::default();
}

fn next_id() -> u64 {
    STATE.with_borrow_mut(|s| {
        s.next_id += 1;
        s.next_id
    })
}

/// The page's `window.__ferryInspector.record`, when the panel is there.
fn recorder() -> Option<(JsValue, js_sys::Function)> {
    let global = js_sys::global();
    let inspector = js_sys::Reflect::get(&global, &"__ferryInspector".into()).ok()?;
    if !inspector.is_object() {
        return None;
    }
    let record = js_sys::Reflect::get(&inspector, &"record".into()).ok()?;
    let record = record.dyn_into::<js_sys::Function>().ok()?;
    Some((inspector, record))
}

fn send(message: impl FnOnce() -> Value) {
    if let Some((inspector, record)) = recorder() {
        let _ = record.call1(&inspector, &message().to_string().into());
    }
}

/// The arguments as the panel shows them: form fields with those named
/// like secrets masked, other text as it is.
fn arguments(key: Option<&ReadKey>) -> Value {
    let Some(key) = key else {
        return json!("(a body that is not text)");
    };
    if key.content_type.contains("x-www-form-urlencoded") || key.method == "GET" {
        let pairs = key
            .body
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let name = decode(name);
                let shown = if crate::form::check::looks_secret(&name) {
                    "•••".to_owned()
                } else {
                    decode(value)
                };
                json!([name, shown])
            })
            .collect::<Vec<_>>();
        return Value::Array(pairs);
    }
    json!(shorten(key.body.as_bytes()))
}

/// A form-encoded name or value as text (the browser's own decoding: this
/// crate takes no URL-encoding dependency into the WebAssembly for it).
fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    js_sys::decode_uri_component(&spaced).map_or(spaced, String::from)
}

fn shorten(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SHOWN_BYTES {
        return text.into_owned();
    }
    let mut end = SHOWN_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether a response body is one the panel shows (and so worth reading
/// whole before the caller does): an error (server functions send theirs
/// with no content type), or a value in a text encoding.
pub fn wants_body(status: u16, headers: &HeaderMap) -> bool {
    recorder().is_some()
        && (status >= 400
            || header(headers, "content-type").is_some_and(|t| {
                ["application/json", "x-www-form-urlencoded"]
                    .iter()
                    .any(|kind| t.contains(kind))
            }))
}

/// A call leaving: its id, for [`finish`].
pub fn start(client: &'static str, path: &str, key: Option<&ReadKey>, query: Option<u64>) -> u64 {
    let id = next_id();
    let optimistic = if client == "mutation" {
        STATE.with_borrow_mut(|s| std::mem::take(&mut s.waiting))
    } else {
        Vec::new()
    };
    send(|| {
        json!({
            "type": "start", "id": id, "client": client,
            "path": path, "args": arguments(key), "query": query,
            "optimistic": optimistic,
        })
    });
    id
}

/// A call answered: its status, request id, the tags it revalidated,
/// and its body when it was read (a failure's error, a read's value).
pub fn finish(id: u64, status: u16, headers: &HeaderMap, body: Option<&[u8]>) {
    send(|| {
        json!({
            "type": "finish", "id": id, "status": status,
            "requestId": header(headers, "x-request-id"),
            "tags": header(headers, crate::revalidate::HEADER),
            "body": body.map(shorten),
        })
    });
}

/// A mutation finished: the refetches and inline answers that follow are
/// its doing.
pub fn finished(id: u64) {
    STATE.with_borrow_mut(|s| s.finished = Some(id));
}

/// A read answered by a mutation's response, without the network.
pub fn inline(path: &str, key: Option<&ReadKey>, query: Option<u64>, status: u16, body: &[u8]) {
    let id = next_id();
    let cause = STATE.with_borrow(|s| s.finished);
    send(|| {
        json!({
            "type": "inline", "id": id, "cause": cause,
            "path": path, "args": arguments(key), "query": query, "status": status,
            "body": shorten(body),
        })
    });
}

/// The live queries the last mutation's revalidation refetched.
pub fn refetched(queries: &[u64]) {
    let Some(id) = STATE.with_borrow(|s| s.finished) else {
        return;
    };
    send(|| json!({ "type": "refetch", "id": id, "queries": queries }));
}

/// A live query came (with its tags) or went.
pub fn query(id: u64, tags: &[crate::Tag]) {
    send(|| {
        let tags: Vec<&str> = tags.iter().map(|t| t.as_str()).collect();
        json!({ "type": "query", "query": id, "tags": tags })
    });
}

/// The read a live query makes, found before it first fetches.
pub fn reads(query: u64, path: &str, key: Option<&ReadKey>) {
    send(|| json!({ "type": "reads", "query": query, "path": path, "args": arguments(key) }));
}

/// A live query left the page.
pub fn query_gone(id: u64) {
    send(|| json!({ "type": "query-gone", "query": id }));
}

/// What a live query now shows.
pub fn value(id: u64, value: &impl serde::Serialize) {
    send(|| {
        let text = serde_json::to_string(value).unwrap_or_default();
        json!({ "type": "value", "query": id, "value": shorten(text.as_bytes()) })
    });
}

/// An optimistic change shown on a query: its id, for [`settled`].
pub fn optimistic(query: Option<u64>) -> u64 {
    let id = next_id();
    STATE.with_borrow_mut(|s| s.waiting.push(id));
    send(|| json!({ "type": "optimistic", "id": id, "query": query }));
    id
}

/// The call an optimistic change waited for ended: kept or rolled back.
pub fn settled(id: u64, kept: bool) {
    send(|| json!({ "type": "settled", "id": id, "kept": kept }));
}
