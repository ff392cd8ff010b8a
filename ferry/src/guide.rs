//! The guide: one chapter per concept, in the order a newcomer needs them.
//! The chapters are Markdown files in `ferry/guide/`, read on GitHub; here
//! they are this module's documentation, so that every Rust example in them
//! is compiled and run as a doctest (`cargo test -p ferry --doc`).
#![doc = include_str!("../guide/README.md")]

#[doc = include_str!("../guide/01-new-app.md")]
pub mod c01_new_app {}

#[doc = include_str!("../guide/02-server-functions.md")]
pub mod c02_server_functions {}

#[doc = include_str!("../guide/03-revalidation.md")]
pub mod c03_revalidation {}

#[doc = include_str!("../guide/04-forms.md")]
pub mod c04_forms {}

#[doc = include_str!("../guide/05-errors.md")]
pub mod c05_errors {}

#[doc = include_str!("../guide/06-sessions.md")]
pub mod c06_sessions {}

#[doc = include_str!("../guide/07-cache.md")]
pub mod c07_cache {}

#[doc = include_str!("../guide/08-configuration.md")]
pub mod c08_configuration {}

#[doc = include_str!("../guide/09-testing.md")]
pub mod c09_testing {}

#[doc = include_str!("../guide/10-dev-loop.md")]
pub mod c10_dev_loop {}

#[doc = include_str!("../guide/11-deploying.md")]
pub mod c11_deploying {}

#[doc = include_str!("../guide/12-security.md")]
pub mod c12_security {}

#[doc = include_str!("../guide/13-performance.md")]
pub mod c13_performance {}
