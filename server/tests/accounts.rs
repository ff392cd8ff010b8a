//! Accounts over HTTP: sign-up, sign-in and sign-out with and without
//! JavaScript, the session cookie, the guards (401 typed, the no-JS
//! redirect to sign-in and back), the cart following a visitor into their
//! account, and hostile cases: forged, expired and reused sessions, a
//! planted session id, cross-site sign-in posts, SQL and HTML in fields.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Reply, TestApp};

const PASSWORD: &str = "correct+horse+battery";

/// The id inside a `name=value` cookie pair.
fn value_of(cookie: &str) -> &str {
    cookie.split_once('=').map_or("", |(_, value)| value)
}

/// The `Set-Cookie` header of the session cookie, whole.
fn session_header(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(app::site::SESSION_COOKIE))
        .expect("a session cookie")
        .to_owned()
}

async fn me(app: &TestApp, cookie: &str) -> serde_json::Value {
    app.call("/api/accounts/me", "", Some(cookie)).await.json()
}

#[tokio::test]
async fn a_sign_up_signs_in_with_an_http_only_lax_cookie() {
    let app = TestApp::new().await;
    let body = format!("email=Ann%40Example.com&password={PASSWORD}&next=%2Fcart");
    let reply = app.call("/api/accounts/sign-up", &body, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.location(), "/cart");
    let set = session_header(&reply);
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(set.contains(part), "{set}");
    }
    assert!(!set.contains("Secure"), "plain http in tests: {set}");
    let cookie = reply.session_cookie().unwrap();
    assert_eq!(value_of(&cookie).len(), 64);
    let account = me(&app, &cookie).await;
    assert_eq!(account["email"], "ann@example.com", "stored normalized");
    assert_eq!(account["is_admin"], false);
    let page = app.get("/", Some(&cookie)).await;
    assert_eq!(page.testid("account-email"), Some("ann@example.com"));
    assert!(page.body.contains("Sign out"));
    // The database holds a hash of the id, never the id itself.
    let stored: Vec<String> = app::db::with_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id_hash FROM sessions"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], value_of(&cookie));
    let hash: String = app::db::with_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT password_hash FROM accounts"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn an_email_signs_up_once() {
    let app = TestApp::new().await;
    app.sign_up("ann.aesuo%40example.com", None).await;
    let body = format!("email=ANN.AESUO%40example.com&password={PASSWORD}&next=%2F");
    let reply = app.call("/api/accounts/sign-up", &body, None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json()["fields"]["email"],
        "An account with this email already exists."
    );
    assert!(reply.session_cookie().is_none());
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_are_refused_alike() {
    let app = TestApp::new().await;
    app.sign_up("ann.aueaawpara%40example.com", None).await;
    let wrong = app
        .sign_in("ann.aueaawpara%40example.com", "wrong+password", None)
        .await;
    let unknown = app.sign_in("bob%40example.com", PASSWORD, None).await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            reply.json()["fields"],
            serde_json::json!({
                "password": app::accounts::SIGN_IN_REFUSED
            })
        );
        assert!(reply.session_cookie().is_none());
        assert!(!reply.body.contains("wrong+password") && !reply.body.contains("horse"));
    }
    let right = app
        .sign_in("ann.aueaawpara%40example.com", PASSWORD, None)
        .await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    assert!(right.session_cookie().is_some());
}

