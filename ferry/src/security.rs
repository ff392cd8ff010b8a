//! Cross-site request protection: a state-changing request must come from a
//! page of this site (or an allowed origin). Safe methods pass untouched.
//!
//! The browser tells us where a request comes from, in order of trust:
//! `Origin`, then `Sec-Fetch-Site`, then `Referer`. A request with none of
//! them cannot have been sent by a browser on another site's behalf (every
//! current browser sends `Origin` on a cross-site POST), so it is a plain
//! HTTP client (curl, a server, a mobile app) and is allowed: cross-site
//! request forgery needs a victim's browser.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_addr::ClientAddr;

/// Who may send state-changing requests besides the site itself.
///
/// ```
/// let mut settings = ferry::Settings::default();
/// settings.same_origin.allowed_origins = std::sync::Arc::new(vec!["https://admin.example.com".into()]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SameOrigin {
    /// Other origins allowed, as `host[:port]` or full origins
    /// (`https://admin.example.com`); compared by host and port.
    pub allowed_origins: Arc<Vec<String>>,
}

/// What the check decided, and why.
///
/// ```
/// use axum::http::{HeaderMap, Method};
/// use ferry::security::{SameOrigin, Verdict};
/// let verdict = SameOrigin::default().check(&Method::GET, &HeaderMap::new(), None);
/// assert_eq!(verdict, Verdict::Allowed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// A safe method, or a request from this site or an allowed origin.
    Allowed,
    /// No `Origin`, `Sec-Fetch-Site` or `Referer`: not a browser; allowed.
    NotFromABrowser,
    /// From another site: refused. Holds what the request claimed.
    CrossSite(String),
}

impl SameOrigin {
    /// Judges one request from `client` (unknown for a request made
    /// in-process). Behind a trusted proxy, the site's own host is the one
    /// in `X-Forwarded-Host` ([`crate::Settings::trusted_proxies`]).
    ///
    /// ```
    /// use axum::http::{HeaderMap, Method, header};
    /// use ferry::security::{SameOrigin, Verdict};
    /// let mut headers = HeaderMap::new();
    /// headers.insert(header::HOST, "site.example".parse().unwrap());
    /// headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    /// let verdict = SameOrigin::default().check(&Method::POST, &headers, None);
    /// assert!(matches!(verdict, Verdict::CrossSite(_)));
    /// ```
    pub fn check(
        &self,
        method: &Method,
        headers: &HeaderMap,
        client: Option<&ClientAddr>,
    ) -> Verdict {
        if matches!(
            *method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        ) {
            return Verdict::Allowed;
        }
        let own_host = own_host(headers, client.is_some_and(|c| c.proxied));
        let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(origin) = text(header::ORIGIN) {
            return self.judge_url(origin, own_host.as_deref());
        }
        if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            return match site {
                "same-origin" | "none" => Verdict::Allowed,
                other => Verdict::CrossSite(format!("Sec-Fetch-Site: {other}")),
            };
        }
        if let Some(referer) = text(header::REFERER) {
            return self.judge_url(referer, own_host.as_deref());
        }
        Verdict::NotFromABrowser
    }

    fn judge_url(&self, url: &str, own_host: Option<&str>) -> Verdict {
        let Some(claimed) = authority(url) else {
            return Verdict::CrossSite(format!("origin {url:?}"));
        };
        let allowed = own_host == Some(claimed.as_str())
            || self
                .allowed_origins
                .iter()
                .any(|o| authority(o).is_some_and(|a| a == claimed));
        if allowed {
            Verdict::Allowed
        } else {
            Verdict::CrossSite(format!("origin {claimed}"))
        }
    }
}

/// `host[:port]` of a URL or origin, lowercased; `None` for "null" or junk.
fn authority(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let valid =
        !authority.is_empty() && authority != "null" && !authority.contains(char::is_whitespace);
    valid.then(|| authority.to_ascii_lowercase())
}

/// The host the client addressed: `X-Forwarded-Host` when the request came
/// through a trusted proxy, otherwise `Host`.
fn own_host(headers: &HeaderMap, proxied: bool) -> Option<String> {
    let forwarded = proxied
        .then(|| headers.get("x-forwarded-host"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next());
    let host = forwarded.or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()));
    host.map(|h| h.trim().to_ascii_lowercase())
}

