//! The accounts' SQL. Reads are the same on both databases; writes run on
//! SQLite's writer (`ferry::sqlite::Writer`) or in PostgreSQL directly,
//! with the same statements (`$1`, `$2`, … read the same in both).

pub mod password;

use chrono::{DateTime, Utc};
use rusqlite::params;

use ::accounts::{Account, AccountId, Created};
use app_core::db::{with_pool, Db};
use app_core::session::CartId;
use shop_core::visitor::Session;

/// An account found by its email, with what signing in needs.
pub struct Stored {
    pub account: Account,
    pub password_hash: String,
    pub cart: CartId,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: AccountId,
    email: String,
    is_admin: bool,
    cart_id: CartId,
    password_hash: String,
}

/// The account with this (normalized) email, if there is one.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<Stored>, sqlx::Error> {
    const SQL: &str =
        "SELECT id, email, is_admin, cart_id, password_hash FROM accounts WHERE email = $1";
    let row: Option<AccountRow> = with_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(email)
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(|row| Stored {
        account: Account {
            id: row.id,
            email: row.email,
            is_admin: row.is_admin,
        },
        password_hash: row.password_hash,
        cart: row.cart_id,
    }))
}

/// Makes an account with a new, empty cart; `None` when the email is
/// taken. Decided by the database's unique index, so two sign-ups with one
/// email cannot both win.
pub async fn create(
    db: &Db,
    email: &str,
    password_hash: &str,
    is_admin: bool,
) -> Result<Option<Created>, ferry::Error> {
    const SQL: &str = "INSERT INTO accounts (email, password_hash, is_admin, cart_id, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING id";
    let cart = CartId::generate();
    let id: Option<AccountId> = match db {
        Db::Sqlite { writer, .. } => {
            let (email, hash, cart) = (email.to_owned(), password_hash.to_owned(), cart.clone());
            writer
                .write(move |db| {
                    let mut insert = db.prepare_cached(SQL)?;
                    let mut rows = insert.query(params![
                        email,
                        hash,
                        is_admin,
                        cart.as_str(),
                        app_core::db::now()
                    ])?;
                    Ok::<_, ferry::Error>(match rows.next()? {
                        Some(row) => Some(AccountId(row.get(0)?)),
                        None => None,
                    })
                })
                .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar(SQL)
                .bind(email)
                .bind(password_hash)
                .bind(is_admin)
                .bind(&cart)
                .bind(Utc::now())
                .fetch_optional(pool)
                .await?
        }
    };
    Ok(id.map(|id| Created { id, cart }))
}

/// Makes an existing account an admin, or no longer one (`server admin
/// grant EMAIL`, `revoke`); whether there was an account to change. Its
/// sessions see the change at their next request.
pub async fn set_admin(db: &Db, email: &str, is_admin: bool) -> Result<bool, ferry::Error> {
    // In order of appearance: SQLite numbers `$N` parameters as it meets them.
    const SQL: &str = "UPDATE accounts SET is_admin = $1 WHERE email = $2";
    let changed = match db {
        Db::Sqlite { writer, .. } => {
            let email = email.to_owned();
            writer
                .write(move |db| {
                    let changed = db.prepare_cached(SQL)?.execute(params![is_admin, email])?;
                    Ok::<_, ferry::Error>(changed as u64)
                })
                .await?
        }
        Db::Postgres(pool) => sqlx::query(SQL)
            .bind(is_admin)
            .bind(email)
            .execute(pool)
            .await?
            .rows_affected(),
    };
    Ok(changed > 0)
}

/// The session stored under `id_hash`, expired or not.
pub async fn find_session(db: &Db, id_hash: &str) -> Result<Option<Session>, sqlx::Error> {
    const SQL: &str = "SELECT a.id, a.email, a.is_admin, a.cart_id, s.expires_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1";
    let row: Option<(AccountId, String, bool, CartId, DateTime<Utc>)> =
        with_pool!(db, |pool| sqlx::query_as(SQL)
            .bind(id_hash)
            .fetch_optional(pool)
            .await)?;
    Ok(row.map(|(id, email, is_admin, cart, expires_at)| Session {
        account: Account {
            id,
            email,
            is_admin,
        },
        cart,
        expires_at,
    }))
}

