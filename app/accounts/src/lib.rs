//! Accounts: sign-up, sign-in and sign-out. Who is signed in, and the
//! guards, are `shop_core::visitor`'s; the SQL and password hashing are
//! server-only (`services/shop`), behind [`AccountStore`].

#[cfg(feature = "ssr")]
pub mod limits;
pub mod views;

pub use shop_core::ids::AccountId;
pub use shop_core::visitor::Account;

/// The shortest password accepted, in characters (NIST SP 800-63B's floor).
pub const MIN_PASSWORD: usize = 8;
/// The longest, in characters: long passphrases welcome, megabytes not.
pub const MAX_PASSWORD: usize = 256;
/// The longest email address (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// The one message for a failed sign-in, whether the email is unknown or
/// the password wrong.
pub const SIGN_IN_REFUSED: &str = "That email and password do not match an account.";

/// The message when an account or an address made too many attempts; the
/// same for both.
pub const TOO_MANY_SIGN_INS: &str = "Too many sign-in attempts. Wait a minute and try again.";

/// An email address as accounts store it: trimmed and lower-cased, so
/// `Ann@Example.com ` signs in as `ann@example.com`.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What is wrong with an email address, if anything. Only the shape is
/// checked (one `@`, the signs RFC 5322 allows unquoted, a dot in the
/// domain); whether it receives mail is not.
pub fn email_problem(email: &str) -> Option<&'static str> {
    let email = email.trim();
    if email.is_empty() {
        return Some("Enter your email address.");
    }
    if email.chars().count() > MAX_EMAIL {
        return Some("That email address is too long.");
    }
    let shaped = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_alphanumeric() || LOCAL_SIGNS.contains(c))
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    };
    (!shaped).then_some("Enter an email address such as ann@example.com.")
}

/// The signs an address's local part may hold unquoted (RFC 5322's
/// `atext`, and dots). Quoted local parts are not accepted.
const LOCAL_SIGNS: &str = "!#$%&'*+/=?^_`{|}~-.";

/// What is wrong with a new password, if anything.
pub fn password_problem(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Some(format!("Use at least {MIN_PASSWORD} characters."));
    }
    (length > MAX_PASSWORD).then(|| format!("Use at most {MAX_PASSWORD} characters."))
}

/// The rules of a sign-up, run in the browser before sending and on the
/// server before the body.
pub fn check_sign_up(call: &SignUp) -> Result<(), ferry::Error> {
    let mut fields = std::collections::BTreeMap::new();
    if let Some(problem) = email_problem(&call.email) {
        fields.insert("email".to_owned(), problem.to_owned());
    }
    if let Some(problem) = password_problem(&call.password) {
        fields.insert("password".to_owned(), problem);
    }
    ferry::Error::invalid_fields(fields).map_or(Ok(()), Err)
}

/// The rules of a sign-in: both fields filled, neither longer than any
/// account's could be. The password's other rules are not checked, so a
/// refusal says nothing about the account.
pub fn check_sign_in(call: &SignIn) -> Result<(), ferry::Error> {
    let mut fields = std::collections::BTreeMap::new();
    if call.email.trim().is_empty() {
        fields.insert("email".to_owned(), "Enter your email address.".to_owned());
    } else if call.email.trim().chars().count() > MAX_EMAIL {
        // No account has such an email; refused before it costs anything.
        fields.insert(
            "email".to_owned(),
            "That email address is too long.".to_owned(),
        );
    }
    if call.password.is_empty() {
        fields.insert("password".to_owned(), "Enter your password.".to_owned());
    } else if call.password.chars().count() > MAX_PASSWORD {
        fields.insert("password".to_owned(), SIGN_IN_REFUSED.to_owned());
    }
    ferry::Error::invalid_fields(fields).map_or(Ok(()), Err)
}

/// Where to go after signing in: `next` if it is a path on this site,
/// otherwise the home page.
pub fn after_sign_in(next: &str) -> &str {
    ferry::local_path(next).unwrap_or("/")
}

/// A new account's number and cart.
#[cfg(feature = "ssr")]
pub struct Created {
    pub id: AccountId,
    pub cart: app_core::session::CartId,
}

/// An account whose password matched, with its cart.
#[cfg(feature = "ssr")]
pub struct Found {
    pub account: Account,
    pub cart: app_core::session::CartId,
}

/// What the accounts' server functions need from the server: declared
/// here, provided by the server-only `services/shop` crate, which keeps
/// the SQL and hashes passwords (argon2id).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// Makes an account for `email` (normalized) with `password`, and a new
    /// empty cart; `None` when the email is taken.
    async fn create(&self, email: &str, password: String) -> Result<Option<Created>, ferry::Error>;
    /// The account with `email` (normalized) if `password` is its own; the
    /// same work whether the email is unknown or the password wrong.
    async fn check_password(
        &self,
        email: &str,
        password: String,
    ) -> Result<Option<Found>, ferry::Error>;
    /// Moves every line of cart `from` into cart `into` (quantities added,
    /// up to the per-line limit) and empties `from`.
    async fn merge_cart(
        &self,
        from: &app_core::session::CartId,
        into: &app_core::session::CartId,
    ) -> Result<(), ferry::Error>;
}

#[cfg(feature = "ssr")]
fn store() -> Result<std::sync::Arc<dyn AccountStore>, ferry::Error> {
    app_core::state::service::<dyn AccountStore>()
}

/// The signed-in user, if any (for other clients; the header reads the
/// email from the cart query).
#[ferry::read(endpoint = "accounts/me")]
pub async fn current_account() -> Result<Option<Account>, ferry::Error> {
    shop_core::visitor::sessions::current().await
}

