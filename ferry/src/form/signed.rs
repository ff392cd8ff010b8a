//! The error a refused form carries in its no-JavaScript redirect, signed
//! so that only the server can write it. Leptos puts the error in the
//! address (`__path`, `__err`) and shows whatever it finds there, so a link
//! could otherwise put any text on a page as its error message; a page
//! asked for with an error that carries no valid signature is sent to the
//! same address without it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The query parameter the signature travels in.
pub(crate) const SIGNATURE: &str = "__sig";

/// What the signature covers besides the error, so that the same secret
/// used elsewhere never signs the same bytes.
const PURPOSE: &[u8] = b"ferry no-js form error v1\0";

/// The secret that signs and checks errors; whether it is a random one of
/// this process, which no other process shares.
#[derive(Clone)]
pub(crate) struct ErrorKey {
    secret: Arc<[u8]>,
    random: bool,
    warned: Arc<AtomicBool>,
}

impl std::fmt::Debug for ErrorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ErrorKey(..)")
    }
}

impl ErrorKey {
    /// A key of `secret`'s bytes.
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self {
            secret: secret.into(),
            random: false,
            warned: Arc::default(),
        }
    }

    /// A random key, for this process alone.
    pub(crate) fn random() -> Self {
        let mut secret = [0u8; 32];
        // The kernel's randomness; without it (no such system call) a key
        // from uuid's generator, which seeds from the same source.
        if getrandom::fill(&mut secret).is_err() {
            secret[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
            secret[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        }
        Self {
            random: true,
            ..Self::new(&secret)
        }
    }

    /// Logs, once, that a signature did not verify under a random key: the
    /// likely cause is another process (or this one before a restart)
    /// having signed it, and the error is dropped.
    fn warn_unshared(&self) {
        if self.random && !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "ferry: a page was asked for with a form error this process did not sign. \
                 With no signing key set, each process signs with a random key of its own, \
                 so an error redirected to another process (behind a load balancer) or \
                 across a restart is dropped: set Settings::signing_key \
                 (FormRedirectLayer::signing_key) to the same secret in every process. \
                 Logged once."
            );
        }
    }

    fn mac(&self, path: &str, error: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(PURPOSE);
        mac.update(path.as_bytes());
        mac.update(b"\0");
        mac.update(error.as_bytes());
        mac
    }

    pub(crate) fn sign(&self, path: &str, error: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(path, error).finalize().into_bytes())
    }

    /// Whether `signature` is this key's for the error (in constant time).
    pub(crate) fn verify(&self, path: &str, error: &str, signature: &str) -> bool {
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.mac(path, error).verify_slice(&bytes).is_ok()
    }
}

/// Leptos's error parameters in a query, and the signature beside them.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Carried {
    pub(crate) path: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) signature: Option<String>,
}

pub(crate) fn carried(query: &str) -> Carried {
    let mut found = Carried::default();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "__path" => &mut found.path,
            "__err" => &mut found.error,
            SIGNATURE => &mut found.signature,
            _ => continue,
        };
        *slot = Some(value.into_owned());
    }
    found
}

/// Middleware: signs the error in a redirect's address, and sends a page
/// asked for with an unsigned or forged one to its address without it.
pub(crate) async fn signed_errors(
    State(key): State<ErrorKey>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD)
        && let Some(query) = request.uri().query()
        && let Carried {
            error: Some(error),
            path,
            signature,
        } = carried(query)
    {
        let path = path.unwrap_or_default();
        let signed = signature.as_deref().map(|s| key.verify(&path, &error, s));
        if signed == Some(false) {
            key.warn_unshared();
        }
        if signed != Some(true) {
            let uri = request.uri().to_string();
            return Redirect::to(&super::redirect::page_of(&uri)).into_response();
        }
    }
    let mut response = next.run(request).await;
    sign_location(&key, &mut response);
    response
}

/// Signs the error a redirect carries, and drops any signature it carries
/// over from the page it came from (Leptos keeps the page's other
/// parameters, an earlier error's `__sig` among them).
fn sign_location(key: &ErrorKey, response: &mut Response) {
    if !response.status().is_redirection() {
        return;
    }
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let Some((base, query)) = location.and_then(|l| l.split_once('?')) else {
        return;
    };
    if let Some(signed) = signed_location(key, base, query)
        && let Ok(value) = HeaderValue::from_str(&signed)
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
}

/// `base?query` with a signature for its error, if it carries one, and
/// no other; `None` when the address needs no change.
fn signed_location(key: &ErrorKey, base: &str, query: &str) -> Option<String> {
    let found = carried(query);
    if found.error.is_none() && found.signature.is_none() {
        return None;
    }
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name != SIGNATURE {
            kept.append_pair(&name, &value);
        }
    }
    if let Some(error) = &found.error {
        let path = found.path.as_deref().unwrap_or_default();
        kept.append_pair(SIGNATURE, &key.sign(path, error));
    }
    let query = kept.finish();
    Some(match query.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{query}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_the_path_and_the_error() {
        let key = ErrorKey::new(b"a secret of enough bytes, say 32!");
        let signature = key.sign("/api/add", "eyJlcnIiOjF9");
        assert!(key.verify("/api/add", "eyJlcnIiOjF9", &signature));
        assert!(!key.verify("/api/add", "eyJlcnIiOjJ9", &signature));
        assert!(!key.verify("/api/other", "eyJlcnIiOjF9", &signature));
        assert!(!ErrorKey::random().verify("/api/add", "eyJlcnIiOjF9", &signature));
        assert!(!key.verify("/api/add", "eyJlcnIiOjF9", "not base64 !"));
    }

    #[test]
    fn a_redirect_keeps_one_signature_and_only_for_its_error() {
        let key = ErrorKey::random();
        // A successful post from a page that showed an error: its old
        // signature goes, and with it the bare `?`.
        assert_eq!(
            signed_location(&key, "/admin", "__sig=old"),
            Some("/admin".to_owned())
        );
        assert_eq!(signed_location(&key, "/admin", "page=2"), None);
        let signed = signed_location(
            &key,
            "/admin",
            "page=2&__path=%2Fapi%2Fx&__err=abc&__sig=old",
        )
        .unwrap();
        let found = carried(signed.split_once('?').unwrap().1);
        assert!(key.verify("/api/x", "abc", found.signature.as_deref().unwrap()));
        assert!(signed.starts_with("/admin?page=2&"), "{signed}");
        assert_eq!(signed.matches("__sig=").count(), 1, "{signed}");
    }

    #[test]
    fn the_carried_parameters_are_read_decoded() {
        let found = carried("page=2&__path=%2Fapi%2Fadd&__err=abc%3D&__sig=xyz");
        assert_eq!(
            found,
            Carried {
                path: Some("/api/add".into()),
                error: Some("abc=".into()),
                signature: Some("xyz".into()),
            }
        );
        assert_eq!(carried("page=2"), Carried::default());
    }
}
