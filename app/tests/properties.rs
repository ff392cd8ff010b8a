//! Property tests (no failure persistence, so runs leave no files) on the
//! pure rules that decode and validate what visitors send.

use app::cart::{quantity_after_add, Quantity, MAX_QUANTITY};
use app::money::Money;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any integer is either a quantity from 1 to 99 or a field error.
    #[test]
    fn quantity_parse_accepts_exactly_1_to_99(value in any::<i64>()) {
        match Quantity::parse(value) {
            Ok(q) => prop_assert!((1..=i64::from(MAX_QUANTITY)).contains(&value) && i64::from(q.get()) == value),
            Err(e) => {
                prop_assert!(!(1..=i64::from(MAX_QUANTITY)).contains(&value));
                prop_assert!(e.field("quantity").is_some());
            }
        }
    }

    /// Adding is accepted exactly when the new total fits both the stock and
    /// the per-line limit, and then yields that total; otherwise it is a
    /// field error on `quantity` that changes nothing.
    #[test]
    fn adding_never_exceeds_stock_or_limit(existing in 0u32..200, adding in 1i64..=99, stock in 0u32..500) {
        let adding = Quantity::parse(adding).unwrap();
        let wanted = existing + adding.get();
        let fits = wanted <= stock && wanted <= MAX_QUANTITY;
        match quantity_after_add(existing, adding, stock) {
            Ok(total) => {
                prop_assert!(fits, "accepted {wanted} with stock {stock}");
                prop_assert_eq!(total, wanted);
            }
            Err(e) => {
                prop_assert!(!fits, "refused {wanted} with stock {stock}");
                prop_assert!(e.field("quantity").is_some());
            }
        }
    }

    /// Formatting money keeps the exact number of cents.
    #[test]
    fn money_formats_to_its_exact_cents(cents in -1_000_000_000_000i64..1_000_000_000_000) {
        let text = Money::from_cents(cents).to_string();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let parsed: i64 = digits.parse().unwrap();
        prop_assert_eq!(if text.starts_with('-') { -parsed } else { parsed }, cents);
    }
}
