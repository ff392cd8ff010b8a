//! Where the app meets its server-only crates: the binary (and the tests)
//! build each area's services and hand them to the app, which only
//! declares what it needs (`app::required_services`), and merge their
//! plain `axum` routes into the router. Add an area's service here when
//! you add its crate under `services/`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use app::counter::CounterStore;
use app::db::Db;
use app::services::Services;
use app::state::AppState;
use counter_service::SqlCounter;

/// Every service the app needs, on `db` (uploaded files would go in
/// `_uploads_dir`: none yet); or an error naming each one the app needs and
/// this does not provide (the server stops on it at start-up).
pub fn services(db: &Db, _uploads_dir: &Path) -> Result<Services, String> {
    Services::new()
        .provide::<dyn CounterStore>(Arc::new(SqlCounter::new(db.clone())))
        .checked(&app::required_services())
}

/// Removes what visitors left behind (`sweep-every`, `server sweep`):
/// nothing yet (the shop's sweep removes expired sessions, abandoned carts
/// and unused uploads).
pub async fn sweep(_db: &Db, _uploads_dir: &Path, _cart_age: Duration) -> Result<String, String> {
    Ok("nothing to sweep".to_owned())
}

/// The operator's commands, after the binary's name, for `--help`: none
/// yet (the shop's `admin grant EMAIL` is one).
pub const COMMANDS: &str = "  (none yet)";

/// Runs the operator's command `args` on `db`; `None` when there is no
/// such command, as there is none yet.
pub async fn command(_db: &Db, _args: &[&str]) -> Option<Result<String, String>> {
    None
}

/// The services' plain `axum` routes (a JSON API, uploaded files): none yet.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
}
