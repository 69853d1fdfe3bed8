//! What a push sends: local changes of the fields that flow out, since their last sync.

use super::apply::{remote_owner_key, LinkRow};
use super::run::ObjectPlan;
use super::PUSH_BATCH;

use crate::connectors::mapping::to_remote;
use crate::connectors::remote::{PushRecord, Values};

use crate::db::schema::connector_links;
use crate::db::Conn;
use crate::error::Error;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{FieldMapping, SyncObject};
use models::ConnectionId;
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
            if crate::connectors::mapping::same_value(&l, &s) {
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
