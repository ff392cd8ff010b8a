#![doc = include_str!("../README.md")]
//!
//! ## What ferry refuses at compile time
//!
//! ```compile_fail
//! // A mutation that does not say what it changes.
//! #[ferry::mutation(endpoint = "notes/clear")]
//! pub async fn clear_notes() -> Result<(), ferry::Error> {
//!     Ok(())
//! }
//! ```
//!
//! ```compile_fail
//! // A read that claims to change something.
//! ferry::tags! { pub NOTE = "note"; }
//! #[ferry::read(endpoint = "notes/peek", revalidates = [NOTE])]
//! pub async fn peek() -> Result<u32, ferry::Error> {
//!     Ok(0)
//! }
//! ```
//!
//! ```compile_fail,E0425
//! // A misspelt tag.
//! ferry::tags! { pub NOTE = "note"; }
//! #[ferry::mutation(endpoint = "notes/add2", revalidates = [NOTES])]
//! pub async fn add() -> Result<(), ferry::Error> {
//!     Ok(())
//! }
//! ```
//!
//! ```compile_fail
//! // A client chosen by hand, against the kind of call.
//! #[ferry::read(endpoint = "notes/peek2", client = ferry::Client)]
//! pub async fn peek() -> Result<u32, ferry::Error> {
//!     Ok(0)
//! }
//! ```
//!
//! ```compile_fail
//! // A secret kept to refill a form: it would travel in the redirect's URL.
//! # fn rules(_: &Pay) -> Result<(), ferry::Error> { Ok(()) }
//! #[ferry::mutation(endpoint = "notes/pay", revalidates = [], check = rules, keep = [card_pin])]
//! pub async fn pay(card_pin: String) -> Result<(), ferry::Error> {
//!     Ok(())
//! }
//! ```
//!
//! ```compile_fail
//! // `keep` naming an argument the function does not take.
//! # fn rules(_: &Rename) -> Result<(), ferry::Error> { Ok(()) }
//! #[ferry::mutation(endpoint = "notes/rename", revalidates = [], check = rules, keep = [titel])]
//! pub async fn rename(title: String) -> Result<(), ferry::Error> {
//!     Ok(())
//! }
//! ```
//!

#![cfg_attr(docsrs, feature(doc_cfg))]

mod call;
pub mod client;
pub mod dev;
pub mod error;
mod form;
pub mod guard;
// The guide's chapters, for rustdoc and their doctests only.
#[cfg(any(doc, doctest))]
pub mod guide;
pub mod inline;
pub mod islands;
mod optimistic;
mod outcome;
mod pending;
mod query;
pub mod revalidate;
mod synchronous;

#[cfg(feature = "ssr")]
mod body_limit;
#[cfg(feature = "ssr")]
mod client_addr;
#[cfg(feature = "ssr")]
mod client_share;
#[cfg(all(test, feature = "ssr"))]
mod fuzz;
#[cfg(feature = "ssr")]
mod headers;
#[cfg(feature = "ssr")]
mod install;
#[cfg(feature = "ssr")]
pub mod layers;
#[cfg(feature = "ssr")]
mod multipart;
#[cfg(feature = "ssr")]
mod not_found;
#[cfg(feature = "ssr")]
mod observe;
#[cfg(feature = "ssr")]
mod overload;
#[cfg(feature = "ssr")]
pub mod request_id;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
mod settings;
#[cfg(feature = "ssr")]
pub mod split;

#[cfg(feature = "cache")]
pub mod cache;
#[cfg(feature = "logging")]
pub mod logging;
#[cfg(feature = "metrics")]
pub mod metrics;
#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "ratelimit")]
pub mod ratelimit;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "sqlx")]
mod sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(feature = "cache")]
pub use cache::cached;
pub use call::{Mutation, Read};
pub use client::{Client, ReadClient};
#[cfg(feature = "ssr")]
pub use client_addr::ClientAddr;
pub use error::{Error, ErrorStatus};
pub use ferry_macros::{island, mutation, read};

/// Whether this build is an islands build (the `islands` feature): only
/// `#[ferry::island]` components hydrate. `ferry::islands::HydrationScripts`
/// reads the feature itself.
pub const ISLANDS: bool = cfg!(feature = "islands");
pub use form::Check;
pub use form::{Form, FormProps, Optimistic};
pub use guard::local_path;
#[cfg(feature = "ssr")]
pub use install::Ferry;
pub use optimistic::{OptimisticChange, optimistic_for};
pub use outcome::Outcome;
pub use pending::Pending;
pub use query::{Query, cache_page, query, query_with, visitor_query};
pub use revalidate::Revalidation;
#[cfg(feature = "ssr")]
pub use revalidate::declare::revalidate;
pub use revalidate::tag::{InvalidTag, Tag, tags_match};
#[cfg(feature = "serve")]
pub use serve::{Draining, ServeSettings, Server, shutdown_signal};
#[cfg(feature = "ssr")]
pub use settings::Settings;
pub use synchronous::{Synchronous, synchronous};
