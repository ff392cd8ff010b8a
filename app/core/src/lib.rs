//! What every area builds on, shop or not: the app's names, shared UI
//! pieces, and on the server the database, the cookies, the state server
//! functions share and the services they reach it through. Depends on no
//! area, so an edit in one area never rebuilds it.

pub mod components;
pub mod site;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod secure;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;
