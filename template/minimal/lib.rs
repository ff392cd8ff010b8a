//! The app: the route table, and the pages that compose its areas. Each
//! area is a crate of its own under `app/`, below this one. It starts with
//! one: `app/counter`, a page whose value is a tagged query and whose form
//! calls a server function, on `app/core` (the app's names, the database,
//! the state server functions share). Add an area as a crate beside it
//! (types, rules, `#[server]` functions and the trait its server-only code
//! implements in `lib.rs`, components in `views.rs`), its SQL as a crate
//! under `services/`, and its routes below.

pub mod shell;

// The crates below, under the names the server and its tests use
// (`app::counter::CounterStore`).
pub use counter;

pub use app_core::{components, site};
#[cfg(feature = "ssr")]
pub use app_core::{db, secure, services, session, state};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use counter::views::CounterPage;
pub use shell::shell;
use shell::NotFound;

/// The route table. Every route renders asynchronously: the server waits for
/// the page's data and sends it whole, so it is complete without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text=site::TITLE />
        <Router>
            <header class="site-header">
                <a class="brand" href="/">{site::TITLE}</a>
            </header>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=CounterPage ssr=SsrMode::Async />
                    <Route path=path!("/counter") view=CounterPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// Every service the areas' server functions ask for, which the server
/// must provide (it checks at start-up, see `server::services`).
#[cfg(feature = "ssr")]
pub fn required_services() -> Vec<services::Required> {
    vec![services::required::<dyn counter::CounterStore>()]
}
