//! The cart's writes on PostgreSQL: each in a transaction that first takes
//! its cart's lock, so writes to one cart take turns and each reads the
//! quantities the one before it committed, while carts never wait for each
//! other. The stock is read without a lock: an add checks it as it stands,
//! and checkout checks it again under the products' locks.

use sqlx::{PgPool, Postgres, Transaction};

use super::LineBefore;
use app_core::session::CartId;
use shop_core::ids::ProductId;

/// Takes the cart's lock until the transaction ends (checkout takes it
/// too). Advisory: a lock on a number derived from the cart's id, since a
/// cart has no row to lock before its first line.
pub(crate) async fn lock_cart(
    tx: &mut Transaction<'_, Postgres>,
    cart: &CartId,
) -> Result<(), ferry::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(cart)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Locks the cart and reads what a write to the product's line starts
/// from. Not found if there is no such product.
async fn line_before(
    tx: &mut Transaction<'_, Postgres>,
    cart: &CartId,
    product: ProductId,
) -> Result<LineBefore, ferry::Error> {
    lock_cart(tx, cart).await?;
    // A statement of its own, after the lock: it sees what the writes that
    // held the lock before committed.
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT p.stock,
                COALESCE((SELECT SUM(quantity) FROM cart_lines WHERE cart_id = $1 AND product_id = $2), 0)::BIGINT,
                COALESCE((SELECT SUM(quantity) FROM cart_lines WHERE cart_id = $1), 0)::BIGINT
         FROM products p WHERE p.id = $2",
    )
    .bind(cart)
    .bind(product)
    .fetch_optional(&mut **tx)
    .await?;
    let (stock, existing, cart_units) =
        row.ok_or_else(|| ferry::Error::not_found(format!("Product {product}")))?;
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
