//! Expiry of what visitors leave behind and nobody comes back for: expired
//! sessions, carts without an account untouched for a while, and files in
//! the uploads folder no product names. The server runs it on the
//! operator's schedule (`sweep-every`), and `server sweep` runs it once.

use std::path::Path;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use rusqlite::params;

use app_core::db::{with_pool, Db};

/// How old a file no product names must be before it goes: an upload in
/// progress writes its file before the product names it.
const ORPHAN_AGE: Duration = Duration::from_secs(60 * 60);

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub cart_lines: u64,
    pub files: u64,
}

/// Removes sessions already expired, the lines of carts that belong to no
/// account and had nothing added for `cart_age`, and files in `uploads`
/// that no product names, older than an hour.
pub async fn sweep(db: &Db, uploads: &Path, cart_age: Duration) -> Result<Swept, ferry::Error> {
    sweep_at(db, uploads, Utc::now(), cart_age).await
}

/// [`sweep`] as if it were `now` (the tests' clock).
pub async fn sweep_at(
    db: &Db,
    uploads: &Path,
    now: DateTime<Utc>,
    cart_age: Duration,
) -> Result<Swept, ferry::Error> {
    // An age reaching before 1970 keeps every cart (never a panic, and a
    // time every database can store).
    let carts_before = chrono::Duration::from_std(cart_age)
        .ok()
        .and_then(|age| now.checked_sub_signed(age))
        .map_or(DateTime::UNIX_EPOCH, |before| {
            before.max(DateTime::UNIX_EPOCH)
        });
    let (sessions, cart_lines) = delete_rows(db, now, carts_before).await?;
    let files = delete_orphans(db, uploads).await?;
    Ok(Swept {
        sessions,
        cart_lines,
        files,
    })
}

async fn delete_rows(
    db: &Db,
    now: DateTime<Utc>,
    carts_before: DateTime<Utc>,
) -> Result<(u64, u64), ferry::Error> {
    const SESSIONS: &str = "DELETE FROM sessions WHERE expires_at < $1";
    const CARTS: &str = "DELETE FROM cart_lines
         WHERE cart_id NOT IN (SELECT cart_id FROM accounts)
           AND cart_id IN (SELECT cart_id FROM cart_lines GROUP BY cart_id HAVING MAX(added_at) < $1)";
    match db {
        Db::Sqlite { writer, .. } => {
            let (now, before) = (rfc3339(now), rfc3339(carts_before));
            writer
                .write(move |db| {
                    let sessions = db.prepare_cached(SESSIONS)?.execute(params![now])?;
                    let carts = db.prepare_cached(CARTS)?.execute(params![before])?;
                    Ok::<_, ferry::Error>((sessions as u64, carts as u64))
                })
                .await
        }
        Db::Postgres(pool) => {
            let sessions = sqlx::query(SESSIONS).bind(now).execute(pool).await?;
            let carts = sqlx::query(CARTS).bind(carts_before).execute(pool).await?;
            Ok((sessions.rows_affected(), carts.rows_affected()))
        }
    }
}

/// Deletes the files in `uploads` that no product names, an hour old or
/// more (temporary `.part` files of uploads cut short included).
async fn delete_orphans(db: &Db, uploads: &Path) -> Result<u64, ferry::Error> {
    const NAMED: &str = "SELECT image FROM products WHERE image IS NOT NULL";
    let named: Vec<String> =
        with_pool!(db, |pool| sqlx::query_scalar(NAMED).fetch_all(pool).await)?;
    let Ok(mut entries) = tokio::fs::read_dir(uploads).await else {
        return Ok(0); // no folder, no files
    };
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await.map_err(internal)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let metadata = entry.metadata().await.map_err(internal)?;
        let old = metadata
            .modified()
            .ok()
            .and_then(|at| SystemTime::now().duration_since(at).ok())
            .is_some_and(|age| age >= ORPHAN_AGE);
        if metadata.is_file() && old && !named.contains(&name) {
            tokio::fs::remove_file(entry.path())
                .await
                .map_err(internal)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn internal(err: std::io::Error) -> ferry::Error {
    ferry::Error::internal(format!("sweeping the uploads folder: {err}"))
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}
