//! [`Ferry`]: every server-side layer of ferry, installed on an axum router
//! in one call and in the one order that works.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

#[cfg(feature = "cache")]
use crate::cache::Cache;
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::settings::Settings;

/// Ferry's server side, configured once. [`Ferry::install`] wraps an app's
/// router (its pages, server functions and own routes) in, from the outside
/// in: request ids, the per-call log lines and metrics, the bound on
/// requests in flight and the request timeout, the rate limit, the
/// server's cache, the same-origin check, the body limit, and the layers
/// that give failed calls their real status. It also answers unknown paths
/// under the server-function prefix with a 404, and serves `/metrics` where
/// [`Settings::metrics_on_site`] says.
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
        let prefix = self.settings.normalized_prefix();
        let functions = registered_functions(&prefix);
        let router = router.route(
            &format!("{prefix}/{{*endpoint}}"),
            crate::server::no_such_endpoint(self.settings.development),
        );
        #[cfg(feature = "metrics")]
        let router = match self.settings.metrics_on_site {
            true => router.route(
                "/metrics",
                axum::routing::get(crate::metrics::serve).with_state(self.metrics.clone()),
            ),
            false => router,
        };
        let router = router
            .layer(from_fn_with_state(
                Arc::new(crate::__private::multipart_paths()),
                crate::multipart::refuse_unreadable,
            ))
            .layer(from_fn(crate::server::error_status))
            .layer(from_fn(crate::server::clean_redirect));
        let router = match &self.settings.sign_in_path {
            Some(path) => router.layer(from_fn_with_state(
                Arc::<str>::from(path.as_str()),
                crate::guard::sign_in_redirect,
            )),
            None => router,
        };
        let router = router
            .layer(from_fn_with_state(
                self.settings.body_limit,
                crate::server::streamed_too_large,
            ))
            .layer(tower_http::limit::RequestBodyLimitLayer::new(
                self.settings.body_limit,
            ))
            .layer(from_fn_with_state(
                self.settings.same_origin.clone(),
                crate::security::same_origin,
            ));
        #[cfg(feature = "cache")]
        let router = router.layer(from_fn_with_state(
            self.cache.clone(),
            crate::cache::pages::layer,
        ));
        // Outside the cache, so a mutation's revalidation reaches the cache
        // before the reads it answers inline run; it renders pages with the
        // app as it is inside this layer.
        let router = router.clone().layer(crate::inline::server::InlineLayer {
            reads: Arc::new(crate::__private::read_paths()),
            app: router,
            sequence: Arc::default(),
        });
        // A client over its rate is refused before any other work, but still
        // counted, logged and given a request id.
        #[cfg(feature = "ratelimit")]
        let (router, keyed) = match self.settings.rate_limit.and_then(crate::ratelimit::layer) {
            Some(limit) => (router.layer(limit), true),
            None => (router, false),
        };
        #[cfg(not(feature = "ratelimit"))]
        let keyed = false;
        // Who the client is, for the rate limit and the same-origin check.
        let router = router.layer(from_fn_with_state(
            crate::client_addr::Clients::new(self.settings.trusted_proxies.clone(), keyed),
            crate::client_addr::record,
        ));
        // Inside the logs and metrics, so a refused or timed-out request is
        // counted and has an id like any other.
        let router = crate::overload::layer(
            router,
            self.settings.request_timeout,
            self.settings.max_in_flight,
        );
        let observe = crate::observe::Observe {
            #[cfg(feature = "metrics")]
            metrics: self.metrics.clone(),
            functions: Arc::new(functions),
            prefix: prefix.as_str().into(),
        };
        let router = router.layer(from_fn_with_state(observe, crate::observe::observe));
        let router = crate::request_id::install(router);
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

/// The paths of every registered server function. Those outside `prefix`
/// are named at start-up: the 404 route and the suggestions cannot see them.
/// So is any ferry read or multipart function Leptos has no handler for.
fn registered_functions(prefix: &str) -> HashSet<String> {
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
    paths
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
