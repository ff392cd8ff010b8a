use std::time::Duration;

use leptos::prelude::*;

ferry::tags! {
    /// Every note; `NOTE.child(id)` for one.
    pub NOTE = "note";
}

/// The app's state, on the server: Leptos's options and the notes (a
/// database pool goes in the same place).
#[cfg(feature = "ssr")]
#[derive(Clone, axum::extract::FromRef)]
pub struct Notes {
    pub leptos_options: LeptosOptions,
    #[from_ref(skip)]
    pub list: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// The notes, from the state Leptos puts in each request's context.
#[cfg(feature = "ssr")]
pub fn notes() -> Result<std::sync::Arc<std::sync::Mutex<Vec<String>>>, ferry::Error> {
    use_context::<Notes>()
        .map(|state| state.list)
        .ok_or_else(|| ferry::Error::internal("Notes missing from context"))
}

/// A read: sent with a client that never revalidates.
#[ferry::read(endpoint = "notes/list")]
pub async fn list_notes() -> Result<Vec<String>, ferry::Error> {
    let list = notes()?;
    let list = list.lock().map_err(ferry::Error::internal)?;
    Ok(list.clone())
}

/// A mutation: it must say what it changes, or it does not compile.
#[ferry::mutation(endpoint = "notes/add", revalidates = [NOTE])]
pub async fn add_note(text: String) -> Result<usize, ferry::Error> {
    if text.trim().is_empty() {
        // 422, with the message shown beside the field
        return Err(ferry::Error::invalid("text", "Write something first."));
    }
    let list = notes()?;
    let mut list = list.lock().map_err(ferry::Error::internal)?;
    list.push(text);
    Ok(list.len())
}

#[component]
pub fn NotesPage() -> impl IntoView {
    // Kept by the server for visitors without cookies, until a note is added.
    ferry::cache_page(Duration::from_secs(60));
    let notes = ferry::query([NOTE], ListNotes {});
    let add = ServerAction::<AddNote>::new();
    view! {
        <Suspense>
            {move || notes.get().map(|n| view! { <p id="count">{n.map(|n| n.len()).unwrap_or(0)}</p> })}
        </Suspense>
        <ferry::Form action=add>
            <input name="text" />
            <button>"Add"</button>
        </ferry::Form>
    }
}
