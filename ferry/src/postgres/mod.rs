//! Revalidation across the processes of one app, carried by PostgreSQL's
//! `LISTEN`/`NOTIFY` (feature `postgres`).
//!
//! Each process keeps pages and reads in its own [`Cache`]. When a server
//! function on one of them revalidates tags, [`share_revalidations`] sends
//! them on one channel of the database every process already uses, and
//! each other process drops what showed them. The server function answers
//! once its notification is committed, so it is on its way to every other
//! process before the visitor can ask one of them for the next page (each
//! applies it within milliseconds; a request that reaches one first can
//! still be served what it kept). A
//! notification can be lost (a process's connection drops while another
//! writes): a process whose listening connection comes back drops
//! everything it kept, and each entry's max age bounds how long anything
//! stale can be served.

mod payload;
#[cfg(test)]
mod tests;

use std::time::Duration;

use sqlx::Executor;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::cache::Cache;
use crate::revalidate::Revalidation;
use payload::{Payload, merge};

/// The channel every process of the app listens on.
pub(crate) const CHANNEL: &str = "ferry_revalidate";

/// How long to wait before trying a lost connection again.
const RETRY: Duration = Duration::from_millis(250);

/// Carries revalidations between processes while it lives; dropping it
/// stops both directions.
///
/// ```no_run
/// # async fn run() -> Result<(), sqlx::Error> {
/// let ferry = ferry::Ferry::new(ferry::Settings::default());
/// // Kept for as long as the server runs.
/// let _sharing = ferry::postgres::share_revalidations(ferry.cache(), "postgres://app@db/notes").await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Sharing {
    origin: String,
    tasks: [JoinHandle<()>; 2],
}

impl Sharing {
    /// This process's name on the channel: notifications it sent carry
    /// it, so it skips its own.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl Drop for Sharing {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts carrying `cache`'s revalidations to every other process that
/// shares them over the database at `url`, and theirs to `cache`. It holds
/// two connections: one listening, one sending. Returns once listening,
/// so nothing revalidated elsewhere after it returns is missed.
pub async fn share_revalidations(cache: &Cache, url: &str) -> Result<Sharing, sqlx::Error> {
    let origin = uuid::Uuid::new_v4().simple().to_string();
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    // A notification needs no fsync: it is delivered at commit, and one
    // lost in a crash of the database is made up for by the listeners,
    // who lose their connections too and drop everything. Waiting for the
    // disk would hold every server function's answer for it.
    // Set after connecting, not as a startup option, which connection
    // poolers such as PgBouncer refuse.
    let sender = PgPoolOptions::new()
        .max_connections(1)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection.execute("SET synchronous_commit = off").await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    let outgoing = cache.revalidations();
    let tasks = [
        tokio::spawn(send(sender, outgoing, origin.clone())),
        tokio::spawn(receive(
            listener,
            url.to_owned(),
            cache.clone(),
            origin.clone(),
        )),
    ];
    Ok(Sharing { origin, tasks })
}

/// Sends this process's revalidations, merging those that queue up while
/// one is sent or while the database is away.
async fn send(pool: PgPool, mut outgoing: crate::cache::Revalidations, origin: String) {
    let mut waiting = Revalidation::Nothing;
    loop {
        if waiting == Revalidation::Nothing {
            waiting = match outgoing.recv().await {
                Ok(revalidation) => revalidation,
                Err(RecvError::Lagged(_)) => Revalidation::All,
                Err(RecvError::Closed) => return,
            };
        }
        loop {
            match outgoing.try_recv() {
                Ok(more) => waiting = merge(waiting, more),
                Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => {
                    waiting = Revalidation::All;
                }
                Err(_) => break,
            }
        }
        let payload = Payload::new(&origin, &waiting).to_string();
        let sent = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&payload)
            .execute(&pool)
            .await;
        match sent {
            Ok(_) => {
                waiting = Revalidation::Nothing;
                outgoing.carried();
            }
            Err(error) => {
                tracing::warn!(%error, "revalidation not sent to the other processes yet; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Applies the other processes' revalidations; after a lost connection,
/// once listening again on a new one, drops everything.
async fn receive(mut listener: PgListener, url: String, cache: Cache, origin: String) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => match Payload::parse(notification.payload()) {
                Some(payload) if payload.origin == origin => {}
                Some(payload) => cache.invalidate_from_elsewhere(&payload.revalidation),
                None => {
                    tracing::warn!(
                        payload = notification.payload(),
                        "unreadable revalidation; dropping everything"
                    );
                    cache.invalidate_from_elsewhere(&Revalidation::All);
                }
            },
            Ok(None) | Err(_) => {
                tracing::warn!("lost the revalidation channel; dropping everything kept once back");
                listener = listen(&url).await;
                cache.invalidate_from_elsewhere(&Revalidation::All);
            }
        }
    }
}

/// A new connection listening on the channel, however long that takes.
async fn listen(url: &str) -> PgListener {
    loop {
        match PgListener::connect(url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => return listener,
                Err(error) => tracing::warn!(%error, "cannot listen for revalidations yet"),
            },
            Err(error) => tracing::warn!(%error, "cannot reach the database for revalidations yet"),
        }
        tokio::time::sleep(RETRY).await;
    }
}
