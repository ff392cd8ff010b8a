//! The counter: the smallest thing that exercises the whole loop (SSR,
//! hydration, a server function called from a form and from a button, a
//! tagged query, SQLite). Its SQL is server-only, in `services/counter`.

pub mod views;

/// How much one call may add: small, so a typo cannot wreck the number.
pub const MAX_STEP: i64 = 100;

/// Checks a step the user asked for. Pure, so it runs in tests and in the
/// browser as well as on the server.
pub fn parse_step(by: i64) -> Result<i64, ferry::Error> {
    if (1..=MAX_STEP).contains(&by) {
        Ok(by)
    } else {
        Err(ferry::Error::invalid(
            "by",
            format!("Choose a number from 1 to {MAX_STEP}."),
        ))
    }
}

/// The rules of an add, run in the browser before sending and on the
/// server before the body.
pub fn check_add(add: &AddToCounter) -> Result<(), ferry::Error> {
    parse_step(add.by).map(drop)
}

ferry::tags! {
    /// The counter's value.
    pub COUNTER = "counter";
}

/// Where the counter is kept: what its server functions need from the
/// server. Declared here, provided by the server-only `counter-service`
/// crate (SQL), and given to the app by the server binary, so an edit to
/// the SQL rebuilds the server alone, never this crate or the WASM.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait CounterStore: Send + Sync {
    /// The current value.
    async fn value(&self) -> Result<i64, ferry::Error>;
    /// Adds `by` and returns the new value, with no update lost to a
    /// concurrent add.
    async fn add(&self, by: i64) -> Result<i64, ferry::Error>;
}

/// The counter's store inside a server function.
#[cfg(feature = "ssr")]
fn store() -> Result<std::sync::Arc<dyn CounterStore>, ferry::Error> {
    app_core::state::service::<dyn CounterStore>()
}

/// The counter's current value.
#[ferry::read(endpoint = "counter/get")]
pub async fn get_counter() -> Result<i64, ferry::Error> {
    store()?.value().await
}

/// Adds `by` (1 to 100) to the counter and returns the new value.
#[ferry::mutation(endpoint = "counter/add", revalidates = [COUNTER], check = check_add, keep = [by])]
pub async fn add_to_counter(by: i64) -> Result<i64, ferry::Error> {
    store()?.add(by).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_inside_the_range_pass() {
        assert_eq!(parse_step(1), Ok(1));
        assert_eq!(parse_step(MAX_STEP), Ok(MAX_STEP));
    }

    #[test]
    fn steps_outside_the_range_name_the_field() {
        for by in [0, -1, MAX_STEP + 1, i64::MIN, i64::MAX] {
            let err = parse_step(by).unwrap_err();
            assert!(err.field("by").is_some(), "{by} gave {err:?}");
        }
    }
}
