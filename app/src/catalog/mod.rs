//! The catalog: products, their prices and stock, and the server functions
//! that read them.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod views;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// A product's id. A map key in carts, so it orders and hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct ProductId(pub i64);

impl fmt::Display for ProductId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A product as the shop shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub description: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "price_cents"))]
    pub price: Money,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub stock: u32,
    pub created_at: DateTime<Utc>,
}

/// A product as the catalog's grid shows it: no description and no date,
/// which the grid does not show. The page carries its data to the browser
/// for hydration, so every field left out is bytes not sent, not escaped
/// and not parsed there (the date alone brought chrono's parser to `/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ProductSummary {
    pub id: ProductId,
    pub name: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "price_cents"))]
    pub price: Money,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub stock: u32,
}

/// "12 in stock", "Only 3 left", "Sold out".
pub fn availability(units: u32) -> String {
    match units {
        0 => "Sold out".to_owned(),
        n @ 1..=5 => format!("Only {n} left"),
        n => format!("{n} in stock"),
    }
}

ferry::tags! {
    /// Every product's stock; [`stock`] for one product's.
    pub STOCK = "stock";
}

/// The tag of one product's stock (`stock:7`).
pub fn stock(id: ProductId) -> ferry::Tag {
    STOCK.child(id)
}

/// Every product, newest first.
/// Shared by every visitor, kept by the server until a checkout revalidates
/// the stock; the max age bounds edits made outside the app.
#[ferry::read(endpoint = "catalog/list")]
pub async fn list_products() -> Result<Vec<ProductSummary>, ferry::Error> {
    ferry::cached("catalog/list", [STOCK], KEEP_FOR, || async {
        Ok(repo::list_summaries(&crate::state::db()?).await?)
    })
    .await
}

/// One product; kept like the list, under its own tag.
#[ferry::read(endpoint = "catalog/get")]
pub async fn get_product(id: ProductId) -> Result<Product, ferry::Error> {
    let tag = stock(id);
    ferry::cached(tag.as_str(), [tag.clone()], KEEP_FOR, || async {
        repo::find_product(&crate::state::db()?, id)
            .await?
            .ok_or_else(|| ferry::Error::not_found(format!("Product {id}")))
    })
    .await
}

/// The most stock one product may hold.
pub const MAX_STOCK: i64 = 100_000;

/// The rules of a stock change: a whole number from 0 to [`MAX_STOCK`].
pub fn check_set_stock(call: &SetStock) -> Result<(), ferry::Error> {
    match (0..=MAX_STOCK).contains(&call.stock) {
        true => Ok(()),
        false => Err(ferry::Error::invalid(
            "stock",
            format!("Choose a number from 0 to {MAX_STOCK}."),
        )),
    }
}

/// Sets a product's stock (an admin's restock). Everyone's kept catalog
/// pages and reads show the new number at once.
#[ferry::mutation(
    endpoint = "catalog/set-stock",
    revalidates = [STOCK],
    check = check_set_stock,
    guard = crate::accounts::admin
)]
pub async fn set_stock(product_id: ProductId, stock: i64) -> Result<(), ferry::Error> {
    let units =
        u32::try_from(stock).map_err(|_| ferry::Error::invalid("stock", "Out of range."))?;
    match repo::set_stock(&crate::state::db()?, product_id, units).await? {
        true => Ok(()),
        false => Err(ferry::Error::not_found(format!("Product {product_id}"))),
    }
}

/// How long the server may keep the catalog's reads and pages.
pub const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_warns_when_stock_is_low() {
        assert_eq!(availability(0), "Sold out");
        assert_eq!(availability(3), "Only 3 left");
        assert_eq!(availability(40), "40 in stock");
    }

    #[test]
    fn ids_cross_the_wire_as_integers_and_key_maps() {
        let map = std::collections::BTreeMap::from([(ProductId(7), 1)]);
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, r#"{"7":1}"#);
        assert_eq!(
            serde_json::from_str::<std::collections::BTreeMap<ProductId, i32>>(&json).unwrap(),
            map
        );
    }
}
