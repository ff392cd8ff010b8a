//! The visitor's cart id: an unguessable value in a signed, HttpOnly
//! cookie, set on the first mutation. Reading never sets it, so browsing
//! leaves no cookie.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use cookie::time::Duration;
use cookie::{Cookie, CookieJar, Key, SameSite};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use serde::{Deserialize, Serialize};

/// The cookie's name.
pub const COOKIE_NAME: &str = crate::site::CART_COOKIE;

/// How long an idle cart is remembered: 30 days.
const MAX_AGE_SECONDS: i64 = 30 * 24 * 60 * 60;

/// A cart's id: 32 lowercase hex digits, a v4 UUID (122 random bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct CartId(String);

impl CartId {
    /// A new random id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Accepts only the shape `generate` makes; anything else is ignored.
    pub fn parse(value: &str) -> Option<Self> {
        let well_formed = value.len() == 32
            && value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        well_formed.then(|| Self(value.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The secret that signs cart cookies, so a visitor cannot present another
/// cart's id (or make one up). Comes from configuration, never the source.
/// Signing is the `cookie` crate's (HMAC-SHA256 over the cookie's name and
/// value), with the key derived from the secret by HKDF.
#[derive(Clone)]
pub struct SessionKey(Key);

/// A secret too short to sign with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a session key needs at least {MIN_SECRET_BYTES} bytes, got {0}")]
pub struct ShortSecret(pub usize);

/// The shortest secret accepted: 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;

impl SessionKey {
    /// A key from configured secret text of at least 32 bytes.
    pub fn new(secret: &str) -> Result<Self, ShortSecret> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(ShortSecret(secret.len()));
        }
        Ok(Self(Key::derive_from(secret.as_bytes())))
    }

    /// A fresh random key (tests; a development server without a key file).
    pub fn random() -> Self {
        Self(Key::generate())
    }

    /// The key's signing half, to sign what the server sends through the
    /// browser and reads back (`ferry::Settings::signing_key`): derived
    /// from the same secret, so every process behind one load balancer
    /// has the same.
    pub fn signing_secret(&self) -> &[u8] {
        self.0.signing()
    }

    /// The cookie's value: the id with its signature.
    pub fn sign(&self, id: &CartId) -> String {
        let mut jar = CookieJar::new();
        jar.signed_mut(&self.0)
            .add(Cookie::new(COOKIE_NAME, id.as_str().to_owned()));
        jar.get(COOKIE_NAME)
            .map(|cookie| cookie.value().to_owned())
            .unwrap_or_default()
    }

    /// The id in a cookie value, if its signature is this key's.
    pub fn verify(&self, value: &str) -> Option<CartId> {
        let mut jar = CookieJar::new();
        jar.add_original(Cookie::new(COOKIE_NAME, value.to_owned()));
        let verified = jar.signed(&self.0).get(COOKIE_NAME)?;
        CartId::parse(verified.value())
    }
}

/// 64 random hex characters (256 bits): a secret fit for a session key.
pub fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// The cart id in the request's cookies, if it has a correctly signed one.
pub fn cart_id_from(parts: &Parts, key: &SessionKey) -> Option<CartId> {
    key.verify(&cookie_value(parts, COOKIE_NAME)?)
}

/// The value of the request's cookie called `name`, if it sent one.
pub fn cookie_value(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// The visitor's cart id, if they have one (reading pages).
pub fn current_cart(key: &SessionKey) -> Option<CartId> {
    use_context::<Parts>().and_then(|parts| cart_id_from(&parts, key))
}

/// The visitor's cart id, creating one and setting the cookie if needed
/// (mutations); the cookie is `Secure` when `secure`.
pub fn ensure_cart(key: &SessionKey, secure: bool) -> CartId {
    if let Some(id) = current_cart(key) {
        return id;
    }
    let id = CartId::generate();
    append_set_cookie(&set_cookie(&key.sign(&id), secure));
    id
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn append_set_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(cookie),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// The cart cookie's `Set-Cookie` value.
fn set_cookie(signed: &str, secure: bool) -> String {
    private_cookie(
        COOKIE_NAME,
        signed,
        Duration::seconds(MAX_AGE_SECONDS),
        secure,
    )
}

/// A `Set-Cookie` value for the whole site: HttpOnly (no script reads it),
/// SameSite=Lax (not sent on cross-site posts), Secure when the site is
/// served over https; gone after `max_age` (at once with zero).
pub fn private_cookie(name: &str, value: &str, max_age: Duration, secure: bool) -> String {
    Cookie::build((name, value))
        .path("/")
        .max_age(max_age)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts_with_cookie(cookie: &str) -> Parts {
        let (parts, ()) = Request::builder()
            .header(COOKIE, cookie)
            .body(())
            .unwrap()
            .into_parts();
        parts
    }

    #[test]
    fn generated_ids_parse_and_differ() {
        let (a, b) = (CartId::generate(), CartId::generate());
        assert_ne!(a, b);
        assert_eq!(CartId::parse(a.as_str()), Some(a));
    }

    #[test]
    fn malformed_ids_are_ignored() {
        for bad in [
            "",
            "abc",
            "../../etc/passwd",
            &"G".repeat(32),
            &"a".repeat(33),
            "' OR 1=1 --",
        ] {
            assert_eq!(CartId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_signed_cart_cookie_is_found_among_others() {
        let (key, id) = (SessionKey::random(), CartId::generate());
        let parts = parts_with_cookie(&format!("theme=dark; {COOKIE_NAME}={}; x=1", key.sign(&id)));
        assert_eq!(cart_id_from(&parts, &key), Some(id));
        assert_eq!(
            cart_id_from(&parts_with_cookie(&format!("{COOKIE_NAME}=nope")), &key),
            None
        );
    }

    #[test]
    fn forged_or_foreign_signatures_are_refused() {
        let (key, id) = (
            SessionKey::new("a key of the shop's own, 32 bytes or more").unwrap(),
            CartId::generate(),
        );
        let signed = key.sign(&id);
        assert_eq!(key.verify(&signed), Some(id.clone()));
        assert_eq!(
            SessionKey::new("another key, also 32 bytes or more")
                .unwrap()
                .verify(&signed),
            None,
            "another key's cookie"
        );
        assert_eq!(key.verify(id.as_str()), None, "an unsigned id");
        // The cookie crate writes the signature (base64, 44 characters) first.
        let other = CartId::generate();
        let swapped = format!("{}{}", &signed[..44], other.as_str());
        assert_eq!(
            key.verify(&swapped),
            None,
            "a signature moved to another id"
        );
        let junk = [
            String::new(),
            ".".to_owned(),
            "x.y".to_owned(),
            format!("{}.zz", id.as_str()),
            format!("{signed}00"),
            format!("é{}", &signed[2..]),
            format!("{}{}", "A".repeat(44), id.as_str()),
        ];
        for value in junk {
            assert_eq!(key.verify(&value), None, "{value:?}");
        }
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert_eq!(SessionKey::new("short").err(), Some(ShortSecret(5)));
        assert!(SessionKey::new(&random_secret()).is_ok());
    }

    #[test]
    fn the_cookie_is_http_only_and_lax_and_secure_on_request() {
        let plain = set_cookie("id.sig", false);
        assert!(
            plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
                && !plain.contains("Secure")
        );
        assert!(set_cookie("id.sig", true).contains("; Secure"));
        assert!(plain.contains("Path=/") && plain.contains("Max-Age=2592000"));
    }
}
