//! The browser side of server-function calls: [`Client`] reads what each
//! finished call changed, and the registry refetches the live queries it
//! names; [`ReadClient`] is for the reads those queries make. In debug
//! builds both write one console line per call. A mutation's request also
//! lists the reads the page's live queries make, and the answers its
//! response brings are served to those queries without the network (see
//! [`crate::inline`]). `#[ferry::mutation]` and
//! `#[ferry::read]` choose between them; name them yourself only in a plain
//! `#[server(client = ...)]`.

use std::future::Future;

use bytes::Bytes;
use futures::{Sink, Stream};
use http::HeaderMap;
use leptos::server_fn::client::Client as ServerFnClient;
use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::response::ClientRes;
use leptos::server_fn::response::browser::BrowserResponse;

use crate::inline::{Answer, INLINE_HEADER, SEQUENCE_HEADER};
use crate::revalidate::Revalidation;

mod first;
#[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
pub(crate) mod inspect;
mod registry;
mod wire;

#[cfg(feature = "hydrate")]
pub(crate) use registry::discover;
#[cfg(all(feature = "hydrate", feature = "islands"))]
pub(crate) use registry::twins;
#[cfg(feature = "hydrate")]
pub(crate) use registry::{known_as, queries_reading, reads_of};
pub(crate) use registry::{new_id, register, track};
// The clients' request and response types: named by their trait impls
// only, so they are no part of the API and may change with the wire format.
use wire::{Local, Request, Response};

/// The server-function client of a [`mutation`](crate::mutation). It is
/// Leptos's browser client plus one step: when a call succeeds, the queries
/// whose tags its response names refetch. It applies however the function
/// is called: `<ActionForm>`, a dispatched action, or a plain `.await` in an
/// event handler. A response that names nothing refreshes nothing (in a
/// debug build, the console says so). Until one mutation has succeeded in
/// the page, a mutation sent while another is in flight waits for its
/// answer, so a session cookie that answer sets goes with it.
///
/// ```
/// // What #[ferry::mutation] writes for you; by hand it is:
/// # use leptos::prelude::*;
/// #[server(endpoint = "doc/touch", client = ferry::Client)]
/// pub async fn touch() -> Result<(), ferry::Error> {
///     Ok(())
/// }
/// ```
pub struct Client;

/// The server-function client of a [`read`](crate::read): Leptos's browser
/// client with the development console line, and no revalidation.
///
/// ```
/// // What #[ferry::read] writes for you; by hand it is:
/// # use leptos::prelude::*;
/// #[server(endpoint = "doc/peek", client = ferry::ReadClient)]
/// pub async fn peek() -> Result<u32, ferry::Error> {
///     Ok(1)
/// }
/// ```
pub struct ReadClient;

/// What both clients do as Leptos's browser client does.
macro_rules! like_the_browser_client {
    () => {
        #[allow(clippy::type_complexity)]
        fn open_websocket(
            path: &str,
        ) -> impl Future<
            Output = Result<
                (
                    impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                    impl Sink<Bytes> + Send + 'static,
                ),
                E,
            >,
        > + Send {
            <BrowserClient as ServerFnClient<E, IS, OS>>::open_websocket(path)
        }

        fn spawn(future: impl Future<Output = ()> + Send + 'static) {
            <BrowserClient as ServerFnClient<E, IS, OS>>::spawn(future)
        }
    };
}

impl<E, IS, OS> ServerFnClient<E, IS, OS> for Client
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = Request;
    type Response = Response;

    fn send(mut req: Request) -> impl Future<Output = Result<Response, E>> + Send {
        let call = console::Call::start(&req.inner);
        #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
        let id = inspect::start("mutation", call.path(), req.key.as_ref(), None);
        let turn = first::take();
        async move {
            let first = first::wait(turn).await;
            registry::attach_held(&mut req.inner);
            let response = <BrowserClient as ServerFnClient<E, IS, OS>>::send(req.inner).await?;
            let status = <BrowserResponse as ClientRes<E>>::status(&response);
            if let Some(first) = first
                && (200..400).contains(&status)
            {
                first.succeeded();
            }
            call.finish(status);
            let headers = response.generate_headers();
            let response = take_answers::<E>(status, response, &headers).await?;
            #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
            let response = inspected::<E>(id, status, response, &headers).await?;
            #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
            inspect::finished(id);
            revalidate_after(status, &headers, &call);
            Ok(response)
        }
    }

    like_the_browser_client!();
}

impl<E, IS, OS> ServerFnClient<E, IS, OS> for ReadClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = Request;
    type Response = Response;

    fn send(req: Request) -> impl Future<Output = Result<Response, E>> + Send {
        let discovering = registry::note_read(req.key.as_ref());
        let answer = (!discovering)
            .then(|| req.key.as_ref().and_then(registry::take_answer))
            .flatten();
        let call = console::Call::start(&req.inner);
        let key = req.key.clone();
        #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
        let query = registry::current();
        #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
        if discovering && let Some(query) = query {
            inspect::reads(query, call.path(), key.as_ref());
        }
        #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
        let id = (!discovering && answer.is_none())
            .then(|| inspect::start("read", call.path(), key.as_ref(), query));
        let sent = (!discovering && answer.is_none())
            .then(|| <BrowserClient as ServerFnClient<E, IS, OS>>::send(req.inner));
        async move {
            if let Some(local) = answer {
                call.inline(local.status);
                #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
                inspect::inline(call.path(), key.as_ref(), query, local.status, &local.body);
                return Ok(Response::Local(local));
            }
            let Some(sent) = sent else {
                // Only finding out which read a query makes: never sent.
                let never: std::convert::Infallible = std::future::pending().await;
                match never {}
            };
            let response = sent.await?;
            call.finish(<BrowserResponse as ClientRes<E>>::status(&response));
            let sequence = response
                .generate_headers()
                .get(SEQUENCE_HEADER)
                .and_then(|v| v.to_str().ok()?.parse().ok());
            if let (Some(key), Some(sequence)) = (&key, sequence) {
                registry::saw(key, sequence);
            }
            #[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
            if let Some(id) = id {
                let status = <BrowserResponse as ClientRes<E>>::status(&response);
                let headers = response.generate_headers();
                return inspected::<E>(id, status, Response::Network(response), &headers).await;
            }
            Ok(Response::Network(response))
        }
    }

    like_the_browser_client!();
}

