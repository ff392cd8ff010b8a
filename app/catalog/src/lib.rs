//! The catalog: products, their prices and stock, and the server functions
//! that read them. The SQL, the image files and the JSON API are
//! server-only (`services/shop`), behind [`CatalogStore`].

#[cfg(feature = "ssr")]
pub mod upload;
pub mod views;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use leptos::server_fn::codec::{MultipartData, MultipartFormData};
pub use shop_core::ids::ProductId;
use shop_core::money::Money;
pub use shop_core::tags::{stock, STOCK};

/// A product as the shop shows it.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
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
    /// The uploaded image's file name (see [`image_url`]), if any.
    pub image: Option<String>,
}

/// A product as the catalog's grid shows it: no description and no date,
/// which the grid does not show. The page carries its data to the browser
/// for hydration, so every field left out is bytes not sent, not escaped
/// and not parsed there (the date alone brought chrono's parser to `/`).
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ProductSummary {
    pub id: ProductId,
    pub name: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "price_cents"))]
    pub price: Money,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub stock: u32,
    pub image: Option<String>,
}

/// Where an uploaded image is served.
pub fn image_url(name: &str) -> String {
    format!("/images/{name}")
}

/// "12 in stock", "Only 3 left", "Sold out".
pub fn availability(units: u32) -> String {
    match units {
        0 => "Sold out".to_owned(),
        n @ 1..=5 => format!("Only {n} left"),
        n => format!("{n} in stock"),
    }
}

/// What the catalog's server functions need from the server: declared
/// here, provided by the server-only `services/shop` crate (SQL, and the
/// image files in `uploads-dir`).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    /// Every product as the grid shows it, newest first.
    async fn list_summaries(&self) -> Result<Vec<ProductSummary>, ferry::Error>;
    /// One product, if it exists.
    async fn find_product(&self, id: ProductId) -> Result<Option<Product>, ferry::Error>;
    /// Sets a product's stock; whether it exists.
    async fn set_stock(&self, id: ProductId, stock: u32) -> Result<bool, ferry::Error>;
    /// Sets a product's price; whether it exists.
    async fn set_price(&self, id: ProductId, price: Money) -> Result<bool, ferry::Error>;
    /// Stores `bytes` (an image whose bytes say it is of type `extension`)
    /// as `product`'s image, and deletes the image it replaces (or the new
    /// one, if the product does not exist or the database fails).
    async fn attach_image(
        &self,
        product: ProductId,
        bytes: Vec<u8>,
        extension: &'static str,
    ) -> Result<(), ferry::Error>;
}

#[cfg(feature = "ssr")]
fn store() -> Result<std::sync::Arc<dyn CatalogStore>, ferry::Error> {
    app_core::state::service::<dyn CatalogStore>()
}

/// Every product, newest first.
/// Shared by every visitor, kept by the server until a checkout revalidates
/// the stock; the max age bounds edits made outside the app.
#[ferry::read(endpoint = "catalog/list")]
pub async fn list_products() -> Result<Vec<ProductSummary>, ferry::Error> {
    ferry::cached("catalog/list", [STOCK], KEEP_FOR, || async {
        store()?.list_summaries().await
    })
    .await
}

/// One product; kept like the list, under its own tag.
#[ferry::read(endpoint = "catalog/get")]
pub async fn get_product(id: ProductId) -> Result<Product, ferry::Error> {
    let tag = stock(id);
    ferry::cached(tag.as_str(), [tag.clone()], KEEP_FOR, || async {
        store()?
            .find_product(id)
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
    keep = [product_id, stock],
    guard = shop_core::visitor::admin
)]
pub async fn set_stock(product_id: ProductId, stock: i64) -> Result<(), ferry::Error> {
    let units =
        u32::try_from(stock).map_err(|_| ferry::Error::invalid("stock", "Out of range."))?;
    match store()?.set_stock(product_id, units).await? {
        true => Ok(()),
        false => Err(ferry::Error::not_found(format!("Product {product_id}"))),
    }
}

/// The largest image accepted, in bytes. It must fit in the request body
/// limit (`body-limit`, 1 MiB by default) with the form around it.
pub const MAX_IMAGE_BYTES: usize = 512 * 1024;

/// The highest price a product may have.
pub const MAX_PRICE: Money = Money::from_cents(10_000_000);

/// The rules of a price change: an amount such as `18.50`, up to [`MAX_PRICE`].
pub fn check_set_price(call: &SetPrice) -> Result<(), ferry::Error> {
    match Money::parse(&call.price) {
        Some(price) if price <= MAX_PRICE => Ok(()),
        Some(_) => Err(ferry::Error::invalid(
            "price",
            format!("Choose a price up to {MAX_PRICE}."),
        )),
        None => Err(ferry::Error::invalid(
            "price",
            "Enter a price such as 18.50.",
        )),
    }
}

/// Sets a product's price (an admin's edit). Kept catalog pages and every
/// cart that shows the product show the new price at once; orders already
/// placed keep the price they were placed at.
#[ferry::mutation(
    endpoint = "catalog/set-price",
    revalidates = [STOCK, shop_core::tags::CART],
    check = check_set_price,
    keep = [product_id, price],
    guard = shop_core::visitor::admin
)]
pub async fn set_price(product_id: ProductId, price: String) -> Result<(), ferry::Error> {
    let price =
        Money::parse(&price).ok_or_else(|| ferry::Error::invalid("price", "Not a price."))?;
    match store()?.set_price(product_id, price).await? {
        true => Ok(()),
        false => Err(ferry::Error::not_found(format!("Product {product_id}"))),
    }
}

/// Gives a product a new image (an admin's upload, a `multipart/form-data`
/// form with `product_id` and `image`). The file is accepted only if its
/// bytes are a PNG, JPEG, WebP or GIF of at most
/// [`MAX_IMAGE_BYTES`]; it is stored under a new name, and the
/// image it replaces is deleted.
#[ferry::mutation(
    endpoint = "catalog/image",
    input = MultipartFormData,
    revalidates = [STOCK],
    guard = shop_core::visitor::admin
)]
pub async fn upload_image(data: MultipartData) -> Result<(), ferry::Error> {
    let upload = upload::Upload::read(data).await?;
    let Some(extension) = upload::sniff(&upload.bytes) else {
        return Err(ferry::Error::invalid("image", upload::NOT_AN_IMAGE)
            .with_value("product_id", upload.product));
    };
    let store = store()?;
    // Spawned: a request cancelled half-way (a timeout, a closed
    // connection) would otherwise leave a file that nothing names.
    let attach = async move {
        store
            .attach_image(upload.product, upload.bytes, extension)
            .await
    };
    tokio::spawn(attach)
        .await
        .map_err(|err| ferry::Error::internal(format!("storing an image: {err}")))?
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