/// Makes an account and signs it in; what the visitor had in their cart
/// moves into the account's. Then goes to `next`.
#[ferry::mutation(endpoint = "accounts/sign-up", revalidates = [shop_core::tags::CART, shop_core::tags::ORDERS], check = check_sign_up, keep = [email, next])]
pub async fn sign_up(email: String, password: String, next: String) -> Result<(), ferry::Error> {
    let state = app_core::state::app_state()?;
    if !limits::limits().attempt_from(client_ip()) {
        return Err(ferry::Error::rate_limited(TOO_MANY_SIGN_INS));
    }
    let normalized = normalize_email(&email);
    let Some(account) = store()?.create(&normalized, password).await? else {
        return Err(
            ferry::Error::invalid("email", "An account with this email already exists.")
                .with_value("email", email),
        );
    };
    shop_core::visitor::sessions::start(&state, account.id).await?;
    if let Some(visitor) = app_core::session::current_cart(&state.session_key) {
        store()?.merge_cart(&visitor, &account.cart).await?;
    }
    leptos_axum::redirect(after_sign_in(&next));
    Ok(())
}

/// Signs in with a new session, merges the visitor's cart into the
/// account's, and goes to `next`. An unknown email and a wrong password
/// give the same answer after the same work; too many attempts from the
/// address are refused with 429 before any, and an account with many
/// recent failures makes each attempt wait first (`limits`).
#[ferry::mutation(endpoint = "accounts/sign-in", revalidates = [shop_core::tags::CART, shop_core::tags::ORDERS], check = check_sign_in, keep = [email, next])]
pub async fn sign_in(email: String, password: String, next: String) -> Result<(), ferry::Error> {
    let state = app_core::state::app_state()?;
    let normalized = normalize_email(&email);
    let limits::Turn::After(delay) = limits::limits().attempt(&normalized, client_ip()) else {
        return Err(ferry::Error::rate_limited(TOO_MANY_SIGN_INS));
    };
    tokio::time::sleep(delay).await;
    let Some(found) = store()?.check_password(&normalized, password).await? else {
        limits::limits().failed(&normalized);
        return Err(ferry::Error::invalid("password", SIGN_IN_REFUSED).with_value("email", email));
    };
    // The cart first: if it fails, nobody is signed in half-way.
    if let Some(visitor) = app_core::session::current_cart(&state.session_key) {
        store()?.merge_cart(&visitor, &found.cart).await?;
    }
    shop_core::visitor::sessions::start(&state, found.account.id).await?;
    leptos_axum::redirect(after_sign_in(&next));
    Ok(())
}

/// Ends the session on the server; the browser is a visitor again, with
/// the (empty) cart it had before signing in.
#[ferry::mutation(endpoint = "accounts/sign-out", revalidates = [shop_core::tags::CART, shop_core::tags::ORDERS])]
pub async fn sign_out() -> Result<(), ferry::Error> {
    let state = app_core::state::app_state()?;
    shop_core::visitor::sessions::end(&state).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The client's address, as `ferry` resolved it (behind trusted proxies too).
#[cfg(feature = "ssr")]
fn client_ip() -> Option<std::net::IpAddr> {
    use leptos::prelude::use_context;
    let parts = use_context::<axum::http::request::Parts>()?;
    parts
        .extensions
        .get::<ferry::ClientAddr>()
        .map(|addr| addr.ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_up_with(email: &str, password: &str) -> SignUp {
        SignUp {
            email: email.to_owned(),
            password: password.to_owned(),
            next: String::new(),
        }
    }

    #[test]
    fn emails_are_shaped_like_emails() {
        for good in [
            "ann@example.com",
            " Ann@Example.co.uk ",
            "a+b@x.io",
            "o'brien@x.io",
            "zoë@exämple.de",
        ] {
            assert_eq!(email_problem(good), None, "{good}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "ann @example.com",
            "ann@.com",
            "ann@example.",
            "a\u{0}@x.io",
            &long,
            "'; DROP TABLE accounts; --",
            "<script>@x.io",
            "a@x.io<b>",
        ] {
            assert!(email_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn emails_are_stored_trimmed_and_lower_cased() {
        assert_eq!(normalize_email("  Ann@Example.COM "), "ann@example.com");
    }

    #[test]
    fn passwords_have_a_floor_and_a_ceiling_in_characters() {
        assert!(password_problem("short").is_some());
        assert_eq!(password_problem("eight ch"), None);
        assert_eq!(password_problem(&"é".repeat(MAX_PASSWORD)), None);
        assert!(password_problem(&"x".repeat(MAX_PASSWORD + 1)).is_some());
    }

    #[test]
    fn a_sign_up_names_every_field_at_fault() {
        let err = check_sign_up(&sign_up_with("nope", "short")).unwrap_err();
        assert!(err.field("email").is_some() && err.field("password").is_some());
        assert_eq!(
            check_sign_up(&sign_up_with("a@b.io", "long enough")),
            Ok(())
        );
    }

    #[test]
    fn a_sign_in_checks_only_that_both_are_filled() {
        let call = |email: &str, password: &str| SignIn {
            email: email.to_owned(),
            password: password.to_owned(),
            next: String::new(),
        };
        assert_eq!(
            check_sign_in(&call("x", "y")),
            Ok(()),
            "no hint about the rules"
        );
        let err = check_sign_in(&call(" ", "")).unwrap_err();
        assert!(err.field("email").is_some() && err.field("password").is_some());
    }

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(after_sign_in("/cart"), "/cart");
        assert_eq!(after_sign_in("https://evil.example/"), "/");
        assert_eq!(after_sign_in("//evil.example/"), "/");
        assert_eq!(after_sign_in(""), "/");
    }
}
