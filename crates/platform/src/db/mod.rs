//! The connection pools and the two kinds of transaction.
//!
//! Two pools, each logging in as a role of its own with no privilege on any table
//! (LOGIN, NOINHERIT): every transaction first switches to the one role its login may
//! become (`SET LOCAL ROLE`), so a `RESET ROLE` slipped into a transaction is left with a
//! role that can read nothing, and SQL injected into a tenant transaction cannot
//! `SET ROLE` its way out of row-level security: the tenant login is not a member of the
//! platform role.
//!
//! - [`Db::tenant_tx`]: everything a signed-in user does, on the tenant pool
//!   (`APP_DATABASE_URL`). It sets `app.tenant_id` and becomes [`TENANT_ROLE`]
//!   (NOBYPASSRLS), so row-level security confines every statement to that tenant, even one
//!   that forgets its filter.
//! - [`Db::platform_tx`]: the few steps that must look across tenants (sign-in, session
//!   lookup, invitation acceptance, the job queue), on the platform pool
//!   (`PLATFORM_DATABASE_URL`). It becomes [`PLATFORM_ROLE`] (BYPASSRLS).
//!
//! Both take an async closure that may borrow from the caller:
//! `db.tenant_tx(tenant, async |conn| { ... }).await`.

pub mod count;
pub mod joins;
pub mod schema;
pub mod url;

use crate::error::Error;
use diesel::sql_types::Text;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use models::TenantId;
use std::future::Future;
use std::time::Duration;

pub type Conn = AsyncPgConnection;

/// The role RLS applies to; created by the first migration.
pub const TENANT_ROLE: &str = "sales_hunter_tenant";
/// The role for cross-tenant platform work (BYPASSRLS); created by the migrations.
pub const PLATFORM_ROLE: &str = "sales_hunter_platform";
/// The tenant pool's login role unless `APP_DATABASE_URL` names another: it may become
/// [`TENANT_ROLE`] only.
pub const DEFAULT_LOGIN_ROLE: &str = "sales_hunter_app";
/// The platform pool's login role unless `PLATFORM_DATABASE_URL` names another: it may
/// become [`PLATFORM_ROLE`] only.
pub const DEFAULT_PLATFORM_LOGIN_ROLE: &str = "sales_hunter_app_platform";

/// A transaction body: an async closure over the connection whose future is `Send`.
///
/// diesel-async bounds its own `transaction` the same way, but its helper trait is private;
/// this one lets our wrappers forward the bound, so callers write plain async closures that
/// borrow their surroundings instead of cloning everything into a boxed future.
pub trait TxBody<T, R>: AsyncFnOnce(T) -> R + FnOnce(T) -> <Self as TxBody<T, R>>::Fut {
    type Fut: Future<Output = R>;
}

impl<F, T, Fut, R> TxBody<T, R> for F
where
    F: AsyncFnOnce(T) -> R + FnOnce(T) -> Fut,
    Fut: Future<Output = R>,
{
    type Fut = Fut;
}

/// Plans the rest of the transaction's statements for their actual values. diesel-async
/// prepares and caches statements per connection, and after five runs PostgreSQL may switch a
/// statement to a generic plan that cannot see a `LIKE` pattern (so it cannot pick the
/// trigram index) nor how large the tenant is. Searches and filtered lists call this first.
pub async fn plan_for_values(conn: &mut Conn) -> Result<(), Error> {
    diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(conn)
        .await?;
    Ok(())
}

/// Commits this transaction without waiting for its WAL to reach the disk. Only for work
/// that is safe to lose in a crash because it is redone from its own committed state: a
/// crash then loses the transaction whole, and with it the cursor it moved (a sync page is
/// pulled again). Never for what a user saved.
pub async fn relaxed_commit(conn: &mut Conn) -> Result<(), Error> {
    diesel::sql_query("SET LOCAL synchronous_commit = off")
        .execute(conn)
        .await?;
    Ok(())
}

/// Where the two pools log in: as the tenant login role and as the platform login role.
#[derive(Debug, Clone, Copy)]
pub struct LoginUrls<'a> {
    pub tenant: &'a str,
    pub platform: &'a str,
}

#[derive(Clone)]
pub struct Db {
    tenant: Pool<AsyncPgConnection>,
    platform: Pool<AsyncPgConnection>,
}

fn pool(url: &str, max_size: usize, timeout: Duration) -> Result<Pool<AsyncPgConnection>, Error> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
    Pool::builder(manager)
        .max_size(max_size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(timeout))
        .create_timeout(Some(timeout))
        .build()
        .map_err(|e| Error::Pool(e.to_string()))
}

async fn conn(pool: &Pool<AsyncPgConnection>) -> Result<Object<AsyncPgConnection>, Error> {
    pool.get().await.map_err(|e| Error::Pool(e.to_string()))
}

impl Db {
    /// Builds the two pools, each of up to `max_size` connections. Connections are opened
    /// lazily, so this succeeds with the database down; the first query then reports
    /// `Unavailable` after `timeout`.
    pub fn connect(urls: LoginUrls<'_>, max_size: usize, timeout: Duration) -> Result<Db, Error> {
        Ok(Db {
            tenant: pool(urls.tenant, max_size, timeout)?,
            platform: pool(urls.platform, max_size, timeout)?,
        })
    }

    /// Runs `f` in a transaction confined to `tenant` by row-level security.
    pub async fn tenant_tx<R, F>(&self, tenant: TenantId, f: F) -> Result<R, Error>
    where
        for<'r> F: AsyncFnOnce(&'r mut Conn) -> Result<R, Error>
            + TxBody<&'r mut Conn, Result<R, Error>, Fut: Send>
            + Send,
        R: Send,
    {
        let mut conn = conn(&self.tenant).await?;
        let conn: &mut Conn = &mut conn;
        conn.transaction(async move |conn: &mut Conn| {
            diesel::sql_query("SELECT set_config('app.tenant_id', $1, true)")
                .bind::<Text, _>(tenant.0.to_string())
                .execute(conn)
                .await?;
            diesel::sql_query(format!("SET LOCAL ROLE {TENANT_ROLE}"))
                .execute(conn)
                .await?;
            f(conn).await
        })
        .await
    }

    /// Runs `f` in a transaction as the platform role: no tenant confinement. Only for work
    /// that has to find the tenant first, or that serves every tenant (the job queue).
    pub async fn platform_tx<R, F>(&self, f: F) -> Result<R, Error>
    where
        for<'r> F: AsyncFnOnce(&'r mut Conn) -> Result<R, Error>
            + TxBody<&'r mut Conn, Result<R, Error>, Fut: Send>
            + Send,
        R: Send,
    {
        let mut conn = conn(&self.platform).await?;
        let conn: &mut Conn = &mut conn;
        conn.transaction(async move |conn: &mut Conn| {
            diesel::sql_query(format!("SET LOCAL ROLE {PLATFORM_ROLE}"))
                .execute(conn)
                .await?;
            f(conn).await
        })
        .await
    }

    /// Cheap liveness probe for `/healthz` (the tenant pool: what pages mostly use).
    pub async fn ping(&self) -> Result<(), Error> {
        let mut conn = conn(&self.tenant).await?;
        diesel::sql_query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }
}
