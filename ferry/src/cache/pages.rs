//! Kept pages: whole server-rendered pages for visitors who send no
//! cookies, served again without rendering. A page opts in while it
//! renders, with [`crate::cache_page`]; its [`crate::query`]s name the tags
//! it shows.
//!
//! A page is kept under its path and its query string, with the query's
//! parameters sorted. Not under the `Host` header: the client chooses it
//! freely, one ferry app serves one site, and keying on it would let anyone
//! mint new entries by sending made-up hosts. So a page that
//! [`crate::cache_page`] keeps must not depend on the host (or on anything
//! else in the request but its path, its query and its queries).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::with_context;
use std::sync::Arc;

use super::{Cache, Kept};
use crate::headers::joined;
use crate::revalidate::tag::Tag;
use crate::revalidate::{HEADER as REVALIDATE, Revalidation};

/// Says how a page was served: `hit` (from the cache) or `miss` (rendered
/// and kept). Pages that may not be kept carry no such header.
pub(crate) const STATUS_HEADER: &str = "x-ferry-cache";
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

impl Page {
    pub(super) fn new(headers: HeaderMap, body: Bytes) -> Self {
        Self { headers, body }
    }

    /// Roughly the bytes it holds, for the cache's bound.
    pub(super) fn weight(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        self.body.len() + headers + 128
    }

    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        mark(&mut response, "hit");
        response
    }
}

impl Cache {
    /// The page kept for `key`, if it is fresh.
    pub(super) async fn page(&self, key: &str) -> Option<Response> {
        let kept = self.0.pages.get(key).await?;
        if self.fresh(&kept) {
            return Some(kept.item.response());
        }
        self.0.pages.invalidate(key).await;
        None
    }

    /// Keeps a page, unless a tag it shows was revalidated while it rendered.
    pub(super) async fn keep_page(&self, key: String, kept: Kept<Page>) {
        if self.fresh(&kept) {
            self.0.pages.insert(key, Arc::new(kept)).await;
        }
    }
}

/// The middleware [`crate::Ferry`] installs: hands the cache to the code
/// inside (for [`super::cached`]), serves kept pages, keeps the pages that
/// opt in, and drops what a server function's response revalidates.
pub(crate) async fn layer(
    State(cache): State<Cache>,
    mut request: Request,
    next: Next,
) -> Response {
    if !cache.is_on() {
        return next.run(request).await;
    }
    request.extensions_mut().insert(cache.clone());
    let key = key_of(&request).filter(|_| cache.0.settings.page_bytes > 0);
    let Some(key) = key else {
        let response = next.run(request).await;
        invalidate_after(&cache, revalidated_by(&response)).await;
        return response;
    };
    if let Some(hit) = cache.page(&key).await {
        return hit;
    }
    let since = cache.0.versions.now();
    request.extensions_mut().insert(Keepable);
    let response = next.run(request).await;
    invalidate_after(&cache, revalidated_by(&response)).await;
    keep(&cache, key, since, response).await
}

/// Only a plain `GET` from a visitor without cookies or credentials may be
/// answered with, or fill, a shared page. The key is the path and the
/// sorted query (see the module's docs for why not the host).
pub(crate) fn key_of(request: &Request) -> Option<String> {
    let headers = request.headers();
    if request.method() != Method::GET
        || headers.contains_key(COOKIE)
        || headers.contains_key(AUTHORIZATION)
        || crate::inline::capture::requested(request)
    {
        return None;
    }
    let uri = request.uri();
    let Some(query) = uri.query().filter(|q| !q.is_empty()) else {
        return Some(uri.path().to_owned());
    };
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_unstable();
    Some(format!("{}?{}", uri.path(), pairs.join("&")))
}

/// What a successful call revalidated. No header means nothing, as in the
/// browser.
fn revalidated_by(response: &Response) -> Revalidation {
    let status = response.status().as_u16();
    match joined(response.headers(), REVALIDATE) {
        Some(value) if (200..400).contains(&status) => Revalidation::from_header(Some(&value)),
        _ => Revalidation::Nothing,
    }
}

/// Drops what showed the tags a call revalidated, and returns once the
/// other processes know too (when a carrier tells them).
async fn invalidate_after(cache: &Cache, revalidation: Revalidation) {
    if let Some(number) = cache.publish(&revalidation) {
        cache.carried(number).await;
    }
}

async fn keep(cache: &Cache, key: String, since: u64, response: Response) -> Response {
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
        since,
        tags: tags.split(',').filter_map(|t| Tag::parse(t).ok()).collect(),
        max_age: Duration::from_secs(seconds),
        item: Page::new(parts.headers.clone(), body.clone()),
    };
    cache.keep_page(key, kept).await;
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
pub(crate) fn shows(tags: &[Tag]) {
    if !tags.is_empty() {
        let names: Vec<&str> = tags.iter().map(Tag::as_str).collect();
        tell(TAGS_HEADER, &names.join(","));
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
