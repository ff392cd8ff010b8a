//! The app: the route table and the pages that compose several areas.
//! Each area is a crate of its own (`app/<area>`), below this one.
#![recursion_limit = "256"]

pub mod checkout;
pub mod header;
pub mod routes;
pub mod shell;

// The crates below, under the names the server and its tests use
// (`app::cart::CartStore`): one place to reach every area from above.
pub use accounts;
pub use admin;
pub use cart;
pub use catalog;
pub use counter;
pub use orders;
pub use shop_core::{ids, money, tags, visitor};

pub use app_core::{components, site};
#[cfg(feature = "ssr")]
pub use app_core::{db, secure, services, session, state};

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
