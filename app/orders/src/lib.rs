//! Orders: checkout turns a cart into an order, and the confirmation page
//! shows it.

pub mod views;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use cart::{stock_message, CartLine};
pub use shop_core::ids::OrderId;
use shop_core::ids::ProductId;
use shop_core::money::Money;
pub use shop_core::tags::ORDERS;

/// Where an order is in its life.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Stored as text in both databases (not a PostgreSQL enum type).
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum OrderStatus {
    Placed,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    /// The status as a shopper reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Placed => "Placed: we are packing it",
            Self::Shipped => "Shipped",
            Self::Delivered => "Delivered",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// One line of an order, priced as it was at checkout.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderLine {
    pub product_id: ProductId,
    pub name: String,
    pub unit_price: Money,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub quantity: u32,
}

/// An order as the confirmation page shows it.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub status: OrderStatus,
    pub placed_at: DateTime<Utc>,
    pub lines: Vec<OrderLine>,
    pub total: Money,
}

/// An order as the list of orders shows it.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderSummary {
    pub id: OrderId,
    pub status: OrderStatus,
    pub placed_at: DateTime<Utc>,
    #[cfg_attr(feature = "ssr", sqlx(rename = "total_cents"))]
    pub total: Money,
}

/// The field key for a problem with one cart line at checkout.
pub fn line_field(product: ProductId) -> String {
    format!("line:{product}")
}

/// Every line the stock cannot cover, keyed by [`line_field`]; an empty cart
/// is a problem of its own. `Ok` means the order can be placed as it is.
pub fn check_stock(lines: &[CartLine]) -> Result<(), ferry::Error> {
    if lines.is_empty() {
        return Err(ferry::Error::invalid("cart", "Your cart is empty."));
    }
    let short: BTreeMap<String, String> = lines
        .iter()
        .filter(|line| line.quantity > line.stock)
        .map(|line| (line_field(line.product_id), stock_message(line.stock)))
        .collect();
    ferry::Error::invalid_fields(short).map_or(Ok(()), Err)
}

/// What the orders' server functions need from the server: declared here,
/// provided by the server-only `services/shop` crate (SQL).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait OrderStore: Send + Sync {
    /// Turns the cart into an order for `account` in one transaction: the
    /// lines at today's prices, the stock taken, the cart emptied. Refused
    /// ([`check_stock`]) when the cart is empty or a line exceeds the stock.
    async fn place_order(
        &self,
        cart: &app_core::session::CartId,
        account: shop_core::ids::AccountId,
    ) -> Result<OrderId, ferry::Error>;
    /// The order, if it is `account`'s.
    async fn find_order(
        &self,
        account: shop_core::ids::AccountId,
        id: OrderId,
    ) -> Result<Option<Order>, ferry::Error>;
    /// `account`'s orders, newest first.
    async fn list_orders(
        &self,
        account: shop_core::ids::AccountId,
    ) -> Result<Vec<OrderSummary>, ferry::Error>;
}

#[cfg(feature = "ssr")]
fn store() -> Result<std::sync::Arc<dyn OrderStore>, ferry::Error> {
    app_core::state::service::<dyn OrderStore>()
}

/// Places an order for everything in the signed-in user's cart and sends
/// them to its confirmation page.
#[ferry::mutation(
    endpoint = "orders/checkout",
    revalidates = [shop_core::tags::CART, shop_core::tags::STOCK, ORDERS],
    guard((account, cart)) = shop_core::visitor::signed_in_with_cart
)]
pub async fn checkout() -> Result<OrderId, ferry::Error> {
    let order = store()?.place_order(&cart, account.id).await?;
    leptos_axum::redirect(&format!("/orders/{order}"));
    Ok(order)
}

/// One of the signed-in user's orders. Anyone else's is "not found", so
/// order numbers reveal nothing.
#[ferry::read(endpoint = "orders/get", guard(account) = shop_core::visitor::signed_in)]
pub async fn get_order(id: OrderId) -> Result<Order, ferry::Error> {
    store()?
        .find_order(account.id, id)
        .await?
        .ok_or_else(|| ferry::Error::not_found(format!("Order {id}")))
}

/// The signed-in user's orders, newest first.
#[ferry::read(endpoint = "orders/mine", guard(account) = shop_core::visitor::signed_in)]
pub async fn my_orders() -> Result<Vec<OrderSummary>, ferry::Error> {
    store()?.list_orders(account.id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, quantity: u32, stock: u32) -> CartLine {
        CartLine {
            product_id: ProductId(id),
            name: String::new(),
            unit_price: Money::from_cents(100),
            quantity,
            stock,
        }
    }

    #[test]
    fn a_covered_cart_passes() {
        assert_eq!(check_stock(&[line(1, 2, 2), line(2, 1, 40)]), Ok(()));
    }

    #[test]
    fn every_short_line_is_named() {
        let err = check_stock(&[line(1, 3, 2), line(2, 1, 40), line(3, 1, 0)]).unwrap_err();
        assert_eq!(err.field("line:1"), Some("Only 2 left."));
        assert_eq!(err.field("line:2"), None);
        assert_eq!(err.field("line:3"), Some("Sold out."));
    }

    #[test]
    fn an_empty_cart_cannot_be_ordered() {
        assert_eq!(
            check_stock(&[]).unwrap_err().field("cart"),
            Some("Your cart is empty.")
        );
    }

    #[test]
    fn statuses_cross_the_wire_as_words() {
        assert_eq!(
            serde_json::to_string(&OrderStatus::Placed).unwrap(),
            r#""placed""#
        );
    }
}
