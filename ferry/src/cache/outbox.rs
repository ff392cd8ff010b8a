//! This process's revalidations on their way to its other processes, and
//! the wait that lets a server function answer only once they got there.
//!
//! Without the wait, a visitor whose change one process answered could
//! load the next page from another process before it heard of the change,
//! and see it undone: on one box that cannot happen, so behind a load
//! balancer it should not either.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, watch};

use crate::revalidate::Revalidation;

/// How many revalidations wait for a slow carrier before it lags.
const QUEUED: usize = 1024;

/// How long a server function's answer waits for its revalidation to be
/// carried. Past it the answer goes anyway: the other processes' max ages
/// still bound what they serve.
const CARRY_WAIT: Duration = Duration::from_secs(1);

/// Revalidations numbered as issued, and how far the carrier has got.
pub(super) struct Outbox {
    /// The last number issued; held while sending, so numbers arrive in order.
    issued: Mutex<u64>,
    sender: broadcast::Sender<(u64, Revalidation)>,
    carried: watch::Sender<u64>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self {
            issued: Mutex::new(0),
            sender: broadcast::channel(QUEUED).0,
            carried: watch::channel(0).0,
        }
    }
}

impl Outbox {
    /// Hands `revalidation` to the carrier, if one listens, and returns its
    /// number to wait for.
    pub fn publish(&self, revalidation: &Revalidation) -> Option<u64> {
        if *revalidation == Revalidation::Nothing || self.sender.receiver_count() == 0 {
            return None; // a single process has no peers to tell
        }
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        *issued += 1;
        self.sender.send((*issued, revalidation.clone())).ok()?;
        Some(*issued)
    }

    /// Waits until the carrier reports revalidation `number` carried, or
    /// for [`CARRY_WAIT`] at most.
    pub async fn carried(&self, number: u64) {
        let mut carried = self.carried.subscribe();
        let waited = tokio::time::timeout(CARRY_WAIT, carried.wait_for(|c| *c >= number)).await;
        if !matches!(waited, Ok(Ok(_))) {
            tracing::warn!(
                "a revalidation was not carried to the other processes within {CARRY_WAIT:?}; \
                 answering anyway (they serve what they kept until its max age)"
            );
        }
    }

    fn issued(&self) -> u64 {
        *self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What this process revalidates, for a carrier to the other processes
/// (see [`super::Cache::revalidations`]).
///
/// ```
/// # async fn carry(cache: ferry::cache::Cache) {
/// let mut revalidations = cache.revalidations();
/// while let Ok(revalidation) = revalidations.recv().await {
///     // ... send `revalidation` to the other processes, then:
///     revalidations.carried();
/// }
/// # }
/// ```
pub struct Revalidations {
    outbox: Arc<Outbox>,
    receiver: broadcast::Receiver<(u64, Revalidation)>,
    /// The number of the last revalidation received, or the last issued
    /// when the receiver lagged.
    received: u64,
}

impl std::fmt::Debug for Revalidations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Revalidations")
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl Revalidations {
    pub(super) fn new(outbox: Arc<Outbox>) -> Self {
        let receiver = outbox.sender.subscribe();
        Self {
            outbox,
            receiver,
            received: 0,
        }
    }

    /// The next revalidation. `Lagged` means more than 1,024 queued up
    /// unread and some were dropped: carry [`Revalidation::All`] then.
    pub async fn recv(&mut self) -> Result<Revalidation, RecvError> {
        match self.receiver.recv().await {
            Ok(next) => Ok(self.received(next)),
            Err(RecvError::Lagged(n)) => Err(self.lagged(RecvError::Lagged(n))),
            Err(error) => Err(error),
        }
    }

    /// The next revalidation if one is queued, as [`Revalidations::recv`].
    pub fn try_recv(&mut self) -> Result<Revalidation, TryRecvError> {
        match self.receiver.try_recv() {
            Ok(next) => Ok(self.received(next)),
            Err(TryRecvError::Lagged(n)) => Err(self.lagged(TryRecvError::Lagged(n))),
            Err(error) => Err(error),
        }
    }

    /// Reports everything received so far as carried: the server functions
    /// that issued it answer now. Call it once the other processes can see
    /// it (for a database carrier, once it is committed).
    pub fn carried(&self) {
        self.outbox.carried.send_if_modified(|carried| {
            let moved = self.received > *carried;
            *carried = (*carried).max(self.received);
            moved
        });
    }

    fn received(&mut self, (number, revalidation): (u64, Revalidation)) -> Revalidation {
        self.received = number;
        revalidation
    }

    /// Everything issued by now is covered by the `All` a carrier sends
    /// after a lag.
    fn lagged<E>(&mut self, error: E) -> E {
        self.received = self.outbox.issued();
        error
    }
}
