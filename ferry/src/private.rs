//! What the code `#[ferry::read]` and `#[ferry::mutation]` write calls.
//! Not part of the API: it may change in any release.

use crate::Revalidation;

/// Before a read's body: marks the call, so a revalidation inside it is
/// refused.
pub fn enter_read() {
    #[cfg(feature = "ssr")]
    crate::revalidate::declare::mark_read(true);
}

/// After a read's body: whatever called it may revalidate again.
pub fn leave_read() {
    #[cfg(feature = "ssr")]
    crate::revalidate::declare::mark_read(false);
}

/// Last step of a mutation: a success declares what it changed; a failure
/// declares nothing, so nothing refetches.
pub fn declare_if_ok<T, E>(result: &Result<T, E>, revalidation: Revalidation) {
    #[cfg(feature = "ssr")]
    if result.is_ok() {
        crate::revalidate::declare::declare(&revalidation);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (result, revalidation);
}

/// The items inside, on the server only: compiled when ferry's own `ssr`
/// feature is on, whatever the app calls its server feature (the macros
/// used to emit `#[cfg(feature = "ssr")]` into the app's crate, which an
/// app with another feature name switched off without a word).
#[doc(hidden)]
#[cfg(feature = "ssr")]
#[macro_export]
macro_rules! __on_server {
    ($($item:tt)*) => { $($item)* };
}

/// The browser's side of [`__on_server`]: nothing.
#[doc(hidden)]
#[cfg(not(feature = "ssr"))]
#[macro_export]
macro_rules! __on_server {
    ($($item:tt)*) => {};
}

/// The path of a `#[ferry::read]`, listed at start-up: only reads are ever
/// answered inline in a mutation's response.
pub struct ReadPath(pub &'static str);

#[cfg(feature = "ssr")]
inventory::collect!(ReadPath);

/// The path of a server function that takes `multipart/form-data`: a
/// request to it without a readable boundary is refused with 400.
pub struct MultipartPath(pub &'static str);

#[cfg(feature = "ssr")]
inventory::collect!(MultipartPath);

/// Every registered multipart function's path.
#[cfg(feature = "ssr")]
pub(crate) fn multipart_paths() -> std::collections::HashSet<&'static str> {
    inventory::iter::<MultipartPath>
        .into_iter()
        .map(|m| m.0)
        .collect()
}

#[cfg(feature = "ssr")]
pub use inventory;

/// The path of any `#[ferry::read]` or `#[ferry::mutation]`: a failed call
/// to one that never began (its arguments did not parse) is the client's
/// fault, whatever the function's error type says (400).
pub struct FunctionPath(pub &'static str);

#[cfg(feature = "ssr")]
inventory::collect!(FunctionPath);

/// Every registered ferry function's path.
#[cfg(feature = "ssr")]
pub(crate) fn function_paths() -> std::collections::HashSet<&'static str> {
    inventory::iter::<FunctionPath>
        .into_iter()
        .map(|f| f.0)
        .collect()
}

/// Called first thing in a ferry function's body on the server: its
/// arguments parsed, so a failure from here on is the function's own.
pub fn began() {
    #[cfg(feature = "ssr")]
    crate::error::status::began();
}

/// Every registered read's path.
#[cfg(feature = "ssr")]
pub(crate) fn read_paths() -> std::collections::HashSet<&'static str> {
    inventory::iter::<ReadPath>
        .into_iter()
        .map(|r| r.0)
        .collect()
}

#[cfg(feature = "ssr")]
pub use crate::inline::capture::{Probe, Record, Skip};

/// Whether this call is part of a render that learns its reads.
pub fn capturing() -> bool {
    #[cfg(feature = "ssr")]
    return crate::inline::capture::current().is_some();
    #[cfg(not(feature = "ssr"))]
    false
}

/// A `check =` refusal on the server, with the arguments named in `keep =`
/// kept to refill the form.
pub fn refused<A: serde::Serialize>(
    error: crate::Error,
    arguments: &A,
    keep: &[&str],
) -> crate::Error {
    crate::form::check::with_arguments(error, arguments, keep)
}

/// A failed call's error, for [`SetStatus`]: the macros call
/// `(&StatusOf(&err)).set_status()`, which tells ferry's status layer the
/// error's own status when its type implements [`crate::ErrorStatus`], and
/// does nothing otherwise ([`NoStatus`]).
pub struct StatusOf<'a, E>(pub &'a E);

/// Picked when the error knows its status.
pub trait SetStatus {
    fn set_status(&self);
}

