//! The visitor's cart: its rules, its shape on the wire, and the server
//! functions that read and change it.

pub mod views;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use shop_core::ids::ProductId;
use shop_core::money::Money;
pub use shop_core::tags::CART;

/// Most units of one product a cart may hold.
pub const MAX_QUANTITY: u32 = 99;

/// A quantity the shop accepts: 1 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity(u32);

impl Quantity {
    /// Checks what the user typed; the error names the `quantity` field.
    pub fn parse(value: i64) -> Result<Self, ferry::Error> {
        match u32::try_from(value) {
            Ok(n @ 1..=MAX_QUANTITY) => Ok(Self(n)),
            _ => Err(ferry::Error::invalid(
                "quantity",
                format!("Choose 1 to {MAX_QUANTITY}."),
            )),
        }
    }

    /// The count.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// The rules of an add, checked in the browser before sending and on the
/// server before the body.
pub fn check_add(add: &AddToCart) -> Result<(), ferry::Error> {
    Quantity::parse(add.quantity).map(drop)
}

/// The rules of a quantity change, checked in both places too.
pub fn check_set(set: &SetQuantity) -> Result<(), ferry::Error> {
    Quantity::parse(set.quantity).map(drop)
}

/// What a shopper is told when stock is short: field messages say this.
pub fn stock_message(available: u32) -> String {
    match available {
        0 => "Sold out.".to_owned(),
        n => format!("Only {n} left."),
    }
}

/// The quantity a line will have after adding `adding` to `existing`, if
/// the stock and the per-line limit allow it.
pub fn quantity_after_add(
    existing: u32,
    adding: Quantity,
    stock: u32,
) -> Result<u32, ferry::Error> {
    let wanted = existing.saturating_add(adding.get());
    if wanted > MAX_QUANTITY {
        let room = MAX_QUANTITY - existing.min(MAX_QUANTITY);
        return Err(ferry::Error::invalid(
            "quantity",
            format!("You already have {existing}; you can add at most {room} more."),
        ));
    }
    quantity_in_stock(wanted, stock)
}

/// `wanted` if the stock covers it.
pub fn quantity_in_stock(wanted: u32, stock: u32) -> Result<u32, ferry::Error> {
    if wanted <= stock {
        Ok(wanted)
    } else {
        Err(ferry::Error::invalid("quantity", stock_message(stock)))
    }
}

/// One product in the cart, with what the shop needs to show and check it.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CartLine {
    pub product_id: ProductId,
    pub name: String,
    pub unit_price: Money,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub quantity: u32,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub stock: u32,
}

impl CartLine {
    /// Unit price times quantity.
    pub fn total(&self) -> Money {
        self.unit_price * self.quantity
    }
}

/// The cart: lines keyed (and ordered) by product id, and the email of
/// the signed-in account it belongs to (none for a visitor's), and whether
/// that account is an admin. The header shows all three from this one query: a query of its own for the account
/// cost the first load 18 KB of gzip WASM.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: BTreeMap<ProductId, CartLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub admin: bool,
}

impl Cart {
    /// Units in the cart, for the header badge.
    pub fn item_count(&self) -> u32 {
        self.lines.values().map(|l| l.quantity).sum()
    }

    /// What the cart costs.
    pub fn total(&self) -> Money {
        self.lines.values().map(CartLine::total).sum()
    }

    /// The cart once `line.quantity` more of its product is in it: what an
    /// add shows before the server answers.
    pub fn add(&mut self, line: CartLine) {
        match self.lines.get_mut(&line.product_id) {
            Some(existing) => existing.quantity = existing.quantity.saturating_add(line.quantity),
            None => {
                self.lines.insert(line.product_id, line);
            }
        }
    }

    /// The cart with a line's quantity changed (nothing if it has no such line).
    pub fn set_quantity(&mut self, product_id: ProductId, quantity: u32) {
        if let Some(line) = self.lines.get_mut(&product_id) {
            line.quantity = quantity;
        }
    }
}

/// Adds the kept form values to a validation error, so the form that sent
/// them can show the message at the right line and refill what was typed.
#[cfg(feature = "ssr")]
fn keep_input(product_id: ProductId, quantity: i64) -> impl Fn(ferry::Error) -> ferry::Error {
    move |err| {
        err.with_value("product_id", product_id)
            .with_value("quantity", quantity)
    }
}

/// What the cart's server functions need from the server: declared here,
/// provided by the server-only `services/shop` crate (SQL).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait CartStore: Send + Sync {
    /// The cart's lines, with each product's name, price and stock now.
    async fn load_cart(&self, cart: &app_core::session::CartId) -> Result<Cart, ferry::Error>;
    /// Adds `adding` of `product`, up to the stock and the per-line limit;
    /// returns the units in the cart.
    async fn add_line(
        &self,
        cart: &app_core::session::CartId,
        product: ProductId,
        adding: Quantity,
    ) -> Result<u32, ferry::Error>;
    /// Sets the line's quantity, within the stock; returns the units in the
    /// cart.
    async fn set_line(
        &self,
        cart: &app_core::session::CartId,
        product: ProductId,
        wanted: Quantity,
    ) -> Result<u32, ferry::Error>;
    /// Removes the line; returns the units left.
    async fn delete_line(
        &self,
        cart: &app_core::session::CartId,
        product: ProductId,
    ) -> Result<u32, ferry::Error>;
}

#[cfg(feature = "ssr")]
fn store() -> Result<std::sync::Arc<dyn CartStore>, ferry::Error> {
    app_core::state::service::<dyn CartStore>()
}

