//! The shop's shared vocabulary, below every shop area: the ids, tags and
//! money several areas pass to each other, and who is asking (the
//! signed-in account and the guards). The minimal app has none of it.

pub mod ids;
pub mod money;
pub mod tags;
pub mod visitor;
