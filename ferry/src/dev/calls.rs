//! The server's side of each call, kept for the page in development: every
//! log line written inside a request's span and every span's time, by the
//! request's id (`x-request-id`), so that a call made by the page can be
//! read beside the server's account of it without leaving the page.
//! Bounded: the latest [`KEPT_REQUESTS`] requests, [`KEPT_LINES`] entries
//! each. Installed by [`crate::logging::init_logging`] in a debug build.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use serde::Serialize;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// How many requests are kept: the oldest goes first.
pub(crate) const KEPT_REQUESTS: usize = 256;
/// How many entries one request keeps; the rest are counted, not kept.
pub(crate) const KEPT_LINES: usize = 64;

/// One thing the server did for a request.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum Entry {
    /// A log line: its level, where it came from, its message and fields.
    Line {
        level: String,
        target: String,
        text: String,
    },
    /// A span that closed, and how long it was open.
    Span { name: String, ms: f64 },
}

/// What the server did for one request.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub(crate) struct Call {
    pub(crate) entries: Vec<Entry>,
    /// Entries past [`KEPT_LINES`], dropped.
    pub(crate) dropped: usize,
}

#[derive(Default)]
struct Calls(Mutex<VecDeque<(String, Call)>>);

impl Calls {
    fn push(&self, id: &str, entry: Entry) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = match calls.iter().rposition(|(kept, _)| kept == id) {
            Some(index) => index,
            None => {
                if calls.len() == KEPT_REQUESTS {
                    calls.pop_front();
                }
                calls.push_back((id.to_owned(), Call::default()));
                calls.len() - 1
            }
        };
        let call = &mut calls[index].1;
        match call.entries.len() < KEPT_LINES {
            true => call.entries.push(entry),
            false => call.dropped += 1,
        }
    }

    fn get(&self, id: &str) -> Option<Call> {
        let calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        calls
            .iter()
            .rev()
            .find(|(kept, _)| kept == id)
            .map(|(_, call)| call.clone())
    }
}

fn calls() -> &'static Calls {
    static CALLS: OnceLock<Calls> = OnceLock::new();
    CALLS.get_or_init(Calls::default)
}

/// What the server logged for the request `id`, if it is still kept.
pub(crate) fn call(id: &str) -> Option<Call> {
    calls().get(id)
}

/// The tracing layer that keeps each request's lines and span times.
pub(crate) struct CallLog;

/// Put on a span inside a request: the request's id and when it opened.
struct InRequest {
    id: String,
    opened: Instant,
}

impl<S> tracing_subscriber::Layer<S> for CallLog
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let own = (span.name() == "request")
            .then(|| {
                let mut id = RequestId::default();
                attrs.record(&mut id);
                id.0
            })
            .flatten();
        let inherited = || {
            span.parent()
                .and_then(|parent| parent.extensions().get::<InRequest>().map(|r| r.id.clone()))
        };
        if let Some(request) = own.or_else(inherited) {
            span.extensions_mut().insert(InRequest {
                id: request,
                opened: Instant::now(),
            });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let Some(id) = span.extensions().get::<InRequest>().map(|r| r.id.clone()) else {
            return;
        };
        let mut fields = Fields::default();
        event.record(&mut fields);
        let metadata = event.metadata();
        calls().push(
            &id,
            Entry::Line {
                level: metadata.level().to_string(),
                target: metadata.target().to_owned(),
                text: fields.text,
            },
        );
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let extensions = span.extensions();
        let Some(request) = extensions.get::<InRequest>() else {
            return;
        };
        let ms = request.opened.elapsed().as_secs_f64() * 1000.0;
        let name = span.name().to_owned();
        calls().push(&request.id, Entry::Span { name, ms });
    }
}

/// An event's message and fields as one line (`message key=value ...`).
#[derive(Default)]
struct Fields {
    text: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        let _ = match field.name() {
            "message" => write!(self.text, "{value:?}"),
            name => write!(self.text, "{name}={value:?}"),
        };
    }
}

/// A `request` span's `id` (recorded with `%`, so as `Debug` of its
/// `Display`).
#[derive(Default)]
struct RequestId(Option<String>);

impl Visit for RequestId {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "id" {
            self.0 = Some(format!("{value:?}"));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "id" {
            self.0 = Some(value.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt as _;

    #[test]
    fn a_requests_lines_and_span_times_are_kept_under_its_id() {
        let subscriber = tracing_subscriber::registry().with(CallLog);
        tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!("request", id = %"calls-test-1");
            let _entered = request.enter();
            tracing::info!(notes = 3, "kept the note");
            let call = tracing::info_span!("server_fn", function = "notes/add");
            call.in_scope(|| tracing::warn!("stock is low"));
            drop(call);
        });
        let kept = call("calls-test-1").expect("the request is kept");
        assert_eq!(kept.dropped, 0);
        assert!(
            matches!(
                &kept.entries[0],
                Entry::Line { level, text, .. } if level == "INFO" && text == "kept the note notes=3"
            ),
            "{kept:?}"
        );
        assert!(
            matches!(
                &kept.entries[1],
                Entry::Line { level, text, .. } if level == "WARN" && text == "stock is low"
            ),
            "{kept:?}"
        );
        assert!(
            matches!(&kept.entries[2], Entry::Span { name, ms } if name == "server_fn" && *ms >= 0.0),
            "{kept:?}"
        );
        assert_eq!(call("no-such-request"), None);
    }

    #[test]
    fn only_the_latest_requests_and_lines_are_kept() {
        let calls = Calls::default();
        for n in 0..KEPT_REQUESTS + 1 {
            calls.push(
                &format!("r{n}"),
                Entry::Span {
                    name: "s".into(),
                    ms: 1.0,
                },
            );
        }
        assert_eq!(calls.get("r0"), None, "the oldest went");
        for _ in 0..KEPT_LINES + 5 {
            calls.push(
                "r1",
                Entry::Span {
                    name: "s".into(),
                    ms: 1.0,
                },
            );
        }
        let kept = calls.get("r1").unwrap();
        assert_eq!((kept.entries.len(), kept.dropped), (KEPT_LINES, 6));
    }
}
