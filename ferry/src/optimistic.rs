//! Optimistic updates: a query shows the change a running call expects,
//! on top of the last value the server gave, until the server's own value
//! replaces it (the call succeeded) or the change is dropped (it failed).
//! [`OptimisticChange`] is the handle a call holds; the overlay below is the
//! bookkeeping each query keeps in the browser.

#[cfg(feature = "hydrate")]
use std::sync::Arc;

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

use crate::Query;

/// The changes a call expects, on one query or several; made with
/// [`Query::optimistic`](crate::Query::optimistic). [`run`](OptimisticChange::run) the mutation
/// with it, or [`finish`](OptimisticChange::finish)
/// with the call's outcome: a success keeps the change until the query's
/// refetch (which the call's revalidation starts) brings the server's
/// value; a failure removes it at once. Dropped unfinished, it counts as a
/// failure, so a cancelled call never leaves a change behind. On the server
/// it does nothing.
///
/// ```
/// use leptos::prelude::*;
/// use leptos::task::spawn_local;
/// ferry::tags! { pub INBOX = "inbox"; pub ARCHIVE = "archive"; }
///
/// #[ferry::read(endpoint = "doc/inbox-count")]
/// pub async fn inbox_count() -> Result<u32, ferry::Error> { Ok(3) }
/// #[ferry::read(endpoint = "doc/archive-count")]
/// pub async fn archive_count() -> Result<u32, ferry::Error> { Ok(40) }
/// #[ferry::mutation(endpoint = "doc/archive", revalidates = [INBOX, ARCHIVE])]
/// pub async fn archive(id: u32) -> Result<(), ferry::Error> { Ok(()) }
///
/// #[component]
/// fn ArchiveButton(id: u32) -> impl IntoView {
///     let inbox = ferry::query([INBOX], InboxCount {});
///     let archived = ferry::query([ARCHIVE], ArchiveCount {});
///     let on_click = move |_| {
///         // One message leaves the inbox for the archive: both counts move at once.
///         let change = inbox
///             .optimistic(|n| if let Ok(n) = n { *n = n.saturating_sub(1) })
///             .and(archived.optimistic(|n| if let Ok(n) = n { *n += 1 }));
///         spawn_local(async move {
///             let _ = change.run(Archive { id }).await;
///         });
///     };
///     view! { <button on:click=on_click>"Archive"</button> }
/// }
/// ```
#[must_use = "an OptimisticChange dropped at once rolls its change back"]
#[derive(Default)]
pub struct OptimisticChange {
    settles: Vec<Box<dyn FnOnce(bool)>>,
}

impl OptimisticChange {
    /// A change on one query, settled by `settle(succeeded)`.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn one(settle: impl FnOnce(bool) + 'static) -> Self {
        Self {
            settles: vec![Box::new(settle)],
        }
    }

    /// This change and `other`'s, settled together.
    ///
    /// ```
    /// let both = ferry::OptimisticChange::default().and(ferry::OptimisticChange::default());
    /// both.finish(true);
    /// ```
    pub fn and(mut self, mut other: OptimisticChange) -> Self {
        self.settles.append(&mut other.settles);
        self
    }

    /// Runs the mutation's typed `call` (`Archive { id }` for
    /// `archive(id)`), then ends the changes with its outcome, and returns
    /// it.
    pub async fn run<M, T, E>(self, call: M) -> Result<T, E>
    where
        M: crate::Mutation<Output = Result<T, E>>,
    {
        let result = call.call().await;
        self.finish(result.is_ok());
        result
    }

    /// Ends the changes with the call's outcome (`true`: it succeeded), for
    /// a call made otherwise than by [`run`](Self::run).
    pub fn finish(mut self, succeeded: bool) {
        for settle in self.settles.drain(..) {
            settle(succeeded);
        }
    }
}

impl Drop for OptimisticChange {
    fn drop(&mut self) {
        for settle in self.settles.drain(..) {
            settle(false);
        }
    }
}

