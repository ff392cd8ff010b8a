//! The shop over HTTP: pages, every server function (valid, invalid,
//! unknown product, malformed body), the cart cookie, and checkout.

mod common;

use app::catalog::ProductId;
use axum::http::StatusCode;
use common::TestApp;
use shop_service::catalog::{find_product, update_stock};

#[tokio::test]
async fn the_catalog_lists_every_product_with_price_and_stock() {
    let app = TestApp::new().await;
    let page = app.get("/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Harbour Mug") && page.body.contains("$18.00"),
        "{}",
        page.body
    );
    assert!(page.body.contains("40 in stock"), "{}", page.body);
    assert_eq!(page.body.matches(r#"action="/api/cart/add""#).count(), 20);
    assert!(page.cart_cookie().is_none(), "reading sets no cookie");
}

#[tokio::test]
async fn a_product_page_shows_details_and_a_missing_one_is_404() {
    let app = TestApp::new().await;
    let page = app.get("/products/5", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Brass Compass") && page.body.contains("January 12, 2026"),
        "{}",
        page.body
    );
    for missing in ["/products/999", "/products/abc"] {
        let page = app.get(missing, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(page.body.contains("was not found"), "{}", page.body);
    }
}

#[tokio::test]
async fn adding_sets_an_http_only_cookie_and_fills_the_badge_and_cart() {
    let app = TestApp::new().await;
    let reply = app
        .call("/api/cart/add", "product_id=1&quantity=2", None)
        .await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "2"));
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let cookie = reply.cart_cookie().unwrap();
    let reply = app
        .call("/api/cart/add", "product_id=9&quantity=1", Some(&cookie))
        .await;
    assert_eq!(reply.body, "3");
    assert!(reply.cart_cookie().is_none(), "the cookie is set once");
    let page = app.get("/cart", Some(&cookie)).await;
    assert_eq!(page.testid("cart-count"), Some("3"), "{}", page.body);
    assert_eq!(page.testid("cart-total"), Some("$45.00"), "{}", page.body);
}

#[tokio::test]
async fn the_cart_travels_as_a_typed_map() {
    let app = TestApp::new().await;
    let cookie = app.cart_with("product_id=3&quantity=2").await;
    let cart = app.call("/api/cart/get", "", Some(&cookie)).await.json();
    assert_eq!(cart["lines"]["3"]["quantity"], 2);
    assert_eq!(cart["lines"]["3"]["unit_price"], 8900);
}

#[tokio::test]
async fn invalid_quantities_are_422_with_the_field_and_the_typed_value() {
    let app = TestApp::new().await;
    for quantity in ["0", "100", "-5"] {
        let reply = app
            .call(
                "/api/cart/add",
                &format!("product_id=1&quantity={quantity}"),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{quantity}");
        let error = reply.json();
        assert_eq!(error["fields"]["quantity"], "Choose 1 to 99.");
        assert_eq!(error["values"]["quantity"], quantity);
        assert!(
            reply.cart_cookie().is_none(),
            "a refused call creates no cart"
        );
    }
    update_stock(&app.db, ProductId(1), 2).await.unwrap();
    let reply = app
        .call("/api/cart/add", "product_id=1&quantity=3", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["fields"]["quantity"], "Only 2 left.");
}

#[tokio::test]
async fn an_unknown_product_is_404() {
    let app = TestApp::new().await;
    for (path, body) in [
        ("/api/cart/add", "product_id=999&quantity=1"),
        ("/api/cart/set", "product_id=999&quantity=1"),
        ("/api/cart/remove", "product_id=999"),
    ] {
        let reply = app.call(path, body, None).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.body
        );
        assert_eq!(reply.json()["kind"], "not_found");
    }
    assert_eq!(
        app.call("/api/catalog/get", "id=999", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// The server functions that take no arguments: there is no body to get
/// wrong.
const TAKES_NO_ARGUMENTS: [&str; 8] = [
    "/api/catalog/list",
    "/api/cart/get",
    "/api/counter/get",
    "/api/orders/mine",
    "/api/orders/checkout",
    "/api/accounts/me",
    "/api/accounts/sign-out",
    "/api/admin/products",
];

#[tokio::test]
async fn malformed_bodies_are_400_for_every_function() {
    let app = TestApp::new().await;
    let cases = [
        ("/api/cart/add", "product_id=abc&quantity=1"),
        ("/api/cart/add", "product_id=1"),
        ("/api/cart/add", "quantity=1"),
        ("/api/cart/add", "product_id=1&quantity=1e3"),
        ("/api/cart/set", "product_id=&quantity=2"),
        ("/api/cart/remove", "product_id=%ZZ"),
        ("/api/catalog/get", "id=one"),
        ("/api/catalog/set-stock", "product_id=1&stock=many"),
        ("/api/catalog/set-price", "product_id=1"),
        // Not multipart at all: refused before server_fn reads it.
        ("/api/catalog/image", "product_id=1"),
        ("/api/orders/get", "id=99999999999999999999999"),
        ("/api/counter/add", "by=1.5"),
        ("/api/accounts/sign-up", "email=a%40example.com"),
        ("/api/accounts/sign-in", "password=x&next=%2F"),
    ];
    for (path, body) in cases {
        let reply = app.call(path, body, None).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path} {body:?}: {}",
            reply.body
        );
    }
    // Every function the app registers is covered: one added later fails
    // here until it has a case above (or is listed as taking nothing).
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        assert!(
            cases.iter().any(|(covered, _)| *covered == path) || TAKES_NO_ARGUMENTS.contains(&path),
            "{path} has no malformed-body case"
        );
    }
    assert_eq!(
        find_product(&app.db, ProductId(1))
            .await
            .unwrap()
            .unwrap()
            .stock,
        40
    );
}

