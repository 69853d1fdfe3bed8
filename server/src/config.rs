//! Configuration from the environment (see `.env.example`). Every bad value is reported with
//! its variable name.

use platform::db::url::PgUrl;
use platform::db::{DEFAULT_LOGIN_ROLE, DEFAULT_PLATFORM_LOGIN_ROLE};
use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Config {
    /// The owner: runs migrations and creates the login roles. Not used to serve.
    pub database_url: PgUrl,
    /// The tenant pool's login role (no privileges of its own; may become the tenant role).
    pub app_database_url: PgUrl,
    /// The platform pool's login role (no privileges of its own; may become the platform
    /// role).
    pub platform_database_url: PgUrl,
    pub site_addr: SocketAddr,
    pub site_root: String,
    /// The origin users reach the app at; decides the cookie's `Secure` flag, which origins
    /// may send state-changing requests, and the links in mail.
    pub public_url: String,
    pub db_pool_size: usize,
    pub session_ttl_hours: i64,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    pub log_json: bool,
    /// `None`: mail is logged and kept for the dev mailbox instead of sent.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Jobs one worker runs at once.
    pub worker_concurrency: usize,
    /// How long a worker holds a job without renewing its lease; a killed worker's jobs are
    /// taken again after this long.
    pub job_lease_secs: u64,
    /// On SIGTERM, how long running jobs may take before they are released to other workers.
    pub job_shutdown_grace_secs: u64,
    /// The build put content hashes in the `/pkg` file names (cargo-leptos `hash-files`;
    /// `LEPTOS_HASH_FILES`): pages link the hashed names, which may be cached for a year.
    pub hash_files: bool,
    /// Seals connector credentials (`CONNECTOR_KEY`, 64 hex digits). `None`: connectors
    /// cannot be set up or run.
    pub connector_key: Option<String>,
    /// Salesforce timeouts and retries.
    pub salesforce: salesforce::Options,
    /// The hosts tenants may point LLM providers at (`LLM_ALLOWED_HOSTS`: `host`,
    /// `*.domain` or `host:port`, comma-separated); loopback and private addresses only as
    /// an exact `host:port`.
    pub llm_allowed_hosts: String,
    /// Stripe (`STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` together; `STRIPE_API_URL`
    /// for a stand-in). `None`: no payments through Stripe, and its webhook answers 404.
    pub stripe: Option<billing::stripe::StripeConfig>,
}

/// Stripe's keys, both or neither.
fn stripe_config() -> Result<Option<billing::stripe::StripeConfig>, String> {
    match (var("STRIPE_SECRET_KEY"), var("STRIPE_WEBHOOK_SECRET")) {
        (None, None) => Ok(None),
        (Some(secret_key), Some(webhook_secret)) => {
            if !secret_key.starts_with("sk_") {
                return Err("STRIPE_SECRET_KEY: must be a secret key (sk_…)".into());
            }
            let api_url = var("STRIPE_API_URL")
                .unwrap_or_else(|| billing::stripe::StripeConfig::DEFAULT_API_URL.into());
            if !(api_url.starts_with("https://") || api_url.starts_with("http://127.0.0.1:")) {
                return Err(
                    "STRIPE_API_URL: must be https:// (or a stand-in on http://127.0.0.1:…)".into(),
                );
            }
            Ok(Some(billing::stripe::StripeConfig {
                secret_key,
                webhook_secret,
                api_url,
            }))
        }
        (Some(_), None) => Err("STRIPE_WEBHOOK_SECRET: is needed with STRIPE_SECRET_KEY".into()),
        (None, Some(_)) => Err("STRIPE_SECRET_KEY: is needed with STRIPE_WEBHOOK_SECRET".into()),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}: {v:?} is not a valid value")),
    }
}

