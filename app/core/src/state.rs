//! What server functions share on the server, and how they reach it.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;

use crate::db::Db;
use crate::services::Services;
use crate::session::SessionKey;

/// Shared server state, given to every request through Leptos's context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The database: SQLite or PostgreSQL, as `database-url` says.
    pub db: Db,
    /// Whether cookies carry `Secure` (`cookie-secure`): see
    /// [`AppState::secure_cookie`].
    pub secure_cookies: crate::secure::SecureCookies,
    /// Signs the cart cookie; from configuration (see `session-key`).
    pub session_key: SessionKey,
    /// Set once the server begins to shut down: `/readyz` answers 503.
    pub draining: ferry::Draining,
    /// Where uploaded files are written and served from (`uploads-dir`).
    pub uploads_dir: std::path::PathBuf,
    /// What the areas' server functions need from server-only crates,
    /// provided by the server binary.
    pub services: Services,
}

impl AppState {
    /// State for a server on `db` with `services`, and a random session key
    /// (the server replaces it with the configured one).
    /// Whether the cookies this request sets carry `Secure`.
    pub fn secure_cookie(&self) -> bool {
        let request = use_context::<axum::http::request::Parts>();
        self.secure_cookies.for_request(request.as_ref())
    }

    pub fn new(leptos_options: LeptosOptions, db: Db, services: Services) -> Self {
        Self {
            leptos_options,
            db,
            secure_cookies: crate::secure::SecureCookies::Auto { production: false },
            session_key: SessionKey::random(),
            draining: ferry::Draining::default(),
            uploads_dir: std::path::PathBuf::from("uploads"),
            services,
        }
    }
}

/// The state inside a server function. Missing state is a wiring bug in the
/// server set-up, reported as an internal error rather than a panic.
pub fn app_state() -> Result<AppState, ferry::Error> {
    use_context::<AppState>().ok_or_else(|| ferry::Error::internal("AppState missing from context"))
}

/// The service `T` (a trait an area declares) inside a server function:
/// how a server function reaches the database, through the server-only
/// crate that provides `T` (there is no other way, on purpose).
pub fn service<T: ?Sized + Send + Sync + 'static>() -> Result<Arc<T>, ferry::Error> {
    // Read in place: no clone of the whole state on each call.
    with_context::<AppState, _>(|state| state.services.get::<T>())
        .ok_or_else(|| ferry::Error::internal("AppState missing from context"))?
}
