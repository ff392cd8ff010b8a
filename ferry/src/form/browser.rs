//! A form's submit in the browser: the rules first, then the optimistic
//! change, the busy marks, the call, its result, and the focus.

use std::cell::RefCell;
use std::collections::HashSet;

use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::{FromServerFnError, IntoAppError, ServerFnErrorErr};
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, HtmlFormElement, SubmitEvent};
use serde::de::DeserializeOwned;

use super::Optimistic;
use crate::{Check, Pending};

/// Everything a submit does with JavaScript on; see [`super::Form`].
pub fn submit<S>(
    ev: &SubmitEvent,
    action: ServerAction<S>,
    pending: Option<Pending>,
    optimistic: Option<Optimistic<S>>,
) where
    S: DeserializeOwned + ServerFn + Check + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: FromServerFnError + From<crate::Error> + Send + Sync + 'static,
{
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    // One call per form at a time: a second submit is refused, on purpose.
    if Busy::is_busy(&form) {
        return;
    }
    let input = match S::from_event(ev) {
        Ok(input) => input,
        // Fields that do not make the function's arguments: shown as the
        // call's error, as a refused call would be.
        Err(err) => {
            let error = ServerFnErrorErr::Serialization(err.to_string()).into_app_error();
            return refuse(action, &form, error);
        }
    };
    if let Err(error) = input.check() {
        return refuse(action, &form, S::Error::from(typed_values(error, &form)));
    }
    let expected = optimistic.map(|optimistic| optimistic.apply(&input));
    let busy = Busy::mark(&form, ev.submitter());
    let running = pending.map(Pending::start);
    leptos::task::spawn_local(async move {
        let result = S::run_on_client(input).await;
        let failed = result.is_err();
        if let Some(expected) = expected {
            expected.finish(!failed);
        }
        action.value().try_set(Some(result));
        action.version().try_update(|n| *n += 1);
        drop((busy, running));
        if failed {
            focus_first_invalid(form);
        }
    });
}

/// A submit refused before sending: the error is the action's value, as if
/// the server had answered it, and focus goes to the field.
fn refuse<S>(action: ServerAction<S>, form: &HtmlFormElement, error: S::Error)
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    action.value().set(Some(Err(error)));
    action.version().update(|n| *n += 1);
    focus_first_invalid(form.clone());
}

/// The form's values as the error's values, as the server keeps them.
fn typed_values(error: crate::Error, form: &HtmlFormElement) -> crate::Error {
    let Ok(data) = leptos::web_sys::FormData::new_with_form(form) else {
        return error;
    };
    let Ok(Some(entries)) = js_sys::try_iter(&data) else {
        return error;
    };
    entries.flatten().fold(error, |error, entry| {
        let pair = js_sys::Array::from(&entry);
        match (pair.get(0).as_string(), pair.get(1).as_string()) {
            (Some(name), Some(value)) => error.with_value(name, value),
            _ => error, // a file
        }
    })
}

/// After the page has drawn the error: the first field it marks
/// `aria-invalid="true"`, in this form if it is still on the page (a
/// re-render may have replaced it), else anywhere.
fn focus_first_invalid(form: HtmlFormElement) {
    request_animation_frame(move || {
        let root: Option<Element> = if form.is_connected() {
            Some(form.into())
        } else {
            document().body().map(Into::into)
        };
        let field = root
            .and_then(|root| {
                root.query_selector("[aria-invalid=\"true\"]")
                    .ok()
                    .flatten()
            })
            .and_then(|field| field.dyn_into::<HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
}

/// The form and its submit buttons marked busy, until dropped.
struct Busy {
    form: HtmlFormElement,
    key: String,
    buttons: Vec<Element>,
}

thread_local! {
    /// The forms whose call is running, by [`key`]: a page that re-renders
    /// a form while its call runs (an optimistic change does) makes a new
    /// element, and that one must be refused too.
    static RUNNING: RefCell<HashSet<String>> = RefCell::default();
}

/// What tells one form from another across re-renders: where it posts
/// and its hidden fields (which item of a list it acts on).
fn key(form: &HtmlFormElement) -> String {
    let mut key = form.action();
    if let Ok(hidden) = form.query_selector_all("input[type=hidden]") {
        for field in (0..hidden.length()).filter_map(|i| hidden.item(i)?.dyn_into::<Element>().ok())
        {
            let name = field.get_attribute("name").unwrap_or_default();
            let value = field.get_attribute("value").unwrap_or_default();
            key.push_str(&format!("\n{name}={value}"));
        }
    }
    key
}

const SUBMITS: &str = "button:not([type=button]):not([type=reset]):not([disabled]), \
                       input[type=submit]:not([disabled])";

impl Busy {
    fn is_busy(form: &HtmlFormElement) -> bool {
        let key = key(form);
        RUNNING.with_borrow(|running| running.contains(&key))
    }

    /// Disables the enabled submit buttons (the one pressed, and any
    /// other), so neither a click nor Enter sends the form again.
    fn mark(form: &HtmlFormElement, submitter: Option<HtmlElement>) -> Self {
        let _ = form.set_attribute("aria-busy", "true");
        let mut buttons: Vec<Element> = Vec::new();
        if let Ok(found) = form.query_selector_all(SUBMITS) {
            buttons.extend((0..found.length()).filter_map(|i| found.item(i)?.dyn_into().ok()));
        }
        // A submitter outside the form (`form="..."`) is not in the list.
        if let Some(submitter) = submitter.map(Element::from)
            && !buttons.contains(&submitter)
            && !submitter.has_attribute("disabled")
        {
            buttons.push(submitter);
        }
        for button in &buttons {
            let _ = button.set_attribute("disabled", "");
            let _ = button.set_attribute("aria-busy", "true");
        }
        let key = key(form);
        RUNNING.with_borrow_mut(|running| running.insert(key.clone()));
        Self {
            form: form.clone(),
            key,
            buttons,
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        RUNNING.with_borrow_mut(|running| running.remove(&self.key));
        let _ = self.form.remove_attribute("aria-busy");
        for button in &self.buttons {
            let _ = button.remove_attribute("disabled");
            let _ = button.remove_attribute("aria-busy");
        }
    }
}
