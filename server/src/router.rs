//! The whole HTTP surface in one function, used by `main` and by tests:
//! the app's own routes, with ferry's layers installed around them.

use app::db::Db;
use app::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use ferry::Ferry;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

/// Pages, server functions, the JSON API, static files and the 404 page,
/// health and readiness, all inside ferry's layers.
pub fn router(state: AppState, ferry: &Ferry) -> Router {
    router_with(state, ferry, None)
}

/// [`router`], with the OpenAPI document of every server function served
/// at `openapi` (the `openapi` key).
pub fn router_with(state: AppState, ferry: &Ferry, openapi: Option<&str>) -> Router {
    let options = state.leptos_options.clone();
    watch_pool(ferry, &state.db);
    let documented = match openapi {
        Some(path) => openapi_document().router(path),
        None => Router::new(),
    };
    let app = Router::new()
        // Registers every page and every server function; gives each the state.
        .leptos_routes(&state, route_list(), move || shell(options.clone()))
        .merge(crate::services::routes())
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .merge(documented);
    ferry.install(app)
}

/// The OpenAPI document of the app's server functions: the same for the
/// route and for `server openapi`.
pub fn openapi_document() -> ferry::openapi::Document {
    ferry::openapi::Document::new(app::site::TITLE, env!("CARGO_PKG_VERSION"))
        .description(
            "Every server function of the app, as plain HTTP: a form-encoded POST (or JSON \
             where a function takes it) answered with JSON. A call from another site is \
             refused unless its origin is allowed (`allowed-origins`); a function that needs \
             a signed-in user takes the session cookie that signing in sets.",
        )
        .session_cookie(app::site::SESSION_COOKIE)
}

/// The pool's open and idle connections, read at each scrape.
fn watch_pool(ferry: &Ferry, db: &Db) {
    let open = db.clone();
    ferry.metrics().gauge(
        "db_pool_connections",
        "Open database connections",
        move || i64::from(open.connections().0),
    );
    let idle = db.clone();
    ferry.metrics().gauge(
        "db_pool_idle_connections",
        "Idle database connections",
        move || idle.connections().1 as i64,
    );
}

/// Ready when the database answers and the server is not shutting down;
/// load balancers send traffic only then.
async fn ready(
    State(db): State<Db>,
    State(draining): State<ferry::Draining>,
) -> (StatusCode, &'static str) {
    if draining.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: shutting down\n",
        );
    }
    match db.ping().await {
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
