//! Opening a PostgreSQL database: pool and migrations
//! (`migrations/postgres/`, the same schema in PostgreSQL's dialect).

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

/// The numbered migrations in `migrations/postgres/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Connects to the database at `url` and brings its schema up to date
/// (PostgreSQL's migration lock keeps two processes from migrating at once).
/// Every commit is durable before it is answered: PostgreSQL's default
/// `synchronous_commit = on`, which concurrent transactions share an
/// `fsync` under.
pub async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// A new, empty database on the server at `server` (a URL ending in
/// `/database`), for one test; its URL.
#[cfg(any(test, feature = "testing"))]
pub async fn fresh_database(server: &str) -> String {
    use sqlx::Connection;
    let name = format!("app_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .expect("the test PostgreSQL server (APP_TEST_DATABASE_URL)");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a database for the test");
    let (base, _) = server.rsplit_once('/').expect("a URL ending in /database");
    format!("{base}/{name}")
}
