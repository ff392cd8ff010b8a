//! The server side of inline answers: after a mutation succeeds, the reads
//! the page holds whose tags it revalidated run here, through the same
//! router, with the request's cookies and those the mutation just set, and
//! their answers ride back in the mutation's own response. A mutation that
//! redirects also brings the answers of the reads its target page makes,
//! and one made from a page that names itself brings that page, rendered
//! again, when it shows a tag the call revalidated.

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{
    ACCEPT, ACCEPT_ENCODING, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE,
    EXPECT, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, LOCATION,
    RANGE, SET_COOKIE, TE, TRANSFER_ENCODING, UPGRADE,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use futures::StreamExt as _;
use leptos::server_fn::redirect::REDIRECT_HEADER;
use tower::{Layer, Service, ServiceExt as _};

use super::capture::Capture;
use super::{
    Answer, Held, INLINE_HEADER, PAGE_HEADER, QUERIES_HEADER, ReadKey, SEQUENCE_HEADER, decode_held,
};
use crate::headers::joined;
use crate::revalidate::tag::Tag;
use crate::revalidate::{HEADER as REVALIDATE, Revalidation};

/// The largest answer sent inline; a larger read is refetched.
const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// The most all the answers of one response may weigh together.
const MAX_ANSWERS_BYTES: usize = 512 * 1024;
/// The most reads one mutation runs inline.
const MAX_READS: usize = 32;
/// How many of them run at once.
const CONCURRENT_READS: usize = 4;

/// The number of a read starting now: the microseconds since the epoch, or
/// one more than the last number handed out if the clock has not moved
/// past it. So one process's numbers always grow, and numbers from several
/// processes behind one load balancer (a per-process count would not
/// compare) order reads by when they started, as far as the machines'
/// clocks agree.
fn next_sequence(last: &AtomicU64) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros() as u64);
    let after = |previous: u64| previous.max(now.saturating_sub(1)) + 1;
    match last.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |previous| {
        Some(after(previous))
    }) {
        Ok(previous) | Err(previous) => after(previous),
    }
}

/// The layer behind [`crate::layers::InlineLayer`]: outside every other
/// layer, so a mutation's revalidation has reached the cache before its
/// reads run, and each read passes every layer as the browser's would.
#[derive(Clone)]
pub(crate) struct Inliner {
    /// The paths of the `#[ferry::read]` functions: only those run inline.
    reads: Arc<HashSet<&'static str>>,
    /// The whole app as it is inside this layer (axum layers each route
    /// on its own, so the service below a route cannot render a page).
    app: Router,
    /// Counts the reads started, for [`SEQUENCE_HEADER`].
    sequence: Arc<AtomicU64>,
    /// How long the reads of one call may take together.
    deadline: Option<Duration>,
}

impl Inliner {
    pub(crate) fn new(app: Router) -> Self {
        Self {
            reads: Arc::new(crate::__private::read_paths()),
            app,
            sequence: Arc::default(),
            deadline: None,
        }
    }

    pub(crate) fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

impl<S> Layer<S> for Inliner {
    type Service = Inline<S>;

    fn layer(&self, inner: S) -> Inline<S> {
        Inline {
            inner,
            reads: self.reads.clone(),
            app: self.app.clone(),
            sequence: self.sequence.clone(),
            deadline: self.deadline,
        }
    }
}

#[derive(Clone)]
pub(crate) struct Inline<S> {
    inner: S,
    reads: Arc<HashSet<&'static str>>,
    app: Router,
    sequence: Arc<AtomicU64>,
    deadline: Option<Duration>,
}

type Answered = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> Service<Request> for Inline<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answered;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Answered {
        // The service that was ready serves the call; a clone stays.
        let spare = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, spare);
        if self.reads.contains(request.uri().path()) {
            let sequence = next_sequence(&self.sequence);
            return Box::pin(async move {
                let mut response = inner.call(request).await?;
                response
                    .headers_mut()
                    .insert(SEQUENCE_HEADER, HeaderValue::from(sequence));
                Ok(response)
            });
        }
        // Only the browser's ferry client asks; everyone else gets the
        // plain response.
        let Some(held) = request
            .headers()
            .get(QUERIES_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(decode_held)
        else {
            return Box::pin(inner.call(request));
        };
        let context = Caller::of(&request);
        let known = Known {
            reads: self.reads.clone(),
            sequence: self.sequence.clone(),
            deadline: self.deadline,
        };
        let app = self.app.clone();
        Box::pin(async move {
            let response = inner.call(request).await?;
            Ok(answer(response, held, context, app, &known).await)
        })
    }
}

