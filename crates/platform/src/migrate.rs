//! Schema migrations, embedded in the binary, and creation of the database itself.

use crate::error::Error;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Applies every pending migration; returns how many ran.
pub async fn run_migrations(url: &str) -> Result<usize, Error> {
    let conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| Error::Pool(e.to_string()))?;
    // The harness is synchronous and blocks in place, so it gets a blocking thread.
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        harness
            .run_pending_migrations(MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| Error::Task(format!("migrating {}: {e}", redact_url(&url))))
    })
    .await
    .map_err(|e| Error::Task(e.to_string()))?
}

/// Creates the database named in `url` if it does not exist, connecting to the server's
/// `postgres` database to do so.
pub async fn ensure_database(url: &str) -> Result<bool, Error> {
    let (admin_url, name) = split_database(url)
        .ok_or_else(|| Error::Task(format!("no database name in {}", redact_url(url))))?;
    let mut conn = AsyncPgConnection::establish(&admin_url)
        .await
        .map_err(|e| Error::Pool(e.to_string()))?;
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        #[allow(dead_code)]
        one: i32,
    }
    let exists = diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_results::<Found>(&mut conn)
        .await?;
    if !exists.is_empty() {
        return Ok(false);
    }
    diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&name)))
        .execute(&mut conn)
        .await?;
    Ok(true)
}

/// Splits `postgres://…/name?opts` into (`postgres://…/postgres?opts`, `name`).
pub fn split_database(url: &str) -> Option<(String, String)> {
    let (head, tail) = url.rsplit_once('/')?;
    if !head.contains("://") || head.ends_with('/') {
        return None;
    }
    let (name, query) = match tail.split_once('?') {
        Some((n, q)) => (n, Some(q)),
        None => (tail, None),
    };
    if name.is_empty() {
        return None;
    }
    let admin = match query {
        Some(q) => format!("{head}/postgres?{q}"),
        None => format!("{head}/postgres"),
    };
    Some((admin, name.to_string()))
}

/// Double-quotes an identifier for SQL.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((creds, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_database_names() {
        assert_eq!(
            split_database("postgres://u@h:5432/app?sslmode=disable"),
            Some((
                "postgres://u@h:5432/postgres?sslmode=disable".into(),
                "app".into()
            ))
        );
        assert_eq!(split_database("postgres://u@h:5432/"), None);
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
