//! The public JSON API: products as JSON, with proper 400s and 404s.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn products_are_listed_as_json() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/products", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let products = reply.json();
    assert_eq!(products.as_array().unwrap().len(), 20);
    let mug = products
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 1)
        .unwrap();
    assert_eq!(mug["name"], "Harbour Mug");
    assert_eq!(mug["price"], 1800);
    assert_eq!(mug["created_at"], "2026-01-05T09:00:00Z");
}

#[tokio::test]
async fn one_product_by_id() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/products/5", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["name"], "Brass Compass");
}

#[tokio::test]
async fn missing_and_malformed_ids() {
    let app = TestApp::new().await;
    let reply = app.get("/api/v1/products/999", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["kind"], "not_found");
    let reply = app.get("/api/v1/products/abc", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["kind"], "bad_request");
}

#[tokio::test]
async fn the_api_is_read_only() {
    let app = TestApp::new().await;
    let reply = app.call("/api/v1/products", "", None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// Every server function is in the OpenAPI document, with nothing written
/// for it but the function: its arguments and result from its Rust types,
/// its guard, what it revalidates.
#[test]
fn every_server_function_is_in_the_openapi_document() {
    let document = server::router::openapi_document().build();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let documented: std::collections::BTreeSet<String> = paths.keys().cloned().collect();
    assert_eq!(documented, registered);
    assert!(
        registered.contains("/api/orders/checkout"),
        "{registered:?}"
    );

    let add = &paths["/api/cart/add"]["post"];
    assert_eq!(add["operationId"], "add_to_cart");
    assert_eq!(add["x-ferry-kind"], "mutation");
    assert_eq!(add["x-ferry-revalidates"], serde_json::json!(["cart"]));
    let form = &add["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(
        form["required"],
        serde_json::json!(["product_id", "quantity"])
    );
    assert_eq!(form["properties"]["quantity"]["type"], "integer");
    let answer = &add["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(answer["type"], "integer");
    let refused = &add["responses"]["422"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(refused, "#/components/schemas/Error");
    assert!(add.get("security").is_none());

    // A guarded read needs the session cookie, and may answer 401.
    let mine = &paths["/api/orders/mine"]["post"];
    assert_eq!(mine["security"], serde_json::json!([{ "session": [] }]));
    assert!(mine["responses"].get("401").is_some());
    assert_eq!(mine["x-ferry-kind"], "read");
    let scheme = &document["components"]["securitySchemes"]["session"];
    assert_eq!(scheme["in"], "cookie");

    // Every type the shop's functions take or return has its schema, and
    // every schema the operations point at is in the document.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let text = serde_json::to_string(&document).unwrap();
    assert!(
        !text.contains("Not described"),
        "a type without JsonSchema: {text}"
    );
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "no schema {name}");
    }
    let product = &schemas["Product"]["properties"];
    assert_eq!(product["created_at"]["format"], "date-time");
}

/// What a native Rust program does to call a server function: the
/// function's own struct is its arguments, serde writes it as the form the
/// server reads, and the answer decodes into the function's own result and
/// error types. No Origin header: not a browser, so the same-origin check
/// lets it through.
#[tokio::test]
async fn a_native_rust_caller_uses_the_functions_own_types() {
    use app::cart::AddToCart;
    use app::ids::ProductId;
    use leptos::server_fn::ServerFn;

    let app = TestApp::new().await;
    let form = serde_urlencoded::to_string(AddToCart {
        product_id: ProductId(3),
        quantity: 2,
    })
    .unwrap();
    let answer = app.call(AddToCart::PATH, &form, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let count: u32 = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(count, 2);

    let too_many = serde_urlencoded::to_string(AddToCart {
        product_id: ProductId(3),
        quantity: 500,
    })
    .unwrap();
    let refused = app.call(AddToCart::PATH, &too_many, None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.headers["content-type"], "application/json");
    let error: ferry::Error = serde_json::from_str(&refused.body).unwrap();
    assert!(error.field("quantity").is_some(), "{error:?}");
}
