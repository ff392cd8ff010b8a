//! The browser side of server-function calls: [`Client`] reads what each
//! finished call changed, and the registry refetches the live queries it
//! names; [`ReadClient`] is for the reads those queries make. In debug
//! builds both write one console line per call. `#[ferry::mutation]` and
//! `#[ferry::read]` choose between them; name them yourself only in a plain
//! `#[server(client = ...)]`.

use std::future::Future;

use bytes::Bytes;
use futures::{Sink, Stream};
use leptos::server_fn::client::Client as ServerFnClient;
use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::ClientRes;
use leptos::server_fn::response::browser::BrowserResponse;

use crate::revalidate::Revalidation;

/// The server-function client of a [`mutation`](crate::mutation). It is
/// Leptos's browser client plus one step: when a call succeeds, the queries
/// whose tags its response names refetch. It applies however the function
/// is called: `<ActionForm>`, a dispatched action, or a plain `.await` in an
/// event handler. A response that names nothing refreshes nothing (in a
/// debug build, the console says so).
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

/// Implements Leptos's client trait for one of ferry's clients; `$after` is
/// what happens once a response has arrived.
macro_rules! browser_client {
    ($client:ty, $after:expr) => {
        impl<E, IS, OS> ServerFnClient<E, IS, OS> for $client
        where
            E: FromServerFnError,
            IS: FromServerFnError,
            OS: FromServerFnError,
        {
            type Request = BrowserRequest;
            type Response = BrowserResponse;

            fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
                let call = console::Call::start(&req);
                let sent = <BrowserClient as ServerFnClient<E, IS, OS>>::send(req);
                async move {
                    let response = sent.await?;
                    let status = <BrowserResponse as ClientRes<E>>::status(&response);
                    call.finish(status);
                    $after(status, &response, &call);
                    Ok(response)
                }
            }

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
        }
    };
}

browser_client!(Client, revalidate_after);
browser_client!(ReadClient, |_: u16,
                             _: &BrowserResponse,
                             _: &console::Call| (
));

/// A failed call changed nothing: only a success revalidates. No header
/// means nothing, as in the server's cache.
fn revalidate_after(status: u16, response: &BrowserResponse, call: &console::Call) {
    if !(200..400).contains(&status) {
        return;
    }
    let headers = response.generate_headers();
    let value = headers
        .get(crate::revalidate::HEADER)
        .and_then(|v| v.to_str().ok());
    if value.is_none() {
        call.undeclared();
    }
    registry::apply(Revalidation::from_header(value));
}

pub(crate) use registry::register;

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

        /// A call through the mutation client whose response named nothing.
        pub fn undeclared(&self) {
            leptos::logging::warn!(
                "ferry: {} sent no revalidation header, so nothing refreshes; \
                 declare it with #[ferry::mutation(revalidates = ...)]",
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
    }
}

#[cfg(feature = "hydrate")]
mod registry {
    //! The live queries of this page. The browser runs one thread, so a
    //! thread-local list is the whole registry.

    use std::cell::RefCell;
    use std::rc::Rc;

    use crate::revalidate::Revalidation;
    use crate::tag::Tag;

    struct Entry {
        id: u64,
        tags: Rc<dyn Fn() -> Vec<Tag>>,
        refetch: Rc<dyn Fn()>,
    }

    struct Registry {
        next_id: u64,
        entries: Vec<Entry>,
    }

    thread_local! {
        static REGISTRY: RefCell<Registry> = const {
            RefCell::new(Registry {
                next_id: 0,
                entries: Vec::new(),
            })
        };
    }

    /// Adds a live query; the returned closure removes it.
    pub fn register(
        tags: impl Fn() -> Vec<Tag> + 'static,
        refetch: impl Fn() + 'static,
    ) -> impl FnOnce() + Send + Sync + 'static {
        let id = REGISTRY.with_borrow_mut(|r| {
            r.next_id += 1;
            let id = r.next_id;
            r.entries.push(Entry {
                id,
                tags: Rc::new(tags),
                refetch: Rc::new(refetch),
            });
            id
        });
        move || REGISTRY.with_borrow_mut(|r| r.entries.retain(|e| e.id != id))
    }

    /// Refetches every live query the revalidation covers.
    pub fn apply(revalidation: Revalidation) {
        // Collected first: a refetch may create or drop queries, which
        // touches the registry again.
        let matching: Vec<Rc<dyn Fn()>> = REGISTRY.with_borrow(|r| {
            r.entries
                .iter()
                .filter(|e| revalidation.covers(&(e.tags)()))
                .map(|e| e.refetch.clone())
                .collect()
        });
        for refetch in matching {
            refetch();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod registry {
    //! On the server, pages render once: there is nothing to refetch.

    use crate::revalidate::Revalidation;
    use crate::tag::Tag;

    pub fn register(
        _tags: impl Fn() -> Vec<Tag> + 'static,
        _refetch: impl Fn() + 'static,
    ) -> impl FnOnce() + Send + Sync + 'static {
        || ()
    }

    pub fn apply(_revalidation: Revalidation) {}
}
