//! The server as a library, so tests build the same router `main` serves.

pub mod config;
pub mod router;
pub mod services;
pub mod settings;