/// Stores a session. Expired sessions of the same account go at the same
/// time, so the table does not grow with every sign-in.
pub async fn create_session(
    db: &Db,
    id_hash: &str,
    account: AccountId,
    expires_at: DateTime<Utc>,
) -> Result<(), ferry::Error> {
    const PURGE: &str = "DELETE FROM sessions WHERE account_id = $1 AND expires_at < $2";
    const INSERT: &str =
        "INSERT INTO sessions (id_hash, account_id, expires_at) VALUES ($1, $2, $3)";
    match db {
        Db::Sqlite { writer, .. } => {
            let id_hash = id_hash.to_owned();
            let expires_at = rfc3339(expires_at);
            writer
                .write(move |db| {
                    db.prepare_cached(PURGE)?
                        .execute(params![account.0, app_core::db::now()])?;
                    db.prepare_cached(INSERT)?
                        .execute(params![id_hash, account.0, expires_at])?;
                    Ok(())
                })
                .await
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query(PURGE)
                .bind(account)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            sqlx::query(INSERT)
                .bind(id_hash)
                .bind(account)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
            Ok(tx.commit().await?)
        }
    }
}

/// Deletes a session (signing out, or replaced at sign-in).
pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), ferry::Error> {
    const SQL: &str = "DELETE FROM sessions WHERE id_hash = $1";
    match db {
        Db::Sqlite { writer, .. } => {
            let id_hash = id_hash.to_owned();
            writer
                .write(move |db| Ok(db.prepare_cached(SQL)?.execute([id_hash]).map(drop)?))
                .await
        }
        Db::Postgres(pool) => Ok(sqlx::query(SQL)
            .bind(id_hash)
            .execute(pool)
            .await
            .map(drop)?),
    }
}

/// Moves every line of cart `from` into cart `into`, adding quantities
/// where both have the product (up to the per-line limit of 99), and
/// empties `from`. Nothing is lost: stock is checked at checkout, as for
/// any cart.
pub async fn merge_cart(db: &Db, from: &CartId, into: &CartId) -> Result<(), ferry::Error> {
    if from == into {
        return Ok(());
    }
    // `WHERE true`: SQLite's grammar needs it between a SELECT and ON CONFLICT.
    const SQLITE: &str = "INSERT INTO cart_lines (cart_id, product_id, quantity, added_at)
         SELECT $1, product_id, quantity, added_at FROM cart_lines WHERE cart_id = $2 AND true
         ON CONFLICT (cart_id, product_id)
         DO UPDATE SET quantity = min(cart_lines.quantity + excluded.quantity, 99)";
    const POSTGRES: &str = "INSERT INTO cart_lines (cart_id, product_id, quantity, added_at)
         SELECT $1, product_id, quantity, added_at FROM cart_lines WHERE cart_id = $2
         ON CONFLICT (cart_id, product_id)
         DO UPDATE SET quantity = least(cart_lines.quantity + excluded.quantity, 99)";
    const EMPTY: &str = "DELETE FROM cart_lines WHERE cart_id = $1";
    match db {
        Db::Sqlite { writer, .. } => {
            let (from, into) = (from.clone(), into.clone());
            writer
                .write(move |db| {
                    db.prepare_cached(SQLITE)?
                        .execute([into.as_str(), from.as_str()])?;
                    db.prepare_cached(EMPTY)?.execute([from.as_str()])?;
                    Ok(())
                })
                .await
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            // Both carts' locks, in a fixed order: an add to either waits.
            let (first, second) = if from.as_str() < into.as_str() {
                (from, into)
            } else {
                (into, from)
            };
            crate::cart::postgres::lock_cart(&mut tx, first).await?;
            crate::cart::postgres::lock_cart(&mut tx, second).await?;
            sqlx::query(POSTGRES)
                .bind(into)
                .bind(from)
                .execute(&mut *tx)
                .await?;
            sqlx::query(EMPTY).bind(from).execute(&mut *tx).await?;
            Ok(tx.commit().await?)
        }
    }
}

