//! Sync now, and the connection's runs with the records they could not sync.

use super::view::recent_runs;
use super::*;

/// Queues a run now. With one already queued or running, that one is returned.
pub async fn sync_now(db: &Db, ctx: &RequestContext, id: ConnectionId) -> Result<SyncRunId, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| queue_run(conn, ctx, id).await)
        .await
}

/// A full resync, after a mapping change: every enabled object is read again from the
/// start by the next run (queued now; one under way finishes first). Idempotent (records
/// are matched by their links, unchanged ones are left alone) and resumable (the cursor
/// moves page by page as in any run).
pub async fn resync_connection(
    db: &Db,
    ctx: &RequestContext,
    id: ConnectionId,
) -> Result<SyncRunId, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        load_connection(conn, id).await?;
        diesel::update(
            connection_objects::table
                .filter(connection_objects::connection_id.eq(id))
                .filter(connection_objects::enabled.eq(true)),
        )
        .set(connection_objects::resync_requested.eq(true))
        .execute(conn)
        .await?;
        NewAuditEntry::by(ctx, action::RESYNC_REQUESTED)
            .target("connection", id)
            .record(conn)
            .await?;
        queue_run(conn, ctx, id).await
    })
    .await
}

/// Queues a run (or returns the one queued or running).
async fn queue_run(
    conn: &mut Conn,
    ctx: &RequestContext,
    id: ConnectionId,
) -> Result<SyncRunId, Error> {
    {
        let row = load_connection(conn, id).await?;
        if row.status != ConnectionStatus::Connected {
            return Err(
                AppError::conflict("Connect first: this connection is not authorised.").into(),
            );
        }
        let key = Schedule::dedup_key(&SyncConnection::schedule_name(id));
        if let Some(run) = active_run(conn, id).await? {
            // A run whose job is gone (its worker died on the last attempt) is over.
            let alive: i64 = jobs::table
                .filter(jobs::dedup_key.eq(&key))
                .filter(jobs::state.eq_any([JobState::Pending, JobState::Running]))
                .count()
                .get_result(conn)
                .await?;
            if alive > 0 {
                return Ok(run.id);
            }
            diesel::update(sync_runs::table.filter(sync_runs::id.eq(run.id)))
                .set((
                    sync_runs::state.eq(SyncState::Failed),
                    sync_runs::error.eq("Its worker stopped before the end; a new run continues from where it got to."),
                    sync_runs::finished_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
        }
        let run = SyncRunId(Uuid::new_v4());
        diesel::insert_into(sync_runs::table)
            .values(NewSyncRun {
                tenant_id: ctx.tenant_id,
                id: run,
                connection_id: id,
                trigger: SyncTrigger::Manual,
                state: SyncState::Queued,
                requested_by: Some(ctx.user_id),
            })
            .execute(conn)
            .await?;
        // The schedule's key: a scheduled run already pending takes this run over.
        NewJob::new(&SyncConnection {
            connection_id: id,
            run_id: Some(run),
        })?
        .tenant(Some(ctx.tenant_id))
        .dedup_key(key)
        .enqueue(conn)
        .await?;
        NewAuditEntry::by(ctx, action::SYNC_REQUESTED)
            .target("connection", id)
            .details(json!({"run": run}))
            .record(conn)
            .await?;
        Ok(run)
    }
}

/// The connection's latest runs, newest first.
pub async fn list_runs(
    db: &Db,
    ctx: &RequestContext,
    id: ConnectionId,
    limit: i64,
) -> Result<Vec<SyncRunView>, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        recent_runs(conn, id, limit).await
    })
    .await
}

/// The records a run could not sync, first 500.
pub async fn list_run_errors(
    db: &Db,
    ctx: &RequestContext,
    run: SyncRunId,
) -> Result<Vec<SyncRunError>, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<(String, String, String, String, chrono::DateTime<Utc>)> =
            sync_run_errors::table
                .filter(sync_run_errors::run_id.eq(run))
                .order(sync_run_errors::seq)
                .limit(500)
                .select((
                    sync_run_errors::object,
                    sync_run_errors::external_id,
                    sync_run_errors::direction,
                    sync_run_errors::message,
                    sync_run_errors::at,
                ))
                .load(conn)
                .await?;
        Ok(rows
            .into_iter()
            .map(
                |(object, external_id, direction, message, at)| SyncRunError {
                    object,
                    external_id,
                    direction,
                    message,
                    at,
                },
            )
            .collect())
    })
    .await
}
