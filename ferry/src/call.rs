//! A server function's typed call: the struct `#[server]` makes for it,
//! holding the arguments (`ListNotes {}`, `GetNote { id }`). A query is
//! built from a read's call, so only a read can be queried, and finding out
//! which request it makes never sends one; an optimistic change runs a
//! mutation's call and ends with its outcome.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The typed call of a `#[ferry::read]`, which the macro implements for
/// functions whose arguments are plain names. [`crate::query`] takes one.
///
/// ```
/// use leptos::prelude::*;
/// ferry::tags! { pub NOTE = "note"; }
///
/// #[ferry::read(endpoint = "doc/call/note")]
/// pub async fn get_note(id: u64) -> Result<String, ferry::Error> {
///     Ok(format!("note {id}"))
/// }
///
/// #[component]
/// fn Note(id: u64) -> impl IntoView {
///     let note = ferry::query([NOTE.child(id)], GetNote { id });
///     view! { <Suspense>{move || note.get().map(|n| n.ok())}</Suspense> }
/// }
/// ```
///
/// A query of anything else does not compile:
///
/// ```compile_fail,E0277
/// ferry::tags! { pub NOTE = "note"; }
/// #[ferry::mutation(endpoint = "doc/call/add", revalidates = [NOTE])]
/// pub async fn add_note(text: String) -> Result<(), ferry::Error> { Ok(()) }
///
/// fn page() {
///     let _ = ferry::query([NOTE], AddNote { text: String::new() });
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the call of a `#[ferry::read]`",
    label = "a query fetches a read",
    note = "pass the struct of a `#[ferry::read]` function, such as `ListNotes {{}}` for \
            `list_notes()`; its arguments must be plain names"
)]
pub trait Read: Clone + Send + Sync + 'static + crate::__private::Sealed {
    /// What the read answers.
    type Output: Clone + Serialize + DeserializeOwned + Send + Sync + 'static;

    /// Calls the read: in the browser, a request; on the server, its body.
    fn fetch(self) -> impl Future<Output = Self::Output> + Send + 'static;
}

/// The typed call of a `#[ferry::mutation]`, which the macro implements for
/// functions whose arguments are plain names; what
/// [`OptimisticChange::run`](crate::OptimisticChange::run) runs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the call of a `#[ferry::mutation]`",
    note = "pass the struct of a `#[ferry::mutation]` function, such as `AddNote {{ text }}` \
            for `add_note(text)`; its arguments must be plain names"
)]
pub trait Mutation: 'static + crate::__private::Sealed {
    /// What the mutation answers.
    type Output;

    /// Calls the mutation: in the browser, a request; on the server, its body.
    fn call(self) -> impl Future<Output = Self::Output> + 'static;
}
