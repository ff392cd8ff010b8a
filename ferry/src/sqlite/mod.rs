//! SQLite writes from many requests, group-committed: one thread owns the
//! write connection, runs every write waiting for it in one transaction,
//! and answers none before that transaction is on disk.
//!
//! Why not sqlx for writes: its SQLite driver runs each statement on the
//! connection's own thread, so a write of four statements (begin, read,
//! write, commit) is four hand-offs between threads, and each commit is an
//! `fsync` of its own. Here a write is one hand-off, and the concurrent
//! writes of a busy moment share one `BEGIN`, one `COMMIT` and one `fsync`.
//! Reads stay wherever the app makes them (a sqlx pool, say): WAL lets
//! them run beside the writer.

mod batch;
mod checkpoint;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use futures::channel::oneshot;

use rusqlite::Connection;

use crate::Error;
use crate::error::chain;
use batch::{Job, Outcome};

/// The most writes one transaction takes; more wait for the next one.
const MAX_BATCH: usize = 256;

/// Statements the connection keeps prepared (rusqlite's default is 16): a
/// write that prepares with `prepare_cached` then parses its SQL once.
const PREPARED_STATEMENTS: usize = 128;

/// A handle to the write connection's thread. Cheap to clone; the thread
/// and its connection close when the last handle is dropped.
///
/// Each [`write`](Writer::write) runs in a savepoint of the batch's
/// transaction: one that returns an error, or panics, is rolled back alone
/// and the others still commit. A write's answer comes only after the
/// commit, so a success reported to a user is on disk (with
/// `synchronous = FULL`, which [`Writer::open`] sets). If the commit itself
/// fails, every write of the batch gets that error and none of them is kept.
///
/// The queue has no bound of its own: the server's bound on requests in
/// flight (`Settings::max_in_flight`) bounds it. A write whose caller went
/// away (a closed connection) still runs and commits, as a statement sent
/// to a database server would.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), ferry::Error> {
/// let dir = tempfile::tempdir().unwrap();
/// let writer = ferry::sqlite::Writer::open(dir.path().join("notes.db"))?;
/// writer
///     .write(|db| db.execute_batch("CREATE TABLE hits (n INTEGER NOT NULL)"))
///     .await?;
/// let total: i64 = writer
///     .write(|db| {
///         db.execute("INSERT INTO hits (n) VALUES (?1)", [3])?;
///         db.query_row("SELECT SUM(n) FROM hits", [], |row| row.get(0))
///     })
///     .await?;
/// assert_eq!(total, 3);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Opens (creating if missing) the database at `path` for writing, with
    /// the settings durable writes need: WAL, `synchronous = FULL`, foreign
    /// keys on, and a 10 s busy timeout for other processes' writers. The
    /// WAL is checkpointed by a thread of its own every 250 ms rather than
    /// by whichever commit crosses SQLite's 1,000 pages, so no batch waits
    /// for one.
    pub fn open(path: impl AsRef<Path>) -> rusqlite::Result<Self> {
        let path = path.as_ref();
        let db = Connection::open(path)?;
        db.busy_timeout(Duration::from_secs(10))?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
             PRAGMA wal_autocheckpoint = 0;",
        )?;
        let (stop, stopped) = mpsc::channel();
        checkpoint::spawn(path, stopped)?;
        Self::start(db, Some(stop))
    }

    /// Writes through `db`, opened and configured by the caller (its
    /// checkpoints included). Nothing else may write through this
    /// connection.
    pub fn from_connection(db: Connection) -> rusqlite::Result<Self> {
        Self::start(db, None)
    }

    /// Starts the writer's thread; `checkpoints` is dropped when it ends,
    /// which tells the checkpoint thread to finish.
    fn start(db: Connection, checkpoints: Option<mpsc::Sender<()>>) -> rusqlite::Result<Self> {
        db.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("ferry-sqlite-writer".into())
            .spawn(move || {
                batch::run(db, &queue, MAX_BATCH);
                drop(checkpoints);
            })
            .map_err(|err| {
                failure(
                    rusqlite::ffi::SQLITE_ERROR,
                    format!("starting the writer's thread: {err}"),
                )
            })?;
        Ok(Self { jobs })
    }

    /// Runs `work` on the write connection, inside the transaction of the
    /// next batch, and answers once that transaction is committed. `work`
    /// runs on the writer's thread and should only touch the database:
    /// while it runs, every other write waits. It must not commit or roll
    /// back itself.
    ///
    /// Errors from `work` are its own (SQLite's convert with `?`); an error
    /// of the commit, or a panic in `work`, comes back as `E` from
    /// [`rusqlite::Error`].
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        // Errors made inside `work` belong to this request (its id, its
        // log line): run it under the request's reactive owner and span.
        let owner = leptos::prelude::Owner::current();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |db: &Connection| {
            let _in_request = span.enter();
            let result = match &owner {
                Some(owner) => owner.with(|| work(db)),
                None => work(db),
            };
            let kept = result.is_ok();
            let deliver = Box::new(move |commit: Result<(), &rusqlite::Error>| {
                let result = match (result, commit) {
                    (Ok(_), Err(err)) => Err(E::from(copy(err))),
                    (result, _) => result,
                };
                let _ = answer.send(result);
            });
            Outcome { kept, deliver }
        });
        self.jobs.send(job).map_err(|_| E::from(stopped()))?;
        answered.await.unwrap_or_else(|_| Err(E::from(stopped())))
    }
}

/// The same error again, for each write of a batch whose commit failed.
fn copy(err: &rusqlite::Error) -> rusqlite::Error {
    match err {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => failure(rusqlite::ffi::SQLITE_ERROR, other.to_string()),
    }
}

/// What a write gets when the writer's thread is gone, or its work panicked.
fn stopped() -> rusqlite::Error {
    failure(
        rusqlite::ffi::SQLITE_ABORT,
        "the write did not finish (the SQLite writer stopped)".into(),
    )
}

fn failure(code: std::ffi::c_int, message: String) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(message))
}

/// `?` on SQLite errors in server functions: logged, answered as Internal
/// with the request's id, never with the database's text.
impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::internal(format_args!("database: {}", chain(&err)))
    }
}

#[cfg(test)]
mod tests;
