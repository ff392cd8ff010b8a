//! Money as integer cents: exact sums, no floating point, formatted for people.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul};

use serde::{Deserialize, Serialize};

/// An amount in cents. Crosses the wire as a plain integer.
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
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

    /// An amount typed by a person: `18`, `18.5`, `$1,299.00`. Dollars and
    /// up to two decimals; no sign, so never negative. `None` for anything
    /// else, or more than `u32::MAX` dollars. (Written here: a decimal
    /// crate would bring its parser into the browser's WASM for these few
    /// lines.)
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_prefix('$').unwrap_or(text);
        let (dollars, cents) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        // Commas only between groups of three ("1,299"): "18,50" is a
        // European decimal, not $1,850.
        let mut groups = dollars.split(',');
        let first = groups.next().unwrap_or_default();
        let grouped = groups.all(|group| group.len() == 3 && digits(group))
            && (first.len() <= 3 || !dollars.contains(','));
        let dollars = dollars.replace(',', "");
        if first.is_empty() || !digits(first) || !grouped || !digits(cents) || cents.len() > 2 {
            return None;
        }
        let dollars: u32 = dollars.parse().ok()?;
        let cents: i64 = format!("{cents:0<2}").parse().ok()?;
        Some(Self(i64::from(dollars) * 100 + cents))
    }

    /// `self` times a count, saturating rather than wrapping on absurd input.
    pub fn times(self, count: u32) -> Self {
        Self(self.0.saturating_mul(i64::from(count)))
    }
}

impl fmt::Display for Money {
    /// "$1,234.50"; negative amounts as "-$3.00". Written backwards into a
    /// buffer on the stack: a page prints twenty prices, and going through
    /// `to_string` and `write!` cost ten times as much.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "-$", 19 digits, 6 commas, "." and 2 digits fit in 30 bytes.
        let mut buf = [0u8; 32];
        let mut start = buf.len();
        let mut push = |byte: u8| {
            start -= 1;
            buf[start] = byte;
        };
        let cents = self.0.unsigned_abs();
        push(b'0' + (cents % 10) as u8);
        push(b'0' + (cents / 10 % 10) as u8);
        push(b'.');
        let mut dollars = cents / 100;
        let mut digits = 0;
        loop {
            if digits > 0 && digits % 3 == 0 {
                push(b',');
            }
            push(b'0' + (dollars % 10) as u8);
            digits += 1;
            dollars /= 10;
            if dollars == 0 {
                break;
            }
        }
        push(b'$');
        if self.0 < 0 {
            push(b'-');
        }
        // Only ASCII digits and punctuation were written.
        f.pad(std::str::from_utf8(&buf[start..]).map_err(|_| fmt::Error)?)
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
        assert_eq!(Money::from_cents(99_999).to_string(), "$999.99");
        assert_eq!(Money::from_cents(100_000).to_string(), "$1,000.00");
        assert_eq!(Money::from_cents(10_000_000).to_string(), "$100,000.00");
        assert_eq!(
            Money::from_cents(-100_000_000).to_string(),
            "-$1,000,000.00"
        );
        assert_eq!(format!("{:>8}", Money::from_cents(5)), "   $0.05");
        assert_eq!(
            Money::from_cents(i64::MIN).to_string(),
            "-$92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn parses_what_people_type() {
        for (text, cents) in [
            ("18", 1800),
            (" 18.5 ", 1850),
            ("18.05", 1805),
            ("$1,299.00", 129_900),
            ("1,234,567", 123_456_700),
            ("0", 0),
            ("0.99", 99),
            ("7.", 700),
        ] {
            assert_eq!(Money::parse(text), Some(Money::from_cents(cents)), "{text}");
        }
        for text in [
            "",
            "$",
            "-3",
            "3.999",
            "1e3",
            "12,50.0.1",
            ".5",
            "abc",
            "4294967296",
            "１２",
            "+5",
            "5 00",
        ] {
            assert_eq!(Money::parse(text), None, "{text:?}");
        }
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
