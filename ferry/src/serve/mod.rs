//! [`Server`]: serves an axum router as production needs it. A client that
//! sends its request's headers too slowly, or leaves a keep-alive
//! connection idle, is cut off; a shutdown stops accepting, turns
//! readiness off, lets the requests in flight finish and returns within a
//! set time whatever the clients do. Built on hyper's HTTP/1 connection
//! and hyper-util's graceful shutdown: `axum::serve` sets no timeout and
//! waits for every connection to close, however long that takes.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, header};
use futures::FutureExt as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use fresh::{FIRST_REQUEST_GRACE, Fresh};

mod fresh;

/// How long a connection may take over a request, and how long a shutdown
/// waits for the requests in flight.
///
/// ```
/// let mut settings = ferry::ServeSettings::default();
/// settings.drain = std::time::Duration::from_secs(25); // the orchestrator waits 30
/// assert_eq!(settings.header_read_timeout.as_secs(), 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeSettings {
    /// The time a connection has to send a request's headers, counted from
    /// when it starts waiting for them (default 10 s). hyper starts that
    /// wait as soon as the previous response is sent, so this is also how
    /// long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// How long the server keeps accepting connections once a shutdown
    /// begins, answering readiness checks with 503 meanwhile, so that a
    /// load balancer that polls them stops sending first (default 0:
    /// refuse new connections at once). Behind Kubernetes, a few seconds.
    /// Every response from then on says `Connection: close`; behind a
    /// proxy that keeps idle connections (nginx's `keepalive`), a delay
    /// longer than the proxy's idle timeout lets it drop them all before
    /// the server closes any under a request.
    pub shutdown_delay: Duration,
    /// How long a shutdown waits for requests in flight before it closes
    /// every connection still open (default 10 s).
    pub drain: Duration,
}

impl Default for ServeSettings {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            shutdown_delay: Duration::ZERO,
            drain: Duration::from_secs(10),
        }
    }
}

/// Whether the server has begun to shut down. A readiness check answers
/// 503 from then on, so a load balancer stops sending new requests.
///
/// ```
/// let server = ferry::Server::new(ferry::ServeSettings::default());
/// let draining = server.draining();
/// assert!(!draining.is_draining());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// True once the shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
        SHUTTING_DOWN.store(true, Ordering::Relaxed);
    }
}

/// Set once any [`Server`] of this process begins its shutdown, so
/// long-lived responses of ferry's own (the edit loop's event stream) end
/// rather than hold the drain.
pub(crate) static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

/// Serves an axum router over HTTP/1.1 with the limits in
/// [`ServeSettings`], until a shutdown signal (see [`shutdown_signal`]).
/// Handlers see the peer's address as `ConnectInfo<SocketAddr>`, as with
/// `into_make_service_with_connect_info`.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// let server = ferry::Server::new(ferry::ServeSettings::default());
/// let app = axum::Router::new();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// server.serve(listener, app, ferry::shutdown_signal()).await
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Server {
    settings: ServeSettings,
    draining: Draining,
    fresh: Fresh,
}

impl Server {
    /// A server with these limits.
    ///
    /// ```
    /// let server = ferry::Server::new(ferry::ServeSettings::default());
    /// ```
    pub fn new(settings: ServeSettings) -> Self {
        Self {
            settings,
            draining: Draining::default(),
            fresh: Fresh::default(),
        }
    }

    /// The flag a readiness check reads (see [`Draining`]).
    ///
    /// ```
    /// let draining = ferry::Server::default().draining();
    /// ```
    pub fn draining(&self) -> Draining {
        self.draining.clone()
    }

    /// Accepts connections until `shutdown` resolves (and
    /// [`ServeSettings::shutdown_delay`] more, with [`Draining`] set and
    /// every answer saying `Connection: close`), then
    /// drains: no new connection is accepted, connections accepted just
    /// before get up to 500 ms for their first request, idle ones close,
    /// requests in flight finish (their connections close after the
    /// response), and after [`ServeSettings::drain`] every connection still
    /// open is closed.
    pub async fn serve(
        self,
        listener: TcpListener,
        app: Router,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let graceful = GracefulShutdown::new();
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.settings.header_read_timeout);
        let draining = self.draining.clone();
        let delay = self.settings.shutdown_delay;
        let shutdown = async move {
            shutdown.await;
            draining.start();
            tokio::time::sleep(delay).await;
        };
        tokio::pin!(shutdown);
        // The connections' tasks, so that those left at the end are closed
        // even if the process goes on; finished ones are reaped as we go.
        let mut tasks = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((tcp, peer)) => {
                        tasks.spawn(self.connection(&builder, &graceful, tcp, peer, app.clone()));
                    }
                    Err(err) => refused(err).await,
                },
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                () = &mut shutdown => break,
            }
        }
        // Connections the kernel completed before the signal are served too:
        // closing the listener would reset them before they were read.
        while let Some(Ok((tcp, peer))) = listener.accept().now_or_never() {
            tasks.spawn(self.connection(&builder, &graceful, tcp, peer, app.clone()));
        }
        drop(listener);
        let started = Instant::now();
        self.fresh
            .settle(FIRST_REQUEST_GRACE.min(self.settings.header_read_timeout))
            .await;
        tracing::info!(connections = graceful.count(), "draining");
        let drain = self.settings.drain.saturating_sub(started.elapsed());
        if tokio::time::timeout(drain, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(
                drain = ?self.settings.drain,
                connections = tasks.len(),
                "drain time over: closing the connections still open"
            );
        }
        tasks.shutdown().await;
        Ok(())
    }

    /// Serves one connection: the future to spawn.
    fn connection(
        &self,
        builder: &hyper::server::conn::http1::Builder,
        graceful: &GracefulShutdown,
        tcp: TcpStream,
        peer: SocketAddr,
        app: Router,
    ) -> impl Future<Output = ()> + Send + 'static {
        // Small streamed writes would otherwise wait on delayed ACKs (~40 ms).
        let _ = tcp.set_nodelay(true);
        let first = self.fresh.arrived();
        let served = first.clone();
        let draining = self.draining.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            served.requested();
            request.extensions_mut().insert(ConnectInfo(peer));
            let answered = app.clone().oneshot(request.map(axum::body::Body::new));
            let draining = draining.clone();
            async move {
                let mut response = answered.await?;
                // A proxy keeps connections open to send later requests on.
                // Closing an idle one races with the request it may be
                // sending, which then fails (a POST is not sent again); a
                // response that says `close` makes the proxy drop it first.
                if draining.is_draining() {
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(tcp), service));
        async move {
            if let Err(err) = connection.await {
                tracing::debug!(%peer, %err, "connection closed with an error");
            }
            first.requested();
        }
    }
}

/// An accept that failed: out of file descriptors, most likely. Waiting a
/// little lets connections close instead of spinning on the error.
async fn refused(err: std::io::Error) {
    tracing::warn!(%err, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// Resolves at the first SIGTERM (what orchestrators send) or Ctrl-C.
///
/// ```no_run
/// # async fn run() {
/// ferry::shutdown_signal().await;
/// # }
/// ```
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