/// Middleware: refuses cross-site state-changing requests with 403. Serve
/// with `into_make_service_with_connect_info::<SocketAddr>()` so trusted
/// proxies can be recognised ([`ClientAddr`]).
pub(crate) async fn same_origin(
    State(policy): State<SameOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let client = request.extensions().get::<ClientAddr>();
    match policy.check(request.method(), request.headers(), client) {
        Verdict::Allowed | Verdict::NotFromABrowser => next.run(request).await,
        Verdict::CrossSite(claimed) => {
            tracing::warn!(path = %request.uri().path(), %claimed, "cross-site request refused");
            let message = format!(
                "Cross-site request refused: {} {} only accepts requests from this site's own pages \
                 (this one came from {claimed}). Add the origin to allowed-origins if it is yours.\n",
                request.method(),
                request.uri().path()
            );
            (StatusCode::FORBIDDEN, message).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn post(policy: &SameOrigin, pairs: &[(&'static str, &str)]) -> Verdict {
        policy.check(&Method::POST, &headers(pairs), None)
    }

    #[test]
    fn the_sites_own_pages_may_post() {
        let policy = SameOrigin::default();
        let host = ("host", "site.example:3000");
        assert_eq!(
            post(&policy, &[host, ("origin", "http://site.example:3000")]),
            Verdict::Allowed
        );
        assert_eq!(
            post(&policy, &[host, ("sec-fetch-site", "same-origin")]),
            Verdict::Allowed
        );
        assert_eq!(
            post(
                &policy,
                &[host, ("referer", "http://site.example:3000/page?x=1")]
            ),
            Verdict::Allowed
        );
    }

    #[test]
    fn other_sites_may_not() {
        let policy = SameOrigin::default();
        let host = ("host", "site.example");
        for pairs in [
            vec![host, ("origin", "https://evil.example")],
            vec![host, ("origin", "null")],
            vec![host, ("origin", "https://site.example.evil.example")],
            vec![host, ("sec-fetch-site", "cross-site")],
            vec![host, ("sec-fetch-site", "same-site")],
            vec![host, ("referer", "https://evil.example/site.example")],
            vec![host, ("referer", "https://site.example@evil.example/")],
            // Origin wins over a forged-looking Referer.
            vec![
                host,
                ("origin", "https://evil.example"),
                ("referer", "https://site.example/"),
            ],
        ] {
            assert!(
                matches!(post(&policy, &pairs), Verdict::CrossSite(_)),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn safe_methods_and_plain_clients_pass() {
        let policy = SameOrigin::default();
        let cross = headers(&[("host", "site.example"), ("origin", "https://evil.example")]);
        assert_eq!(policy.check(&Method::GET, &cross, None), Verdict::Allowed);
        assert_eq!(
            post(&policy, &[("host", "site.example")]),
            Verdict::NotFromABrowser
        );
    }

    #[test]
    fn allowed_origins_and_trusted_proxies() {
        let policy = SameOrigin {
            allowed_origins: Arc::new(vec!["https://admin.example".into()]),
        };
        let trusted = ["10.0.0.1".parse().unwrap()];
        let admin = [
            ("host", "site.internal:8080"),
            ("origin", "https://admin.example"),
        ];
        assert_eq!(post(&policy, &admin), Verdict::Allowed);
        let behind_proxy = headers(&[
            ("host", "site.internal:8080"),
            ("x-forwarded-host", "site.example"),
            ("origin", "https://site.example"),
        ]);
        let proxy = ClientAddr::resolve(trusted[0], &behind_proxy, &trusted);
        assert_eq!(
            policy.check(&Method::POST, &behind_proxy, Some(&proxy)),
            Verdict::Allowed
        );
        let stranger = ClientAddr::resolve("203.0.113.9".parse().unwrap(), &behind_proxy, &trusted);
        assert!(matches!(
            policy.check(&Method::POST, &behind_proxy, Some(&stranger)),
            Verdict::CrossSite(_)
        ));
    }
}
