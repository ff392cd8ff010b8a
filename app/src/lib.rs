//! The app: the route table, and one module per business area.
#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod components;
pub mod counter;
pub mod header;
pub mod ids;
pub mod money;
pub mod orders;
pub mod routes;
pub mod shell;
pub mod site;
pub mod tags;
pub mod visitor;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use cart::views::provide_cart;
use catalog::views::CatalogPage;
use header::SiteHeader;
pub use shell::shell;
use shell::NotFound;

/// The route table. `/` is in the main WASM file; the other pages load
/// their code when first shown (see [`routes`]). Every route renders
/// asynchronously: the server waits for the page's data and sends it whole,
/// so it is complete without JavaScript and its status (404 for a missing
/// product) is known before it is sent.
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
                    <Route path=path!("/products/:id") view=routes::product() ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=routes::cart() ssr=SsrMode::Async />
                    <Route path=path!("/orders") view=routes::orders() ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=routes::order() ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=routes::sign_in() ssr=SsrMode::Async />
                    <Route path=path!("/sign-up") view=routes::sign_up() ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=routes::admin() ssr=SsrMode::Async />
                    <Route path=path!("/counter") view=routes::counter() ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// Every service the areas' server functions ask for, which the server
/// must provide (it checks at start-up, see `server::services`).
#[cfg(feature = "ssr")]
pub fn required_services() -> Vec<services::Required> {
    vec![
        services::required::<dyn counter::CounterStore>(),
        services::required::<dyn catalog::CatalogStore>(),
        services::required::<dyn cart::CartStore>(),
        services::required::<dyn orders::OrderStore>(),
        services::required::<dyn accounts::AccountStore>(),
        services::required::<dyn visitor::SessionStore>(),
    ]
}
