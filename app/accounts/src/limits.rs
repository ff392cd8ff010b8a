//! Sign-in attempts, limited so that a guesser slows down and the owner is
//! never locked out (in this process). Refusals are per client address:
//! one address gets 10 tries on an account, then one every 30 seconds,
//! and 30 tries over all accounts, then one every 5 seconds (governor's
//! keyed limiters). An account itself is never refused: past 10 failures
//! in a quarter of an hour, from wherever, each attempt on it waits a
//! little longer first, up to 4 seconds, so guesses spread over many
//! addresses stay slow while the owner, from their own address, still gets
//! in.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Attempts on one account from one address: 10 at once, then one every
/// 30 seconds.
const PER_ACCOUNT_AND_ADDRESS: (u32, Duration) = (10, Duration::from_secs(30));
/// Attempts from one address: 30 at once (an office behind one address),
/// then one every 5 seconds.
const PER_ADDRESS: (u32, Duration) = (30, Duration::from_secs(5));
/// Failures on an account before its attempts start to wait.
const FREE_FAILURES: u32 = 10;
/// The first wait; each further failure doubles it, up to `MAX_DELAY`.
const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(4);
/// How long an account's failures are remembered after the last one.
const FAILURES_KEPT: Duration = Duration::from_secs(15 * 60);
/// Accounts whose failures are remembered at most (someone spraying
/// made-up emails cannot grow the map past it).
const MAX_ACCOUNTS: usize = 65_536;
/// How often, in attempts, keys that are full again are forgotten.
const FORGET_EVERY: u64 = 1024;

/// Whether an attempt may go ahead, and after how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Check the password after waiting this long.
    After(Duration),
    /// The address is over its limit: answer 429 without checking.
    Refused,
}

/// The limiters and the accounts' recent failures.
pub struct Limits {
    pairs: DefaultKeyedRateLimiter<(String, Option<IpAddr>)>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    failures: Mutex<HashMap<String, Failures>>,
    attempts: AtomicU64,
}

/// An account's failed attempts, the last at `last`.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Limits {
    fn new() -> Self {
        Self {
            pairs: RateLimiter::keyed(quota(PER_ACCOUNT_AND_ADDRESS)),
            addresses: RateLimiter::keyed(quota(PER_ADDRESS)),
            failures: Mutex::default(),
            attempts: AtomicU64::new(0),
        }
    }

    /// Takes a turn for `email` (normalized, at most 254 characters) from
    /// `address`. The caller's answer to a refusal does not say which
    /// limit refused.
    pub fn attempt(&self, email: &str, address: Option<IpAddr>) -> Turn {
        // The address first: a refused address takes no turn from the
        // account it named.
        let allowed = self.attempt_from(address)
            && self.pairs.check_key(&(email.to_owned(), address)).is_ok();
        match allowed {
            true => Turn::After(self.delay(email, Instant::now())),
            false => Turn::Refused,
        }
    }

    /// Takes a turn for `address` alone (a sign-up); `false` when it is
    /// over its limit.
    pub fn attempt_from(&self, address: Option<IpAddr>) -> bool {
        if self.attempts.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.pairs.retain_recent();
            self.addresses.retain_recent();
            self.forget_old_failures(Instant::now());
        }
        address.is_none_or(|ip| self.addresses.check_key(&ip).is_ok())
    }

    /// Records a wrong password (or an unknown email) for `email`.
    pub fn failed(&self, email: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= MAX_ACCOUNTS && !failures.contains_key(email) {
            failures.retain(|_, f| now.duration_since(f.last) < FAILURES_KEPT);
            if failures.len() >= MAX_ACCOUNTS {
                return;
            }
        }
        let entry = failures.entry(email.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(entry.last) >= FAILURES_KEPT {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// How long an attempt on `email` waits: nothing for its first
    /// failures, then doubling with each one.
    fn delay(&self, email: &str, now: Instant) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let count = match failures.get(email) {
            Some(f) if now.duration_since(f.last) < FAILURES_KEPT => f.count,
            _ => 0,
        };
        match count.checked_sub(FREE_FAILURES) {
            None => Duration::ZERO,
            Some(over) => FIRST_DELAY.saturating_mul(1 << over.min(16)).min(MAX_DELAY),
        }
    }

    fn forget_old_failures(&self, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures.retain(|_, f| now.duration_since(f.last) < FAILURES_KEPT);
    }
}

/// The process's limits.
pub fn limits() -> &'static Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS.get_or_init(Limits::new)
}

fn quota((burst, every): (u32, Duration)) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANN: &str = "ann@example.com";

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn one_address_gets_ten_tries_on_an_account_then_waits() {
        let limits = Limits::new();
        let guesser = ip("198.51.100.7");
        for n in 0..10 {
            assert_ne!(limits.attempt(ANN, guesser), Turn::Refused, "try {n}");
        }
        assert_eq!(limits.attempt(ANN, guesser), Turn::Refused);
        assert_ne!(
            limits.attempt("bob@example.com", guesser),
            Turn::Refused,
            "other accounts are not held up"
        );
        assert_ne!(
            limits.attempt(ANN, ip("203.0.113.9")),
            Turn::Refused,
            "nor is the owner, elsewhere"
        );
    }

    #[test]
    fn failures_from_anywhere_only_grow_the_accounts_wait() {
        let limits = Limits::new();
        for n in 0..FREE_FAILURES {
            assert_eq!(
                limits.attempt(ANN, None),
                Turn::After(Duration::ZERO),
                "try {n}"
            );
            limits.failed(ANN);
        }
        let owner = ip("203.0.113.9");
        assert_eq!(limits.attempt(ANN, owner), Turn::After(FIRST_DELAY));
        for _ in 0..40 {
            limits.failed(ANN);
        }
        assert_eq!(limits.attempt(ANN, owner), Turn::After(MAX_DELAY));
        let later = Instant::now() + FAILURES_KEPT;
        assert_eq!(limits.delay(ANN, later), Duration::ZERO, "forgotten");
    }

    #[test]
    fn one_address_cannot_spray_many_accounts() {
        let limits = Limits::new();
        let sprayer = ip("198.51.100.7");
        for n in 0..30 {
            let email = format!("user{n}@example.com");
            assert_ne!(limits.attempt(&email, sprayer), Turn::Refused, "try {n}");
        }
        assert_eq!(limits.attempt("fresh@example.com", sprayer), Turn::Refused);
        let elsewhere = ip("203.0.113.9");
        for n in 0..10 {
            assert_ne!(
                limits.attempt("fresh@example.com", elsewhere),
                Turn::Refused,
                "try {n}: the refused one took no turn"
            );
        }
    }
}
