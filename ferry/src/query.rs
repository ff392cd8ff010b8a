//! What a page declares while it renders: tagged queries, resources that
//! refetch when a server function declares that it changed one of their
//! tags, and whether the server may keep the page.

use std::future::IntoFuture;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::call::Read;
use crate::optimistic::OptimisticChange;
use crate::tag::Tag;

/// A tagged query: a Leptos [`Resource`] (it derefs to one, so `.get()`,
/// `.refetch()` and `Suspense` work as usual) that refetches when a
/// mutation revalidates one of its tags, and can show a change a running
/// call expects ([`optimistic`](Query::optimistic)). Made by [`query`],
/// [`visitor_query`] and [`query_with`].
pub struct Query<T: Send + Sync + 'static> {
    resource: Resource<T>,
    #[cfg(feature = "hydrate")]
    overlay: StoredValue<Shared<T>>,
}

#[cfg(feature = "hydrate")]
type Shared<T> = Arc<std::sync::Mutex<crate::optimistic::Overlay<T>>>;

#[cfg(feature = "hydrate")]
fn lock<T>(shared: &Shared<T>) -> std::sync::MutexGuard<'_, crate::optimistic::Overlay<T>> {
    // A panic while holding it leaves consistent data: every step is whole.
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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

impl<T: Clone + Send + Sync + 'static> Query<T> {
    /// Shows `change` applied to the query's value at once, and keeps it on
    /// top of every value the server gives until the returned [`OptimisticChange`]
    /// is finished: a success keeps it until the refetch the call's
    /// revalidation starts brings the server's own value (no flash of the
    /// old one), a failure drops it at once, and other calls' changes stay.
    /// `change` may run several times, on each new server value. On the
    /// server it does nothing. For forms, see [`Form`](crate::Form)'s
    /// `optimistic`.
    ///
    /// ```
    /// use leptos::prelude::*;
    /// use leptos::task::spawn_local;
    /// ferry::tags! { pub LIKES = "likes"; }
    ///
    /// #[ferry::read(endpoint = "doc/likes")]
    /// pub async fn get_likes() -> Result<u32, ferry::Error> {
    ///     Ok(41)
    /// }
    ///
    /// #[ferry::mutation(endpoint = "doc/like", revalidates = [LIKES])]
    /// pub async fn like() -> Result<(), ferry::Error> {
    ///     Ok(())
    /// }
    ///
    /// #[component]
    /// fn LikeButton() -> impl IntoView {
    ///     let likes = ferry::query([LIKES], GetLikes {});
    ///     let on_click = move |_| {
    ///         // 42 at once; the server's count when `like` answers, 41 again if it fails.
    ///         let change = likes.optimistic(|likes| {
    ///             if let Ok(n) = likes {
    ///                 *n += 1;
    ///             }
    ///         });
    ///         spawn_local(async move {
    ///             let _ = change.run(Like {}).await;
    ///         });
    ///     };
    ///     view! {
    ///         <button on:click=on_click>"Like"</button>
    ///         <Suspense>{move || likes.get().map(|n| n.ok())}</Suspense>
    ///     }
    /// }
    /// ```
    pub fn optimistic(self, change: impl Fn(&mut T) + Send + Sync + 'static) -> OptimisticChange {
        #[cfg(feature = "hydrate")]
        {
            let Some(shared) = self.overlay.try_get_value() else {
                return OptimisticChange::default();
            };
            let current = self.resource.get_untracked();
            let (id, shown) = lock(&shared).expect(current, Arc::new(change));
            if let Some(shown) = shown {
                self.resource.set(Some(shown));
            }
            let resource = self.resource;
            OptimisticChange::one(move |succeeded| {
                if let Some(Some(shown)) = lock(&shared).settle(id, succeeded) {
                    resource.try_set(Some(shown));
                }
            })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = change;
            OptimisticChange::default()
        }
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
    Query {
        resource,
        #[cfg(feature = "hydrate")]
        overlay: StoredValue::new(overlay),
    }
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
