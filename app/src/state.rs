//! What server functions share on the server, and how they reach it.

use axum::extract::FromRef;
use ferry::sqlite::Writer;
use leptos::prelude::*;
use sqlx::SqlitePool;

use crate::session::SessionKey;

/// Shared server state, given to every request through Leptos's context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Reads: several connections, side by side (WAL).
    pub pool: SqlitePool,
    /// Writes: SQLite takes one writer at a time, so every write goes to
    /// one thread with one connection ([`crate::db::writer`]), which commits
    /// the writes waiting together in one transaction, rather than to
    /// SQLite's busy handler, which sleeps in steps of up to 100 ms.
    #[from_ref(skip)]
    pub writer: Writer,
    /// Whether cookies carry `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// Signs the cart cookie; from configuration (see `session-key`).
    pub session_key: SessionKey,
    /// Set once the server begins to shut down: `/readyz` answers 503.
    pub draining: ferry::Draining,
}

impl AppState {
    /// State for a server reading through `pool` and writing through
    /// `writer`, with a random session key (the server replaces it with the
    /// configured one).
    pub fn new(leptos_options: LeptosOptions, pool: SqlitePool, writer: Writer) -> Self {
        Self {
            leptos_options,
            writer,
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

/// The database's writer inside a server function.
pub fn writer() -> Result<Writer, ferry::Error> {
    Ok(app_state()?.writer)
}
