//! Server-side pieces: the layer that gives failed server-function calls
//! their real HTTP status, and the answer for an endpoint that does not exist.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use http_body_util::BodyExt;

use crate::Error;

/// The header Leptos puts on every failed server-function response.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// The status a failed call's error gave itself ([`crate::ErrorStatus`]),
/// carried from the server function to [`error_status`] in the response's
/// headers and taken off there: it never reaches the client.
const STATUS_HEADER: &str = "x-ferry-error-status";

/// Called inside a server function that failed with an error that knows
/// its status: tells [`error_status`] which status to answer with.
pub(crate) fn answer_with(status: u16) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            axum::http::HeaderName::from_static(STATUS_HEADER),
            HeaderValue::from(status),
        );
    }
}

/// Error bodies larger than this are left alone rather than buffered.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware: Leptos answers every failed server-function call with 500.
/// This sets the status the error stands for: the one its type gave
/// ([`crate::ErrorStatus`], through the macros), else the one its encoded
/// body says, so a malformed body is a 400 and a validation failure a 422.
pub(crate) async fn error_status(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let own = response.headers_mut().remove(STATUS_HEADER);
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let own = own
        .and_then(|v| v.to_str().ok()?.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .filter(|status| status.is_client_error() || status.is_server_error());
    if let Some(status) = own {
        *response.status_mut() = status;
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_ERROR_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Some(status) = status_of_encoded_error(&bytes) {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Middleware: after a plain form post, Leptos redirects back to the page
/// with its own error parameters stripped, which leaves a bare `?` on the
/// URL. This drops it, so the address bar shows the page as it was.
pub(crate) async fn clean_redirect(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    if let Some(trimmed) = location.and_then(|l| l.strip_suffix('?'))
        && let Ok(value) = HeaderValue::from_str(trimmed)
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Middleware, inside tower-http's `RequestBodyLimitLayer`: that layer
/// refuses a declared length over the limit with 413 itself, but a body
/// streamed without a length only fails while a handler reads it, deep
/// inside a server function, as a 400. Reading it here first (server
/// functions read the whole body anyway) turns that into the same 413.
pub(crate) async fn streamed_too_large(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    if request.headers().contains_key(header::CONTENT_LENGTH) {
        return next.run(request).await; // already checked against the limit
    }
    let (parts, body) = request.into_parts();
    match body.collect().await {
        Ok(collected) => {
            let body = Body::from(collected.to_bytes());
            next.run(Request::from_parts(parts, body)).await
        }
        Err(err) if over_the_limit(&err) => {
            let message = format!("Request body too large: the limit is {limit} bytes.\n");
            (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
        }
        Err(_) => (
            StatusCode::BAD_REQUEST,
            "The request body could not be read.\n",
        )
            .into_response(),
    }
}

/// Whether reading failed on the body limit rather than the connection.
fn over_the_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Every value of a header, joined by commas, as one would be if the
/// sender had joined them; `None` when there is none.
pub(crate) fn joined(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// Lets plain axum handlers (a JSON API beside the server functions) answer
/// with the same typed error, as JSON with its status.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}

/// The status for an error body: a [`Error`] in JSON, or Leptos's own
/// `Kind|message` text encoding for functions using `ServerFnError`.
pub(crate) fn status_of_encoded_error(body: &[u8]) -> Option<StatusCode> {
    if let Ok(error) = serde_json::from_slice::<Error>(body) {
        return StatusCode::from_u16(error.status()).ok();
    }
    let text = std::str::from_utf8(body).ok()?;
    let kind = text.split('|').next()?;
    matches!(kind, "Args" | "MissingArg" | "Deserialization").then_some(StatusCode::BAD_REQUEST)
}

/// The handler for every path under the server-function prefix that no
/// function is registered at: a 404 that says so, instead of Leptos's 400.
/// With `suggest` (development), the body also names the closest registered
/// endpoints; in production it says no more than that there is none.
pub(crate) fn no_such_endpoint<S: Clone + Send + Sync + 'static>(suggest: bool) -> MethodRouter<S> {
    any(move |method: Method, uri: Uri| async move {
        let mut message = format!(
            "No server function is registered at {method} {}.\n",
            uri.path()
        );
        if suggest {
            message.push_str(&suggestions(uri.path(), &registered_endpoints()));
        }
        (StatusCode::NOT_FOUND, message).into_response()
    })
}

fn registered_endpoints() -> Vec<String> {
    let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| format!("{method} {path}"))
        .collect();
    endpoints.sort();
    endpoints
}

/// The development hint: the registered endpoints closest to `path` by edit
/// distance, or all of them (up to a screenful) when none is close.
fn suggestions(path: &str, endpoints: &[String]) -> String {
    let mut ranked: Vec<(f64, &String)> = endpoints
        .iter()
        .map(|e| {
            let registered = e.split_once(' ').map_or(e.as_str(), |(_, p)| p);
            (strsim::normalized_levenshtein(path, registered), e)
        })
        .filter(|(similarity, _)| *similarity >= 0.6)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (heading, listed): (&str, Vec<&String>) = if ranked.is_empty() {
        ("Registered endpoints", endpoints.iter().take(20).collect())
    } else {
        (
            "Did you mean",
            ranked.into_iter().take(3).map(|(_, e)| e).collect(),
        )
    };
    let mut text = format!("{heading}:\n");
    for endpoint in listed {
        text.push_str(&format!("  {endpoint}\n"));
    }
    text.push_str(
        "Check the endpoint name in #[server(endpoint = ...)] and the HTTP method. \
         (Shown in development only.)\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_map_to_their_status() {
        let body = serde_json::to_vec(&Error::invalid("by", "Too big.")).unwrap();
        assert_eq!(
            status_of_encoded_error(&body),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        let body = serde_json::to_vec(&Error::not_found("thing 3")).unwrap();
        assert_eq!(status_of_encoded_error(&body), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn suggestions_name_the_closest_endpoints_first() {
        let endpoints = [
            "POST /api/notes/add",
            "POST /api/notes/set",
            "POST /api/lists/create",
        ]
        .map(String::from);
        let text = suggestions("/api/notes/ad", &endpoints);
        let first = text.lines().nth(1).unwrap();
        assert_eq!(first.trim(), "POST /api/notes/add", "{text}");
        assert!(!text.contains("lists"), "{text}");
        let text = suggestions("/api/zzzzzzzzzzzzzzzzzzzz", &endpoints);
        assert!(text.starts_with("Registered endpoints:"), "{text}");
        assert!(text.contains("POST /api/lists/create"), "{text}");
    }

    #[test]
    fn leptos_text_errors_about_arguments_are_bad_requests() {
        assert_eq!(
            status_of_encoded_error(b"Args|expected i32"),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(status_of_encoded_error(b"ServerError|boom"), None);
        assert_eq!(status_of_encoded_error(&[0xff, 0xfe]), None);
    }
}
