//! The live queries of this page, the reads each one makes, and the
//! answers a mutation brought for them. The browser runs one thread, so
//! thread-local state is the whole registry; on the server, pages render
//! once and nothing here does anything.

pub(crate) use imp::*;

#[cfg(feature = "hydrate")]
mod imp {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll};

    use leptos::server_fn::request::browser::BrowserRequest;

    use crate::client::wire::Local;
    use crate::inline::{Answer, Held, QUERIES_HEADER, ReadKey, encode_held};
    use crate::revalidate::Revalidation;
    use crate::revalidate::tag::Tag;

    struct Entry {
        id: u64,
        tags: Rc<dyn Fn() -> Vec<Tag>>,
        refetch: Rc<dyn Fn()>,
        /// The reads its latest fetch made (or would make).
        reads: Vec<ReadKey>,
        /// The query itself (a `Query<T>`), for a change shown on every
        /// query of one read.
        query: Option<Rc<dyn std::any::Any>>,
    }

    #[derive(Default)]
    struct Registry {
        next_id: u64,
        entries: Vec<Entry>,
        /// The query whose fetch is being polled right now.
        current: Option<u64>,
        /// Whether that poll only finds out which reads it makes.
        discovering: bool,
        /// Answers the last mutation brought, with their sequence numbers
        /// and when they arrived (ms since the epoch).
        answers: HashMap<ReadKey, (Local, u64, f64)>,
        /// The newest sequence number each read was answered with, so an
        /// older answer arriving late is never shown.
        seen: HashMap<ReadKey, u64>,
        /// The same for the page rendered again (islands).
        page_seen: u64,
    }

    /// How long an answer a mutation brought waits for its refetch.
    const ANSWER_LIFETIME_MS: f64 = 5_000.0;

    thread_local! {
        static REGISTRY: RefCell<Registry> = RefCell::default();
    }

    /// An id for a query about to be registered.
    pub fn new_id() -> u64 {
        REGISTRY.with_borrow_mut(|r| {
            r.next_id += 1;
            r.next_id
        })
    }

    /// Adds a live query; the returned closure removes it.
    pub fn register(
        id: u64,
        tags: impl Fn() -> Vec<Tag> + 'static,
        refetch: impl Fn() + 'static,
    ) -> impl FnOnce() + Send + Sync + 'static {
        #[cfg(all(debug_assertions, not(ferry_inspector_off)))]
        crate::client::inspect::query(id, &tags());
        REGISTRY.with_borrow_mut(|r| {
            r.entries.push(Entry {
                id,
                tags: Rc::new(tags),
                refetch: Rc::new(refetch),
                reads: Vec::new(),
                query: None,
            })
        });
        move || {
            #[cfg(all(debug_assertions, not(ferry_inspector_off)))]
            crate::client::inspect::query_gone(id);
            REGISTRY.with_borrow_mut(|r| r.entries.retain(|e| e.id != id))
        }
    }

    /// Keeps the query registered as `id`, for changes shown on every
    /// query of its read (see [`twins`], [`queries_reading`]).
    pub fn known_as(id: u64, query: Rc<dyn std::any::Any>) {
        REGISTRY.with_borrow_mut(|r| {
            if let Some(entry) = r.entries.iter_mut().find(|e| e.id == id) {
                entry.query = Some(query);
            }
        });
    }

    /// The other live queries that make the same reads as the query `id`:
    /// in an islands page, each island that shows the same data has a query
    /// of its own, and an expected change shows in all of them.
    #[cfg(feature = "islands")]
    pub fn twins(id: u64) -> Vec<Rc<dyn std::any::Any>> {
        REGISTRY.with_borrow(|r| {
            let Some(reads) = r.entries.iter().find(|e| e.id == id).map(|e| &e.reads) else {
                return Vec::new();
            };
            r.entries
                .iter()
                .filter(|e| e.id != id && !reads.is_empty() && e.reads == *reads)
                .filter_map(|e| e.query.clone())
                .collect()
        })
    }

    /// The reads `fetch` makes, found as [`discover`] finds a query's.
    pub fn reads_of<F: Future>(fetch: F) -> Vec<ReadKey> {
        let id = new_id();
        let unregister = register(id, Vec::new, || {});
        discover(id, fetch);
        let reads = REGISTRY.with_borrow(|r| {
            r.entries
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.reads.clone())
                .unwrap_or_default()
        });
        unregister();
        reads
    }

    /// The live queries that make exactly these reads.
    pub fn queries_reading(reads: &[ReadKey]) -> Vec<Rc<dyn std::any::Any>> {
        REGISTRY.with_borrow(|r| {
            r.entries
                .iter()
                .filter(|e| !reads.is_empty() && e.reads == reads)
                .filter_map(|e| e.query.clone())
                .collect()
        })
    }

    /// The query whose fetch is being polled, if any.
    #[cfg(all(debug_assertions, not(ferry_inspector_off)))]
    pub fn current() -> Option<u64> {
        REGISTRY.with_borrow(|r| r.current)
    }

    /// A query's fetch, recording the reads it sends.
    pub fn track<F: Future>(id: u64, fetch: F) -> Tracked<F> {
        Tracked {
            id,
            fetch: Box::pin(fetch),
            started: false,
        }
    }

    /// Finds out which reads a query makes without sending them: its fetch
    /// is polled once, the reads it starts are recorded, and it is dropped.
    /// A page hydrated from the server's render has fetched nothing yet,
    /// and the first mutation must already know.
    pub fn discover<F: Future>(id: u64, fetch: F) {
        let mut fetch = std::pin::pin!(track(id, fetch));
        let waker = futures::task::noop_waker();
        REGISTRY.with_borrow_mut(|r| r.discovering = true);
        let _ = fetch.as_mut().poll(&mut Context::from_waker(&waker));
        REGISTRY.with_borrow_mut(|r| r.discovering = false);
    }

    /// A query's fetch: while it is polled, the reads it sends belong to it.
    pub struct Tracked<F> {
        id: u64,
        fetch: Pin<Box<F>>,
        started: bool,
    }

    impl<F: Future> Future for Tracked<F> {
        type Output = F::Output;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let id = self.id;
            let first = !std::mem::replace(&mut self.started, true);
            let outer = REGISTRY.with_borrow_mut(|r| {
                if first && let Some(entry) = r.entries.iter_mut().find(|e| e.id == id) {
                    entry.reads.clear();
                }
                r.current.replace(id)
            });
            let polled = self.fetch.as_mut().poll(cx);
            REGISTRY.with_borrow_mut(|r| r.current = outer);
            polled
        }
    }

    /// Records a read for the query being polled; whether it is only being
    /// discovered (and must not be sent).
    pub fn note_read(key: Option<&ReadKey>) -> bool {
        REGISTRY.with_borrow_mut(|r| {
            let current = r.current;
            let entry = current.and_then(|id| r.entries.iter_mut().find(|e| e.id == id));
            if let (Some(entry), Some(key)) = (entry, key)
                && !entry.reads.contains(key)
            {
                entry.reads.push(key.clone());
            }
            r.discovering
        })
    }

    /// Lists the reads of the live queries on a mutation's request, and
    /// forgets answers an earlier mutation brought that nobody took.
    pub fn attach_held(request: &mut BrowserRequest) {
        let held = REGISTRY.with_borrow_mut(|r| {
            r.answers.clear();
            held(&r.entries)
        });
        request.headers().set(QUERIES_HEADER, &encode_held(&held));
        // An islands page is rendered again by the server when it shows
        // what the call changed.
        #[cfg(feature = "islands")]
        if let Some(page) = crate::islands::page() {
            request.headers().set(crate::inline::PAGE_HEADER, &page);
        }
    }

    /// Each read once, with the tags of every query that makes it.
    fn held(entries: &[Entry]) -> Vec<Held> {
        let mut held: Vec<Held> = Vec::new();
        for entry in entries {
            let tags = (entry.tags)();
            for key in &entry.reads {
                let index = match held.iter().position(|h| h.key == *key) {
                    Some(index) => index,
                    None => {
                        held.push(Held {
                            tags: String::new(),
                            key: key.clone(),
                        });
                        held.len() - 1
                    }
                };
                for tag in &tags {
                    let joined = &mut held[index].tags;
                    if !joined.split(',').any(|t| t == tag.as_str()) {
                        if !joined.is_empty() {
                            joined.push(',');
                        }
                        joined.push_str(tag.as_str());
                    }
                }
            }
        }
        held
    }

    /// Keeps the answers a mutation brought, for the refetches it causes,
    /// in place of those an earlier response left: two calls can be in
    /// flight at once, and the other call's answers, still waiting, may
    /// predate this call's change. An answer older than one shown or
    /// waiting is dropped, and its query refetches from the network.
    pub fn keep_answers(mut answers: Vec<Answer>) {
        // The page rendered again, in an islands build (see `crate::islands`).
        let page = answers
            .iter()
            .position(|answer| answer.key.content_type == "text/html")
            .map(|at| answers.remove(at));
        let page = REGISTRY.with_borrow_mut(|r| {
            // A page rendered before the one shown, arriving late, is not.
            let page = page.filter(|page| page.sequence > r.page_seen);
            if let Some(page) = &page {
                r.page_seen = page.sequence;
            }
            let now = js_sys::Date::now();
            let earlier = std::mem::take(&mut r.answers);
            for answer in answers {
                let shown = r.seen.get(&answer.key).copied().unwrap_or_default();
                let waiting = earlier.get(&answer.key).map_or(0, |(_, v, _)| *v);
                if shown.max(waiting) >= answer.sequence {
                    continue; // a newer answer is shown, or waiting to be
                }
                let local = Local {
                    status: answer.status,
                    headers: http::HeaderMap::new(),
                    body: answer.data.into(),
                };
                r.answers.insert(answer.key, (local, answer.sequence, now));
            }
            page
        });
        // Once the registry is free: hydrating an island registers its queries.
        #[cfg(feature = "islands")]
        if let Some(page) = page {
            crate::islands::patch(&page.data);
        }
        #[cfg(not(feature = "islands"))]
        let _ = page;
    }

    /// The answer a mutation brought for this read, for each query that
    /// makes it (an islands page has one query per island), until the next
    /// mutation starts or answers.
    pub fn take_answer(key: &ReadKey) -> Option<Local> {
        REGISTRY.with_borrow_mut(|r| {
            let (local, sequence, arrived) = r.answers.get(key)?;
            // Only the refetches a mutation causes take its answers, at once;
            // one left waiting (its query went away) is not served later.
            if js_sys::Date::now() - arrived > ANSWER_LIFETIME_MS {
                r.answers.remove(key);
                return None;
            }
            let (local, sequence) = (local.clone(), *sequence);
            r.seen.insert(key.clone(), sequence);
            Some(local)
        })
    }

    /// Notes the sequence number a read came back with from the network.
    pub fn saw(key: &ReadKey, sequence: u64) {
        REGISTRY.with_borrow_mut(|r| {
            let seen = r.seen.entry(key.clone()).or_default();
            *seen = (*seen).max(sequence);
        });
    }

    /// Refetches every live query the revalidation covers.
    pub fn apply(revalidation: Revalidation) {
        #[cfg(all(debug_assertions, not(ferry_inspector_off)))]
        crate::client::inspect::refetched(&REGISTRY.with_borrow(|r| {
            r.entries
                .iter()
                .filter(|e| revalidation.covers(&(e.tags)()))
                .map(|e| e.id)
                .collect::<Vec<_>>()
        }));
        // Collected first: a refetch may create or drop queries, which
        // touches the registry again.
        let matching: Vec<Rc<dyn Fn()>> = REGISTRY.with_borrow(|r| {
            r.entries
                .iter()
                .filter(|e| revalidation.covers(&(e.tags)()))
                .map(|e| e.refetch.clone())
                .collect()
        });
        for refetch in matching {
            refetch();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use std::future::Future;

    use leptos::server_fn::request::browser::BrowserRequest;

    use crate::client::wire::Local;
    use crate::inline::{Answer, ReadKey};
    use crate::revalidate::Revalidation;
    use crate::revalidate::tag::Tag;

    pub fn new_id() -> u64 {
        0
    }

    pub fn register(
        _id: u64,
        _tags: impl Fn() -> Vec<Tag> + 'static,
        _refetch: impl Fn() + 'static,
    ) -> impl FnOnce() + Send + Sync + 'static {
        || ()
    }

    pub fn track<F: Future>(_id: u64, fetch: F) -> F {
        fetch
    }

    pub fn note_read(_key: Option<&ReadKey>) -> bool {
        false
    }

    pub fn attach_held(_request: &mut BrowserRequest) {}

    pub fn keep_answers(_answers: Vec<Answer>) {}

    pub fn take_answer(_key: &ReadKey) -> Option<Local> {
        None
    }

    pub fn saw(_key: &ReadKey, _sequence: u64) {}

    pub fn apply(_revalidation: Revalidation) {}
}
