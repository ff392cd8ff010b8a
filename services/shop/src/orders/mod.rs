//! The orders' SQL. Checkout is all or nothing, and nothing is oversold:
//! on SQLite it is one write on the writer (`ferry::sqlite::Writer`), so no
//! other write runs between checking the stock and taking it; on
//! PostgreSQL one transaction that locks the products first ([`postgres`]).

mod postgres;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use ::cart::CartLine;
use ::orders::{check_stock, Order, OrderId, OrderLine, OrderStatus, OrderSummary};
use app_core::db::{with_pool, Db};
use app_core::session::CartId;
use shop_core::ids::AccountId;
use shop_core::ids::ProductId;
use shop_core::money::Money;

/// Turns the cart into `account`'s order: re-checks stock, takes it,
/// writes the order and its lines, and empties the cart, all or nothing.
pub async fn place_order(
    db: &Db,
    cart: &CartId,
    account: AccountId,
) -> Result<OrderId, ferry::Error> {
    let writer = match db {
        Db::Sqlite { writer, .. } => writer,
        Db::Postgres(pool) => return postgres::place_order(pool, cart, account).await,
    };
    let cart = cart.clone();
    writer
        .write(move |db| {
            let lines = cart_lines(db, &cart)?;
            check_stock(&lines)?;
            for line in &lines {
                db.prepare_cached("UPDATE products SET stock = stock - ?1 WHERE id = ?2")?
                    .execute(params![line.quantity, line.product_id.0])?;
            }
            let total: Money = lines.iter().map(CartLine::total).sum();
            let order = insert_order(db, &cart, account, total)?;
            for line in &lines {
                db.prepare_cached(
                    "INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    order.0,
                    line.product_id.0,
                    line.name,
                    line.unit_price.cents(),
                    line.quantity
                ])?;
            }
            db.prepare_cached("DELETE FROM cart_lines WHERE cart_id = ?1")?
                .execute([cart.as_str()])?;
            Ok(order)
        })
        .await
}

fn cart_lines(db: &Connection, cart: &CartId) -> Result<Vec<CartLine>, ferry::Error> {
    let mut lines = db.prepare_cached(
        "SELECT p.id, p.name, p.price_cents, l.quantity, p.stock
         FROM cart_lines l JOIN products p ON p.id = l.product_id
         WHERE l.cart_id = ?1 ORDER BY p.id",
    )?;
    let lines = lines.query_map([cart.as_str()], |row| {
        Ok(CartLine {
            product_id: ProductId(row.get(0)?),
            name: row.get(1)?,
            unit_price: Money::from_cents(row.get(2)?),
            quantity: row.get(3)?,
            stock: row.get(4)?,
        })
    })?;
    Ok(lines.collect::<Result<_, _>>()?)
}

/// How a placed order's status is stored (`OrderStatus`'s sqlx encoding;
/// the tests read it back through sqlx).
const PLACED: &str = "placed";

