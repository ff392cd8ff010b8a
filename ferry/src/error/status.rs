//! A failed call's real status: Leptos answers every failure with 500; the
//! layer here gives it the status its error stands for.

use axum::body::Body;
use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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

/// Set by a ferry function once its arguments parsed and it began; taken
/// off by [`error_status`].
const BEGAN_HEADER: &str = "x-ferry-began";

pub(crate) fn began() {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            axum::http::HeaderName::from_static(BEGAN_HEADER),
            HeaderValue::from_static("1"),
        );
    }
}

/// Error bodies larger than this are left alone rather than buffered.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware: Leptos answers every failed server-function call with 500.
/// This sets the status the error stands for: the one its type gave
/// ([`crate::ErrorStatus`], through the macros), else the one its encoded
/// body says, so a malformed body is a 400 and a validation failure a 422.
///
/// A call to a ferry function (`functions`) that failed before the function
/// began could not read its arguments: 400, whatever its error type.
pub(crate) async fn error_status(
    State(functions): State<Arc<HashSet<&'static str>>>,
    request: Request,
    next: Next,
) -> Response {
    let ferry_function = functions.contains(request.uri().path());
    let mut response = next.run(request).await;
    let own = response.headers_mut().remove(STATUS_HEADER);
    let began = response.headers_mut().remove(BEGAN_HEADER).is_some();
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let own = own
        .and_then(|v| v.to_str().ok()?.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .filter(|status| status.is_client_error() || status.is_server_error());
    let (mut parts, body) = response.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_ERROR_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Some(status) = own.or_else(|| status_of_encoded_error(&bytes)) {
        parts.status = status;
    } else if ferry_function && !began {
        parts.status = StatusCode::BAD_REQUEST;
    }
    // Leptos sends an error's body with no content type: say what it is,
    // for clients other than its own (and the OpenAPI document's).
    if !parts.headers.contains_key(header::CONTENT_TYPE) {
        let json = bytes.first() == Some(&b'{')
            && serde_json::from_slice::<serde_json::Value>(&bytes).is_ok();
        let kind = if json {
            "application/json"
        } else {
            "text/plain; charset=utf-8"
        };
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    }
    Response::from_parts(parts, Body::from(bytes))
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
    fn leptos_text_errors_about_arguments_are_bad_requests() {
        assert_eq!(
            status_of_encoded_error(b"Args|expected i32"),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(status_of_encoded_error(b"ServerError|boom"), None);
        assert_eq!(status_of_encoded_error(&[0xff, 0xfe]), None);
    }
}
