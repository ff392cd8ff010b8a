//! The server's cache over HTTP: the catalog page is kept for visitors
//! without cookies, never for a visitor with a cart, and the catalog's reads
//! are kept for everyone; all of it is dropped when a server function
//! revalidates what it shows, with or without JavaScript.

mod common;

use app::catalog::ProductId;
use axum::http::StatusCode;
use common::TestApp;
use shop_service::catalog::update_stock;

fn cache_status(reply: &common::Reply) -> Option<&str> {
    reply
        .headers
        .get("x-ferry-cache")
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn the_catalog_is_rendered_once_then_served_from_the_cache() {
    let app = TestApp::new().await;
    let first = app.get("/", None).await;
    let second = app.get("/", None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(cache_status(&first), Some("miss"));
    assert_eq!(cache_status(&second), Some("hit"));
    assert_eq!(first.body, second.body);
    assert_eq!(
        second.headers["content-type"],
        first.headers["content-type"]
    );
    for internal in ["x-ferry-cache-tags", "x-ferry-cache-max-age"] {
        assert!(!second.headers.contains_key(internal), "{internal} leaked");
        assert!(!first.headers.contains_key(internal), "{internal} leaked");
    }
    // The proof that the second was not rendered: a change made behind the
    // app's back (no server function, so no revalidation) is not seen.
    update_stock(&app.db, ProductId(1), 3).await.unwrap();
    let third = app.get("/", None).await;
    assert_eq!(cache_status(&third), Some("hit"));
    assert_eq!(third.body, first.body);
}

#[tokio::test]
async fn a_visitor_with_a_cart_always_gets_a_fresh_page() {
    let app = TestApp::new().await;
    app.get("/", None).await;
    let cookie = app.cart_with("product_id=2&quantity=1").await;
    let page = app.get("/", Some(&cookie)).await;
    assert_eq!(cache_status(&page), None);
    assert_eq!(page.testid("cart-count"), Some("1"), "{}", page.body);
}

#[tokio::test]
async fn pages_that_do_not_opt_in_are_never_kept() {
    let app = TestApp::new().await;
    for path in ["/cart", "/counter", "/products/999", "/no-such-page"] {
        app.get(path, None).await;
        let again = app.get(path, None).await;
        assert_eq!(cache_status(&again), None, "{path}");
    }
}

#[tokio::test]
async fn a_checkout_drops_the_kept_catalog_and_product_pages() {
    let app = TestApp::new().await;
    assert!(app.get("/", None).await.body.contains("40 in stock"));
    let product = app.get("/products/1", None).await;
    assert_eq!(cache_status(&product), Some("miss"));
    let cookie = app.shopper_with("product_id=1&quantity=38").await;
    let reply = app.call("/api/orders/checkout", "", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let catalog = app.get("/", None).await;
    assert_eq!(cache_status(&catalog), Some("miss"));
    assert!(catalog.body.contains("Only 2 left"), "{}", catalog.body);
    let product = app.get("/products/1", None).await;
    assert_eq!(cache_status(&product), Some("miss"));
    assert!(product.body.contains("Only 2 left"), "{}", product.body);
}

#[tokio::test]
async fn a_checkout_without_javascript_drops_them_too() {
    let app = TestApp::new().await;
    app.get("/", None).await;
    let cookie = app.shopper_with("product_id=1&quantity=38").await;
    let reply = app
        .submit(
            "/api/orders/checkout",
            "",
            "http://localhost/cart",
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let catalog = app.get("/", None).await;
    assert_eq!(cache_status(&catalog), Some("miss"));
    assert!(catalog.body.contains("Only 2 left"), "{}", catalog.body);
}

#[tokio::test]
async fn another_visitor_filling_a_cart_leaves_the_kept_catalog() {
    let app = TestApp::new().await;
    app.get("/", None).await;
    let added = app
        .call("/api/cart/add", "product_id=3&quantity=1", None)
        .await;
    assert_eq!(added.headers["x-ferry-revalidate"], "cart");
    let again = app.get("/", None).await;
    assert_eq!(cache_status(&again), Some("hit"));
    assert_eq!(again.testid("cart-count"), Some("0"), "{}", again.body);
}

#[tokio::test]
async fn a_failed_call_drops_nothing() {
    let app = TestApp::new().await;
    app.get("/", None).await;
    let refused = app
        .call("/api/cart/add", "product_id=1&quantity=0", None)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cache_status(&app.get("/", None).await), Some("hit"));
}

#[tokio::test]
async fn with_the_cache_off_every_page_renders() {
    let app = TestApp::with_cache(ferry::cache::CacheSettings::off()).await;
    app.get("/", None).await;
    let again = app.get("/", None).await;
    assert_eq!((again.status, cache_status(&again)), (StatusCode::OK, None));
}

#[tokio::test]
async fn the_catalog_read_is_kept_for_everyone_until_a_checkout() {
    let app = TestApp::new().await;
    let cookie = app.shopper_with("product_id=1&quantity=2").await;
    let first = app.call("/api/catalog/list", "", None).await;
    assert_eq!(first.status, StatusCode::OK);
    // Behind the app's back: the kept read does not see it...
    update_stock(&app.db, ProductId(2), 77).await.unwrap();
    let page = app.get("/", Some(&cookie)).await;
    assert_eq!(cache_status(&page), None, "a visitor with a cart: rendered");
    assert!(!page.body.contains("77 in stock"), "{}", page.body);
    assert_eq!(
        app.call("/api/catalog/list", "", None).await.body,
        first.body
    );
    // ...until a checkout revalidates the stock.
    let reply = app.call("/api/orders/checkout", "", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let fresh = app.call("/api/catalog/list", "", None).await;
    assert_ne!(fresh.body, first.body);
    let page = app.get("/", None).await;
    assert!(page.body.contains("77 in stock"), "{}", page.body);
}
