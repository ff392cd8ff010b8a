//! The client's address: the connection's peer, or, when the peer is a
//! trusted proxy, the address that proxy says it forwarded for.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

/// The header a proxy appends the address it received a request from to
/// (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`).
const FORWARDED_FOR: &str = "x-forwarded-for";

/// Where a request came from, as ferry's layers see it. [`crate::Ferry`]
/// puts it in every request's extensions (served with connect info), so a
/// handler can read it too: `Extension(client): Extension<ClientAddr>`.
///
/// ```
/// use axum::http::HeaderMap;
/// use ferry::ClientAddr;
///
/// let nginx = "127.0.0.1".parse().unwrap();
/// let mut headers = HeaderMap::new();
/// headers.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
/// let client = ClientAddr::resolve(nginx, &headers, &[nginx]);
/// assert_eq!(client.ip.to_string(), "203.0.113.9");
/// assert!(client.proxied);
///
/// // From anyone else, the header is a claim, not a fact.
/// let stranger = "198.51.100.4".parse().unwrap();
/// assert_eq!(ClientAddr::resolve(stranger, &headers, &[nginx]).ip, stranger);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ClientAddr {
    /// The client: behind trusted proxies, the rightmost address in
    /// `X-Forwarded-For` that is not one of them; otherwise the peer.
    pub ip: IpAddr,
    /// Whether the peer is a trusted proxy, whose `X-Forwarded-*` headers
    /// are believed.
    pub proxied: bool,
}

impl ClientAddr {
    /// The client of a request from `peer` with `headers`, trusting the
    /// forwarding headers only of the proxies in `trusted`.
    ///
    /// Proxies append, so the list reads client first, nearest proxy last,
    /// and only its end is known to be true: it is read from the right,
    /// past trusted proxies, and the first other address is the client's.
    /// Anything a client put in the header itself is to the left of that,
    /// and never read. An entry may carry a port (`203.0.113.9:4711`,
    /// `[2001:db8::1]:4711`, as some balancers write it). An entry that is
    /// no address at all is a client nobody can name: the unspecified
    /// address (`0.0.0.0`), never the proxy's own, which every client
    /// behind it shares.
    ///
    /// ```
    /// use axum::http::HeaderMap;
    /// let nginx = "10.0.0.1".parse().unwrap();
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-forwarded-for", "203.0.113.9:4711".parse().unwrap());
    /// let client = ferry::ClientAddr::resolve(nginx, &headers, &[nginx]);
    /// assert_eq!(client.ip.to_string(), "203.0.113.9");
    /// ```
    pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> Self {
        if !trusted.contains(&peer) {
            return Self {
                ip: peer,
                proxied: false,
            };
        }
        let mut ip = peer;
        for entry in forwarded_for(headers).rev() {
            ip = parse_hop(entry).unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
            if !trusted.contains(&ip) {
                break;
            }
        }
        Self { ip, proxied: true }
    }
}

/// An address, with or without a port.
pub(crate) fn parse_hop(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
}

/// Every entry of every `X-Forwarded-For` header, in order.
fn forwarded_for(headers: &HeaderMap) -> impl DoubleEndedIterator<Item = &str> {
    let values: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    values.into_iter()
}

/// What [`record`] needs: the trusted proxies, and whether each
/// misconfiguration it can see was already logged (once per
/// [`crate::Ferry::install`], so a busy site logs it once, not per request).
#[derive(Debug, Clone, Default)]
pub(crate) struct Clients {
    pub(crate) trusted: Arc<Vec<IpAddr>>,
    warned_untrusted: Arc<AtomicBool>,
    warned_unreadable: Arc<AtomicBool>,
}

impl Clients {
    pub(crate) fn new(trusted: Arc<Vec<IpAddr>>) -> Self {
        Self {
            trusted,
            ..Self::default()
        }
    }
}

