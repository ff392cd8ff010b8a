//! Who is asking: the signed-in account and the cart a request works on,
//! and the guards server functions declare in one line
//! (`guard(account) = shop_core::visitor::signed_in`). Below every area that needs them
//! (the cart, orders, the catalog's admin calls); signing up, in and out
//! is the accounts area's, above.

#[cfg(feature = "ssr")]
pub mod sessions;

use serde::{Deserialize, Serialize};

use crate::ids::AccountId;

/// The signed-in user, as pages show them.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub is_admin: bool,
}

#[cfg(feature = "ssr")]
pub use sessions::{Session, SessionStore};

/// Guard: a signed-in user (401 otherwise).
/// `guard(account) = shop_core::visitor::signed_in` hands it to the body.
#[cfg(feature = "ssr")]
pub async fn signed_in() -> Result<Account, ferry::Error> {
    sessions::current()
        .await?
        .ok_or_else(ferry::Error::unauthorized)
}

/// Guard: a signed-in user and their cart (401 otherwise), from one
/// session lookup. `guard((account, cart)) = shop_core::visitor::signed_in_with_cart`.
#[cfg(feature = "ssr")]
pub async fn signed_in_with_cart() -> Result<(Account, app_core::session::CartId), ferry::Error> {
    sessions::current_with_cart()
        .await?
        .ok_or_else(ferry::Error::unauthorized)
}

/// Guard: a signed-in admin (401 signed out, 403 signed in as anyone else).
#[cfg(feature = "ssr")]
pub async fn admin() -> Result<Account, ferry::Error> {
    let account = signed_in().await?;
    match account.is_admin {
        true => Ok(account),
        false => Err(ferry::Error::forbidden()),
    }
}
