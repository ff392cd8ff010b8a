//! `n` POSTs at once, each on its own connection, as browsers would send
//! them: form-encoded, from the site's own origin, with a cookie.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `args`: address, path, cookie (`-` for none), count, then the bodies.
pub async fn run(args: &[String]) -> Result<(), String> {
    let [addr, path, cookie, count, bodies @ ..] = args else {
        return Err("burst needs an address, a path, a cookie, a count and bodies".into());
    };
    let n: usize = count.parse().map_err(|_| format!("not a count: {count}"))?;
    let calls = (0..n).map(|i| {
        let request = request(addr, path, cookie, &bodies[i % bodies.len()]);
        let addr = addr.clone();
        tokio::spawn(async move { status(&addr, &request).await })
    });
    let calls: Vec<_> = calls.collect();
    let mut ok = 0;
    let mut other = std::collections::BTreeMap::<String, usize>::new();
    for call in calls {
        match call.await.map_err(|e| e.to_string())? {
            Ok(200) => ok += 1,
            Ok(status) => *other.entry(status.to_string()).or_default() += 1,
            Err(err) => *other.entry(err).or_default() += 1,
        }
    }
    println!("{ok}");
    for (outcome, count) in other {
        eprintln!("bench: {count} calls ended with {outcome}");
    }
    Ok(())
}

fn request(addr: &str, path: &str, cookie: &str, body: &str) -> String {
    let cookie = match cookie {
        "-" => String::new(),
        cookie => format!("Cookie: {cookie}\r\n"),
    };
    format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         {cookie}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Sends one request and returns the response's status code.
async fn status(addr: &str, request: &str) -> Result<u16, String> {
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .map_err(|e| e.to_string())?;
    let head = String::from_utf8_lossy(&response[..response.len().min(32)]).into_owned();
    head.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("no status line in {head:?}"))
}