/// An account for a test, with an email of its own and no usable password.
#[cfg(test)]
pub async fn test_account(db: &Db) -> AccountId {
    let email = format!("{}@example.com", CartId::generate().as_str());
    create(db, &email, "no password", false)
        .await
        .expect("a test account")
        .expect("an unused email")
        .id
}

/// A time as SQLite stores it (as sqlx writes a `DateTime<Utc>`).
fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::{add_line, load_cart};
    use ::cart::Quantity;
    use shop_core::ids::ProductId;

    #[tokio::test]
    async fn an_email_makes_one_account_only() {
        let (db, _fresh) = app_core::db::fresh().await;
        let first = create(&db, "ann@example.com", "h1", false).await.unwrap();
        assert!(first.is_some());
        let again = create(&db, "ann@example.com", "h2", false).await.unwrap();
        assert!(again.is_none(), "the email is taken");
        let found = find_by_email(&db, "ann@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.password_hash.as_str(), found.account.is_admin),
            ("h1", false)
        );
        assert!(find_by_email(&db, "bob@example.com")
            .await
            .unwrap()
            .is_none());
        assert!(set_admin(&db, "ann@example.com", true).await.unwrap());
        assert!(!set_admin(&db, "bob@example.com", true).await.unwrap());
        let found = find_by_email(&db, "ann@example.com")
            .await
            .unwrap()
            .unwrap();
        assert!(found.account.is_admin);
    }

    #[tokio::test]
    async fn sessions_are_found_by_hash_and_deleted() {
        let (db, _fresh) = app_core::db::fresh().await;
        let account = create(&db, "ann@example.com", "h", false)
            .await
            .unwrap()
            .unwrap();
        let until = Utc::now() + chrono::Duration::days(1);
        create_session(&db, "hash-a", account.id, until)
            .await
            .unwrap();
        let session = find_session(&db, "hash-a").await.unwrap().unwrap();
        assert_eq!(session.account.email, "ann@example.com");
        assert_eq!(session.cart, account.cart);
        assert!((session.expires_at - until).num_seconds().abs() < 1);
        assert!(find_session(&db, "hash-b").await.unwrap().is_none());
        delete_session(&db, "hash-a").await.unwrap();
        assert!(find_session(&db, "hash-a").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn expired_sessions_go_at_the_next_sign_in() {
        let (db, _fresh) = app_core::db::fresh().await;
        let account = create(&db, "ann@example.com", "h", false)
            .await
            .unwrap()
            .unwrap();
        let past = Utc::now() - chrono::Duration::days(1);
        create_session(&db, "old", account.id, past).await.unwrap();
        let future = Utc::now() + chrono::Duration::days(1);
        create_session(&db, "new", account.id, future)
            .await
            .unwrap();
        assert!(find_session(&db, "old").await.unwrap().is_none());
        assert!(find_session(&db, "new").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn merging_carts_adds_quantities_up_to_the_limit_and_loses_nothing() {
        let (db, _fresh) = app_core::db::fresh().await;
        let (visitor, account) = (CartId::generate(), CartId::generate());
        let add = |cart: CartId, product: i64, n: i64| {
            let db = db.clone();
            async move {
                add_line(&db, &cart, ProductId(product), Quantity::parse(n).unwrap())
                    .await
                    .unwrap()
            }
        };
        add(visitor.clone(), 1, 2).await;
        add(visitor.clone(), 9, 3).await;
        add(account.clone(), 9, 1).await;
        add(account.clone(), 2, 1).await;
        merge_cart(&db, &visitor, &account).await.unwrap();
        let merged = load_cart(&db, &account).await.unwrap();
        let quantity = |id| merged.lines.get(&ProductId(id)).map(|l| l.quantity);
        assert_eq!(
            (quantity(1), quantity(9), quantity(2)),
            (Some(2), Some(4), Some(1))
        );
        assert_eq!(load_cart(&db, &visitor).await.unwrap().item_count(), 0);
        // The same cart twice changes nothing.
        merge_cart(&db, &account, &account).await.unwrap();
        assert_eq!(load_cart(&db, &account).await.unwrap().item_count(), 7);
    }
}
