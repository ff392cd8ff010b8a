//! A mutation that redirects (a new note to its own page) sends the
//! browser to a page that has not fetched anything yet. To answer that
//! page's reads in the same response, the server renders it once, with a
//! [`Capture`] on the request: each `#[ferry::read]` the render calls
//! records the key the browser will send for it (its path and its
//! arguments, encoded as the browser encodes them), and those keys are
//! then answered like the reads the page held.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures::Stream;
use http::Method;
use leptos::server_fn::codec::IntoReq;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};

use super::ReadKey;
use crate::revalidate::tag::Tag;

/// What a page render made, when the render was asked to learn it: the
/// keys of its reads, and the tags of its queries.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Captured>>);

#[derive(Default)]
struct Captured {
    keys: Vec<ReadKey>,
    tags: Vec<Tag>,
}

impl Capture {
    pub fn keys(&self) -> Vec<ReadKey> {
        self.lock().keys.clone()
    }

    /// The tags of every query the page made.
    pub fn tags(&self) -> Vec<Tag> {
        self.lock().tags.clone()
    }

    pub fn add_tags(&self, tags: &[Tag]) {
        let mut captured = self.lock();
        for tag in tags {
            if !captured.tags.contains(tag) {
                captured.tags.push(tag.clone());
            }
        }
    }

    fn add(&self, key: ReadKey) {
        let mut captured = self.lock();
        if !captured.keys.contains(&key) {
            captured.keys.push(key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Captured> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether a request's render is to learn its reads (it must really render,
/// not come from the page cache, its one caller).
#[cfg(feature = "cache")]
pub(crate) fn requested<B>(request: &axum::http::Request<B>) -> bool {
    request.extensions().get::<Capture>().is_some()
}

/// The capture on the current request, if its render is to learn its reads.
pub(crate) fn current() -> Option<Capture> {
    leptos::prelude::use_context::<axum::http::request::Parts>()?
        .extensions
        .get::<Capture>()
        .cloned()
}

/// A read's arguments, borrowed, to record their key.
pub struct Probe<'a, S>(pub &'a S);

/// Records the key of a read whose arguments the browser sends as text.
pub trait Record {
    fn record(&self);
}

/// Any other read (a websocket, a binary encoding): nothing to record; the
/// page fetches it itself.
pub trait Skip {
    fn record(&self);
}

/// The input encoding of an HTTP server function.
pub trait InputOf {
    type Input;
}

impl<I, O> InputOf for Http<I, O> {
    type Input = I;
}

impl<S> Record for Probe<'_, S>
where
    S: ServerFn + Clone,
    S::Protocol: InputOf,
    S: IntoReq<<S::Protocol as InputOf>::Input, KeyOnly, S::Error>,
{
    fn record(&self) {
        let Some(capture) = current() else { return };
        if let Ok(KeyOnly(key)) = self.0.clone().into_req(S::PATH, "") {
            capture.add(key);
        }
    }
}

impl<S> Skip for &Probe<'_, S> {
    fn record(&self) {}
}

/// A "request" that only keeps what identifies a read.
pub struct KeyOnly(ReadKey);

fn key(method: &Method, path: &str, content_type: &str, arguments: &str) -> KeyOnly {
    KeyOnly(ReadKey {
        method: method.as_str().to_owned(),
        path: path.to_owned(),
        body: arguments.to_owned(),
        content_type: content_type.to_owned(),
    })
}

fn unsupported<E: FromServerFnError>() -> E {
    E::from_server_fn_error(ServerFnErrorErr::Request(
        "only text arguments are answered inline".into(),
    ))
}

impl<E: FromServerFnError> ClientReq<E> for KeyOnly {
    type FormData = ();

    fn try_new_req_query(
        path: &str,
        content_type: &str,
        _accepts: &str,
        query: &str,
        method: Method,
    ) -> Result<Self, E> {
        Ok(key(&method, path, content_type, query))
    }

    fn try_new_req_text(
        path: &str,
        content_type: &str,
        _accepts: &str,
        body: String,
        method: Method,
    ) -> Result<Self, E> {
        Ok(key(&method, path, content_type, &body))
    }

    fn try_new_req_bytes(_: &str, _: &str, _: &str, _: Bytes, _: Method) -> Result<Self, E> {
        Err(unsupported())
    }

    fn try_new_req_form_data(_: &str, _: &str, _: &str, _: (), _: Method) -> Result<Self, E> {
        Err(unsupported())
    }

    fn try_new_req_multipart(_: &str, _: &str, _: (), _: Method) -> Result<Self, E> {
        Err(unsupported())
    }

    fn try_new_req_streaming(
        _: &str,
        _: &str,
        _: &str,
        _: impl Stream<Item = Bytes> + Send + 'static,
        _: Method,
    ) -> Result<Self, E> {
        Err(unsupported())
    }
}
