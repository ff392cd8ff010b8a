//! The catalog's SQL.

use sqlx::SqlitePool;

use super::{Product, ProductId, ProductSummary};

const COLUMNS: &str = "id, name, description, price_cents, stock, created_at";

/// Every product, newest first.
pub async fn list_products(pool: &SqlitePool) -> Result<Vec<Product>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM products ORDER BY created_at DESC, id DESC"
    ))
    .fetch_all(pool)
    .await
}

/// Every product as the catalog's grid shows it, in the same order.
pub async fn list_summaries(pool: &SqlitePool) -> Result<Vec<ProductSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, price_cents, stock FROM products ORDER BY created_at DESC, id DESC",
    )
    .fetch_all(pool)
    .await
}

/// One product, if it exists.
pub async fn find_product(
    pool: &SqlitePool,
    id: ProductId,
) -> Result<Option<Product>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM products WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Sets a product's stock (restocking; tests use it to stage a sell-out).
pub async fn update_stock(
    pool: &SqlitePool,
    id: ProductId,
    stock: u32,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE products SET stock = ? WHERE id = ?")
        .bind(stock)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    #[tokio::test]
    async fn the_seeded_catalog_lists_newest_first() {
        let (pool, _dir) = db::fresh().await;
        let products = list_products(&pool).await.unwrap();
        assert_eq!(products.len(), 20);
        assert!(products
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at));
        assert!(products.iter().all(|p| p.price.cents() > 0));
        let summaries = list_summaries(&pool).await.unwrap();
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
        let (pool, _dir) = db::fresh().await;
        let mug = find_product(&pool, ProductId(1)).await.unwrap().unwrap();
        assert_eq!(
            (mug.name.as_str(), mug.price.cents(), mug.stock),
            ("Harbour Mug", 1800, 40)
        );
        assert_eq!(find_product(&pool, ProductId(999)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn stock_can_be_set_but_never_negative() {
        let (pool, _dir) = db::fresh().await;
        assert!(update_stock(&pool, ProductId(1), 2).await.unwrap());
        assert_eq!(
            find_product(&pool, ProductId(1))
                .await
                .unwrap()
                .unwrap()
                .stock,
            2
        );
        assert!(!update_stock(&pool, ProductId(999), 2).await.unwrap());
        let negative = sqlx::query("UPDATE products SET stock = -1 WHERE id = 1")
            .execute(&pool)
            .await;
        assert!(
            negative.is_err(),
            "the CHECK constraint must refuse negative stock"
        );
    }
}
