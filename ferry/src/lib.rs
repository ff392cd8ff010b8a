//! Ferry: server actions for Leptos. A mutation says what it changed; every
//! live query with a matching tag refetches when the call finishes in the
//! browser, and the server's cache drops what showed it. Errors are typed,
//! cross the wire as JSON, and come back with the right HTTP status.
//!
//! ```
//! use leptos::prelude::*;
//!
//! ferry::tags! {
//!     /// Every note; `NOTE.child(id)` for one.
//!     pub NOTE = "note";
//! }
//!
//! // A read: sent with a client that never revalidates.
//! #[ferry::read(endpoint = "notes/count")]
//! pub async fn count_notes() -> Result<u32, ferry::Error> {
//!     Ok(1)
//! }
//!
//! // A mutation: it must say what it changes, or it does not compile.
//! #[ferry::mutation(endpoint = "notes/add", revalidates = [NOTE])]
//! pub async fn add_note(text: String) -> Result<(), ferry::Error> {
//!     if text.is_empty() {
//!         return Err(ferry::Error::invalid("text", "Write something first."));
//!     }
//!     Ok(())
//! }
//!
//! #[component]
//! fn Notes() -> impl IntoView {
//!     let count = ferry::query([NOTE], count_notes);
//!     let add = ServerAction::<AddNote>::new();
//!     view! {
//!         <Suspense>{move || count.get().map(|n| n.ok())}</Suspense>
//!         <ferry::Form action=add>
//!             <input name="text"/>
//!             <button>"Add"</button>
//!         </ferry::Form>
//!     }
//! }
//! ```
//!
//! The count refetches after `add_note`, whether the call came from a
//! [`Form`] (or Leptos's `<ActionForm>`), a dispatched action or an event
//! handler; no component names the action. A failed call revalidates
//! nothing. The refresh costs no second request: the mutation's response
//! brings the fresh answers of the reads the page holds ([`inline`]).
//! Without JavaScript, the form's redirect renders the page again on the
//! server, so it is fresh by construction.
//!
//! Forms: `check = rules` on the macro names one function that the server
//! runs before the body and [`Form`] runs in the browser before sending
//! ([`Check`]); a form is busy while its call runs and refuses a second
//! submit; [`Pending`] shows calls running anywhere on the page; and
//! [`Query::expect`] shows the change a call expects until the server's
//! value replaces it, or rolls it back ([`Expected`]).
//!
//! On the server, [`Ferry::install`] puts every layer on the app's router in
//! one call: request ids, per-call logs and metrics, the rate limit, the
//! server's cache, the same-origin check, the body limit, and the real HTTP
//! status of a failed call (400, 404, 422 rather than Leptos's blanket 500).
//! Each is also a tower layer of its own ([`layers`]), for an app that wants
//! only some, or another order.
//! `Server` (feature `serve`) serves it with timeouts for slow clients
//! and a shutdown that ends.
//!
//! What ferry refuses at compile time:
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
//! Features: `hydrate` for the browser build, `ssr` for the server (with
//! `serve`, `cache`, `metrics`, `ratelimit` and `logging` each adding one
//! part, and `server` all five), `dev` for the edit loop under `cargo leptos
//! watch` (not in `server`), `sqlx` for `?` on sqlx errors, `sqlite` for
//! [`sqlite::Writer`], SQLite writes group-committed on one thread, and
//! `postgres` for revalidation shared between processes.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod check;
pub mod client;
pub mod dev;
pub mod error;
mod form;
pub mod guard;
pub mod inline;
mod optimistic;
mod outcome;
mod pending;
mod plain;
mod query;
pub mod revalidate;
mod tag;

#[cfg(feature = "ssr")]
mod client_addr;
#[cfg(feature = "ssr")]
mod declare;
#[cfg(feature = "ssr")]
mod install;
#[cfg(feature = "ssr")]
pub mod layers;
#[cfg(feature = "ssr")]
mod multipart;
#[cfg(feature = "ssr")]
mod observe;
#[cfg(feature = "ssr")]
mod overload;
#[cfg(feature = "ssr")]
pub mod request_id;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
mod server;
#[cfg(feature = "ssr")]
mod settings;

#[cfg(feature = "cache")]
pub mod cache;
#[cfg(feature = "logging")]
pub mod logging;
#[cfg(feature = "metrics")]
pub mod metrics;
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
pub use check::Check;
pub use client::{Client, ReadClient};
#[cfg(feature = "ssr")]
pub use client_addr::ClientAddr;
#[cfg(feature = "ssr")]
pub use declare::revalidate;
pub use error::{Error, ErrorStatus};
pub use ferry_macros::{mutation, read};
pub use form::{Form, FormProps, Optimistic};
pub use guard::local_path;
#[cfg(feature = "ssr")]
pub use install::Ferry;
pub use optimistic::Expected;
pub use outcome::Outcome;
pub use pending::Pending;
pub use plain::{Plain, plain};
pub use query::{Query, cache_page, private_query, query, query_with};
pub use revalidate::Revalidation;
#[cfg(feature = "serve")]
pub use serve::{Draining, ServeSettings, Server, shutdown_signal};
#[cfg(feature = "ssr")]
pub use settings::Settings;
pub use tag::{InvalidTag, Tag, tags_match};
