//! Checkout on PostgreSQL: one transaction that takes the cart's lock (so
//! no add to it lands between reading its lines and emptying it), then
//! locks the cart's products (in id order, so two checkouts never wait on
//! each other in a circle) before it checks their stock, so nothing is
//! oversold.

use sqlx::PgPool;

use ::cart::CartLine;
use ::orders::{check_stock, OrderId};
use app_core::session::CartId;
use shop_core::ids::AccountId;
use shop_core::money::Money;

/// Turns the cart into an order, all or nothing.
pub(super) async fn place_order(
    pool: &PgPool,
    cart: &CartId,
    account: AccountId,
) -> Result<OrderId, ferry::Error> {
    let mut tx = pool.begin().await?;
    crate::cart::postgres::lock_cart(&mut tx, cart).await?;
    // After waiting for a lock, PostgreSQL returns the row as the last
    // writer committed it: the stock checked is the stock taken. NO KEY:
    // the stock is not a key, so adds to other carts (whose lines hold a
    // key-share lock on the product) need not wait.
    let lines: Vec<CartLine> = sqlx::query_as(
        "SELECT p.id AS product_id, p.name, p.price_cents AS unit_price, l.quantity, p.stock
         FROM cart_lines l JOIN products p ON p.id = l.product_id
         WHERE l.cart_id = $1 ORDER BY p.id FOR NO KEY UPDATE OF p",
    )
    .bind(cart)
    .fetch_all(&mut *tx)
    .await?;
    check_stock(&lines)?;
    for line in &lines {
        sqlx::query("UPDATE products SET stock = stock - $1 WHERE id = $2")
            .bind(i64::from(line.quantity))
            .bind(line.product_id)
            .execute(&mut *tx)
            .await?;
    }
    let total: Money = lines.iter().map(CartLine::total).sum();
    let order: OrderId = sqlx::query_scalar(
        "INSERT INTO orders (cart_id, account_id, status, placed_at, total_cents)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(cart)
    .bind(account)
    .bind(super::PLACED)
    .bind(chrono::Utc::now())
    .bind(total)
    .fetch_one(&mut *tx)
    .await?;
    for line in &lines {
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(order)
        .bind(line.product_id)
        .bind(&line.name)
        .bind(line.unit_price)
        .bind(i64::from(line.quantity))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1")
        .bind(cart)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(order)
}
