//! The page cache: whole server-rendered pages kept for visitors who send no
//! cookies, served again without rendering, and dropped when a server
//! function revalidates a tag the page showed, or when its max age passes.
//!
//! A page opts in while it renders, with [`crate::cache_page`]; its
//! [`crate::query`]s name the tags it shows. Install [`layer`] around the
//! pages *and* the server functions, so it sees what each call revalidates.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::with_context;

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

/// The cache, shared by clones; one per router.
#[derive(Clone)]
pub struct PageCache(Arc<Shared>);

struct Shared {
    capacity: usize,
    pages: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    /// Bumped by every revalidation: a page rendered across one may be
    /// stale, so it is not kept.
    generation: u64,
    by_key: HashMap<String, Page>,
}

struct Page {
    expires: Instant,
    tags: Vec<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("capacity", &self.0.capacity)
            .field("pages", &self.len())
            .finish()
    }
}

impl PageCache {
    /// A cache of at most `capacity` pages (one per host, path and query);
    /// with 0, the cache is off and every page renders.
    pub fn new(capacity: usize) -> Self {
        Self(Arc::new(Shared {
            capacity,
            pages: Mutex::default(),
        }))
    }

    /// How many pages are kept, expired ones included.
    pub fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops the pages that showed a tag `revalidation` covers.
    pub fn invalidate(&self, revalidation: &Revalidation) {
        if *revalidation == Revalidation::Nothing {
            return;
        }
        let mut pages = self.lock();
        pages.generation += 1;
        pages
            .by_key
            .retain(|_, page| !revalidation.covers(&page.tags));
    }

    /// The page kept for `key`, if it has not expired.
    fn get(&self, key: &str) -> Option<Response> {
        let pages = self.lock();
        let page = pages.by_key.get(key)?;
        (page.expires > Instant::now()).then(|| page.response())
    }

    fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps `page` unless a revalidation happened since `generation`, or
    /// the cache is full of pages that have not expired.
    fn put(&self, key: String, page: Page, generation: u64) {
        let mut pages = self.lock();
        if pages.generation != generation {
            return;
        }
        if pages.by_key.len() >= self.0.capacity && !pages.by_key.contains_key(&key) {
            let now = Instant::now();
            pages.by_key.retain(|_, page| page.expires > now);
            if pages.by_key.len() >= self.0.capacity {
                return;
            }
        }
        pages.by_key.insert(key, page);
    }

    /// A panic elsewhere while holding the lock leaves the map consistent
    /// (every change is one call), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Pages> {
        self.0.pages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Page {
    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        mark(&mut response, "hit");
        response
    }
}

/// The middleware: serves kept pages, keeps the pages that opt in, and
/// drops kept pages when a server function's response revalidates.
pub async fn layer(State(cache): State<PageCache>, mut request: Request, next: Next) -> Response {
    if cache.0.capacity == 0 {
        return next.run(request).await;
    }
    let Some(key) = key_of(&request) else {
        let response = next.run(request).await;
        invalidate_after(&cache, &response);
        return response;
    };
    if let Some(hit) = cache.get(&key) {
        return hit;
    }
    let generation = cache.generation();
    request.extensions_mut().insert(Keepable);
    let response = next.run(request).await;
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
fn invalidate_after(cache: &PageCache, response: &Response) {
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

async fn keep(cache: &PageCache, key: String, generation: u64, response: Response) -> Response {
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
    let page = Page {
        expires: Instant::now() + Duration::from_secs(seconds),
        tags: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        headers: parts.headers.clone(),
        body: body.clone(),
    };
    cache.put(key, page, generation);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(tags: &[&str], ttl: Duration) -> Page {
        Page {
            expires: Instant::now() + ttl,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<p>page</p>"),
        }
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_revalidation_drops_only_the_pages_that_showed_its_tags() {
        let cache = PageCache::new(10);
        cache.put("/notes".into(), page(&["note"], MINUTE), 0);
        cache.put("/notes/7".into(), page(&["note:7"], MINUTE), 0);
        cache.put("/about".into(), page(&[], MINUTE), 0);
        cache.invalidate(&Revalidation::Tags(vec!["note:3".into()]));
        assert!(cache.get("/notes").is_none(), "note:3 is one of the notes");
        assert!(cache.get("/notes/7").is_some() && cache.get("/about").is_some());
        cache.invalidate(&Revalidation::Nothing);
        assert_eq!(cache.len(), 2);
        cache.invalidate(&Revalidation::All);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_page_rendered_across_a_revalidation_is_not_kept() {
        let cache = PageCache::new(10);
        let started = cache.generation();
        cache.invalidate(&Revalidation::Tags(vec!["inbox".into()]));
        cache.put("/".into(), page(&["tasks"], MINUTE), started);
        assert!(cache.get("/").is_none());
        cache.put("/".into(), page(&["tasks"], MINUTE), cache.generation());
        assert!(cache.get("/").is_some());
    }

    #[test]
    fn expired_pages_are_not_served_and_make_room() {
        let cache = PageCache::new(2);
        cache.put("/old".into(), page(&[], Duration::ZERO), 0);
        cache.put("/a".into(), page(&[], MINUTE), 0);
        assert!(cache.get("/old").is_none(), "expired");
        cache.put("/b".into(), page(&[], MINUTE), 0);
        assert!(cache.get("/b").is_some(), "the expired page made room");
        cache.put("/c".into(), page(&[], MINUTE), 0);
        assert!(cache.get("/c").is_none(), "full of live pages: not kept");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_hit_carries_the_page_and_says_so() {
        let cache = PageCache::new(1);
        cache.put("/".into(), page(&[], MINUTE), 0);
        let hit = cache.get("/").unwrap();
        assert_eq!(hit.status(), StatusCode::OK);
        assert_eq!(hit.headers()[STATUS_HEADER], "hit");
    }
}
