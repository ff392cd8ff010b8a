//! The header on every page: composed of several areas (the cart's badge,
//! the account's links), so it sits above them all.

use leptos::prelude::*;

use accounts::views::AccountLinks;
use cart::views::CartBadge;

/// The shop's name, the account's links and the cart badge.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">{app_core::site::TITLE}</a>
            <nav class="account">
                <AccountLinks />
            </nav>
            <CartBadge />
        </header>
    }
}
