//! The writer's thread: takes every write waiting, runs them in one
//! transaction, a savepoint each, commits once, then answers them all.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::Receiver;

use rusqlite::Connection;

/// One write: runs on the connection, says whether its changes stay, and
/// hands back how to answer once the commit is known.
pub(super) type Job = Box<dyn FnOnce(&Connection) -> Outcome + Send>;

/// Answers a write with the commit's result.
type Deliver = Box<dyn FnOnce(Result<(), &rusqlite::Error>) + Send>;

pub(super) struct Outcome {
    pub(super) kept: bool,
    pub(super) deliver: Deliver,
}

/// Runs until every [`super::Writer`] is dropped.
pub(super) fn run(db: Connection, queue: &Receiver<Job>, max_batch: usize) {
    while let Ok(first) = queue.recv() {
        // Whatever arrived while the last commit was on its way to disk
        // goes in this one: that is the group commit.
        let mut jobs = vec![first];
        jobs.extend(queue.try_iter().take(max_batch - 1));
        commit_batch(&db, jobs);
    }
}

fn commit_batch(db: &Connection, jobs: Vec<Job>) {
    if let Err(err) = db.execute_batch("BEGIN IMMEDIATE") {
        tracing::error!(error = %err, "SQLite writer: BEGIN failed");
        // The jobs never ran: dropping them answers each with an error.
        return;
    }
    let mut delivers = Vec::with_capacity(jobs.len());
    let mut result = Ok(());
    for job in jobs {
        match run_job(db, job) {
            Ok(deliver) => delivers.extend(deliver),
            // A savepoint that cannot be ended leaves the transaction in
            // doubt: none of the batch is kept (the jobs not yet run are
            // dropped, which answers them with an error).
            Err(err) => {
                result = Err(err);
                break;
            }
        }
    }
    let result = result.and_then(|()| db.execute_batch("COMMIT"));
    if let Err(err) = &result {
        tracing::error!(error = %err, writes = delivers.len(), "SQLite writer: the batch was not committed");
        let _ = db.execute_batch("ROLLBACK");
    }
    for deliver in delivers {
        deliver(result.as_ref().map(|_| ()));
    }
}

/// Runs one job in a savepoint, rolled back if the job failed or panicked.
/// `None` when it panicked: its answer was dropped with it.
fn run_job(db: &Connection, job: Job) -> rusqlite::Result<Option<Deliver>> {
    savepoint(db, "SAVEPOINT ferry_write")?;
    let outcome = catch_unwind(AssertUnwindSafe(|| job(db)));
    if matches!(&outcome, Ok(outcome) if outcome.kept) {
        savepoint(db, "RELEASE ferry_write")?;
    } else {
        savepoint(db, "ROLLBACK TO ferry_write")?;
        savepoint(db, "RELEASE ferry_write")?;
    }
    Ok(outcome.ok().map(|outcome| outcome.deliver))
}

/// A savepoint statement, prepared once per connection.
fn savepoint(db: &Connection, sql: &str) -> rusqlite::Result<()> {
    db.prepare_cached(sql)?.execute([]).map(|_| ())
}
