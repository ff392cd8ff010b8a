//! Form bodies into typed arguments, fuzzed: any body posted to a server
//! function, and any `x-ferry-queries` a mutation carries, gets an answer
//! below 500 (a 4xx for what does not parse), never a panic. Each case is
//! a request through every layer, so the count is smaller than the parsers'
//! own (`FERRY_FUZZ_CASES`, default 400 per property).

mod notes;

use axum::http::HeaderValue;
use notes::{TestApp, post};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("FERRY_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse::<u32>().ok())
        .map_or(400, |n| (n / 8).max(1));
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The notes app's functions with arguments: a number, text, a guard.
const FUNCTIONS: [&str; 5] = [
    "/api/notes/get",
    "/api/notes/add",
    "/api/notes/sign",
    "/api/notes/add_signed",
    "/api/notes/add_to_full",
];

/// A body: form fields with any names and values, or any text at all.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(("[a-z_\\[\\]]{0,8}", ".{0,20}"), 0..4).prop_map(|fields| {
            fields
                .iter()
                .map(|(k, v)| format!("{k}={}", urlencode(v)))
                .collect::<Vec<_>>()
                .join("&")
        }),
        ".{0,200}",
        "n=-?[0-9]{0,25}",
    ]
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_body_to_a_typed_function_is_answered_below_500(
        function in proptest::sample::select(&FUNCTIONS[..]),
        body in body(),
    ) {
        let runtime = runtime();
        let status = runtime.block_on(async {
            TestApp::with(|_| {}).call(function, &body).await.status
        });
        prop_assert!(status.as_u16() < 500, "{} {:?}: {}", function, body, status);
    }

    #[test]
    fn any_held_reads_header_is_answered_below_500(header in "[ -~]{0,300}") {
        let Ok(value) = HeaderValue::from_str(&header) else {
            return Ok(());
        };
        let runtime = runtime();
        let status = runtime.block_on(async {
            let mut request = post("/api/notes/add", "text=fuzz");
            request.headers_mut().insert("x-ferry-queries", value);
            TestApp::with(|_| {}).send(request).await.status
        });
        prop_assert!(status.as_u16() < 500, "{:?}: {}", header, status);
    }
}
