//! Small UI pieces shared by the app's pages.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::tachys::html::attribute::AttributeValue;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::location::Url;

/// A failed read, shown in place of the content. A missing thing also sets
/// the page's status to 404 when rendered on the server; a read that needs
/// a signed-in user sends the visitor to sign in, and back here after.
#[component]
pub fn ErrorNotice(error: ferry::Error) -> impl IntoView {
    if matches!(error, ferry::Error::Unauthorized { .. }) {
        return Either::Left(view! { <SignInFirst /> });
    }
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
    Either::Right(view! { <p class="notice" role="alert">{error.to_string()}</p> })
}

/// Sends the visitor to the sign-in page with `?next=` naming this one (a
/// 302 from the server, a navigation in the browser).
#[component]
fn SignInFirst() -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let here = match search.is_empty() {
        true => location.pathname.get_untracked(),
        false => format!("{}?{search}", location.pathname.get_untracked()),
    };
    let path = format!("{}?next={}", crate::site::SIGN_IN_PATH, Url::escape(&here));
    view! {
        <Redirect path />
        <p class="notice">"Sign in to continue."</p>
    }
}

/// The route's `:id` parameter as a number; `None` when it is not one, so
/// the page can answer "not found" instead of failing.
pub fn use_id_param() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| id.parse().ok())
}

/// What a field shows from its message (the text in its `role="status"`
/// region, `aria-invalid`, and whether it is refused now, for `autofocus`,
/// which only a page load reads): reactive in the browser; on the server,
/// all three from one reading of the message, since a page renders twenty
/// forms and each reading costs signal locks.
pub fn field_marks<M>(message: M) -> (impl IntoView, impl AttributeValue, bool)
where
    M: Fn() -> Option<String> + Copy + Send + Sync + 'static,
{
    let now = untrack(message);
    let refused = now.is_some();
    #[cfg(feature = "ssr")]
    let marks = (now, refused.then_some("true"), refused);
    #[cfg(not(feature = "ssr"))]
    let marks = {
        drop(now);
        (
            message,
            move || message().is_some().then_some("true"),
            refused,
        )
    };
    marks
}
