//! Server functions taking `multipart/form-data` (`input =
//! MultipartFormData`): a request to one that is not readable multipart
//! gets 400 here. server_fn itself panics on a missing or malformed
//! boundary (`codec/multipart.rs`, "couldn't parse boundary"), which would
//! cost the request its connection and show as a failure on the server's
//! side for what is the client's mistake.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Error;

/// Passes a request on unless it posts to a multipart server function
/// without a `Content-Type` whose boundary multer (server_fn's own parser)
/// can read. Runs before the function, so before its guard: such a body
/// gets 400 even from someone the guard would refuse.
pub(crate) async fn refuse_unreadable(
    State(paths): State<Arc<HashSet<&'static str>>>,
    request: Request,
    next: Next,
) -> Response {
    let post = request.method() == axum::http::Method::POST;
    if post && paths.contains(request.uri().path()) && !has_boundary(&request) {
        let message = "expected a multipart/form-data body with a boundary".to_owned();
        return Error::BadRequest { message }.into_response();
    }
    next.run(request).await
}

pub(crate) fn has_boundary(request: &Request) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| multer::parse_boundary(value).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn with_type(content_type: Option<&str>) -> bool {
        let mut request = Request::builder().method("POST").uri("/api/upload");
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        has_boundary(&request.body(Body::empty()).unwrap())
    }

    #[test]
    fn only_multipart_with_a_boundary_is_readable() {
        assert!(with_type(Some("multipart/form-data; boundary=x1")));
        for refused in [
            None,
            Some("multipart/form-data"),
            Some("application/x-www-form-urlencoded"),
            Some("text/plain; boundary=x"),
        ] {
            assert!(!with_type(refused), "{refused:?}");
        }
    }
}