fn pg_url(name: &str, value: &str) -> Result<PgUrl, String> {
    PgUrl::parse(value).map_err(|e| format!("{name}: {e}"))
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let mut database_url = pg_url(
            "DATABASE_URL",
            &var("DATABASE_URL").ok_or("DATABASE_URL: not set (see .env.example)")?,
        )?;
        // Without APP_DATABASE_URL / PLATFORM_DATABASE_URL: the same server and database, as
        // the default login roles with no password (trust or peer authentication, as on a
        // developer's machine).
        let login = |name: &str, default: &str| match var(name) {
            Some(v) => pg_url(name, &v),
            None => Ok(database_url.with_user(default, None)),
        };
        let mut app_database_url = login("APP_DATABASE_URL", DEFAULT_LOGIN_ROLE)?;
        let mut platform_database_url =
            login("PLATFORM_DATABASE_URL", DEFAULT_PLATFORM_LOGIN_ROLE)?;
        // Another database on the same server (the test command's throwaway ones).
        if let Some(name) = var("DATABASE_NAME") {
            database_url = database_url.with_database(&name);
            app_database_url = app_database_url.with_database(&name);
            platform_database_url = platform_database_url.with_database(&name);
        }
        if app_database_url.user == database_url.user {
            return Err("APP_DATABASE_URL: must log in as another role than DATABASE_URL".into());
        }
        if platform_database_url.user == database_url.user
            || platform_database_url.user == app_database_url.user
        {
            return Err("PLATFORM_DATABASE_URL: must log in as another role than \
                        DATABASE_URL and APP_DATABASE_URL"
                .into());
        }
        let site_addr: SocketAddr = parse("SITE_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?;
        let public_url = var("PUBLIC_URL").unwrap_or_else(|| format!("http://{site_addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "PUBLIC_URL: {public_url:?} must start with http:// or https://"
            ));
        }
        let db_pool_size = parse("DB_POOL_SIZE", 10usize)?;
        if db_pool_size == 0 {
            return Err("DB_POOL_SIZE: must be at least 1".into());
        }
        let session_ttl_hours = parse("SESSION_TTL_HOURS", 24 * 14)?;
        if session_ttl_hours <= 0 {
            return Err("SESSION_TTL_HOURS: must be positive".into());
        }
        let worker_concurrency = parse("WORKER_CONCURRENCY", 4usize)?;
        if worker_concurrency == 0 {
            return Err("WORKER_CONCURRENCY: must be at least 1".into());
        }
        Ok(Config {
            database_url,
            app_database_url,
            platform_database_url,
            site_addr,
            site_root: var("SITE_ROOT")
                .or_else(|| var("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
            public_url: public_url.trim_end_matches('/').to_string(),
            db_pool_size,
            session_ttl_hours,
            trust_proxy: parse("TRUST_PROXY", false)?,
            log_json: var("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Sales Hunter <no-reply@sales-hunter.invalid>".into()),
            worker_concurrency,
            job_lease_secs: {
                let secs = parse("JOB_LEASE_SECS", 60u64)?;
                if secs == 0 {
                    return Err("JOB_LEASE_SECS: must be at least 1".into());
                }
                secs
            },
            job_shutdown_grace_secs: parse("JOB_SHUTDOWN_GRACE_SECS", 20u64)?,
            hash_files: parse("LEPTOS_HASH_FILES", false)?,
            connector_key: match var("CONNECTOR_KEY") {
                Some(k) => {
                    connectors::SecretKey::from_hex(&k)
                        .map_err(|e| format!("CONNECTOR_KEY: {e}"))?;
                    Some(k)
                }
                None => None,
            },
            llm_allowed_hosts: {
                let hosts = var("LLM_ALLOWED_HOSTS")
                    .unwrap_or_else(|| llm::egress::DEFAULT_ALLOWED_HOSTS.into());
                llm::EgressPolicy::parse(&hosts).map_err(|e| format!("LLM_ALLOWED_HOSTS: {e}"))?;
                hosts
            },
            salesforce: salesforce::Options {
                timeout: std::time::Duration::from_secs(parse("SALESFORCE_TIMEOUT_SECS", 60u64)?),
                ..salesforce::Options::default()
            },
            stripe: stripe_config()?,
        })
    }

    /// A configuration for tests and tools: everything defaulted around these URLs (the
    /// platform pool logs in as its default role on the owner's server and database).
    pub fn for_database(
        database_url: PgUrl,
        app_database_url: PgUrl,
        site_addr: SocketAddr,
    ) -> Config {
        Config {
            platform_database_url: database_url.with_user(DEFAULT_PLATFORM_LOGIN_ROLE, None),
            database_url,
            app_database_url,
            site_addr,
            site_root: "target/site".into(),
            public_url: format!("http://{site_addr}"),
            db_pool_size: 4,
            session_ttl_hours: 24,
            trust_proxy: false,
            log_json: false,
            smtp_url: None,
            mail_from: "Sales Hunter <no-reply@sales-hunter.invalid>".into(),
            worker_concurrency: 2,
            job_lease_secs: 60,
            job_shutdown_grace_secs: 20,
            hash_files: false,
            connector_key: None,
            salesforce: salesforce::Options::default(),
            llm_allowed_hosts: llm::egress::DEFAULT_ALLOWED_HOSTS.into(),
            stripe: None,
        }
    }

    /// The scheme and authority of `PUBLIC_URL`: what a browser sends as `Origin`.
    pub fn public_origin(&self) -> &str {
        let url = &self.public_url;
        let end = url
            .find("://")
            .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(url.len());
        &url[..end]
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// `Secure` cookies everywhere except plain-HTTP loopback, where browsers would drop them.
    pub fn cookie_secure(&self) -> bool {
        let authority = self
            .public_url
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .split('/')
            .next()
            .unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
        !(self.public_url.starts_with("http://") && loopback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_url(url: &str) -> Config {
        let db = PgUrl::parse("postgres://postgres@127.0.0.1/x").expect("url");
        let mut c = Config::for_database(
            db.clone(),
            db.with_user("app", None),
            SocketAddr::from(([127, 0, 0, 1], 3000)),
        );
        c.public_url = url.into();
        c
    }

    #[test]
    fn secure_cookies_outside_loopback() {
        assert!(!with_url("http://127.0.0.1:3000").cookie_secure());
        assert!(!with_url("http://localhost:3000").cookie_secure());
        assert!(!with_url("http://[::1]:3000/").cookie_secure());
        assert!(with_url("https://sales.example.com").cookie_secure());
        assert!(with_url("http://sales.example.com").cookie_secure());
    }

    #[test]
    fn origin_is_scheme_and_authority() {
        assert_eq!(
            with_url("https://sales.example.com/app").public_origin(),
            "https://sales.example.com"
        );
        assert_eq!(
            with_url("http://127.0.0.1:3000").public_origin(),
            "http://127.0.0.1:3000"
        );
    }
}
