//! `ferry::Server` over real TCP connections: slow and idle clients are cut
//! off while others are served, and a shutdown finishes what is in flight,
//! refuses new connections and ends within its drain time.

#![cfg(feature = "serve")]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n";

fn app(draining: ferry::Draining) -> Router {
    let ready = move || async move {
        match draining.is_draining() {
            true => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "draining"),
            false => (axum::http::StatusCode::OK, "ready"),
        }
    };
    Router::new()
        .route("/", get(|| async { "hello" }))
        .route("/readyz", get(ready))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "done"
            }),
        )
}

/// A running server, the handle that stops it, and its serve task.
struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
    draining: ferry::Draining,
}

async fn start(header_read_timeout: Duration, drain: Duration) -> Running {
    let mut settings = ferry::ServeSettings::default();
    settings.header_read_timeout = header_read_timeout;
    settings.drain = drain;
    start_with(settings).await
}

async fn start_with(settings: ferry::ServeSettings) -> Running {
    let server = ferry::Server::new(settings);
    let draining = server.draining();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(listener, app(draining.clone()), async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop,
        served,
        draining,
    }
}

/// Everything the server sends until it closes the connection (or 5 s).
async fn read_all(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&bytes).into_owned()
}

async fn get_once(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    read_all(&mut stream).await
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let server = start(Duration::from_millis(300), Duration::from_secs(1)).await;
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(b"GET / HT").await.unwrap();
        stalled.push(stream);
    }
    // The site answers meanwhile.
    assert!(get_once(server.addr, "/").await.ends_with("hello"));
    let started = Instant::now();
    for stream in &mut stalled {
        let answer = read_all(stream).await;
        assert!(
            !answer.contains("hello"),
            "a half request was answered: {answer}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start(Duration::from_millis(300), Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(GET).await.unwrap();
    let started = Instant::now();
    let answer = read_all(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("hello"));
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_and_ends_within_the_drain_time() {
    let server = start(Duration::from_secs(30), Duration::from_secs(1)).await;
    // An idle connection and one stuck in its headers must not hold the
    // shutdown past its drain time.
    let _idle = TcpStream::connect(server.addr).await.unwrap();
    let mut stuck = TcpStream::connect(server.addr).await.unwrap();
    stuck.write_all(b"GET / HT").await.unwrap();
    let addr = server.addr;
    let slow = tokio::spawn(async move { get_once(addr, "/slow").await });
    tokio::time::sleep(Duration::from_millis(100)).await;

    assert!(!server.draining.is_draining());
    let started = Instant::now();
    server.stop.send(()).unwrap();
    let answer = slow.await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("done"),
        "{answer}"
    );
    assert!(server.draining.is_draining());
    // New connections are refused once the listener is gone.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
    server.served.await.unwrap().unwrap();
    let took = started.elapsed();
    // The stuck connection is closed once the drain time is over, even
    // though this process goes on.
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_millis(500), stuck.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the stuck connection outlived the drain");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(1500),
        "the drain took {took:?}"
    );
}

#[tokio::test]
async fn shutdown_with_nothing_open_ends_at_once() {
    let server = start(Duration::from_secs(30), Duration::from_secs(10)).await;
    assert!(get_once(server.addr, "/").await.ends_with("hello"));
    let started = Instant::now();
    server.stop.send(()).unwrap();
    server.served.await.unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn during_the_shutdown_delay_readiness_fails_and_requests_are_still_served() {
    let mut settings = ferry::ServeSettings::default();
    settings.shutdown_delay = Duration::from_millis(500);
    let server = start_with(settings).await;
    assert!(
        get_once(server.addr, "/readyz")
            .await
            .starts_with("HTTP/1.1 200")
    );
    let started = Instant::now();
    server.stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let ready = get_once(server.addr, "/readyz").await;
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    assert!(get_once(server.addr, "/").await.ends_with("hello"));
    server.served.await.unwrap().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert!(TcpStream::connect(server.addr).await.is_err());
}

#[tokio::test]
async fn while_draining_a_kept_connection_is_answered_then_closed() {
    // A proxy's pooled connection: a request sent on it during the
    // shutdown delay is served with `Connection: close`, and the server
    // closes it right after the answer, long before the delay ends, so the
    // proxy never sends on a connection the server is closing.
    let mut settings = ferry::ServeSettings::default();
    settings.shutdown_delay = Duration::from_secs(2);
    let server = start_with(settings).await;
    let mut kept = TcpStream::connect(server.addr).await.unwrap();
    kept.write_all(GET).await.unwrap();
    let mut first = Vec::new();
    while !first.ends_with(b"hello") {
        let mut chunk = [0; 1024];
        let read = kept.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed before the first answer");
        first.extend_from_slice(&chunk[..read]);
    }
    assert!(!String::from_utf8_lossy(&first).contains("connection: close"));

    server.stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.draining.is_draining());
    kept.write_all(GET).await.unwrap();
    let sent = Instant::now();
    let answer = read_all(&mut kept).await;
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("connection: close"),
        "{answer}"
    );
    assert!(answer.ends_with("hello"), "{answer}");
    // Closed after the answer, not at the end of the delay.
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "closed after {:?}",
        sent.elapsed()
    );
    server.served.await.unwrap().unwrap();
}