impl std::fmt::Debug for OptimisticChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OptimisticChange({} changes)", self.settles.len())
    }
}

/// The query's half of optimistic updates.
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
            let change: Change<T> = Arc::new(change);
            let mine = self.expect(change.clone());
            // In an islands page, other islands' queries of the same read
            // show the change too.
            #[cfg(feature = "islands")]
            let mine = crate::client::twins(self.id)
                .into_iter()
                .filter_map(|twin| twin.downcast_ref::<Query<T>>().copied())
                .fold(mine, |all, twin| all.and(twin.expect(change.clone())));
            mine
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = change;
            OptimisticChange::default()
        }
    }

    /// Shows `change` on this query until the change settles.
    #[cfg(feature = "hydrate")]
    fn expect(self, change: Change<T>) -> OptimisticChange {
        let Some(shared) = self.overlay.try_get_value() else {
            return OptimisticChange::default();
        };
        // Read from the AsyncDerived under the resource: the resource's
        // own read logs a warning in debug builds outside <Suspense/>
        // (leptos_server's hydration check), and an event handler, where
        // changes are made, is outside it. This read changes nothing.
        let data: &AsyncDerived<T> = &self.resource;
        let current = data.get_untracked();
        let (id, shown) = lock(&shared).expect(current, change);
        if let Some(shown) = shown {
            self.resource.set(Some(shown));
        }
        let resource = self.resource;
        #[cfg(all(debug_assertions, not(ferry_inspector_off)))]
        let shown_to_inspector = crate::client::inspect::optimistic(Some(self.id));
        OptimisticChange::one(move |succeeded| {
            #[cfg(all(debug_assertions, not(ferry_inspector_off)))]
            crate::client::inspect::settled(shown_to_inspector, succeeded);
            if let Some(Some(shown)) = lock(&shared).settle(id, succeeded) {
                resource.try_set(Some(shown));
            }
        })
    }
}

/// Shows `change` at once on every live query of the page that makes the
/// read `call` (`GetLikes {}`), until the mutation it goes with settles:
/// for a component that holds no such query itself, such as an island
/// beside the one that shows it (a "like" button and the header's count of
/// likes). No query makes it: no change.
///
/// ```
/// ferry::tags! { pub LIKES = "likes"; }
///
/// #[ferry::read(endpoint = "doc/likes")]
/// pub async fn get_likes() -> Result<u32, ferry::Error> {
///     Ok(41)
/// }
///
/// let change = ferry::optimistic_for(GetLikes {}, |likes| {
///     if let Ok(n) = likes {
///         *n += 1;
///     }
/// });
/// change.finish(true);
/// ```
pub fn optimistic_for<R: crate::Read>(
    call: R,
    change: impl Fn(&mut R::Output) + Send + Sync + 'static,
) -> OptimisticChange {
    #[cfg(feature = "hydrate")]
    {
        let change: Change<R::Output> = Arc::new(change);
        let reads = crate::client::reads_of(call.fetch());
        crate::client::queries_reading(&reads)
            .into_iter()
            .filter_map(|query| query.downcast_ref::<Query<R::Output>>().copied())
            .fold(OptimisticChange::default(), |all, query| {
                all.and(query.expect(change.clone()))
            })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (call, change);
        OptimisticChange::default()
    }
}

#[cfg(feature = "hydrate")]
pub(crate) type Shared<T> = std::sync::Arc<std::sync::Mutex<Overlay<T>>>;

#[cfg(feature = "hydrate")]
pub(crate) fn lock<T>(shared: &Shared<T>) -> std::sync::MutexGuard<'_, Overlay<T>> {
    // A panic while holding it leaves consistent data: every step is whole.
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One expected change: applied to a copy of the server's value.
#[cfg(any(feature = "hydrate", test))]
pub(crate) type Change<T> = std::sync::Arc<dyn Fn(&mut T) + Send + Sync>;

