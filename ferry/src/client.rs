//! The browser side of revalidation: [`Client`] reads what each finished
//! call changed, and the registry refetches the live queries it names.

use std::future::Future;

use bytes::Bytes;
use futures::{Sink, Stream};
use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::client::Client as ServerFnClient;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;

use crate::revalidate::Revalidation;

/// The server-function client for mutations: `#[server(client = ferry::Client)]`.
/// It is Leptos's browser client plus one step: when a call succeeds, the
/// queries its function declared (or all, by default) refetch. It applies
/// however the function is called: `<ActionForm>`, a dispatched action, or a
/// plain `.await` in an event handler.
///
/// Use it for functions that change data, not for the ones queries fetch
/// with: a read that revalidated by default would refetch itself forever.
pub struct Client;

impl<E, IS, OS> ServerFnClient<E, IS, OS> for Client
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        let sent = <BrowserClient as ServerFnClient<E, IS, OS>>::send(req);
        async move {
            let response = sent.await?;
            after_response::<E>(&response);
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

/// A failed call changed nothing: only a success revalidates.
fn after_response<E: FromServerFnError>(response: &BrowserResponse) {
    use leptos::server_fn::response::ClientRes;
    let status = <BrowserResponse as ClientRes<E>>::status(response);
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
