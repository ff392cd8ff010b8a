//! The counter's SQL: one row, read and changed in single statements.

use ferry::sqlite::Writer;
use sqlx::SqlitePool;

/// The current value.
pub async fn value(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM counter WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// Adds `by` and returns the new value; one statement, so concurrent adds
/// never lose an update.
pub async fn add(writer: &Writer, by: i64) -> Result<i64, ferry::Error> {
    writer
        .write(move |db| {
            let value = db
                .prepare_cached(
                    "UPDATE counter SET value = value + ?1 WHERE id = 1 RETURNING value",
                )?
                .query_row([by], |row| row.get(0))?;
            Ok(value)
        })
        .await
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_adds_all_count() {
        let (pool, writer, _dir) = crate::db::fresh_with_writer().await;
        assert_eq!(value(&pool).await.unwrap(), 0);
        let adds = (0..20).map(|_| {
            let writer = writer.clone();
            tokio::spawn(async move { add(&writer, 3).await.unwrap() })
        });
        for add in adds {
            add.await.unwrap();
        }
        assert_eq!(value(&pool).await.unwrap(), 60);
    }
}
