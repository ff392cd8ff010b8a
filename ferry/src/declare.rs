//! The server side of revalidation: a server function declares what it
//! changed, and the tags go out in the response header.

use axum::http::{HeaderName, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::revalidate::{is_valid_tag, HEADER};

/// Declares that this call changed the data behind `tags`: when it finishes
/// in the browser, every live [`crate::query`] with a matching tag refetches.
/// Call it after the change succeeded; a call that ends in an error
/// revalidates nothing anyway. Calling it more than once adds tags.
///
/// A server function that never calls it revalidates every live query
/// (the default; see [`crate::client::set_default`]).
pub fn revalidate<I, T>(tags: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    let mut valid = Vec::new();
    for tag in tags {
        let tag = tag.as_ref();
        if is_valid_tag(tag) {
            valid.push(tag.to_owned());
        } else {
            tracing::warn!(
                tag,
                "ferry::revalidate: tag ignored (use letters, digits and : _ - . only)"
            );
        }
    }
    declare(&valid.join(","));
}

/// Declares that this call changed nothing the page shows: no query refetches.
pub fn revalidate_nothing() {
    declare("");
}

fn declare(value: &str) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return; // called outside a request (a test, a job): nobody to tell
    };
    if let Ok(value) = HeaderValue::from_str(value) {
        response.append_header(HeaderName::from_static(HEADER), value);
    }
}
