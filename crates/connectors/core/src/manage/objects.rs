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
    let (row, setup, mut session) = open_for(db, ctx, hub, id, object).await?;
    let fields = session.describe(&setup.remote_object).await;
    keep_refreshed(db, ctx, hub, &row, session.as_ref()).await?;
    fields.map_err(|e| unavailable(hub, &row, e))
}

/// A session with the connection's org, for a page's question about `object` (its row).
pub(super) async fn open_for(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    object: SyncObject,
) -> Result<(ConnectionRow, ObjectRow, Box<dyn Session>), Error> {
    let (row, setup) = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            let row = load_connection(conn, id).await?;
            let setup = load_objects(conn, id)
                .await?
                .into_iter()
                .find(|o| o.object == object)
                .ok_or_else(|| AppError::not_found("That object"))?;
            Ok((row, setup))
        })
        .await?;
    if row.status != ConnectionStatus::Connected {
        return Err(AppError::conflict("Connect first: this is read from the org.").into());
    }
    let connector = hub.connector(&row.kind)?;
    let session = connector
        .open(credentials(hub, &row)?)
        .map_err(|e| unavailable(hub, &row, e))?;
    Ok((row, setup, session))
}

/// A remote failure as the page says it.
pub(super) fn unavailable(hub: &ConnectorHub, row: &ConnectionRow, e: RemoteError) -> Error {
    let name = hub
        .connector(&row.kind)
        .map(|c| c.display_name())
        .unwrap_or("The remote system");
    AppError::unavailable(format!("{name}: {e}")).into()
}

/// Seals and saves credentials the session refreshed.
pub(super) async fn keep_refreshed(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    row: &ConnectionRow,
    session: &dyn Session,
) -> Result<(), Error> {
    let Some(secrets) = session.refreshed_secrets() else {
        return Ok(());
    };
    let sealed = hub.key()?.seal_json(&secrets, &row.seal_context())?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        diesel::update(connections::table.filter(connections::id.eq(row.id)))
            .set(connections::credentials.eq(&sealed))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}