/// The visitor's cart, or the signed-in user's with their email (empty
/// when they have none yet).
#[ferry::read(endpoint = "cart/get")]
pub async fn get_cart() -> Result<Cart, ferry::Error> {
    let (account, admin, cart) = match shop_core::visitor::sessions::current_with_cart().await? {
        Some((account, cart)) => (Some(account.email), account.is_admin, Some(cart)),
        None => (
            None,
            false,
            app_core::session::current_cart(&app_core::state::app_state()?.session_key),
        ),
    };
    let cart = match cart {
        Some(cart) => store()?.load_cart(&cart).await?,
        None => Cart::default(),
    };
    Ok(Cart {
        account,
        admin,
        ..cart
    })
}

/// Adds `quantity` of a product to the visitor's cart; returns the units in it.
#[ferry::mutation(endpoint = "cart/add", revalidates = [CART], check = check_add, keep = [product_id, quantity])]
pub async fn add_to_cart(product_id: ProductId, quantity: i64) -> Result<u32, ferry::Error> {
    let keep = keep_input(product_id, quantity);
    // Checked already (`check_add`); parsed again for its type.
    let adding = Quantity::parse(quantity).map_err(&keep)?;
    let state = app_core::state::app_state()?;
    let cart = shop_core::visitor::sessions::ensure_cart(&state).await?;
    let count = store()?
        .add_line(&cart, product_id, adding)
        .await
        .map_err(keep)?;
    Ok(count)
}

/// Sets a line's quantity; returns the units in the cart.
#[ferry::mutation(endpoint = "cart/set", revalidates = [CART], check = check_set, keep = [product_id, quantity])]
pub async fn set_quantity(product_id: ProductId, quantity: i64) -> Result<u32, ferry::Error> {
    let keep = keep_input(product_id, quantity);
    // Checked already (`check_set`); parsed again for its type.
    let wanted = Quantity::parse(quantity).map_err(&keep)?;
    let state = app_core::state::app_state()?;
    let cart = shop_core::visitor::sessions::ensure_cart(&state).await?;
    let count = store()?
        .set_line(&cart, product_id, wanted)
        .await
        .map_err(keep)?;
    Ok(count)
}

/// Removes a line (removing a line that is not there is not an error; an
/// unknown product is); returns the units left.
#[ferry::mutation(endpoint = "cart/remove", revalidates = [CART])]
pub async fn remove_line(product_id: ProductId) -> Result<u32, ferry::Error> {
    let state = app_core::state::app_state()?;
    let cart = shop_core::visitor::sessions::ensure_cart(&state).await?;
    let count = store()?.delete_line(&cart, product_id).await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_from_1_to_99_are_accepted() {
        assert_eq!(Quantity::parse(1).unwrap().get(), 1);
        assert_eq!(Quantity::parse(99).unwrap().get(), 99);
        for bad in [0, -1, 100, i64::MAX, i64::MIN, i64::from(u32::MAX) + 1] {
            let err = Quantity::parse(bad).unwrap_err();
            assert_eq!(err.field("quantity"), Some("Choose 1 to 99."), "{bad}");
        }
    }

    #[test]
    fn adding_respects_stock_and_the_line_limit() {
        let three = Quantity::parse(3).unwrap();
        assert_eq!(quantity_after_add(2, three, 10), Ok(5));
        assert_eq!(quantity_after_add(2, three, 5), Ok(5));
        assert_eq!(
            quantity_after_add(2, three, 4)
                .unwrap_err()
                .field("quantity"),
            Some("Only 4 left.")
        );
        assert_eq!(
            quantity_after_add(0, three, 0)
                .unwrap_err()
                .field("quantity"),
            Some("Sold out.")
        );
        let err = quantity_after_add(98, three, 500).unwrap_err();
        assert_eq!(
            err.field("quantity"),
            Some("You already have 98; you can add at most 1 more.")
        );
    }

    #[test]
    fn totals_are_exact() {
        let line = |id, cents, quantity| CartLine {
            product_id: ProductId(id),
            name: String::new(),
            unit_price: Money::from_cents(cents),
            quantity,
            stock: 99,
        };
        let cart = Cart {
            lines: BTreeMap::from([
                (ProductId(1), line(1, 1999, 3)),
                (ProductId(2), line(2, 1, 2)),
            ]),
            account: None,
            admin: false,
        };
        assert_eq!(cart.item_count(), 5);
        assert_eq!(cart.total(), Money::from_cents(5999));
    }

    #[test]
    fn the_expected_cart_adds_to_a_line_or_makes_one() {
        let line = |id, quantity| CartLine {
            product_id: ProductId(id),
            name: format!("p{id}"),
            unit_price: Money::from_cents(100),
            quantity,
            stock: 99,
        };
        let mut cart = Cart::default();
        cart.add(line(1, 2));
        cart.add(line(1, 3));
        cart.add(line(2, 1));
        assert_eq!(cart.item_count(), 6);
        cart.set_quantity(ProductId(1), 1);
        cart.set_quantity(ProductId(9), 50);
        assert_eq!(cart.item_count(), 2);
    }

    #[test]
    fn the_rules_run_on_the_calls_arguments() {
        let add = |quantity| AddToCart {
            product_id: ProductId(1),
            quantity,
        };
        assert!(check_add(&add(5)).is_ok());
        let refused = check_add(&add(150)).unwrap_err();
        assert_eq!(refused.field("quantity"), Some("Choose 1 to 99."));
        let set = SetQuantity {
            product_id: ProductId(1),
            quantity: 0,
        };
        assert!(check_set(&set).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn kept_input_travels_with_the_error() {
        let err = keep_input(ProductId(4), 500)(Quantity::parse(500).unwrap_err());
        assert_eq!(
            (err.value("product_id"), err.value("quantity")),
            (Some("4"), Some("500"))
        );
    }
}
