//! The counter's SQL: one row, read and changed in single statements.

use sqlx::SqlitePool;

/// The current value.
pub async fn value(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM counter WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// Adds `by` and returns the new value; one statement, so concurrent adds
/// never lose an update.
pub async fn add(pool: &SqlitePool, by: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE counter SET value = value + ? WHERE id = 1 RETURNING value")
        .bind(by)
        .fetch_one(pool)
        .await
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_adds_all_count() {
        let (pool, _dir) = crate::db::fresh().await;
        assert_eq!(value(&pool).await.unwrap(), 0);
        let adds = (0..20).map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { add(&pool, 3).await.unwrap() })
        });
        for add in adds {
            add.await.unwrap();
        }
        assert_eq!(value(&pool).await.unwrap(), 60);
    }
}
