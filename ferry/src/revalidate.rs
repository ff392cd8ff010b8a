//! Revalidation, the rules both sides share: which tags a response names,
//! how they travel (one response header), and which queries they match.

/// The response header that carries the tags a server function changed.
pub const HEADER: &str = "x-ferry-revalidate";

/// What a finished call asks the page to refetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revalidation {
    /// Every live query (what a call that declared nothing gets by default).
    All,
    /// The queries with a tag that matches one of these.
    Tags(Vec<String>),
    /// Nothing: the call changed no data the page shows.
    Nothing,
}

impl Revalidation {
    /// Whether a query tagged `query_tags` must refetch.
    pub fn covers(&self, query_tags: &[String]) -> bool {
        match self {
            Self::All => true,
            Self::Nothing => false,
            Self::Tags(tags) => tags
                .iter()
                .any(|t| query_tags.iter().any(|q| tags_match(t, q))),
        }
    }

    /// Reads the header's value; no header at all means `default`.
    pub fn from_header(value: Option<&str>, default: Revalidation) -> Self {
        let Some(value) = value else { return default };
        let tags: Vec<String> = value
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if tags.iter().any(|t| t == "*") {
            Self::All
        } else if tags.is_empty() {
            Self::Nothing
        } else {
            Self::Tags(tags)
        }
    }
}

/// Tags are hierarchical with `:`. A declared tag matches a query's tag when
/// they are equal or one is the other's prefix up to a `:`: revalidating
/// `note` refreshes `note:42`, and revalidating `note:42` refreshes
/// a query of every note (`note`), but not `note:7`.
pub fn tags_match(declared: &str, query: &str) -> bool {
    let within = |short: &str, long: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with(':'))
    };
    declared == query || within(declared, query) || within(query, declared)
}

/// Whether a tag can travel in a header unchanged: letters, digits and
/// `: _ - .` only.
pub fn is_valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn tags_match_exactly_or_along_the_hierarchy() {
        assert!(tags_match("inbox", "inbox"));
        assert!(tags_match("note", "note:42"));
        assert!(tags_match("note:42", "note"));
        assert!(!tags_match("note:42", "note:7"));
        assert!(!tags_match("inbox", "inboxes"));
        assert!(!tags_match("tasks", "inbox"));
    }

    #[test]
    fn the_header_decodes_to_what_it_says() {
        let all = || Revalidation::All;
        assert_eq!(Revalidation::from_header(None, all()), Revalidation::All);
        assert_eq!(
            Revalidation::from_header(None, Revalidation::Nothing),
            Revalidation::Nothing
        );
        assert_eq!(
            Revalidation::from_header(Some(""), all()),
            Revalidation::Nothing
        );
        assert_eq!(
            Revalidation::from_header(Some("inbox, tasks:3"), all()),
            Revalidation::Tags(tags(&["inbox", "tasks:3"]))
        );
        // Two declarations in one call arrive joined by the browser.
        assert_eq!(
            Revalidation::from_header(Some(", inbox"), all()),
            Revalidation::Tags(tags(&["inbox"]))
        );
        assert_eq!(
            Revalidation::from_header(Some("inbox, *"), all()),
            Revalidation::All
        );
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

    #[test]
    fn only_header_safe_tags_are_valid() {
        assert!(is_valid_tag("note:42") && is_valid_tag("a_b-c.d"));
        for bad in ["", "a,b", "a b", "ü", "*", "a\r\nx: y"] {
            assert!(!is_valid_tag(bad), "{bad:?}");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any header value decodes without panicking, and valid tags
        /// survive encoding and decoding unchanged.
        #[test]
        fn any_header_decodes(value in ".{0,200}") {
            let _ = Revalidation::from_header(Some(&value), Revalidation::All);
        }

        #[test]
        fn valid_tags_round_trip(tags in proptest::collection::vec("[a-z0-9_.-]{1,8}(:[a-z0-9]{1,4})?", 1..6)) {
            let header = tags.join(",");
            prop_assert_eq!(Revalidation::from_header(Some(&header), Revalidation::Nothing), Revalidation::Tags(tags.clone()));
            for tag in &tags {
                prop_assert!(is_valid_tag(tag) && tags_match(tag, tag));
            }
        }
    }
}
