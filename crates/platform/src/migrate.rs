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

/// Creates (or updates) the two roles the server and worker log in as: LOGIN, NOINHERIT,
/// no privileges of their own; the tenant pool's (`tenant`) may switch only to the tenant
/// role and the platform pool's (`platform`) only to the platform role. Their passwords are
/// the ones in the URLs (none for trust or peer authentication). An installation whose one
/// login role could become both loses the platform role here.
pub async fn ensure_login_roles(
    owner: &PgUrl,
    tenant: &PgUrl,
    platform: &PgUrl,
) -> Result<(), Error> {
    let tenant_name = login_name("APP_DATABASE_URL", owner, tenant)?;
    let platform_name = login_name("PLATFORM_DATABASE_URL", owner, platform)?;
    if tenant_name == platform_name {
        return Err(Error::Config(format!(
            "APP_DATABASE_URL and PLATFORM_DATABASE_URL must log in as two roles, not both as {tenant_name:?}"
        )));
    }
    let mut conn = connect(owner).await?;
    ensure_login_role(&mut conn, tenant_name, tenant, TENANT_ROLE, PLATFORM_ROLE).await?;
    ensure_login_role(
        &mut conn,
        platform_name,
        platform,
        PLATFORM_ROLE,
        TENANT_ROLE,
    )
    .await
}

fn login_name<'a>(var: &str, owner: &PgUrl, url: &'a PgUrl) -> Result<&'a str, Error> {
    let name = url
        .user
        .as_deref()
        .ok_or_else(|| Error::Config(format!("{var}: names no user")))?;
    if Some(name) == owner.user.as_deref() || name == TENANT_ROLE || name == PLATFORM_ROLE {
        return Err(Error::Config(format!(
            "{var}: the server must log in as a role of its own, not {name:?}"
        )));
    }
    Ok(name)
}

async fn ensure_login_role(
    conn: &mut AsyncPgConnection,
    name: &str,
    url: &PgUrl,
    may_become: &str,
    may_not_become: &str,
) -> Result<(), Error> {
    let exists = diesel::sql_query("SELECT 1 AS one FROM pg_roles WHERE rolname = $1")
        .bind::<Text, _>(name)
        .get_results::<Found>(conn)
        .await?;
    let verb = if exists.is_empty() { "CREATE" } else { "ALTER" };
    let password = match &url.password {
        Some(p) => format!("PASSWORD {}", quote_literal(p)),
        None => "PASSWORD NULL".into(),
    };
    let role = quote_ident(name);
    for sql in [
        format!(
            "{verb} ROLE {role} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS {password}"
        ),
        format!("GRANT {may_become} TO {role}"),
        // Earlier installations let one login role become both.
        format!("REVOKE {may_not_become} FROM {role}"),
    ] {
        diesel::sql_query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}
