//! What server functions share on the server, and how they reach it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::SqlitePool;

use crate::session::SessionKey;

/// Shared server state, given to every request through Leptos's context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    /// Whether cookies carry `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// Signs the cart cookie; from configuration (see `session-key`).
    pub session_key: SessionKey,
    pub counter: Counter,
}

impl AppState {
    /// State for a server on `pool`, with a random session key (the server
    /// replaces it with the configured one).
    pub fn new(leptos_options: LeptosOptions, pool: SqlitePool) -> Self {
        Self {
            leptos_options,
            pool,
            secure_cookies: false,
            session_key: SessionKey::random(),
            counter: Counter::default(),
        }
    }
}

/// The skeleton's counter: a number kept in memory, on the `/counter` page.
#[derive(Clone, Default)]
pub struct Counter(Arc<AtomicI64>);

impl Counter {
    /// The current value.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Adds `by` and returns the new value.
    pub fn add(&self, by: i64) -> i64 {
        self.0.fetch_add(by, Ordering::SeqCst) + by
    }
}

/// The state inside a server function. Missing state is a wiring bug in the
/// server set-up, reported as an internal error rather than a panic.
pub fn app_state() -> Result<AppState, ferry::Error> {
    use_context::<AppState>().ok_or_else(|| ferry::Error::internal("AppState missing from context"))
}

/// The database pool inside a server function.
pub fn pool() -> Result<SqlitePool, ferry::Error> {
    Ok(app_state()?.pool)
}
