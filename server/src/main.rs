//! The server binary: configuration, logging, state, and serving the router.

use std::process::ExitCode;

use app::session::SessionKey;
use ferry::metrics::Metrics;
use leptos::prelude::LeptosOptions;
use server::config::{Config, MetricsAt};
use std::net::SocketAddr;
use tokio::net::TcpListener;

// Server-side rendering allocates many small strings and nodes per page;
// mimalloc serves those faster than glibc's malloc (bench/run.sh measures it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_environment() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        return run_command(&config, &args).await;
    }
    let log_format = config.log_format.resolve(config.production);
    ferry::logging::init_logging(log_format, config.log_filter());
    ferry::logging::spans_in_tasks();
    match serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let options = leptos_options(&config)?;
    let db = app::db::Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database (database-url): {e}"))?;
    std::fs::create_dir_all(&config.uploads_dir).map_err(|e| {
        let dir = config.uploads_dir.display();
        format!("cannot create {dir} (uploads-dir): {e}")
    })?;
    let services = server::services::services(&db, &config.uploads_dir)?;
    let mut state = app::state::AppState::new(options.clone(), db.clone(), services);
    state.secure_cookies = config.cookie_secure;
    state.session_key = session_key(&config)?;
    state.uploads_dir = config.uploads_dir.clone();
    let server = ferry::Server::new(server::settings::serve_settings(&config));
    state.draining = server.draining();
    let listener = TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {} (site-addr): {e}", config.site_addr))?;
    tracing::info!("listening on http://{}", config.site_addr);
    let mut settings: ferry::Settings = server::settings::ferry_settings(&config, &options);
    settings.signing_key = Some(state.session_key.signing_secret().into());
    let ferry = ferry::Ferry::new(settings);
    // Several processes share a PostgreSQL database: what one revalidates,
    // the others' caches drop too.
    let _sharing = match db.is_shared() {
        true => Some(
            ferry::postgres::share_revalidations(ferry.cache(), &config.database_url)
                .await
                .map_err(|e| format!("cannot listen for revalidations (database-url): {e}"))?,
        ),
        false => None,
    };
    if let Some(every) = config.sweep_every {
        tokio::spawn(sweep_every(
            db.clone(),
            config.uploads_dir.clone(),
            every,
            config.abandoned_cart_age,
        ));
    }
    if let MetricsAt::Address(addr) = config.metrics {
        serve_metrics(addr, ferry.metrics().clone()).await?;
    }
    let app = server::router::router_with(state, &ferry, config.openapi.as_deref());
    // The peer address lets the same-origin check recognise trusted proxies.
    server
        .serve(listener, app, ferry::shutdown_signal())
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

/// An operator's command (`admin grant EMAIL`) on the configured database,
/// instead of serving; `--help` lists them.
async fn run_command(config: &Config, args: &[String]) -> ExitCode {
    let program = std::env::args()
        .next()
        .unwrap_or_else(|| "server".to_owned());
    let usage = format!(
        "usage: {program}            serve the app\n       {program} COMMAND    run a command on its database:\n  \
         sweep                remove expired sessions, abandoned carts, unused uploads\n  \
         openapi              print the OpenAPI document of every server function\n{}",
        server::services::COMMANDS
    );
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    if matches!(words.as_slice(), ["--help" | "-h" | "help"]) {
        println!("{usage}");
        return ExitCode::SUCCESS;
    }
    // Needs no database: the document is the binary's own functions.
    if words == ["openapi"] {
        let document = server::router::openapi_document().build();
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let db = match app::db::Db::connect(&config.database_url).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("error: cannot open the database (database-url): {err}");
            return ExitCode::FAILURE;
        }
    };
    let done = match words.as_slice() {
        ["sweep"] => {
            Some(server::services::sweep(&db, &config.uploads_dir, config.abandoned_cart_age).await)
        }
        _ => server::services::command(&db, &words).await,
    };
    match done {
        Some(Ok(done)) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Some(Err(err)) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
        None => {
            eprintln!("error: no command `{}`\n{usage}", words.join(" "));
            ExitCode::from(2)
        }
    }
}

/// Sweeps what visitors left behind every `every`, the first time one
/// period after start-up (a restart loop does not sweep on every start).
/// Each process behind a load balancer sweeps; the deletes are idempotent.
async fn sweep_every(
    db: app::db::Db,
    uploads: std::path::PathBuf,
    every: std::time::Duration,
    cart_age: std::time::Duration,
) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match server::services::sweep(&db, &uploads, cart_age).await {
            Ok(swept) => tracing::info!("{swept}"),
            Err(err) => tracing::error!("{err}"),
        }
    }
}

/// `/metrics` on its own listener (an internal address), beside the site.
async fn serve_metrics(addr: SocketAddr, metrics: Metrics) -> Result<(), String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} (metrics): {e}"))?;
    tracing::info!("metrics on http://{addr}/metrics");
    let app: axum::Router = metrics.router();
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(%err, "the metrics listener stopped");
        }
    });
    Ok(())
}

/// Leptos's own options (output name, site root) come from the variables
/// cargo-leptos sets at build and run time; the address from our configuration.
fn leptos_options(config: &Config) -> Result<LeptosOptions, String> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    if options.output_name.is_empty() {
        return Err("this binary was not built by cargo-leptos: build it with \
             `cargo leptos build`, or set LEPTOS_OUTPUT_NAME to the site name"
            .to_owned());
    }
    options.site_addr = config.site_addr;
    Ok(options)
}

/// The configured session key; in development without one, a random key
/// kept in `target/dev-session-key`, so carts survive a rebuild.
fn session_key(config: &Config) -> Result<SessionKey, String> {
    if let Some(secret) = &config.session_key {
        return SessionKey::new(secret.expose()).map_err(|e| format!("session-key: {e}"));
    }
    let path = std::path::Path::new("target/dev-session-key");
    if let Ok(secret) = std::fs::read_to_string(path) {
        return SessionKey::new(secret.trim())
            .map_err(|e| format!("{} (delete it for a new one): {e}", path.display()));
    }
    let key_text = app::session::random_secret();
    std::fs::create_dir_all("target")
        .and_then(|()| std::fs::write(path, &key_text))
        .map_err(|e| {
            format!(
                "cannot keep a development session key in {}: {e}",
                path.display()
            )
        })?;
    tracing::warn!(
        "no session-key configured: using a development key kept in {}",
        path.display()
    );
    SessionKey::new(&key_text).map_err(|e| format!("a generated session key: {e}"))
}
