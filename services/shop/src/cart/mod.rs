//! The cart's SQL. Reads are the same on both databases. On SQLite every
//! change runs on the writer (`ferry::sqlite::Writer`), inside its write
//! transaction; on PostgreSQL in a transaction that takes the cart's lock
//! ([`postgres`]). Either way two changes to one cart take turns, so none
//! is lost; checkout checks the stock again as it takes it.

pub(crate) mod postgres;

use ferry::sqlite::Writer;
use rusqlite::{params, Connection, OptionalExtension};

use ::cart::{quantity_after_add, quantity_in_stock, Cart, CartLine, Quantity};
use app_core::db::{with_pool, Db};
use app_core::session::CartId;
use shop_core::ids::ProductId;

/// The cart's lines with their products' current names, prices and stock.
pub async fn load_cart(db: &Db, cart: &CartId) -> Result<Cart, sqlx::Error> {
    const SQL: &str =
        "SELECT p.id AS product_id, p.name, p.price_cents AS unit_price, l.quantity, p.stock
         FROM cart_lines l JOIN products p ON p.id = l.product_id
         WHERE l.cart_id = $1";
    let lines: Vec<CartLine> = with_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(cart)
        .fetch_all(pool)
        .await)?;
    Ok(Cart {
        lines: lines.into_iter().map(|l| (l.product_id, l)).collect(),
        account: None,
        admin: false,
    })
}

/// Adds to a line (creating it), within stock and the per-line limit.
pub async fn add_line(
    db: &Db,
    cart: &CartId,
    product: ProductId,
    adding: Quantity,
) -> Result<u32, ferry::Error> {
    write_line(db, cart, product, move |existing, stock| {
        quantity_after_add(existing, adding, stock)
    })
    .await
}

/// Sets a line's quantity (creating it), within stock.
pub async fn set_line(
    db: &Db,
    cart: &CartId,
    product: ProductId,
    wanted: Quantity,
) -> Result<u32, ferry::Error> {
    write_line(db, cart, product, move |_, stock| {
        quantity_in_stock(wanted.get(), stock)
    })
    .await
}

/// Writes the quantity `rule` picks from the line's current quantity and
/// the product's stock, with no other write to the line between the read
/// and the write. Returns the units in the cart.
async fn write_line(
    db: &Db,
    cart: &CartId,
    product: ProductId,
    rule: impl FnOnce(u32, u32) -> Result<u32, ferry::Error> + Send + 'static,
) -> Result<u32, ferry::Error> {
    match db {
        Db::Sqlite { writer, .. } => write_line_sqlite(writer, cart, product, rule).await,
        Db::Postgres(pool) => postgres::write_line(pool, cart, product, rule).await,
    }
}

/// [`write_line`] in the writer's transaction: no other write runs at all.
async fn write_line_sqlite(
    writer: &Writer,
    cart: &CartId,
    product: ProductId,
    rule: impl FnOnce(u32, u32) -> Result<u32, ferry::Error> + Send + 'static,
) -> Result<u32, ferry::Error> {
    let cart = cart.clone();
    writer
        .write(move |db| {
            let before = line_before(db, &cart, product)?;
            let quantity = rule(before.existing, before.stock)?;
            upsert_line(db, &cart, product, quantity)?;
            Ok(before.units_with(quantity))
        })
        .await
}

/// What a write to one line starts from.
struct LineBefore {
    stock: u32,
    existing: u32,
    cart_units: u32,
}

impl LineBefore {
    /// From the database's integers (never negative: the schema checks).
    fn new(stock: i64, existing: i64, cart_units: i64) -> Self {
        let units = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            stock: units(stock),
            existing: units(existing),
            cart_units: units(cart_units),
        }
    }

    /// The units in the cart once the line holds `quantity`.
    fn units_with(&self, quantity: u32) -> u32 {
        self.cart_units
            .saturating_sub(self.existing)
            .saturating_add(quantity)
    }
}

fn line_before(
    db: &Connection,
    cart: &CartId,
    product: ProductId,
) -> Result<LineBefore, ferry::Error> {
    let row = db
        .prepare_cached(
            "SELECT p.stock,
                    COALESCE((SELECT quantity FROM cart_lines WHERE cart_id = ?1 AND product_id = p.id), 0),
                    (SELECT COALESCE(SUM(quantity), 0) FROM cart_lines WHERE cart_id = ?1)
             FROM products p WHERE p.id = ?2",
        )?
        .query_row(params![cart.as_str(), product.0], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
        })
        .optional()?;
    let (stock, existing, cart_units) =
        row.ok_or_else(|| ferry::Error::not_found(format!("Product {product}")))?;
    Ok(LineBefore::new(stock, existing, cart_units))
}

/// Removes a line if it is there (a product that does not exist at all is
/// "not found"); returns the units left in the cart.
pub async fn delete_line(db: &Db, cart: &CartId, product: ProductId) -> Result<u32, ferry::Error> {
    let writer = match db {
        Db::Sqlite { writer, .. } => writer,
        Db::Postgres(pool) => return postgres::delete_line(pool, cart, product).await,
    };
    let cart = cart.clone();
    writer
        .write(move |db| {
            let before = line_before(db, &cart, product)?;
            db.prepare_cached("DELETE FROM cart_lines WHERE cart_id = ?1 AND product_id = ?2")?
                .execute(params![cart.as_str(), product.0])?;
            Ok(before.units_with(0))
        })
        .await
}

