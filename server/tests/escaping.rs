//! Every user-influenced string that reaches HTML is escaped: product text
//! from the database, query parameters, and the values a refused form
//! carries back through the redirect.

mod common;

use axum::http::StatusCode;
use base64::Engine;
use common::TestApp;

const SCRIPT: &str = "<script>alert(1)</script>";
const BREAKOUT: &str = "\" autofocus onfocus=\"alert(1)";

/// No raw script tag anywhere (text, attributes, hydration data), and no
/// tag that gained an attribute from the payload. The payload may appear as
/// text between tags: there `"` is harmless.
fn assert_escaped(html: &str) {
    assert!(!html.contains(SCRIPT), "raw script tag in page");
    let tags = html
        .split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag));
    for tag in tags {
        // Escaped, the payload stays inside its value: `value="&quot; onfocus=&quot;..."`.
        assert!(
            !tag.contains("onfocus=\""),
            "attribute break-out in tag <{tag}>"
        );
    }
}

#[tokio::test]
async fn product_text_from_the_database_is_escaped() {
    let app = TestApp::new().await;
    app::db::with_pool!(&app.db, |pool| {
        sqlx::query("UPDATE products SET name = $1, description = $2 WHERE id = 1")
            .bind(format!("Mug {SCRIPT}"))
            .bind(BREAKOUT)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    for path in ["/", "/products/1"] {
        let page = app.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_escaped(&page.body);
        assert!(
            page.body.contains("Mug &lt;script&gt;"),
            "{path}: {}",
            page.body
        );
    }
    let api = app.get("/api/v1/products/1", None).await;
    assert_eq!(
        api.json()["name"],
        format!("Mug {SCRIPT}"),
        "JSON carries the text as it is"
    );
}

#[tokio::test]
async fn query_parameters_are_not_reflected_raw() {
    let app = TestApp::new().await;
    let page = app
        .get(
            "/products/1?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&x=%22%20onfocus%3D%22alert(1)",
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_escaped(&page.body);
}

/// The characters a form body must escape, escaped.
fn form_encoded(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn a_refused_forms_values_come_back_escaped() {
    let app = TestApp::new().await;
    for email in [SCRIPT, BREAKOUT] {
        // Filled in, but with no password: refused, the email kept.
        let body = format!("email={}&password=&next=%2F", form_encoded(email));
        let reply = app
            .submit(
                "/api/accounts/sign-in",
                &body,
                "http://localhost/sign-in",
                None,
            )
            .await;
        assert!(reply.location().contains("__err="), "{}", reply.location());
        let page = app.get(reply.location_path(), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", reply.location());
        assert_escaped(&page.body);
        assert!(
            page.body.contains("alert(1)"),
            "the kept value is shown: {}",
            page.body
        );
    }
}

#[tokio::test]
async fn an_error_in_a_link_shows_only_if_the_server_signed_it() {
    let app = TestApp::new().await;
    let error = ferry::Error::invalid("quantity", "Your account is locked: call +1 555 0100.");
    let encoded =
        base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_vec(&error).unwrap());
    for forged in [
        format!("/products/3?__path=/api/cart/add&__err={encoded}"),
        format!("/products/3?__path=/api/cart/add&__err={encoded}&__sig=AAAA"),
        "/products/3?__path=/api/cart/add&__err=%3Cscript%3E".to_owned(),
    ] {
        let page = app.get(&forged, None).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{forged}");
        assert_eq!(page.location(), "/products/3", "{forged}");
    }
    // The page's own parameters stay.
    let kept = app
        .get(
            &format!("/?page=2&__path=/api/cart/add&__err={encoded}"),
            None,
        )
        .await;
    assert_eq!(kept.location(), "/?page=2");
    // A refusal the server redirected with is signed, and shown.
    let reply = app
        .submit(
            "/api/cart/add",
            "product_id=3&quantity=0",
            "http://localhost/products/3",
            None,
        )
        .await;
    assert!(reply.location().contains("&__sig="), "{}", reply.location());
    let page = app.get(reply.location_path(), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let message = format!("Choose 1 to {}.", app::cart::MAX_QUANTITY);
    assert!(page.body.contains(&message), "{}", page.body);
}
