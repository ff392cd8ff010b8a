//! The server's cache: whole pages ([`pages`]) and the results of reads
//! ([`cached`]), shared by every visitor, each kept with the tags it shows
//! and dropped when a server function revalidates one of them, or when its
//! max age passes.
//!
//! The store is [moka]'s: bounded (pages by their bytes, reads by count),
//! evicting by TinyLFU, so a flood of URLs seen once cannot push out the
//! pages visitors keep asking for, and running one load for concurrent
//! misses of one read. Revalidation is ferry's: a counter per tag, checked
//! on every read.
//!
//! One [`Cache`] per app, installed by [`crate::Ferry`] around the pages
//! *and* the server functions: it sees what each call revalidates, and
//! hands the cache to the code that runs inside.

mod outbox;
pub mod pages;
mod versions;

use std::any::{Any, TypeId};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use leptos::prelude::with_context;

use crate::revalidate::Revalidation;
use crate::revalidate::tag::Tag;
pub use outbox::Revalidations;
use versions::Versions;

/// How much the cache may hold. Both zero turns it off.
///
/// ```
/// let mut settings = ferry::cache::CacheSettings::default();
/// settings.page_bytes = 16 << 20; // 16 MiB of kept pages
/// assert!(ferry::cache::Cache::new(&settings).is_on());
/// assert!(!ferry::cache::Cache::new(&ferry::cache::CacheSettings::off()).is_on());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheSettings {
    /// Bytes of kept pages (bodies, headers and keys); default 64 MiB.
    pub page_bytes: u64,
    /// Values of cached reads; default 10,000.
    pub values: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            page_bytes: 64 << 20,
            values: 10_000,
        }
    }
}

impl CacheSettings {
    /// Keeps nothing: every page renders and every read runs.
    ///
    /// ```
    /// assert!(!ferry::cache::Cache::new(&ferry::cache::CacheSettings::off()).is_on());
    /// ```
    pub fn off() -> Self {
        Self {
            page_bytes: 0,
            values: 0,
        }
    }
}

/// The key of a kept value: its type and its name, so two reads that
/// share a name by mistake never see each other's values.
type ValueKey = (TypeId, String);

/// The cache, shared by clones.
///
/// ```
/// let ferry = ferry::Ferry::new(ferry::Settings::default());
/// let cache: &ferry::cache::Cache = ferry.cache();
/// assert!(cache.is_on());
/// ```
#[derive(Clone)]
pub struct Cache(Arc<Shared>);

struct Shared {
    settings: CacheSettings,
    versions: Versions,
    /// This process's revalidations, for a carrier to other processes.
    outbox: Arc<outbox::Outbox>,
    pages: moka::future::Cache<String, Arc<Kept<pages::Page>>>,
    values: moka::future::Cache<ValueKey, Arc<Kept<Arc<dyn Any + Send + Sync>>>>,
}

/// Something kept, with what it shows and when it was computed.
struct Kept<T> {
    /// The revalidation counter when the work that made it began.
    since: u64,
    tags: Vec<Tag>,
    max_age: Duration,
    item: T,
}

/// Entries live as long as their own max age.
struct ByMaxAge;

impl<K, T> moka::Expiry<K, Arc<Kept<T>>> for ByMaxAge {
    fn expire_after_create(&self, _: &K, kept: &Arc<Kept<T>>, _: Instant) -> Option<Duration> {
        Some(kept.max_age)
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("settings", &self.0.settings)
            .field("pages", &self.0.pages.entry_count())
            .field("values", &self.0.values.entry_count())
            .finish()
    }
}

