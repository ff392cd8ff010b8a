//! The orders' SQL. Checkout is one IMMEDIATE transaction: no other writer
//! runs between checking the stock and taking it, so nothing is oversold.

use chrono::{DateTime, Utc};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::{check_stock, Order, OrderId, OrderLine, OrderStatus};
use crate::cart::CartLine;
use crate::money::Money;
use crate::session::CartId;

/// Turns the cart into an order: re-checks stock, takes it, writes the
/// order and its lines, and empties the cart, all or nothing.
pub async fn place_order(pool: &SqlitePool, cart: &CartId) -> Result<OrderId, ferry::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let lines = cart_lines(&mut tx, cart).await?;
    check_stock(&lines)?;
    for line in &lines {
        sqlx::query("UPDATE products SET stock = stock - ? WHERE id = ?")
            .bind(line.quantity)
            .bind(line.product_id)
            .execute(&mut *tx)
            .await?;
    }
    let total: Money = lines.iter().map(CartLine::total).sum();
    let order = insert_order(&mut tx, cart, total).await?;
    for line in &lines {
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(order)
        .bind(line.product_id)
        .bind(&line.name)
        .bind(line.unit_price)
        .bind(line.quantity)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM cart_lines WHERE cart_id = ?")
        .bind(cart)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(order)
}

async fn cart_lines(
    tx: &mut Transaction<'_, Sqlite>,
    cart: &CartId,
) -> Result<Vec<CartLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id AS product_id, p.name, p.price_cents AS unit_price, l.quantity, p.stock
         FROM cart_lines l JOIN products p ON p.id = l.product_id
         WHERE l.cart_id = ? ORDER BY p.id",
    )
    .bind(cart)
    .fetch_all(&mut **tx)
    .await
}

async fn insert_order(
    tx: &mut Transaction<'_, Sqlite>,
    cart: &CartId,
    total: Money,
) -> Result<OrderId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO orders (cart_id, status, placed_at, total_cents) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(cart)
    .bind(OrderStatus::Placed)
    .bind(Utc::now())
    .bind(total)
    .fetch_one(&mut **tx)
    .await
}

/// An order placed from `cart`, if there is one with that number.
pub async fn find_order(
    pool: &SqlitePool,
    cart: &CartId,
    id: OrderId,
) -> Result<Option<Order>, sqlx::Error> {
    let head: Option<(OrderStatus, DateTime<Utc>, Money)> = sqlx::query_as(
        "SELECT status, placed_at, total_cents FROM orders WHERE id = ? AND cart_id = ?",
    )
    .bind(id)
    .bind(cart)
    .fetch_optional(pool)
    .await?;
    let Some((status, placed_at, total)) = head else {
        return Ok(None);
    };
    let lines: Vec<OrderLine> = sqlx::query_as(
        "SELECT product_id, name, unit_price_cents AS unit_price, quantity
         FROM order_lines WHERE order_id = ? ORDER BY product_id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(Order {
        id,
        status,
        placed_at,
        lines,
        total,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::repo::{add_line, load_cart};
    use crate::cart::Quantity;
    use crate::catalog::repo::{find_product, update_stock};
    use crate::catalog::ProductId;
    use crate::db;

    async fn stock(pool: &SqlitePool, id: i64) -> u32 {
        find_product(pool, ProductId(id))
            .await
            .unwrap()
            .unwrap()
            .stock
    }

    async fn cart_with(pool: &SqlitePool, items: &[(i64, i64)]) -> CartId {
        let cart = CartId::generate();
        for &(id, n) in items {
            add_line(pool, &cart, ProductId(id), Quantity::parse(n).unwrap())
                .await
                .unwrap();
        }
        cart
    }

    #[tokio::test]
    async fn checkout_takes_stock_records_prices_and_empties_the_cart() {
        let (pool, _dir) = db::fresh().await;
        let cart = cart_with(&pool, &[(1, 2), (9, 3)]).await;
        let id = place_order(&pool, &cart).await.unwrap();
        let order = find_order(&pool, &cart, id).await.unwrap().unwrap();
        assert_eq!(order.status, OrderStatus::Placed);
        assert_eq!(order.total.cents(), 2 * 1800 + 3 * 900);
        assert_eq!(order.lines.len(), 2);
        assert_eq!(stock(&pool, 1).await, 38);
        assert_eq!(load_cart(&pool, &cart).await.unwrap().item_count(), 0);
    }

    #[tokio::test]
    async fn a_short_line_stops_the_whole_order() {
        let (pool, _dir) = db::fresh().await;
        let cart = cart_with(&pool, &[(1, 2), (9, 3)]).await;
        update_stock(&pool, ProductId(9), 1).await.unwrap();
        let err = place_order(&pool, &cart).await.unwrap_err();
        assert_eq!(err.field("line:9"), Some("Only 1 left."));
        assert_eq!(stock(&pool, 1).await, 40, "nothing taken");
        assert_eq!(
            load_cart(&pool, &cart).await.unwrap().item_count(),
            5,
            "cart kept"
        );
    }

    #[tokio::test]
    async fn an_order_is_visible_only_from_its_cart() {
        let (pool, _dir) = db::fresh().await;
        let cart = cart_with(&pool, &[(1, 1)]).await;
        let id = place_order(&pool, &cart).await.unwrap();
        assert!(find_order(&pool, &CartId::generate(), id)
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_checkouts_sell_exactly_the_stock() {
        let (pool, _dir) = db::fresh().await;
        let mut carts = Vec::new();
        for _ in 0..12 {
            carts.push(cart_with(&pool, &[(15, 1)]).await);
        }
        update_stock(&pool, ProductId(15), 5).await.unwrap();
        let tasks: Vec<_> = carts
            .into_iter()
            .map(|cart| {
                let pool = pool.clone();
                tokio::spawn(async move { place_order(&pool, &cart).await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 5);
        for err in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(err.field("line:15"), Some("Sold out."));
        }
        assert_eq!(stock(&pool, 15).await, 0);
    }
}
