//! Each client's share of the requests in flight: one address may hold at
//! most so many at once, so that requests which never finish (a body
//! announced and never sent) cannot take every slot of the server's bound.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_addr::client_key;

/// The requests each address has in flight, and how many it may have.
#[derive(Debug, Clone)]
pub(crate) struct Shares {
    limit: usize,
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
    warned: Arc<AtomicBool>,
}

impl Shares {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            held: Arc::default(),
            warned: Arc::default(),
        }
    }

    /// A slot for `client`, or `None` when it holds its whole share. The
    /// map only has addresses with a request in flight, so it stays as
    /// small as the server's own bound.
    fn take(&self, client: IpAddr) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(client).or_default();
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(Slot {
            client,
            held: self.held.clone(),
        })
    }

    /// The request's client, as the rate limit keys it; with no address at
    /// all, one shared key and an error logged once.
    fn client(&self, request: &Request) -> IpAddr {
        client_key(request.extensions()).unwrap_or_else(|| {
            if !self.warned.swap(true, Ordering::Relaxed) {
                tracing::error!(
                    "ferry: a request has no client address, so every such request shares \
                     one share of the requests in flight: serve the app with \
                     `into_make_service_with_connect_info::<SocketAddr>()`. Logged once."
                );
            }
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        })
    }
}

/// One request in flight, given back when the response (or its
/// cancellation) drops it.
struct Slot {
    client: IpAddr,
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.client);
            }
        }
    }
}

/// Middleware: lets a request in if its client has a slot left, and keeps
/// the slot until the response's headers are ready; otherwise 429 at once.
pub(crate) async fn within_share(
    State(shares): State<Shares>,
    request: Request,
    next: Next,
) -> Response {
    let client = shares.client(&request);
    let Some(_slot) = shares.take(client) else {
        let message = format!(
            "Too many requests at once from your address (at most {}); try again in a moment.\n",
            shares.limit
        );
        let mut response = (StatusCode::TOO_MANY_REQUESTS, message).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_comes_back_when_dropped_and_the_map_forgets_idle_clients() {
        let shares = Shares::new(2);
        let a = IpAddr::from([192, 0, 2, 1]);
        let first = shares.take(a).unwrap();
        let _second = shares.take(a).unwrap();
        assert!(shares.take(a).is_none());
        assert!(shares.take(IpAddr::from([192, 0, 2, 2])).is_some());
        drop(first);
        let third = shares.take(a);
        assert!(third.is_some());
        drop((third, _second));
        assert!(shares.held.lock().unwrap().is_empty());
    }
}
