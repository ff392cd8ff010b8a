//! `<ferry::Form>`: a form that posts to a server function, with or
//! without JavaScript, and costs the server almost nothing to render.

use leptos::ev::SubmitEvent;
use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::error::{FromServerFnError, IntoAppError, ServerFnErrorErr};
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

/// A `<form>` that posts to `action`'s server function. Without
/// JavaScript the browser posts it and follows the redirect back; with it,
/// a submit dispatches `action` in the background, so `action.value()`
/// and `action.pending()` follow the call.
///
/// It does what Leptos's `<ActionForm>` does for a server function, for a
/// fraction of the server's work: `<ActionForm>` makes two signals and
/// type-erases its children on every render. In a list of twenty forms,
/// this component and reading the action's value once per page took the
/// page's render from 0.50–0.57 ms of server CPU to 0.35–0.40. Read
/// `action.value()` once per page, not once per form: each call makes a
/// new signal.
///
/// ```
/// use leptos::prelude::*;
///
/// #[ferry::mutation(endpoint = "doc/rename", revalidates = [])]
/// pub async fn rename(id: u32, name: String) -> Result<(), ferry::Error> {
///     Ok(())
/// }
///
/// #[component]
/// fn RenameForm(id: u32) -> impl IntoView {
///     let action = ServerAction::<Rename>::new();
///     view! {
///         <ferry::Form action attr:class="rename">
///             <input type="hidden" name="id" value=id.to_string() />
///             <input name="name" required />
///             <button type="submit">"Rename"</button>
///         </ferry::Form>
///     }
/// }
/// ```
#[component]
pub fn Form<ServFn, OutputProtocol, Chil>(
    /// The server function's action; the form dispatches it.
    action: ServerAction<ServFn>,
    /// The fields and buttons.
    children: TypedChildren<Chil>,
) -> impl IntoView
where
    ServFn: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>>
        + Clone
        + Send
        + Sync
        + 'static,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: FromServerFnError + Send + Sync + 'static,
    Chil: IntoView + 'static,
{
    let on_submit = move |ev: SubmitEvent| {
        // Another handler (a check in the browser) may have stopped it.
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        match ServFn::from_event(&ev) {
            Ok(input) => {
                action.dispatch(input);
            }
            // Fields that do not make the function's arguments: shown as
            // the call's error, as a refused call would be.
            Err(err) => {
                action.value().set(Some(Err(
                    ServerFnErrorErr::Serialization(err.to_string()).into_app_error()
                )))
            }
        }
    };
    view! {
        <form action=ServFn::url() method="post" on:submit=on_submit>
            {children.into_inner()()}
        </form>
    }
}
