//! Sign-in attempts, limited per account and per client address with
//! governor's keyed limiters (in this process). Every attempt takes a
//! turn, right or wrong: someone who knows the password signs in well
//! within the limits, a guesser slows to one try per account every 30
//! seconds, and one address cannot spray many accounts either.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Attempts on one account: 10 at once, then one every 30 seconds.
const PER_ACCOUNT: (u32, Duration) = (10, Duration::from_secs(30));
/// Attempts from one address: 30 at once (an office behind one address),
/// then one every 5 seconds.
const PER_ADDRESS: (u32, Duration) = (30, Duration::from_secs(5));
/// How often, in attempts, keys that are full again are forgotten, so an
/// attacker spraying made-up emails cannot grow the maps without bound.
const FORGET_EVERY: u64 = 1024;

/// The two limiters.
pub struct Limits {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    attempts: AtomicU64,
}

impl Limits {
    fn new() -> Self {
        Self {
            accounts: RateLimiter::keyed(quota(PER_ACCOUNT)),
            addresses: RateLimiter::keyed(quota(PER_ADDRESS)),
            attempts: AtomicU64::new(0),
        }
    }

    /// Takes a turn for `email` (normalized, at most 254 characters) from
    /// `address`; `false` when either is over its limit. The caller's
    /// answer does not say which one refused.
    pub fn attempt(&self, email: &str, address: Option<IpAddr>) -> bool {
        // The address first: a refused address takes no turn from the
        // account it named.
        self.attempt_from(address) && self.accounts.check_key(&email.to_owned()).is_ok()
    }

    /// Takes a turn for `address` alone (a sign-up); `false` when it is
    /// over its limit.
    pub fn attempt_from(&self, address: Option<IpAddr>) -> bool {
        if self.attempts.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.accounts.retain_recent();
            self.addresses.retain_recent();
        }
        address.is_none_or(|ip| self.addresses.check_key(&ip).is_ok())
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

    #[test]
    fn an_account_gets_ten_tries_then_waits() {
        let limits = Limits::new();
        for n in 0..10 {
            assert!(limits.attempt("ann@example.com", None), "try {n}");
        }
        assert!(!limits.attempt("ann@example.com", None));
        assert!(
            limits.attempt("bob@example.com", None),
            "others are not held up"
        );
    }

    #[test]
    fn one_address_cannot_spray_many_accounts() {
        let limits = Limits::new();
        let ip: IpAddr = "198.51.100.7".parse().unwrap();
        for n in 0..30 {
            assert!(
                limits.attempt(&format!("user{n}@example.com"), Some(ip)),
                "try {n}"
            );
        }
        assert!(!limits.attempt("fresh@example.com", Some(ip)));
        let elsewhere: IpAddr = "203.0.113.9".parse().unwrap();
        for n in 0..10 {
            assert!(
                limits.attempt("fresh@example.com", Some(elsewhere)),
                "try {n}: the refused one took no turn"
            );
        }
    }
}
