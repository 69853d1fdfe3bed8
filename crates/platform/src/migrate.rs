//! Schema migrations (embedded in the binary), creation of the database itself, and the
//! application's login role. All of it runs as the owner (`DATABASE_URL`).

use crate::db::url::{quote_ident, quote_literal, PgUrl};
use crate::db::{PLATFORM_ROLE, TENANT_ROLE};
use crate::error::Error;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

async fn connect(url: &PgUrl) -> Result<AsyncPgConnection, Error> {
    AsyncPgConnection::establish(&url.to_string())
        .await
        .map_err(|e| Error::Pool(format!("{}: {e}", url.redacted())))
}

/// Applies every pending migration; returns how many ran.
pub async fn run_migrations(owner: &PgUrl) -> Result<usize, Error> {
    let conn = connect(owner).await?;
    let shown = owner.redacted();
    // The harness is synchronous and blocks in place, so it gets a blocking thread.
    tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        harness
            .run_pending_migrations(MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| Error::Task(format!("migrating {shown}: {e}")))
    })
    .await
    .map_err(|e| Error::Task(e.to_string()))?
}

#[derive(diesel::QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    #[allow(dead_code)]
    one: i32,
}

/// Creates the database named in `url` if it does not exist; true when it did not.
pub async fn ensure_database(url: &PgUrl) -> Result<bool, Error> {
    let mut conn = connect(&url.admin()).await?;
    let exists = diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(&url.database)
        .get_results::<Found>(&mut conn)
        .await?;
    if !exists.is_empty() {
        return Ok(false);
    }
    diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&url.database)))
        .execute(&mut conn)
        .await?;
    Ok(true)
}

/// Drops the database named in `url` (closing its connections); true when it existed.
pub async fn drop_database(url: &PgUrl) -> Result<bool, Error> {
    let mut conn = connect(&url.admin()).await?;
    let exists = diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(&url.database)
        .get_results::<Found>(&mut conn)
        .await?;
    diesel::sql_query(format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(&url.database)
    ))
    .execute(&mut conn)
    .await?;
    Ok(!exists.is_empty())
}

/// Creates (or updates) the role the server and worker log in as: LOGIN, NOINHERIT, no
/// privileges of its own, allowed only to switch to the tenant and platform roles. Its
/// password is the one in `app` (none for trust or peer authentication).
pub async fn ensure_login_role(owner: &PgUrl, app: &PgUrl) -> Result<(), Error> {
    let name = app
        .user
        .as_deref()
        .ok_or_else(|| Error::Config("APP_DATABASE_URL: names no user".into()))?;
    if Some(name) == owner.user.as_deref() || name == TENANT_ROLE || name == PLATFORM_ROLE {
        return Err(Error::Config(format!(
            "APP_DATABASE_URL: the server must log in as a role of its own, not {name:?}"
        )));
    }
    let mut conn = connect(owner).await?;
    let exists = diesel::sql_query("SELECT 1 AS one FROM pg_roles WHERE rolname = $1")
        .bind::<Text, _>(name)
        .get_results::<Found>(&mut conn)
        .await?;
    let verb = if exists.is_empty() { "CREATE" } else { "ALTER" };
    let password = match &app.password {
        Some(p) => format!("PASSWORD {}", quote_literal(p)),
        None => "PASSWORD NULL".into(),
    };
    let role = quote_ident(name);
    for sql in [
        format!(
            "{verb} ROLE {role} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS {password}"
        ),
        format!("GRANT {TENANT_ROLE}, {PLATFORM_ROLE} TO {role}"),
    ] {
        diesel::sql_query(sql).execute(&mut conn).await?;
    }
    Ok(())
}
