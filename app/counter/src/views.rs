//! The counter page: the value, a form that adds any step, and a quick +1 button.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AddToCounter, GetCounter};
use app_core::components::field_marks;

/// Shows the counter and both ways to change it. The value is a query
/// tagged `counter`; `add_to_counter` declares that tag, so the value
/// refetches after either call without this page wiring them together.
/// Both show the new value at once and say "Saving…" until the server
/// answers; a step out of range is refused in the browser, by the same
/// rule the server runs. The whole page is one island in an islands build.
#[ferry::island]
pub fn CounterPage() -> impl IntoView {
    let add = ServerAction::<AddToCounter>::new();
    let count = ferry::query([super::COUNTER], GetCounter {});
    let saving = ferry::Pending::new();
    let optimistic_add = move |by: i64| {
        count.optimistic(move |count| {
            if let Ok(count) = count {
                *count += by;
            }
        })
    };
    let quick_add = move |_| {
        let change = optimistic_add(1);
        spawn_local(async move {
            let _ = saving.track(change.run(AddToCounter { by: 1 })).await;
        });
    };
    let refused = move || add.value().get().and_then(Result::err);
    let field_error = move || refused().and_then(|err| err.field("by").map(str::to_owned));
    let (shown, aria_invalid, refused_now) = field_marks(field_error);
    let typed = move || {
        refused()
            .and_then(|err| err.value("by").map(str::to_owned))
            .unwrap_or_else(|| "1".to_owned())
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
            <span class="muted" data-testid="saving">{move || saving.get().then_some(" Saving…")}</span>
        </p>
        <ferry::Form action=add pending=saving optimistic=move |input: &AddToCounter| optimistic_add(input.by)>
            <label>
                "Add " <input type="number" name="by" value=typed min="1" max="100" required
                    aria-describedby="by-error"
                    aria-invalid=aria_invalid
                    autofocus=refused_now />
            </label>
            <button type="submit">"Add"</button>
            <p id="by-error" class="field-error" role="status">{shown}</p>
        </ferry::Form>
        <button type="button" on:click=quick_add>"Quick +1"</button>
    }
}
