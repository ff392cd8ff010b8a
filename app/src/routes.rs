//! The pages other than `/`, each in a WASM file of its own that the
//! browser fetches the first time it shows the page, so the first load of
//! `/` carries none of their code. That takes a split build (`cargo leptos
//! build --release --split`); any other build, `cargo leptos watch`
//! included, compiles them into the one WASM file, and they work the same
//! (see `app/build.rs`).
//!
//! The server always renders them as lazy routes: its HTML is the same
//! either way, and when the split files exist it names the page's files in
//! `<link rel="preload">` tags, so the browser fetches them beside the main
//! WASM instead of after it. It names them itself (`routes/split.rs`):
//! Leptos 0.8's own tags can land in another request's page.

#[cfg(feature = "ssr")]
mod split;

use leptos::prelude::*;
#[cfg(any(feature = "ssr", split))]
use leptos_router::{lazy_route, Lazy, LazyRoute};

use crate::checkout::CartPage;
use accounts::views::{SignInPage, SignUpPage};
use admin::views::AdminPage;
use catalog::views::ProductPage;
use counter::views::CounterPage;
use orders::views::{OrderPage, OrdersPage};

/// Declares `$name()`, the view of a route: lazily loaded where the build
/// allows it, the page component itself where it does not.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $name:ident, $route:ident => $page:ident) => {
        /// The lazy route of the page; its own data is read inside the page.
        #[cfg(any(feature = "ssr", split))]
        pub struct $route;

        #[cfg(any(feature = "ssr", split))]
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                #[cfg(feature = "ssr")]
                split::preload_own_files();
                view! { <$page /> }.into_any()
            }
        }

        $(#[$doc])*
        #[cfg(any(feature = "ssr", split))]
        pub fn $name() -> Lazy<$route> {
            Lazy::new()
        }

        $(#[$doc])*
        #[cfg(not(any(feature = "ssr", split)))]
        pub fn $name() -> impl Fn() -> AnyView + Clone + Send + 'static {
            || view! { <$page /> }.into_any()
        }
    };
}

lazy_page!(
    /// `/products/:id`.
    product, ProductRoute => ProductPage
);
lazy_page!(
    /// `/cart`.
    cart, CartRoute => CartPage
);
lazy_page!(
    /// `/orders/:id`.
    order, OrderRoute => OrderPage
);
lazy_page!(
    /// `/orders`.
    orders, OrdersRoute => OrdersPage
);
lazy_page!(
    /// `/sign-in`.
    sign_in, SignInRoute => SignInPage
);
lazy_page!(
    /// `/sign-up`.
    sign_up, SignUpRoute => SignUpPage
);
lazy_page!(
    /// `/admin`.
    admin, AdminRoute => AdminPage
);
lazy_page!(
    /// `/counter`.
    counter, CounterRoute => CounterPage
);
