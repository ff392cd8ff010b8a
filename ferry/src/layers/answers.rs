//! The layers that shape what a call answers: its real status, the no-JS
//! form's redirect, the server's cache, and the reads answered inline.

use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

use super::{LayeredService, boxed_layer};

/// Gives a failed server-function call its real status: Leptos answers
/// every failure with 500; this answers with the one the error's type
/// gives ([`crate::ErrorStatus`]), else the one its encoded body says (400,
/// 401, 403, 404, 409, 422, 429), and labels the body's content type,
/// which Leptos leaves out (`application/json` for ferry's errors, else
/// plain text). A call to a multipart function without a
/// readable multipart body gets 400 here, before server_fn's parser would
/// panic on it.
///
/// ```
/// let app: axum::Router = axum::Router::new().layer(ferry::layers::ErrorStatusLayer::new());
/// ```
#[derive(Debug, Clone)]
pub struct ErrorStatusLayer {
    multipart: Arc<std::collections::HashSet<&'static str>>,
    functions: Arc<std::collections::HashSet<&'static str>>,
}

impl ErrorStatusLayer {
    /// The layer, knowing every multipart function registered.
    pub fn new() -> Self {
        Self {
            multipart: Arc::new(crate::__private::multipart_paths()),
            functions: Arc::new(crate::__private::function_paths()),
        }
    }
}

impl Default for ErrorStatusLayer {
    fn default() -> Self {
        Self::new()
    }
}

boxed_layer!(ErrorStatusLayer, |this, inner| {
    let checked = from_fn_with_state(this.multipart.clone(), crate::multipart::refuse_unreadable)
        .layer(inner);
    LayeredService::new(
        from_fn_with_state(this.functions.clone(), crate::error::status::error_status)
            .layer(checked),
    )
});

/// The redirect after a form posted without JavaScript: back to the page
/// without the bare `?` Leptos leaves, and, once [`Self::sign_in`] names
/// the sign-in page, a call its guard refused with 401 goes there instead,
/// with `next` naming the page it came from. The error a redirect carries
/// back (Leptos's `__err`) is signed, and a page asked for with an error
/// that is not signed is sent to its address without it: a link cannot put
/// its own text on a page as an error message.
///
/// ```
/// let forms = ferry::layers::FormRedirectLayer::new()
///     .sign_in("/sign-in")
///     .signing_key(b"the same secret in every process, 32 bytes or more");
/// let app: axum::Router = axum::Router::new().layer(forms);
/// ```
#[derive(Debug, Clone)]
pub struct FormRedirectLayer {
    sign_in: Option<Arc<str>>,
    key: crate::form::signed::ErrorKey,
}

impl Default for FormRedirectLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl FormRedirectLayer {
    /// Cleans redirects and signs their errors with a random key of this
    /// layer's own; sends nobody to a sign-in page.
    pub fn new() -> Self {
        Self {
            sign_in: None,
            key: crate::form::signed::ErrorKey::random(),
        }
    }

    /// Where a refused visitor signs in: a path on this site. Anything
    /// else (`https://…`, `//host`, `login`) is refused with an error logged
    /// once, here, and refused forms go back to their page as without it.
    pub fn sign_in(mut self, path: &str) -> Self {
        match crate::local_path(path) {
            Some(path) => self.sign_in = Some(path.into()),
            None => tracing::error!(
                path,
                "ferry: the sign-in path is not a path on this site (it must start \
                 with one `/`, as `/sign-in` does): a form refused with 401 goes back \
                 to its page instead"
            ),
        }
        self
    }

    /// The secret that signs a refused form's error in the redirect's
    /// address (HMAC-SHA256). Give every process behind one load balancer
    /// the same one: with the default random key, an error redirected to
    /// another process is dropped, and the page shows without it.
    pub fn signing_key(mut self, secret: &[u8]) -> Self {
        self.key = crate::form::signed::ErrorKey::new(secret);
        self
    }
}

boxed_layer!(FormRedirectLayer, |this, inner| {
    let clean = from_fn(crate::form::redirect::clean_redirect).layer(inner);
    let redirected = match &this.sign_in {
        Some(path) => LayeredService::new(
            from_fn_with_state(path.clone(), crate::form::redirect::sign_in_redirect).layer(clean),
        ),
        None => LayeredService::new(clean),
    };
    LayeredService::new(
        from_fn_with_state(this.key.clone(), crate::form::signed::signed_errors).layer(redirected),
    )
});

/// The server's cache ([`crate::cache`]): serves the pages and reads it
/// keeps, keeps those that opt in, and drops what a call's response
/// revalidates. [`crate::Ferry::install`] puts it inside the rate limit and
/// the bounds (a kept page is still counted), and outside the same-origin
/// check and the body limit, which refuse only requests with a body or a
/// state-changing method, never a kept page's `GET`.
///
/// ```
/// let cache = ferry::cache::Cache::new(&ferry::cache::CacheSettings::default());
/// let app: axum::Router = axum::Router::new().layer(ferry::layers::CacheLayer::new(cache));
/// ```
#[cfg(feature = "cache")]
#[derive(Debug, Clone)]
pub struct CacheLayer(crate::cache::Cache);

#[cfg(feature = "cache")]
impl CacheLayer {
    /// Keeps pages and reads in `cache`.
    pub fn new(cache: crate::cache::Cache) -> Self {
        Self(cache)
    }
}

#[cfg(feature = "cache")]
boxed_layer!(CacheLayer, |this, inner| LayeredService::new(
    from_fn_with_state(this.0.clone(), crate::cache::pages::layer).layer(inner)
));

/// One round trip per mutation ([`crate::inline`]): when a call from the
/// browser's ferry client succeeds, the reads its page holds whose tags the
/// call revalidated run on `app`, as the browser would have sent them
/// (every header of the call, its cookies updated by the ones it set), and
/// their answers ride back in the call's response. Put it outermost, and
/// give it the router with every other layer on: each read is then logged,
/// counted in the metrics and the rate limit, and checked like any request.
///
/// ```
/// use ferry::layers::{InlineLayer, RequestIdLayer};
/// let app: axum::Router = axum::Router::new().layer(RequestIdLayer::new());
/// let app = app.clone().layer(InlineLayer::new(app));
/// ```
#[derive(Clone)]
pub struct InlineLayer(crate::inline::server::Inliner);

impl InlineLayer {
    /// Runs the reads on `app`, with no bound on how long they take
    /// together (each is bounded as `app`'s layers bound any request).
    pub fn new(app: Router) -> Self {
        Self(crate::inline::server::Inliner::new(app))
    }

    /// The reads of one call may take this long together; past it, the
    /// call is answered without them, and they refetch themselves.
    pub fn deadline(self, deadline: std::time::Duration) -> Self {
        Self(self.0.deadline(deadline))
    }
}

impl std::fmt::Debug for InlineLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InlineLayer").finish_non_exhaustive()
    }
}

boxed_layer!(InlineLayer, |this, inner| LayeredService::new(
    this.0.layer(inner)
));
