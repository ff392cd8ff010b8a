//! The shop's server-only side: its SQL on SQLite and PostgreSQL, password
//! hashing and the product images on disk, behind the traits the app's
//! areas declare (`catalog::CatalogStore` and the others). The server
//! binary provides a [`Shop`] as each; the WASM never builds this crate.
//! One crate for the four areas, because their SQL shares transactions and
//! locks (a checkout takes stock and empties a cart; signing in merges
//! carts).

pub mod accounts;
pub mod cart;
pub mod catalog;
pub mod orders;
mod shop;
pub mod sweep;

pub use shop::Shop;

/// The shop's plain `axum` routes: the JSON API for other clients
/// (`/api/v1/products`) and the uploaded images (`/images/<name>`).
pub fn routes() -> axum::Router<app_core::state::AppState> {
    catalog::api::routes().merge(catalog::images::routes())
}
