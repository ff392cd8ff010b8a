//! The writer against real SQLite files: batches, savepoints, panics and
//! failed commits.

use super::*;

fn open() -> (Writer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::open(dir.path().join("test.db")).unwrap();
    (writer, dir)
}

async fn table(writer: &Writer) {
    writer
        .write(|db| db.execute_batch("CREATE TABLE items (n INTEGER NOT NULL UNIQUE)"))
        .await
        .unwrap();
}

/// Inserts `0..n`, each row from a task of its own, all at once; the writes
/// for which `refuse` holds insert their row, then fail.
fn insert_all(
    writer: &Writer,
    n: i64,
    refuse: fn(i64) -> bool,
) -> Vec<tokio::task::JoinHandle<Result<usize, Error>>> {
    (0..n)
        .map(|n| {
            let writer = writer.clone();
            tokio::spawn(async move {
                writer
                    .write(move |db| {
                        let inserted = db.execute("INSERT INTO items (n) VALUES (?1)", [n])?;
                        if refuse(n) {
                            return Err(Error::invalid("n", "a multiple of ten"));
                        }
                        Ok(inserted)
                    })
                    .await
            })
        })
        .collect()
}

async fn count(writer: &Writer, sql: &'static str) -> i64 {
    writer
        .write(move |db| db.query_row(sql, [], |row| row.get::<_, i64>(0)))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_all_land() {
    let (writer, _dir) = open();
    table(&writer).await;
    for write in insert_all(&writer, 500, |_| false) {
        assert_eq!(write.await.unwrap().unwrap(), 1);
    }
    assert_eq!(count(&writer, "SELECT COUNT(*) FROM items").await, 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_that_wait_together_share_one_commit() {
    let (writer, dir) = open();
    table(&writer).await;
    // Another connection sees `data_version` move once per commit made by
    // someone else: here, the writer's commits.
    let watcher = Connection::open(dir.path().join("test.db")).unwrap();
    let commits = || -> i64 {
        watcher
            .query_row("PRAGMA data_version", [], |row| row.get(0))
            .unwrap()
    };
    let before = commits();
    // Hold the writer's thread while 50 writes queue behind it.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let blocker = tokio::spawn({
        let writer = writer.clone();
        async move {
            writer
                .write(move |_| {
                    held.recv().unwrap();
                    Ok::<_, Error>(())
                })
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let writes = insert_all(&writer, 50, |_| false);
    tokio::time::sleep(Duration::from_millis(50)).await;
    release.send(()).unwrap();
    blocker.await.unwrap().unwrap();
    for write in writes {
        write.await.unwrap().unwrap();
    }
    assert_eq!(count(&writer, "SELECT COUNT(*) FROM items").await, 50);
    let made = commits() - before;
    assert!(made <= 3, "50 queued writes took {made} commits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_is_rolled_back_alone() {
    let (writer, _dir) = open();
    table(&writer).await;
    let mut refused = 0;
    for write in insert_all(&writer, 200, |n| n % 10 == 0) {
        if let Err(err) = write.await.unwrap() {
            assert_eq!(err.field("n"), Some("a multiple of ten"));
            refused += 1;
        }
    }
    assert_eq!(refused, 20);
    assert_eq!(count(&writer, "SELECT COUNT(*) FROM items").await, 180);
    assert_eq!(
        count(&writer, "SELECT COUNT(*) FROM items WHERE n % 10 = 0").await,
        0,
        "the refused writes' rows were rolled back"
    );
}

#[tokio::test]
async fn a_panicking_write_is_an_error_and_the_writer_goes_on() {
    let (writer, _dir) = open();
    table(&writer).await;
    let panicked = writer
        .write(|db| -> Result<(), Error> {
            db.execute("INSERT INTO items (n) VALUES (1)", [])?;
            panic!("a bug in a write");
        })
        .await;
    assert_eq!(panicked.unwrap_err().status(), 500);
    writer
        .write(|db| db.execute("INSERT INTO items (n) VALUES (2)", []))
        .await
        .unwrap();
    assert_eq!(count(&writer, "SELECT COUNT(*) FROM items").await, 1);
    assert_eq!(count(&writer, "SELECT MIN(n) FROM items").await, 2);
}

#[tokio::test]
async fn a_failed_commit_answers_every_write_with_an_error() {
    let (writer, _dir) = open();
    // A deferred foreign key is checked at COMMIT: the write succeeds, the
    // commit does not, and the write must not be reported as done.
    writer
        .write(|db| {
            db.execute_batch(
                "CREATE TABLE parents (id INTEGER PRIMARY KEY);
                 CREATE TABLE children (parent INTEGER REFERENCES parents (id)
                   DEFERRABLE INITIALLY DEFERRED);",
            )
        })
        .await
        .unwrap();
    let orphan = writer
        .write(|db| db.execute("INSERT INTO children (parent) VALUES (7)", []))
        .await;
    assert!(orphan.is_err(), "{orphan:?}");
    assert_eq!(count(&writer, "SELECT COUNT(*) FROM children").await, 0);
}

#[tokio::test]
async fn errors_of_sqlite_are_internal_without_their_text() {
    let (writer, _dir) = open();
    let err = writer
        .write(|db| -> Result<(), Error> {
            db.execute("INSERT INTO secret_table_layout VALUES (1)", [])?;
            Ok(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), 500);
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let err = Writer::open(dir.path().join("no/such/dir/test.db"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("unable to open"), "{err}");
}

#[tokio::test]
async fn the_log_is_copied_back_by_the_checkpoint_thread_not_by_commits() {
    let (writer, dir) = open();
    let file = dir.path().join("test.db");
    writer
        .write(|db| db.execute_batch("CREATE TABLE blobs (b BLOB NOT NULL)"))
        .await
        .unwrap();
    // About 2 MB in 50 commits: past SQLite's 1,000-page mark.
    for _ in 0..50 {
        writer
            .write(|db| {
                for _ in 0..10 {
                    db.execute("INSERT INTO blobs (b) VALUES (zeroblob(4096))", [])?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .await
            .unwrap();
    }
    // The writer's own checkpoints are off: only the thread moves pages
    // into the database file.
    let off: i64 = writer
        .write(|db| db.query_row("PRAGMA wal_autocheckpoint", [], |row| row.get(0)))
        .await
        .unwrap();
    assert_eq!(off, 0);
    let start = std::time::Instant::now();
    while std::fs::metadata(&file).unwrap().len() < 2_000_000 {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "never checkpointed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
