//! [`Shop`]: the traits the app's areas declare, provided on the database
//! and the uploads folder by the functions of this crate's modules.

use std::path::PathBuf;

use ::accounts::{AccountStore, Created, Found};
use ::cart::{Cart, CartStore, Quantity};
use ::catalog::{CatalogStore, Product, ProductSummary};
use ::orders::{Order, OrderStore, OrderSummary};
use app_core::db::Db;
use app_core::session::CartId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use shop_core::ids::{AccountId, OrderId, ProductId};
use shop_core::money::Money;
use shop_core::visitor::{Session, SessionStore};

use crate::{accounts, cart, catalog, orders};

/// The shop on `db`, with product images in `uploads_dir`.
pub struct Shop {
    db: Db,
    uploads_dir: PathBuf,
}

impl Shop {
    /// The shop on `db` (migrated), with images in `uploads_dir` (created).
    pub fn new(db: Db, uploads_dir: PathBuf) -> Self {
        Self { db, uploads_dir }
    }
}

#[async_trait]
impl CatalogStore for Shop {
    async fn list_summaries(&self) -> Result<Vec<ProductSummary>, ferry::Error> {
        Ok(catalog::list_summaries(&self.db).await?)
    }

    async fn find_product(&self, id: ProductId) -> Result<Option<Product>, ferry::Error> {
        Ok(catalog::find_product(&self.db, id).await?)
    }

    async fn set_stock(&self, id: ProductId, stock: u32) -> Result<bool, ferry::Error> {
        catalog::set_stock(&self.db, id, stock).await
    }

    async fn set_price(&self, id: ProductId, price: Money) -> Result<bool, ferry::Error> {
        catalog::set_price(&self.db, id, price).await
    }

    async fn attach_image(
        &self,
        product: ProductId,
        bytes: Vec<u8>,
        extension: &'static str,
    ) -> Result<(), ferry::Error> {
        catalog::images::attach(&self.db, &self.uploads_dir, product, bytes, extension).await
    }
}

#[async_trait]
impl CartStore for Shop {
    async fn load_cart(&self, cart: &CartId) -> Result<Cart, ferry::Error> {
        Ok(cart::load_cart(&self.db, cart).await?)
    }

    async fn add_line(
        &self,
        cart: &CartId,
        product: ProductId,
        adding: Quantity,
    ) -> Result<u32, ferry::Error> {
        cart::add_line(&self.db, cart, product, adding).await
    }

    async fn set_line(
        &self,
        cart: &CartId,
        product: ProductId,
        wanted: Quantity,
    ) -> Result<u32, ferry::Error> {
        cart::set_line(&self.db, cart, product, wanted).await
    }

    async fn delete_line(&self, cart: &CartId, product: ProductId) -> Result<u32, ferry::Error> {
        cart::delete_line(&self.db, cart, product).await
    }
}

#[async_trait]
impl OrderStore for Shop {
    async fn place_order(
        &self,
        cart: &CartId,
        account: AccountId,
    ) -> Result<OrderId, ferry::Error> {
        orders::place_order(&self.db, cart, account).await
    }

    async fn find_order(
        &self,
        account: AccountId,
        id: OrderId,
    ) -> Result<Option<Order>, ferry::Error> {
        Ok(orders::find_order(&self.db, account, id).await?)
    }

    async fn list_orders(&self, account: AccountId) -> Result<Vec<OrderSummary>, ferry::Error> {
        Ok(orders::list_orders(&self.db, account).await?)
    }
}

#[async_trait]
impl AccountStore for Shop {
    async fn create(&self, email: &str, password: String) -> Result<Option<Created>, ferry::Error> {
        let hash = accounts::password::hash(password).await?;
        accounts::create(&self.db, email, &hash, false).await
    }

    async fn check_password(
        &self,
        email: &str,
        password: String,
    ) -> Result<Option<Found>, ferry::Error> {
        let stored = accounts::find_by_email(&self.db, email).await?;
        let hash = stored.as_ref().map(|stored| stored.password_hash.clone());
        // Verified against a decoy when the email is unknown: the same work.
        let matches = accounts::password::verify(password, hash).await?;
        Ok(stored.filter(|_| matches).map(|stored| Found {
            account: stored.account,
            cart: stored.cart,
        }))
    }

    async fn merge_cart(&self, from: &CartId, into: &CartId) -> Result<(), ferry::Error> {
        accounts::merge_cart(&self.db, from, into).await
    }
}

#[async_trait]
impl SessionStore for Shop {
    async fn find_session(&self, id_hash: &str) -> Result<Option<Session>, ferry::Error> {
        Ok(accounts::find_session(&self.db, id_hash).await?)
    }

    async fn create_session(
        &self,
        id_hash: &str,
        account: AccountId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), ferry::Error> {
        accounts::create_session(&self.db, id_hash, account, expires_at).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), ferry::Error> {
        accounts::delete_session(&self.db, id_hash).await
    }
}
