//! [`Check`]: the rules of a server function's arguments, written once in
//! Rust and run twice: in the browser before the call is sent, and on the
//! server before the body.

use crate::Error;

/// The rules a server function's arguments must follow. `#[ferry::mutation]`
/// and `#[ferry::read]` implement it for the function's struct: with
/// `check = rules`, by calling `rules`; without, by accepting everything.
/// The server runs it before the body, whoever calls the endpoint, so the
/// body may rely on it; [`Form`](crate::Form) also runs it in the browser,
/// so input that breaks a rule is answered with no request at all.
///
/// ```
/// /// Seats one booking may hold: ordinary Rust, compiled into both builds.
/// fn check_booking(booking: &Book) -> Result<(), ferry::Error> {
///     match booking.seats {
///         1..=99 => Ok(()),
///         _ => Err(ferry::Error::invalid("seats", "Choose 1 to 99.")),
///     }
/// }
///
/// #[ferry::mutation(endpoint = "doc/book", revalidates = [], check = check_booking)]
/// pub async fn book(seats: i64) -> Result<(), ferry::Error> {
///     Ok(()) // seats is 1 to 99 here
/// }
///
/// use ferry::Check;
/// assert!(Book { seats: 3 }.check().is_ok());
/// let refused = Book { seats: 150 }.check().unwrap_err();
/// assert_eq!(refused.field("seats"), Some("Choose 1 to 99."));
/// ```
///
/// On the server, a refusal keeps the arguments named in `keep = [...]` as
/// the error's values, to refill the form the page renders again without
/// JavaScript. They travel in the redirect's URL (and so in access logs and
/// `Referer` headers), so nothing is kept unless the function says so, a
/// name that looks like a secret (password, secret, token, pin, cvc, card)
/// does not compile in `keep`, and texts over 1 KiB are left out.
///
/// ```
/// # fn check_sign_up(_: &SignUp) -> Result<(), ferry::Error> { Ok(()) }
/// #[ferry::mutation(
///     endpoint = "doc/sign-up",
///     revalidates = [],
///     check = check_sign_up,
///     keep = [email] // refilled after a refusal; the password never is
/// )]
/// pub async fn sign_up(email: String, password: String) -> Result<(), ferry::Error> {
///     Ok(())
/// }
/// ```
///
/// A plain `#[server]` function used with [`Form`](crate::Form) needs
/// `impl ferry::Check for TheStruct {}`: the default accepts everything.
pub trait Check {
    /// `Ok` when the arguments follow every rule; otherwise the error to
    /// show, usually [`Error::invalid`] naming the field.
    fn check(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// Whether an argument's name says it holds a secret: the development
/// inspector shows such values as `•••`. The same rule as the one that
/// keeps them out of `keep` (in ferry's macros, which cannot share code
/// with this crate).
#[cfg(any(
    test,
    all(feature = "hydrate", debug_assertions, not(ferry_inspector_off))
))]
pub(crate) fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let anywhere = ["password", "secret", "token"];
    let whole_word = ["pin", "cvc", "cvv", "card", "otp"];
    anywhere.iter().any(|word| name.contains(word))
        || name.split('_').any(|part| whole_word.contains(&part))
}

/// A refusal with the arguments named in `keep` as its values
/// (`Error::with_value`), so a form rendered again without JavaScript shows
/// what was sent. Texts over [`MAX_KEPT_BYTES`] are not kept: the user
/// types them again.
pub(crate) fn with_arguments<A: serde::Serialize>(
    error: Error,
    arguments: &A,
    keep: &[&str],
) -> Error {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(arguments) else {
        return error;
    };
    fields
        .into_iter()
        .filter(|(name, _)| keep.contains(&name.as_str()))
        .fold(error, |error, (name, value)| match value {
            serde_json::Value::String(text) if text.len() <= MAX_KEPT_BYTES => {
                error.with_value(name, text)
            }
            serde_json::Value::Number(n) => error.with_value(name, n),
            serde_json::Value::Bool(b) => error.with_value(name, b),
            _ => error,
        })
}

/// The longest text a refusal keeps to refill its form.
pub(crate) const MAX_KEPT_BYTES: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_told_by_word() {
        for name in [
            "password",
            "new_password",
            "API_TOKEN",
            "card_number",
            "pin",
            "cvc",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["email", "quantity", "spinner", "cardinal", "item_id"] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[derive(serde::Serialize)]
    struct Args {
        id: u32,
        name: String,
        tags: Vec<String>,
    }

    #[test]
    fn scalar_arguments_become_the_errors_values() {
        let args = Args {
            id: 7,
            name: "a <b>".into(),
            tags: vec!["x".into()],
        };
        let keep = ["id", "name", "tags"];
        let error = with_arguments(Error::invalid("name", "Too short."), &args, &keep);
        assert_eq!(error.value("id"), Some("7"));
        assert_eq!(error.value("name"), Some("a <b>"));
        assert_eq!(error.value("tags"), None);
        let other = with_arguments(Error::not_found("x"), &args, &keep);
        assert_eq!(other, Error::not_found("x"));
    }

    #[derive(serde::Serialize)]
    struct SignUp {
        email: String,
        pin: String,
        bio: String,
    }

    #[test]
    fn only_the_kept_arguments_are_kept_and_long_texts_never() {
        let args = SignUp {
            email: "a@b.c".into(),
            pin: "1234".into(),
            bio: "x".repeat(MAX_KEPT_BYTES + 1),
        };
        let error = with_arguments(Error::invalid("email", "Taken."), &args, &["email", "bio"]);
        assert_eq!(error.value("email"), Some("a@b.c"));
        assert_eq!(error.value("pin"), None, "not named in keep");
        assert_eq!(error.value("bio"), None, "too long for a URL");
        let none = with_arguments(Error::invalid("email", "Taken."), &args, &[]);
        assert_eq!(none.value("email"), None, "nothing is kept by default");
    }
}
