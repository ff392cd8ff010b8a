//! Hostile input, deterministic (fixed seed): 10,000 generated requests
//! against every server function and API route. None may get a 5xx, none
//! may panic, and the database must be exactly as it was.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;

const REQUESTS: usize = 10_000;
const SEED: u64 = 0x5eed_f00d_cafe_b0ba;

/// Every endpoint a visitor can reach with a body.
const MUTATIONS: [&str; 10] = [
    "/api/cart/add",
    "/api/cart/set",
    "/api/cart/remove",
    "/api/orders/checkout",
    "/api/counter/add",
    "/api/accounts/sign-up",
    "/api/accounts/sign-in",
    "/api/catalog/set-stock",
    "/api/catalog/set-price",
    "/api/catalog/image",
];
/// Reads, and sign-out, which without a session changes nothing and
/// answers 200.
const READS: [&str; 8] = [
    "/api/cart/get",
    "/api/catalog/list",
    "/api/catalog/get",
    "/api/orders/get",
    "/api/orders/mine",
    "/api/counter/get",
    "/api/accounts/sign-out",
    "/api/admin/products",
];

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Values that are never a valid argument: wrong types, out of range,
/// absurd sizes, odd unicode, injection attempts.
const BAD_VALUES: [&str; 16] = [
    "",
    "-1",
    "0",
    "101",
    "-9223372036854775809",
    "99999999999999999999999",
    "1e9",
    "NaN",
    "abc",
    "%00",
    "%ZZ",
    "\u{202e}1",
    "1%20OR%201%3D1",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "[]",
    "{}",
];
const KEYS: [&str; 14] = [
    "stock",
    "price",
    "image",
    "email",
    "password",
    "next",
    "product_id",
    "quantity",
    "by",
    "id",
    "product_id[0]",
    "a[b][c][d]",
    "quantity[]",
    "__proto__",
];
const CONTENT_TYPES: [&str; 7] = [
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded; charset=utf-16",
    "",
    "application/cbor",
];

fn junk_body(rng: &mut Rng) -> Vec<u8> {
    match rng.below(6) {
        0 => (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
        1 => {
            let pairs: Vec<String> = (0..1 + rng.below(6))
                .map(|_| format!("{}={}", rng.pick(&KEYS), rng.pick(&BAD_VALUES)))
                .collect();
            pairs.join("&").into_bytes()
        }
        2 => {
            let json = format!(
                r#"{{"product_id": {}, "quantity": {}}}"#,
                rng.next() as i64,
                rng.pick(&["-5", "1e400", "\"x\"", "null"])
            );
            json.as_bytes()[..rng.below(json.len() + 1)].to_vec()
        }
        3 => format!("{}=", "a[".repeat(200 + rng.below(2000))).into_bytes(),
        4 => "quantity=1&".repeat(1 + rng.below(500)).into_bytes(),
        _ => "ü\u{0}\u{fffe}🦀=\u{d7ff}"
            .repeat(1 + rng.below(50))
            .into_bytes(),
    }
}

fn hostile_request(rng: &mut Rng) -> (Request<Body>, bool) {
    let (path, mutates) = match rng.below(10) {
        0..=5 => (rng.pick(&MUTATIONS).to_owned(), true),
        6..=7 => (rng.pick(&READS).to_owned(), false),
        _ => (format!("/api/v1/products/{}", rng.pick(&BAD_VALUES)), false),
    };
    let method = if path.starts_with("/api/v1/") || rng.below(8) == 0 {
        rng.pick(&["GET", "POST", "PUT", "DELETE"])
    } else {
        "POST"
    };
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(&path)
        .header(header::HOST, "localhost");
    let content_type = rng.pick(&CONTENT_TYPES);
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    if rng.below(2) == 0 {
        request = request
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, "http://localhost/");
    }
    (request.body(Body::from(junk_body(rng))).unwrap(), mutates)
}

/// Everything a request could have changed, as one comparable value.
async fn snapshot(db: &app::db::Db) -> Vec<i64> {
    let mut state = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM products",
        "SELECT CAST(COALESCE(SUM(stock * 31 + price_cents), 0) AS BIGINT) FROM products",
        "SELECT COUNT(*) FROM cart_lines",
        "SELECT COUNT(*) FROM orders",
        "SELECT COUNT(*) FROM order_lines",
        "SELECT COUNT(*) FROM accounts",
        "SELECT COUNT(*) FROM sessions",
        "SELECT COUNT(image) FROM products",
    ] {
        let value = app::db::with_pool!(db, |pool| sqlx::query_scalar(sql).fetch_one(pool).await);
        state.push(value.unwrap());
    }
    state
}

#[tokio::test]
async fn ten_thousand_hostile_requests_get_4xx_and_change_nothing() {
    let app = TestApp::new().await;
    let before = snapshot(&app.db).await;
    let counter_before = app.call("/api/counter/get", "", None).await.body;
    let mut rng = Rng(SEED);
    let mut by_class = [0usize; 6];
    for i in 0..REQUESTS {
        let (request, mutates) = hostile_request(&mut rng);
        let label = format!("#{i} {} {}", request.method(), request.uri());
        let reply = app.send(request).await;
        let class = usize::from(reply.status.as_u16() / 100);
        by_class[class.min(5)] += 1;
        assert!(class != 5, "{label} got {}: {}", reply.status, reply.body);
        if mutates {
            assert!(
                reply.status.is_client_error() || reply.status == StatusCode::FOUND,
                "{label} got {}: {}",
                reply.status,
                reply.body
            );
        }
    }
    println!(
        "hostile input: {REQUESTS} requests, seed {SEED:#x}: 2xx {}, 3xx {}, 4xx {}, 5xx {}; panics 0",
        by_class[2], by_class[3], by_class[4], by_class[5]
    );
    assert_eq!(snapshot(&app.db).await, before, "the database changed");
    let uploaded = std::fs::read_dir(app.uploads.path()).unwrap().count();
    assert_eq!(uploaded, 0, "no file was stored");
    assert_eq!(
        app.call("/api/counter/get", "", None).await.body,
        counter_before,
        "the counter changed"
    );
}
