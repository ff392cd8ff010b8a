//! The layers that decide whether a request is let in: who the client is,
//! how often it may ask, where it may ask from, and how much it may send.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::middleware::from_fn_with_state;
use tower::ServiceBuilder;

use super::{LayeredService, boxed_layer};
use crate::client_addr::Clients;
use crate::security::SameOrigin;

/// Records the request's [`crate::ClientAddr`] (the peer, or behind a
/// trusted proxy the address it forwarded for) for the layers inside and
/// the handlers. Needs the server to give each request its peer's address:
/// serve with `into_make_service_with_connect_info::<SocketAddr>()`.
///
/// ```
/// let nginx: std::net::IpAddr = "127.0.0.1".parse().unwrap();
/// let app: axum::Router = axum::Router::new().layer(ferry::layers::ClientAddrLayer::new(vec![nginx]));
/// ```
#[derive(Debug, Clone)]
pub struct ClientAddrLayer(Clients);

impl ClientAddrLayer {
    /// Believes the `X-Forwarded-For` of these proxies only (and, in the
    /// same-origin check inside, their `X-Forwarded-Host`); from anyone
    /// else, the first `X-Forwarded-For` is logged once, and ignored.
    pub fn new(trusted_proxies: impl Into<Arc<Vec<IpAddr>>>) -> Self {
        Self(Clients::new(trusted_proxies.into()))
    }
}

boxed_layer!(ClientAddrLayer, |this, inner| LayeredService::new(
    from_fn_with_state(this.0.clone(), crate::client_addr::record).layer(inner)
));

/// At most `limit` requests in flight from one client address
/// ([`crate::ClientAddr`] if [`ClientAddrLayer`] is outside, else the
/// peer); the next one from it gets 429 with `Retry-After` at once, while
/// other clients go on. Without it, one address can hold every slot of
/// [`OverloadLayer`](super::OverloadLayer)'s bound with requests that never
/// finish (headers sent, the body announced and never sent), and the
/// server answers 503 to everyone. Put it inside the bound, so a refused
/// request gives its slot back at once.
///
/// ```
/// let app: axum::Router = axum::Router::new().layer(ferry::layers::ClientShareLayer::new(32));
/// ```
#[derive(Debug, Clone)]
pub struct ClientShareLayer(crate::client_share::Shares);

impl ClientShareLayer {
    /// At most `limit` (at least one) at once from each address.
    pub fn new(limit: usize) -> Self {
        Self(crate::client_share::Shares::new(limit))
    }
}

boxed_layer!(ClientShareLayer, |this, inner| LayeredService::new(
    from_fn_with_state(this.0.clone(), crate::client_share::within_share).layer(inner)
));

/// A rate per client address ([`crate::ClientAddr`] if
/// [`ClientAddrLayer`] is outside, else the peer): a client over it gets
/// 429 with `Retry-After`. Idle addresses are forgotten every minute, so
/// memory stays bounded. A request with no address at all (the server was
/// not given peers' addresses) shares one bucket with every other such
/// request, and the first one logs an error saying so.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use ferry::ratelimit::RateLimit;
/// let limit = ferry::layers::RateLimitLayer::new(RateLimit { per_second: 50, burst: 100 });
/// let app: axum::Router = axum::Router::new().layer(limit);
/// # }
/// ```
#[cfg(feature = "ratelimit")]
#[derive(Clone)]
pub struct RateLimitLayer(Option<crate::ratelimit::Governor>);

#[cfg(feature = "ratelimit")]
impl RateLimitLayer {
    /// At most `limit` per address; either number zero turns it off.
    /// Call it inside a Tokio runtime, where the task that forgets idle
    /// addresses can start.
    pub fn new(limit: crate::ratelimit::RateLimit) -> Self {
        Self(crate::ratelimit::layer(limit))
    }
}

#[cfg(feature = "ratelimit")]
impl std::fmt::Debug for RateLimitLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RateLimitLayer")
            .field(&self.0.is_some())
            .finish()
    }
}

#[cfg(feature = "ratelimit")]
boxed_layer!(RateLimitLayer, |this, inner| match &this.0 {
    Some(governor) => LayeredService::new(
        ServiceBuilder::new()
            .map_response(axum::response::IntoResponse::into_response)
            .layer(governor.clone())
            .service(inner)
    ),
    None => LayeredService::new(inner),
});

/// Refuses, with 403, a state-changing request sent by a browser from
/// another site (cross-site request forgery); safe methods and clients that
/// are not browsers pass ([`crate::security`]). Behind a proxy, the site's
/// own host is the `X-Forwarded-Host` of a trusted proxy: put
/// [`ClientAddrLayer`] outside it.
///
/// ```
/// let app: axum::Router = axum::Router::new().layer(ferry::layers::SameOriginLayer::default());
/// ```
#[derive(Debug, Clone, Default)]
pub struct SameOriginLayer(SameOrigin);

impl SameOriginLayer {
    /// The site itself and `policy`'s other origins may send.
    pub fn new(policy: SameOrigin) -> Self {
        Self(policy)
    }
}

boxed_layer!(SameOriginLayer, |this, inner| LayeredService::new(
    from_fn_with_state(this.0.clone(), crate::security::same_origin).layer(inner)
));

/// Refuses a request body over `bytes` with 413: a declared length before
/// anything is read, a streamed body as soon as it passes the limit
/// (tower-http's limit). Every body but a multipart one is read whole here
/// before the handler runs (server functions read theirs whole anyway), so
/// one sent without a length gets the same 413, and with
/// [`idle_timeout`](Self::idle_timeout) one that stops arriving gets 408.
/// A multipart body of a declared length is left to stream to its handler,
/// which sees a stalled body as a read error.
///
/// ```
/// use std::time::Duration;
/// let limit = ferry::layers::BodyLimitLayer::new(1 << 20).idle_timeout(Duration::from_secs(10));
/// let app: axum::Router = axum::Router::new().layer(limit);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct BodyLimitLayer(crate::body_limit::BodyRules);

impl BodyLimitLayer {
    /// Bodies up to `bytes`, however slowly they come.
    pub fn new(bytes: usize) -> Self {
        Self(crate::body_limit::BodyRules {
            limit: bytes,
            idle_timeout: None,
        })
    }

    /// A body that goes this long without a byte arriving answers 408
    /// (tower-http's body timeout), so that a client which announces a
    /// body and never sends it holds no slot for long.
    pub fn idle_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.0.idle_timeout = Some(timeout);
        self
    }
}

boxed_layer!(BodyLimitLayer, |this, inner| {
    let rules = this.0;
    let read = ServiceBuilder::new()
        .map_request(move |request: axum::http::Request<_>| {
            request.map(|body| crate::body_limit::timed(body, rules.idle_timeout))
        })
        .service(from_fn_with_state(rules, crate::body_limit::read_whole).layer(inner));
    LayeredService::new(
        ServiceBuilder::new()
            .map_response(|response: axum::http::Response<_>| response.map(Body::new))
            .layer(tower_http::limit::RequestBodyLimitLayer::new(rules.limit))
            .service(read),
    )
});
