//! The benchmark suite's helpers (`bench/run.sh` drives them):
//! - `floor <addr> <bytes>`: the fastest page axum can serve, a static
//!   string of the given size, as the baseline for server-side rendering;
//! - `burst <addr> <path> <cookie> <n> <body>...`: `n` POSTs sent at once
//!   (bodies used in turn), printing how many were answered 200;
//! - `overload <addr> <path> <cookie> <connections> <seconds>`: load past
//!   capacity, printing the admitted requests' p50 and p99 apart from the
//!   refused ones;
//! - `stall <addr> <n> <seconds>`: `n` connections that send half a
//!   request line; how many the server closed after `seconds`, and how long
//!   a page took meanwhile;
//! - `sql <database-url> <statement>`: runs one statement, for fixtures.

mod burst;
mod overload;
mod stall;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("floor") if args.len() == 3 => floor(&args[1], &args[2]).await,
        Some("burst") if args.len() >= 6 => burst::run(&args[1..]).await,
        Some("overload") if args.len() == 6 => overload::run(&args[1..]).await,
        Some("stall") if args.len() == 4 => stall::run(&args[1..]).await,
        Some("sql") if args.len() == 3 => sql(&args[1], &args[2]).await,
        _ => Err(
            "usage: bench floor <addr> <bytes> | burst <addr> <path> <cookie> <n> <body>... \
                  | overload <addr> <path> <cookie> <connections> <seconds> \
                  | stall <addr> <n> <seconds> \
                  | sql <database-url> <statement>"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Serves a fixed HTML string of `bytes` bytes at `/` until killed.
async fn floor(addr: &str, bytes: &str) -> Result<(), String> {
    let size: usize = bytes.parse().map_err(|_| format!("not a size: {bytes}"))?;
    let page: &'static str = Box::leak("x".repeat(size).into_boxed_str());
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || async move { axum::response::Html(page) }),
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

/// Runs one SQL statement against the database (created if missing).
async fn sql(url: &str, statement: &str) -> Result<(), String> {
    let pool = sqlx::SqlitePool::connect(url)
        .await
        .map_err(|e| format!("cannot open {url}: {e}"))?;
    sqlx::raw_sql(statement)
        .execute(&pool)
        .await
        .map_err(|e| format!("{statement}: {e}"))?;
    pool.close().await;
    Ok(())
}
