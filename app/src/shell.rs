//! The HTML document the server renders around the app, and the page for
//! paths no route matches.

use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::App;

/// The document around [`App`]. The stylesheet's name follows the site's
/// output name (`name` in cargo-leptos's settings); its `leptos` id lets
/// `cargo leptos watch` swap it in place when the CSS changes, and
/// ferry's `AutoReload` patches markup edits into the open page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = format!("/pkg/{}.css", options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link id="leptos" rel="stylesheet" href=stylesheet />
                // Without an icon named here, browsers ask for /favicon.ico.
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <ferry::dev::AutoReload options=options.clone() />
                <ferry::islands::HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Shown for any path no route matches; the server answers it with 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"Page not found"</h1>
        <p><a href="/">"Back to the home page"</a></p>
    }
}
