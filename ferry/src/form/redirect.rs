//! The server's half of the form flow without JavaScript: the redirect back
//! to the page, clean, or to the sign-in page when a guard refused.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

/// The query parameters Leptos adds to a no-JS form's redirect, and the
/// signature ferry adds beside them.
const LEPTOS_PARAMS: [&str; 3] = ["__path", "__err", super::signed::SIGNATURE];

/// Middleware: a form posted without JavaScript that a guard refused
/// with 401 goes to the sign-in page, with `next` naming the page it
/// was posted from, instead of back to that page.
pub(crate) async fn sign_in_redirect(
    State(sign_in): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if !response.status().is_redirection() {
        return response;
    }
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let Some(location) = location else {
        return response;
    };
    if crate::observe::redirected_error_status(location) != Some(401) {
        return response;
    }
    let target = format!("{sign_in}?next={}", encode(&page_of(location)));
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(header::LOCATION, value);
        // The new address carries no error: the log still counts a refusal.
        response.extensions_mut().insert(crate::Outcome::Denied);
    }
    response
}

/// The page a redirect goes back to: its path and query, without
/// Leptos's error parameters.
pub(super) fn page_of(location: &str) -> String {
    let Ok(uri) = location.parse::<Uri>() else {
        return "/".to_owned();
    };
    let kept: Vec<(String, String)> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .filter(|(name, _)| !LEPTOS_PARAMS.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    match query.is_empty() {
        true => uri.path().to_owned(),
        false => format!("{}?{query}", uri.path()),
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_keeps_its_own_query_and_loses_leptos_parameters() {
        assert_eq!(
            page_of("http://shop.example/cart?__path=%2Fapi%2Fx&__err=abc"),
            "/cart"
        );
        assert_eq!(
            page_of("http://shop.example/orders?page=2&__err=abc"),
            "/orders?page=2"
        );
        assert_eq!(page_of("not a uri"), "/");
    }
}
