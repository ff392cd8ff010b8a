//! Guards: who may call a server function, declared on it in one line.
//!
//! `guard = f` on `#[ferry::read]` or `#[ferry::mutation]` names an async
//! function `f() -> Result<T, ferry::Error>` that the server runs before
//! anything else in the call: before the arguments' rules (`check =`) and
//! before the body. It is part of the function's body, so posting to the
//! endpoint directly meets it too. A guard refuses with
//! [`Error::unauthorized`] (no signed-in user: 401) or [`Error::forbidden`]
//! (the wrong user: 403). What it returns otherwise reaches the body with
//! `guard(pattern) = f`, so the body does not ask again; with `guard = f`
//! it is dropped.
//!
//! ```
//! #[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
//! pub struct User {
//!     pub name: String,
//! }
//!
//! async fn signed_in() -> Result<User, ferry::Error> {
//!     Err(ferry::Error::unauthorized()) // look the session up here
//! }
//!
//! #[ferry::read(endpoint = "notes/mine", guard(user) = signed_in)]
//! pub async fn my_notes() -> Result<Vec<String>, ferry::Error> {
//!     Ok(vec![format!("{}'s first note", user.name)])
//! }
//!
//! #[ferry::read(endpoint = "notes/count", guard = signed_in)]
//! pub async fn count_notes() -> Result<usize, ferry::Error> {
//!     Ok(0) // signed in, but who does not matter here
//! }
//! ```
//!
//! A form posted without JavaScript that a guard refuses with 401 would
//! land back on its page with an error the user can do nothing about; with
//! [`crate::Settings::sign_in_path`] set, ferry sends it to the sign-in page
//! instead, with `?next=` naming the page it came from. The sign-in page
//! returns there with [`local_path`], which refuses anything but a path on
//! this site.
//!
//! [`Error::unauthorized`]: crate::Error::unauthorized
//! [`Error::forbidden`]: crate::Error::forbidden

/// `next` if it is a path on this site (`/orders?page=2`), so a sign-in
/// page can return there without becoming an open redirect: `//evil.example`,
/// `https://evil.example`, `/\evil.example` and anything with control
/// characters are refused.
///
/// ```
/// assert_eq!(ferry::local_path("/orders?page=2"), Some("/orders?page=2"));
/// assert_eq!(ferry::local_path("//evil.example/"), None);
/// assert_eq!(ferry::local_path("https://evil.example/"), None);
/// assert_eq!(ferry::local_path("/\\evil.example"), None);
/// ```
pub fn local_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let escapes = rest.starts_with('/') || rest.starts_with('\\');
    let odd = next.chars().any(|c| c.is_control() || c == '\\');
    (!escapes && !odd).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_local() {
        for good in ["/", "/cart", "/orders/7?x=1#top", "/a//b"] {
            assert_eq!(local_path(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "cart",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/a\nb",
            "/a\\b",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
