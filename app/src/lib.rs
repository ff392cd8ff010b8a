//! The app: the route table, and one module per business area.
#![recursion_limit = "256"]

pub mod cart;
pub mod catalog;
pub mod components;
pub mod counter;
pub mod money;
pub mod orders;
pub mod shell;
pub mod site;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use cart::views::{provide_cart, CartPage, SiteHeader};
use catalog::views::{CatalogPage, ProductPage};
use counter::views::CounterPage;
use orders::views::OrderPage;
pub use shell::shell;
use shell::NotFound;

/// The route table. Every route renders asynchronously: the server waits for
/// the page's data and sends it whole, so it is complete without JavaScript
/// and its status (404 for a missing product) is known before it is sent.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_cart();
    view! {
        <Title text=site::TITLE />
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

/// The JSON API beside the pages and server functions, for other clients.
#[cfg(feature = "ssr")]
pub fn json_api() -> axum::Router<state::AppState> {
    catalog::api::routes()
}
