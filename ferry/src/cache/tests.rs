//! The store's rules: what a revalidation drops, what a revalidation during
//! a render or a read prevents, expiry, floods of new keys, typed values,
//! and one load for concurrent misses.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};

use super::pages::{Page, STATUS_HEADER};
use super::*;

const MINUTE: Duration = Duration::from_secs(60);

fn tags(list: &[&str]) -> Vec<Tag> {
    list.iter().map(|t| Tag::parse(t).unwrap()).collect()
}

fn kept_page(cache: &Cache, shown: &[&str], max_age: Duration) -> Kept<Page> {
    Kept {
        since: cache.0.versions.now(),
        tags: tags(shown),
        max_age,
        item: Page::new(HeaderMap::new(), Bytes::from_static(b"<p>page</p>")),
    }
}

#[tokio::test]
async fn a_revalidation_drops_only_the_pages_that_showed_its_tags() {
    let cache = Cache::new(&CacheSettings::default());
    for (key, shown) in [
        ("/notes", "note"),
        ("/notes/7", "note:7"),
        ("/about", "about"),
    ] {
        cache
            .keep_page(key.into(), kept_page(&cache, &[shown], MINUTE))
            .await;
    }
    cache.invalidate(&Revalidation::Tags(tags(&["note:3"])));
    assert!(
        cache.page("/notes").await.is_none(),
        "note:3 is one of the notes"
    );
    assert!(cache.page("/notes/7").await.is_some() && cache.page("/about").await.is_some());
    cache.invalidate(&Revalidation::Nothing);
    assert!(cache.page("/about").await.is_some());
    cache.invalidate(&Revalidation::All);
    assert!(cache.page("/about").await.is_none() && cache.page("/notes/7").await.is_none());
}

#[tokio::test]
async fn a_page_rendered_across_a_revalidation_is_not_kept() {
    let cache = Cache::new(&CacheSettings::default());
    let started = kept_page(&cache, &["tasks"], MINUTE);
    cache.invalidate(&Revalidation::Tags(tags(&["tasks"])));
    cache.keep_page("/".into(), started).await;
    assert!(cache.page("/").await.is_none());
    // An unrelated revalidation does not stop a page from being kept.
    let started = kept_page(&cache, &["tasks"], MINUTE);
    cache.invalidate(&Revalidation::Tags(tags(&["inbox"])));
    cache.keep_page("/".into(), started).await;
    assert!(cache.page("/").await.is_some());
}

#[tokio::test]
async fn expired_pages_are_not_served() {
    let cache = Cache::new(&CacheSettings::default());
    cache
        .keep_page(
            "/old".into(),
            kept_page(&cache, &[], Duration::from_millis(20)),
        )
        .await;
    assert!(cache.page("/old").await.is_some());
    tokio::time::sleep(Duration::from_millis(40)).await;
    assert!(cache.page("/old").await.is_none(), "expired");
}

#[tokio::test]
async fn a_flood_of_new_urls_does_not_push_out_the_pages_visitors_ask_for() {
    // Room for about 100 of these pages.
    let settings = CacheSettings {
        page_bytes: 100 * 200,
        ..CacheSettings::default()
    };
    let cache = Cache::new(&settings);
    cache
        .keep_page("/".into(), kept_page(&cache, &[], MINUTE))
        .await;
    let mut served = 0;
    for i in 0..10_000 {
        let key = format!("/?flood={i}");
        assert!(cache.page(&key).await.is_none());
        cache.keep_page(key, kept_page(&cache, &[], MINUTE)).await;
        // Meanwhile, real visitors keep asking for the home page, though
        // more new URLs than fit pass between two of them: plain LRU would
        // have dropped it every time. A miss renders and keeps it again.
        if i % 200 == 0 {
            match cache.page("/").await {
                Some(_) => served += 1,
                None => {
                    cache
                        .keep_page("/".into(), kept_page(&cache, &[], MINUTE))
                        .await
                }
            }
        }
    }
    cache.run_pending_tasks().await;
    assert!(
        cache.page("/").await.is_some(),
        "the popular page was evicted"
    );
    assert!(
        served >= 45,
        "/ was served from the cache {served} times of 50"
    );
    // Nor is a page visitors start asking for now locked out.
    let mut tries = 0;
    while cache.page("/new").await.is_none() {
        tries += 1;
        assert!(tries <= 10, "/new never got in");
        cache
            .keep_page("/new".into(), kept_page(&cache, &[], MINUTE))
            .await;
        cache.run_pending_tasks().await;
    }
    let bytes = cache.0.pages.weighted_size();
    assert!(bytes <= settings.page_bytes, "{bytes} bytes kept");
}

#[tokio::test]
async fn a_hit_carries_the_page_and_says_so() {
    let cache = Cache::new(&CacheSettings::default());
    cache
        .keep_page("/".into(), kept_page(&cache, &[], MINUTE))
        .await;
    let hit = cache.page("/").await.unwrap();
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(hit.headers()[STATUS_HEADER], "hit");
}

