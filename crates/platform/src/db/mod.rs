//! The connection pool and the two kinds of transaction.
//!
//! - [`Db::tenant_tx`]: everything a signed-in user does. The transaction first sets
//!   `app.tenant_id` and switches to the `sales_hunter_tenant` role, so PostgreSQL's row-level
//!   security confines every statement to that tenant, even one that forgets its filter.
//! - [`Db::system_tx`]: platform work that must look across tenants before a tenant is known
//!   (sign-in, session lookup, invitation acceptance). Kept to `auth` and `invitations`.

pub mod schema;

use crate::error::Error;
use diesel::sql_types::Text;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use models::TenantId;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub type Conn = AsyncPgConnection;
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The role RLS applies to; created by the first migration.
pub const TENANT_ROLE: &str = "sales_hunter_tenant";

#[derive(Clone)]
pub struct Db {
    pool: Pool<AsyncPgConnection>,
}

impl Db {
    /// Builds the pool. Connections are opened lazily, so this succeeds with the database down;
    /// the first query then reports `Unavailable` after `timeout`.
    pub fn connect(url: &str, max_size: usize, timeout: Duration) -> Result<Db, Error> {
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        let pool = Pool::builder(manager)
            .max_size(max_size)
            .runtime(deadpool::Runtime::Tokio1)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .build()
            .map_err(|e| Error::Pool(e.to_string()))?;
        Ok(Db { pool })
    }

    async fn conn(&self) -> Result<Object<AsyncPgConnection>, Error> {
        self.pool
            .get()
            .await
            .map_err(|e| Error::Pool(e.to_string()))
    }

    /// Runs `f` in a transaction confined to `tenant` by row-level security.
    pub async fn tenant_tx<R, F>(&self, tenant: TenantId, f: F) -> Result<R, Error>
    where
        R: Send,
        F: for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Result<R, Error>> + Send,
    {
        let mut conn = self.conn().await?;
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

    /// Runs `f` in a transaction with the login role: no tenant confinement. Only for work
    /// that has to find the tenant first.
    pub async fn system_tx<R, F>(&self, f: F) -> Result<R, Error>
    where
        R: Send,
        F: for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Result<R, Error>> + Send,
    {
        let mut conn = self.conn().await?;
        let conn: &mut Conn = &mut conn;
        conn.transaction(async move |conn: &mut Conn| f(conn).await)
            .await
    }

    /// Cheap liveness probe for `/healthz`.
    pub async fn ping(&self) -> Result<(), Error> {
        let mut conn = self.conn().await?;
        diesel::sql_query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }
}
