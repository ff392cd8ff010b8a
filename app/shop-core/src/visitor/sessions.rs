//! Sessions: a random id in an `HttpOnly`, `SameSite=Lax` cookie, its
//! SHA-256 in the database with the account and an expiry. Every sign-in
//! makes a new id (a session id planted before signing in is worth
//! nothing) and sign-out deletes the row, so a copied cookie dies with it.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use cookie::time::Duration;
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use super::Account;
use crate::ids::AccountId;
use app_core::session::CartId;
use app_core::state::AppState;

/// A stored session: whose, their cart, and until when.
pub struct Session {
    pub account: Account,
    pub cart: CartId,
    pub expires_at: DateTime<Utc>,
}

/// Where sessions are kept, by their id's hash (never the id itself):
/// declared here, provided by a server-only crate (`services/shop`).
#[async_trait::async_trait]
pub trait SessionStore: Send + Sync {
    /// The session whose id hashes to `id_hash`, expired or not.
    async fn find_session(&self, id_hash: &str) -> Result<Option<Session>, ferry::Error>;
    /// Stores a session for `account` until `expires_at`; the account's
    /// expired sessions go.
    async fn create_session(
        &self,
        id_hash: &str,
        account: AccountId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), ferry::Error>;
    /// Deletes the session, if it is there.
    async fn delete_session(&self, id_hash: &str) -> Result<(), ferry::Error>;
}

fn store() -> Result<std::sync::Arc<dyn SessionStore>, ferry::Error> {
    app_core::state::service::<dyn SessionStore>()
}

/// The cookie's name.
pub const COOKIE_NAME: &str = app_core::site::SESSION_COOKIE;

/// How long a session lasts from sign-in: 14 days.
pub const LIFETIME_DAYS: i64 = 14;

/// A session's id: 64 lowercase hex digits (256 random bits from the
/// operating system).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(String);

impl SessionId {
    /// A new random id.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(hex(&bytes))
    }

    /// Accepts only the shape `generate` makes; anything else is no session.
    pub fn parse(value: &str) -> Option<Self> {
        let well_formed = value.len() == 64
            && value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        well_formed.then(|| Self(value.to_owned()))
    }

    /// What the database keeps: the id's SHA-256, in hex.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The id as the cookie carries it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SessionId {
    // A session id is a password: never in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionId(…)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The session id in the request's cookies, if it has a well-formed one.
pub fn id_from(parts: &Parts) -> Option<SessionId> {
    SessionId::parse(&app_core::session::cookie_value(parts, COOKIE_NAME)?)
}

/// The signed-in account and its cart, if the request has a live session.
pub async fn current_with_cart() -> Result<Option<(Account, CartId)>, ferry::Error> {
    let Some(id) = use_context::<Parts>().and_then(|parts| id_from(&parts)) else {
        return Ok(None);
    };
    let found = store()?.find_session(&id.hash()).await?;
    Ok(found
        .filter(|session| session.expires_at > Utc::now())
        .map(|session| (session.account, session.cart)))
}

/// The signed-in account, if the request has a live session.
pub async fn current() -> Result<Option<Account>, ferry::Error> {
    Ok(current_with_cart().await?.map(|(account, _)| account))
}

/// The cart this request works on: a signed-in account's own, otherwise
/// the visitor's (the cart cookie's), if there is one.
pub async fn current_cart() -> Result<Option<CartId>, ferry::Error> {
    match current_with_cart().await? {
        Some((_, cart)) => Ok(Some(cart)),
        None => Ok(app_core::session::current_cart(
            &app_core::state::app_state()?.session_key,
        )),
    }
}

/// The cart a change goes to: a signed-in account's own, otherwise the
/// visitor's, made (and its cookie set) if they have none yet.
pub async fn ensure_cart(state: &AppState) -> Result<CartId, ferry::Error> {
    match current_with_cart().await? {
        Some((_, cart)) => Ok(cart),
        None => Ok(app_core::session::ensure_cart(
            &state.session_key,
            state.secure_cookie(),
        )),
    }
}

/// Signs `account` in on this browser: ends any session the request
/// carried, stores a new one and sets its cookie.
pub async fn start(state: &AppState, account: AccountId) -> Result<(), ferry::Error> {
    if let Some(old) = use_context::<Parts>().and_then(|parts| id_from(&parts)) {
        store()?.delete_session(&old.hash()).await?;
    }
    let id = SessionId::generate();
    let expires_at: DateTime<Utc> = Utc::now() + chrono::Duration::days(LIFETIME_DAYS);
    store()?
        .create_session(&id.hash(), account, expires_at)
        .await?;
    app_core::session::append_set_cookie(&set_cookie(id.as_str(), state.secure_cookie()));
    Ok(())
}

/// Signs out: deletes the request's session on the server and expires its
/// cookie. Without a session, only the cookie is expired.
pub async fn end(state: &AppState) -> Result<(), ferry::Error> {
    if let Some(id) = use_context::<Parts>().and_then(|parts| id_from(&parts)) {
        store()?.delete_session(&id.hash()).await?;
    }
    app_core::session::append_set_cookie(&expired_cookie(state.secure_cookie()));
    Ok(())
}

/// The `Set-Cookie` value: private to the site, and gone when the session is.
fn set_cookie(id: &str, secure: bool) -> String {
    app_core::session::private_cookie(COOKIE_NAME, id, Duration::days(LIFETIME_DAYS), secure)
}

fn expired_cookie(secure: bool) -> String {
    app_core::session::private_cookie(COOKIE_NAME, "", Duration::ZERO, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_and_parse_back() {
        let (a, b) = (SessionId::generate(), SessionId::generate());
        assert!(a != b);
        assert!(SessionId::parse(a.as_str()) == Some(a.clone()));
        assert_ne!(a.hash(), a.as_str(), "stored as a hash");
        assert_eq!(a.hash().len(), 64);
    }

    #[test]
    fn malformed_ids_are_no_session() {
        let upper = "A".repeat(64);
        let short = "a".repeat(63);
        for bad in ["", "' OR 1=1 --", upper.as_str(), short.as_str()] {
            assert!(SessionId::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_on_request() {
        let plain = set_cookie("abc", false);
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure") && plain.contains("Path=/"));
        assert!(set_cookie("abc", true).contains("; Secure"));
        assert!(expired_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn ids_stay_out_of_logs() {
        assert_eq!(format!("{:?}", SessionId::generate()), "SessionId(…)");
    }
}
