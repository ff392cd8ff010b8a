//! What a page declares while it renders: tagged queries, resources that
//! refetch when a server function declares that it changed one of their
//! tags, and whether the server may keep the page.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A resource tagged with what it shows (`["inbox"]`, `["note:42"]`).
/// Rendered on the server, hydrated without a second fetch, and refetched
/// in the browser whenever a call through [`crate::Client`] revalidates a
/// matching tag. Read it inside `<Suspense>` like any resource.
pub fn query<T, Fut>(
    tags: impl IntoIterator<Item = impl Into<String>>,
    fetcher: impl Fn() -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let tags: Vec<String> = tags.into_iter().map(Into::into).collect();
    query_with(|| (), move |()| tags.clone(), move |()| fetcher())
}

/// A tagged query of the visitor's own data: their drafts, their account. In
/// the browser it is a [`query`]. On the server, its tags do not tie a kept
/// page ([`cache_page`]): pages are kept only for visitors without cookies,
/// whose own data is empty, and no one else's call changes that. So another
/// visitor saving a draft leaves the kept page of notes alone.
pub fn private_query<T, Fut>(
    tags: impl IntoIterator<Item = impl Into<String>>,
    fetcher: impl Fn() -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let tags: Vec<String> = tags.into_iter().map(Into::into).collect();
    tagged(
        || (),
        move |()| tags.clone(),
        move |()| fetcher(),
        Shown::Privately,
    )
}

/// A tagged query that also follows a reactive `source` (a route parameter,
/// say): it refetches when the source changes, and its tags may depend on it
/// (`|id| vec![format!("note:{id}")]`).
pub fn query_with<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    tags: impl Fn(&S) -> Vec<String> + Send + Sync + 'static,
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
    tags: impl Fn(&S) -> Vec<String> + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
    shown: Shown,
) -> Resource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let source = Arc::new(source);
    #[cfg(feature = "ssr")]
    if shown == Shown::ToEveryone {
        crate::cache::pages::shows(&tags(&untrack(|| source())));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = shown; // in the browser, nothing is kept
    let resource = Resource::new(
        {
            let source = source.clone();
            move || source()
        },
        fetcher,
    );
    let unregister = crate::client::register(
        move || tags(&untrack(|| source())),
        move || resource.refetch(),
    );
    on_cleanup(unregister);
    resource
}

/// Lets the server keep the page being rendered, for up to `max_age`, and
/// serve it again to visitors who send no cookies, until a server function
/// revalidates a tag one of its queries showed. Call it in a page whose
/// output depends only on its URL and its [`query`]s (a list of notes, an
/// article), never in one that reads the request otherwise. Without
/// [`crate::cache::pages::layer`] on the server, it does nothing.
pub fn cache_page(max_age: Duration) {
    #[cfg(feature = "ssr")]
    crate::cache::pages::allow(max_age);
    #[cfg(not(feature = "ssr"))]
    let _ = max_age;
}
