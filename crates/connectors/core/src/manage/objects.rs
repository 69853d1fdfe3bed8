//! What one object syncs: enabled or not, its field mappings, and the remote fields the
//! mapping editor offers.

use super::*;

/// Saves what one object syncs: enabled or not, and its field mappings (checked against
/// the local fields, custom ones included).
pub async fn save_object(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    object: SyncObject,
    enabled: bool,
    mappings: Vec<FieldMapping>,
) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    let target = hub.registry.target_for(object).ok_or_else(|| {
        AppError::validation(
            "object",
            format!("{} cannot be synced here.", object.label()),
        )
    })?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let fields = target.fields(conn).await?;
        validate_mappings(object, &mappings, &fields)?;
        let updated = diesel::update(
            connection_objects::table
                .filter(connection_objects::connection_id.eq(id))
                .filter(connection_objects::object.eq(object)),
        )
        .set((
            connection_objects::enabled.eq(enabled),
            connection_objects::mappings.eq(json!(mappings)),
        ))
        .execute(conn)
        .await?;
        if updated == 0 {
            return Err(AppError::not_found("The connection").into());
        }
        NewAuditEntry::by(ctx, action::MAPPING_SAVED)
            .target("connection", id)
            .details(json!({"object": object, "enabled": enabled, "mappings": mappings}))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

/// The remote fields of an object, for the mapping editor (custom fields included).
pub async fn describe_object(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    object: SyncObject,
) -> Result<Vec<RemoteField>, Error> {
    ctx.require(Role::Admin)?;
    let (row, remote) = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            let row = load_connection(conn, id).await?;
            let remote = load_objects(conn, id)
                .await?
                .into_iter()
                .find(|o| o.object == object)
                .map(|o| o.remote_object)
                .ok_or_else(|| AppError::not_found("That object"))?;
            Ok((row, remote))
        })
        .await?;
    if row.status != ConnectionStatus::Connected {
        return Err(AppError::conflict("Connect first: the fields are read from the org.").into());
    }
    let connector = hub.connector(&row.kind)?;
    let mut session = connector
        .open(credentials(hub, &row)?)
        .map_err(|e| AppError::unavailable(format!("{}: {e}", connector.display_name())))?;
    let fields = session
        .describe(&remote)
        .await
        .map_err(|e| AppError::unavailable(format!("{}: {e}", connector.display_name())))?;
    if let Some(secrets) = session.refreshed_secrets() {
        let sealed = hub.key()?.seal_json(&secrets, &row.seal_context())?;
        db.tenant_tx(ctx.tenant_id, async |conn| {
            diesel::update(connections::table.filter(connections::id.eq(id)))
                .set(connections::credentials.eq(&sealed))
                .execute(conn)
                .await?;
            Ok(())
        })
        .await?;
    }
    Ok(fields)
}
