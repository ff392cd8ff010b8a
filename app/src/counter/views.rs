//! The counter page: the value, a form that adds any step, and a quick +1 button.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{add_to_counter, get_counter, AddToCounter};

/// Shows the counter and both ways to change it. The value is a query
/// tagged `counter`; `add_to_counter` declares that tag, so the value
/// refetches after either call without this page wiring them together.
#[component]
pub fn CounterPage() -> impl IntoView {
    let add = ServerAction::<AddToCounter>::new();
    let count = ferry::query([super::COUNTER], get_counter);
    let quick_add = move |_| {
        spawn_local(async move {
            // The refetched query shows the new value.
            let _ = add_to_counter(1).await;
        });
    };
    let field_error = move || {
        add.value()
            .get()
            .and_then(|result| result.err())
            .and_then(|err| err.field("by").map(str::to_owned))
    };

    view! {
        <h1>"Counter"</h1>
        <p class="count">
            "Count: "
            <Suspense fallback=|| "…">
                <output data-testid="count">
                    {move || count.get().map(|result| match result {
                        Ok(value) => value.to_string(),
                        Err(err) => err.to_string(),
                    })}
                </output>
            </Suspense>
        </p>
        <ferry::Form action=add>
            <label>
                "Add " <input type="number" name="by" value="1" min="1" max="100" required />
            </label>
            <button type="submit">"Add"</button>
            <p class="field-error" role="alert">{field_error}</p>
        </ferry::Form>
        <button type="button" on:click=quick_add>"Quick +1"</button>
    }
}
