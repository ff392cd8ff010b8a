//! What server functions share on the server, and how they reach it.

use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::SqlitePool;

use crate::session::SessionKey;

/// Shared server state, given to every request through Leptos's context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Reads: several connections, side by side (WAL).
    pub pool: SqlitePool,
    /// Writes: SQLite takes one writer at a time, so writers queue here, in
    /// order and without blocking a thread, rather than in SQLite's busy
    /// handler, which sleeps in steps of up to 100 ms. The server opens one
    /// connection for it ([`crate::db::writer`]); elsewhere it is `pool`.
    #[from_ref(skip)]
    pub writer: SqlitePool,
    /// Whether cookies carry `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// Signs the cart cookie; from configuration (see `session-key`).
    pub session_key: SessionKey,
    /// Set once the server begins to shut down: `/readyz` answers 503.
    pub draining: ferry::Draining,
}

impl AppState {
    /// State for a server on `pool`, with a random session key (the server
    /// replaces it with the configured one).
    pub fn new(leptos_options: LeptosOptions, pool: SqlitePool) -> Self {
        Self {
            leptos_options,
            writer: pool.clone(),
            pool,
            secure_cookies: false,
            session_key: SessionKey::random(),
            draining: ferry::Draining::default(),
        }
    }
}

/// The state inside a server function. Missing state is a wiring bug in the
/// server set-up, reported as an internal error rather than a panic.
pub fn app_state() -> Result<AppState, ferry::Error> {
    use_context::<AppState>().ok_or_else(|| ferry::Error::internal("AppState missing from context"))
}

/// The database pool for reads inside a server function.
pub fn pool() -> Result<SqlitePool, ferry::Error> {
    Ok(app_state()?.pool)
}

/// The database pool for writes inside a server function.
pub fn writer() -> Result<SqlitePool, ferry::Error> {
    Ok(app_state()?.writer)
}
