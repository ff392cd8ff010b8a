//! The public JSON API for clients other than the app's own pages:
//! `GET /api/v1/products` and `GET /api/v1/products/{id}`.

use ::catalog::{Product, ProductId};
use app_core::db::Db;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

/// The API's routes, to merge into the server's router.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Db: axum::extract::FromRef<S>,
{
    Router::new()
        .route("/api/v1/products", get(list))
        .route("/api/v1/products/{id}", get(show))
}

async fn list(State(db): State<Db>) -> Result<Json<Vec<Product>>, ferry::Error> {
    Ok(Json(super::list_products(&db).await?))
}

/// The id is taken as text so a malformed one gets the API's own JSON error.
async fn show(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Product>, ferry::Error> {
    let id = id
        .parse::<i64>()
        .map(ProductId)
        .map_err(|_| ferry::Error::BadRequest {
            message: format!("product id must be a whole number, not {id:?}"),
        })?;
    let product = super::find_product(&db, id).await?;
    product
        .map(Json)
        .ok_or_else(|| ferry::Error::not_found(format!("Product {id}")))
}