/// The reads that may run inline, and their counter.
struct Known {
    reads: Arc<HashSet<&'static str>>,
    sequence: Arc<AtomicU64>,
    deadline: Option<Duration>,
}

/// The headers of a call its reads do not inherit: those that describe
/// its body, ask for an encoding or a part of the answer, or belong to its
/// connection. (An inherited `Accept-Encoding` would have a compression
/// layer inside make every answer unreadable, and so left out.)
const NOT_INHERITED: [HeaderName; 16] = [
    CONTENT_TYPE,
    CONTENT_LENGTH,
    CONTENT_ENCODING,
    TRANSFER_ENCODING,
    ACCEPT,
    ACCEPT_ENCODING,
    CONNECTION,
    TE,
    UPGRADE,
    EXPECT,
    RANGE,
    IF_RANGE,
    IF_MATCH,
    IF_NONE_MATCH,
    IF_MODIFIED_SINCE,
    IF_UNMODIFIED_SINCE,
];

/// What the reads inherit from the mutation's request.
struct Caller {
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    /// The page the call is made from, if it named one on this site.
    page: Option<String>,
}

impl Caller {
    /// Every header of the call but those that describe its body or ask
    /// for its answers, and the peer's address: a read run for it is the
    /// request the browser would have sent. (Not every extension: the
    /// router's own, such as the matched path, would be taken for a
    /// nested router's.)
    fn of(request: &Request) -> Self {
        let mut headers = request.headers().clone();
        for name in NOT_INHERITED {
            headers.remove(name);
        }
        headers.remove(QUERIES_HEADER);
        let page = headers
            .remove(PAGE_HEADER)
            .and_then(|page| page.to_str().ok().and_then(on_this_site));
        let mut extensions = axum::http::Extensions::new();
        if let Some(peer) = request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        {
            extensions.insert(*peer);
        }
        Self {
            headers,
            extensions,
            page,
        }
    }

    /// The call's request id, once the layers inside gave it one: its
    /// reads are logged under the same id.
    fn same_id(&mut self, response: &Response) {
        if let Some(id) = response.headers().get(&crate::request_id::HEADER) {
            self.headers.insert(crate::request_id::HEADER, id.clone());
        }
    }

    /// Gives a request of the server's own the caller's identity.
    fn dress(&self, request: &mut Request, cookies: Option<HeaderValue>) {
        for (name, value) in &self.headers {
            if name != COOKIE {
                request.headers_mut().append(name, value.clone());
            }
        }
        if let Some(cookies) = cookies {
            request.headers_mut().insert(COOKIE, cookies);
        }
        *request.extensions_mut() = self.extensions.clone();
    }

    /// The `Cookie` header the reads send: the request's cookies, updated
    /// by those the mutation set (a first call may start the visitor's session).
    fn cookies_after(&self, response: &Response) -> Option<HeaderValue> {
        let mut jar = cookie::CookieJar::new();
        for header in self.headers.get_all(COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            for cookie in cookie::Cookie::split_parse(text).flatten() {
                jar.add_original(cookie.into_owned());
            }
        }
        for header in response.headers().get_all(SET_COOKIE) {
            let Ok(set) = header.to_str().map(|t| cookie::Cookie::parse(t.to_owned())) else {
                continue;
            };
            let Ok(set) = set else { continue };
            let gone = set.max_age().is_some_and(|age| age.is_zero());
            match gone {
                true => jar.remove(cookie::Cookie::from(set.name().to_owned())),
                false => jar.add(cookie::Cookie::new(
                    set.name().to_owned(),
                    set.value().to_owned(),
                )),
            }
        }
        let pairs: Vec<String> = jar.iter().map(|c| c.stripped().to_string()).collect();
        (!pairs.is_empty())
            .then(|| HeaderValue::from_str(&pairs.join("; ")).ok())
            .flatten()
    }
}

