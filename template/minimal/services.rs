//! Where the app meets its server-only crates: the binary (and the tests)
//! build each area's services and hand them to the app, which only
//! declares what it needs (`app::required_services`), and merge their
//! plain `axum` routes into the router. Add an area's service here when
//! you add its crate under `services/`.

use std::path::Path;
use std::sync::Arc;

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

/// The services' plain `axum` routes (a JSON API, uploaded files): none yet.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
}
