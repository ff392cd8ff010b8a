//! The sign-in and sign-up pages, and the header's account links. Both
//! forms work without JavaScript: a refusal comes back to the page with
//! the message beside its field and the email kept (never the password).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::location::Url;

use leptos::server_fn::ServerFn;

use super::{SignIn, SignOut, SignUp, MIN_PASSWORD};
use app_core::components::field_marks;

/// "Orders" (and "Admin" for an admin), the email and "Sign out" for a
/// signed-in user; "Sign in" for anyone else. Read from the cart query the header already holds
/// (the cart says whose it is), and sign-out is a plain form (a post and
/// a new page, JavaScript or not): the header costs the first load no
/// query or form of its own.
#[component]
pub fn AccountLinks() -> impl IntoView {
    let cart = cart::views::use_cart();
    let signed_in = move || {
        cart.get()
            .and_then(Result::ok)
            .and_then(|cart| Some((cart.account?, cart.admin)))
    };
    view! {
        <Suspense fallback=|| ()>
            {move || match signed_in() {
                Some((email, admin)) => Either::Left(view! {
                    {admin.then(|| view! { <a href="/admin">"Admin"</a> })}
                    <a href="/orders">"Orders"</a>
                    <span class="muted" data-testid="account-email">{email}</span>
                    <form method="post" action=SignOut::PATH class="sign-out">
                        <button type="submit">"Sign out"</button>
                    </form>
                }),
                None => Either::Right(view! {
                    <a href="/sign-in" data-testid="sign-in-link">"Sign in"</a>
                }),
            }}
        </Suspense>
    }
}

/// `/sign-in`: email and password; `?next=` says where to go after.
#[component]
pub fn SignInPage() -> impl IntoView {
    let next = next_param();
    view! {
        <h1>"Sign in"</h1>
        <SignInForm next=next.get_untracked() />
        <p>
            "New here? "
            <a href=move || format!("/sign-up?next={}", Url::escape(&next.get()))>"Create an account"</a>
        </p>
    }
}

/// The sign-in form: an island of its own in an islands build.
#[ferry::island]
fn SignInForm(next: String) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let refused = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = Signal::stored(next);
    view! {
        <ferry::Form action attr:class="account">
            <Credentials refused next new_password=false />
            <button type="submit">"Sign in"</button>
        </ferry::Form>
    }
}

/// `/sign-up`: a new account, signed in at once.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let next = next_param();
    view! {
        <h1>"Create an account"</h1>
        <SignUpForm next=next.get_untracked() />
        <p>
            "Have an account? "
            <a href=move || format!("/sign-in?next={}", Url::escape(&next.get()))>"Sign in"</a>
        </p>
    }
}

/// The sign-up form: an island of its own in an islands build.
#[ferry::island]
fn SignUpForm(next: String) -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let refused = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = Signal::stored(next);
    view! {
        <ferry::Form action attr:class="account">
            <Credentials refused next new_password=true />
            <button type="submit">"Create account"</button>
        </ferry::Form>
    }
}

/// The page's `?next=` parameter, or nothing.
fn next_param() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("next").unwrap_or_default())
}

/// The email and password fields with their messages, and `next`.
#[component]
fn Credentials(
    refused: Signal<Option<ferry::Error>>,
    next: Signal<String>,
    new_password: bool,
) -> impl IntoView {
    let message = move |field: &'static str| {
        move || {
            refused
                .get()
                .and_then(|err| err.field(field).map(str::to_owned))
        }
    };
    let (email_shown, email_invalid, email_now) = field_marks(message("email"));
    let (password_shown, password_invalid, password_now) = field_marks(message("password"));
    let email = move || {
        refused
            .get()
            .and_then(|err| err.value("email").map(str::to_owned))
            .unwrap_or_default()
    };
    // What no field owns: too many attempts, a failure on our side.
    let general = move || {
        refused
            .get()
            .filter(|err| !matches!(err, ferry::Error::Invalid { .. }))
            .map(|err| err.to_string())
    };
    let password_autocomplete = if new_password {
        "new-password"
    } else {
        "current-password"
    };
    view! {
        <label>
            "Email"
            <input type="email" name="email" value=email required autocomplete="username"
                aria-describedby="email-error" aria-invalid=email_invalid autofocus=email_now />
        </label>
        <p id="email-error" class="field-error" role="status">{email_shown}</p>
        <label>
            "Password"
            <input type="password" name="password" required autocomplete=password_autocomplete
                minlength=new_password.then_some(MIN_PASSWORD)
                aria-describedby="password-error" aria-invalid=password_invalid
                autofocus=password_now />
        </label>
        <p id="password-error" class="field-error" role="status">{password_shown}</p>
        <input type="hidden" name="next" value=next />
        <p class="field-error" role="status" data-testid="form-error">{general}</p>
    }
}
