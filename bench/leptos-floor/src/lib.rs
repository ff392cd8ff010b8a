//! The Leptos floor: one route, one query shown in a `Suspense`, and one
//! form posted to a server function, hydrated in the browser.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The query's read (only its client half is built here).
#[server(endpoint = "count")]
pub async fn count() -> Result<i32, ServerFnError> {
    Ok(0)
}

/// The form's server function.
#[server(endpoint = "add")]
pub async fn add(by: i32) -> Result<i32, ServerFnError> {
    Ok(by)
}

#[component]
fn Home() -> impl IntoView {
    let value = Resource::new(|| (), |_| count());
    let add = ServerAction::<Add>::new();
    view! {
        <Suspense fallback=|| "…">
            <p>{move || value.get().map(|v| v.unwrap_or_default())}</p>
        </Suspense>
        <ActionForm action=add>
            <input type="number" name="by" />
            <button type="submit">"Add"</button>
        </ActionForm>
    }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=Home />
            </Routes>
        </Router>
    }
}

/// The browser's entry point.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
