//! Two caches, as two processes would hold them, sharing revalidations over
//! a real PostgreSQL: `TEST_POSTGRES_URL` names a server where the
//! tests may create databases (`scripts/postgres.sh start` prints one).
//! Each test gets a database of its own, since notifications stay within one.
//! Ignored without a server: `scripts/test.sh` runs them with `--ignored`.

use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::*;
use crate::cache::CacheSettings;
use crate::revalidate::tag::Tag;

/// A fresh database on the test server, as a URL with `application_name`
/// left for the caller to add.
async fn fresh_database() -> String {
    let server = std::env::var("TEST_POSTGRES_URL").expect(
        "TEST_POSTGRES_URL: the postgres feature's tests need a PostgreSQL server \
         (scripts/postgres.sh start prints one; scripts/test.sh runs them)",
    );
    let name = format!("ferry_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&server)
        .await
        .expect("the test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a database for the test");
    let (base, _) = server.rsplit_once('/').expect("a URL ending in /database");
    format!("{base}/{name}")
}

fn tags(names: &[&str]) -> Vec<Tag> {
    names.iter().map(|n| Tag::parse(n).unwrap()).collect()
}

/// Whether something `cache` computed at `since`, showing `shown`, is stale.
fn stale(cache: &Cache, shown: &[&str], since: u64) -> bool {
    cache.is_stale(&tags(shown), since)
}

/// Waits up to five seconds for `done`; how long it took.
async fn within_five_seconds(done: impl Fn() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(5), "not within 5 s");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    start.elapsed()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_POSTGRES_URL (scripts/test.sh runs it)"]
async fn a_revalidation_on_one_process_drops_what_the_other_kept() {
    let url = fresh_database().await;
    let (a, b) = (
        Cache::new(&CacheSettings::default()),
        Cache::new(&CacheSettings::default()),
    );
    let _a = share_revalidations(&a, &url).await.unwrap();
    let _b = share_revalidations(&b, &url).await.unwrap();
    let since = b.clock();
    a.invalidate(&Revalidation::Tags(tags(&["note:3"])));
    let took = within_five_seconds(|| stale(&b, &["note"], since)).await;
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(!stale(&b, &["about"], since), "only the tags sent");
    // The sender skips its own notification: its clock moved once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(a.clock(), 1);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_POSTGRES_URL (scripts/test.sh runs it)"]
async fn revalidations_made_while_one_is_sent_all_arrive() {
    let url = fresh_database().await;
    let (a, b) = (
        Cache::new(&CacheSettings::default()),
        Cache::new(&CacheSettings::default()),
    );
    let _a = share_revalidations(&a, &url).await.unwrap();
    let _b = share_revalidations(&b, &url).await.unwrap();
    let since = b.clock();
    let names: Vec<String> = (0..300).map(|i| format!("note:{i}")).collect();
    for name in &names {
        a.invalidate(&Revalidation::Tags(tags(&[name])));
    }
    within_five_seconds(|| names.iter().all(|n| stale(&b, &[n], since))).await;
    assert!(
        !stale(&b, &["about"], since),
        "merged, not widened to everything"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_POSTGRES_URL (scripts/test.sh runs it)"]
async fn a_process_that_lost_its_listening_connection_drops_everything_once_back() {
    let url = fresh_database().await;
    let cache = Cache::new(&CacheSettings::default());
    let _sharing = share_revalidations(&cache, &format!("{url}?application_name=ferry_b"))
        .await
        .unwrap();
    let since = cache.clock();
    let mut admin = PgConnection::connect(&url).await.unwrap();
    let cut: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = 'ferry_b' AND query ILIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(cut, [(true,)], "the listening connection, and only it");
    within_five_seconds(|| stale(&cache, &["about"], since)).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_POSTGRES_URL (scripts/test.sh runs it)"]
async fn a_revalidation_is_reported_carried_once_sent() {
    let url = fresh_database().await;
    let cache = Cache::new(&CacheSettings::default());
    let _sharing = share_revalidations(&cache, &url).await.unwrap();
    let number = cache.publish_for_tests(&Revalidation::Tags(tags(&["note:3"])));
    let start = Instant::now();
    cache.carried(number).await;
    // Unreported, the wait would end only at its one-second limit.
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "took {:?}",
        start.elapsed()
    );
}
