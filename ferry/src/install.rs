//! [`Ferry`]: every server-side layer of ferry, installed on an axum router
//! in one call, in the order that works together.

use std::collections::HashSet;

use axum::Router;

#[cfg(feature = "cache")]
use crate::cache::Cache;
#[cfg(feature = "cache")]
use crate::layers::CacheLayer;
#[cfg(feature = "ratelimit")]
use crate::layers::RateLimitLayer;
use crate::layers::{
    BodyLimitLayer, ClientAddrLayer, ClientShareLayer, ErrorStatusLayer, FormRedirectLayer,
    InlineLayer, ObserveLayer, OverloadLayer, RequestIdLayer, SameOriginLayer,
};
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::settings::Settings;

/// Ferry's server side, configured once. [`Ferry::install`] is the preset
/// that wraps an app's router (its pages, server functions and own routes)
/// in every layer of [`crate::layers`], in the order they work in, from the
/// outside in: inline answers, request ids, the per-call log lines and
/// metrics, the bound on requests in flight and the request timeout, the
/// client's address, the rate limit, the server's cache, the same-origin
/// check, the body limit, the no-JS form's redirect, and the real status
/// of failed calls. It also answers unknown paths under the server-function
/// prefix with a 404, and serves `/metrics` where
/// [`Settings::metrics_on_site`] says. An app that wants another order, or
/// some layers on some routes only (a larger body limit for uploads, no
/// same-origin check for webhooks), adds the layers itself.
///
/// ```
/// use axum::{Router, routing::get};
///
/// let ferry = ferry::Ferry::new(ferry::Settings::default());
/// let app: Router = ferry.install(Router::new().route("/", get(|| async { "hello" })));
/// ```
///
/// In a Leptos app, install it on the router that `leptos_routes` built,
/// and serve it with the peers' addresses (for the rate limit and trusted
/// proxies). `axum::serve` does that; [`crate::Server`] (feature `serve`)
/// does it with timeouts for slow clients and a shutdown that ends:
///
/// ```no_run
/// use axum::Router;
/// use leptos::prelude::*;
/// use leptos_axum::{LeptosRoutes, generate_route_list};
///
/// #[component]
/// fn App() -> impl IntoView {
///     view! { <p>"Hello"</p> }
/// }
///
/// # async fn run() -> std::io::Result<()> {
/// let options = LeptosOptions::builder().output_name("site").build();
/// let ferry = ferry::Ferry::new(ferry::Settings::for_env(options.env.clone()));
/// let routes = generate_route_list(App);
/// let app = ferry.install(
///     Router::new()
///         .leptos_routes(&options, routes, App)
///         .with_state(options),
/// );
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
/// axum::serve(listener, service).await
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Ferry {
    settings: Settings,
    #[cfg(feature = "metrics")]
    metrics: Metrics,
    #[cfg(feature = "cache")]
    cache: Cache,
}

impl Ferry {
    /// Ferry with these settings, and a fresh cache and metrics registry.
    ///
    /// ```
    /// let ferry = ferry::Ferry::new(ferry::Settings::default());
    /// ```
    pub fn new(settings: Settings) -> Self {
        Self {
            #[cfg(feature = "metrics")]
            metrics: Metrics::new(),
            #[cfg(feature = "cache")]
            cache: Cache::new(&settings.cache),
            settings,
        }
    }

