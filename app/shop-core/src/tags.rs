//! The shop's tags: what a read shows and a mutation changes. Here, below
//! every area, because a change in one area shows in another (a new price
//! is in every cart; a checkout takes stock and fills the orders).

use crate::ids::ProductId;

ferry::tags! {
    /// Every product's stock and price; [`stock`] for one product's.
    pub STOCK = "stock";
    /// The visitor's cart.
    pub CART = "cart";
    /// Every account's list of orders.
    pub ORDERS = "orders";
}

/// The tag of one product's stock (`stock:7`).
pub fn stock(id: ProductId) -> ferry::Tag {
    STOCK.child(id)
}