impl Cache {
    /// A cache bounded by `settings`.
    ///
    /// ```
    /// let cache = ferry::cache::Cache::new(&Default::default());
    /// assert_eq!(cache.entry_count(), 0);
    /// ```
    pub fn new(settings: &CacheSettings) -> Self {
        let pages = moka::future::Cache::builder()
            .max_capacity(settings.page_bytes)
            .weigher(|key: &String, kept: &Arc<Kept<pages::Page>>| {
                u32::try_from(key.len() + kept.item.weight()).unwrap_or(u32::MAX)
            })
            .expire_after(ByMaxAge)
            .build();
        let values = moka::future::Cache::builder()
            .max_capacity(settings.values)
            .expire_after(ByMaxAge)
            .build();
        Self(Arc::new(Shared {
            settings: settings.clone(),
            versions: Versions::default(),
            outbox: Arc::default(),
            pages,
            values,
        }))
    }

    /// Whether the cache keeps anything at all.
    ///
    /// ```
    /// let settings = ferry::cache::CacheSettings::default();
    /// assert!(ferry::cache::Cache::new(&settings).is_on());
    /// ```
    pub fn is_on(&self) -> bool {
        self.0.settings.page_bytes > 0 || self.0.settings.values > 0
    }

    /// How many pages and values are kept (an estimate while evictions are
    /// pending).
    ///
    /// ```
    /// assert_eq!(ferry::cache::Cache::new(&Default::default()).entry_count(), 0);
    /// ```
    pub fn entry_count(&self) -> u64 {
        self.0.pages.entry_count() + self.0.values.entry_count()
    }

    /// Drops what showed a tag `revalidation` covers: from now on, those
    /// pages render again and those reads run again.
    ///
    /// ```
    /// ferry::tags! { pub NOTE = "note"; }
    /// let cache = ferry::cache::Cache::new(&Default::default());
    /// cache.invalidate(&ferry::Revalidation::tags([NOTE.child(3)]));
    /// ```
    pub fn invalidate(&self, revalidation: &Revalidation) {
        self.publish(revalidation);
    }

    /// [`Cache::invalidate`], returning the number to wait for when a
    /// carrier takes it to other processes.
    fn publish(&self, revalidation: &Revalidation) -> Option<u64> {
        self.0.versions.revalidate(revalidation);
        self.0.outbox.publish(revalidation)
    }

    /// Waits until revalidation `number` has been carried to the other
    /// processes (a second at most).
    pub(crate) async fn carried(&self, number: u64) {
        self.0.outbox.carried(number).await;
    }

    /// What this process revalidates from now on, as [`Cache::invalidate`]
    /// sees it, for carrying to the other processes of the app (as
    /// [`crate::postgres`] does). The receiver *is* the carrier: while one
    /// lives, a server function that revalidates answers only once a
    /// receiver reports it [`carried`](Revalidations::carried) (for a second
    /// at most), so the other processes have been sent it before the
    /// visitor asks for the next page. Keep one: a second receiver that
    /// never reports would add that second to every such answer, and one
    /// that reports early would release answers before the change left.
    ///
    /// ```
    /// # async fn run() {
    /// ferry::tags! { pub NOTE = "note"; }
    /// let cache = ferry::cache::Cache::new(&Default::default());
    /// let mut revalidations = cache.revalidations();
    /// cache.invalidate(&ferry::Revalidation::tags([NOTE]));
    /// assert_eq!(revalidations.recv().await.unwrap(), ferry::Revalidation::tags([NOTE]));
    /// revalidations.carried(); // sent on: the server function may answer
    /// # }
    /// ```
    pub fn revalidations(&self) -> Revalidations {
        Revalidations::new(self.0.outbox.clone())
    }

    /// Drops what another process revalidated: [`Cache::invalidate`],
    /// without handing it to [`Cache::revalidations`] again.
    ///
    /// ```
    /// let cache = ferry::cache::Cache::new(&Default::default());
    /// let mut revalidations = cache.revalidations();
    /// cache.invalidate_from_elsewhere(&ferry::Revalidation::All);
    /// assert!(revalidations.try_recv().is_err());
    /// ```
    pub fn invalidate_from_elsewhere(&self, revalidation: &Revalidation) {
        self.0.versions.revalidate(revalidation);
    }

