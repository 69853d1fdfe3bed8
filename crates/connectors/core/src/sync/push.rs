//! What a push sends: local changes of the fields that flow out, since their last sync.

use super::apply::{remote_owner_key, LinkRow};
use super::progress::*;
use super::run::ObjectPlan;
use super::run::*;
use super::PUSH_BATCH;

use crate::mapping::to_remote;
use crate::store::{record_errors, ConnectionRow, NewSyncError};
use connector_api::{PushOutcome, PushRecord, RemoteError, Session, Values};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{FieldMapping, SyncObject};
use models::ConnectionId;
use platform::db::schema::connector_links;
use platform::db::Conn;
use platform::Error;
use serde_json::Value;
use uuid::Uuid;

/// A local change to send.
pub(super) struct PendingPush {
    pub(super) record: PushRecord,
    /// The link's agreed values, and the local values sent (under local keys).
    pub(super) synced: Values,
    pub(super) sent: Values,
}

pub(super) struct PushBatch {
    pub(super) records: Vec<PendingPush>,
    /// Looked at, nothing to send.
    pub(super) unchanged: Vec<String>,
    /// A field that cannot be written back (remote id, reason); the rest is sent.
    pub(super) refused: Vec<(String, String)>,
    /// The last local id looked at (`None`: nothing left).
    pub(super) scanned_to: Option<Uuid>,
}

pub(super) async fn pending_pushes(
    conn: &mut Conn,
    connection: ConnectionId,
    plan: &ObjectPlan,
    pushed: &[&FieldMapping],
    after: Option<Uuid>,
) -> Result<PushBatch, Error> {
    let object = plan.row.object;
    let changed = plan
        .target
        .changed_since_sync(conn, connection, after, PUSH_BATCH)
        .await?;
    let Some(last) = changed.last().copied() else {
        return Ok(PushBatch {
            records: Vec::new(),
            unchanged: Vec::new(),
            refused: Vec::new(),
            scanned_to: None,
        });
    };
    let links: Vec<LinkRow> = connector_links::table
        .filter(connector_links::connection_id.eq(connection))
        .filter(connector_links::object.eq(object.as_str()))
        .filter(connector_links::local_id.eq_any(&changed))
        .select((
            connector_links::external_id,
            connector_links::local_id,
            connector_links::synced,
        ))
        .load(conn)
        .await?;
    let locals = plan.target.load_records(conn, &changed).await?;
    let (mut records, mut unchanged, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    for link in links {
        let Some(local) = locals.get(&link.local_id) else {
            continue;
        };
        let synced = link.synced.as_object().cloned().unwrap_or_default();
        let (mut fields, mut sent) = (serde_json::Map::new(), Values::new());
        for m in pushed {
            let l = local.values.get(&m.local).cloned().unwrap_or(Value::Null);
            let s = synced.get(&m.local).cloned().unwrap_or(Value::Null);
            if crate::mapping::same_value(&l, &s) {
                continue;
            }
            if plan.is_owner(&m.local) {
                match remote_owner(plan, &l) {
                    Ok(user) => {
                        // What the link keeps of the owner there (see `apply::RemoteOwner`).
                        sent.insert(remote_owner_key(&m.local), user.clone());
                        fields.insert(m.remote.clone(), user);
                    }
                    Err(why) => {
                        refused.push((link.external_id.clone(), format!("{}: {why}", m.remote)));
                        continue;
                    }
                }
            } else {
                fields.insert(m.remote.clone(), to_remote(m, &l));
            }
            sent.insert(m.local.clone(), l);
        }
        if fields.is_empty() {
            unchanged.push(link.external_id);
        } else {
            records.push(PendingPush {
                record: PushRecord {
                    id: link.external_id,
                    fields,
                },
                synced,
                sent,
            });
        }
    }
    Ok(PushBatch {
        records,
        unchanged,
        refused,
        scanned_to: Some(last),
    })
}

/// The remote user to write back as a record's owner: the member's own user there.
fn remote_owner(plan: &ObjectPlan, member: &Value) -> Result<Value, &'static str> {
    let id = member
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or("unassigned here, but a record there needs an owner; left as it is there")?;
    plan.owners
        .remote_user(id)
        .map(|u| Value::String(u.to_string()))
        .ok_or("the owner here has no user there with the same e-mail; left as it is there")
}

