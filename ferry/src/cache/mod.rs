//! The server's cache: whole pages ([`pages`]) and the results of reads
//! ([`cached`]), shared by every visitor, each kept with the tags it shows
//! and dropped when a server function revalidates one of them, or when its
//! max age passes.
//!
//! One [`Cache`] per router, installed with [`pages::layer`] around the
//! pages *and* the server functions: the layer sees what each call
//! revalidates, and hands the cache to the code that runs inside.

pub mod pages;

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use leptos::prelude::with_context;

use crate::revalidate::Revalidation;

/// The cache, shared by clones.
#[derive(Clone)]
pub struct Cache(Arc<Shared>);

struct Shared {
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// Bumped by every revalidation: something computed across one may be
    /// stale, so it is not kept.
    generation: u64,
    pages: HashMap<String, Kept<pages::Page>>,
    values: HashMap<String, Kept<Arc<dyn Any + Send + Sync>>>,
}

struct Kept<T> {
    expires: Instant,
    tags: Vec<String>,
    item: T,
}

impl<T> Kept<T> {
    fn live(&self, now: Instant) -> bool {
        self.expires > now
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.lock();
        f.debug_struct("Cache")
            .field("capacity", &self.0.capacity)
            .field("pages", &entries.pages.len())
            .field("values", &entries.values.len())
            .finish()
    }
}

impl Cache {
    /// A cache of at most `capacity` pages and as many values; with 0, it
    /// is off: every page renders and every read runs.
    pub fn new(capacity: usize) -> Self {
        Self(Arc::new(Shared {
            capacity,
            entries: Mutex::default(),
        }))
    }

    /// Whether the cache keeps anything at all.
    pub fn is_on(&self) -> bool {
        self.0.capacity > 0
    }

    /// How many pages and values are kept, expired ones included.
    pub fn len(&self) -> usize {
        let entries = self.lock();
        entries.pages.len() + entries.values.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops what showed a tag `revalidation` covers.
    pub fn invalidate(&self, revalidation: &Revalidation) {
        if *revalidation == Revalidation::Nothing {
            return;
        }
        let mut entries = self.lock();
        entries.generation += 1;
        entries
            .pages
            .retain(|_, kept| !revalidation.covers(&kept.tags));
        entries
            .values
            .retain(|_, kept| !revalidation.covers(&kept.tags));
    }

    fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// A panic elsewhere while holding the lock leaves the maps consistent
    /// (every change is one call), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.0
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn value<T: Clone + 'static>(&self, key: &str) -> Option<T> {
        let entries = self.lock();
        let kept = entries.values.get(key)?;
        if !kept.live(Instant::now()) {
            return None;
        }
        kept.item.downcast_ref::<T>().cloned()
    }

    fn keep_value<T: Send + Sync + 'static>(&self, key: String, kept: Kept<T>, generation: u64) {
        let kept = Kept {
            expires: kept.expires,
            tags: kept.tags,
            item: Arc::new(kept.item) as Arc<dyn Any + Send + Sync>,
        };
        let capacity = self.0.capacity;
        let mut entries = self.lock();
        if entries.generation == generation {
            insert_within(&mut entries.values, capacity, key, kept);
        }
    }
}

/// Inserts unless the map is full of live entries (expired ones make room).
fn insert_within<T>(
    map: &mut HashMap<String, Kept<T>>,
    capacity: usize,
    key: String,
    kept: Kept<T>,
) {
    if map.len() >= capacity && !map.contains_key(&key) {
        let now = Instant::now();
        map.retain(|_, kept| kept.live(now));
        if map.len() >= capacity {
            return;
        }
    }
    map.insert(key, kept);
}

/// Runs `load` and keeps its `Ok` value under `key`, shared by every
/// visitor, until a server function revalidates one of `tags` or `max_age`
/// passes; meanwhile, calls with the same `key` get a copy without running
/// `load`. The key must name everything the value depends on (`"note:42"`),
/// and nothing visitor-specific belongs in a cached read. Errors are not
/// kept. Outside a request, or without the cache's layer, `load` just runs.
///
/// ```text
/// #[server(endpoint = "notes/list", client = ferry::ReadClient)]
/// pub async fn list_notes() -> Result<Vec<Note>, ferry::Error> {
///     ferry::cached("notes/list", ["note"], Duration::from_secs(300), || async {
///         Ok(notes::list(&pool()?).await?)
///     })
///     .await
/// }
/// ```
pub async fn cached<T, E, Fut>(
    key: impl Into<String>,
    tags: impl IntoIterator<Item = impl Into<String>>,
    max_age: Duration,
    load: impl FnOnce() -> Fut,
) -> Result<T, E>
where
    T: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>>,
{
    let Some(cache) = current() else {
        return load().await;
    };
    let key = key.into();
    if let Some(value) = cache.value::<T>(&key) {
        return Ok(value);
    }
    let generation = cache.generation();
    let value = load().await?;
    let kept = Kept {
        expires: Instant::now() + max_age,
        tags: tags.into_iter().map(Into::into).collect(),
        item: value.clone(),
    };
    cache.keep_value(key, kept, generation);
    Ok(value)
}

/// The cache the layer handed to this request, if it is on.
fn current() -> Option<Cache> {
    with_context(|parts: &axum::http::request::Parts| parts.extensions.get::<Cache>().cloned())
        .flatten()
        .filter(Cache::is_on)
}

#[cfg(test)]
mod tests;
