//! The browser entry point: hydrates the page the server rendered.

/// Called by the JS glue once the WASM has loaded. Hydration is
/// asynchronous: a page other than `/` lives in a WASM chunk of its own
/// (`app::routes`), which is fetched before that page can hydrate.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "islands")]
    islands();
    #[cfg(not(feature = "islands"))]
    whole_page();
}

/// A fully hydrated build: the whole page, from the app's root.
#[cfg(not(feature = "islands"))]
fn whole_page() {
    // Leptos's own tasks run on wasm-bindgen's executor; this one must too.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else { return };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Tells tests (and curious developers) that event handlers are live now.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

// The islands are the app's exports (`#[ferry::island]`): nothing else
// names the app in an islands build, and an unnamed crate is not linked.
#[cfg(feature = "islands")]
use app as _;

/// An islands build (`--features islands`): Leptos's script hydrates each
/// island once this returns, and the page is marked hydrated when they all
/// are (`ferry::islands::hydrate`).
#[cfg(feature = "islands")]
fn islands() {
    ferry::islands::hydrate();
}
