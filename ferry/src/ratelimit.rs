//! Rate limiting per client address (tower_governor): generous by default,
//! answered with 429 and `Retry-After` when a client overdoes it.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use governor::clock::QuantaInstant;
use governor::middleware::NoOpMiddleware;
use tower_governor::GovernorError;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

use crate::client_addr::client_key;

/// How many requests a client address may make.
///
/// ```
/// let mut settings = ferry::Settings::default();
/// settings.rate_limit = Some(ferry::ratelimit::RateLimit { per_second: 10, burst: 20 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per second, sustained.
    pub per_second: u32,
    /// Requests allowed at once before the rate applies.
    pub burst: u32,
}

/// Keys requests by the client's address ([`ClientAddr`]: behind a trusted
/// proxy, the one it forwarded for), else the connection's peer. Requests
/// with neither (made in-process, as tests do, or served without peers'
/// addresses) share one bucket, and the first logs why.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientIp {
    warned: Arc<AtomicBool>,
}

/// The rate limit's layer, as [`crate::layers::RateLimitLayer`] holds it.
pub(crate) type Governor = GovernorLayer<ClientIp, NoOpMiddleware<QuantaInstant>, Body>;

impl KeyExtractor for ClientIp {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        Ok(client_key(request.extensions()).unwrap_or_else(|| {
            self.warn_no_address();
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        }))
    }
}

impl ClientIp {
    /// Logs, once per layer, that requests come with no address.
    fn warn_no_address(&self) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::error!(
                "ferry: a request came with no client address, so the rate limit puts \
                 every such request in one bucket: serve the app with \
                 `into_make_service_with_connect_info::<SocketAddr>()` (ferry::Server \
                 does), or turn the rate limit off (Settings::rate_limit = None). \
                 Logged once."
            );
        }
    }
}

/// The layer for `limit`; `None` when either number is zero (no limit).
/// Serve with `into_make_service_with_connect_info::<SocketAddr>()` so each
/// address gets its own bucket. Inside a Tokio runtime, a task forgets idle
/// addresses every minute, so memory stays bounded; it ends once the layer
/// (the router) is dropped.
pub(crate) fn layer(limit: RateLimit) -> Option<Governor> {
    if limit.per_second == 0 || limit.burst == 0 {
        return None;
    }
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientIp::default())
        .per_nanosecond(1_000_000_000 / u64::from(limit.per_second))
        .burst_size(limit.burst)
        .finish()?;
    let limiter = Arc::downgrade(config.limiter());
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(forget_idle(limiter, Duration::from_secs(60)));
    }
    Some(GovernorLayer::new(config))
}

/// Every `period`, forgets addresses idle long enough to be full again,
/// until the limiter is gone.
async fn forget_idle<L: Forget>(limiter: Weak<L>, period: Duration) {
    loop {
        tokio::time::sleep(period).await;
        let Some(limiter) = limiter.upgrade() else {
            return;
        };
        limiter.forget();
    }
}

/// What the task needs of a limiter; a trait so the test can count calls.
trait Forget {
    fn forget(&self);
}

impl<K, S, C, M> Forget for governor::RateLimiter<K, S, C, M>
where
    K: std::hash::Hash,
    S: governor::state::keyed::ShrinkableKeyedStateStore<K>,
    C: governor::clock::Clock,
    M: governor::middleware::RateLimitingMiddleware<C::Instant>,
{
    fn forget(&self) {
        self.retain_recent();
        self.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counted(AtomicUsize);

    impl Forget for Counted {
        fn forget(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Waits up to five seconds for `done`, checking every 10 ms.
    async fn eventually(done: impl Fn() -> bool) -> bool {
        for _ in 0..500 {
            if done() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        done()
    }

    // Real time with a short period, not tokio's paused clock: its
    // `test-util` feature would give the test build a dependency tree of
    // its own.
    #[tokio::test]
    async fn the_cleaning_task_ends_with_its_limiter() {
        let limiter = Arc::new(Counted(AtomicUsize::new(0)));
        let task = tokio::spawn(forget_idle(
            Arc::downgrade(&limiter),
            Duration::from_millis(200),
        ));
        // Not at start-up: a full period first.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            limiter.0.load(Ordering::SeqCst),
            0,
            "forgot before a period passed"
        );
        assert!(
            eventually(|| limiter.0.load(Ordering::SeqCst) >= 2).await,
            "forgot {} times in five seconds",
            limiter.0.load(Ordering::SeqCst)
        );
        drop(limiter);
        assert!(
            eventually(|| task.is_finished()).await,
            "the task outlived its limiter"
        );
    }
}
