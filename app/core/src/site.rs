//! The app's identity: its name as people read it, and the names it leaves
//! on visitors' machines and on disk. `cargo leptos new` rewrites the
//! values between the two template lines below for a new app (see
//! `cargo-generate.toml`); they stay plain Rust here.

// The app's names.{% capture names %}
/// The page title and the brand in the header.
pub const TITLE: &str = "Ferry Shop";

/// The cookie that carries a visitor's signed cart id.
pub const CART_COOKIE: &str = "ferry_cart";

/// The cookie that carries a signed-in visitor's session id.
pub const SESSION_COOKIE: &str = "ferry_session";

/// The database opened when `database-url` is not configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://ferry.db?mode=rwc";
// End of the app's names.{% endcapture %}{{ names | replace: "Ferry Shop", app_title | replace: "ferry", crate_name }}

/// Where a visitor signs in; a guarded form posted without JavaScript is
/// sent here (`ferry::Settings::sign_in_path`).
pub const SIGN_IN_PATH: &str = "/sign-in";
