//! The counter's SQL: one row, read and changed in single statements.

use crate::db::{with_pool, Db};

/// The current value.
pub async fn value(db: &Db) -> Result<i64, sqlx::Error> {
    const SQL: &str = "SELECT value FROM counter WHERE id = 1";
    with_pool!(db, |pool| sqlx::query_scalar(SQL).fetch_one(pool).await)
}

/// Adds `by` and returns the new value; one statement, so concurrent adds
/// never lose an update.
pub async fn add(db: &Db, by: i64) -> Result<i64, ferry::Error> {
    const SQL: &str = "UPDATE counter SET value = value + $1 WHERE id = 1 RETURNING value";
    match db {
        Db::Sqlite { writer, .. } => {
            writer
                .write(move |db| Ok(db.prepare_cached(SQL)?.query_row([by], |row| row.get(0))?))
                .await
        }
        Db::Postgres(pool) => Ok(sqlx::query_scalar(SQL).bind(by).fetch_one(pool).await?),
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_adds_all_count() {
        let (db, _fresh) = crate::db::fresh().await;
        assert_eq!(value(&db).await.unwrap(), 0);
        let adds = (0..20).map(|_| {
            let db = db.clone();
            tokio::spawn(async move { add(&db, 3).await.unwrap() })
        });
        for add in adds {
            add.await.unwrap();
        }
        assert_eq!(value(&db).await.unwrap(), 60);
    }
}
