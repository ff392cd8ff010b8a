//! `<ferry::Form>`: a form that posts to a server function, with or
//! without JavaScript: pending while its call runs, refused input answered
//! in the browser, an optional optimistic change, and focus on the first
//! invalid field. It costs the server almost nothing to render.

#[cfg(feature = "hydrate")]
mod browser;
pub(crate) mod check;
#[cfg(feature = "ssr")]
pub(crate) mod redirect;
#[cfg(feature = "ssr")]
pub(crate) mod signed;

pub use check::Check;

use std::sync::Arc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

use crate::{OptimisticChange, Pending};

/// A `<form>` that posts to `action`'s server function. Without
/// JavaScript the browser posts it and follows the redirect back, and the
/// page renders the result. With JavaScript, a submit:
///
/// 1. runs the function's [`Check`] (`check =` on the macro) in the
///    browser: input that breaks a rule is refused with no request, its
///    error set as `action.value()` (and `action.version()` counted), as
///    the server would answer it;
/// 2. shows `optimistic`'s change on its query at once (see
///    [`Query::optimistic`](crate::Query::optimistic));
/// 3. marks the form `aria-busy` and disables its submit buttons (also
///    `aria-busy`) until the call ends, and counts in `pending` if given;
/// 4. calls the function, then sets `action.value()` to the result
///    (`action.version()` counts it), rolls the optimistic change back if
///    it failed, and moves focus to the first field marked
///    `aria-invalid="true"` once the page shows the error.
///
/// A second submit of the same form while its call runs is refused, not
/// queued: the user sees the button disabled, and a queued duplicate is
/// rarely what anyone meant. "The same form" is the same target and the
/// same hidden fields, so a form the page redrew while its call runs is
/// refused too (two forms on one page with the same target and hidden
/// fields count as one). Other forms, and calls to other functions, run at
/// once, each setting its own action's value. The call has no timeout of
/// its own: the server's request timeout ends it.
///
/// `action.pending()` does not follow these calls (the form calls the
/// function itself, to know when its own call ends); use `pending`.
///
/// The form never clears what the user typed: a refused form keeps it. For
/// the page rendered without JavaScript after a refusal, put the typed
/// values back from the error ([`Error::value`](crate::Error::value)).
///
/// ```
/// use leptos::prelude::*;
///
/// fn check_rename(rename: &Rename) -> Result<(), ferry::Error> {
///     if rename.name.trim().is_empty() {
///         return Err(ferry::Error::invalid("name", "Enter a name."));
///     }
///     Ok(())
/// }
///
/// #[ferry::mutation(endpoint = "doc/rename", revalidates = [], check = check_rename)]
/// pub async fn rename(id: u32, name: String) -> Result<(), ferry::Error> {
///     Ok(())
/// }
///
/// #[component]
/// fn RenameForm(id: u32) -> impl IntoView {
///     let action = ServerAction::<Rename>::new();
///     let saving = ferry::Pending::new();
///     let message = move || action.value().get().and_then(|r| r.err()).and_then(|e| e.field("name").map(str::to_owned));
///     view! {
///         <ferry::Form action pending=saving attr:class="rename">
///             <input type="hidden" name="id" value=id.to_string() />
///             <input name="name" aria-describedby="name-error"
///                 aria-invalid=move || message().map(|_| "true") />
///             <button type="submit">"Rename"</button>
///             <p id="name-error" role="status">{message}</p>
///         </ferry::Form>
///         <p>{move || saving.get().then_some("Saving…")}</p>
///     }
/// }
/// ```
///
/// Compared with Leptos's `<ActionForm>`, it does the same posting for a
/// fraction of the server's work: `<ActionForm>` makes two signals and
/// type-erases its children on every render. In a list of twenty forms,
/// this component and reading the action's value once per page took the
/// page's render from 0.50–0.57 ms of server CPU to 0.35–0.40. Read
/// `action.value()` once per page, not once per form: each call makes a
/// new signal.
#[component]
pub fn Form<ServFn, OutputProtocol, Chil>(
    /// The server function's action: its value is the last result.
    action: ServerAction<ServFn>,
    /// Counts this form's call while it runs, for the rest of the page.
    #[prop(optional)]
    pending: Option<Pending>,
    /// The change the call expects, shown before it answers:
    /// `optimistic=move |input: &AddItem| list.optimistic(...)`.
    #[prop(optional, into)]
    optimistic: Option<Optimistic<ServFn>>,
    /// The fields and buttons.
    children: TypedChildren<Chil>,
) -> impl IntoView
where
    ServFn: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>>
        + Check
        + Clone
        + Send
        + Sync
        + 'static,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: FromServerFnError + From<crate::Error> + Send + Sync + 'static,
    Chil: IntoView + 'static,
{
    #[cfg(feature = "hydrate")]
    let on_submit = move |ev: SubmitEvent| {
        // Another handler (a check of the page's own) may have stopped it.
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        browser::submit(&ev, action, pending, optimistic.clone());
    };
    // On the server the handler never runs: it captures nothing, so the
    // view a page moves around while rendering stays small.
    #[cfg(not(feature = "hydrate"))]
    let on_submit = {
        let _ = (action, pending, optimistic);
        |_: SubmitEvent| {}
    };
    view! {
        <form action=ServFn::url() method="post" on:submit=on_submit>
            {children.into_inner()()}
        </form>
    }
}

/// What a form's call expects to change: a function of the call's input
/// that returns the [`OptimisticChange`] changes, usually one
/// [`Query::optimistic`](crate::Query::optimistic). Made from a closure by `into`;
/// name the input's type, as the form cannot infer it for a closure.
///
/// ```
/// use leptos::prelude::*;
/// ferry::tags! { pub TODOS = "todos"; }
///
/// #[ferry::read(endpoint = "doc/todos")]
/// pub async fn list_todos() -> Result<Vec<String>, ferry::Error> {
///     Ok(vec![])
/// }
///
/// #[ferry::mutation(endpoint = "doc/add-todo", revalidates = [TODOS])]
/// pub async fn add_todo(title: String) -> Result<(), ferry::Error> {
///     Ok(())
/// }
///
/// #[component]
/// fn NewTodo() -> impl IntoView {
///     let todos = ferry::query([TODOS], ListTodos {});
///     let add = ServerAction::<AddTodo>::new();
///     // The new title shows in the list at once; gone again if the call fails.
///     let optimistic = move |input: &AddTodo| {
///         let title = input.title.clone();
///         todos.optimistic(move |todos| {
///             if let Ok(todos) = todos {
///                 todos.push(title.clone());
///             }
///         })
///     };
///     view! {
///         <ferry::Form action=add optimistic>
///             <input name="title" />
///             <button>"Add"</button>
///         </ferry::Form>
///     }
/// }
/// ```
pub struct Optimistic<S>(Arc<dyn Fn(&S) -> OptimisticChange + Send + Sync>);

impl<S> Clone for Optimistic<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<S, F> From<F> for Optimistic<S>
where
    F: Fn(&S) -> OptimisticChange + Send + Sync + 'static,
{
    fn from(expect: F) -> Self {
        Self(Arc::new(expect))
    }
}

impl<S> Optimistic<S> {
    /// The changes `input`'s call expects, shown from now on.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn apply(&self, input: &S) -> OptimisticChange {
        (self.0)(input)
    }
}
