//! The server side of revalidation: a mutation's tags go out in the
//! response header, and a read is marked so it cannot send any.

use axum::http::{HeaderName, HeaderValue};
use leptos::prelude::{provide_context, use_context};
use leptos_axum::ResponseOptions;

use crate::revalidate::tag::Tag;
use crate::revalidate::{HEADER, Revalidation};

/// Adds tags to what this mutation revalidates, for a change the
/// `revalidates = [...]` of [`mutation`](crate::mutation) cannot name before
/// the body runs (an id the body creates). Call it after the change
/// succeeded; a call that ends in an error revalidates nothing anyway.
///
/// Inside a [`read`](crate::read) it is refused: it logs an error and does
/// nothing, since a read that revalidated would refetch itself forever.
///
/// ```
/// ferry::tags! { pub NOTE = "note"; }
/// // Outside a request (a test, a job) there is nobody to tell: no effect.
/// ferry::revalidate([NOTE.child(7)]);
/// ```
pub fn revalidate(tags: impl IntoIterator<Item = Tag>) {
    if use_context::<InRead>().is_some_and(|read| read.0) {
        tracing::error!(
            "ferry::revalidate called inside a #[ferry::read]: ignored (a read \
             changes nothing; make the function a #[ferry::mutation])"
        );
        return;
    }
    declare(&Revalidation::tags(tags));
}

/// Whether a read's body is running.
#[derive(Clone, Copy)]
struct InRead(bool);

pub(crate) fn mark_read(reading: bool) {
    provide_context(InRead(reading));
}

pub(crate) fn declare(revalidation: &Revalidation) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return; // called outside a request (a test, a job): nobody to tell
    };
    if let Ok(value) = HeaderValue::from_str(&revalidation.to_header()) {
        response.append_header(HeaderName::from_static(HEADER), value);
    }
}
