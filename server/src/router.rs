//! The whole HTTP surface in one function, used by `main` and by tests.

use app::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{middleware, Router};
use ferry::cache::Cache;
use ferry::metrics::Metrics;
use ferry::observe::Observe;
use ferry::ratelimit::RateLimit;
use ferry::security::SameOrigin;
use leptos::config::Env;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

/// What the HTTP layers enforce; from the configuration in `main`.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Who may send state-changing requests besides the site itself.
    pub same_origin: SameOrigin,
    /// Largest request body in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Requests per client address; `None` for no limit.
    pub rate_limit: Option<RateLimit>,
    /// Where calls and requests are counted.
    pub metrics: Metrics,
    /// Whether `/metrics` is served on the site's own address.
    pub metrics_on_site: bool,
    /// Pages kept for visitors without cookies, and cached reads.
    pub cache: Cache,
}

impl Default for HttpSettings {
    /// The site alone may post; bodies up to 1 MiB; 50 requests a second
    /// per address, in bursts of up to 100; `/metrics` on the site; up to
    /// 1,000 pages and
    /// 1,000 reads kept.
    fn default() -> Self {
        Self {
            same_origin: SameOrigin::default(),
            body_limit: 1024 * 1024,
            rate_limit: Some(RateLimit {
                per_second: 50,
                burst: 100,
            }),
            metrics: Metrics::new(),
            metrics_on_site: true,
            cache: Cache::new(1000),
        }
    }
}

/// Pages, server functions (under `/api`), static files and the 404 page,
/// behind the security layers; health, readiness and metrics beside them.
pub fn router(state: AppState, settings: &HttpSettings) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let development = options.env == Env::DEV;
    watch_pool(&settings.metrics, &state.pool);
    let router = Router::new()
        // Registers every page and every server function; gives each the state.
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .merge(app::json_api())
        .route(
            "/api/{*endpoint}",
            ferry::server::no_such_endpoint(development),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(ferry::server::error_status))
        .layer(middleware::from_fn(ferry::server::clean_redirect))
        .layer(middleware::from_fn_with_state(
            settings.body_limit,
            ferry::server::body_limit,
        ))
        .layer(middleware::from_fn_with_state(
            settings.same_origin.clone(),
            ferry::security::same_origin,
        ))
        // Around pages and server functions alike: it serves kept pages and
        // sees what each call revalidates.
        .layer(middleware::from_fn_with_state(
            settings.cache.clone(),
            ferry::cache::pages::layer,
        ))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(state);
    let router = match settings.metrics_on_site {
        true => router.merge(metrics_router(settings.metrics.clone())),
        false => router,
    };
    // A client over its rate is refused before any other work, but still
    // counted, logged and given a request id.
    let router = match settings.rate_limit.and_then(ferry::ratelimit::layer) {
        Some(limit) => router.layer(limit),
        None => router,
    };
    let observe = Observe {
        metrics: settings.metrics.clone(),
        prefix: "/api",
    };
    router
        .layer(middleware::from_fn_with_state(
            observe,
            ferry::observe::observe,
        ))
        .layer(middleware::from_fn(ferry::request_id::request_id))
}

/// `GET /metrics` alone: merged into the site, or served on its own address.
pub fn metrics_router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(ferry::metrics::serve))
        .with_state(metrics)
}

/// The pool's open and idle connections, read at each scrape.
fn watch_pool(metrics: &Metrics, pool: &sqlx::SqlitePool) {
    let open = pool.clone();
    metrics.gauge(
        "db_pool_connections",
        "Open database connections",
        move || i64::from(open.size()),
    );
    let idle = pool.clone();
    metrics.gauge(
        "db_pool_idle_connections",
        "Idle database connections",
        move || idle.num_idle() as i64,
    );
}

/// Ready when the database answers; load balancers send traffic only then.
async fn ready(State(pool): State<sqlx::SqlitePool>) -> (StatusCode, &'static str) {
    match app::db::ping(&pool).await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(err) => {
            tracing::warn!(%err, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database does not answer\n",
            )
        }
    }
}

/// The app's routes, worked out once per process. Leptos renders the app to
/// list them and, meanwhile, parks every resource that starts loading
/// anywhere in the process (leptos-rs/leptos#4773): building a second router
/// while another serves (as parallel tests do) would hang those requests.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}