/// Takes the inline answers off a mutation's response, if it brought any,
/// and keeps them for the queries about to refetch; the function's own
/// body is what Leptos decodes, as if they had never been there.
async fn take_answers<E: FromServerFnError>(
    status: u16,
    response: BrowserResponse,
    headers: &HeaderMap,
) -> Result<Response, E> {
    let offset = headers
        .get(INLINE_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let Some(offset) = offset else {
        // None of its own: the answers another call left, which may
        // predate this call's change, must not serve its refetches.
        registry::keep_answers(Vec::new());
        return Ok(Response::Network(response));
    };
    let mut body = <BrowserResponse as ClientRes<E>>::try_into_bytes(response).await?;
    if offset <= body.len() {
        let answers = body.split_off(offset);
        let answers: Vec<Answer> = serde_json::from_slice(&answers).unwrap_or_default();
        registry::keep_answers(answers);
    }
    Ok(Response::Local(Local {
        status,
        headers: headers.clone(),
        body,
    }))
}

/// Tells the inspector how a call ended, with its body when it is text
/// (read here whole, and handed on from memory).
#[cfg(all(feature = "hydrate", debug_assertions, not(ferry_inspector_off)))]
async fn inspected<E: FromServerFnError>(
    id: u64,
    status: u16,
    response: Response,
    headers: &HeaderMap,
) -> Result<Response, E> {
    let (response, body) = match response {
        Response::Network(network) if inspect::wants_body(status, headers) => {
            let body = <BrowserResponse as ClientRes<E>>::try_into_bytes(network).await?;
            let local = Local {
                status,
                headers: headers.clone(),
                body: body.clone(),
            };
            (Response::Local(local), Some(body))
        }
        Response::Local(local) => {
            let body = local.body.clone();
            (Response::Local(local), Some(body))
        }
        network => (network, None),
    };
    inspect::finish(id, status, headers, body.as_deref());
    Ok(response)
}

/// A failed call changed nothing: only a success revalidates. No header
/// means nothing, as in the server's cache.
fn revalidate_after(status: u16, headers: &HeaderMap, call: &console::Call) {
    if !(200..400).contains(&status) {
        return;
    }
    let value = headers
        .get(crate::revalidate::HEADER)
        .and_then(|v| v.to_str().ok());
    if value.is_none() {
        call.undeclared();
    }
    registry::apply(Revalidation::from_header(value));
}

#[cfg(all(feature = "hydrate", debug_assertions))]
mod console {
    //! Development only: one console line per call, such as
    //! `ferry: notes/add 200 ok in 12 ms`.

    use leptos::server_fn::request::browser::BrowserRequest;

    pub struct Call {
        name: String,
        started: f64,
    }

    impl Call {
        /// The function's path, such as `/api/notes/add`.
        #[cfg_attr(ferry_inspector_off, allow(dead_code))]
        pub fn path(&self) -> &str {
            &self.name
        }

        pub fn start(request: &BrowserRequest) -> Self {
            let url = request.url();
            Self {
                name: path_of(&url).to_owned(),
                started: js_sys::Date::now(),
            }
        }

        pub fn finish(&self, status: u16) {
            let outcome = crate::Outcome::of_status(status);
            let ms = js_sys::Date::now() - self.started;
            let line = format!(
                "ferry: {} {status} {} in {ms:.0} ms",
                self.name,
                outcome.as_str()
            );
            match outcome {
                crate::Outcome::Ok => leptos::logging::log!("{line}"),
                _ => leptos::logging::warn!("{line}"),
            }
        }

        /// A read answered by a mutation's response, without the network.
        pub fn inline(&self, status: u16) {
            leptos::logging::log!("ferry: {} {status} answered inline", self.name);
        }

        /// A call through the mutation client whose response named nothing.
        pub fn undeclared(&self) {
            leptos::logging::warn!(
                "ferry: {} answered without the x-ferry-revalidate header, so nothing \
                 refreshes. A #[ferry::mutation] always sends it: either this function \
                 is a plain #[server] with client = ferry::Client (make it a \
                 #[ferry::mutation] that says what it revalidates), or something between \
                 the server function and the browser drops the header (a proxy, or a \
                 layer added outside ferry's)",
                self.name
            );
        }
    }

    /// `/api/notes/add` from a full or relative URL.
    fn path_of(url: &str) -> &str {
        let path = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
        path.split('?').next().unwrap_or(path)
    }
}

#[cfg(not(all(feature = "hydrate", debug_assertions)))]
mod console {
    //! Release builds and the server: no console lines, and no cost.

    use leptos::server_fn::request::browser::BrowserRequest;

    pub struct Call;

    impl Call {
        pub fn start(_request: &BrowserRequest) -> Self {
            Self
        }

        pub fn finish(&self, _status: u16) {}

        pub fn undeclared(&self) {}

        pub fn inline(&self, _status: u16) {}
    }
}
