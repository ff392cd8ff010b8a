//! The answer for a path under the server-function prefix where no
//! function is registered.

use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, any};

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
}
