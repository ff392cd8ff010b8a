//! The Leptos floor: one query shown in a `Suspense` and one form posted to
//! a server function, hydrated in the browser. Fully hydrated, the page is
//! routed too; with the `islands` feature, the same component is the page's
//! one island, and the rest of the page is HTML the browser never runs.

use leptos::prelude::*;

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

/// What every page of ours does: show a query's data, post a form.
fn query_and_form() -> impl IntoView {
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

#[cfg(not(feature = "islands"))]
mod hydrated {
    use leptos::prelude::*;
    use leptos_router::components::{Route, Router, Routes};
    use leptos_router::path;

    #[component]
    fn Home() -> impl IntoView {
        super::query_and_form()
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
}

#[cfg(feature = "islands")]
mod islands {
    use leptos::prelude::*;

    /// The page's one island.
    #[island]
    pub fn Home() -> impl IntoView {
        super::query_and_form()
    }

    /// The browser's entry point: hydrates each island on the page.
    #[wasm_bindgen::prelude::wasm_bindgen]
    pub fn hydrate() {
        leptos::mount::hydrate_islands();
    }
}
