//! Server-side pieces: the layer that gives failed server-function calls
//! their real HTTP status, and the answer for an endpoint that does not exist.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::Error;

/// The header Leptos puts on every failed server-function response.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// Error bodies larger than this are left alone rather than buffered.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware: Leptos answers every failed server-function call with 500.
/// This reads the encoded error and sets the status it stands for, so a
/// malformed body is a 400 and a validation failure a 422.
pub async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
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
pub async fn clean_redirect(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    if let Some(trimmed) = location.and_then(|l| l.strip_suffix('?')) {
        if let Ok(value) = HeaderValue::from_str(trimmed) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    response
}

/// Middleware: refuses a request body over `limit` bytes with 413, whether
/// it declares its length or streams in chunks. Server functions read the
/// whole body anyway, so reading it here first costs nothing extra.
/// Install with `axum::middleware::from_fn_with_state(limit, body_limit)`.
pub async fn body_limit(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => {
            next.run(Request::from_parts(parts, Body::from(collected.to_bytes())))
                .await
        }
        Err(err) if err.is::<http_body_util::LengthLimitError>() => too_large(limit),
        Err(_) => (
            StatusCode::BAD_REQUEST,
            "The request body could not be read.\n",
        )
            .into_response(),
    }
}

fn too_large(limit: usize) -> Response {
    let message = format!("Request body too large: the limit is {limit} bytes.\n");
    (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
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
fn status_of_encoded_error(body: &[u8]) -> Option<StatusCode> {
    if let Ok(error) = serde_json::from_slice::<Error>(body) {
        return StatusCode::from_u16(error.status()).ok();
    }
    let text = std::str::from_utf8(body).ok()?;
    let kind = text.split('|').next()?;
    matches!(kind, "Args" | "MissingArg" | "Deserialization").then_some(StatusCode::BAD_REQUEST)
}

/// Handler for every path under the server-function prefix that no function
/// is registered at: a 404 that says so, instead of a 400 or an HTML page.
pub async fn no_such_endpoint(method: Method, uri: Uri) -> Response {
    let message = format!(
        "No server function is registered at {method} {}. Check the endpoint name \
         in #[server(endpoint = ...)] and the HTTP method.\n",
        uri.path()
    );
    (StatusCode::NOT_FOUND, message).into_response()
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
