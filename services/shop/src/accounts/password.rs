//! Passwords: argon2id with the argon2 crate's defaults, which are the
//! parameters OWASP recommends (19 MiB of memory, 2 passes, 1 lane), kept
//! as PHC strings (algorithm, parameters, salt and hash in one text). Each
//! hash takes tens of milliseconds of CPU and 19 MiB, so it runs on the
//! blocking pool, a few at a time.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

/// Hashes a new password with a fresh random salt.
pub async fn hash(password: String) -> Result<String, ferry::Error> {
    blocking(move || hash_now(&password)).await?
}

/// Whether `password` matches `stored`. With nothing stored (an unknown
/// email) it checks against a hash of a random password, so the answer
/// takes as long as for a real account and is always `false`.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ferry::Error> {
    blocking(move || {
        let known = stored.is_some();
        let stored = match &stored {
            Some(stored) => stored.as_str(),
            None => decoy()?,
        };
        let parsed = PasswordHash::new(stored).map_err(ferry::Error::internal)?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(matches && known)
    })
    .await?
}

fn hash_now(password: &str) -> Result<String, ferry::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ferry::Error::internal)
}

/// A hash no password is known for, made once per process with the same
/// parameters as real ones.
fn decoy() -> Result<&'static str, ferry::Error> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(decoy) = DECOY.get() {
        return Ok(decoy);
    }
    let made = hash_now(&app_core::session::random_secret())?;
    Ok(DECOY.get_or_init(|| made))
}

/// Runs `work` on the blocking pool, at most as many at once as there are
/// cores: a burst of sign-ins queues here instead of taking 19 MiB each
/// for hundreds of threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ferry::Error> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        Arc::new(Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        ))
    });
    let permit = permits
        .clone()
        .acquire_owned()
        .await
        .map_err(ferry::Error::internal)?;
    // The permit goes with the work: a request given up on (the client
    // left, the timeout struck) frees it only when the hash is done.
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(ferry::Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse".to_owned()).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        let check = |password: &str| verify(password.to_owned(), Some(stored.clone()));
        assert!(check("correct horse").await.unwrap());
        assert!(!check("correct horsE").await.unwrap());
        assert!(!check("").await.unwrap());
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let a = hash("same".to_owned()).await.unwrap();
        let b = hash("same".to_owned()).await.unwrap();
        assert_ne!(a, b, "a salt of its own");
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        assert!(!verify("anything".to_owned(), None).await.unwrap());
    }
}
