//! What the HTTP tests share: a real router on a fresh database (no port
//! bound), and requests shaped as browsers send them.
#![allow(dead_code)] // each test file uses its own subset

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use ferry::cache::CacheSettings;
use http_body_util::BodyExt;
use leptos::config::Env;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

/// The app on its own fresh database: SQLite, or PostgreSQL when
/// `APP_TEST_DATABASE_URL` names a server (`app::db::fresh`).
pub struct TestApp {
    pub router: axum::Router,
    pub db: app::db::Db,
    /// The app's own `uploads-dir`.
    pub uploads: tempfile::TempDir,
    _fresh: app::db::Fresh,
}

/// The email the tests make an admin of, with the operator's command.
pub const ADMIN_EMAIL: &str = "admin@example.com";

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The `name=value` part of the cart cookie this response set, if any.
    pub fn cart_cookie(&self) -> Option<String> {
        self.set_cookie(app::site::CART_COOKIE)
    }

    /// The `name=value` part of the session cookie this response set, if
    /// any (empty value: the cookie was expired).
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie(app::site::SESSION_COOKIE)
    }

    /// The `name=value` part of the cookie `name` this response set.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The text inside the element with `data-testid="{id}"`.
    pub fn testid(&self, id: &str) -> Option<&str> {
        let start = self.body.find(&format!(r#"data-testid="{id}""#))?;
        let rest = &self.body[start..];
        let text = &rest[rest.find('>')? + 1..];
        Some(&text[..text.find('<')?])
    }

    pub fn location(&self) -> &str {
        self.headers[header::LOCATION].to_str().unwrap()
    }

    /// The redirect's target as a path on this site, to request it next
    /// (Leptos answers a plain form with an absolute URL).
    pub fn location_path(&self) -> &str {
        self.location().trim_start_matches("http://localhost")
    }
}

impl TestApp {
    /// In development mode, as `cargo leptos watch` runs it.
    pub async fn new() -> Self {
        Self::with_env(Env::DEV).await
    }

    /// In production mode (`LEPTOS_ENV=PROD`).
    pub async fn production() -> Self {
        Self::with_env(Env::PROD).await
    }

    /// With the server's cache bounded by `cache`.
    pub async fn with_cache(cache: CacheSettings) -> Self {
        Self::with(Env::DEV, cache).await
    }

    async fn with_env(env: Env) -> Self {
        Self::with(env, CacheSettings::default()).await
    }

    async fn with(env: Env, cache: CacheSettings) -> Self {
        let (db, fresh) = app::db::fresh().await;
        let options = LeptosOptions::builder()
            .output_name("site")
            .env(env.clone())
            .build();
        let uploads = tempfile::tempdir().expect("a temporary uploads directory");
        let services = server::services::services(&db, uploads.path())
            .expect("every service the app needs (server/src/services.rs)");
        let mut state = app::state::AppState::new(options, db.clone(), services);
        state.uploads_dir = uploads.path().to_owned();
        // As the binary sets it up, but with no rate limit or share per
        // client: every in-process request has no address.
        let mut settings = ferry::Settings::for_env(env);
        settings.rate_limit = None;
        settings.max_in_flight_per_client = None;
        settings.cache = cache;
        settings.sign_in_path = Some(app::site::SIGN_IN_PATH.to_owned());
        let router = server::router::router(state, &ferry::Ferry::new(settings));
        Self {
            router,
            db,
            uploads,
            _fresh: fresh,
        }
    }

    /// Makes every read and write fail from now on, as a broken database
    /// would: the tables writes need are gone (SQLite's writer has a
    /// connection of its own), and the pool is closed.
    pub async fn break_database(&self) {
        const SQL: &str = "DROP TABLE IF EXISTS cart_lines; DROP TABLE counter;";
        app::db::with_pool!(&self.db, |pool| sqlx::raw_sql(SQL)
            .execute(pool)
            .await
            .map(drop))
        .unwrap();
        self.db.close().await;
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::builder().uri(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// A page as a browser asks for it (`Accept: text/html`): a page that
    /// redirects answers 302 only then.
    pub async fn browse(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::builder()
            .uri(path)
            .header(header::ACCEPT, "text/html,application/xhtml+xml");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// A server-function call as the hydrated app makes it.
    pub async fn call(&self, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        self.send(post(path, body, "application/json", None, cookie))
            .await
    }

    /// Adds to a new cart with the form `body`; returns the cart cookie.
    pub async fn cart_with(&self, body: &str) -> String {
        let reply = self.call("/api/cart/add", body, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply
            .cart_cookie()
            .expect("the first mutation sets the cart cookie")
    }

    /// Makes an account for `email` (password `correct horse battery`);
    /// returns its session cookie. `cookie` is what the browser already
    /// holds (a visitor's cart).
    pub async fn sign_up(&self, email: &str, cookie: Option<&str>) -> String {
        let body = format!("email={email}&password=correct+horse+battery&next=%2F");
        let reply = self.call("/api/accounts/sign-up", &body, cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply
            .session_cookie()
            .expect("a sign-up sets the session cookie")
    }

    /// A signed-in shopper (a new account) with `body` added to the cart
    /// they filled before signing up: their cookies.
    pub async fn shopper_with(&self, body: &str) -> String {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let cart = self.cart_with(body).await;
        let session = self
            .sign_up(&format!("shopper{n}%40example.com"), Some(&cart))
            .await;
        format!("{cart}; {session}")
    }

    /// Signs in; the reply (its session cookie, or the refusal).
    pub async fn sign_in(&self, email: &str, password: &str, cookie: Option<&str>) -> Reply {
        let body = format!("email={email}&password={password}&next=%2F");
        self.call("/api/accounts/sign-in", &body, cookie).await
    }

    /// Runs the operator's `admin grant EMAIL` on this app's database.
    pub async fn grant_admin(&self, email: &str) -> Result<String, String> {
        server::services::command(&self.db, &["admin", "grant", email])
            .await
            .expect("the shop has the admin command")
    }

    /// A sign-in from the client address `peer`, as if over the network.
    pub async fn sign_in_from(&self, email: &str, password: &str, peer: [u8; 4]) -> Reply {
        let body = format!("email={email}&password={password}&next=%2F");
        let mut request = post(
            "/api/accounts/sign-in",
            &body,
            "application/json",
            None,
            None,
        );
        let peer = std::net::SocketAddr::from((peer, 40_000));
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send(request).await
    }

    /// The same call as a browser with JavaScript off submits a form.
    pub async fn submit(
        &self,
        path: &str,
        body: &str,
        referer: &str,
        cookie: Option<&str>,
    ) -> Reply {
        self.send(post(
            path,
            body,
            "text/html,application/xhtml+xml",
            Some(referer),
            cookie,
        ))
        .await
    }
}

/// A `multipart/form-data` post of one product's image, as a browser sends
/// the admin's upload form (`accept` is `text/html` without JavaScript).
pub fn upload(
    product: &str,
    file: (&str, &str, &[u8]),
    accept: &str,
    cookie: Option<&str>,
) -> Request<Body> {
    const BOUNDARY: &str = "----app-test-boundary";
    let (filename, content_type, bytes) = file;
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"product_id\"\r\n\r\n{product}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{filename}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/catalog/image")
        .header(header::HOST, "localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::ACCEPT, accept)
        .header(header::REFERER, "http://localhost/admin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body)).unwrap()
}

/// A form post as a script sends it, carrying its own `x-request-id`.
/// A form's post from a browser with JavaScript off, from `referer`.
pub fn form_post(path: &str, body: &str, referer: &str) -> Request<Body> {
    post(
        path,
        body,
        "text/html,application/xhtml+xml",
        Some(referer),
        None,
    )
}

pub fn with_request_id(path: &str, body: &str, id: &str) -> Request<Body> {
    let mut request = post(path, body, "application/json", None, None);
    request
        .headers_mut()
        .insert("x-request-id", id.parse().unwrap());
    request
}

fn post(
    path: &str,
    body: &str,
    accept: &str,
    referer: Option<&str>,
    cookie: Option<&str>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept);
    if let Some(referer) = referer {
        request = request.header(header::REFERER, referer);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}
