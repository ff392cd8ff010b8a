//! Revalidation, the rules both sides share: which tags a response names,
//! how they travel (one response header), and which queries they match;
//! the tags themselves ([`Tag`]), and the server's side of a call that
//! declares them ([`crate::revalidate()`]). The browser's side is the live-query
//! registry (`client`); the server cache's, `cache`.

#[cfg(feature = "ssr")]
pub(crate) mod declare;
pub(crate) mod tag;

use tag::{Tag, tags_match};

/// The response header that carries the tags a server function changed.
/// A [`mutation`](crate::mutation) always sends it (empty when it changed
/// nothing); with no header at all, nothing is revalidated, in the browser
/// and in the server's cache alike. Private: the wire format is ferry's
/// own, free to change between versions.
pub(crate) const HEADER: &str = "x-ferry-revalidate";

/// What a finished call asks the page, and the server's cache, to refresh.
///
/// ```
/// use ferry::Revalidation;
/// ferry::tags! { pub NOTE = "note"; pub INBOX = "inbox"; }
/// let changed = Revalidation::tags([NOTE.child(4)]);
/// assert!(changed.covers(&[NOTE]) && !changed.covers(&[INBOX]));
/// assert_eq!(Revalidation::from_header(None), Revalidation::Nothing);
/// assert_eq!(Revalidation::from_header(Some(&changed.to_header())), changed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revalidation {
    /// Everything: every live query, and everything the server keeps.
    All,
    /// What shows a tag that matches one of these.
    Tags(Vec<Tag>),
    /// Nothing: the call changed no data a page shows.
    Nothing,
}

impl Revalidation {
    /// The revalidation of these tags; none at all is [`Revalidation::Nothing`].
    ///
    /// ```
    /// assert_eq!(ferry::Revalidation::tags([]), ferry::Revalidation::Nothing);
    /// ```
    pub fn tags(tags: impl IntoIterator<Item = Tag>) -> Self {
        let tags: Vec<Tag> = tags.into_iter().collect();
        if tags.is_empty() {
            Self::Nothing
        } else {
            Self::Tags(tags)
        }
    }

    /// Whether something tagged `shown` must be refreshed.
    ///
    /// ```
    /// ferry::tags! { pub NOTE = "note"; }
    /// assert!(ferry::Revalidation::tags([NOTE]).covers(&[NOTE.child(3)]));
    /// ```
    pub fn covers(&self, shown: &[Tag]) -> bool {
        match self {
            Self::All => true,
            Self::Nothing => false,
            Self::Tags(tags) => tags.iter().any(|t| shown.iter().any(|q| tags_match(t, q))),
        }
    }

    /// Reads the header's value. No header, an empty one, or one with no
    /// valid tag means [`Revalidation::Nothing`]; `*` means all.
    ///
    /// ```
    /// use ferry::Revalidation;
    /// assert_eq!(Revalidation::from_header(Some("*")), Revalidation::All);
    /// assert_eq!(Revalidation::from_header(None), Revalidation::Nothing);
    /// ```
    pub fn from_header(value: Option<&str>) -> Self {
        let Some(value) = value else {
            return Self::Nothing;
        };
        let names = value.split(',').map(str::trim).filter(|t| !t.is_empty());
        let mut tags = Vec::new();
        for name in names {
            if name == "*" {
                return Self::All;
            }
            if let Ok(tag) = Tag::parse(name) {
                tags.push(tag);
            }
        }
        Self::tags(tags)
    }

    /// The header's value: tags joined by commas, `*` for all, empty for
    /// nothing.
    ///
    /// ```
    /// ferry::tags! { pub NOTE = "note"; }
    /// assert_eq!(ferry::Revalidation::tags([NOTE, NOTE.child(2)]).to_header(), "note,note:2");
    /// ```
    pub fn to_header(&self) -> String {
        match self {
            Self::All => "*".to_owned(),
            Self::Nothing => String::new(),
            Self::Tags(tags) => {
                let names: Vec<&str> = tags.iter().map(Tag::as_str).collect();
                names.join(",")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<Tag> {
        list.iter().map(|t| Tag::parse(t).unwrap()).collect()
    }

    #[test]
    fn the_header_decodes_to_what_it_says() {
        let decode = Revalidation::from_header;
        assert_eq!(decode(None), Revalidation::Nothing);
        assert_eq!(decode(Some("")), Revalidation::Nothing);
        assert_eq!(
            decode(Some("inbox, tasks:3")),
            Revalidation::Tags(tags(&["inbox", "tasks:3"]))
        );
        // Two declarations in one call arrive joined by the browser.
        assert_eq!(
            decode(Some(", inbox")),
            Revalidation::Tags(tags(&["inbox"]))
        );
        assert_eq!(decode(Some("inbox, *")), Revalidation::All);
        assert_eq!(decode(Some("bad tag")), Revalidation::Nothing);
    }

    #[test]
    fn a_revalidation_covers_the_queries_it_names() {
        let inbox_query = tags(&["inbox"]);
        let list_query = tags(&["note:4", "list:4"]);
        let changed = Revalidation::Tags(tags(&["inbox", "list:4"]));
        assert!(changed.covers(&inbox_query) && changed.covers(&list_query));
        assert!(!Revalidation::Tags(tags(&["list:5"])).covers(&list_query));
        assert!(Revalidation::All.covers(&[]));
        assert!(!Revalidation::Nothing.covers(&inbox_query));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any header value decodes without panicking.
        #[test]
        fn any_header_decodes(value in ".{0,200}") {
            let _ = Revalidation::from_header(Some(&value));
        }

        /// Valid tags survive encoding and decoding unchanged.
        #[test]
        fn valid_tags_round_trip(names in proptest::collection::vec("[a-z0-9_.-]{1,8}(:[a-z0-9]{1,4})?", 1..6)) {
            let sent = Revalidation::tags(names.iter().map(|n| Tag::parse(n).unwrap()));
            prop_assert_eq!(Revalidation::from_header(Some(&sent.to_header())), sent);
        }

        /// Any value makes a child that is a valid tag and matches its parent.
        #[test]
        fn any_child_is_a_tag(part in ".{0,20}") {
            const ROOT: Tag = Tag::from_static("root");
            let child = ROOT.child(&part);
            prop_assert!(Tag::parse(child.as_str()).is_ok());
            prop_assert!(tags_match(&ROOT, &child));
        }
    }
}
