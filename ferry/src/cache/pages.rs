//! Kept pages: whole server-rendered pages for visitors who send no
//! cookies, served again without rendering. A page opts in while it
//! renders, with [`crate::cache_page`]; its [`crate::query`]s name the tags
//! it shows.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::with_context;

use super::{insert_within, Cache, Kept};
use crate::revalidate::{Revalidation, HEADER as REVALIDATE};

/// Says how a page was served: `hit` (from the cache) or `miss` (rendered
/// and kept). Pages that may not be kept carry no such header.
pub const STATUS_HEADER: &str = "x-ferry-cache";
/// From the page to the layer, removed before the response leaves: how long
/// the page may be kept, in seconds.
const MAX_AGE_HEADER: &str = "x-ferry-cache-max-age";
/// From the page to the layer, removed before the response leaves: the tags
/// of the queries the page showed.
const TAGS_HEADER: &str = "x-ferry-cache-tags";

/// Marks a request whose page may be kept; only then do pages say so.
#[derive(Debug, Clone, Copy)]
struct Keepable;

/// A kept page: everything but the status, which is always 200.
pub(super) struct Page {
    headers: HeaderMap,
    body: Bytes,
}

impl Cache {
    /// The page kept for `key`, if it has not expired.
    pub(super) fn page(&self, key: &str) -> Option<Response> {
        let entries = self.lock();
        let kept = entries.pages.get(key)?;
        kept.live(Instant::now()).then(|| kept.item.response())
    }

    /// Keeps a page unless a revalidation happened since `generation`, or
    /// the cache is full of pages that have not expired.
    pub(super) fn keep_page(&self, key: String, kept: Kept<Page>, generation: u64) {
        let capacity = self.0.capacity;
        let mut entries = self.lock();
        if entries.generation == generation {
            insert_within(&mut entries.pages, capacity, key, kept);
        }
    }
}

impl Page {
    pub(super) fn new(headers: HeaderMap, body: Bytes) -> Self {
        Self { headers, body }
    }

    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        mark(&mut response, "hit");
        response
    }
}

/// The middleware: hands the cache to the code inside (for
/// [`super::cached`]), serves kept pages, keeps the pages that opt in, and
/// drops what a server function's response revalidates.
pub async fn layer(State(cache): State<Cache>, mut request: Request, next: Next) -> Response {
    if !cache.is_on() {
        return next.run(request).await;
    }
    request.extensions_mut().insert(cache.clone());
    let Some(key) = key_of(&request) else {
        let response = next.run(request).await;
        invalidate_after(&cache, &response);
        return response;
    };
    if let Some(hit) = cache.page(&key) {
        return hit;
    }
    let generation = cache.generation();
    request.extensions_mut().insert(Keepable);
    let response = next.run(request).await;
    invalidate_after(&cache, &response);
    keep(&cache, key, generation, response).await
}

/// Only a plain `GET` from a visitor without cookies or credentials may be
/// answered with, or fill, a shared page.
fn key_of(request: &Request) -> Option<String> {
    let headers = request.headers();
    if request.method() != Method::GET
        || headers.contains_key(COOKIE)
        || headers.contains_key(AUTHORIZATION)
    {
        return None;
    }
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    Some(format!("{host}{target}"))
}

/// A successful call that revalidated tags drops the pages that showed them.
fn invalidate_after(cache: &Cache, response: &Response) {
    let status = response.status().as_u16();
    if !(200..400).contains(&status) {
        return;
    }
    if let Some(value) = joined(response.headers(), REVALIDATE) {
        cache.invalidate(&Revalidation::from_header(
            Some(&value),
            Revalidation::Nothing,
        ));
    }
}

async fn keep(cache: &Cache, key: String, generation: u64, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let max_age = take(&mut parts.headers, MAX_AGE_HEADER)
        .and_then(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).min());
    let tags = take(&mut parts.headers, TAGS_HEADER).unwrap_or_default();
    let keepable = parts.status == StatusCode::OK && !parts.headers.contains_key(SET_COOKIE);
    let Some(seconds) = max_age.filter(|s| keepable && *s > 0) else {
        return Response::from_parts(parts, body);
    };
    // The page is already whole in memory (asynchronous rendering), so
    // collecting it costs a copy at most.
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page failed to render.",
        )
            .into_response();
    };
    let kept = Kept {
        expires: Instant::now() + Duration::from_secs(seconds),
        tags: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        item: Page::new(parts.headers.clone(), body.clone()),
    };
    cache.keep_page(key, kept, generation);
    let mut response = Response::from_parts(parts, Body::from(body));
    mark(&mut response, "miss");
    response
}

/// Removes an internal header, returning its values joined by commas.
fn take(headers: &mut HeaderMap, name: &'static str) -> Option<String> {
    let value = joined(headers, name);
    headers.remove(name);
    value
}

fn joined(headers: &HeaderMap, name: &'static str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

fn mark(response: &mut Response, how: &'static str) {
    response.headers_mut().insert(
        HeaderName::from_static(STATUS_HEADER),
        HeaderValue::from_static(how),
    );
}

/// Called while a page renders: tells the layer how long the page may be
/// kept, if the request is one whose page may be kept at all.
pub(crate) fn allow(max_age: Duration) {
    tell(MAX_AGE_HEADER, &max_age.as_secs().to_string());
}

/// Called while a page renders: tells the layer which tags a query showed.
pub(crate) fn shows(tags: &[String]) {
    let valid: Vec<&str> = tags
        .iter()
        .map(String::as_str)
        .filter(|t| crate::revalidate::is_valid_tag(t))
        .collect();
    if !valid.is_empty() {
        tell(TAGS_HEADER, &valid.join(","));
    }
}

fn tell(name: &'static str, value: &str) {
    let keepable = with_context(|parts: &axum::http::request::Parts| {
        parts.extensions.get::<Keepable>().is_some()
    });
    if keepable != Some(true) {
        return;
    }
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(value) {
        response.append_header(HeaderName::from_static(name), value);
    }
}
