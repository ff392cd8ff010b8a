//! The counter's SQL: one row, read and changed in single statements.

use app_core::db::{with_pool, Db};
use counter::CounterStore;

/// The counter kept in the app's database.
pub struct SqlCounter {
    db: Db,
}

impl SqlCounter {
    /// The counter in `db`, whose migrations made its row.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl CounterStore for SqlCounter {
    async fn value(&self) -> Result<i64, ferry::Error> {
        const SQL: &str = "SELECT value FROM counter WHERE id = 1";
        Ok(with_pool!(&self.db, |pool| sqlx::query_scalar(SQL)
            .fetch_one(pool)
            .await)?)
    }

    // One statement, so concurrent adds never lose an update.
    async fn add(&self, by: i64) -> Result<i64, ferry::Error> {
        const SQL: &str = "UPDATE counter SET value = value + $1 WHERE id = 1 RETURNING value";
        match &self.db {
            Db::Sqlite { writer, .. } => {
                writer
                    .write(move |db| {
                        Ok(db.prepare_cached(SQL)?.query_row([by], |row| row.get(0))?)
                    })
                    .await
            }
            Db::Postgres(pool) => Ok(sqlx::query_scalar(SQL).bind(by).fetch_one(pool).await?),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn concurrent_adds_all_count() {
        let (db, _fresh) = app_core::db::fresh().await;
        let counter = Arc::new(SqlCounter::new(db));
        assert_eq!(counter.value().await.unwrap(), 0);
        let adds = (0..20).map(|_| {
            let counter = counter.clone();
            tokio::spawn(async move { counter.add(3).await.unwrap() })
        });
        for add in adds {
            add.await.unwrap();
        }
        assert_eq!(counter.value().await.unwrap(), 60);
    }
}
