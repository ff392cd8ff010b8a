//! Money as integer cents: exact sums, no floating point, formatted for people.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul};

use serde::{Deserialize, Serialize};

/// An amount in cents. Crosses the wire as a plain integer.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Money(i64);

impl Money {
    /// An amount from a count of cents.
    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// `self` times a count, saturating rather than wrapping on absurd input.
    pub fn times(self, count: u32) -> Self {
        Self(self.0.saturating_mul(i64::from(count)))
    }
}

impl fmt::Display for Money {
    /// "$1,234.50"; negative amounts as "-$3.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let cents = self.0.unsigned_abs();
        let dollars = (cents / 100).to_string();
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, digit) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{:02}", cents % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl Mul<u32> for Money {
    type Output = Money;
    fn mul(self, count: u32) -> Money {
        self.times(count)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::default(), Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dollars_and_cents_with_grouping() {
        assert_eq!(Money::from_cents(0).to_string(), "$0.00");
        assert_eq!(Money::from_cents(5).to_string(), "$0.05");
        assert_eq!(Money::from_cents(129_900).to_string(), "$1,299.00");
        assert_eq!(Money::from_cents(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Money::from_cents(-300).to_string(), "-$3.00");
        assert_eq!(
            Money::from_cents(i64::MIN).to_string(),
            "-$92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn sums_are_exact() {
        let total: Money = [10, 20, 70].into_iter().map(Money::from_cents).sum();
        assert_eq!(total, Money::from_cents(100));
        assert_eq!(Money::from_cents(1999) * 3, Money::from_cents(5997));
        assert_eq!(Money::from_cents(i64::MAX) * 2, Money::from_cents(i64::MAX));
    }

    #[test]
    fn crosses_the_wire_as_an_integer() {
        assert_eq!(
            serde_json::to_string(&Money::from_cents(1250)).unwrap(),
            "1250"
        );
    }
}
