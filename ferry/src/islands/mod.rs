//! The islands client model (feature `islands`): only `#[ferry::island]`
//! components hydrate, the rest of the page is HTML, and a mutation made
//! from an island refreshes what the page shows in its own response.
//!
//! The browser's client names the page it calls from (`x-ferry-page`); the
//! server renders that page again after the call when it shows a tag the
//! call revalidated, and the answer carries it beside the reads' answers
//! (see `inline`). The page is then morphed into it by idiomorph, a small
//! (3.8 KB gzip) and well-kept morphing library, rather than by code of
//! ferry's own: Leptos 0.8's islands router diffs pages too, but only
//! after its own navigations, with nothing an island can call. An island
//! whose component and props are unchanged is kept as it is, live, with
//! what was typed in it and the focus; one that changed or is new is
//! hydrated afresh. Islands' own queries refresh as in a fully hydrated
//! page (inline, or by refetching).
//!
//! The WASM waits for the visitor ([`Load::OnInteraction`], the default):
//! the first load of an islands page is its HTML and stylesheet, and the
//! islands start when the visitor first points at, touches or focuses one.
//! Put [`HydrationScripts`] in the shell's head in place of Leptos's own.

#[cfg(all(feature = "hydrate", feature = "islands"))]
use leptos::prelude::*;

mod scripts;

pub use scripts::{HydrationScripts, HydrationScriptsProps, Load};

/// Starts an islands page in the browser, in place of Leptos's
/// `hydrate_islands` (Leptos's script then hydrates each island): a call
/// that redirects (`leptos_axum::redirect`) loads its target, as a fully
/// hydrated page's router would show it. The body gets `data-hydrated`
/// once every island of the page is interactive, for tests and for
/// measuring.
///
/// ```no_run
/// #[cfg(feature = "islands")]
/// ferry::islands::hydrate();
/// ```
#[cfg(all(feature = "hydrate", feature = "islands"))]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    let _ = leptos::server_fn::redirect::set_redirect_hook(|target: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(target);
        }
    });
    if islands_on_page() == 0 {
        mark_hydrated();
    }
}

/// Called by `#[ferry::island]` as an island's component starts: once the
/// page's last island has started, and Leptos has hydrated its view (in the
/// same task), the page is marked hydrated. An island that loads its code
/// first (`#[ferry::island(lazy)]`) starts later, and so does the mark.
#[doc(hidden)]
pub fn island_started() {
    #[cfg(all(feature = "hydrate", feature = "islands"))]
    {
        use std::cell::Cell;
        thread_local!(static STARTED: Cell<usize> = const { Cell::new(0) });
        let started = STARTED.with(|started| {
            started.set(started.get() + 1);
            started.get()
        });
        if started == islands_on_page() {
            set_timeout(mark_hydrated, std::time::Duration::ZERO);
        }
    }
}

#[cfg(all(feature = "hydrate", feature = "islands"))]
fn islands_on_page() -> usize {
    document()
        .query_selector_all("leptos-island")
        .map_or(0, |islands| islands.length() as usize)
}

#[cfg(all(feature = "hydrate", feature = "islands"))]
fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Morphs the page into `html`, the page a mutation's answer brought.
#[cfg(all(feature = "hydrate", feature = "islands"))]
pub(crate) fn patch(html: &str) {
    use js_sys::wasm_bindgen::JsCast as _;
    let window = js_sys::global();
    let patch = js_sys::Reflect::get(&window, &"__ferryPatch".into())
        .ok()
        .and_then(|patch| patch.dyn_into::<js_sys::Function>().ok());
    match patch {
        Some(patch) => {
            if let Err(error) = patch.call1(&window, &html.into()) {
                leptos::logging::error!("ferry: the page patch failed: {error:?}");
            }
        }
        None => leptos::logging::warn!(
            "ferry: an islands page needs <ferry::islands::HydrationScripts /> in its head to show what a call changed"
        ),
    }
}

/// Where the page is, as the server should render it again.
#[cfg(all(feature = "hydrate", feature = "islands"))]
pub(crate) fn page() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}",
        location.pathname().ok()?,
        location.search().ok()?
    ))
}
