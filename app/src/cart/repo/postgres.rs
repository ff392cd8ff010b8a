//! The cart's writes on PostgreSQL: each in a transaction that first locks
//! the product's row, so writes to one product's lines take turns and each
//! reads the quantities the one before it committed.

use sqlx::{PgPool, Postgres, Transaction};

use super::LineBefore;
use crate::catalog::ProductId;
use crate::session::CartId;

/// Locks the product (taking turns with every other write to it) and reads
/// what a write to its line starts from. `None` if there is no such product.
async fn line_before(
    tx: &mut Transaction<'_, Postgres>,
    cart: &CartId,
    product: ProductId,
) -> Result<LineBefore, ferry::Error> {
    let stock: Option<i64> =
        sqlx::query_scalar("SELECT stock FROM products WHERE id = $1 FOR UPDATE")
            .bind(product)
            .fetch_optional(&mut **tx)
            .await?;
    let stock = stock.ok_or_else(|| ferry::Error::not_found(format!("Product {product}")))?;
    // A statement of its own, after the lock: it sees what the writes that
    // held the lock before committed.
    let (existing, cart_units): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(quantity) FILTER (WHERE product_id = $2), 0)::BIGINT,
                COALESCE(SUM(quantity), 0)::BIGINT
         FROM cart_lines WHERE cart_id = $1",
    )
    .bind(cart)
    .bind(product)
    .fetch_one(&mut **tx)
    .await?;
    Ok(LineBefore::new(stock, existing, cart_units))
}

/// Writes the quantity `rule` picks from the line's quantity and the
/// product's stock; returns the units in the cart.
pub(super) async fn write_line(
    pool: &PgPool,
    cart: &CartId,
    product: ProductId,
    rule: impl FnOnce(u32, u32) -> Result<u32, ferry::Error>,
) -> Result<u32, ferry::Error> {
    let mut tx = pool.begin().await?;
    let before = line_before(&mut tx, cart, product).await?;
    let quantity = rule(before.existing, before.stock)?;
    sqlx::query(
        "INSERT INTO cart_lines (cart_id, product_id, quantity, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(cart)
    .bind(product)
    .bind(i64::from(quantity))
    .bind(chrono::Utc::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(before.units_with(quantity))
}

/// Removes the line if it is there; returns the units left in the cart.
pub(super) async fn delete_line(
    pool: &PgPool,
    cart: &CartId,
    product: ProductId,
) -> Result<u32, ferry::Error> {
    let mut tx = pool.begin().await?;
    let before = line_before(&mut tx, cart, product).await?;
    sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND product_id = $2")
        .bind(cart)
        .bind(product)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(before.units_with(0))
}
