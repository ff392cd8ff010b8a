//! Every server-function call made visible: a span with the function's name,
//! outcome, status and duration, one info line when it ends, and the
//! metrics. [`crate::Ferry`] installs it just inside the request id,
//! so calls refused by the security layers are seen too.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use tracing::Instrument as _;
use tracing::field::Empty;

#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::outcome::Outcome;

/// What the layer needs: where the metrics go, and the paths of the
/// registered server functions (a JSON route beside them under the same
/// prefix is not a call).
#[derive(Debug, Clone)]
pub(crate) struct Observe {
    #[cfg(feature = "metrics")]
    pub metrics: Option<Metrics>,
    pub functions: Arc<HashSet<String>>,
    /// The server-function prefix, left out of the names.
    pub prefix: Arc<str>,
}

/// The route label for requests no route matched (static files, 404s).
const FALLBACK_ROUTE: &str = "fallback";

/// The method as a metrics label: one of HTTP's own, or `other`. A client
/// may send any token as a method, and each new label value would be a new
/// series kept for good: a few requests could grow `/metrics` without end.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("other", |known| known.as_str())
}

/// Middleware: counts every request by route, and traces and logs each
/// server-function call.
pub(crate) async fn observe(
    State(observe): State<Observe>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    // Both are cheap to keep: a known method is a constant, and the matched
    // route is shared, not copied.
    let method = request.method().clone();
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or(FALLBACK_ROUTE, MatchedPath::as_str);
    let response = match function_name(route, &observe.functions, &observe.prefix) {
        Some(function) => call(&observe, function, started, request, next).await,
        None => next.run(request).await,
    };
    #[cfg(feature = "metrics")]
    if let Some(metrics) = &observe.metrics {
        metrics.record_http(method_label(&method), route, response.status().as_u16());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = method;
    response
}

async fn call(
    observe: &Observe,
    function: &str,
    started: Instant,
    request: Request,
    next: Next,
) -> Response {
    let span = tracing::info_span!(
        "server_fn",
        function,
        outcome = Empty,
        status = Empty,
        ms = Empty
    );
    let response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let outcome = outcome_of(&response);
    let ms = (elapsed.as_secs_f64() * 1000.0 * 10.0).round() / 10.0;
    span.record("outcome", outcome.as_str());
    span.record("status", response.status().as_u16());
    span.record("ms", ms);
    span.in_scope(|| tracing::info!("server function call"));
    #[cfg(feature = "metrics")]
    if let Some(metrics) = &observe.metrics {
        metrics.record_call(function, outcome, elapsed.as_secs_f64());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = observe;
    response
}

/// The function's name (its path after the prefix) when the matched route
/// is a registered server function; `None` for pages, other routes and the
/// catch-all for unknown endpoints.
fn function_name<'a>(route: &'a str, functions: &HashSet<String>, prefix: &str) -> Option<&'a str> {
    if !functions.contains(route) {
        return None;
    }
    let name = route.strip_prefix(prefix).unwrap_or(route);
    Some(name.trim_start_matches('/'))
}

/// How a call ended. A plain form post is answered with a redirect either
/// way; Leptos puts the error, if any, in the `__err` query parameter.
pub(crate) fn outcome_of(response: &Response) -> Outcome {
    // A layer that rewrote the redirect (the sign-in redirect) says.
    if let Some(outcome) = response.extensions().get::<Outcome>() {
        return *outcome;
    }
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok());
        return location
            .and_then(redirected_error_status)
            .map_or(Outcome::Ok, Outcome::of_status);
    }
    Outcome::of_status(status)
}

/// The status of the error carried in a no-JS redirect, if it carries one;
/// an error that cannot be read counts as a server failure.
pub(crate) fn redirected_error_status(location: &str) -> Option<u16> {
    let uri: Uri = location.parse().ok()?;
    let Query(params) = Query::<HashMap<String, String>>::try_from_uri(&uri).ok()?;
    let encoded = params.get("__err")?;
    let status = base64::engine::general_purpose::URL_SAFE
        .decode(encoded)
        .ok()
        .and_then(|bytes| crate::error::status::status_of_encoded_error(&bytes));
    Some(status.map_or(500, |s| s.as_u16()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn response(status: StatusCode, location: Option<&str>) -> Response {
        let mut builder = Response::builder().status(status);
        if let Some(location) = location {
            builder = builder.header(header::LOCATION, location);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    fn redirect_with(error: &crate::Error) -> String {
        let json = serde_json::to_vec(error).unwrap();
        let encoded = base64::engine::general_purpose::URL_SAFE.encode(json);
        format!("/inbox?__path=%2Fapi%2Fnotes%2Fadd&__err={encoded}")
    }

    #[test]
    fn statuses_map_to_outcomes() {
        let cases = [
            (StatusCode::OK, Outcome::Ok),
            (StatusCode::UNPROCESSABLE_ENTITY, Outcome::Invalid),
            (StatusCode::BAD_REQUEST, Outcome::Invalid),
            (StatusCode::FORBIDDEN, Outcome::Denied),
            (StatusCode::TOO_MANY_REQUESTS, Outcome::Denied),
            (StatusCode::INTERNAL_SERVER_ERROR, Outcome::Error),
        ];
        for (status, outcome) in cases {
            assert_eq!(outcome_of(&response(status, None)), outcome, "{status}");
        }
    }

    #[test]
    fn form_redirects_are_judged_by_the_error_they_carry() {
        let found = StatusCode::FOUND;
        assert_eq!(outcome_of(&response(found, Some("/inbox"))), Outcome::Ok);
        let invalid = redirect_with(&crate::Error::invalid("quantity", "Too many."));
        assert_eq!(
            outcome_of(&response(found, Some(&invalid))),
            Outcome::Invalid
        );
        let internal = redirect_with(&crate::Error::Internal {
            request_id: "abc".into(),
        });
        assert_eq!(
            outcome_of(&response(found, Some(&internal))),
            Outcome::Error
        );
        let junk = "/inbox?__err=%%%";
        assert_eq!(outcome_of(&response(found, Some(junk))), Outcome::Error);
        let unreadable = "/inbox?__err=bm90IGpzb24";
        assert_eq!(
            outcome_of(&response(found, Some(unreadable))),
            Outcome::Error
        );
    }

    #[test]
    fn only_registered_function_routes_are_calls() {
        let functions = HashSet::from(["/api/notes/add".to_owned(), "/rpc/ping".to_owned()]);
        let name = |route| function_name(route, &functions, "/api");
        assert_eq!(name("/api/notes/add"), Some("notes/add"));
        assert_eq!(name("/rpc/ping"), Some("rpc/ping"));
        assert_eq!(name("/api/{*endpoint}"), None);
        assert_eq!(name("/api/v1/notes"), None);
        assert_eq!(name("/notes/{id}"), None);
    }
}
