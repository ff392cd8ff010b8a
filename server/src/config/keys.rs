//! The configuration keys: each one's name in the file, its environment
//! variable, its default, and what a value must look like.

/// One key: its name in the file, its variable, its default, what it expects.
pub(super) struct Key {
    pub name: &'static str,
    pub env: &'static str,
    pub default: &'static str,
    pub expected: &'static str,
}

pub(super) const SITE_ADDR: Key = Key {
    name: "site-addr",
    env: "LEPTOS_SITE_ADDR",
    default: "127.0.0.1:3000",
    expected: "an address and port such as \"127.0.0.1:3000\"",
};
pub(super) const DATABASE_URL: Key = Key {
    name: "database-url",
    env: "DATABASE_URL",
    default: app::site::DEFAULT_DATABASE_URL,
    expected: "a non-empty database URL such as \"sqlite://app.db?mode=rwc\"",
};
pub(super) const LOG_LEVEL: Key = Key {
    name: "log-level",
    env: "RUST_LOG",
    default: "info",
    expected: "a level (error, warn, info, debug, trace) or tracing directives",
};
pub(super) const COOKIE_SECURE: Key = Key {
    name: "cookie-secure",
    env: "APP_COOKIE_SECURE",
    default: "auto",
    expected: "auto, true or false",
};
pub(super) const ALLOWED_ORIGINS: Key = Key {
    name: "allowed-origins",
    env: "APP_ALLOWED_ORIGINS",
    default: "",
    expected: "origins such as [\"https://admin.example.com\"] (or comma-separated)",
};
pub(super) const TRUSTED_PROXIES: Key = Key {
    name: "trusted-proxies",
    env: "APP_TRUSTED_PROXIES",
    default: "",
    expected: "IP addresses such as [\"127.0.0.1\"] (or comma-separated)",
};
pub(super) const BODY_LIMIT: Key = Key {
    name: "body-limit",
    env: "APP_BODY_LIMIT",
    default: "1048576",
    expected: "a size in bytes, at least 1024",
};
pub(super) const RATE_PER_SECOND: Key = Key {
    name: "rate-limit-per-second",
    env: "APP_RATE_LIMIT_PER_SECOND",
    default: "50",
    expected: "a whole number of requests per second (0 turns the limit off)",
};
pub(super) const RATE_BURST: Key = Key {
    name: "rate-limit-burst",
    env: "APP_RATE_LIMIT_BURST",
    default: "100",
    expected: "a whole number of requests",
};
pub(super) const SESSION_KEY: Key = Key {
    name: "session-key",
    env: "APP_SESSION_KEY",
    default: "",
    expected: "a secret of at least 32 characters",
};
pub(super) const LOG_FORMAT: Key = Key {
    name: "log-format",
    env: "APP_LOG_FORMAT",
    default: "auto",
    expected: "text, json, or auto (json in production, text otherwise)",
};
pub(super) const METRICS: Key = Key {
    name: "metrics",
    env: "APP_METRICS",
    default: "auto",
    expected: "auto (the site in development, off in production), off, site, or an address and port such as \"127.0.0.1:9100\"",
};
pub(super) const CACHE: Key = Key {
    name: "cache",
    env: "APP_CACHE",
    default: "64",
    expected: "a whole number of MiB of kept pages (0 turns the cache off)",
};
pub(super) const HEADER_READ_TIMEOUT: Key = Key {
    name: "header-read-timeout",
    env: "APP_HEADER_READ_TIMEOUT",
    default: "10",
    expected: "a number of seconds above 0, such as 10 or 0.5",
};
pub(super) const REQUEST_TIMEOUT: Key = Key {
    name: "request-timeout",
    env: "APP_REQUEST_TIMEOUT",
    default: "30",
    expected: "a number of seconds, such as 30 or 0.5 (0 turns the limit off)",
};
pub(super) const MAX_IN_FLIGHT: Key = Key {
    name: "max-in-flight",
    env: "APP_MAX_IN_FLIGHT",
    default: "512",
    expected: "a whole number of requests (0 turns the bound off)",
};
pub(super) const MAX_IN_FLIGHT_PER_CLIENT: Key = Key {
    name: "max-in-flight-per-client",
    env: "APP_MAX_IN_FLIGHT_PER_CLIENT",
    default: "32",
    expected: "a whole number of requests (0 turns the share off)",
};
pub(super) const BODY_TIMEOUT: Key = Key {
    name: "body-timeout",
    env: "APP_BODY_TIMEOUT",
    default: "10",
    expected: "a number of seconds, such as 10 or 0.5 (0 turns the limit off)",
};
pub(super) const DRAIN_TIMEOUT: Key = Key {
    name: "drain-timeout",
    env: "APP_DRAIN_TIMEOUT",
    default: "10",
    expected: "a number of seconds, such as 10 or 0.5",
};
pub(super) const SHUTDOWN_DELAY: Key = Key {
    name: "shutdown-delay",
    env: "APP_SHUTDOWN_DELAY",
    default: "0",
    expected: "a number of seconds, such as 0 or 5",
};
pub(super) const SWEEP_EVERY: Key = Key {
    name: "sweep-every",
    env: "APP_SWEEP_EVERY",
    default: "3600",
    expected: "a whole number of seconds, such as 3600 or 86400 (0 turns the sweep off)",
};
pub(super) const ABANDONED_CART_DAYS: Key = Key {
    name: "abandoned-cart-days",
    env: "APP_ABANDONED_CART_DAYS",
    default: "30",
    expected: "a whole number of days, from 1 to 36500",
};
pub(super) const OPENAPI: Key = Key {
    name: "openapi",
    env: "APP_OPENAPI",
    default: "auto",
    expected: "auto (/api/openapi.json in development, off in production), off, or a path such as \"/openapi.json\"",
};
/// Retired: read only to refuse it (`server admin grant EMAIL` instead).
pub(super) const ADMIN_EMAIL: Key = Key {
    name: "admin-email",
    env: "APP_ADMIN_EMAIL",
    default: "",
    expected: "nothing: run `server admin grant EMAIL` instead",
};
pub(super) const UPLOADS_DIR: Key = Key {
    name: "uploads-dir",
    env: "APP_UPLOADS_DIR",
    default: "uploads",
    expected: "a directory the server may create and write to",
};
pub(super) const KEYS: [&Key; 25] = [
    &SESSION_KEY,
    &RATE_PER_SECOND,
    &RATE_BURST,
    &SITE_ADDR,
    &DATABASE_URL,
    &LOG_LEVEL,
    &LOG_FORMAT,
    &METRICS,
    &COOKIE_SECURE,
    &ALLOWED_ORIGINS,
    &TRUSTED_PROXIES,
    &BODY_LIMIT,
    &CACHE,
    &HEADER_READ_TIMEOUT,
    &REQUEST_TIMEOUT,
    &MAX_IN_FLIGHT,
    &MAX_IN_FLIGHT_PER_CLIENT,
    &BODY_TIMEOUT,
    &DRAIN_TIMEOUT,
    &SHUTDOWN_DELAY,
    &ADMIN_EMAIL,
    &SWEEP_EVERY,
    &ABANDONED_CART_DAYS,
    &UPLOADS_DIR,
    &OPENAPI,
];
