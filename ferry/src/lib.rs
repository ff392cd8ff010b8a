//! Ferry: server actions for Leptos. Typed errors that cross the wire and
//! come back with the right HTTP status, and readable answers for bad calls.
//!
//! ```text
//! #[server(endpoint = "notes/add")]
//! pub async fn add_note(text: String) -> Result<u32, ferry::Error> {
//!     if text.trim().is_empty() {
//!         return Err(ferry::Error::invalid("text", "Write something first."));
//!     }
//!     notes::insert(&text).await.map_err(ferry::Error::internal)
//! }
//! ```
//! On the server, install [`server::error_status`] as a layer and
//! [`server::no_such_endpoint`] under the server-function prefix, so a
//! rejected call answers 400, 404 or 422 instead of Leptos's blanket 500.

pub mod error;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "sqlx")]
mod sql;

pub use error::Error;
