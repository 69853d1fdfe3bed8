//! An org's picklist values read for the page (its opportunity stages, its lead statuses),
//! and translations of values added to a mapping. What the values become here (stages
//! created, statuses chosen) is the vertical's to say.

use super::objects::{keep_refreshed, open_for, unavailable};
use super::*;
use models::connectors::{RemoteChoice, ValuePair};

/// The remote values of the field mapped to `local` on `object`, in the remote order, with
/// what they mean; empty when nothing is mapped to it or the field has no such list.
pub async fn read_choices(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    object: SyncObject,
    local: &str,
) -> Result<Vec<RemoteChoice>, Error> {
    ctx.require(Role::Admin)?;
    let (row, setup, mut session) = open_for(db, ctx, hub, id, object).await?;
    let Some(mapping) = setup.mappings()?.into_iter().find(|m| m.local == local) else {
        return Ok(Vec::new());
    };
    let choices = session.choices(&setup.remote_object, &mapping.remote).await;
    keep_refreshed(db, ctx, hub, &row, session.as_ref()).await?;
    choices.map_err(|e| unavailable(hub, &row, e))
}

/// Adds translations (remote value → local value) to the mapping of `local` on `object`;
/// a remote value already translated keeps its translation. The number added.
pub async fn add_translations(
    db: &Db,
    ctx: &RequestContext,
    id: ConnectionId,
    object: SyncObject,
    local: &str,
    translations: &[ValuePair],
) -> Result<usize, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let setup = load_objects(conn, id)
            .await?
            .into_iter()
            .find(|o| o.object == object)
            .ok_or_else(|| AppError::not_found("That object"))?;
        let mut mappings = setup.mappings()?;
        let Some(mapping) = mappings.iter_mut().find(|m| m.local == local) else {
            return Ok(0);
        };
        let new: Vec<ValuePair> = translations
            .iter()
            .filter(|t| !mapping.values.iter().any(|v| v.remote == t.remote))
            .cloned()
            .collect();
        if new.is_empty() {
            return Ok(0);
        }
        mapping.values.extend(new.iter().cloned());
        diesel::update(
            connection_objects::table
                .filter(connection_objects::connection_id.eq(id))
                .filter(connection_objects::object.eq(object)),
        )
        .set(connection_objects::mappings.eq(json!(mappings)))
        .execute(conn)
        .await?;
        NewAuditEntry::by(ctx, action::MAPPING_SAVED)
            .target("connection", id)
            .details(json!({"object": object, "field": local, "translations_added": new}))
            .record(conn)
            .await?;
        Ok(new.len())
    })
    .await
}
