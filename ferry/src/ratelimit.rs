//! Rate limiting per client address (tower_governor): generous by default,
//! answered with 429 and `Retry-After` when a client overdoes it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use governor::clock::QuantaInstant;
use governor::middleware::NoOpMiddleware;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::GovernorError;
use tower_governor::GovernorLayer;

/// How many requests a client address may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per second, sustained.
    pub per_second: u32,
    /// Requests allowed at once before the rate applies.
    pub burst: u32,
}

/// Keys requests by the connection's peer address. Requests without one
/// (made in-process, as tests do) share one bucket.
#[derive(Debug, Clone, Copy)]
pub struct PeerIp;

impl KeyExtractor for PeerIp {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
        Ok(peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()))
    }
}

/// The layer for `limit`; `None` when either number is zero (no limit).
/// Serve with `into_make_service_with_connect_info::<SocketAddr>()` so each
/// address gets its own bucket. Needs a Tokio runtime: a task forgets idle
/// addresses every minute, so memory stays bounded.
pub fn layer(
    limit: RateLimit,
) -> Option<GovernorLayer<PeerIp, NoOpMiddleware<QuantaInstant>, Body>> {
    if limit.per_second == 0 || limit.burst == 0 {
        return None;
    }
    let config = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .per_nanosecond(1_000_000_000 / u64::from(limit.per_second))
        .burst_size(limit.burst)
        .finish()?;
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            limiter.retain_recent();
        }
    });
    Some(GovernorLayer::new(config))
}
