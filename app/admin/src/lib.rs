//! The admin's page (`/admin`): every product's price, stock and image,
//! each change made by a server function that only an admin may call
//! (`guard = shop_core::visitor::admin`), so posting to it directly meets the
//! same check. An operator makes an account an admin with the server's
//! command, `server admin grant EMAIL`.

pub mod views;

use catalog::ProductSummary;

/// Every product as the admin edits them, read fresh (never kept), for
/// admins only: 401 signed out, 403 for anyone else.
#[ferry::read(endpoint = "admin/products", guard = shop_core::visitor::admin)]
pub async fn admin_products() -> Result<Vec<ProductSummary>, ferry::Error> {
    app_core::state::service::<dyn catalog::CatalogStore>()?
        .list_summaries()
        .await
}
