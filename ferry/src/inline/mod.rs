//! One round trip per mutation: the page tells the server which reads its
//! live queries make, and the mutation's response carries the fresh answers
//! of those whose tags it revalidated, so the queries refresh without
//! another request. This is the wire format both sides share, ferry's own
//! (private, free to change between versions):
//!
//! - Request header `x-ferry-queries`: the held reads, as base64url JSON
//!   (`[{"t":"inbox","m":"POST","p":"/api/inbox/get","b":"","c":"…"}]`), at
//!   most 6 KiB. Only the browser's ferry client sends it.
//! - Request header `x-ferry-page`: the page the call is made from (path
//!   and query). When the page's render shows a tag the call revalidated,
//!   the answers end with the page itself, rendered again after the call
//!   (key `GET`, the path, the query, `text/html`), for a client that
//!   patches the page rather than refetching (islands).
//! - Response header `x-ferry-inline`: the length of the mutation's own
//!   body; the answers follow it in the same body, as JSON. Only a
//!   successful call that revalidated something, asked by a request with
//!   the header above, gets it: everyone else gets Leptos's format as is.

#[cfg(feature = "ssr")]
pub(crate) mod capture;
#[cfg(feature = "ssr")]
pub(crate) mod server;

// The header is written by the browser's side and read by the server's.
#[cfg(any(feature = "ssr", feature = "hydrate", test))]
use base64::Engine as _;
#[cfg(any(feature = "ssr", feature = "hydrate", test))]
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The request header that lists the reads the page's live queries make.
/// This and the constants below are the wire format, ferry's own: private,
/// free to change between versions.
#[cfg_attr(not(any(feature = "ssr", feature = "hydrate")), allow(dead_code))]
pub(crate) const QUERIES_HEADER: &str = "x-ferry-queries";
/// The request header naming the page a call is made from, to have the
/// page rendered again in the call's answer when it shows what changed.
#[cfg(any(feature = "ssr", all(feature = "hydrate", feature = "islands")))]
pub(crate) const PAGE_HEADER: &str = "x-ferry-page";
/// The response header that says the body ends with inline answers, and
/// where they start.
pub(crate) const INLINE_HEADER: &str = "x-ferry-inline";
/// The response header on every read: a number that grows with each read
/// the server starts (microseconds since the epoch, made unique), so the
/// browser can tell an older answer from a newer one and never shows the
/// older after the newer, even when two processes answered them.
pub(crate) const SEQUENCE_HEADER: &str = "x-ferry-seq";
/// The largest [`QUERIES_HEADER`] sent: proxies refuse long header lines
/// (nginx's default buffer is 8 KiB); reads that do not fit are refetched.
pub(crate) const MAX_HELD_BYTES: usize = 6 * 1024;
const _: () = assert!(
    MAX_HELD_BYTES < 8 * 1024,
    "under nginx's default line buffer"
);

/// One read as the browser sends it: what identifies its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct ReadKey {
    /// `GET` (arguments in the query string) or `POST`.
    #[serde(rename = "m")]
    pub method: String,
    #[serde(rename = "p")]
    pub path: String,
    /// The arguments: the body of a `POST`, the query string of a `GET`.
    #[serde(rename = "b")]
    pub body: String,
    #[serde(rename = "c")]
    pub content_type: String,
}

/// A read a live query makes, with the query's tags (joined by commas).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(any(feature = "ssr", feature = "hydrate")), allow(dead_code))]
pub(crate) struct Held {
    #[serde(rename = "t")]
    pub tags: String,
    #[serde(flatten)]
    pub key: ReadKey,
}

/// A read answered inline: its key, its status and its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Answer {
    #[serde(flatten)]
    pub key: ReadKey,
    #[serde(rename = "s")]
    pub status: u16,
    #[serde(rename = "d")]
    pub data: String,
    /// When the read started, as the `x-ferry-seq` header counts.
    #[serde(rename = "v")]
    pub sequence: u64,
}

/// The header value for these reads: as many as fit in
/// [`MAX_HELD_BYTES`], in order. Sent even when the page holds none, since
/// it also asks for the reads of the page a mutation redirects to.
#[cfg(any(feature = "hydrate", test))]
pub(crate) fn encode_held(held: &[Held]) -> String {
    let mut count = held.len();
    loop {
        let json = serde_json::to_vec(&held[..count]).unwrap_or_default();
        let value = URL_SAFE_NO_PAD.encode(json);
        if value.len() <= MAX_HELD_BYTES || count == 0 {
            return value;
        }
        count -= 1;
    }
}

/// The reads a header value lists; anything unreadable lists none.
#[cfg(any(feature = "ssr", test))]
pub(crate) fn decode_held(value: &str) -> Vec<Held> {
    if value.len() > MAX_HELD_BYTES {
        return Vec::new();
    }
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(path: &str, body: &str) -> Held {
        Held {
            tags: "inbox".into(),
            key: ReadKey {
                method: "POST".into(),
                path: path.into(),
                body: body.into(),
                content_type: "application/x-www-form-urlencoded".into(),
            },
        }
    }

    #[test]
    fn held_reads_round_trip_through_the_header() {
        let reads = vec![held("/api/inbox/get", ""), held("/api/notes/get", "id=7")];
        let value = encode_held(&reads);
        assert!(value.bytes().all(|b| b.is_ascii_graphic()), "{value}");
        assert_eq!(decode_held(&value), reads);
    }

    #[test]
    fn too_many_reads_are_cut_to_fit_and_junk_lists_none() {
        let reads: Vec<Held> = (0..500)
            .map(|i| held("/api/notes/get", &format!("id={i}&pad=ééééé")))
            .collect();
        let value = encode_held(&reads);
        assert!(value.len() <= MAX_HELD_BYTES);
        let kept = decode_held(&value);
        assert!(!kept.is_empty() && kept.len() < reads.len());
        assert_eq!(kept[..], reads[..kept.len()]);
        assert!(decode_held("not base64 !").is_empty());
        assert!(decode_held(&URL_SAFE_NO_PAD.encode(b"{}")).is_empty());
        assert_eq!(decode_held(&encode_held(&[])), []);
    }
}
