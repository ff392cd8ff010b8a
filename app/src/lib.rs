//! The app: the HTML shell, the route table, and one module per business area.
#![recursion_limit = "256"]

pub mod cart;
pub mod catalog;
pub mod components;
pub mod counter;
pub mod money;
pub mod orders;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use cart::views::{provide_cart, CartPage};
use catalog::views::{CatalogPage, ProductPage};
use components::SiteHeader;
use counter::views::CounterPage;
use orders::views::OrderPage;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The route table. Every route renders asynchronously: the server waits for
/// the page's data and sends it whole, so it is complete without JavaScript
/// and its status (404 for a missing product) is known before it is sent.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_cart();
    view! {
        <Stylesheet id="leptos" href="/pkg/ferry.css" />
        <Title text="Ferry Shop" />
        <Router>
            <SiteHeader />
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("/products/:id") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/counter") view=CounterPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// Shown for any path no route matches; the server answers it with 404.
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"Page not found"</h1>
        <p><a href="/">"Back to the catalog"</a></p>
    }
}