fn upsert_line(
    db: &Connection,
    cart: &CartId,
    product: ProductId,
    quantity: u32,
) -> Result<(), ferry::Error> {
    db.prepare_cached(
        "INSERT INTO cart_lines (cart_id, product_id, quantity, added_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
    )?
    .execute(params![
        cart.as_str(),
        product.0,
        quantity,
        app_core::db::now()
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::update_stock;
    use app_core::db;

    fn qty(n: i64) -> Quantity {
        Quantity::parse(n).unwrap()
    }

    #[tokio::test]
    async fn adding_twice_sums_and_the_cart_shows_current_prices() {
        let (db, _fresh) = db::fresh().await;
        let cart = CartId::generate();
        assert_eq!(add_line(&db, &cart, ProductId(1), qty(2)).await.unwrap(), 2);
        assert_eq!(add_line(&db, &cart, ProductId(1), qty(3)).await.unwrap(), 5);
        assert_eq!(add_line(&db, &cart, ProductId(9), qty(1)).await.unwrap(), 6);
        let loaded = load_cart(&db, &cart).await.unwrap();
        assert_eq!(loaded.item_count(), 6);
        assert_eq!(loaded.lines[&ProductId(1)].quantity, 5);
        assert_eq!(loaded.total().cents(), 5 * 1800 + 900);
    }

    #[tokio::test]
    async fn carts_are_separate() {
        let (db, _fresh) = db::fresh().await;
        let (mine, yours) = (CartId::generate(), CartId::generate());
        add_line(&db, &mine, ProductId(1), qty(2)).await.unwrap();
        assert_eq!(load_cart(&db, &yours).await.unwrap(), Cart::default());
    }

    #[tokio::test]
    async fn stock_and_existence_are_checked() {
        let (db, _fresh) = db::fresh().await;
        let cart = CartId::generate();
        update_stock(&db, ProductId(1), 3).await.unwrap();
        let err = add_line(&db, &cart, ProductId(1), qty(4))
            .await
            .unwrap_err();
        assert_eq!(err.field("quantity"), Some("Only 3 left."));
        let err = add_line(&db, &cart, ProductId(999), qty(1))
            .await
            .unwrap_err();
        assert_eq!(err.status(), 404);
        assert_eq!(
            load_cart(&db, &cart).await.unwrap().item_count(),
            0,
            "nothing half-written"
        );
    }

    #[tokio::test]
    async fn setting_and_removing_lines() {
        let (db, _fresh) = db::fresh().await;
        let cart = CartId::generate();
        add_line(&db, &cart, ProductId(2), qty(5)).await.unwrap();
        assert_eq!(set_line(&db, &cart, ProductId(2), qty(2)).await.unwrap(), 2);
        assert!(
            set_line(&db, &cart, ProductId(2), qty(99)).await.is_err(),
            "stock is 25"
        );
        assert_eq!(delete_line(&db, &cart, ProductId(2)).await.unwrap(), 0);
        assert_eq!(
            delete_line(&db, &cart, ProductId(2)).await.unwrap(),
            0,
            "idempotent"
        );
    }

    #[tokio::test]
    async fn concurrent_adds_to_one_cart_lose_none() {
        let (db, _fresh) = db::fresh().await;
        let cart = CartId::generate();
        let adds = (0..20).map(|_| {
            let (db, cart) = (db.clone(), cart.clone());
            tokio::spawn(async move { add_line(&db, &cart, ProductId(2), qty(1)).await })
        });
        for add in adds.collect::<Vec<_>>() {
            add.await.unwrap().unwrap();
        }
        assert_eq!(load_cart(&db, &cart).await.unwrap().item_count(), 20);
    }

    #[tokio::test]
    async fn an_add_racing_a_checkout_lands_in_the_order_or_the_cart() {
        let (db, _fresh) = db::fresh().await;
        let cart = CartId::generate();
        add_line(&db, &cart, ProductId(2), qty(1)).await.unwrap();
        let adds: Vec<_> = (0..10)
            .map(|_| {
                let (db, cart) = (db.clone(), cart.clone());
                tokio::spawn(async move { add_line(&db, &cart, ProductId(2), qty(1)).await })
            })
            .collect();
        let account = crate::accounts::test_account(&db).await;
        let order = crate::orders::place_order(&db, &cart, account)
            .await
            .unwrap();
        for add in adds {
            add.await.unwrap().unwrap();
        }
        let ordered = crate::orders::find_order(&db, account, order)
            .await
            .unwrap()
            .unwrap()
            .lines[0]
            .quantity;
        let left = load_cart(&db, &cart).await.unwrap().item_count();
        assert_eq!(
            ordered + left,
            11,
            "{ordered} ordered, {left} left in the cart"
        );
    }
}
