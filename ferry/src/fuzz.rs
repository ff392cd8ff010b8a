//! Property-based fuzzing of every parser that reads bytes a client sent:
//! the held reads of `x-ferry-queries`, the error a no-JS redirect carries
//! (and its signature), `X-Forwarded-For` entries and the multipart
//! boundary check (tags have theirs in `revalidate`). Each takes any input
//! without panicking, and what it accepts round-trips. Bounded by a number
//! of cases (`FERRY_FUZZ_CASES`, default 3,000 each) so that the test
//! command's time stays fixed; set it higher for a longer hunt.

use std::net::{IpAddr, SocketAddr};

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;

use crate::inline::{Held, ReadKey, decode_held, encode_held};

fn cases() -> u32 {
    std::env::var("FERRY_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn held() -> impl Strategy<Value = Held> {
    (
        "[a-z:,]{0,12}",
        "GET|POST",
        "/[ -~]{0,20}",
        "[ -~]{0,30}",
        "[ -~]{0,20}",
    )
        .prop_map(|(tags, method, path, body, content_type)| Held {
            tags,
            key: ReadKey {
                method,
                path,
                body,
                content_type,
            },
        })
}

proptest! {
    #![proptest_config(config())]

    /// Any header text, and any bytes dressed as base64, decode to some
    /// list of reads (often none) without panicking.
    #[test]
    fn any_queries_header_decodes(text in ".{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_held(&text);
        let _ = decode_held(&URL_SAFE_NO_PAD.encode(&bytes));
    }

    /// What the browser's side encodes, the server's side reads back whole.
    #[test]
    fn held_reads_round_trip(reads in proptest::collection::vec(held(), 0..8)) {
        let header = encode_held(&reads);
        prop_assert_eq!(decode_held(&header), reads);
    }

    /// Any redirect address, and any bytes as its error, give a status or
    /// none, never a panic; an error that is not ferry's counts as 500.
    #[test]
    fn any_redirect_error_is_judged(location in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = crate::observe::redirected_error_status(&location);
        let _ = crate::error::status::status_of_encoded_error(&bytes);
        let carrying = format!("/page?__path=%2Fapi%2Fx&__err={}", URL_SAFE.encode(&bytes));
        let status = crate::observe::redirected_error_status(&carrying);
        prop_assert!(status.is_some_and(|s| (400..=599).contains(&s)), "{:?}", status);
    }

    /// Any query reads as some parameters; a signature is the key's only
    /// for exactly the error it signed.
    #[test]
    fn error_signatures_hold(query in ".{0,200}", path in ".{0,40}", error in ".{0,80}", other in ".{0,80}") {
        let _ = crate::form::signed::carried(&query);
        let key = crate::form::signed::ErrorKey::random();
        let signature = key.sign(&path, &error);
        prop_assert!(key.verify(&path, &error, &signature));
        prop_assert_eq!(key.verify(&path, &other, &signature), other == error);
        prop_assert!(!key.verify(&path, &error, &query));
    }

    /// Any forwarded entry parses to an address or to none; an address,
    /// with or without a port, parses to itself.
    #[test]
    fn forwarded_entries_parse(entry in ".{0,60}", ip in any::<IpAddr>(), port in any::<u16>()) {
        let _ = crate::client_addr::parse_hop(&entry);
        prop_assert_eq!(crate::client_addr::parse_hop(&ip.to_string()), Some(ip));
        let with_port = SocketAddr::new(ip, port).to_string();
        prop_assert_eq!(crate::client_addr::parse_hop(&with_port), Some(ip));
    }

    /// Any content type is judged a multipart body with a boundary or not,
    /// without panicking.
    #[test]
    fn any_content_type_is_judged(content_type in ".{0,120}") {
        let Ok(value) = axum::http::HeaderValue::from_str(&content_type) else {
            return Ok(());
        };
        let request = axum::http::Request::post("/api/upload")
            .header(axum::http::header::CONTENT_TYPE, value)
            .body(axum::body::Body::empty())
            .unwrap();
        let _ = crate::multipart::has_boundary(&request);
    }
}
