//! The connections a shutdown must not close as idle: accepted, but their
//! first request has not arrived yet.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a shutdown waits for connections that were accepted but have
/// not sent their first request yet: hyper closes a connection with nothing
/// read as idle, and a client that had just connected would see it closed
/// under its request.
pub(super) const FIRST_REQUEST_GRACE: Duration = Duration::from_millis(500);

/// How many accepted connections have not yet sent a whole request head.
#[derive(Debug, Clone, Default)]
pub(super) struct Fresh(Arc<AtomicUsize>);

impl Fresh {
    /// Counts a new connection until [`FirstRequest::requested`].
    pub(super) fn arrived(&self) -> FirstRequest {
        self.0.fetch_add(1, Ordering::Relaxed);
        FirstRequest {
            fresh: self.clone(),
            pending: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Waits until every fresh connection has sent its request or closed,
    /// or `grace` has passed.
    pub(super) async fn settle(&self, grace: Duration) {
        let deadline = Instant::now() + grace;
        while self.0.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// One connection's place in [`Fresh`], given up once.
#[derive(Debug, Clone)]
pub(super) struct FirstRequest {
    fresh: Fresh,
    pending: Arc<AtomicBool>,
}

impl FirstRequest {
    pub(super) fn requested(&self) {
        if self.pending.swap(false, Ordering::Relaxed) {
            self.fresh.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
}