#[tokio::test]
async fn changing_and_removing_lines() {
    let app = TestApp::new().await;
    let cookie = app.cart_with("product_id=2&quantity=1").await;
    let reply = app
        .call("/api/cart/set", "product_id=2&quantity=4", Some(&cookie))
        .await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "4"));
    let reply = app
        .call("/api/cart/set", "product_id=2&quantity=0", Some(&cookie))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = app
        .call("/api/cart/remove", "product_id=2", Some(&cookie))
        .await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "0"));
    let page = app.get("/cart", Some(&cookie)).await;
    assert!(page.body.contains("Your cart is empty."), "{}", page.body);
}

#[tokio::test]
async fn checkout_places_the_order_and_shows_it_only_to_its_account() {
    let app = TestApp::new().await;
    let cookie = app.shopper_with("product_id=4&quantity=2").await;
    let reply = app.call("/api/orders/checkout", "", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let order: i64 = reply.body.parse().unwrap();
    assert!(
        reply.headers.contains_key("serverfnredirect"),
        "the hydrated app is sent to the order page"
    );
    let page = app.get(&format!("/orders/{order}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Tide Table Poster") && page.body.contains("$64.00"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Placed: we are packing it"),
        "{}",
        page.body
    );
    assert_eq!(
        find_product(&app.db, ProductId(4))
            .await
            .unwrap()
            .unwrap()
            .stock,
        28
    );
    let signed_out = app.browse(&format!("/orders/{order}"), None).await;
    assert_eq!(signed_out.status, StatusCode::FOUND, "sent to sign in");
    assert_eq!(
        signed_out.location(),
        format!("/sign-in?next=%2Forders%2F{order}")
    );
    let other = app.shopper_with("product_id=1&quantity=1").await;
    let stranger = app.get(&format!("/orders/{order}"), Some(&other)).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    assert!(
        !stranger.body.contains("Tide Table Poster"),
        "{}",
        stranger.body
    );
    let call = app
        .call("/api/orders/get", &format!("id={order}"), Some(&other))
        .await;
    assert_eq!(call.status, StatusCode::NOT_FOUND, "{}", call.body);
}

#[tokio::test]
async fn checkout_without_javascript_redirects_to_the_order() {
    let app = TestApp::new().await;
    let cookie = app.shopper_with("product_id=4&quantity=1").await;
    let reply = app
        .submit(
            "/api/orders/checkout",
            "",
            "http://localhost/cart",
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(
        reply.location().starts_with("/orders/"),
        "{}",
        reply.location()
    );
}

#[tokio::test]
async fn an_empty_cart_cannot_check_out() {
    let app = TestApp::new().await;
    let session = app.sign_up("empty%40example.com", None).await;
    let reply = app.call("/api/orders/checkout", "", Some(&session)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["fields"]["cart"], "Your cart is empty.");
}

#[tokio::test]
async fn a_refused_form_post_re_renders_with_message_and_typed_value() {
    let app = TestApp::new().await;
    let reply = app
        .submit(
            "/api/cart/add",
            "product_id=3&quantity=150",
            "http://localhost/products/3",
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let page = app.get(reply.location_path(), None).await;
    assert!(page.body.contains("Choose 1 to 99."), "{}", page.body);
    assert!(
        page.body.contains(r#"value="150""#),
        "the typed value is kept: {}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_carts_racing_for_the_last_units_never_oversell() {
    let app = TestApp::new().await;
    let mut cookies = Vec::new();
    for _ in 0..16 {
        cookies.push(app.shopper_with("product_id=14&quantity=1").await);
    }
    update_stock(&app.db, ProductId(14), 3).await.unwrap();
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = cookies
        .into_iter()
        .map(|cookie| {
            let app = app.clone();
            tokio::spawn(async move { app.call("/api/orders/checkout", "", Some(&cookie)).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let reply = task.await.unwrap();
        if reply.status != StatusCode::OK {
            assert_eq!(
                reply.json()["fields"]["line:14"],
                "Sold out.",
                "{}",
                reply.body
            );
        }
        statuses.push(reply.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 3);
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count(),
        13
    );
    assert_eq!(
        find_product(&app.db, ProductId(14))
            .await
            .unwrap()
            .unwrap()
            .stock,
        0
    );
}

#[tokio::test]
async fn mutations_declare_what_they_changed_and_failures_declare_nothing() {
    let app = TestApp::new().await;
    let reply = app
        .call("/api/cart/add", "product_id=1&quantity=1", None)
        .await;
    assert_eq!(reply.headers["x-ferry-revalidate"], "cart");
    let cookie = app.shopper_with("product_id=1&quantity=1").await;
    let reply = app.call("/api/orders/checkout", "", Some(&cookie)).await;
    assert_eq!(reply.headers["x-ferry-revalidate"], "cart,stock,orders");
    let refused = app
        .call("/api/cart/add", "product_id=1&quantity=0", None)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !refused.headers.contains_key("x-ferry-revalidate"),
        "a failed call revalidates nothing"
    );
    let read = app.call("/api/cart/get", "", Some(&cookie)).await;
    assert!(
        !read.headers.contains_key("x-ferry-revalidate"),
        "reads declare nothing"
    );
}

#[tokio::test]
async fn a_database_failure_is_a_friendly_500_with_a_request_id_and_no_detail() {
    let app = TestApp::new().await;
    app.break_database().await;
    let reply = app
        .call("/api/cart/add", "product_id=1&quantity=1", None)
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let error = reply.json();
    assert_eq!(error["kind"], "internal");
    assert_eq!(
        error["request_id"].as_str(),
        reply.headers["x-request-id"].to_str().ok(),
        "the id to quote is the request's own"
    );
    assert!(
        !reply.body.to_lowercase().contains("pool"),
        "{}",
        reply.body
    );
    let page = app.get("/", None).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        page.body
            .contains("something went wrong on our side; if it persists, quote request id"),
        "{}",
        page.body
    );
}

/// How many rows `sql` counts.
async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app::db::with_pool!(&app.db, |pool| sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await)
    .unwrap()
}

/// Runs `sql` with one time bound.
async fn run_at(app: &TestApp, sql: &'static str, at: chrono::DateTime<chrono::Utc>) {
    app::db::with_pool!(&app.db, |pool| sqlx::query(sql)
        .bind(at)
        .execute(pool)
        .await
        .map(drop))
    .unwrap();
}

/// A file in the uploads folder, last written `age` ago.
fn upload_file(app: &TestApp, name: &str, age: std::time::Duration) {
    let path = app.uploads.path().join(name);
    std::fs::write(&path, b"bytes").unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

#[tokio::test]
async fn a_sweep_removes_expired_sessions_abandoned_carts_and_unused_uploads() {
    use std::time::Duration;
    let app = TestApp::new().await;
    let long_ago = chrono::Utc::now() - chrono::Duration::days(40);
    // Two visitors' carts, one abandoned; an account's, as old, is kept.
    app.cart_with("product_id=1&quantity=1").await;
    let account = app.sign_up("sweep%40example.com", None).await;
    let added = app
        .call("/api/cart/add", "product_id=3&quantity=1", Some(&account))
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    run_at(&app, "UPDATE cart_lines SET added_at = $1", long_ago).await;
    app.cart_with("product_id=2&quantity=1").await;
    // One session expired, the account's own still good.
    let stale = app.sign_up("stale%40example.com", None).await;
    run_at(
        &app,
        "UPDATE sessions SET expires_at = $1 WHERE account_id = \
         (SELECT id FROM accounts WHERE email = 'stale@example.com')",
        long_ago,
    )
    .await;
    // Files: one no product names, one a product names, one just written.
    let hours = Duration::from_secs(2 * 60 * 60);
    upload_file(&app, "orphan.png", hours);
    upload_file(&app, ".cut-short.png.part", hours);
    upload_file(&app, "named.png", hours);
    upload_file(&app, "uploading.png", Duration::ZERO);
    app::db::with_pool!(&app.db, |pool| sqlx::query(
        "UPDATE products SET image = 'named.png' WHERE id = 1"
    )
    .execute(pool)
    .await
    .map(drop))
    .unwrap();

    let said = server::services::sweep(
        &app.db,
        app.uploads.path(),
        Duration::from_secs(30 * 86_400),
    )
    .await
    .unwrap();
    assert_eq!(
        said,
        "swept 1 expired sessions, 1 lines of abandoned carts, 2 unused uploaded files"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cart_lines").await, 2);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM cart_lines WHERE product_id = 1").await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM sessions").await, 1);
    let me = app.call("/api/accounts/me", "", Some(&account)).await;
    assert_eq!(me.json()["email"], "sweep@example.com");
    let gone = app.call("/api/accounts/me", "", Some(&stale)).await;
    assert!(gone.json().is_null(), "{}", gone.body);
    let mut left: Vec<String> = std::fs::read_dir(app.uploads.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["named.png", "uploading.png"]);
    // An age reaching before 1970 removes no cart, and does not panic.
    let never = shop_service::sweep::sweep(&app.db, app.uploads.path(), Duration::MAX)
        .await
        .unwrap();
    assert_eq!(never.cart_lines, 0);
}
