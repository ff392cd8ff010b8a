//! The visitor's cart id: an unguessable value in an HttpOnly cookie, set on
//! the first mutation. Reading never sets it, so browsing leaves no cookie.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use serde::{Deserialize, Serialize};

/// The cookie's name.
pub const COOKIE_NAME: &str = "ferry_cart";

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

/// The cart id in the request's cookies, if it has a well-formed one.
pub fn cart_id_from(parts: &Parts) -> Option<CartId> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .and_then(|(_, value)| CartId::parse(value.trim()))
}

/// The visitor's cart id, if they have one (reading pages).
pub fn current_cart() -> Option<CartId> {
    use_context::<Parts>().as_ref().and_then(cart_id_from)
}

/// The visitor's cart id, creating one and setting the cookie if needed
/// (mutations).
pub fn ensure_cart(secure: bool) -> CartId {
    if let Some(id) = current_cart() {
        return id;
    }
    let id = CartId::generate();
    if let Some(response) = use_context::<ResponseOptions>() {
        if let Ok(value) = HeaderValue::from_str(&set_cookie(&id, secure)) {
            response.append_header(SET_COOKIE, value);
        }
    }
    id
}

/// The `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Lax (not
/// sent on cross-site posts), Secure when the site is served over https.
fn set_cookie(id: &CartId, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={}; Path=/; Max-Age={MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax{secure}",
        id.as_str()
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
    fn the_cart_cookie_is_found_among_others() {
        let id = CartId::generate();
        let parts = parts_with_cookie(&format!("theme=dark; {COOKIE_NAME}={}; x=1", id.as_str()));
        assert_eq!(cart_id_from(&parts), Some(id));
        assert_eq!(cart_id_from(&parts_with_cookie("ferry_cart=nope")), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_lax_and_secure_on_request() {
        let id = CartId::generate();
        let plain = set_cookie(&id, false);
        assert!(
            plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
                && !plain.contains("Secure")
        );
        assert!(set_cookie(&id, true).ends_with("; Secure"));
    }
}
