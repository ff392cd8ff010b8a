//! The store's rules: what a revalidation drops, what a revalidation during
//! a render or a read prevents, expiry and capacity, and typed values.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};

use super::pages::{Page, STATUS_HEADER};
use super::*;

const MINUTE: Duration = Duration::from_secs(60);

fn kept_page(tags: &[&str], ttl: Duration) -> Kept<Page> {
    Kept {
        expires: Instant::now() + ttl,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        item: Page::new(HeaderMap::new(), Bytes::from_static(b"<p>page</p>")),
    }
}

#[test]
fn a_revalidation_drops_only_the_pages_that_showed_its_tags() {
    let cache = Cache::new(10);
    cache.keep_page("/notes".into(), kept_page(&["note"], MINUTE), 0);
    cache.keep_page("/notes/7".into(), kept_page(&["note:7"], MINUTE), 0);
    cache.keep_page("/about".into(), kept_page(&[], MINUTE), 0);
    cache.invalidate(&Revalidation::Tags(vec!["note:3".into()]));
    assert!(cache.page("/notes").is_none(), "note:3 is one of the notes");
    assert!(cache.page("/notes/7").is_some() && cache.page("/about").is_some());
    cache.invalidate(&Revalidation::Nothing);
    assert_eq!(cache.len(), 2);
    cache.invalidate(&Revalidation::All);
    assert!(cache.is_empty());
}

#[test]
fn a_page_rendered_across_a_revalidation_is_not_kept() {
    let cache = Cache::new(10);
    let started = cache.generation();
    cache.invalidate(&Revalidation::Tags(vec!["inbox".into()]));
    cache.keep_page("/".into(), kept_page(&["tasks"], MINUTE), started);
    assert!(cache.page("/").is_none());
    cache.keep_page(
        "/".into(),
        kept_page(&["tasks"], MINUTE),
        cache.generation(),
    );
    assert!(cache.page("/").is_some());
}

#[test]
fn expired_pages_are_not_served_and_make_room() {
    let cache = Cache::new(2);
    cache.keep_page("/old".into(), kept_page(&[], Duration::ZERO), 0);
    cache.keep_page("/a".into(), kept_page(&[], MINUTE), 0);
    assert!(cache.page("/old").is_none(), "expired");
    cache.keep_page("/b".into(), kept_page(&[], MINUTE), 0);
    assert!(cache.page("/b").is_some(), "the expired page made room");
    cache.keep_page("/c".into(), kept_page(&[], MINUTE), 0);
    assert!(cache.page("/c").is_none(), "full of live pages: not kept");
    assert_eq!(cache.len(), 2);
}

#[test]
fn a_hit_carries_the_page_and_says_so() {
    let cache = Cache::new(1);
    cache.keep_page("/".into(), kept_page(&[], MINUTE), 0);
    let hit = cache.page("/").unwrap();
    assert_eq!(hit.status(), StatusCode::OK);
    assert_eq!(hit.headers()[STATUS_HEADER], "hit");
}

fn kept_value<T>(tags: &[&str], item: T) -> Kept<T> {
    Kept {
        expires: Instant::now() + MINUTE,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        item,
    }
}

#[test]
fn values_are_typed_and_dropped_by_their_tags() {
    let cache = Cache::new(10);
    cache.keep_value("notes".into(), kept_value(&["note"], vec![1, 2, 3]), 0);
    assert_eq!(cache.value::<Vec<i32>>("notes"), Some(vec![1, 2, 3]));
    assert_eq!(cache.value::<String>("notes"), None, "another type misses");
    cache.invalidate(&Revalidation::Tags(vec!["note:2".into()]));
    assert_eq!(cache.value::<Vec<i32>>("notes"), None);
}

#[test]
fn a_value_read_across_a_revalidation_is_not_kept() {
    let cache = Cache::new(10);
    let started = cache.generation();
    cache.invalidate(&Revalidation::All);
    cache.keep_value("n".into(), kept_value(&[], 7_u8), started);
    assert_eq!(cache.value::<u8>("n"), None);
}

#[tokio::test]
async fn outside_a_request_cached_reads_just_run() {
    let runs = AtomicUsize::new(0);
    for _ in 0..2 {
        let value: Result<u32, ()> = cached("k", ["t"], MINUTE, || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(5)
        })
        .await;
        assert_eq!(value, Ok(5));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}
