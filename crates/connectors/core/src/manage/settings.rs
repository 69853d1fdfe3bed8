//! Saving a connection's settings (secrets sealed, a secret left empty keeps the stored
//! one) and keeping its schedule in step with its status.

use super::*;
use crate::store::StoredSettings;
use models::{TenantId, UserId};

/// Creates the tenant's connection of `kind`, or updates its settings. A secret left empty
/// keeps the stored one.
pub async fn save_connection(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    kind: &str,
    input: ConnectionSettingsInput,
) -> Result<ConnectionId, Error> {
    ctx.require(Role::Admin)?;
    let connector = hub
        .registry
        .get(kind)
        .ok_or_else(|| AppError::validation("kind", format!("There is no {kind} connector.")))?;
    let key = hub.key()?;
    if !(1..=100).contains(&input.api_budget_percent) {
        return Err(AppError::validation(
            "api_budget_percent",
            "Give a share between 1 and 100 percent.",
        )
        .into());
    }
    if !(input.sync_every_minutes == 0 || (5..=10080).contains(&input.sync_every_minutes)) {
        return Err(AppError::validation(
            "sync_every_minutes",
            "Sync every 5 minutes to 7 days (10,080 minutes), or 0 for on demand only.",
        )
        .into());
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let existing: Option<ConnectionRow> = connections::table
            .filter(connections::kind.eq(kind))
            .select(ConnectionRow::as_select())
            .first(conn)
            .await
            .optional()?;
        let id = existing
            .as_ref()
            .map_or_else(|| ConnectionId(Uuid::new_v4()), |r| r.id);
        let mut stored = match &existing {
            Some(row) => row.stored()?,
            None => StoredSettings::default(),
        };
        let current = Credentials {
            settings: stored.connector(),
            secrets: match &existing {
                Some(row) => open_secrets(hub, row)?,
                None => json!({}),
            },
        };
        let saved = connector.save_settings(&input, &current)?;
        stored.set_connector(saved.credentials.settings);
        stored.api_budget_percent = input.api_budget_percent;
        let settings = stored.to_json();
        let sealed = key.seal_json(&saved.credentials.secrets, id.0.as_bytes())?;
        match &existing {
            None => {
                if let Some(meter) = &hub.meter {
                    // One at a time per tenant, so two new connections cannot both pass.
                    diesel::sql_query(
                        "SELECT pg_advisory_xact_lock(hashtext('connections:' || $1))",
                    )
                    .bind::<diesel::sql_types::Text, _>(ctx.tenant_id.to_string())
                    .execute(conn)
                    .await?;
                    let made: i64 = connections::table.count().get_result(conn).await?;
                    meter.allow_connection(conn, ctx.tenant_id, made).await?;
                }
                let new = NewConnection {
                    tenant_id: ctx.tenant_id,
                    id,
                    kind,
                    settings: &settings,
                    credentials: &sealed,
                    sync_every_minutes: input.sync_every_minutes,
                    created_by: ctx.user_id,
                };
                new.insert(conn, connector.as_ref()).await?;
            }
            Some(row) => {
                // Another org or app: the old authorisation is no good.
                let status = if saved.reauthorise && row.status == ConnectionStatus::Connected {
                    ConnectionStatus::Setup
                } else {
                    row.status
                };
                diesel::update(connections::table.filter(connections::id.eq(id)))
                    .set((
                        connections::settings.eq(&settings),
                        connections::credentials.eq(&sealed),
                        connections::sync_every_minutes.eq(input.sync_every_minutes),
                        connections::status.eq(status),
                        connections::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?;
            }
        }
        let status = load_connection(conn, id).await?.status;
        set_schedule(conn, ctx, id, status, input.sync_every_minutes).await?;
        NewAuditEntry::by(ctx, action::SAVED)
            .target("connection", id)
            .details(json!({"kind": kind, "settings": settings,
                            "client_secret_changed": !input.client_secret.trim().is_empty()}))
            .record(conn)
            .await?;
        Ok(id)
    })
    .await
}

/// A new connection, with the connector's objects and their default mappings.
struct NewConnection<'a> {
    tenant_id: TenantId,
    id: ConnectionId,
    kind: &'a str,
    settings: &'a Value,
    credentials: &'a [u8],
    sync_every_minutes: i32,
    created_by: UserId,
}

impl NewConnection<'_> {
    async fn insert(&self, conn: &mut Conn, connector: &dyn Connector) -> Result<(), Error> {
        diesel::insert_into(connections::table)
            .values((
                connections::tenant_id.eq(self.tenant_id),
                connections::id.eq(self.id),
                connections::kind.eq(self.kind),
                connections::settings.eq(self.settings),
                connections::credentials.eq(self.credentials),
                connections::sync_every_minutes.eq(self.sync_every_minutes),
                connections::created_by.eq(self.created_by),
            ))
            .execute(conn)
            .await?;
        let rows: Vec<ObjectRow> = connector
            .objects()
            .into_iter()
            .map(|d| ObjectRow {
                tenant_id: self.tenant_id,
                connection_id: self.id,
                object: d.object,
                remote_object: d.remote_object.to_string(),
                enabled: true,
                mappings: json!(d.mappings),
                cursor_at: None,
                cursor_id: String::new(),
                deleted_cursor_at: None,
                deleted_cursor_id: String::new(),
                checked_at: None,
                check_started_at: None,
                check_cursor_at: None,
                check_cursor_id: String::new(),
                unseen_fields: Vec::new(),
                resync_requested: false,
            })
            .collect();
        diesel::insert_into(connection_objects::table)
            .values(&rows)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// Installs or removes the connection's schedule to match its status and interval.
pub(super) async fn set_schedule(
    conn: &mut Conn,
    ctx: &RequestContext,
    id: ConnectionId,
    status: ConnectionStatus,
    every_minutes: i32,
) -> Result<(), Error> {
    let name = SyncConnection::schedule_name(id);
    if status == ConnectionStatus::Connected && every_minutes > 0 {
        let job = SyncConnection {
            connection_id: id,
            run_id: None,
        };
        let every = std::time::Duration::from_secs(u64::from(every_minutes.unsigned_abs()) * 60);
        Schedule::every(&name, every, &job)?
            .tenant(ctx.tenant_id)
            .install(conn)
            .await
    } else {
        Schedule::remove(&name, conn).await
    }
}
