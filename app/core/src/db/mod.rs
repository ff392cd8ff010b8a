//! The database, picked by `database-url`'s scheme: SQLite (`sqlite://`,
//! the default: one embedded file) or PostgreSQL (`postgres://`: a server
//! that several processes of the app share). The same migrations in each
//! one's dialect, the same typed values, the same guarantees.

mod postgres;
mod sqlite;

use ferry::sqlite::Writer;
use sqlx::{PgPool, SqlitePool};

/// Where the app's data lives.
#[derive(Clone)]
pub enum Db {
    /// Reads through a sqlx pool; writes on ferry's writer, which
    /// group-commits them on one connection.
    Sqlite { pool: SqlitePool, writer: Writer },
    /// Reads and writes through a sqlx pool; PostgreSQL runs concurrent
    /// transactions itself.
    Postgres(PgPool),
}

/// Runs the same sqlx code against whichever pool `db` holds, compiled once
/// per database. SQL written with `$1`, `$2`, … reads the same in both.
/// Exported for the server's tests (as `app::db::with_pool!`).
#[macro_export]
#[doc(hidden)]
macro_rules! __with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { pool: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub use crate::__with_pool as with_pool;

impl Db {
    /// Opens the database `url` names (creating a SQLite file if missing)
    /// and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => {
                let pool = sqlite::connect(url).await?;
                let writer = sqlite::writer(&pool).await?;
                Ok(Self::Sqlite { pool, writer })
            }
            Some("postgres" | "postgresql") => Ok(Self::Postgres(postgres::connect(url).await?)),
            _ => Err(format!("{url:?} is neither a sqlite:// nor a postgres:// URL").into()),
        }
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
    }

    /// Open and idle connections of the pool.
    pub fn connections(&self) -> (u32, usize) {
        with_pool!(self, |pool| (pool.size(), pool.num_idle()))
    }

    /// Closes the pool: every later query fails (tests break the database
    /// this way).
    pub async fn close(&self) {
        with_pool!(self, |pool| pool.close().await)
    }

    /// Whether this is PostgreSQL, shared by several processes.
    pub fn is_shared(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Now, as SQLite stores times: RFC 3339 in UTC, as sqlx writes a
/// `DateTime<Utc>`, so rows written by either read back the same.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// What keeps a test's database alive: its temporary directory (SQLite), or
/// nothing (a PostgreSQL database of its own on the test server, which the
/// test script removes with the server).
#[cfg(any(test, feature = "testing"))]
pub struct Fresh(#[allow(dead_code)] Option<tempfile::TempDir>);

/// A fresh, migrated database for one test: on the PostgreSQL server
/// `APP_TEST_DATABASE_URL` names when it is set (`scripts/test.sh` runs the
/// tests a second time so), otherwise a SQLite file in a temporary
/// directory.
#[cfg(any(test, feature = "testing"))]
pub async fn fresh() -> (Db, Fresh) {
    match std::env::var("APP_TEST_DATABASE_URL") {
        Ok(server) => {
            let url = postgres::fresh_database(&server).await;
            let db = Db::connect(&url)
                .await
                .expect("a fresh PostgreSQL test database");
            (db, Fresh(None))
        }
        Err(_) => {
            let dir = tempfile::tempdir().expect("a temporary directory for the test database");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            let db = Db::connect(&url).await.expect("a fresh test database");
            (db, Fresh(Some(dir)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Processes on several servers start together, and each migrates the
    // database: each migration must run once (PostgreSQL's migration lock).
    // A SQLite file belongs to one process, so this runs only in the test
    // command's PostgreSQL pass (`--ignored postgres`).
    #[tokio::test]
    #[ignore = "needs PostgreSQL: APP_TEST_DATABASE_URL (scripts/test.sh runs it)"]
    async fn postgres_processes_starting_together_migrate_once() {
        let server = std::env::var("APP_TEST_DATABASE_URL")
            .expect("APP_TEST_DATABASE_URL names the PostgreSQL server to test on");
        let url = postgres::fresh_database(&server).await;
        let (a, b, c) = tokio::join!(Db::connect(&url), Db::connect(&url), Db::connect(&url));
        let (a, _, _) = (a.unwrap(), b.unwrap(), c.unwrap());
        let applied: i64 = with_pool!(&a, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                .fetch_one(pool)
                .await
        })
        .unwrap();
        let expected = i64::try_from(postgres::MIGRATOR.iter().count()).unwrap();
        assert_eq!(applied, expected);
    }
}
