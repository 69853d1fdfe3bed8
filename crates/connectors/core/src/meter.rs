//! What billing needs of the connectors: the records a sync moves, and whether one more
//! connection fits the plan. The server hands the framework an implementation
//! (`ConnectorHub::meter`); the framework knows no plans or caps.

use connector_api::BoxFuture;
use models::TenantId;
use platform::db::Conn;
use platform::Error;

pub trait SyncMeter: Send + Sync + 'static {
    /// Counts `records` moved by one page, in the page's transaction: written here by a pull
    /// (created, updated, deleted), or saved on the remote side by a push. With `enforce` (a
    /// pull) it may refuse (a cap reached): the page is rolled back and the run stops with
    /// that error; a push is counted after the fact, since the remote side has it already.
    fn count<'a>(
        &'a self,
        conn: &'a mut Conn,
        tenant: TenantId,
        records: i64,
        enforce: bool,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Refuses a new connection to a tenant that has `existing` ones when its plan allows no
    /// more; called in the transaction that would create it.
    fn allow_connection<'a>(
        &'a self,
        conn: &'a mut Conn,
        tenant: TenantId,
        existing: i64,
    ) -> BoxFuture<'a, Result<(), Error>>;
}