/// Appends the answers of the held reads the mutation revalidated, if it
/// succeeded and any of them answer.
async fn answer<S>(
    response: Response,
    held: Vec<Held>,
    mut caller: Caller,
    router: S,
    known: &Known,
) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    if !response.status().is_success() {
        return response; // a failed call revalidates nothing, and carries nothing
    }
    caller.same_id(&response);
    let revalidation = Revalidation::from_header(joined(response.headers(), REVALIDATE).as_deref());
    let after = After {
        cookies: caller.cookies_after(&response),
        target: redirect_target(&response),
    };
    let answers = gather(revalidation, held, after, &caller, router, known);
    // The call's own answer is ready: its reads may not keep it waiting
    // longer than a request may take.
    let answers = match known.deadline {
        Some(deadline) => tokio::time::timeout(deadline, answers)
            .await
            .unwrap_or_default(),
        None => answers.await,
    };
    append(response, &answers).await
}

/// What the reads take from the call's response: its cookies, and where
/// it redirects.
struct After {
    cookies: Option<HeaderValue>,
    target: Option<String>,
}

/// The answers of the reads (see [`reads`]), then the page the call was
/// made from, rendered again (see [`page_again`]).
async fn gather<S>(
    revalidation: Revalidation,
    held: Vec<Held>,
    after: After,
    caller: &Caller,
    router: S,
    known: &Known,
) -> Vec<Answer>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let page = match (&after.target, &caller.page) {
        (None, Some(page)) => Some((page.clone(), after.cookies.clone())),
        _ => None, // a redirect leaves the page: its target's reads come instead
    };
    let mut answers = reads(&revalidation, held, after, caller, router.clone(), known).await;
    if let Some((page, cookies)) = page {
        let again = page_again(page, &revalidation, (caller, cookies), router, known);
        answers.extend(again.await);
    }
    answers
}

/// The answers of the held reads the call revalidated, and of those its
/// redirect's target page makes.
async fn reads<S>(
    revalidation: &Revalidation,
    held: Vec<Held>,
    after: After,
    caller: &Caller,
    router: S,
    known: &Known,
) -> Vec<Answer>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let mut due: Vec<ReadKey> = Vec::new();
    for held in held {
        if revalidation.covers(&tags_of(&held.tags)) && !due.contains(&held.key) {
            due.push(held.key);
        }
    }
    let After { cookies, target } = after;
    if let Some(target) = target {
        for key in reads_of_page(router.clone(), target, caller, cookies.clone()).await {
            if !due.contains(&key) {
                due.push(key);
            }
        }
    }
    due.retain(|key| known.reads.contains(key.path.as_str()));
    // A page holds a handful of reads; past that, the rest refetch.
    due.truncate(MAX_READS);
    let runs = due.into_iter().map(|key| {
        run(
            router.clone(),
            key,
            caller,
            cookies.clone(),
            &known.sequence,
        )
    });
    // A few at a time, and none started once the byte budget is spent.
    let mut runs = futures::stream::iter(runs).buffered(CONCURRENT_READS);
    let mut answers = Vec::new();
    let mut weight = 0;
    while let Some(answer) = runs.next().await {
        let Some(answer) = answer else { continue };
        weight += answer.data.len();
        if weight > MAX_ANSWERS_BYTES {
            break;
        }
        answers.push(answer);
    }
    answers
}

/// Where a call from the browser's client is sent next: Leptos marks the
/// redirect with its header and keeps the status 200. Only a path on this
/// site is followed.
fn redirect_target(response: &Response) -> Option<String> {
    if !response.headers().contains_key(REDIRECT_HEADER) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    on_this_site(location)
}

/// A path on this site (not `//host/…`, which browsers read as another).
fn on_this_site(path: &str) -> Option<String> {
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}

/// Renders the page at `target` as the browser is about to see it, and
/// returns the keys of the reads the render made (see [`super::capture`]).
async fn reads_of_page<S>(
    router: S,
    target: String,
    caller: &Caller,
    cookies: Option<HeaderValue>,
) -> Vec<ReadKey>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    match render(router, target, caller, cookies, usize::MAX).await {
        Some((capture, _)) => capture.keys(),
        None => Vec::new(),
    }
}

