//! PostgreSQL connection URLs: `postgres://user[:password]@host[:port]/database[?options]`.
//! The scripts pass URLs through untouched; everything that takes one apart is here.

use crate::error::Error;
use models::url::encode;

/// A connection URL taken apart; `to_string` puts it back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgUrl {
    scheme: String,
    /// Percent-decoded.
    pub user: Option<String>,
    /// Percent-decoded.
    pub password: Option<String>,
    /// `host[:port]`, as written.
    host: String,
    pub database: String,
    query: Option<String>,
}

impl PgUrl {
    pub fn parse(url: &str) -> Result<PgUrl, Error> {
        let bad = |why: &str| Error::Config(format!("{}: {why}", redact_url(url)));
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("not a postgres:// URL"))?;
        if scheme != "postgres" && scheme != "postgresql" {
            return Err(bad("not a postgres:// URL"));
        }
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q.to_string())),
            None => (rest, None),
        };
        let (authority, database) = rest
            .split_once('/')
            .ok_or_else(|| bad("no database name"))?;
        if database.is_empty() || database.contains('/') {
            return Err(bad("no database name"));
        }
        // The password may itself contain '@': the host follows the last one.
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(u) => match u.split_once(':') {
                Some((user, pw)) => (Some(decode(user)), Some(decode(pw))),
                None => (Some(decode(u)), None),
            },
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        Ok(PgUrl {
            scheme: scheme.to_string(),
            user: user.filter(|u| !u.is_empty()),
            password,
            host: host.to_string(),
            database: decode(database),
            query,
        })
    }

    pub fn with_database(&self, database: &str) -> PgUrl {
        PgUrl {
            database: database.to_string(),
            ..self.clone()
        }
    }

    pub fn with_user(&self, user: &str, password: Option<&str>) -> PgUrl {
        PgUrl {
            user: Some(user.to_string()),
            password: password.map(str::to_string),
            ..self.clone()
        }
    }

    /// The same server's maintenance database, for creating and dropping others.
    pub fn admin(&self) -> PgUrl {
        self.with_database("postgres")
    }

    /// For logs: the password replaced by `***`.
    pub fn redacted(&self) -> String {
        let mut shown = self.clone();
        if shown.password.is_some() {
            shown.password = Some("***".into());
        }
        shown.render(false)
    }

    fn render(&self, encode_all: bool) -> String {
        let enc = |s: &str| if encode_all { encode(s) } else { s.to_string() };
        let userinfo = match (&self.user, &self.password) {
            (Some(u), Some(p)) => format!("{}:{}@", encode(u), enc(p)),
            (Some(u), None) => format!("{}@", encode(u)),
            (None, _) => String::new(),
        };
        let query = self
            .query
            .as_ref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        format!(
            "{}://{userinfo}{}/{}{query}",
            self.scheme,
            self.host,
            encode(&self.database)
        )
    }
}

impl std::fmt::Display for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(true))
    }
}

/// The URL with any password replaced, for logs; tolerant of URLs that do not parse.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, format!("?{q}")),
        None => (rest, String::new()),
    };
    let Some((creds, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}{query}"),
        None => url.to_string(),
    }
}

/// Double-quotes an identifier for SQL.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Single-quotes a string literal for SQL (for statements that take no bind parameters, such
/// as `CREATE ROLE ... PASSWORD`).
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_urls_apart_and_back() {
        let u = PgUrl::parse("postgres://owner:p%40ss@db.example:6543/app?sslmode=require")
            .expect("parse");
        assert_eq!(u.user.as_deref(), Some("owner"));
        assert_eq!(u.password.as_deref(), Some("p@ss"));
        assert_eq!(u.database, "app");
        assert_eq!(
            u.to_string(),
            "postgres://owner:p%40ss@db.example:6543/app?sslmode=require"
        );
        assert_eq!(
            u.admin().with_user("x", None).to_string(),
            "postgres://x@db.example:6543/postgres?sslmode=require"
        );
        assert_eq!(
            u.redacted(),
            "postgres://owner:***@db.example:6543/app?sslmode=require"
        );
        assert!(PgUrl::parse("postgres://h:5432/").is_err());
        assert!(PgUrl::parse("mysql://h/db").is_err());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn quotes() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