/// A query's optimistic bookkeeping. One clock orders every event: changes
/// made, refetches requested, fetches started; so a success's change is
/// dropped only by a fetch that started after the call's revalidation
/// asked for it, and never by an older one still in flight.
#[cfg(any(feature = "hydrate", test))]
pub(crate) struct Overlay<T> {
    clock: u64,
    /// The last value the server gave (or the query held when the first
    /// change came).
    base: Option<T>,
    changes: Vec<Pending<T>>,
    /// When a refetch was last requested.
    requested: u64,
    /// The newest start among the fetches that have finished.
    refreshed: u64,
    /// When the query's value was last set from here: Leptos drops the
    /// result of a fetch that was running then, so that fetch's value must
    /// be set from here too.
    written: u64,
}

#[cfg(any(feature = "hydrate", test))]
struct Pending<T> {
    id: u64,
    change: Change<T>,
    /// Succeeded: dropped by the first fetch started after this time.
    settled_after: Option<u64>,
}

#[cfg(any(feature = "hydrate", test))]
impl<T: Clone> Default for Overlay<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(any(feature = "hydrate", test))]
impl<T: Clone> Overlay<T> {
    pub fn new() -> Self {
        Self {
            clock: 0,
            base: None,
            changes: Vec::new(),
            requested: 0,
            refreshed: 0,
            written: 0,
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The server's value with every change on top.
    pub fn shown(&self) -> Option<T> {
        let mut value = self.base.clone()?;
        for pending in &self.changes {
            (pending.change)(&mut value);
        }
        Some(value)
    }

    /// Adds a change; `current` is what the query shows now, taken as the
    /// server's value when no other change is on top of it. Returns the
    /// change's id and what to show.
    pub fn expect(&mut self, current: Option<T>, change: Change<T>) -> (u64, Option<T>) {
        if self.changes.is_empty() {
            self.base = current;
        }
        let id = self.tick();
        self.changes.push(Pending {
            id,
            change,
            settled_after: None,
        });
        self.written = id;
        (id, self.shown())
    }

    /// A refetch was asked for (a call revalidated the query's tags).
    pub fn requested(&mut self) {
        self.requested = self.tick();
    }

    /// A fetch starts; pass what it returns to [`fetched`](Self::fetched).
    pub fn fetch_started(&mut self) -> u64 {
        self.tick()
    }

    /// The server's value from the fetch that started at `started`: the new
    /// base, without the succeeded changes it already reflects. Returns
    /// what to show, and whether it must be set by hand: the query was set
    /// from here while this fetch ran, so Leptos will drop its result.
    pub fn fetched(&mut self, started: u64, value: T) -> (T, bool) {
        self.refreshed = self.refreshed.max(started);
        self.changes
            .retain(|p| p.settled_after.is_none_or(|after| after >= started));
        self.base = Some(value);
        let shown = self.shown().expect("the base was just set");
        (shown, self.written > started)
    }

    /// The call behind change `id` ended. Returns what to show when that
    /// changes now (a failure, or a success whose refetch has come or will
    /// not come); `None` when nothing changes yet.
    pub fn settle(&mut self, id: u64, succeeded: bool) -> Option<Option<T>> {
        let index = self.changes.iter().position(|p| p.id == id)?;
        let refetch_coming = self.requested > id && self.refreshed < self.requested;
        if succeeded && refetch_coming {
            self.changes[index].settled_after = Some(self.requested);
            return None;
        }
        self.changes.remove(index);
        self.written = self.tick();
        Some(self.shown())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn add(n: i32) -> Change<i32> {
        Arc::new(move |v: &mut i32| *v += n)
    }

    #[test]
    fn a_change_shows_at_once_and_a_failure_rolls_it_back() {
        let mut overlay = Overlay::new();
        let (id, shown) = overlay.expect(Some(10), add(1));
        assert_eq!(shown, Some(11));
        assert_eq!(overlay.settle(id, false), Some(Some(10)));
    }

    #[test]
    fn a_success_keeps_its_change_until_the_refetch_it_asked_for() {
        let mut overlay = Overlay::new();
        let (id, _) = overlay.expect(Some(10), add(1));
        overlay.requested(); // the call's revalidation
        assert_eq!(overlay.settle(id, true), None, "no flash of the old value");
        let started = overlay.fetch_started();
        assert_eq!(
            overlay.fetched(started, 11),
            (11, false),
            "the server's value, not 12"
        );
        assert_eq!(overlay.shown(), Some(11));
    }

    #[test]
    fn an_older_fetch_does_not_drop_a_newer_success() {
        let mut overlay = Overlay::new();
        let older = overlay.fetch_started();
        let (id, _) = overlay.expect(Some(10), add(1));
        overlay.requested();
        assert_eq!(overlay.settle(id, true), None);
        // A fetch that began before the call still shows the change on top.
        assert_eq!(
            overlay.fetched(older, 10),
            (11, true),
            "set by hand: Leptos drops it"
        );
        let newer = overlay.fetch_started();
        assert_eq!(overlay.fetched(newer, 11), (11, false));
    }

    #[test]
    fn a_success_whose_refetch_came_first_settles_at_once() {
        let mut overlay = Overlay::new();
        let (id, _) = overlay.expect(Some(10), add(1));
        overlay.requested();
        let started = overlay.fetch_started();
        assert_eq!(
            overlay.fetched(started, 11).0,
            12,
            "still on top until settled"
        );
        assert_eq!(overlay.settle(id, true), Some(Some(11)));
    }

    #[test]
    fn a_success_that_revalidated_nothing_shows_the_server_value() {
        let mut overlay = Overlay::new();
        let (id, _) = overlay.expect(Some(10), add(1));
        assert_eq!(overlay.settle(id, true), Some(Some(10)));
    }

    #[test]
    fn concurrent_changes_roll_back_one_at_a_time() {
        let mut overlay = Overlay::new();
        let (first, _) = overlay.expect(Some(10), add(1));
        let (second, shown) = overlay.expect(Some(11), add(5));
        assert_eq!(
            shown,
            Some(16),
            "the second builds on the server's 10, not on 11"
        );
        assert_eq!(overlay.settle(first, false), Some(Some(15)));
        assert_eq!(overlay.settle(second, false), Some(Some(10)));
    }

    #[test]
    fn a_change_before_the_first_value_waits_for_it() {
        let mut overlay = Overlay::new();
        let started = overlay.fetch_started();
        let (_, shown) = overlay.expect(None, add(1));
        assert_eq!(shown, None);
        assert_eq!(overlay.fetched(started, 10), (11, true));
    }

    #[test]
    fn a_rollback_during_a_fetch_leaves_that_fetch_to_be_shown_by_hand() {
        let mut overlay = Overlay::new();
        let (first, _) = overlay.expect(Some(10), add(1));
        let (second, _) = overlay.expect(Some(11), add(5));
        overlay.requested();
        let started = overlay.fetch_started(); // the first call's refetch
        assert_eq!(overlay.settle(first, true), None);
        assert_eq!(overlay.settle(second, false), Some(Some(11)));
        // Leptos drops this fetch's result (the rollback set the query
        // while it ran): it has to be set by hand, or 11 would stay.
        assert_eq!(overlay.fetched(started, 12), (12, true));
    }

    #[test]
    fn an_unfinished_expected_rolls_back_when_dropped() {
        let outcome = Arc::new(std::sync::Mutex::new(None));
        let seen = outcome.clone();
        drop(OptimisticChange::one(move |ok| {
            *seen.lock().unwrap() = Some(ok)
        }));
        assert_eq!(*outcome.lock().unwrap(), Some(false));
        let seen = outcome.clone();
        OptimisticChange::one(move |ok| *seen.lock().unwrap() = Some(ok)).finish(true);
        assert_eq!(*outcome.lock().unwrap(), Some(true));
    }
}
