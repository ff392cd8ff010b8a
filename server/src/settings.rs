//! The configuration, turned into ferry's settings.

use std::sync::Arc;

use ferry::cache::CacheSettings;
use ferry::ratelimit::RateLimit;
use ferry::security::SameOrigin;
use leptos::prelude::LeptosOptions;

use crate::config::{Config, MetricsAt};

/// Ferry's settings for this configuration and Leptos environment.
pub fn ferry_settings(config: &Config, options: &LeptosOptions) -> ferry::Settings {
    let mut settings = ferry::Settings::for_env(options.env.clone());
    settings.same_origin = SameOrigin {
        allowed_origins: Arc::new(config.allowed_origins.clone()),
    };
    settings.trusted_proxies = Arc::new(config.trusted_proxies.clone());
    settings.body_limit = config.body_limit;
    settings.request_timeout = config.request_timeout;
    settings.max_in_flight = config.max_in_flight;
    settings.max_in_flight_per_client = config.max_in_flight_per_client;
    settings.body_timeout = config.body_timeout;
    settings.rate_limit = Some(RateLimit {
        per_second: config.rate_per_second,
        burst: config.rate_burst,
    });
    settings.metrics_on_site = config.metrics == MetricsAt::Site;
    settings.sign_in_path = Some(app::site::SIGN_IN_PATH.to_owned());
    settings.cache = match config.cache_mib {
        0 => CacheSettings::off(),
        mib => {
            let mut cache = CacheSettings::default();
            cache.page_bytes = mib << 20;
            cache
        }
    };
    settings
}

/// How the server treats connections, for this configuration.
pub fn serve_settings(config: &Config) -> ferry::ServeSettings {
    let mut settings = ferry::ServeSettings::default();
    settings.header_read_timeout = config.header_read_timeout;
    settings.drain = config.drain_timeout;
    settings.shutdown_delay = config.shutdown_delay;
    settings
}
