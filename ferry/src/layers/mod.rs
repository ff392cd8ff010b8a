//! Each concern ferry adds to a server, as a tower [`Layer`](tower::Layer)
//! that works alone: add the ones an app wants, in the order it wants, with
//! axum's `Router::layer`. [`crate::Ferry::install`] is the preset that adds
//! them all, in this order from the outside in:
//!
//! | layer | what it does |
//! |---|---|
//! | [`InlineLayer`] | a mutation's response carries the fresh answers of the reads it revalidated, each run through every layer below |
//! | [`RequestIdLayer`] | an `x-request-id` on every request and response, and a span around it |
//! | [`ObserveLayer`] | a log line per server-function call, and the metrics |
//! | [`OverloadLayer`] | a timeout per request and a bound on requests in flight (503) |
//! | [`ClientAddrLayer`] | who the client is, behind trusted proxies |
//! | [`ClientShareLayer`] | requests in flight per client address (429) |
//! | [`RateLimitLayer`] | requests per client address (429) |
//! | [`CacheLayer`] | the server's cache of pages and reads, and its revalidation |
//! | [`SameOriginLayer`] | cross-site state-changing requests refused (403) |
//! | [`BodyLimitLayer`] | bodies over the limit refused (413), declared or streamed, and bodies that stop arriving (408) |
//! | [`FormRedirectLayer`] | the no-JavaScript form's redirect: clean, or to the sign-in page |
//! | [`ErrorStatusLayer`] | a failed call's real status (400, 401, 404, 422) instead of 500 |
//!
//! A layer that reads what another puts on the request says so: the rate
//! limit, the client's share and the same-origin check read the
//! [`crate::ClientAddr`] that [`ClientAddrLayer`] records, so that one goes
//! outside them.
//!
//! ```
//! use axum::{Router, routing::post};
//! use ferry::layers::{BodyLimitLayer, ErrorStatusLayer, SameOriginLayer};
//!
//! // Uploads get a larger limit than the rest of the site, and webhooks
//! // from another site skip the same-origin check.
//! let uploads = Router::new()
//!     .route("/api/upload", post(|| async { "kept" }))
//!     .layer(BodyLimitLayer::new(20 << 20));
//! let webhooks = Router::new().route("/hooks/pay", post(|| async { "ok" }));
//! let app: Router = Router::new()
//!     .route("/api/note", post(|| async { "noted" }))
//!     .layer(BodyLimitLayer::new(64 << 10))
//!     .merge(uploads)
//!     .layer(ErrorStatusLayer::new())
//!     .layer(SameOriginLayer::default())
//!     .merge(webhooks);
//! ```

use std::convert::Infallible;

use axum::extract::Request;
use axum::response::Response;
use tower::util::BoxCloneSyncService;

mod answers;
mod calls;
mod guards;

#[cfg(feature = "cache")]
pub use answers::CacheLayer;
pub use answers::{ErrorStatusLayer, FormRedirectLayer, InlineLayer};
pub use calls::{ObserveLayer, OverloadLayer, RequestIdLayer};
#[cfg(feature = "ratelimit")]
pub use guards::RateLimitLayer;
pub use guards::{BodyLimitLayer, ClientAddrLayer, ClientShareLayer, SameOriginLayer};

/// The service every ferry layer wraps its inner service in: boxed, so
/// that each layer's type can be named (in a struct field, a function's
/// return type) whatever it wraps. One allocation per request per layer.
pub type LayeredService = BoxCloneSyncService<Request, Response, Infallible>;

/// `impl Layer<S>` for a ferry layer whose [`LayeredService`] is built by
/// `$build` from `self` and the inner service.
macro_rules! boxed_layer {
    ($layer:ty, |$this:ident, $inner:ident| $build:expr) => {
        impl<S> tower::Layer<S> for $layer
        where
            S: tower::Service<
                    axum::extract::Request,
                    Response = axum::response::Response,
                    Error = std::convert::Infallible,
                > + Clone
                + Send
                + Sync
                + 'static,
            S::Future: Send + 'static,
        {
            type Service = $crate::layers::LayeredService;

            fn layer(&self, $inner: S) -> Self::Service {
                let $this = self;
                $build
            }
        }
    };
}
pub(crate) use boxed_layer;