// Server only: without it, every error falls to `NoStatus`, which is
// right where there is no response to give a status to.
#[cfg(feature = "ssr")]
impl<E: crate::ErrorStatus> SetStatus for StatusOf<'_, E> {
    fn set_status(&self) {
        crate::error::status::answer_with(self.0.status());
    }
}

/// Picked for any other error type: Leptos's 500 stands.
pub trait NoStatus {
    fn set_status(&self);
}

impl<T> NoStatus for &T {
    fn set_status(&self) {}
}

/// Implemented by the macros beside [`crate::Read`] and
/// [`crate::Mutation`]: only their calls are those.
pub trait Sealed {}

/// The items inside, when ferry's `openapi` feature is on: what the
/// OpenAPI document needs of each function.
#[doc(hidden)]
#[cfg(feature = "openapi")]
#[macro_export]
macro_rules! __with_openapi {
    ($($item:tt)*) => { $($item)* };
}

/// Without the `openapi` feature: nothing.
#[doc(hidden)]
#[cfg(not(feature = "openapi"))]
#[macro_export]
macro_rules! __with_openapi {
    ($($item:tt)*) => {};
}

/// How a function's arguments travel, from `#[server(input = ...)]`.
#[cfg(feature = "openapi")]
#[derive(Clone, Copy, Debug)]
pub enum Encoding {
    /// A form-encoded body (`PostUrl`, the default).
    Form,
    /// A JSON body.
    Json,
    /// The query string of a GET (`GetUrl`).
    Query,
    /// `multipart/form-data`.
    Multipart,
    /// Another codec, by its content type.
    Other(&'static str),
}

/// What a function revalidates, for the document.
#[cfg(feature = "openapi")]
#[derive(Clone, Copy)]
pub enum Revalidates {
    /// A read: nothing.
    Read,
    /// `revalidates = all`.
    All,
    /// Tags known without the arguments.
    Tags(fn() -> Vec<String>),
    /// Tags built from the arguments: the expression, as written.
    FromArguments(&'static str),
}

/// One function, as the OpenAPI document describes it.
#[cfg(feature = "openapi")]
pub struct Operation {
    pub path: &'static str,
    pub name: &'static str,
    pub doc: &'static str,
    pub read: bool,
    pub encoding: Encoding,
    #[allow(clippy::type_complexity)]
    pub arguments:
        fn(&mut schemars::SchemaGenerator) -> Vec<(&'static str, schemars::Schema, bool)>,
    pub output: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
    pub ferry_error: bool,
    pub guarded: bool,
    pub revalidates: Revalidates,
}

#[cfg(feature = "openapi")]
inventory::collect!(Operation);

/// The names of a revalidation's tags (`all` is told apart before).
#[cfg(feature = "openapi")]
pub fn tag_names(revalidation: Revalidation) -> Vec<String> {
    match revalidation {
        Revalidation::All => vec!["*".to_owned()],
        Revalidation::Tags(tags) => tags.iter().map(|t| t.as_str().to_owned()).collect(),
        Revalidation::Nothing => Vec::new(),
    }
}

#[cfg(feature = "openapi")]
pub use schemars;

/// A type, probed for a `JsonSchema` (autoref specialization: the
/// [`WithSchema`] method is found first when the type has one).
#[cfg(feature = "openapi")]
pub struct SchemaOf<T: ?Sized>(std::marker::PhantomData<T>);

#[cfg(feature = "openapi")]
impl<T: ?Sized> SchemaOf<T> {
    #[allow(clippy::new_without_default)] // only the macros make one
    pub const fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

/// The schema of a type that implements `JsonSchema`.
#[cfg(feature = "openapi")]
pub trait WithSchema {
    fn schema(&self, generator: &mut schemars::SchemaGenerator) -> schemars::Schema;
}

#[cfg(feature = "openapi")]
impl<T: ?Sized + schemars::JsonSchema> WithSchema for SchemaOf<T> {
    fn schema(&self, generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<T>()
    }
}

/// Any value, for a type that implements no `JsonSchema`, saying which.
#[cfg(feature = "openapi")]
pub trait WithoutSchema {
    fn schema(&self, generator: &mut schemars::SchemaGenerator) -> schemars::Schema;
}

#[cfg(feature = "openapi")]
impl<T: ?Sized> WithoutSchema for &SchemaOf<T> {
    fn schema(&self, _: &mut schemars::SchemaGenerator) -> schemars::Schema {
        any_schema(&format!(
            "`{}` implements no schemars::JsonSchema",
            std::any::type_name::<T>()
        ))
    }
}

/// A schema any value meets, with a description of why it says no more.
#[cfg(feature = "openapi")]
pub fn any_schema(why: &str) -> schemars::Schema {
    schemars::json_schema!({ "description": format!("Not described: {why}.") })
}
