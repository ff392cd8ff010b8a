//! Ferry: server actions for Leptos. A server function declares what it
//! changed; every live query with a matching tag refetches when the call
//! finishes in the browser. Errors are typed, cross the wire as JSON, and
//! come back with the right HTTP status.
//!
//! ```text
//! // Beside the component: a mutation, sent through ferry's client.
//! #[server(endpoint = "notes/add", client = ferry::Client)]
//! pub async fn add_note(list: i64, text: String) -> Result<u32, ferry::Error> {
//!     let count = notes::add(list, &text).await?;
//!     ferry::revalidate(["inbox", &format!("list:{list}")]);
//!     Ok(count)
//! }
//!
//! // Anywhere on the page: a query tagged with what it shows.
//! let inbox = ferry::query(["inbox"], get_inbox);
//! ```
//!
//! The badge that reads `inbox` refetches after `add_note`, whether the
//! call came from an `<ActionForm>`, a dispatched action or an event handler;
//! no component names the action. A failed call revalidates nothing; a
//! mutation that declares nothing revalidates every query (configurable with
//! [`client::set_default`]). Without JavaScript, the form's redirect renders
//! the page again on the server, so it is fresh by construction.
//!
//! The server keeps pages ([`cache_page`], for visitors without cookies) and
//! shared reads ([`cached`]) with the same tags, and drops them when a call
//! revalidates one: install [`cache::pages::layer`] around pages and server
//! functions alike.
//!
//! On the server, install [`server::error_status`] as a layer and
//! [`server::no_such_endpoint`] under the server-function prefix, so a
//! rejected call answers 400, 404 or 422 instead of Leptos's blanket 500;
//! [`observe::observe`] and [`request_id::request_id`] outermost, so every
//! call is logged, traced and counted under its request id.

pub mod client;
pub mod error;
mod outcome;
mod query;
pub mod revalidate;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
mod declare;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod observe;
#[cfg(feature = "ssr")]
pub mod ratelimit;
#[cfg(feature = "ssr")]
pub mod request_id;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "sqlx")]
mod sql;

#[cfg(feature = "ssr")]
pub use cache::cached;
pub use client::{Client, ReadClient};
#[cfg(feature = "ssr")]
pub use declare::{revalidate, revalidate_nothing};
pub use error::Error;
pub use outcome::Outcome;
pub use query::{cache_page, private_query, query, query_with};
pub use revalidate::Revalidation;
