//! The request and response types of ferry's clients: Leptos's browser
//! types, plus what inline answers need: the key of a read (to tell the
//! server, and to find its answer), and a response served from an answer
//! the mutation brought, without the network.

use bytes::Bytes;
use futures::Stream;
use http::{HeaderMap, Method};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::redirect::REDIRECT_HEADER;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::request::browser::{BrowserFormData, BrowserRequest};
use leptos::server_fn::response::ClientRes;
use leptos::server_fn::response::browser::BrowserResponse;

use crate::inline::ReadKey;

/// A request from one of ferry's clients: Leptos's, with the read's key
/// when its arguments are text (a query string or a text body).
pub struct Request {
    pub(super) inner: BrowserRequest,
    pub(super) key: Option<ReadKey>,
}

fn key(method: &Method, path: &str, content_type: &str, arguments: &str) -> Option<ReadKey> {
    Some(ReadKey {
        method: method.as_str().to_owned(),
        path: path.to_owned(),
        body: arguments.to_owned(),
        content_type: content_type.to_owned(),
    })
}

impl<E: FromServerFnError> ClientReq<E> for Request {
    type FormData = BrowserFormData;

    fn try_new_req_query(
        path: &str,
        content_type: &str,
        accepts: &str,
        query: &str,
        method: Method,
    ) -> Result<Self, E> {
        let key = key(&method, path, content_type, query);
        let inner = <BrowserRequest as ClientReq<E>>::try_new_req_query(
            path,
            content_type,
            accepts,
            query,
            method,
        )?;
        Ok(Self { inner, key })
    }

    fn try_new_req_text(
        path: &str,
        content_type: &str,
        accepts: &str,
        body: String,
        method: Method,
    ) -> Result<Self, E> {
        let key = key(&method, path, content_type, &body);
        let inner = <BrowserRequest as ClientReq<E>>::try_new_req_text(
            path,
            content_type,
            accepts,
            body,
            method,
        )?;
        Ok(Self { inner, key })
    }

    fn try_new_req_bytes(
        path: &str,
        content_type: &str,
        accepts: &str,
        body: Bytes,
        method: Method,
    ) -> Result<Self, E> {
        let inner = <BrowserRequest as ClientReq<E>>::try_new_req_bytes(
            path,
            content_type,
            accepts,
            body,
            method,
        )?;
        Ok(Self { inner, key: None })
    }

    fn try_new_req_form_data(
        path: &str,
        accepts: &str,
        content_type: &str,
        body: Self::FormData,
        method: Method,
    ) -> Result<Self, E> {
        let inner = <BrowserRequest as ClientReq<E>>::try_new_req_form_data(
            path,
            accepts,
            content_type,
            body,
            method,
        )?;
        Ok(Self { inner, key: None })
    }

    fn try_new_req_multipart(
        path: &str,
        accepts: &str,
        body: Self::FormData,
        method: Method,
    ) -> Result<Self, E> {
        let inner =
            <BrowserRequest as ClientReq<E>>::try_new_req_multipart(path, accepts, body, method)?;
        Ok(Self { inner, key: None })
    }

    fn try_new_req_streaming(
        path: &str,
        accepts: &str,
        content_type: &str,
        body: impl Stream<Item = Bytes> + Send + 'static,
        method: Method,
    ) -> Result<Self, E> {
        let inner = <BrowserRequest as ClientReq<E>>::try_new_req_streaming(
            path,
            accepts,
            content_type,
            body,
            method,
        )?;
        Ok(Self { inner, key: None })
    }
}

/// A response to one of ferry's clients: from the network, or already
/// here (an answer that came inline, or a mutation's own body once its
/// inline answers were taken off).
pub enum Response {
    /// From the network, as Leptos's browser client has it.
    Network(BrowserResponse),
    /// Already in memory.
    Local(Local),
}

/// A response already in memory.
#[derive(Clone)]
pub struct Local {
    /// The HTTP status.
    pub status: u16,
    /// The headers (empty for an inline answer).
    pub headers: HeaderMap,
    /// The body, as the server function's output encoding wrote it.
    pub body: Bytes,
}

impl<E: FromServerFnError> ClientRes<E> for Response {
    async fn try_into_string(self) -> Result<String, E> {
        match self {
            Self::Network(response) => {
                <BrowserResponse as ClientRes<E>>::try_into_string(response).await
            }
            Self::Local(local) => Ok(String::from_utf8_lossy(&local.body).into_owned()),
        }
    }

    async fn try_into_bytes(self) -> Result<Bytes, E> {
        match self {
            Self::Network(response) => {
                <BrowserResponse as ClientRes<E>>::try_into_bytes(response).await
            }
            Self::Local(local) => Ok(local.body),
        }
    }

    fn try_into_stream(
        self,
    ) -> Result<impl Stream<Item = Result<Bytes, Bytes>> + Send + Sync + 'static, E> {
        use futures::StreamExt as _;
        match self {
            Self::Network(response) => {
                let stream = <BrowserResponse as ClientRes<E>>::try_into_stream(response)?;
                Ok(stream.left_stream())
            }
            Self::Local(local) => Ok(futures::stream::iter([Ok(local.body)]).right_stream()),
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::Network(response) => <BrowserResponse as ClientRes<E>>::status(response),
            Self::Local(local) => local.status,
        }
    }

    fn status_text(&self) -> String {
        match self {
            Self::Network(response) => <BrowserResponse as ClientRes<E>>::status_text(response),
            Self::Local(_) => String::new(),
        }
    }

    fn location(&self) -> String {
        match self {
            Self::Network(response) => <BrowserResponse as ClientRes<E>>::location(response),
            Self::Local(local) => local
                .headers
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn has_redirect(&self) -> bool {
        match self {
            Self::Network(response) => <BrowserResponse as ClientRes<E>>::has_redirect(response),
            Self::Local(local) => local.headers.contains_key(REDIRECT_HEADER),
        }
    }
}
