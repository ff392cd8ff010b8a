//! Load beyond capacity: `connections` clients each send GET requests one
//! after another (a new connection each, as wrk cannot tell admitted from
//! refused requests in its latencies) for `seconds`. Prints the admitted
//! requests' count, p50 and p99 in ms, then how many were refused with
//! 503 and how many failed otherwise.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `args`: address, path, cookie (`-` for none), connections, seconds.
pub async fn run(args: &[String]) -> Result<(), String> {
    let [addr, path, cookie, connections, seconds] = args else {
        return Err("overload needs an address, a path, a cookie, connections and seconds".into());
    };
    let connections: usize = connections
        .parse()
        .map_err(|_| format!("not a count: {connections}"))?;
    let seconds: f64 = seconds
        .parse()
        .map_err(|_| format!("not seconds: {seconds}"))?;
    let cookie = match cookie.as_str() {
        "-" => String::new(),
        cookie => format!("Cookie: {cookie}\r\n"),
    };
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n");
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let clients: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(client(addr.clone(), request.clone(), until)))
        .collect();
    let mut outcomes = Outcomes::default();
    for client in clients {
        outcomes.merge(client.await.map_err(|e| e.to_string())?);
    }
    outcomes.admitted.sort_unstable_by(f64::total_cmp);
    println!(
        "{} {:.2} {:.2} {} {}",
        outcomes.admitted.len(),
        percentile(&outcomes.admitted, 0.50),
        percentile(&outcomes.admitted, 0.99),
        outcomes.refused,
        outcomes.failed
    );
    Ok(())
}

#[derive(Default)]
struct Outcomes {
    /// Milliseconds each 200 took.
    admitted: Vec<f64>,
    refused: usize,
    failed: usize,
}

impl Outcomes {
    fn merge(&mut self, other: Self) {
        self.admitted.extend(other.admitted);
        self.refused += other.refused;
        self.failed += other.failed;
    }
}

async fn client(addr: String, request: String, until: Instant) -> Outcomes {
    let mut outcomes = Outcomes::default();
    while Instant::now() < until {
        let started = Instant::now();
        match status(&addr, &request).await {
            Some(200) => outcomes
                .admitted
                .push(started.elapsed().as_secs_f64() * 1000.0),
            Some(503) => outcomes.refused += 1,
            _ => outcomes.failed += 1,
        }
    }
    outcomes
}

/// The status of one request on a fresh connection, read to its end.
async fn status(addr: &str, request: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let head = std::str::from_utf8(response.get(..12)?).ok()?;
    head.strip_prefix("HTTP/1.1 ")?.trim().parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