/// The page the call was made from, rendered again now that the call is
/// done, if it shows a tag the call revalidated and renders as a small
/// success.
async fn page_again<S>(
    page: String,
    revalidation: &Revalidation,
    (caller, cookies): (&Caller, Option<HeaderValue>),
    router: S,
    known: &Known,
) -> Option<Answer>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let sequence = next_sequence(&known.sequence);
    let rendered = render(router, page.clone(), caller, cookies, MAX_ANSWER_BYTES).await?;
    let (capture, (status, html)) = rendered;
    if !status.is_success() || !revalidation.covers(&capture.tags()) {
        return None;
    }
    let (path, query) = page.split_once('?').unwrap_or((&page, ""));
    tracing::debug!(path, "page rendered again inline");
    Some(Answer {
        key: ReadKey {
            method: "GET".into(),
            path: path.to_owned(),
            body: query.to_owned(),
            content_type: "text/html".into(),
        },
        status: status.as_u16(),
        data: html,
        sequence,
    })
}

/// Renders the page at `target` for the caller with a [`Capture`] on the
/// request: what it captured, its status and its HTML, if it is an HTML
/// page of at most `limit` bytes.
async fn render<S>(
    router: S,
    target: String,
    caller: &Caller,
    cookies: Option<HeaderValue>,
    limit: usize,
) -> Option<(Capture, (axum::http::StatusCode, String))>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let mut request = Request::get(target)
        .header(ACCEPT, "text/html")
        .body(Body::empty())
        .ok()?;
    caller.dress(&mut request, cookies);
    let capture = Capture::default();
    request.extensions_mut().insert(capture.clone());
    let Ok(response) = router.oneshot(request).await;
    let status = response.status();
    let is_html = joined(response.headers(), CONTENT_TYPE.as_str())
        .is_some_and(|kind| kind.starts_with("text/html"));
    // The render ends when the whole page has been written.
    let body = axum::body::to_bytes(response.into_body(), limit)
        .await
        .ok()?;
    let html = String::from_utf8(body.to_vec()).ok().filter(|_| is_html)?;
    Some((capture, (status, html)))
}

fn tags_of(joined: &str) -> Vec<Tag> {
    joined
        .split(',')
        .filter_map(|t| Tag::parse(t).ok())
        .collect()
}

/// Runs one read through the router, as the browser would have sent it.
/// Anything but a small success is left out: that query refetches itself.
async fn run<S>(
    router: S,
    key: ReadKey,
    caller: &Caller,
    cookies: Option<HeaderValue>,
    counter: &AtomicU64,
) -> Option<Answer>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let uri = match key.method.as_str() {
        "GET" => format!("{}?{}", key.path, key.body),
        _ => key.path.clone(),
    };
    let body = match key.method.as_str() {
        "GET" => Body::empty(),
        _ => Body::from(key.body.clone()),
    };
    let mut request = Request::builder()
        .method(key.method.as_str())
        .uri(uri)
        .header(CONTENT_TYPE, key.content_type.as_str())
        .header(ACCEPT, "application/json")
        .body(body)
        .ok()?;
    caller.dress(&mut request, cookies);
    let sequence = next_sequence(counter);
    let Ok(response) = router.oneshot(request).await;
    let status = response.status();
    if !status.is_success() || response.headers().contains_key(REVALIDATE) {
        return None;
    }
    let data = axum::body::to_bytes(response.into_body(), MAX_ANSWER_BYTES)
        .await
        .ok()?;
    let data = String::from_utf8(data.to_vec()).ok()?;
    tracing::debug!(path = key.path, "read answered inline");
    Some(Answer {
        key,
        status: status.as_u16(),
        data,
        sequence,
    })
}

/// The mutation's body, then the answers; the header says where they start.
async fn append(response: Response, answers: &[Answer]) -> Response {
    if answers.is_empty() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(own) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(json) = serde_json::to_vec(answers) else {
        return Response::from_parts(parts, Body::from(own));
    };
    let mut whole = Vec::with_capacity(own.len() + json.len());
    whole.extend_from_slice(&own);
    whole.extend_from_slice(&json);
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(INLINE_HEADER, HeaderValue::from(own.len()));
    Response::from_parts(parts, Body::from(Bytes::from(whole)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_grow_and_follow_the_clock_across_processes() {
        let one = AtomicU64::new(0);
        let (a, b) = (next_sequence(&one), next_sequence(&one));
        assert!(b > a, "{a} then {b}");
        // Another process, whose count ran far ahead of the clock, and a
        // fresh one: a read started later gets the larger number as long
        // as its count is behind the clock.
        let ahead = AtomicU64::new(u64::MAX / 2);
        assert_eq!(next_sequence(&ahead), u64::MAX / 2 + 1);
        let fresh = AtomicU64::new(0);
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(next_sequence(&fresh) > b, "a later read in another process");
    }
}
