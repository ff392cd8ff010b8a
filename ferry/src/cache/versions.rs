//! When each tag was last revalidated, on a counter: something kept since
//! `n` is stale when a tag it shows, an ancestor or a descendant of one,
//! was revalidated after `n`. Checked on every read, so a revalidation
//! takes effect at once, however many entries it touches.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use crate::revalidate::Revalidation;
use crate::revalidate::tag::Tag;

/// Past this many distinct tags, the record is cleared and everything kept
/// counts as stale: memory stays bounded, and being wrong means a refetch.
const MAX_TAGS: usize = 10_000;

#[derive(Default)]
pub(super) struct Versions(RwLock<Record>);

#[derive(Default)]
struct Record {
    clock: u64,
    /// The last revalidation of everything.
    all: u64,
    /// The last revalidation naming exactly this tag.
    named: HashMap<String, u64>,
    /// The last revalidation of this tag or one below it.
    within: HashMap<String, u64>,
}

impl Versions {
    /// The counter now: stamp what is about to be computed with it.
    pub fn now(&self) -> u64 {
        self.0.read().unwrap_or_else(PoisonError::into_inner).clock
    }

    /// Records a revalidation.
    pub fn revalidate(&self, revalidation: &Revalidation) {
        let mut record = self.0.write().unwrap_or_else(PoisonError::into_inner);
        let tags = match revalidation {
            Revalidation::Nothing => return,
            Revalidation::Tags(tags) => tags,
            _ => &Vec::new(), // All, and anything a later version adds
        };
        record.clock += 1;
        let clock = record.clock;
        if tags.is_empty() || record.named.len() + tags.len() > MAX_TAGS {
            record.all = clock;
            record.named.clear();
            record.within.clear();
            return;
        }
        for tag in tags {
            record.named.insert(tag.as_str().to_owned(), clock);
            for prefix in prefixes(tag.as_str()) {
                record.within.insert(prefix.to_owned(), clock);
            }
        }
    }

    /// Whether something computed at `since`, showing `tags`, is stale.
    pub fn stale(&self, tags: &[Tag], since: u64) -> bool {
        let record = self.0.read().unwrap_or_else(PoisonError::into_inner);
        let after =
            |map: &HashMap<String, u64>, key: &str| map.get(key).is_some_and(|v| *v > since);
        record.all > since
            || tags.iter().any(|tag| {
                after(&record.within, tag.as_str())
                    || prefixes(tag.as_str()).any(|p| after(&record.named, p))
            })
    }
}

/// `a`, `a:b`, `a:b:c` for `a:b:c`.
fn prefixes(tag: &str) -> impl Iterator<Item = &str> {
    tag.match_indices(':')
        .map(|(i, _)| &tag[..i])
        .chain(std::iter::once(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<Tag> {
        list.iter().map(|t| Tag::parse(t).unwrap()).collect()
    }

    #[test]
    fn a_revalidation_reaches_ancestors_and_descendants_only() {
        let versions = Versions::default();
        let since = versions.now();
        versions.revalidate(&Revalidation::Tags(tags(&["note:3"])));
        assert!(versions.stale(&tags(&["note"]), since), "all notes show 3");
        assert!(versions.stale(&tags(&["note:3"]), since));
        assert!(versions.stale(&tags(&["note:3:title"]), since));
        assert!(!versions.stale(&tags(&["note:7"]), since));
        assert!(!versions.stale(&tags(&["notes", "inbox"]), since));
        assert!(
            !versions.stale(&tags(&["note"]), versions.now()),
            "kept after it"
        );
        versions.revalidate(&Revalidation::Tags(tags(&["note"])));
        assert!(versions.stale(&tags(&["note:7"]), since));
    }

    #[test]
    fn everything_and_nothing() {
        let versions = Versions::default();
        let since = versions.now();
        versions.revalidate(&Revalidation::Nothing);
        assert!(!versions.stale(&tags(&["a"]), since));
        versions.revalidate(&Revalidation::All);
        assert!(versions.stale(&[], since));
    }

    #[test]
    fn too_many_tags_clear_the_record_and_age_everything() {
        let versions = Versions::default();
        let since = versions.now();
        for i in 0..MAX_TAGS + 1 {
            versions.revalidate(&Revalidation::Tags(vec![
                Tag::parse(&format!("t:{i}")).unwrap(),
            ]));
        }
        let record = versions.0.read().unwrap();
        assert!(record.named.len() <= MAX_TAGS);
        drop(record);
        assert!(versions.stale(&tags(&["other"]), since));
    }
}
