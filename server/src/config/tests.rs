//! Loading the configuration: defaults, the file, the environment, and
//! the one-line refusals.

use super::*;

fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Leptos.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn a_missing_file_means_defaults() {
    let config = Config::load(Path::new("/nonexistent/Leptos.toml"), no_env).unwrap();
    assert_eq!(config.site_addr, "127.0.0.1:3000".parse().unwrap());
    assert_eq!(config.log_level, "info");
}

#[test]
fn the_environment_wins_over_the_file() {
    let (_dir, path) = write("site-addr = \"127.0.0.1:4000\"\n");
    let from_file = Config::load(&path, no_env).unwrap();
    assert_eq!(from_file.site_addr.port(), 4000);
    let env = |name: &str| (name == "LEPTOS_SITE_ADDR").then(|| "0.0.0.0:5000".to_owned());
    assert_eq!(Config::load(&path, env).unwrap().site_addr.port(), 5000);
}

#[test]
fn a_bad_value_names_the_key_and_where_it_came_from() {
    let (_dir, path) = write("site-addr = \"localhost\"\n");
    let message = Config::load(&path, no_env).unwrap_err().to_string();
    assert!(message.contains("`site-addr`"), "{message}");
    assert!(message.contains("Leptos.toml"), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
    let env = |name: &str| (name == "RUST_LOG").then(|| "server=verbose".to_owned());
    let (_dir, path) = write("log-level = \"debug\"\n");
    let message = Config::load(&path, env).unwrap_err().to_string();
    assert!(message.contains("RUST_LOG"), "{message}");
}

#[test]
fn a_wrong_type_or_unknown_key_is_refused() {
    let (_dir, path) = write("cookie-secure = \"yes\"\n");
    assert!(matches!(
        Config::load(&path, no_env),
        Err(ConfigError::BadValue {
            key: "cookie-secure",
            ..
        })
    ));
    let (_dir, path) = write("cookie-secure = true\n");
    assert_eq!(
        Config::load(&path, no_env).unwrap().cookie_secure,
        app::secure::SecureCookies::Always
    );
    let defaults = Config::load(Path::new("/nonexistent/Leptos.toml"), no_env).unwrap();
    assert_eq!(
        defaults.cookie_secure,
        app::secure::SecureCookies::Auto { production: false }
    );
    let (_dir, path) = write("trusted-proxies = [\"10.0.0.1\", \"::1\"]\nbody-limit = 4096\n");
    let config = Config::load(&path, no_env).unwrap();
    assert_eq!((config.trusted_proxies.len(), config.body_limit), (2, 4096));
    let (_dir, path) = write("trusted-proxies = \"10.0.0.1, proxy.local\"\n");
    assert!(matches!(
        Config::load(&path, no_env),
        Err(ConfigError::BadValue {
            key: "trusted-proxies",
            ..
        })
    ));
    let (_dir, path) = write("body-limit = 10\n");
    assert!(matches!(
        Config::load(&path, no_env),
        Err(ConfigError::BadValue {
            key: "body-limit",
            ..
        })
    ));
    let (_dir, path) = write("site-addr = 3000\n");
    assert!(matches!(
        Config::load(&path, no_env),
        Err(ConfigError::BadValue {
            key: "site-addr",
            ..
        })
    ));
    let (_dir, path) = write("site_adr = \"127.0.0.1:1\"\n");
    let err = Config::load(&path, no_env).unwrap_err();
    assert!(err.to_string().contains("site_adr"), "{err}");
    let (_dir, path) = write("site-addr = \n");
    assert!(matches!(
        Config::load(&path, no_env),
        Err(ConfigError::Syntax { .. })
    ));
}

#[test]
fn metrics_stay_off_the_public_site_in_production_unless_asked() {
    let prod = |extra: &'static str| {
        move |name: &str| match name {
            "LEPTOS_ENV" => Some("PROD".to_owned()),
            "APP_SESSION_KEY" => Some("k".repeat(32)),
            "APP_METRICS" if !extra.is_empty() => Some(extra.to_owned()),
            _ => None,
        }
    };
    let missing = Path::new("/nonexistent/Leptos.toml");
    assert_eq!(
        Config::load(missing, prod("")).unwrap().metrics,
        MetricsAt::Off
    );
    assert_eq!(
        Config::load(missing, prod("site")).unwrap().metrics,
        MetricsAt::Site
    );
    assert_eq!(
        Config::load(missing, no_env).unwrap().metrics,
        MetricsAt::Site
    );
}

#[test]
fn the_session_key_never_shows_in_debug_output() {
    let secret = "a-very-secret-session-key-of-40-characters";
    let env = |name: &str| (name == "APP_SESSION_KEY").then(|| secret.to_owned());
    let config = Config::load(Path::new("/nonexistent/Leptos.toml"), env).unwrap();
    assert_eq!(
        config.session_key.as_ref().map(Secret::expose),
        Some(secret)
    );
    let printed = format!("{config:?}");
    assert!(!printed.contains(secret), "{printed}");
}