/// Runs a cached read as a request would: with the cache in the context.
async fn read<T: Clone + Send + Sync + 'static>(
    cache: &Cache,
    key: &str,
    shown: &[&str],
    runs: &AtomicUsize,
    value: T,
) -> Result<T, String> {
    let (mut parts, ()) = axum::http::Request::new(()).into_parts();
    parts.extensions.insert(cache.clone());
    let owner = leptos::prelude::Owner::new();
    owner.with(|| leptos::prelude::provide_context(parts));
    let tags = tags(shown);
    let load = || async {
        runs.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(10)).await;
        Ok(value)
    };
    let read = cached(key.to_owned(), tags, MINUTE, load);
    owner
        .with(|| leptos::prelude::ScopedFuture::new(read))
        .await
}

#[tokio::test]
async fn values_are_kept_typed_and_dropped_by_their_tags() {
    let cache = Cache::new(&CacheSettings::default());
    let runs = AtomicUsize::new(0);
    assert_eq!(
        read(&cache, "notes", &["note"], &runs, vec![1, 2]).await,
        Ok(vec![1, 2])
    );
    assert_eq!(
        read(&cache, "notes", &["note"], &runs, vec![9]).await,
        Ok(vec![1, 2])
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the second read was served");
    let other_type = read(&cache, "notes", &["note"], &runs, "text".to_owned()).await;
    assert_eq!(
        other_type.as_deref(),
        Ok("text"),
        "another type is another value"
    );
    cache.invalidate(&Revalidation::Tags(tags(&["note:2"])));
    assert_eq!(
        read(&cache, "notes", &["note"], &runs, vec![3]).await,
        Ok(vec![3])
    );
}

#[tokio::test]
async fn concurrent_misses_of_one_read_run_one_load() {
    let cache = Cache::new(&CacheSettings::default());
    let runs = AtomicUsize::new(0);
    let reads = (0..8).map(|_| read(&cache, "list", &["note"], &runs, 5_u32));
    let results = futures::future::join_all(reads).await;
    assert!(results.iter().all(|r| *r == Ok(5)), "{results:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn outside_a_request_cached_reads_just_run() {
    let runs = AtomicUsize::new(0);
    for _ in 0..2 {
        let value: Result<u32, ()> = cached("k", tags(&["t"]), MINUTE, || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(5)
        })
        .await;
        assert_eq!(value, Ok(5));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn without_a_carrier_a_revalidation_waits_for_nobody() {
    let cache = Cache::new(&CacheSettings::default());
    assert_eq!(cache.publish(&Revalidation::Tags(tags(&["note"]))), None);
}

// Real time, not tokio's paused clock: its `test-util` feature would give
// the test build a tokio (and so a dependency tree) of its own, which
// `cargo leptos watch` could not reuse. The margins are wide: an answer
// held back waits a whole second (`CARRY_WAIT`).

/// How long an answer that is not held back may take on a busy machine.
const PROMPT: Duration = Duration::from_millis(500);

#[tokio::test]
async fn a_revalidation_is_answered_once_its_carrier_reports_it_carried() {
    let cache = Cache::new(&CacheSettings::default());
    let mut carrier = cache.revalidations();
    let number = cache.publish(&Revalidation::Tags(tags(&["note"]))).unwrap();
    let answer = tokio::spawn({
        let cache = cache.clone();
        async move { cache.carried(number).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!answer.is_finished(), "answered before it was carried");
    assert_eq!(
        carrier.recv().await.unwrap(),
        Revalidation::Tags(tags(&["note"]))
    );
    carrier.carried();
    tokio::time::timeout(PROMPT, answer)
        .await
        .expect("waited for the timeout instead")
        .unwrap();
}

#[tokio::test]
async fn a_carrier_that_never_reports_holds_the_answer_one_second() {
    let cache = Cache::new(&CacheSettings::default());
    let _carrier = cache.revalidations();
    let number = cache.publish(&Revalidation::All).unwrap();
    let started = std::time::Instant::now();
    cache.carried(number).await;
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(1)..Duration::from_secs(1) + PROMPT * 4).contains(&waited),
        "held {waited:?}"
    );
}

#[tokio::test]
async fn a_carrier_that_lagged_reports_everything_issued_before_carried() {
    let cache = Cache::new(&CacheSettings::default());
    let mut carrier = cache.revalidations();
    let mut last = 0;
    for _ in 0..1100 {
        last = cache.publish(&Revalidation::All).unwrap();
    }
    assert!(matches!(
        carrier.recv().await,
        Err(tokio::sync::broadcast::error::RecvError::Lagged(_))
    ));
    carrier.carried();
    tokio::time::timeout(PROMPT, cache.carried(last))
        .await
        .expect("waited for the timeout instead");
}
