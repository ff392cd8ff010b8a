//! What a notification says: who sent it and what it revalidated, as
//! `origin;tags` with the tags as the revalidation header writes them.

use std::fmt;

use crate::revalidate::Revalidation;

/// PostgreSQL refuses a payload of 8,000 bytes or more; past this, a
/// revalidation is sent as everything.
const MAX_BYTES: usize = 7_900;

/// One notification's text.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Payload {
    pub origin: String,
    pub revalidation: Revalidation,
}

impl Payload {
    pub fn new(origin: &str, revalidation: &Revalidation) -> Self {
        let fits = origin.len() + 1 + revalidation.to_header().len() <= MAX_BYTES;
        Self {
            origin: origin.to_owned(),
            revalidation: if fits {
                revalidation.clone()
            } else {
                Revalidation::All
            },
        }
    }

    /// The payload in `text`, or `None` if it is not one ferry wrote.
    pub fn parse(text: &str) -> Option<Self> {
        let (origin, tags) = text.split_once(';')?;
        let revalidation = Revalidation::from_header(Some(tags));
        // An empty revalidation is never sent, so one means a bad payload.
        (revalidation != Revalidation::Nothing).then(|| Self {
            origin: origin.to_owned(),
            revalidation,
        })
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{};{}", self.origin, self.revalidation.to_header())
    }
}

/// Both revalidations as one: everything if either is, else the tags of both.
pub(super) fn merge(first: Revalidation, second: Revalidation) -> Revalidation {
    match (first, second) {
        (Revalidation::Nothing, other) | (other, Revalidation::Nothing) => other,
        (Revalidation::Tags(mut tags), Revalidation::Tags(more)) => {
            for tag in more {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            Revalidation::Tags(tags)
        }
        _ => Revalidation::All,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revalidate::tag::Tag;

    fn tags(names: &[&str]) -> Revalidation {
        Revalidation::tags(names.iter().map(|n| Tag::parse(n).unwrap()))
    }

    #[test]
    fn round_trips_tags_and_everything() {
        for revalidation in [tags(&["note", "note:3"]), Revalidation::All] {
            let text = Payload::new("p1", &revalidation).to_string();
            let back = Payload::parse(&text).unwrap();
            assert_eq!(
                (back.origin.as_str(), back.revalidation),
                ("p1", revalidation)
            );
        }
    }

    #[test]
    fn too_many_tags_for_one_notification_become_everything() {
        let names: Vec<String> = (0..2_000).map(|i| format!("note:{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let payload = Payload::new("p1", &tags(&names));
        assert_eq!(payload.revalidation, Revalidation::All);
        assert!(payload.to_string().len() < MAX_BYTES);
    }

    #[test]
    fn foreign_text_is_not_a_payload() {
        for text in ["", "no separator", "p1;", "p1; ,"] {
            assert_eq!(Payload::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn merging_keeps_every_tag_once_and_everything_wins() {
        assert_eq!(merge(tags(&["a"]), tags(&["b", "a"])), tags(&["a", "b"]));
        assert_eq!(merge(Revalidation::Nothing, tags(&["a"])), tags(&["a"]));
        assert_eq!(merge(tags(&["a"]), Revalidation::All), Revalidation::All);
    }
}