#[test]
fn connection_limits_have_defaults_and_take_seconds_with_fractions() {
    let config = Config::load(Path::new("/nonexistent/Leptos.toml"), no_env).unwrap();
    assert_eq!(config.header_read_timeout, Duration::from_secs(10));
    assert_eq!(config.request_timeout, Some(Duration::from_secs(30)));
    assert_eq!(config.max_in_flight, Some(512));
    assert_eq!(config.max_in_flight_per_client, Some(32));
    assert_eq!(config.body_timeout, Some(Duration::from_secs(10)));
    assert_eq!(config.drain_timeout, Duration::from_secs(10));
    assert_eq!(config.shutdown_delay, Duration::ZERO);
    let (_dir, path) = write(
        "header-read-timeout = \"0.5\"\nrequest-timeout = 0\nmax-in-flight = 0\n\
         max-in-flight-per-client = 0\nbody-timeout = \"2.5\"\ndrain-timeout = 25\n",
    );
    let config = Config::load(&path, no_env).unwrap();
    assert_eq!(config.header_read_timeout, Duration::from_millis(500));
    assert_eq!((config.request_timeout, config.max_in_flight), (None, None));
    assert_eq!(config.max_in_flight_per_client, None);
    assert_eq!(config.body_timeout, Some(Duration::from_millis(2500)));
    assert_eq!(config.drain_timeout, Duration::from_secs(25));
}

#[test]
fn a_connection_limit_out_of_range_is_refused() {
    for (key, value) in [
        ("header-read-timeout", "0"),
        ("header-read-timeout", "-1"),
        ("request-timeout", "soon"),
        ("drain-timeout", "7200"),
        ("max-in-flight", "-5"),
        ("max-in-flight-per-client", "many"),
        ("body-timeout", "-1"),
    ] {
        let (_dir, path) = write(&format!("{key} = \"{value}\"\n"));
        let message = Config::load(&path, no_env).unwrap_err().to_string();
        assert!(message.contains(&format!("`{key}`")), "{message}");
    }
}

#[test]
fn the_retired_admin_email_stops_the_server_with_what_to_do_instead() {
    let defaults = Config::load(Path::new("/nonexistent/Leptos.toml"), no_env).unwrap();
    assert_eq!(defaults.uploads_dir, PathBuf::from("uploads"));
    let env = |name: &str| (name == "APP_ADMIN_EMAIL").then(|| "boss@example.com".to_owned());
    let message = Config::load(Path::new("/nonexistent/Leptos.toml"), env)
        .unwrap_err()
        .to_string();
    assert!(message.contains("APP_ADMIN_EMAIL"), "{message}");
    assert!(message.contains("server admin grant EMAIL"), "{message}");
    let (_dir, path) = write("admin-email = \"boss@example.com\"\n");
    let message = Config::load(&path, no_env).unwrap_err().to_string();
    assert!(message.contains("`admin-email`"), "{message}");
    let (_dir, path) = write("uploads-dir = \"/srv/shop/uploads\"\n");
    let config = Config::load(&path, no_env).unwrap();
    assert_eq!(config.uploads_dir, PathBuf::from("/srv/shop/uploads"));
}

#[test]
fn the_sweep_runs_hourly_by_default_and_can_be_turned_off() {
    let config = Config::load(Path::new("/nonexistent/Leptos.toml"), no_env).unwrap();
    assert_eq!(config.sweep_every, Some(Duration::from_secs(3600)));
    assert_eq!(config.abandoned_cart_age, Duration::from_secs(30 * 86_400));
    let (_dir, path) = write("sweep-every = 0\nabandoned-cart-days = 7\n");
    let config = Config::load(&path, no_env).unwrap();
    assert_eq!(config.sweep_every, None);
    assert_eq!(config.abandoned_cart_age, Duration::from_secs(7 * 86_400));
    for days in ["0", "4000000000"] {
        let (_dir, path) = write(&format!("abandoned-cart-days = {days}\n"));
        let message = Config::load(&path, no_env).unwrap_err().to_string();
        assert!(message.contains("`abandoned-cart-days`"), "{message}");
    }
}

#[test]
fn the_openapi_document_is_served_in_development_and_where_production_says() {
    let env = |production: bool, value: &'static str| {
        move |name: &str| match name {
            "LEPTOS_ENV" if production => Some("PROD".to_owned()),
            "APP_SESSION_KEY" => Some("k".repeat(32)),
            "APP_OPENAPI" if !value.is_empty() => Some(value.to_owned()),
            _ => None,
        }
    };
    let missing = Path::new("/nonexistent/Leptos.toml");
    let openapi =
        |production, value| Config::load(missing, env(production, value)).map(|c| c.openapi);
    assert_eq!(openapi(false, ""), Ok(Some("/api/openapi.json".to_owned())));
    assert_eq!(openapi(true, ""), Ok(None));
    assert_eq!(
        openapi(true, "/openapi.json"),
        Ok(Some("/openapi.json".to_owned()))
    );
    assert_eq!(openapi(false, "off"), Ok(None));
    let err = openapi(true, "openapi.json").unwrap_err();
    assert!(err.to_string().contains("APP_OPENAPI"), "{err}");
}
