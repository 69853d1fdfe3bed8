//! What the connectors page shows: every connection with its objects, its active run and its
//! recent runs.

use super::*;
use crate::store::StoredSettings;

/// The settings form as stored: the connector's fields filled by the connector, the API
/// share and the schedule by the framework.
fn settings_input(
    connector: &dyn Connector,
    row: &ConnectionRow,
    stored: &StoredSettings,
) -> ConnectionSettingsInput {
    ConnectionSettingsInput {
        api_budget_percent: stored.api_budget_percent,
        sync_every_minutes: row.sync_every_minutes,
        ..connector.settings_form(&stored.connector())
    }
}

/// Every connection of the tenant, with its objects and its active run.
pub async fn list_connections(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    public_url: &str,
) -> Result<Vec<ConnectionView>, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<ConnectionRow> = connections::table
            .order(connections::created_at)
            .select(ConnectionRow::as_select())
            .load(conn)
            .await?;
        let mut out = Vec::new();
        for row in rows {
            out.push(view(conn, hub, &row, public_url).await?);
        }
        Ok(out)
    })
    .await
}

/// One connection.
pub async fn get_connection(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    public_url: &str,
) -> Result<ConnectionView, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row = load_connection(conn, id).await?;
        view(conn, hub, &row, public_url).await
    })
    .await
}

pub(super) async fn view(
    conn: &mut Conn,
    hub: &ConnectorHub,
    row: &ConnectionRow,
    public_url: &str,
) -> Result<ConnectionView, Error> {
    let connector = hub.connector(&row.kind)?;
    let stored = row.stored()?;
    // Whether secrets are stored is shown; a missing key only hides that.
    let secrets = connector.secrets_state(&open_secrets(hub, row).unwrap_or_else(|_| json!({})));
    let mut objects = Vec::new();
    let retrying = crate::sync::waiting_counts(conn, row.id).await?;
    for o in load_objects(conn, row.id).await? {
        let local_fields = match hub.registry.target_for(o.object) {
            Some(t) => t.fields(conn).await?,
            None => Vec::new(),
        };
        objects.push(ObjectSetup {
            object: o.object,
            remote_object: o.remote_object.clone(),
            enabled: o.enabled,
            mappings: o.mappings()?,
            local_fields,
            cursor_at: o.cursor_at,
            retrying: retrying.get(o.object.as_str()).copied().unwrap_or(0),
            unseen_fields: o.unseen_fields.into_iter().flatten().collect(),
        });
    }
    let active = match active_run(conn, row.id).await? {
        Some(run) => Some(run_view(conn, &run).await?),
        None => None,
    };
    let recent_runs = recent_runs(conn, row.id, RECENT_RUNS).await?;
    Ok(ConnectionView {
        id: row.id,
        kind: row.kind.clone(),
        display_name: connector.display_name().to_string(),
        status: row.status,
        settings: settings_input(connector.as_ref(), row, &stored),
        has_client_secret: secrets.client_secret,
        has_jwt_key: secrets.server_key,
        remote_account: stored.remote_account,
        last_sync_at: row.last_sync_at,
        last_error: row.last_error.clone(),
        api_used: row.api_used,
        api_limit: row.api_limit,
        api_checked_at: row.api_checked_at,
        objects,
        callback_url: callback_url(public_url, &row.kind),
        active_run: active,
        recent_runs,
    })
}

/// Runs the connectors page lists per connection.
pub(super) const RECENT_RUNS: i64 = 10;

/// The connection's latest runs, newest first.
pub(super) async fn recent_runs(
    conn: &mut Conn,
    id: ConnectionId,
    limit: i64,
) -> Result<Vec<SyncRunView>, Error> {
    let runs: Vec<RunRow> = sync_runs::table
        .filter(sync_runs::connection_id.eq(id))
        .order(sync_runs::created_at.desc())
        .limit(limit.clamp(1, 100))
        .select(RunRow::as_select())
        .load(conn)
        .await?;
    let mut out = Vec::new();
    for run in &runs {
        out.push(run_view(conn, run).await?);
    }
    Ok(out)
}

pub(super) async fn run_view(conn: &mut Conn, run: &RunRow) -> Result<SyncRunView, Error> {
    let errors: i64 = sync_run_errors::table
        .filter(sync_run_errors::run_id.eq(run.id))
        .count()
        .get_result(conn)
        .await?;
    Ok(run.view(errors))
}

/// A connector's display name (for pages that list what can be connected).
pub fn available(hub: &ConnectorHub) -> Vec<(String, String)> {
    hub.registry
        .all()
        .iter()
        .map(|c: &std::sync::Arc<dyn Connector>| {
            (c.kind().to_string(), c.display_name().to_string())
        })
        .collect()
}
