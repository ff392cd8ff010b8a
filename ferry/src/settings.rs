//! Everything ferry's server side can be told, in one struct with safe
//! defaults.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use leptos::config::Env;

#[cfg(feature = "cache")]
use crate::cache::CacheSettings;
#[cfg(feature = "ratelimit")]
use crate::ratelimit::RateLimit;
use crate::security::SameOrigin;

/// How [`crate::Ferry`] sets up the server. [`Settings::default`] is what
/// production wants; [`Settings::for_env`] follows Leptos's `LEPTOS_ENV`.
///
/// ```
/// let mut settings = ferry::Settings::for_env(leptos::config::Env::DEV);
/// settings.body_limit = 4 << 20; // 4 MiB uploads
/// assert!(settings.development);
/// assert!(!ferry::Settings::default().development);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Settings {
    /// Where the server functions are registered, as in
    /// `#[server(prefix = ...)]`; Leptos's default is `/api`. Unknown paths
    /// under it answer 404 with a reason.
    pub prefix: String,
    /// Development: a 404 under the prefix names the closest endpoints,
    /// and `/metrics` is served on the site unless turned off.
    pub development: bool,
    /// The largest request body, in bytes (default 1 MiB); larger ones get
    /// 413, whether declared or streamed.
    pub body_limit: usize,
    /// Who may send state-changing requests besides the site itself.
    pub same_origin: SameOrigin,
    /// The proxies in front of the server (nginx's address, say), whose
    /// `X-Forwarded-For` names the client and `X-Forwarded-Host` the site;
    /// from anyone else those headers are ignored ([`crate::ClientAddr`]).
    /// Empty by default: the peer is the client.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    /// How long a request may take to produce its response (default 30 s);
    /// a slower one answers 503. `None` for no limit. A streamed body is
    /// not timed once its headers are sent.
    pub request_timeout: Option<Duration>,
    /// How many requests may be in flight at once (default 512); the next
    /// one answers 503 with `Retry-After` at once rather than queueing.
    /// `None` for no bound.
    pub max_in_flight: Option<usize>,
    /// How many requests one client address may have in flight at once
    /// (default 32); its next one answers 429 with `Retry-After` at once,
    /// so that no client can hold the whole of `max_in_flight` with
    /// requests that never finish. `None` for no share (a load test from
    /// one address, say).
    pub max_in_flight_per_client: Option<usize>,
    /// How long a request's body may go without a byte arriving (default
    /// 10 s); the request then answers 408 and gives its slot back. `None`
    /// for no limit (the request timeout still applies).
    pub body_timeout: Option<Duration>,
    /// Requests per client address (default 50 a second, bursts of 100);
    /// `None` for no limit.
    #[cfg(feature = "ratelimit")]
    pub rate_limit: Option<RateLimit>,
    /// Whether `GET /metrics` is served on the site itself: `false` by
    /// default, `true` in development. In production, serve
    /// [`crate::metrics::Metrics::router`] on an internal address instead.
    #[cfg(feature = "metrics")]
    pub metrics_on_site: bool,
    /// Where a form posted without JavaScript goes when a guard refuses it
    /// with 401 (`/sign-in`, say), with `?next=` naming the page it came
    /// from; `None` (the default) sends it back to its page with the error,
    /// like any other. See [`crate::guard`].
    pub sign_in_path: Option<String>,
    /// The secret that signs what ferry sends through the browser and
    /// reads back: today, a refused form's error in its no-JavaScript
    /// redirect, so that a link cannot put its own text on a page as an
    /// error message. Every process behind one load balancer needs the
    /// same (the app's session key will do). `None` (the default): a random
    /// key per process, and an error redirected to another process is
    /// dropped, with a warning logged the first time.
    pub signing_key: Option<Arc<[u8]>>,
    /// How much the server's cache may keep ([`CacheSettings::off`] for
    /// nothing).
    #[cfg(feature = "cache")]
    pub cache: CacheSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            prefix: "/api".to_owned(),
            development: false,
            body_limit: 1 << 20,
            same_origin: SameOrigin::default(),
            trusted_proxies: Arc::default(),
            request_timeout: Some(Duration::from_secs(30)),
            max_in_flight: Some(512),
            max_in_flight_per_client: Some(32),
            body_timeout: Some(Duration::from_secs(10)),
            sign_in_path: None,
            signing_key: None,
            #[cfg(feature = "ratelimit")]
            rate_limit: Some(RateLimit {
                per_second: 50,
                burst: 100,
            }),
            #[cfg(feature = "metrics")]
            metrics_on_site: false,
            #[cfg(feature = "cache")]
            cache: CacheSettings::default(),
        }
    }
}

impl Settings {
    /// The defaults for Leptos's environment: [`Settings::default`] in
    /// production, plus endpoint suggestions and `/metrics` on the site in
    /// development. Development takes a debug build as well as `DEV`:
    /// Leptos reads an unset `LEPTOS_ENV` as `DEV`, and a release binary
    /// started without it must not list its endpoints or serve its metrics
    /// to anyone (it logs once that it stays in production).
    ///
    /// ```
    /// let settings = ferry::Settings::for_env(leptos::config::Env::PROD);
    /// assert!(!settings.development);
    /// ```
    pub fn for_env(env: Env) -> Self {
        let development = is_development(&env, cfg!(debug_assertions));
        if env == Env::DEV && !development {
            tracing::warn!(
                "ferry: LEPTOS_ENV is DEV (or unset) but this is a release build: \
                 development behaviour (endpoint suggestions, /metrics on the site) \
                 stays off. Set LEPTOS_ENV=PROD to say so."
            );
        }
        Self {
            development,
            #[cfg(feature = "metrics")]
            metrics_on_site: development,
            ..Self::default()
        }
    }

    /// The prefix with one leading slash and no trailing one.
    pub(crate) fn normalized_prefix(&self) -> String {
        format!("/{}", self.prefix.trim_matches('/'))
    }
}

/// Whether `env` in a build with (`debug`) or without debug assertions is
/// development.
fn is_development(env: &Env, debug: bool) -> bool {
    *env == Env::DEV && debug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_takes_a_debug_build_and_dev() {
        assert!(is_development(&Env::DEV, true));
        assert!(
            !is_development(&Env::DEV, false),
            "a release build with LEPTOS_ENV unset"
        );
        assert!(!is_development(&Env::PROD, true));
        assert!(!is_development(&Env::PROD, false));
    }
}
