//! The edit loop under `cargo leptos watch`: markup edits patched into the
//! open page without a reload, other edits reloaded with what the user
//! typed kept, and build errors shown in the page.
//!
//! Put [`AutoReload`] in the shell's `<head>` in place of Leptos's own, and
//! run `cargo leptos watch --hot-reload`:
//!
//! ```
//! use leptos::prelude::*;
//!
//! fn shell(options: LeptosOptions) -> impl IntoView {
//!     view! {
//!         <!DOCTYPE html>
//!         <html lang="en">
//!             <head>
//!                 <ferry::dev::AutoReload options=options.clone() />
//!                 <HydrationScripts options />
//!             </head>
//!             <body>"…"</body>
//!         </html>
//!     }
//! }
//! ```
//!
//! What happens on save:
//! - **Text, elements and literal attributes inside a `view!`**: cargo-leptos
//!   sends a patch over its websocket and the page changes in place. When
//!   the rebuilt server is up, the page asks it whether anything else
//!   changed (the source's *skeleton*: everything but that markup) and
//!   compares each patched view with the new server's rendering of the
//!   page. Both the same: no reload, so typed text, counts, focus and
//!   scroll stay (an edit to views the page does not show leaves it alone). The page's WebAssembly is still the old one, so the next
//!   link followed loads the page in full, with the new code.
//! - **Anything else** (code, a view that moved to another line, a patch
//!   that did not land as the server renders it): the page reloads once the
//!   new server answers, and puts back what was typed into its fields, which
//!   field had focus, and where it was scrolled.
//! - **A build error**: the page shows the compiler's message, with its file
//!   and line, over the page until the code compiles again. Ferry reads the
//!   server build's output from `target/ferry-dev/`, where the template's
//!   `bin-cargo-command` (`scripts/cargo-build.sh`) writes it.
//!
//! - **Every server call, in the page**: a corner button (or Alt+Shift+F)
//!   opens the call inspector: each call the page made, with its
//!   arguments (secrets masked), how it was made, status, browser and
//!   server time, revalidated tags, refetched and inline-answered queries,
//!   optimistic changes kept or rolled back, the error, and the server's
//!   log lines for its request id (with the `logging` feature and
//!   `ferry::logging::init_logging`); a second tab lists the live queries.
//!   Its hooks in the browser compile into debug WebAssembly only.
//!
//! Nothing of this is served unless the server is a debug build started by
//! `cargo leptos watch` (which sets `LEPTOS_WATCH`): otherwise the
//! component is Leptos's own live reload (nothing at all outside the
//! watch) and `Ferry::install` adds no route.

use leptos::prelude::*;

#[cfg(all(feature = "dev", feature = "logging"))]
pub(crate) mod calls;
#[cfg(feature = "dev")]
pub(crate) mod server;
/// The server's side of each call, by request id, for the page in
/// development.
#[cfg(all(feature = "dev", feature = "logging"))]
pub(crate) const CALLS_PATH: &str = "/_ferry/dev/calls/{id}";
#[cfg(feature = "dev")]
mod skeleton;

/// Where the page asks the server what it runs and how its build went.
#[cfg(feature = "dev")]
pub(crate) const STATE_PATH: &str = "/_ferry/dev/state";
/// The stream of build states the page listens to (server-sent events).
#[cfg(feature = "dev")]
pub(crate) const EVENTS_PATH: &str = "/_ferry/dev/events";

/// Whether this process serves the edit loop: a debug build that
/// `cargo leptos watch` started.
pub fn watching() -> bool {
    cfg!(debug_assertions) && std::env::var_os("LEPTOS_WATCH").is_some()
}

/// The edit loop's script, for the shell's `<head>`: Leptos's live reload
/// (stylesheets swapped in place, cargo-leptos's view patches applied)
/// plus what the module's documentation describes, when [`watching`] with
/// the `dev` feature; Leptos's own `AutoReload` otherwise (a release build
/// under the watch, or the feature off), which renders nothing outside
/// the watch.
#[component]
pub fn AutoReload(
    /// The site's options, for the reload websocket's port and protocol.
    options: LeptosOptions,
    /// Whether the page gets the call inspector (see the module's
    /// documentation); on unless set to `false`.
    #[prop(default = true)]
    inspector: bool,
) -> impl IntoView {
    // Concrete types, no boxing: the shell renders this on every page.
    #[cfg(feature = "dev")]
    {
        use leptos::either::Either;
        if watching() {
            let nonce = leptos::nonce::use_nonce();
            let script = server::script(&options, inspector);
            Either::Left(view! { <script nonce=nonce>{script}</script> })
        } else {
            Either::Right(view! { <leptos::prelude::AutoReload options /> })
        }
    }
    // Without the feature: Leptos's own live reload, as before.
    #[cfg(not(feature = "dev"))]
    {
        let _ = inspector;
        view! { <leptos::prelude::AutoReload options /> }
    }
}