    /// Finishes moka's pending bookkeeping (evictions, counts); tests use it.
    ///
    /// ```
    /// # async fn run() {
    /// let cache = ferry::cache::Cache::new(&Default::default());
    /// cache.run_pending_tasks().await;
    /// assert_eq!(cache.entry_count(), 0);
    /// # }
    /// ```
    pub async fn run_pending_tasks(&self) {
        self.0.pages.run_pending_tasks().await;
        self.0.values.run_pending_tasks().await;
    }

    /// [`Cache::invalidate`] with a carrier listening, for tests elsewhere
    /// in the crate: the number to wait for.
    #[cfg(test)]
    pub(crate) fn publish_for_tests(&self, revalidation: &Revalidation) -> u64 {
        self.publish(revalidation).expect("a carrier listening")
    }

    /// The revalidation counter, for tests elsewhere in the crate.
    #[cfg(test)]
    pub(crate) fn clock(&self) -> u64 {
        self.0.versions.now()
    }

    /// Whether something computed at `since`, showing `tags`, is stale; for
    /// tests elsewhere in the crate.
    #[cfg(test)]
    pub(crate) fn is_stale(&self, tags: &[Tag], since: u64) -> bool {
        self.0.versions.stale(tags, since)
    }

    fn fresh<T>(&self, kept: &Kept<T>) -> bool {
        !self.0.versions.stale(&kept.tags, kept.since)
    }
}

/// Runs `load` and keeps its `Ok` value under `key`, shared by every
/// visitor, until a server function revalidates one of `tags` or `max_age`
/// passes; meanwhile, calls with the same `key` get a copy without running
/// `load`, and concurrent calls that all miss wait for one `load`. The key
/// must name everything the value depends on (`"note:42"`), and nothing
/// visitor-specific belongs in a cached read. Errors are not kept. Outside a
/// request, or without ferry's cache on the server, `load` just runs.
///
/// ```
/// use std::time::Duration;
/// ferry::tags! { pub NOTE = "note"; }
///
/// #[ferry::read(endpoint = "doc/notes")]
/// pub async fn list_notes() -> Result<Vec<String>, ferry::Error> {
///     ferry::cached("notes/list", [NOTE], Duration::from_secs(300), || async {
///         Ok(vec!["first note".to_owned()]) // the database query goes here
///     })
///     .await
/// }
/// ```
pub async fn cached<T, E, Fut>(
    key: impl Into<String>,
    tags: impl IntoIterator<Item = Tag>,
    max_age: Duration,
    load: impl FnOnce() -> Fut,
) -> Result<T, E>
where
    T: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>>,
{
    let Some(cache) = current().filter(|c| c.0.settings.values > 0) else {
        return load().await;
    };
    let key = (TypeId::of::<T>(), key.into());
    let values = &cache.0.values;
    if let Some(kept) = values.get(&key).await {
        if cache.fresh(&kept) {
            return Ok(copy(&kept));
        }
        values.invalidate(&key).await;
    }
    let tags: Vec<Tag> = tags.into_iter().collect();
    let since = cache.0.versions.now();
    let loaded = values
        .try_get_with(key, async move {
            let value = load().await?;
            let item: Arc<dyn Any + Send + Sync> = Arc::new(value);
            Ok(Arc::new(Kept {
                since,
                tags,
                max_age,
                item,
            }))
        })
        .await;
    match loaded {
        Ok(kept) => Ok(copy(&kept)),
        Err(err) => Err(E::clone(&err)),
    }
}

/// The kept value, typed: the key holds its type, so the cast cannot fail.
fn copy<T: Clone + 'static>(kept: &Kept<Arc<dyn Any + Send + Sync>>) -> T {
    match kept.item.downcast_ref::<T>() {
        Some(value) => value.clone(),
        None => unreachable!("values are keyed by their type"),
    }
}

/// The cache ferry handed to this request, if it is on.
fn current() -> Option<Cache> {
    with_context(|parts: &axum::http::request::Parts| parts.extensions.get::<Cache>().cloned())
        .flatten()
        .filter(Cache::is_on)
}

#[cfg(test)]
mod tests;
