//! The admin's page and its calls over HTTP: who may see and call them,
//! prices, and image uploads (sniffed, size-limited, stored under a new
//! name, served with their type), including the hostile cases.

mod common;

use axum::http::{header, StatusCode};
use common::{upload, Reply, TestApp, ADMIN_EMAIL};

/// The smallest PNG: one transparent pixel.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

const JSON: &str = "application/json";
const HTML: &str = "text/html,application/xhtml+xml";

/// An admin (signed up, then granted by the operator's command) and a
/// shopper: their cookies.
async fn admin_and_shopper(app: &TestApp) -> (String, String) {
    let admin = app.sign_up(&ADMIN_EMAIL.replace('@', "%40"), None).await;
    app.grant_admin(ADMIN_EMAIL).await.unwrap();
    let shopper = app.sign_up("shopper.admin%40example.com", None).await;
    (admin, shopper)
}

async fn product(app: &TestApp, id: i64) -> app::catalog::Product {
    shop_service::catalog::find_product(&app.db, app::catalog::ProductId(id))
        .await
        .unwrap()
        .unwrap()
}

/// The files in the app's uploads directory.
fn stored(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.uploads.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn send_upload(
    app: &TestApp,
    product: &str,
    file: (&str, &str, &[u8]),
    cookie: &str,
) -> Reply {
    app.send(upload(product, file, JSON, Some(cookie))).await
}

#[tokio::test]
async fn admin_rights_come_from_the_operators_command_not_from_signing_up() {
    let app = TestApp::new().await;
    let me = |cookie: String| {
        let app = &app;
        async move { app.call("/api/accounts/me", "", Some(&cookie)).await.json() }
    };
    let signed_up = app.sign_up(&ADMIN_EMAIL.replace('@', "%40"), None).await;
    assert_eq!(me(signed_up.clone()).await["is_admin"], false);
    // Any spelling of the address; the session in use sees it at once.
    let done = app.grant_admin(&ADMIN_EMAIL.to_uppercase()).await.unwrap();
    assert_eq!(done, format!("{ADMIN_EMAIL} is an admin"));
    assert_eq!(me(signed_up.clone()).await["is_admin"], true);
    let revoke = ["admin", "revoke", ADMIN_EMAIL];
    let revoked = server::services::command(&app.db, &revoke).await.unwrap();
    assert_eq!(
        revoked.unwrap(),
        format!("{ADMIN_EMAIL} is no longer an admin")
    );
    assert_eq!(me(signed_up).await["is_admin"], false);
    let nobody = app.grant_admin("nobody@example.com").await.unwrap_err();
    assert!(nobody.contains("sign up with it first"), "{nobody}");
    assert!(
        server::services::command(&app.db, &["admin", "promote", ADMIN_EMAIL])
            .await
            .is_none()
    );
}

#[tokio::test]
async fn the_admin_page_is_for_admins_only() {
    let app = TestApp::new().await;
    let (admin, shopper) = admin_and_shopper(&app).await;
    let signed_out = app.browse("/admin", None).await;
    assert_eq!(signed_out.status, StatusCode::FOUND);
    assert_eq!(signed_out.location(), "/sign-in?next=%2Fadmin");
    let other = app.browse("/admin", Some(&shopper)).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(other.body.contains("Your account may not do this."));
    assert!(!other.body.contains("Harbour Mug"), "no product data leaks");
    let page = app.browse("/admin", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    // Up to the text: what follows it differs with `--cfg erase_components`.
    let link = r#"<a href="/admin">Admin"#;
    assert!(page.body.contains(link), "the header leads admins here");
    assert!(!app.get("/", Some(&shopper)).await.body.contains(link));
    assert!(page.body.contains(r#"aria-label="Price of Harbour Mug""#));
    assert!(
        page.body.contains(r#"value="18.00""#),
        "the price, as typed"
    );
    assert!(page.body.contains(r#"enctype="multipart/form-data""#));
    let listed = app.call("/api/admin/products", "", Some(&shopper)).await;
    assert_eq!(listed.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_changes_a_price_and_every_kept_page_shows_it() {
    let app = TestApp::new().await;
    let (admin, shopper) = admin_and_shopper(&app).await;
    assert!(
        app.get("/", None).await.body.contains("$18.00"),
        "kept with the old price"
    );
    for (who, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(&shopper), StatusCode::FORBIDDEN),
    ] {
        let refused = app
            .call(
                "/api/catalog/set-price",
                "product_id=1&price=1",
                who.map(String::as_str),
            )
            .await;
        assert_eq!(refused.status, status);
    }
    for (price, message) in [
        ("abc", "Enter a price such as 18.50."),
        ("-3", "Enter a price such as 18.50."),
        ("1.999", "Enter a price such as 18.50."),
        ("%3Cb%3E1%3C%2Fb%3E", "Enter a price such as 18.50."),
        ("100000.01", "Choose a price up to $100,000.00."),
    ] {
        let body = format!("product_id=1&price={price}");
        let refused = app
            .call("/api/catalog/set-price", &body, Some(&admin))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{price}");
        assert_eq!(refused.json()["fields"]["price"], message, "{price}");
    }
    assert_eq!(
        product(&app, 1).await.price.cents(),
        1800,
        "refusals changed nothing"
    );
    let done = app
        .call(
            "/api/catalog/set-price",
            "product_id=1&price=%241%2C021.50",
            Some(&admin),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let tags = done.headers["x-ferry-revalidate"].to_str().unwrap();
    assert!(tags.contains("stock") && tags.contains("cart"), "{tags}");
    assert_eq!(product(&app, 1).await.price.cents(), 102_150);
    let page = app.get("/", None).await;
    assert!(page.body.contains("$1,021.50") && !page.body.contains("$18.00"));
    let missing = app
        .call(
            "/api/catalog/set-price",
            "product_id=999&price=1",
            Some(&admin),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_refused_price_without_javascript_comes_back_beside_its_field() {
    let app = TestApp::new().await;
    let (admin, _) = admin_and_shopper(&app).await;
    let reply = app
        .submit(
            "/api/catalog/set-price",
            "product_id=3&price=lots",
            "http://localhost/admin",
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let page = app.browse(reply.location_path(), Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let field = &page.body[page.body.find(r#"id="price-3-error""#).unwrap()..];
    assert!(
        field.contains("Enter a price such as 18.50."),
        "the message beside the field"
    );
    assert!(
        page.body.contains(r#"value="lots""#),
        "what was typed is kept"
    );
    assert!(page
        .body
        .contains(r#"aria-describedby="price-3-error" aria-invalid="true""#));
}

#[tokio::test]
async fn an_image_is_stored_under_a_new_name_served_with_its_type_and_shown() {
    let app = TestApp::new().await;
    let (admin, _) = admin_and_shopper(&app).await;
    assert!(
        !app.get("/", None).await.body.contains("/images/"),
        "kept without images"
    );
    let reply = send_upload(&app, "2", ("photo.PNG", "image/png", PIXEL_PNG), &admin).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let name = product(&app, 2)
        .await
        .image
        .expect("the product has the image");
    assert!(
        name.ends_with(".png") && name.len() == 36 && !name.contains("photo"),
        "{name}"
    );
    assert_eq!(stored(&app), vec![name.clone()]);
    let image = app.get(&format!("/images/{name}"), None).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(image.headers["x-content-type-options"], "nosniff");
    let policy = image.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("sandbox"), "{policy}");
    assert!(image.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let length = image.headers[header::CONTENT_LENGTH].to_str().unwrap();
    assert_eq!(length, PIXEL_PNG.len().to_string());
    let src = format!(r#"src="/images/{name}""#);
    assert!(app.get("/products/2", None).await.body.contains(&src));
    assert!(
        app.get("/", None).await.body.contains(&src),
        "the kept page was dropped"
    );
    // A new image replaces the old one, which is deleted.
    let again = send_upload(&app, "2", ("b.png", "image/png", PIXEL_PNG), &admin).await;
    assert_eq!(again.status, StatusCode::OK);
    let second = product(&app, 2).await.image.unwrap();
    assert_ne!(second, name);
    assert_eq!(stored(&app), vec![second]);
    assert_eq!(
        app.get(&format!("/images/{name}"), None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn mislabelled_oversized_and_misdirected_uploads_are_refused_and_store_nothing() {
    let app = TestApp::new().await;
    let (admin, shopper) = admin_and_shopper(&app).await;
    let script = b"<script>alert(document.cookie)</script>";
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    let mut big = PIXEL_PNG.to_vec();
    big.resize(600 * 1024, 0);
    for (file, message) in [
        (
            ("evil.png", "image/png", &script[..]),
            "Choose a PNG, JPEG, WebP or GIF image.",
        ),
        (
            ("logo.svg", "image/svg+xml", &svg[..]),
            "Choose a PNG, JPEG, WebP or GIF image.",
        ),
        (
            ("empty.png", "image/png", &[][..]),
            "Choose an image to upload.",
        ),
        (
            ("big.png", "image/png", &big[..]),
            "Choose an image of at most 512 KB.",
        ),
    ] {
        let reply = send_upload(&app, "4", file, &admin).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", file.0);
        assert_eq!(reply.json()["fields"]["image"], message, "{}", file.0);
    }
    let mut huge = PIXEL_PNG.to_vec();
    huge.resize(2 << 20, 0);
    let over_limit = send_upload(&app, "4", ("huge.png", "image/png", &huge), &admin).await;
    assert_eq!(over_limit.status, StatusCode::PAYLOAD_TOO_LARGE);
    let missing = send_upload(&app, "999", ("a.png", "image/png", PIXEL_PNG), &admin).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for id in ["1 OR 1=1", "<b>4</b>", ""] {
        let reply = send_upload(&app, id, ("a.png", "image/png", PIXEL_PNG), &admin).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{id}");
    }
    // Not multipart at all: 400 from `ferry`, before server_fn (which would panic).
    let form = app
        .call("/api/catalog/image", "product_id=4&image=x", Some(&admin))
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST, "{}", form.body);
    assert_eq!(form.json()["kind"], "bad_request");
    let other = send_upload(&app, "4", ("a.png", "image/png", PIXEL_PNG), &shopper).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let nobody = app
        .send(upload("4", ("a.png", "image/png", PIXEL_PNG), JSON, None))
        .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(stored(&app), Vec::<String>::new(), "nothing was kept");
    assert_eq!(product(&app, 4).await.image, None);
    for path in [
        "/images/..%2FCargo.toml",
        "/images/x.png",
        "/images/0123456789abcdef0123456789abcdef.svg",
    ] {
        assert_eq!(
            app.get(path, None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_refused_upload_without_javascript_comes_back_beside_its_field() {
    let app = TestApp::new().await;
    let (admin, _) = admin_and_shopper(&app).await;
    let reply = app
        .send(upload(
            "5",
            ("notes.png", "image/png", b"just text"),
            HTML,
            Some(&admin),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let page = app.browse(reply.location_path(), Some(&admin)).await;
    let field = &page.body[page.body.find(r#"id="image-5-error""#).unwrap()..];
    assert!(field.contains("Choose a PNG, JPEG, WebP or GIF image."));
    assert!(page
        .body
        .contains(r#"aria-describedby="image-5-error" aria-invalid="true""#));
    let fine = app
        .send(upload(
            "5",
            ("a.png", "image/png", PIXEL_PNG),
            HTML,
            Some(&admin),
        ))
        .await;
    assert_eq!(fine.status, StatusCode::FOUND);
    assert!(
        fine.location().starts_with("http://localhost/admin"),
        "{}",
        fine.location()
    );
    assert!(!fine.location().contains("__err"), "{}", fine.location());
    assert!(product(&app, 5).await.image.is_some());
}
