//! Where the app meets its server-only crates: the binary (and the tests)
//! build each area's services and hand them to the app, which only
//! declares what it needs (`app::required_services`), and merge their
//! plain `axum` routes into the router.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use app::accounts::AccountStore;
use app::cart::CartStore;
use app::catalog::CatalogStore;
use app::counter::CounterStore;
use app::db::Db;
use app::orders::OrderStore;
use app::services::Services;
use app::state::AppState;
use app::visitor::SessionStore;
use counter_service::SqlCounter;
use shop_service::Shop;

/// Every service the app needs, on `db`, with uploaded files in
/// `uploads_dir`; or an error naming each one the app needs and this does
/// not provide (the server stops on it at start-up).
pub fn services(db: &Db, uploads_dir: &Path) -> Result<Services, String> {
    let shop = Arc::new(Shop::new(db.clone(), uploads_dir.to_owned()));
    Services::new()
        .provide::<dyn CounterStore>(Arc::new(SqlCounter::new(db.clone())))
        .provide::<dyn CatalogStore>(shop.clone())
        .provide::<dyn CartStore>(shop.clone())
        .provide::<dyn OrderStore>(shop.clone())
        .provide::<dyn AccountStore>(shop.clone())
        .provide::<dyn SessionStore>(shop)
        .checked(&app::required_services())
}

/// Removes what visitors left behind (`sweep-every`, `server sweep`):
/// expired sessions, carts of no account untouched for `cart_age`, and
/// uploaded files no product names. What it removed, in words.
pub async fn sweep(db: &Db, uploads_dir: &Path, cart_age: Duration) -> Result<String, String> {
    let swept = shop_service::sweep::sweep(db, uploads_dir, cart_age)
        .await
        .map_err(|err| format!("the sweep failed: {err}"))?;
    Ok(format!(
        "swept {} expired sessions, {} lines of abandoned carts, {} unused uploaded files",
        swept.sessions, swept.cart_lines, swept.files
    ))
}

/// The operator's commands, after the binary's name, for `--help`.
pub const COMMANDS: &str = "\
  admin grant EMAIL    make the account with this email an admin
  admin revoke EMAIL   make it a shopper again";

/// Runs the operator's command `args` on `db`: what it did, or why it
/// could not; `None` when there is no such command. Admin rights are
/// given here, by whoever runs the server, never by signing up with a
/// configured address (which anyone could do first).
pub async fn command(db: &Db, args: &[&str]) -> Option<Result<String, String>> {
    let (grant, email) = match args {
        ["admin", "grant", email] => (true, *email),
        ["admin", "revoke", email] => (false, *email),
        _ => return None,
    };
    let email = app::accounts::normalize_email(email);
    Some(
        match shop_service::accounts::set_admin(db, &email, grant).await {
            Ok(true) if grant => Ok(format!("{email} is an admin")),
            Ok(true) => Ok(format!("{email} is no longer an admin")),
            Ok(false) => Err(format!(
                "no account has the email {email}: sign up with it first"
            )),
            Err(err) => Err(format!("cannot change {email}: {err}")),
        },
    )
}

/// The services' plain `axum` routes: the shop's JSON API and images.
pub fn routes() -> axum::Router<AppState> {
    shop_service::routes()
}