fn insert_order(
    db: &Connection,
    cart: &CartId,
    account: AccountId,
    total: Money,
) -> Result<OrderId, ferry::Error> {
    let id = db
        .prepare_cached(
            "INSERT INTO orders (cart_id, account_id, status, placed_at, total_cents)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        )?
        .query_row(
            params![
                cart.as_str(),
                account.0,
                PLACED,
                app_core::db::now(),
                total.cents()
            ],
            |row| row.get(0),
        )?;
    Ok(OrderId(id))
}

/// `account`'s order with that number, if there is one.
pub async fn find_order(
    db: &Db,
    account: AccountId,
    id: OrderId,
) -> Result<Option<Order>, sqlx::Error> {
    const HEAD: &str =
        "SELECT status, placed_at, total_cents FROM orders WHERE id = $1 AND account_id = $2";
    const LINES: &str = "SELECT product_id, name, unit_price_cents AS unit_price, quantity
         FROM order_lines WHERE order_id = $1 ORDER BY product_id";
    let head: Option<(OrderStatus, DateTime<Utc>, Money)> = with_pool!(db, |pool| {
        sqlx::query_as(HEAD)
            .bind(id)
            .bind(account)
            .fetch_optional(pool)
            .await
    })?;
    let Some((status, placed_at, total)) = head else {
        return Ok(None);
    };
    let lines: Vec<OrderLine> = with_pool!(db, |pool| sqlx::query_as(LINES)
        .bind(id)
        .fetch_all(pool)
        .await)?;
    Ok(Some(Order {
        id,
        status,
        placed_at,
        lines,
        total,
    }))
}

/// `account`'s orders, newest first.
pub async fn list_orders(db: &Db, account: AccountId) -> Result<Vec<OrderSummary>, sqlx::Error> {
    const SQL: &str = "SELECT id, status, placed_at, total_cents FROM orders
         WHERE account_id = $1 ORDER BY id DESC";
    with_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(account)
        .fetch_all(pool)
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::test_account;
    use crate::cart::{add_line, load_cart};
    use crate::catalog::{find_product, update_stock};
    use ::cart::Quantity;
    use app_core::db;

    async fn stock(db: &Db, id: i64) -> u32 {
        find_product(db, ProductId(id))
            .await
            .unwrap()
            .unwrap()
            .stock
    }

    async fn cart_with(db: &Db, items: &[(i64, i64)]) -> CartId {
        let cart = CartId::generate();
        for &(id, n) in items {
            add_line(db, &cart, ProductId(id), Quantity::parse(n).unwrap())
                .await
                .unwrap();
        }
        cart
    }

    #[tokio::test]
    async fn checkout_takes_stock_records_prices_and_empties_the_cart() {
        let (db, _fresh) = db::fresh().await;
        let account = test_account(&db).await;
        let cart = cart_with(&db, &[(1, 2), (9, 3)]).await;
        let id = place_order(&db, &cart, account).await.unwrap();
        let order = find_order(&db, account, id).await.unwrap().unwrap();
        assert_eq!(order.status, OrderStatus::Placed);
        assert_eq!(order.total.cents(), 2 * 1800 + 3 * 900);
        assert_eq!(order.lines.len(), 2);
        assert_eq!(stock(&db, 1).await, 38);
        assert_eq!(load_cart(&db, &cart).await.unwrap().item_count(), 0);
        let listed = list_orders(&db, account).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].id, listed[0].total), (id, order.total));
    }

    #[tokio::test]
    async fn a_short_line_stops_the_whole_order() {
        let (db, _fresh) = db::fresh().await;
        let account = test_account(&db).await;
        let cart = cart_with(&db, &[(1, 2), (9, 3)]).await;
        update_stock(&db, ProductId(9), 1).await.unwrap();
        let err = place_order(&db, &cart, account).await.unwrap_err();
        assert_eq!(err.field("line:9"), Some("Only 1 left."));
        assert_eq!(stock(&db, 1).await, 40, "nothing taken");
        assert_eq!(
            load_cart(&db, &cart).await.unwrap().item_count(),
            5,
            "cart kept"
        );
        assert!(list_orders(&db, account).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_order_is_visible_only_to_its_account() {
        let (db, _fresh) = db::fresh().await;
        let (owner, other) = (test_account(&db).await, test_account(&db).await);
        let cart = cart_with(&db, &[(1, 1)]).await;
        let id = place_order(&db, &cart, owner).await.unwrap();
        assert!(find_order(&db, other, id).await.unwrap().is_none());
        assert!(list_orders(&db, other).await.unwrap().is_empty());
        assert!(find_order(&db, owner, id).await.unwrap().is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_checkouts_sell_exactly_the_stock() {
        let (db, _fresh) = db::fresh().await;
        let account = test_account(&db).await;
        let mut carts = Vec::new();
        for _ in 0..12 {
            carts.push(cart_with(&db, &[(15, 1)]).await);
        }
        update_stock(&db, ProductId(15), 5).await.unwrap();
        let tasks: Vec<_> = carts
            .into_iter()
            .map(|cart| {
                let db = db.clone();
                tokio::spawn(async move { place_order(&db, &cart, account).await })
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
        assert_eq!(stock(&db, 15).await, 0);
    }
}
