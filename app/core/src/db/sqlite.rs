//! Opening a SQLite database: pool, writer, durability settings and
//! migrations (`migrations/`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// The numbered migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

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
) -> Result<ferry::sqlite::Writer, Box<dyn std::error::Error + Send + Sync>> {
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
