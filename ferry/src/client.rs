//! The browser side of server-function calls: [`Client`] reads what each
//! finished call changed, and the registry refetches the live queries it
//! names; [`ReadClient`] is for the reads those queries make. In debug
//! builds both write one console line per call.

use std::future::Future;

use bytes::Bytes;
use futures::{Sink, Stream};
use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::client::Client as ServerFnClient;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;
use leptos::server_fn::response::ClientRes;

use crate::revalidate::Revalidation;

/// The server-function client for mutations: `#[server(client = ferry::Client)]`.
/// It is Leptos's browser client plus one step: when a call succeeds, the
/// queries its function declared (or all, by default) refetch. It applies
/// however the function is called: `<ActionForm>`, a dispatched action, or a
/// plain `.await` in an event handler.
///
/// Use it for functions that change data, not for the ones queries fetch
/// with: a read that revalidated by default would refetch itself forever.
/// Give those [`ReadClient`].
pub struct Client;

/// The server-function client for reads: `#[server(client = ferry::ReadClient)]`.
/// Leptos's browser client with the development console line, and no
/// revalidation.
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
                    $after(status, &response);
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
browser_client!(ReadClient, |_: u16, _: &BrowserResponse| ());

/// A failed call changed nothing: only a success revalidates.
fn revalidate_after(status: u16, response: &BrowserResponse) {
    if !(200..400).contains(&status) {
        return;
    }
    let headers = response.generate_headers();
    let value = headers
        .get(crate::revalidate::HEADER)
        .and_then(|v| v.to_str().ok());
    registry::apply(Revalidation::from_header(value, registry::default()));
}

/// What a successful call that declared nothing revalidates: `All` (as
/// Remix does) unless set otherwise, for example to `Nothing`.
pub fn set_default(revalidation: Revalidation) {
    registry::set_default(revalidation);
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
            let name = url.split_once("/api/").map_or(url.as_str(), |(_, n)| n);
            Self {
                name: name.split('?').next().unwrap_or(name).to_owned(),
                started: js_sys::Date::now(),
            }
        }

        pub fn finish(self, status: u16) {
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

        pub fn finish(self, _status: u16) {}
    }
}

#[cfg(feature = "hydrate")]
mod registry {
    //! The live queries of this page. The browser runs one thread, so a
    //! thread-local list is the whole registry.

    use std::cell::RefCell;
    use std::rc::Rc;

    use crate::revalidate::Revalidation;

    struct Entry {
        id: u64,
        tags: Rc<dyn Fn() -> Vec<String>>,
        refetch: Rc<dyn Fn()>,
    }

    struct Registry {
        next_id: u64,
        entries: Vec<Entry>,
        default: Revalidation,
    }

    thread_local! {
        static REGISTRY: RefCell<Registry> = const {
            RefCell::new(Registry {
                next_id: 0,
                entries: Vec::new(),
                default: Revalidation::All,
            })
        };
    }

    /// Adds a live query; the returned closure removes it.
    pub fn register(
        tags: impl Fn() -> Vec<String> + 'static,
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

    pub fn default() -> Revalidation {
        REGISTRY.with_borrow(|r| r.default.clone())
    }

    pub fn set_default(revalidation: Revalidation) {
        REGISTRY.with_borrow_mut(|r| r.default = revalidation);
    }
}

#[cfg(not(feature = "hydrate"))]
mod registry {
    //! On the server, pages render once: there is nothing to refetch.

    use crate::revalidate::Revalidation;

    pub fn register(
        _tags: impl Fn() -> Vec<String> + 'static,
        _refetch: impl Fn() + 'static,
    ) -> impl FnOnce() + Send + Sync + 'static {
        || ()
    }

    pub fn apply(_revalidation: Revalidation) {}

    pub fn default() -> Revalidation {
        Revalidation::All
    }

    pub fn set_default(_revalidation: Revalidation) {}
}
