//! Whether a cookie carries `Secure` (sent back over https only): decided
//! per request, so that the default is safe in production with no setting,
//! and a developer's plain-http server on this machine still works.

use axum::http::request::Parts;

/// What `cookie-secure` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    /// Always `Secure` (`true`).
    Always,
    /// Never (`false`): a site served over plain http to other machines.
    Never,
    /// `auto`: `Secure` when the request came over https (a trusted
    /// proxy's `X-Forwarded-Proto: https`), and in production
    /// (`LEPTOS_ENV=PROD`) for any client on another machine.
    Auto { production: bool },
}

impl SecureCookies {
    /// Whether the cookies set in answer to `request` carry `Secure`.
    pub fn for_request(self, request: Option<&Parts>) -> bool {
        let production = match self {
            Self::Always => return true,
            Self::Never => return false,
            Self::Auto { production } => production,
        };
        let client = request.and_then(|parts| parts.extensions.get::<ferry::ClientAddr>());
        let over_https = request.zip(client).is_some_and(|(parts, client)| {
            client.proxied
                && parts
                    .headers
                    .get("x-forwarded-proto")
                    .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
        });
        // A client on this machine (tests, a developer's browser) reaches a
        // plain-http server; one elsewhere in production should never.
        let local = client.is_some_and(|client| client.ip.is_loopback());
        over_https || (production && !local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn request(peer: &str, trusted: bool, proto: Option<&str>) -> Parts {
        let mut builder = Request::builder();
        if let Some(proto) = proto {
            builder = builder.header("x-forwarded-proto", proto);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        let peer = peer.parse().unwrap();
        let trusted = if trusted { vec![peer] } else { vec![] };
        let client = ferry::ClientAddr::resolve(peer, &parts.headers, &trusted);
        parts.extensions.insert(client);
        parts
    }

    #[test]
    fn auto_follows_https_and_production() {
        let dev = SecureCookies::Auto { production: false };
        let prod = SecureCookies::Auto { production: true };
        let remote = request("203.0.113.9", false, None);
        let local = request("127.0.0.1", false, None);
        let proxied_https = request("127.0.0.1", true, Some("https"));
        let claimed_https = request("203.0.113.9", false, Some("https"));
        assert!(!dev.for_request(Some(&remote)));
        assert!(dev.for_request(Some(&proxied_https)));
        assert!(
            !dev.for_request(Some(&claimed_https)),
            "only a trusted proxy is believed"
        );
        assert!(prod.for_request(Some(&remote)));
        assert!(!prod.for_request(Some(&local)));
        assert!(prod.for_request(None), "no address known: the safe side");
        assert!(SecureCookies::Always.for_request(Some(&local)));
        assert!(!SecureCookies::Never.for_request(Some(&remote)));
    }
}