    /// The settings it was made with.
    ///
    /// ```
    /// let ferry = ferry::Ferry::new(ferry::Settings::default());
    /// assert_eq!(ferry.settings().prefix, "/api");
    /// ```
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The metrics registry: add gauges to it, or serve it elsewhere.
    #[cfg(feature = "metrics")]
    ///
    /// ```
    /// let ferry = ferry::Ferry::new(ferry::Settings::default());
    /// ferry.metrics().gauge("jobs_waiting", "Jobs in the queue", || 0);
    /// ```
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The server's cache.
    #[cfg(feature = "cache")]
    ///
    /// ```
    /// let ferry = ferry::Ferry::new(ferry::Settings::default());
    /// ferry.cache().invalidate(&ferry::Revalidation::All);
    /// ```
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Wraps `router` in ferry's layers (see [`Ferry`]). Call it once, on
    /// the whole app with its state, after every route is added.
    ///
    /// ```
    /// let ferry = ferry::Ferry::new(ferry::Settings::default());
    /// let app: axum::Router = ferry.install(axum::Router::new());
    /// ```
    pub fn install(&self, router: Router) -> Router {
        let settings = &self.settings;
        let prefix = settings.normalized_prefix();
        check_functions(&prefix);
        let router = router.route(
            &format!("{prefix}/{{*endpoint}}"),
            crate::not_found::no_such_endpoint(settings.development),
        );
        #[cfg(feature = "metrics")]
        let router = match settings.metrics_on_site {
            true => router.merge(self.metrics.router()),
            false => router,
        };
        let mut forms = FormRedirectLayer::new();
        if let Some(path) = &settings.sign_in_path {
            forms = forms.sign_in(path);
        }
        if let Some(secret) = &settings.signing_key {
            forms = forms.signing_key(secret);
        }
        let router = router
            .layer(ErrorStatusLayer::new())
            .layer(forms)
            .layer(body_limit(settings))
            .layer(SameOriginLayer::new(settings.same_origin.clone()));
        #[cfg(feature = "cache")]
        let router = router.layer(CacheLayer::new(self.cache.clone()));
        // A client over its rate is refused before any other work, but still
        // counted, logged and given a request id.
        #[cfg(feature = "ratelimit")]
        let router = match settings.rate_limit {
            Some(limit) => router.layer(RateLimitLayer::new(limit)),
            None => router,
        };
        // Inside the in-flight bound, so a refused request gives its slot
        // back at once.
        let router = match settings.max_in_flight_per_client {
            Some(limit) => router.layer(ClientShareLayer::new(limit)),
            None => router,
        };
        let router = router.layer(ClientAddrLayer::new(settings.trusted_proxies.clone()));
        // Inside the logs and metrics, so a refused or timed-out request is
        // counted and has an id like any other.
        let mut bounds = OverloadLayer::new();
        if let Some(timeout) = settings.request_timeout {
            bounds = bounds.timeout(timeout);
        }
        if let Some(limit) = settings.max_in_flight {
            bounds = bounds.max_in_flight(limit);
        }
        let observe = ObserveLayer::new(&prefix);
        #[cfg(feature = "metrics")]
        let observe = observe.metrics(self.metrics.clone());
        let router = router
            .layer(bounds)
            .layer(observe)
            .layer(RequestIdLayer::new());
        // Outermost: each read it runs for a mutation goes through every
        // layer above, after the mutation's revalidation reached the cache.
        let mut inline = InlineLayer::new(router.clone());
        if let Some(timeout) = settings.request_timeout {
            inline = inline.deadline(timeout);
        }
        let router = router.layer(inline);
        // The edit loop's routes, outside every layer: its event stream
        // outlives the request timeout, and they are not the app's.
        #[cfg(feature = "dev")]
        let router = match crate::dev::watching() {
            true => router.merge(crate::dev::server::routes()),
            false => router,
        };
        router
    }
}

/// The body limit, with the settings' idle timeout.
fn body_limit(settings: &Settings) -> BodyLimitLayer {
    let layer = BodyLimitLayer::new(settings.body_limit);
    match settings.body_timeout {
        Some(timeout) => layer.idle_timeout(timeout),
        None => layer,
    }
}

/// Names at start-up the server functions the layers cannot serve well:
/// those outside `prefix` (the 404 route and the suggestions cannot see
/// them), and any ferry read or multipart function Leptos has no handler for.
fn check_functions(prefix: &str) {
    let paths: HashSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let ferry_paths = crate::__private::read_paths()
        .into_iter()
        .chain(crate::__private::multipart_paths());
    for path in unserved(ferry_paths, &paths) {
        tracing::error!(
            path,
            "ferry: this server function has no handler on the server: its crate was \
             built without the `ssr` feature, which Leptos's #[server] reads to compile \
             the body on the server. Name the app's server feature `ssr` (or have it \
             turn `ssr` on); calls to it answer 404 until then"
        );
    }
    for path in &paths {
        if !path.starts_with(&format!("{prefix}/")) {
            tracing::warn!(
                path,
                prefix,
                "server function outside ferry's prefix: set Settings::prefix to \
                 match #[server(prefix = ...)]"
            );
        }
    }
}

/// The paths ferry knows of (its reads and multipart functions, registered
/// whenever ferry runs on the server) that Leptos has no handler for.
fn unserved<'a>(known: impl Iterator<Item = &'a str>, served: &HashSet<String>) -> Vec<&'a str> {
    let mut missing: Vec<&str> = known.filter(|path| !served.contains(*path)).collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_function_leptos_does_not_serve_is_named() {
        let served = HashSet::from(["/api/notes/list".to_owned()]);
        let known = ["/api/notes/list", "/api/notes/get", "/api/notes/get"];
        assert_eq!(unserved(known.into_iter(), &served), ["/api/notes/get"]);
        assert!(unserved(["/api/notes/list"].into_iter(), &served).is_empty());
    }
}