/// Marks links as seen now (so the next push does not look at them again).
pub(super) async fn touch_links(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    external_ids: &[String],
) -> Result<(), Error> {
    diesel::update(
        connector_links::table
            .filter(connector_links::connection_id.eq(connection))
            .filter(connector_links::object.eq(object.as_str()))
            .filter(connector_links::external_id.eq_any(external_ids)),
    )
    .set((
        connector_links::synced_at.eq(diesel::dsl::now),
        connector_links::push_pending.eq(false),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

impl Sync<'_> {
    /// Pushes local changes of the fields that flow out, 200 records a call.
    pub(super) async fn push_object(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        budget: u8,
    ) -> Result<Ending, Failure> {
        let object = plan.row.object;
        let pushed: Vec<&FieldMapping> = plan
            .mappings
            .iter()
            .filter(|m| m.direction.pushes())
            .collect();
        let mut after: Option<Uuid> = None;
        loop {
            // What changed here since its last sync, with the values to send.
            let batch = self
                .job
                .db
                .tenant_tx(self.tenant, async |conn| {
                    pending_pushes(conn, connection.id, plan, &pushed, after).await
                })
                .await?;
            let Some(last) = batch.scanned_to else {
                return Ok(Ending::Done);
            };
            after = Some(last);
            if !batch.records.is_empty() {
                if session.usage().exhausted(budget) {
                    return Ok(Ending::Paused);
                }
                let records: Vec<PushRecord> =
                    batch.records.iter().map(|p| p.record.clone()).collect();
                let outcomes = session.push(&plan.row.remote_object, &records).await?;
                if outcomes.len() != records.len() {
                    return Err(Failure::Remote(RemoteError::Malformed(format!(
                        "{}: {} results for {} records written",
                        plan.row.remote_object,
                        outcomes.len(),
                        records.len()
                    ))));
                }
                let state = self.session_state(connection, session)?;
                self.commit_push(connection, state, object, &batch.records, &outcomes)
                    .await?;
            }
            // Records looked at but with nothing to send: mark them seen. Fields that
            // cannot be written back are the run's errors.
            if !batch.unchanged.is_empty() || !batch.refused.is_empty() {
                let errors: Vec<NewSyncError> = batch
                    .refused
                    .iter()
                    .map(|(id, why)| NewSyncError {
                        tenant_id: self.tenant,
                        run_id: self.run,
                        object: object.as_str().into(),
                        external_id: id.clone(),
                        direction: "push",
                        message: why.clone(),
                    })
                    .collect();
                let mut all_counts = self.counts.clone();
                all_counts.entry(object).or_default().failed += errors.len() as i64;
                let (run, calls) = (self.run, self.calls(session));
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        touch_links(conn, connection.id, object, &batch.unchanged).await?;
                        record_errors(conn, &errors).await?;
                        save_progress(conn, run, &all_counts, calls).await
                    })
                    .await?;
                self.counts = all_counts;
            }
        }
    }

    pub(super) async fn commit_push(
        &mut self,
        connection: &ConnectionRow,
        state: SessionState,
        object: SyncObject,
        pending: &[PendingPush],
        outcomes: &[PushOutcome],
    ) -> Result<(), Failure> {
        let mut counts = self.counts.get(&object).copied().unwrap_or_default();
        let pushed_before = counts.pushed;
        let mut all_counts = self.counts.clone();
        let tenant = self.tenant;
        let run = self.run;
        let hub = self.hub;
        self.job
            .db
            .tenant_tx(tenant, async |conn| {
                let mut errors = Vec::new();
                for (p, outcome) in pending.iter().zip(outcomes) {
                    match outcome {
                        PushOutcome::Saved => {
                            counts.pushed += 1;
                            let mut synced = p.synced.clone();
                            for (k, v) in &p.sent {
                                synced.insert(k.clone(), v.clone());
                            }
                            diesel::update(
                                connector_links::table
                                    .filter(connector_links::connection_id.eq(connection.id))
                                    .filter(connector_links::object.eq(object.as_str()))
                                    .filter(connector_links::external_id.eq(&p.record.id)),
                            )
                            .set((
                                connector_links::synced.eq(Value::Object(synced)),
                                connector_links::synced_at.eq(diesel::dsl::now),
                                connector_links::push_pending.eq(false),
                            ))
                            .execute(conn)
                            .await?;
                        }
                        PushOutcome::Rejected(reason) => {
                            counts.failed += 1;
                            errors.push(NewSyncError {
                                tenant_id: tenant,
                                run_id: run,
                                object: object.as_str().into(),
                                external_id: p.record.id.clone(),
                                direction: "push",
                                message: reason.clone(),
                            });
                        }
                    }
                }
                record_errors(conn, &errors).await?;
                let saved = counts.pushed - pushed_before;
                if let (Some(meter), true) = (&hub.meter, saved > 0) {
                    meter.count(conn, tenant, saved, false).await?;
                }
                all_counts.insert(object, counts);
                save_progress(conn, run, &all_counts, state.calls).await?;
                save_usage(conn, connection.id, state.usage, state.refreshed.as_deref()).await?;
                Ok(())
            })
            .await?;
        self.counts = all_counts;
        Ok(())
    }
}
