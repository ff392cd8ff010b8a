//! What a page declares while it renders: tagged queries, resources that
//! refetch when a server function declares that it changed one of their
//! tags, and whether the server may keep the page.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::tag::Tag;

/// A resource tagged with what it shows (`[INBOX]`, `[NOTE.child(42)]`).
/// Rendered on the server, hydrated without a second fetch, and refetched
/// in the browser whenever a [`mutation`](crate::mutation) revalidates a
/// matching tag. Read it inside `<Suspense>` like any resource. Its fetcher
/// calls [`read`](crate::read)s: a mutation there would revalidate on every
/// fetch.
///
/// ```
/// use leptos::prelude::*;
/// ferry::tags! { pub INBOX = "inbox"; }
///
/// #[ferry::read(endpoint = "doc/inbox")]
/// pub async fn count_inbox() -> Result<u32, ferry::Error> {
///     Ok(3)
/// }
///
/// #[component]
/// fn InboxBadge() -> impl IntoView {
///     let count = ferry::query([INBOX], count_inbox);
///     view! { <Suspense>{move || count.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
pub fn query<T, Fut>(
    tags: impl IntoIterator<Item = Tag>,
    fetcher: impl Fn() -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let tags: Vec<Tag> = tags.into_iter().collect();
    query_with(|| (), move |()| tags.clone(), move |()| fetcher())
}

/// A tagged query of the visitor's own data: their drafts, their account. In
/// the browser it is a [`query`]. On the server, its tags do not tie a kept
/// page ([`cache_page`]): pages are kept only for visitors without cookies,
/// whose own data is empty, and no one else's call changes that. So another
/// visitor saving a draft leaves the kept page of notes alone.
///
/// ```
/// use leptos::prelude::*;
/// ferry::tags! { pub DRAFTS = "drafts"; }
///
/// #[ferry::read(endpoint = "doc/drafts")]
/// pub async fn count_drafts() -> Result<u32, ferry::Error> {
///     Ok(0)
/// }
///
/// #[component]
/// fn DraftsBadge() -> impl IntoView {
///     let drafts = ferry::private_query([DRAFTS], count_drafts);
///     view! { <Suspense>{move || drafts.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
pub fn private_query<T, Fut>(
    tags: impl IntoIterator<Item = Tag>,
    fetcher: impl Fn() -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let tags: Vec<Tag> = tags.into_iter().collect();
    tagged(
        || (),
        move |()| tags.clone(),
        move |()| fetcher(),
        Shown::Privately,
    )
}

/// A tagged query that also follows a reactive `source` (a route parameter,
/// say): it refetches when the source changes, and its tags may depend on it
/// (`|id| vec![NOTE.child(id)]`).
///
/// ```
/// use leptos::prelude::*;
/// ferry::tags! { pub NOTE = "note"; }
///
/// #[ferry::read(endpoint = "doc/note")]
/// pub async fn get_note(id: u64) -> Result<String, ferry::Error> {
///     Ok(format!("note {id}"))
/// }
///
/// #[component]
/// fn Note(id: RwSignal<u64>) -> impl IntoView {
///     let note = ferry::query_with(move || id.get(), |id| vec![NOTE.child(id)], get_note);
///     view! { <Suspense>{move || note.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
pub fn query_with<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    tags: impl Fn(&S) -> Vec<Tag> + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    tagged(source, tags, fetcher, Shown::ToEveryone)
}

/// Whether a query's data is the same for every visitor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    ToEveryone,
    Privately,
}

fn tagged<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    tags: impl Fn(&S) -> Vec<Tag> + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
    shown: Shown,
) -> Resource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let source = Arc::new(source);
    let fetcher = Arc::new(fetcher);
    #[cfg(feature = "cache")]
    if shown == Shown::ToEveryone {
        crate::cache::pages::shows(&tags(&untrack(|| source())));
    }
    #[cfg(not(feature = "cache"))]
    let _ = shown; // in the browser, or without the cache, nothing is kept
    let id = crate::client::new_id();
    let resource = Resource::new(
        {
            let source = source.clone();
            move || source()
        },
        {
            let fetcher = fetcher.clone();
            move |s| crate::client::track(id, fetcher(s))
        },
    );
    let unregister = crate::client::register(
        id,
        {
            let source = source.clone();
            move || tags(&untrack(|| source()))
        },
        move || resource.refetch(),
    );
    on_cleanup(unregister);
    // In the browser, learn now which reads it makes, for the first
    // mutation's request: a hydrated query has not fetched anything yet.
    #[cfg(feature = "hydrate")]
    crate::client::discover(id, fetcher(untrack(|| source())));
    resource
}

/// Lets the server keep the page being rendered, for up to `max_age`, and
/// serve it again to visitors who send no cookies, until a server function
/// revalidates a tag one of its queries showed. Call it in a page whose
/// output depends only on its URL and its [`query`]s (a list of notes, an
/// article), never in one that reads the request otherwise. Without
/// ferry's cache installed on the server ([`crate::Ferry`], feature
/// `cache`), it does nothing.
///
/// ```
/// use std::time::Duration;
/// use leptos::prelude::*;
///
/// #[component]
/// fn AboutPage() -> impl IntoView {
///     ferry::cache_page(Duration::from_secs(60));
///     view! { <p>"About us"</p> }
/// }
/// ```
pub fn cache_page(max_age: Duration) {
    #[cfg(all(feature = "ssr", feature = "cache"))]
    crate::cache::pages::allow(max_age);
    #[cfg(not(all(feature = "ssr", feature = "cache")))]
    let _ = max_age;
}
