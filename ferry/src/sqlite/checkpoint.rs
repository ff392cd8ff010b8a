//! WAL checkpoints on a thread of their own, so that no commit pays for
//! one: with SQLite's default, the commit that takes the log past 1,000
//! pages copies it back into the database and syncs it before its batch
//! is answered, a pause of milliseconds in the writes' slowest percentile.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back into the database. Between two
/// checkpoints the log grows by what a busy writer commits in this time.
pub(super) const EVERY: Duration = Duration::from_millis(250);

/// Starts checkpointing the database at `path` every [`EVERY`] until
/// `stop` is closed, then runs one last checkpoint. The caller turns off
/// the writer's own (`PRAGMA wal_autocheckpoint = 0`).
pub(super) fn spawn(path: &Path, stop: Receiver<()>) -> rusqlite::Result<()> {
    let db = Connection::open(path)?;
    db.busy_timeout(Duration::from_secs(10))?;
    std::thread::Builder::new()
        .name("ferry-sqlite-checkpoint".into())
        .spawn(move || run(&db, &stop))
        .map(drop)
        .map_err(|err| {
            super::failure(
                rusqlite::ffi::SQLITE_ERROR,
                format!("starting the checkpoint thread: {err}"),
            )
        })
}

fn run(db: &Connection, stop: &Receiver<()>) {
    loop {
        let last = matches!(
            stop.recv_timeout(EVERY),
            Err(RecvTimeoutError::Disconnected)
        );
        // PASSIVE: copies what no reader still needs, and never waits for
        // the writer or blocks it.
        if let Err(err) = db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %err, "SQLite checkpoint failed; the next one will try again");
        }
        if last {
            return;
        }
    }
}
