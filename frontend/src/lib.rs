//! The browser entry point: hydrates the page the server rendered.

/// Called by the JS glue once the WASM has loaded. Hydration is
/// asynchronous: a page other than `/` lives in a WASM chunk of its own
/// (`app::routes`), which is fetched before that page can hydrate.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
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