/// Middleware: records the request's [`ClientAddr`] in its extensions.
/// A request without connect info (made in-process) gets none (the rate
/// limit says what that costs). The first request whose `X-Forwarded-For` comes from a peer
/// not in `trusted-proxies` logs that too: behind an unlisted proxy, every
/// client has the proxy's address.
pub(crate) async fn record(
    State(clients): State<Clients>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let client = ClientAddr::resolve(peer, request.headers(), &clients.trusted);
        if !client.proxied && request.headers().contains_key(FORWARDED_FOR) {
            warn_untrusted(&clients, peer);
        }
        if client.proxied && client.ip.is_unspecified() {
            warn_unreadable(&clients, peer);
        }
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

/// The address a per-client limit keys a request by: its [`ClientAddr`]
/// when [`record`] ran outside, else the connection's peer; `None` for a
/// request with neither (in-process, or served without peers' addresses).
pub(crate) fn client_key(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    let client = extensions.get::<ClientAddr>().map(|c| c.ip);
    client.or_else(|| {
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
    })
}

/// Logs, once, that a trusted proxy forwarded an entry that is no address.
fn warn_unreadable(clients: &Clients, peer: IpAddr) {
    if !clients.warned_unreadable.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "ferry: X-Forwarded-For from the trusted proxy {peer} holds an entry that is \
             no address, so that client counts as 0.0.0.0 (one rate-limit bucket for \
             every such client): have the proxy write the client's address alone. \
             Logged once."
        );
    }
}

/// Logs, once, that a peer not listed as a proxy sent `X-Forwarded-For`.
fn warn_untrusted(clients: &Clients, peer: IpAddr) {
    if !clients.warned_untrusted.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "ferry: X-Forwarded-For from {peer}, which is not in trusted-proxies, is \
             ignored: if {peer} is your proxy, list it in Settings::trusted_proxies, or \
             every client behind it shares its address (one rate-limit bucket). \
             Logged once."
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn a_forged_entry_to_the_left_is_never_read() {
        let trusted = [ip("10.0.0.1")];
        // The client sent "1.2.3.4" itself; nginx appended its real address.
        let headers = forwarded(&["1.2.3.4, 203.0.113.9"]);
        let client = ClientAddr::resolve(ip("10.0.0.1"), &headers, &trusted);
        assert_eq!(client.ip, ip("203.0.113.9"));
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_past() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let headers = forwarded(&["203.0.113.9, 10.0.0.2", "::1"]);
        let via_two = ClientAddr::resolve(ip("10.0.0.1"), &headers, &trusted);
        assert_eq!(via_two.ip, ip("::1"));
        let headers = forwarded(&["203.0.113.9", "10.0.0.2"]);
        let via_two = ClientAddr::resolve(ip("10.0.0.1"), &headers, &trusted);
        assert_eq!(via_two.ip, ip("203.0.113.9"));
    }

    #[test]
    fn an_entry_that_is_no_address_is_nobody_not_the_proxy() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let nobody = ip("0.0.0.0");
        for (values, client) in [
            (&[][..], ip("10.0.0.1")),
            (&["unknown"][..], nobody),
            (&["203.0.113.9, 10.0.0.2, garbage"][..], nobody),
            (&["garbage, 10.0.0.2"][..], nobody),
            (&["203.0.113.9:4711"][..], ip("203.0.113.9")),
            (&["[2001:db8::1]:4711, 10.0.0.2"][..], ip("2001:db8::1")),
        ] {
            let resolved = ClientAddr::resolve(ip("10.0.0.1"), &forwarded(values), &trusted);
            assert_eq!(
                resolved,
                ClientAddr {
                    ip: client,
                    proxied: true
                },
                "{values:?}"
            );
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let headers = forwarded(&["203.0.113.9"]);
        let client = ClientAddr::resolve(ip("198.51.100.4"), &headers, &[]);
        assert_eq!(
            client,
            ClientAddr {
                ip: ip("198.51.100.4"),
                proxied: false
            }
        );
    }
}
