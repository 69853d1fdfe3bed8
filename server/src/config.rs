//! Configuration from the environment (see `.env.example`). Every bad value is reported with
//! its variable name.

use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    pub site_root: String,
    /// The origin users reach the app at; decides the cookie's `Secure` flag and which
    /// origins may send state-changing requests.
    pub public_url: String,
    pub db_pool_size: usize,
    pub session_ttl_hours: i64,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    pub log_json: bool,
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

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let database_url = var("DATABASE_URL").ok_or("DATABASE_URL: not set (see .env.example)")?;
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
        Ok(Config {
            database_url,
            site_addr,
            site_root: var("SITE_ROOT")
                .or_else(|| var("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
            public_url: public_url.trim_end_matches('/').to_string(),
            db_pool_size,
            session_ttl_hours,
            trust_proxy: parse("TRUST_PROXY", false)?,
            log_json: var("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
        })
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
        Config {
            database_url: String::new(),
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: String::new(),
            public_url: url.into(),
            db_pool_size: 1,
            session_ttl_hours: 1,
            trust_proxy: false,
            log_json: false,
        }
    }

    #[test]
    fn secure_cookies_outside_loopback() {
        assert!(!with_url("http://127.0.0.1:3000").cookie_secure());
        assert!(!with_url("http://localhost:3000").cookie_secure());
        assert!(!with_url("http://[::1]:3000/").cookie_secure());
        assert!(with_url("https://sales.example.com").cookie_secure());
        assert!(with_url("http://sales.example.com").cookie_secure());
    }
}
