//! The real server binary: it refuses a bad configuration in one line, it
//! serves the rendered page on the address it is given, and SIGTERM ends it
//! in order.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// The binary under test, named for the app.{% capture binary %}
const BINARY: &str = env!("CARGO_BIN_EXE_server");
// (`cargo leptos new` renames it.){% endcapture %}{{ binary | replace: "_server", binary_env_suffix }}

fn server() -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_remove("LEPTOS_SITE_ADDR")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env_remove("LEPTOS_ENV")
        .env_remove("APP_SESSION_KEY")
        .env("LEPTOS_OUTPUT_NAME", "site")
        .env("RUST_BACKTRACE", "1");
    command
}

#[test]
fn a_bad_value_stops_start_up_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Leptos.toml");
    std::fs::write(&path, "site-addr = \"not-an-address\"\n").unwrap();
    let output = server().env("APP_CONFIG", &path).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line, no backtrace: {stderr}"
    );
    assert!(
        stderr.contains("`site-addr`") && stderr.contains("not-an-address"),
        "{stderr}"
    );
}

#[test]
fn production_without_a_session_key_refuses_to_start() {
    let output = server()
        .env("LEPTOS_ENV", "PROD")
        .env_remove("APP_SESSION_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("`session-key` is missing") && stderr.contains("APP_SESSION_KEY"),
        "{stderr}"
    );
    let short = server()
        .env("LEPTOS_ENV", "PROD")
        .env("APP_SESSION_KEY", "hunter2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert_eq!(short.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("7 characters") && !stderr.contains("hunter2"),
        "the secret is never printed: {stderr}"
    );
}

#[test]
fn a_bad_environment_variable_is_named_too() {
    let output = server()
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:http")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("LEPTOS_SITE_ADDR"), "{stderr}");
}

#[test]
fn help_lists_the_commands_and_an_unknown_one_is_refused_with_them() {
    let help = server().arg("--help").output().unwrap();
    let stdout = String::from_utf8_lossy(&help.stdout);
    assert_eq!(help.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("COMMAND"), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/app.db?mode=rwc", dir.path().display());
    let unknown = server()
        .env("DATABASE_URL", &database)
        .args(["frobnicate", "now"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no command `frobnicate now`") && stderr.contains("usage:"),
        "{stderr}"
    );
}

/// Kills the server when the test ends, pass or fail; its folder goes too.
struct Running {
    child: Child,
    _dir: tempfile::TempDir,
}

/// The server on a free port, in a folder of its own, with these variables.
fn start(env: &[(&str, &str)]) -> (u16, Running) {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let child = server()
        .current_dir(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (port, Running { child, _dir: dir })
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

#[test]
fn it_serves_the_rendered_page_on_the_given_address() {
    let (port, _running) = start(&[]);
    let response = wait_until_up(port, "/");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let title = format!("<title>{}</title>", app::site::TITLE);
    assert!(response.contains(&title), "{response}");
}

/// Waits until the server answers `path`, or panics after 20 s.
fn wait_until_up(port: u16, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match get(port, path) {
            Ok(response) => return response,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("server never answered on port {port}: {e}"),
        }
    }
}

#[test]
fn sigterm_turns_readiness_off_then_the_server_exits_within_its_drain_time() {
    let (port, mut running) = start(&[("APP_SHUTDOWN_DELAY", "1"), ("APP_DRAIN_TIMEOUT", "2")]);
    assert!(wait_until_up(port, "/readyz").starts_with("HTTP/1.1 200"));
    // A client that opens a connection and never sends a request.
    let _silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let terminated = Command::new("kill")
        .args(["-TERM", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(200));
    let ready = get(port, "/readyz").unwrap();
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    let status = loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM (delay 1 s, drain 2 s)"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert!(
        get(port, "/healthz").is_err(),
        "new connections are refused"
    );
}
