//! The catalog's SQL, the same for both databases.

pub mod api;
pub mod images;

use ::catalog::{Product, ProductId, ProductSummary};
use app_core::db::{with_pool, Db};
use shop_core::money::Money;

const COLUMNS: &str = "id, name, description, price_cents, stock, created_at, image";

/// Every product, newest first.
pub async fn list_products(db: &Db) -> Result<Vec<Product>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM products ORDER BY created_at DESC, id DESC");
    with_pool!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Every product as the catalog's grid shows it, in the same order.
pub async fn list_summaries(db: &Db) -> Result<Vec<ProductSummary>, sqlx::Error> {
    const SQL: &str =
        "SELECT id, name, price_cents, stock, image FROM products ORDER BY created_at DESC, id DESC";
    with_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
}

/// One product, if it exists.
pub async fn find_product(db: &Db, id: ProductId) -> Result<Option<Product>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM products WHERE id = $1");
    with_pool!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Sets a product's stock (restocking; tests use it to stage a sell-out).
pub async fn update_stock(db: &Db, id: ProductId, stock: u32) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE products SET stock = $1 WHERE id = $2";
    let done = with_pool!(db, |pool| sqlx::query(SQL)
        .bind(i64::from(stock))
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(done == 1)
}

/// Sets a product's stock through the app's writer; whether it exists.
pub async fn set_stock(db: &Db, id: ProductId, stock: u32) -> Result<bool, ferry::Error> {
    set_number(
        db,
        "UPDATE products SET stock = $1 WHERE id = $2",
        i64::from(stock),
        id,
    )
    .await
}

/// Sets a product's price; whether it exists.
pub async fn set_price(db: &Db, id: ProductId, price: Money) -> Result<bool, ferry::Error> {
    set_number(
        db,
        "UPDATE products SET price_cents = $1 WHERE id = $2",
        price.cents(),
        id,
    )
    .await
}

/// Runs `sql`, an update of one product with `$1` a number and `$2` its
/// id, through the app's writer; whether the product exists.
async fn set_number(
    db: &Db,
    sql: &'static str,
    value: i64,
    id: ProductId,
) -> Result<bool, ferry::Error> {
    let changed = match db {
        Db::Sqlite { writer, .. } => {
            writer
                .write(move |db| {
                    Ok::<_, ferry::Error>(db.prepare_cached(sql)?.execute([value, id.0])?)
                })
                .await? as u64
        }
        Db::Postgres(pool) => sqlx::query(sql)
            .bind(value)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected(),
    };
    Ok(changed == 1)
}

/// Gives a product the image stored as `name`. Returns the name of the
/// image it replaces (`Some(None)` when it had none), or `None` when the
/// product does not exist. Reading the old name and writing the new one
/// are one step, so two uploads at once each learn the image they replaced.
pub async fn set_image(
    db: &Db,
    id: ProductId,
    name: String,
) -> Result<Option<Option<String>>, ferry::Error> {
    const OLD: &str = "SELECT image FROM products WHERE id = $1";
    const SET: &str = "UPDATE products SET image = $1 WHERE id = $2";
    match db {
        Db::Sqlite { writer, .. } => {
            writer
                .write(move |db| {
                    use rusqlite::OptionalExtension;
                    let old: Option<Option<String>> = db
                        .prepare_cached(OLD)?
                        .query_row([id.0], |row| row.get(0))
                        .optional()?;
                    if old.is_some() {
                        db.prepare_cached(SET)?
                            .execute(rusqlite::params![name, id.0])?;
                    }
                    Ok::<_, ferry::Error>(old)
                })
                .await
        }
        Db::Postgres(pool) => {
            let mut transaction = pool.begin().await?;
            let old: Option<Option<String>> = sqlx::query_scalar(&format!("{OLD} FOR UPDATE"))
                .bind(id)
                .fetch_optional(&mut *transaction)
                .await?;
            if old.is_some() {
                sqlx::query(SET)
                    .bind(name)
                    .bind(id)
                    .execute(&mut *transaction)
                    .await?;
            }
            transaction.commit().await?;
            Ok(old)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app_core::db;

    #[tokio::test]
    async fn the_seeded_catalog_lists_newest_first() {
        let (db, _fresh) = db::fresh().await;
        let products = list_products(&db).await.unwrap();
        assert_eq!(products.len(), 20);
        assert!(products
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at));
        assert!(products.iter().all(|p| p.price.cents() > 0));
        let summaries = list_summaries(&db).await.unwrap();
        assert!(
            summaries
                .iter()
                .map(|p| p.id)
                .eq(products.iter().map(|p| p.id)),
            "the grid lists the same products in the same order"
        );
        assert_eq!(
            (
                summaries[0].name.as_str(),
                summaries[0].price,
                summaries[0].stock
            ),
            (
                products[0].name.as_str(),
                products[0].price,
                products[0].stock
            )
        );
    }

    #[tokio::test]
    async fn a_product_is_found_by_id_and_a_missing_one_is_none() {
        let (db, _fresh) = db::fresh().await;
        let mug = find_product(&db, ProductId(1)).await.unwrap().unwrap();
        assert_eq!(
            (mug.name.as_str(), mug.price.cents(), mug.stock),
            ("Harbour Mug", 1800, 40)
        );
        assert_eq!(find_product(&db, ProductId(999)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn stock_can_be_set_but_never_negative() {
        let (db, _fresh) = db::fresh().await;
        assert!(update_stock(&db, ProductId(1), 2).await.unwrap());
        assert_eq!(
            find_product(&db, ProductId(1))
                .await
                .unwrap()
                .unwrap()
                .stock,
            2
        );
        assert!(!update_stock(&db, ProductId(999), 2).await.unwrap());
        let negative = with_pool!(&db, |pool| sqlx::query(
            "UPDATE products SET stock = -1 WHERE id = 1"
        )
        .execute(pool)
        .await
        .map(drop));
        assert!(
            negative.is_err(),
            "the CHECK constraint must refuse negative stock"
        );
    }

    #[tokio::test]
    async fn price_and_image_are_set_through_the_writer() {
        let (db, _fresh) = db::fresh().await;
        assert!(set_price(&db, ProductId(2), Money::from_cents(1234))
            .await
            .unwrap());
        assert!(!set_price(&db, ProductId(999), Money::from_cents(1))
            .await
            .unwrap());
        let first = set_image(&db, ProductId(2), "a.png".into()).await.unwrap();
        assert_eq!(first, Some(None), "no image before");
        let second = set_image(&db, ProductId(2), "b.png".into()).await.unwrap();
        assert_eq!(second, Some(Some("a.png".to_owned())), "the replaced one");
        assert_eq!(
            set_image(&db, ProductId(999), "c.png".into())
                .await
                .unwrap(),
            None
        );
        let product = find_product(&db, ProductId(2)).await.unwrap().unwrap();
        assert_eq!(
            (product.price.cents(), product.image.as_deref()),
            (1234, Some("b.png"))
        );
    }
}
