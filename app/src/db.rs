//! Opening the SQLite database: pool, durability settings and migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// The numbered migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens (creating if missing) the database at `url` and brings its schema up
/// to date. WAL lets readers run beside the writer; `synchronous = FULL`
/// makes every reported commit survive a crash or a power cut; the busy
/// timeout makes concurrent writers queue instead of failing.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let pool = pool_options(8).connect_with(options(url)?).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// The writer of `pool`'s database file (see `AppState::writer`), with the
/// same durability: WAL and `synchronous = FULL`. Open it after [`connect`]
/// has migrated. An in-memory database is refused: it is one per
/// connection, so the writes would go to another database.
pub async fn writer(
    pool: &SqlitePool,
) -> Result<ferry::sqlite::Writer, Box<dyn std::error::Error>> {
    let file: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(pool)
            .await?;
    if file.is_empty() {
        return Err(
            "the database must be a file: an in-memory SQLite database cannot have a writer".into(),
        );
    }
    Ok(ferry::sqlite::Writer::open(file)?)
}

/// Now, as the database stores times: RFC 3339 in UTC, as sqlx writes a
/// `DateTime<Utc>`, so rows written by either read back the same.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// No test before each acquire: the default pings the connection, one more
/// round trip to SQLite's thread per query, and a local file does not drop
/// connections the way a network database does.
fn pool_options(connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(connections)
        .test_before_acquire(false)
}

fn options(url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true))
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

/// A fresh database in its own temporary directory, for tests. The directory
/// (and the database) is removed when the returned guard drops.
#[cfg(any(test, feature = "testing"))]
pub async fn fresh() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory for the test database");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pool = connect(&url).await.expect("a fresh test database");
    (pool, dir)
}

/// [`fresh`], with the database's writer.
#[cfg(any(test, feature = "testing"))]
pub async fn fresh_with_writer() -> (SqlitePool, ferry::sqlite::Writer, tempfile::TempDir) {
    let (pool, dir) = fresh().await;
    let writer = writer(&pool).await.expect("a writer for the test database");
    (pool, writer, dir)
}
