//! Typed tags: what a query shows and what a mutation changed, declared
//! once with [`tags!`](crate::tags) so a misspelt tag does not compile.

use std::borrow::Cow;
use std::fmt;

/// A name for data a page shows: `inbox`, or `note:42` for one note's
/// text. Tags are hierarchical with `:`; revalidating `note` refreshes
/// `note:42`, and revalidating `note:42` refreshes a query of every note.
///
/// Declare the roots once with [`tags!`](crate::tags), and build a tag with a
/// parameter with [`Tag::child`], the one way to add one:
///
/// ```
/// ferry::tags! {
///     /// Every note; `note(id)` for one.
///     pub NOTE = "note";
/// }
/// pub fn note(id: u64) -> ferry::Tag {
///     NOTE.child(id)
/// }
/// assert_eq!(note(42).as_str(), "note:42");
/// assert!(ferry::tags_match(&NOTE, &note(42)));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(Cow<'static, str>);

/// A text that is not a tag: empty, or with a character other than ASCII
/// letters, digits and `: _ - . %`.
///
/// ```
/// assert_eq!(ferry::Tag::parse("a b").unwrap_err().0, "a b");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a tag: use ASCII letters, digits and : _ - . % only")]
pub struct InvalidTag(pub String);

impl Tag {
    /// A tag from a literal, checked while compiling when used in a `const`
    /// (as [`tags!`](crate::tags) does). Prefer the macro.
    ///
    /// ```
    /// const INBOX: ferry::Tag = ferry::Tag::from_static("inbox");
    /// assert_eq!(INBOX.as_str(), "inbox");
    /// ```
    ///
    /// An invalid literal in a `const` fails to compile:
    ///
    /// ```compile_fail
    /// const BAD: ferry::Tag = ferry::Tag::from_static("no spaces");
    /// ```
    pub const fn from_static(name: &'static str) -> Self {
        assert!(
            is_valid(name.as_bytes()),
            "not a tag: use ASCII letters, digits and : _ - . % only"
        );
        Self(Cow::Borrowed(name))
    }

    /// A tag from text known only at run time (read from a header, say).
    ///
    /// ```
    /// assert!(ferry::Tag::parse("note:7").is_ok());
    /// assert!(ferry::Tag::parse("a,b").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Self, InvalidTag> {
        if is_valid(name.as_bytes()) {
            Ok(Self(Cow::Owned(name.to_owned())))
        } else {
            Err(InvalidTag(name.to_owned()))
        }
    }

    /// `self:part`, the tag of one thing under this one (`note:42`). The part
    /// is written with `Display`; a character that a tag cannot hold, `:`
    /// included, is escaped as `%XX`, so any value makes a tag and no value
    /// can reach into another branch.
    ///
    /// ```
    /// ferry::tags! { pub LIST = "list"; }
    /// assert_eq!(LIST.child(3).as_str(), "list:3");
    /// assert_eq!(LIST.child("a:b c").as_str(), "list:a%3Ab%20c");
    /// ```
    pub fn child(&self, part: impl fmt::Display) -> Self {
        let part = part.to_string();
        let mut name = String::with_capacity(self.0.len() + 1 + part.len());
        name.push_str(&self.0);
        name.push(':');
        for byte in part.bytes() {
            if is_plain(byte) && !matches!(byte, b'%' | b':') {
                name.push(byte as char);
            } else {
                name.push_str(&format!("%{byte:02X}"));
            }
        }
        if part.is_empty() {
            name.push('%');
        }
        Self(Cow::Owned(name))
    }

    /// The tag's text, as it travels.
    ///
    /// ```
    /// ferry::tags! { pub INBOX = "inbox"; }
    /// assert_eq!(INBOX.as_str(), "inbox");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl AsRef<str> for Tag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Whether `declared` (a mutation's tag) and `query` (a query's tag) meet:
/// equal, or one is the other's ancestor along `:`. So `note` matches
/// `note:42` and back, and `note:42` does not match `note:7`.
///
/// ```
/// ferry::tags! { pub NOTE = "note"; }
/// assert!(ferry::tags_match(&NOTE.child(42), &NOTE));
/// assert!(!ferry::tags_match(&NOTE.child(42), &NOTE.child(7)));
/// ```
pub fn tags_match(declared: &Tag, query: &Tag) -> bool {
    let (declared, query) = (declared.as_str(), query.as_str());
    let within = |short: &str, long: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with(':'))
    };
    declared == query || within(declared, query) || within(query, declared)
}

/// Declares tags as constants, checked while compiling: an invalid name is
/// a compile error, and a misspelt constant is one too.
///
/// ```
/// ferry::tags! {
///     /// The visitor's drafts.
///     pub DRAFTS = "drafts";
///     pub(crate) INBOX = "inbox";
/// }
/// assert_eq!(DRAFTS.as_str(), "drafts");
/// ```
///
/// ```compile_fail
/// ferry::tags! { pub BAD = "has,comma"; }
/// ```
#[macro_export]
macro_rules! tags {
    ($($(#[$meta:meta])* $vis:vis $name:ident = $value:literal;)*) => {
        $(
            $(#[$meta])*
            $vis const $name: $crate::Tag = $crate::Tag::from_static($value);
        )*
    };
}

const fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b':' | b'_' | b'-' | b'.' | b'%')
}

/// Letters, digits and `: _ - . %`, at least one: safe in a header, and
/// never the list separator `,` or the wildcard `*`.
const fn is_valid(bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !is_plain(bytes[i]) {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_header_safe_names_are_tags() {
        assert!(Tag::parse("note:42").is_ok() && Tag::parse("a_b-c.d%20").is_ok());
        for bad in ["", "a,b", "a b", "ü", "*", "a\r\nx: y"] {
            assert!(Tag::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn children_escape_what_a_tag_cannot_hold() {
        const LIST: Tag = Tag::from_static("list");
        assert_eq!(LIST.child(7).as_str(), "list:7");
        assert_eq!(LIST.child("x:y").as_str(), "list:x%3Ay");
        assert_eq!(LIST.child("50%").as_str(), "list:50%25");
        assert_eq!(LIST.child("").as_str(), "list:%");
        assert!(!tags_match(&LIST.child("x:y"), &LIST.child("x")));
    }

    #[test]
    fn tags_match_exactly_or_along_the_hierarchy() {
        let t = |s: &str| Tag::parse(s).unwrap();
        assert!(tags_match(&t("inbox"), &t("inbox")));
        assert!(tags_match(&t("note"), &t("note:42")));
        assert!(tags_match(&t("note:42"), &t("note")));
        assert!(!tags_match(&t("note:42"), &t("note:7")));
        assert!(!tags_match(&t("inbox"), &t("inboxes")));
    }
}
