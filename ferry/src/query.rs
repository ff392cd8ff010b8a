//! What a page declares while it renders: tagged queries, resources that
//! refetch when a server function declares that it changed one of their
//! tags, and whether the server may keep the page.

use std::future::IntoFuture;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::call::Read;
#[cfg(feature = "hydrate")]
use crate::optimistic::{Shared, lock};
use crate::revalidate::tag::Tag;

/// A tagged query: a Leptos [`Resource`] (it derefs to one, so `.get()`,
/// `.refetch()` and `Suspense` work as usual) that refetches when a
/// mutation revalidates one of its tags, and can show a change a running
/// call expects ([`optimistic`](Query::optimistic)). Made by [`query`],
/// [`visitor_query`] and [`query_with`].
pub struct Query<T: Send + Sync + 'static> {
    pub(crate) resource: Resource<T>,
    #[cfg(feature = "hydrate")]
    pub(crate) overlay: StoredValue<Shared<T>>,
    /// Its id in the page's registry: for the development inspector, and
    /// for the queries of other islands that make the same read.
    #[cfg(feature = "hydrate")]
    pub(crate) id: u64,
}

impl<T: Send + Sync + 'static> Clone for Query<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Query<T> {}

impl<T: Send + Sync + 'static> Deref for Query<T> {
    type Target = Resource<T>;

    fn deref(&self) -> &Resource<T> {
        &self.resource
    }
}

impl<T: Clone + Send + Sync + 'static> IntoFuture for Query<T> {
    type Output = T;
    type IntoFuture = <Resource<T> as IntoFuture>::IntoFuture;

    fn into_future(self) -> Self::IntoFuture {
        self.resource.into_future()
    }
}

/// A resource tagged with what it shows (`[INBOX]`, `[NOTE.child(42)]`).
/// Rendered on the server, hydrated without a second fetch, and refetched
/// in the browser whenever a [`mutation`](crate::mutation) revalidates a
/// matching tag. Read it inside `<Suspense>` like any resource. It fetches
/// one [`read`](crate::read), given as its typed call (the struct the macro
/// makes: `CountInbox {}` for `count_inbox()`): nothing else can be
/// queried ([`Read`]), so no fetch can change data, and the browser learns
/// which request the query makes without sending one.
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
///     let count = ferry::query([INBOX], CountInbox {});
///     view! { <Suspense>{move || count.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
pub fn query<R: Read>(tags: impl IntoIterator<Item = Tag>, call: R) -> Query<R::Output> {
    let tags: Vec<Tag> = tags.into_iter().collect();
    query_with(|| (), move |()| tags.clone(), move |()| call.clone())
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
///     let drafts = ferry::visitor_query([DRAFTS], CountDrafts {});
///     view! { <Suspense>{move || drafts.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
pub fn visitor_query<R: Read>(tags: impl IntoIterator<Item = Tag>, call: R) -> Query<R::Output> {
    let tags: Vec<Tag> = tags.into_iter().collect();
    tagged(
        || (),
        move |()| tags.clone(),
        move |()| call.clone(),
        Shown::Privately,
    )
}

/// A tagged query that also follows a reactive `source` (a route parameter,
/// say): it refetches when the source changes, with the read's call `call`
/// makes of it, and its tags may depend on it (`|id| vec![NOTE.child(*id)]`).
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
///     let note = ferry::query_with(move || id.get(), |id| vec![NOTE.child(*id)], |id| GetNote { id });
///     view! { <Suspense>{move || note.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
pub fn query_with<S, R>(
    source: impl Fn() -> S + Send + Sync + 'static,
    tags: impl Fn(&S) -> Vec<Tag> + Send + Sync + 'static,
    call: impl Fn(S) -> R + Send + Sync + 'static,
) -> Query<R::Output>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    R: Read,
{
    tagged(source, tags, call, Shown::ToEveryone)
}

/// Whether a query's data is the same for every visitor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    ToEveryone,
    Privately,
}

fn tagged<S, R: Read>(
    source: impl Fn() -> S + Send + Sync + 'static,
    tags: impl Fn(&S) -> Vec<Tag> + Send + Sync + 'static,
    call: impl Fn(S) -> R + Send + Sync + 'static,
    shown: Shown,
) -> Query<R::Output>
where
    S: PartialEq + Clone + Send + Sync + 'static,
{
    let source = Arc::new(source);
    let fetcher = Arc::new(move |s| call(s).fetch());
    #[cfg(feature = "cache")]
    if shown == Shown::ToEveryone {
        crate::cache::pages::shows(&tags(&untrack(|| source())));
    }
    #[cfg(not(feature = "cache"))]
    let _ = shown; // in the browser, or without the cache, nothing is kept
    // A render for a mutation's answer learns what the page shows.
    #[cfg(feature = "ssr")]
    if let Some(capture) = crate::inline::capture::current() {
        capture.add_tags(&tags(&untrack(|| source())));
    }
    let id = crate::client::new_id();
    #[cfg(feature = "hydrate")]
    let overlay: Shared<R::Output> = Arc::default();
    // The fetch may have to set the resource itself (see `fetched`).
    #[cfg(feature = "hydrate")]
    let this: Arc<std::sync::OnceLock<Resource<R::Output>>> = Arc::default();
    let resource = Resource::new(
        {
            let source = source.clone();
            move || source()
        },
        {
            let fetcher = fetcher.clone();
            #[cfg(feature = "hydrate")]
            let (overlay, this) = (overlay.clone(), this.clone());
            move |s| {
                let fetch = crate::client::track(id, fetcher(s));
                // In the browser, the server's value goes under the
                // changes running calls expect.
                #[cfg(feature = "hydrate")]
                let (overlay, this, started) = (
                    overlay.clone(),
                    this.clone(),
                    lock(&overlay).fetch_started(),
                );
                async move {
                    let value = fetch.await;
                    #[cfg(feature = "hydrate")]
                    let value = {
                        let (shown, dropped) = lock(&overlay).fetched(started, value);
                        if let (true, Some(resource)) = (dropped, this.get()) {
                            resource.try_set(Some(shown.clone()));
                        }
                        shown
                    };
                    value
                }
            }
        },
    );
    let unregister = crate::client::register(
        id,
        {
            let source = source.clone();
            move || tags(&untrack(|| source()))
        },
        {
            #[cfg(feature = "hydrate")]
            let overlay = overlay.clone();
            move || {
                #[cfg(feature = "hydrate")]
                lock(&overlay).requested();
                resource.refetch()
            }
        },
    );
    on_cleanup(unregister);
    #[cfg(feature = "hydrate")]
    let _ = this.set(resource);
    // In the browser, learn now which read it makes, for the first
    // mutation's request: a hydrated query has not fetched anything yet.
    // Its fetch is a read's call, whose client records the request
    // instead of sending it.
    #[cfg(feature = "hydrate")]
    crate::client::discover(id, fetcher(untrack(|| source())));
    // What it shows, each time that changes, for the inspector's list.
    #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
    Effect::new(move |_| {
        if let Some(value) = resource.get() {
            crate::client::inspect::value(id, &value);
        }
    });
    let query = Query {
        #[cfg(feature = "hydrate")]
        id,
        resource,
        #[cfg(feature = "hydrate")]
        overlay: StoredValue::new(overlay),
    };
    // Found by a change shown on every query of its read.
    #[cfg(feature = "hydrate")]
    crate::client::known_as(id, std::rc::Rc::new(query));
    query
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
