//! The visitor's cart id: an unguessable value in a signed, HttpOnly
//! cookie, set on the first mutation. Reading never sets it, so browsing
//! leaves no cookie.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use hmac::{Hmac, Mac};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::sync::Arc;

/// The cookie's name.
pub const COOKIE_NAME: &str = crate::site::CART_COOKIE;

/// How long an idle cart is remembered: 30 days.
const MAX_AGE_SECONDS: u32 = 30 * 24 * 60 * 60;

/// A cart's id: 32 lowercase hex digits (128 random bits).
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
#[derive(Clone)]
pub struct SessionKey(Arc<[u8]>);

/// Bytes of the HMAC-SHA256 kept in the cookie: 128 bits.
const SIGNATURE_BYTES: usize = 16;

impl SessionKey {
    /// A key from configured secret text.
    pub fn new(secret: &str) -> Self {
        Self(secret.as_bytes().into())
    }

    /// A fresh random key (tests; a development server without a key file).
    pub fn random() -> Self {
        Self::new(&random_secret())
    }

    fn mac(&self, id: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac
    }

    /// `id.signature`, the cookie's value.
    pub fn sign(&self, id: &CartId) -> String {
        let tag = self.mac(id.as_str()).finalize().into_bytes();
        let hex: String = tag[..SIGNATURE_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}.{hex}", id.as_str())
    }

    /// The id in a cookie value, if its signature is this key's.
    pub fn verify(&self, value: &str) -> Option<CartId> {
        let (id, hex) = value.split_once('.')?;
        let id = CartId::parse(id)?;
        if hex.len() != SIGNATURE_BYTES * 2 || !hex.is_ascii() {
            return None;
        }
        let tag: Vec<u8> = (0..SIGNATURE_BYTES)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
            .collect::<Result<_, _>>()
            .ok()?;
        self.mac(id.as_str())
            .verify_truncated_left(&tag)
            .ok()
            .map(|()| id)
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
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .and_then(|(_, value)| key.verify(value.trim()))
}

/// The visitor's cart id, if they have one (reading pages).
pub fn current_cart() -> Option<CartId> {
    let key = use_context::<crate::state::AppState>()?.session_key;
    use_context::<Parts>().and_then(|parts| cart_id_from(&parts, &key))
}

/// The visitor's cart id, creating one and setting the cookie if needed
/// (mutations).
pub fn ensure_cart(state: &crate::state::AppState) -> CartId {
    if let Some(id) =
        use_context::<Parts>().and_then(|parts| cart_id_from(&parts, &state.session_key))
    {
        return id;
    }
    let id = CartId::generate();
    if let Some(response) = use_context::<ResponseOptions>() {
        if let Ok(value) = HeaderValue::from_str(&set_cookie(
            &state.session_key.sign(&id),
            state.secure_cookies,
        )) {
            response.append_header(SET_COOKIE, value);
        }
    }
    id
}

/// The `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Lax (not
/// sent on cross-site posts), Secure when the site is served over https.
fn set_cookie(signed: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={signed}; Path=/; Max-Age={MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax{secure}"
    )
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
            SessionKey::new("a key of the shop's own"),
            CartId::generate(),
        );
        let signed = key.sign(&id);
        assert_eq!(key.verify(&signed), Some(id.clone()));
        assert_eq!(
            SessionKey::new("another key").verify(&signed),
            None,
            "another key's cookie"
        );
        assert_eq!(key.verify(id.as_str()), None, "an unsigned id");
        let other = CartId::generate();
        let swapped = format!("{}.{}", other.as_str(), signed.split_once('.').unwrap().1);
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
            format!("{}.é{}", id.as_str(), "0".repeat(30)),
        ];
        for value in junk {
            assert_eq!(key.verify(&value), None, "{value:?}");
        }
    }

    #[test]
    fn the_cookie_is_http_only_and_lax_and_secure_on_request() {
        let plain = set_cookie("id.sig", false);
        assert!(
            plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
                && !plain.contains("Secure")
        );
        assert!(set_cookie("id.sig", true).ends_with("; Secure"));
    }
}