#[tokio::test]
async fn every_sign_in_makes_a_new_session_and_a_planted_one_is_worthless() {
    let app = TestApp::new().await;
    app.sign_up("ann.esimansaapoiw%40example.com", None).await;
    // An attacker plants a well-formed id of their own before the sign-in.
    let planted = format!("{}={}", app::site::SESSION_COOKIE, "ab".repeat(32));
    let reply = app
        .sign_in("ann.esimansaapoiw%40example.com", PASSWORD, Some(&planted))
        .await;
    let issued = reply.session_cookie().unwrap();
    assert_ne!(value_of(&issued), value_of(&planted));
    assert_eq!(me(&app, &planted).await, serde_json::Value::Null);
    assert_eq!(
        me(&app, &issued).await["email"],
        "ann.esimansaapoiw@example.com"
    );
    // Signing in again from the same browser replaces the session.
    let again = app
        .sign_in("ann.esimansaapoiw%40example.com", PASSWORD, Some(&issued))
        .await;
    let renewed = again.session_cookie().unwrap();
    assert_ne!(renewed, issued);
    assert_eq!(
        me(&app, &issued).await,
        serde_json::Value::Null,
        "the old one ended"
    );
    assert_eq!(
        me(&app, &renewed).await["email"],
        "ann.esimansaapoiw@example.com"
    );
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ann.soetsots%40example.com", None).await;
    let reply = app.call("/api/accounts/sign-out", "", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(session_header(&reply).contains("Max-Age=0"));
    // Only what is private to a visitor: anyone may sign out, and that
    // must not empty the server's cache of shared pages.
    assert_eq!(reply.headers["x-ferry-revalidate"], "cart,orders");
    // A copy of the cookie kept from before is worth nothing now.
    assert_eq!(me(&app, &cookie).await, serde_json::Value::Null);
    let orders = app.call("/api/orders/mine", "", Some(&cookie)).await;
    assert_eq!(orders.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forged_malformed_and_expired_sessions_are_no_session() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ann.fmaesans%40example.com", None).await;
    let name = app::site::SESSION_COOKIE;
    let expired_id = "cd".repeat(32);
    let id = app::visitor::sessions::SessionId::parse(&expired_id).unwrap();
    let account = shop_service::accounts::find_by_email(&app.db, "ann.fmaesans@example.com")
        .await
        .unwrap()
        .unwrap()
        .account
        .id;
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    shop_service::accounts::create_session(&app.db, &id.hash(), account, yesterday)
        .await
        .unwrap();
    let forged = [
        format!("{name}={}", "0".repeat(64)),
        format!("{name}={}", value_of(&cookie).to_uppercase()),
        format!("{name}={}x", value_of(&cookie)),
        format!("{name}=' OR 1=1 --"),
        format!("{name}={}", id.hash()),
        format!("{name}={expired_id}"),
    ];
    for cookie in forged {
        let reply = app.call("/api/orders/mine", "", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{cookie}");
        assert_eq!(reply.json()["kind"], "unauthorized", "{cookie}");
        assert_eq!(me(&app, &cookie).await, serde_json::Value::Null, "{cookie}");
    }
}

#[tokio::test]
async fn a_guard_answers_401_typed_and_sends_a_plain_form_to_sign_in() {
    let app = TestApp::new().await;
    let cart = app.cart_with("product_id=2&quantity=1").await;
    let reply = app.call("/api/orders/checkout", "", Some(&cart)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["kind"], "unauthorized");
    assert!(!reply.headers.contains_key("x-ferry-revalidate"));
    let plain = app
        .submit(
            "/api/orders/checkout",
            "",
            "http://localhost/cart",
            Some(&cart),
        )
        .await;
    assert_eq!(plain.status, StatusCode::FOUND);
    assert_eq!(plain.location(), "/sign-in?next=%2Fcart");
    let page = app.browse("/orders", None).await;
    assert_eq!(page.status, StatusCode::FOUND, "{}", page.body);
    assert_eq!(page.location(), "/sign-in?next=%2Forders");
    // Nothing was ordered, and the cart is as it was.
    let lines = app.call("/api/cart/get", "", Some(&cart)).await.json();
    assert_eq!(lines["lines"]["2"]["quantity"], 1);
}

#[tokio::test]
async fn a_plain_sign_in_form_returns_to_the_page_it_was_sent_from() {
    let app = TestApp::new().await;
    app.sign_up("ann.apsifrttpiwsf%40example.com", None).await;
    let body = format!("email=ann.apsifrttpiwsf%40example.com&password={PASSWORD}&next=%2Forders");
    let reply = app
        .submit(
            "/api/accounts/sign-in",
            &body,
            "http://localhost/sign-in?next=%2Forders",
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "/orders");
    let cookie = reply.session_cookie().unwrap();
    let page = app.get("/orders", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.testid("no-orders"), Some("No orders yet. "));
    // `next` elsewhere than this site is ignored.
    let body =
        format!("email=ann.apsifrttpiwsf%40example.com&password={PASSWORD}&next=https%3A%2F%2Fevil.example%2F");
    let reply = app
        .submit(
            "/api/accounts/sign-in",
            &body,
            "http://localhost/sign-in",
            None,
        )
        .await;
    assert_eq!(reply.location(), "/");
}

#[tokio::test]
async fn a_refused_plain_sign_in_shows_the_message_and_keeps_the_email_only() {
    let app = TestApp::new().await;
    let body = "email=ann.arpsistmakteo%40example.com&password=not+it&next=%2F";
    let reply = app
        .submit(
            "/api/accounts/sign-in",
            body,
            "http://localhost/sign-in",
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(
        reply.location().starts_with("http://localhost/sign-in?"),
        "{}",
        reply.location()
    );
    assert!(!reply.location().contains("not+it") && !reply.location().contains("not%20it"));
    let page = app.get(reply.location_path(), None).await;
    assert!(
        page.body.contains(app::accounts::SIGN_IN_REFUSED),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"value="ann.arpsistmakteo@example.com""#),
        "{}",
        page.body
    );
    assert!(!page.body.contains("not it"), "{}", page.body);
}

#[tokio::test]
async fn the_visitors_cart_follows_them_into_their_account_merged() {
    let app = TestApp::new().await;
    // The account's own cart: one of product 1 and one of product 2.
    let email = "merge%40example.com";
    let cart = app.cart_with("product_id=1&quantity=1").await;
    let first = format!("{cart}; {}", app.sign_up(email, Some(&cart)).await);
    app.call("/api/cart/add", "product_id=2&quantity=1", Some(&first))
        .await;
    // Signed out, on another browser, a visitor fills a cart, then signs in.
    let visitor = app.cart_with("product_id=1&quantity=2").await;
    app.call("/api/cart/add", "product_id=3&quantity=1", Some(&visitor))
        .await;
    let reply = app.sign_in(email, PASSWORD, Some(&visitor)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let signed_in = format!("{visitor}; {}", reply.session_cookie().unwrap());
    let cart = app.call("/api/cart/get", "", Some(&signed_in)).await.json();
    let quantity = |id: &str| cart["lines"][id]["quantity"].as_i64();
    assert_eq!(
        (quantity("1"), quantity("2"), quantity("3")),
        (Some(3), Some(1), Some(1))
    );
    // The first browser sees the same cart: it is the account's.
    let there = app.call("/api/cart/get", "", Some(&first)).await.json();
    assert_eq!(there, cart);
}

#[tokio::test]
async fn a_cross_site_sign_in_post_is_refused() {
    let app = TestApp::new().await;
    app.sign_up("ann.acssipir%40example.com", None).await;
    let body = format!("email=ann.acssipir%40example.com&password={PASSWORD}&next=%2F");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/accounts/sign-in")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.session_cookie().is_none());
}

#[tokio::test]
async fn sql_and_html_in_the_fields_are_only_text() {
    let app = TestApp::new().await;
    // As a password, SQL is a password like any other.
    let body = "email=sql%40example.com&password=%27+OR+1%3D1+--+&next=%2F";
    let reply = app.call("/api/accounts/sign-up", body, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let near = app
        .sign_in("sql%40example.com", "%27+OR+%271%27%3D%271", None)
        .await;
    assert_eq!(near.status, StatusCode::UNPROCESSABLE_ENTITY);
    let exact = app
        .sign_in("sql%40example.com", "%27+OR+1%3D1+--+", None)
        .await;
    assert_eq!(exact.status, StatusCode::OK);
    // As an email, HTML is refused, and shown back escaped without JavaScript.
    let body = format!("email=%3Cscript%3Ealert(1)%3C%2Fscript%3E&password={PASSWORD}&next=%2F");
    let reply = app
        .submit(
            "/api/accounts/sign-up",
            &body,
            "http://localhost/sign-up",
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let page = app.get(reply.location_path(), None).await;
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
    assert!(
        page.body.contains("Enter an email address"),
        "{}",
        page.body
    );
    let accounts: i64 = app::db::with_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(accounts, 1);
}

#[tokio::test]
async fn a_guesser_is_refused_and_the_owner_elsewhere_still_signs_in() {
    let app = TestApp::new().await;
    app.sign_up("limited%40example.com", None).await;
    let guesser = [198, 51, 100, 7];
    for n in 0..10 {
        let reply = app
            .sign_in_from("limited%40example.com", "wrong+guess", guesser)
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "try {n}");
    }
    // The guessing address is over its limit, even with the right password,
    // and the answer does not say which limit refused.
    let reply = app
        .sign_in_from("limited%40example.com", PASSWORD, guesser)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.body
    );
    assert_eq!(reply.json()["message"], app::accounts::TOO_MANY_SIGN_INS);
    assert!(reply.session_cookie().is_none());
    // The owner, from their own address, gets in: the account's ten
    // failures only make the attempt wait a little first.
    let started = std::time::Instant::now();
    let owner = app
        .sign_in_from("limited%40example.com", PASSWORD, [203, 0, 113, 9])
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
    assert!(owner.session_cookie().is_some());
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));
    // Without JavaScript the guesser's page says why.
    let body = format!("email=limited%40example.com&password={PASSWORD}&next=%2F");
    let mut plain = common::form_post("/api/accounts/sign-in", &body, "http://localhost/sign-in");
    plain
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            guesser, 40_000,
        ))));
    let plain = app.send(plain).await;
    let page = app.get(plain.location_path(), None).await;
    assert!(
        page.body.contains(app::accounts::TOO_MANY_SIGN_INS),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_admin_guard_answers_401_signed_out_403_to_others_and_lets_an_admin_in() {
    let app = TestApp::new().await;
    let kept = app.get("/", None).await;
    assert!(kept.body.contains("40 in stock"), "{}", kept.body);
    let shopper = app.sign_up("shopper.admin-test%40example.com", None).await;
    let admin = app.sign_up("boss%40example.com", None).await;
    assert!(
        shop_service::accounts::set_admin(&app.db, "boss@example.com", true)
            .await
            .unwrap()
    );
    let body = "product_id=1&stock=7";
    let signed_out = app.call("/api/catalog/set-stock", body, None).await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
    let other = app
        .call("/api/catalog/set-stock", body, Some(&shopper))
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "{}", other.body);
    assert_eq!(other.json()["kind"], "forbidden");
    assert!(!other.headers.contains_key("x-ferry-revalidate"));
    let stock = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            shop_service::catalog::find_product(&db, app::catalog::ProductId(1))
                .await
                .unwrap()
                .unwrap()
                .stock
        }
    };
    assert_eq!(stock(&app).await, 40, "refused calls changed nothing");
    // The guard runs before the rules: a stranger learns nothing from them.
    let bad = app
        .call(
            "/api/catalog/set-stock",
            "product_id=1&stock=-5",
            Some(&shopper),
        )
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let refused = app
        .call(
            "/api/catalog/set-stock",
            "product_id=1&stock=-5",
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app.call("/api/catalog/set-stock", body, Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.headers["x-ferry-revalidate"], "stock");
    assert_eq!(stock(&app).await, 7);
    let fresh = app.get("/", None).await;
    assert!(
        fresh.body.contains("7 in stock"),
        "the kept page was dropped"
    );
    let missing = app
        .call(
            "/api/catalog/set-stock",
            "product_id=999&stock=1",
            Some(&admin),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
