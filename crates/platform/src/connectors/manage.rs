//! What the connectors page does, each a function the server functions call: save a
//! connection's settings, authorise it (OAuth 2.0 with PKCE, or server to server), edit its
//! mappings, sync now, read its runs, disconnect. Admins and owners only. Secrets go in
//! sealed and never come out.

use super::connector::{Authorised, Connector, Credentials};
use super::store::{
    active_run, load_connection, load_objects, ConnectionRow, NewSyncRun, ObjectRow, RunRow,
};
use super::sync::{ConnectorHub, SyncConnection};
use crate::audit::NewAuditEntry;
use crate::db::schema::{connection_objects, connections, jobs, sync_run_errors, sync_runs};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::jobs::{NewJob, Schedule};
use crate::RequestContext;
use base64::Engine as _;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{
    validate_mappings, ConnectionSettingsInput, ConnectionStatus, ConnectionView, FieldMapping,
    ObjectSetup, RemoteField, SyncObject, SyncRunError, SyncRunView, SyncState, SyncTrigger,
};
use models::jobs::JobState;
use models::{AppError, ConnectionId, Role, SyncRunId};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long an authorisation may take between the redirect and the callback.
const OAUTH_WINDOW_MINUTES: i64 = 15;

pub mod action {
    pub const SAVED: &str = "connection.saved";
    pub const AUTHORISED: &str = "connection.authorised";
    pub const MAPPING_SAVED: &str = "connection.mapping_saved";
    pub const SYNC_REQUESTED: &str = "connection.sync_requested";
    pub const DISCONNECTED: &str = "connection.disconnected";
}

/// Where the remote side sends the browser back: register it with the connected app.
pub fn callback_url(public_url: &str, kind: &str) -> String {
    format!(
        "{}/connectors/{kind}/callback",
        public_url.trim_end_matches('/')
    )
}

fn settings_input(row: &ConnectionRow) -> ConnectionSettingsInput {
    let s = &row.settings;
    let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    ConnectionSettingsInput {
        login_host: text("login_host"),
        client_id: text("client_id"),
        client_secret: String::new(),
        api_version: text("api_version"),
        api_budget_percent: row.api_budget_percent(),
        sync_every_minutes: row.sync_every_minutes,
        jwt_username: text("jwt_username"),
        jwt_private_key: String::new(),
    }
}

fn open_secrets(hub: &ConnectorHub, row: &ConnectionRow) -> Result<Value, Error> {
    match &row.credentials {
        Some(sealed) => hub.key()?.open_json(sealed, &row.seal_context()),
        None => Ok(json!({})),
    }
}

fn has_secret(secrets: &Value, key: &str) -> bool {
    secrets
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
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

async fn view(
    conn: &mut Conn,
    hub: &ConnectorHub,
    row: &ConnectionRow,
    public_url: &str,
) -> Result<ConnectionView, Error> {
    let connector = hub.connector(&row.kind)?;
    // Whether secrets are stored is shown; a missing key only hides that.
    let secrets = open_secrets(hub, row).unwrap_or_else(|_| json!({}));
    let mut objects = Vec::new();
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
        settings: settings_input(row),
        has_client_secret: has_secret(&secrets, "client_secret"),
        has_jwt_key: has_secret(&secrets, "jwt_private_key"),
        remote_account: row
            .settings
            .get("remote_account")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
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
const RECENT_RUNS: i64 = 10;

/// The connection's latest runs, newest first.
async fn recent_runs(
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

async fn run_view(conn: &mut Conn, run: &RunRow) -> Result<SyncRunView, Error> {
    let errors: i64 = sync_run_errors::table
        .filter(sync_run_errors::run_id.eq(run.id))
        .count()
        .get_result(conn)
        .await?;
    Ok(run.view(errors))
}

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
    let checked = connector.check_settings(&json!({
        "login_host": input.login_host,
        "client_id": input.client_id,
        "api_version": input.api_version,
        "jwt_username": input.jwt_username,
        "jwt_private_key": input.jwt_private_key,
    }))?;
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
        let mut settings = existing
            .as_ref()
            .map_or_else(|| json!({}), |r| r.settings.clone());
        let mut secrets = match &existing {
            Some(row) => open_secrets(hub, row)?,
            None => json!({}),
        };
        // Another org or app: the tokens of the old one are no good.
        let moved = ["login_host", "client_id"]
            .iter()
            .any(|k| settings.get(*k).is_some_and(|v| v != &checked[*k]));
        if let (Some(s), Some(c)) = (settings.as_object_mut(), checked.as_object()) {
            for (k, v) in c {
                if k != "jwt_private_key" {
                    s.insert(k.clone(), v.clone());
                }
            }
            s.insert("api_budget_percent".into(), json!(input.api_budget_percent));
        }
        if let Some(sec) = secrets.as_object_mut() {
            if !input.client_secret.trim().is_empty() {
                sec.insert("client_secret".into(), json!(input.client_secret.trim()));
            }
            if let Some(pem) = checked.get("jwt_private_key").and_then(Value::as_str) {
                if !pem.is_empty() {
                    sec.insert("jwt_private_key".into(), json!(pem));
                }
            }
            if moved {
                sec.remove("access_token");
                sec.remove("refresh_token");
            }
        }
        let sealed = key.seal_json(&secrets, id.0.as_bytes())?;
        match &existing {
            None => {
                diesel::insert_into(connections::table)
                    .values((
                        connections::tenant_id.eq(ctx.tenant_id),
                        connections::id.eq(id),
                        connections::kind.eq(kind),
                        connections::settings.eq(&settings),
                        connections::credentials.eq(&sealed),
                        connections::sync_every_minutes.eq(input.sync_every_minutes),
                        connections::created_by.eq(ctx.user_id),
                    ))
                    .execute(conn)
                    .await?;
                let rows: Vec<ObjectRow> = connector
                    .objects()
                    .into_iter()
                    .map(|d| ObjectRow {
                        tenant_id: ctx.tenant_id,
                        connection_id: id,
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
                    })
                    .collect();
                diesel::insert_into(connection_objects::table)
                    .values(&rows)
                    .execute(conn)
                    .await?;
            }
            Some(row) => {
                let status = if moved && row.status == ConnectionStatus::Connected {
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

/// Installs or removes the connection's schedule to match its status and interval.
async fn set_schedule(
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

fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hash_state(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

/// Starts an OAuth authorisation: returns the remote login URL to send the browser to. The
/// `state` and the PKCE verifier are kept (the state hashed, the verifier sealed) until
/// the callback.
pub async fn start_authorization(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    public_url: &str,
) -> Result<String, Error> {
    ctx.require(Role::Admin)?;
    let key = hub.key()?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row = load_connection(conn, id).await?;
        let connector = hub.connector(&row.kind)?;
        let secrets = open_secrets(hub, &row)?;
        if !has_secret(&secrets, "client_secret") {
            return Err(AppError::validation(
                "client_secret",
                "Enter the connected app's consumer secret first.",
            )
            .into());
        }
        let state = random_token();
        let verifier = random_token();
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        let url = connector.authorize_url(
            &row.settings,
            &callback_url(public_url, &row.kind),
            &state,
            &challenge,
        )?;
        diesel::update(connections::table.filter(connections::id.eq(id)))
            .set((
                connections::oauth_state_hash.eq(hash_state(&state)),
                connections::oauth_verifier.eq(key.seal(verifier.as_bytes(), id.0.as_bytes())?),
                connections::oauth_started_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        Ok(url)
    })
    .await
}

/// The OAuth callback: checks the `state`, trades the code for tokens and stores them
/// sealed. Returns the connection. The code exchange happens between two transactions, so
/// no database connection waits on the remote side.
pub async fn finish_authorization(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    state: &str,
    code: &str,
    public_url: &str,
) -> Result<ConnectionId, Error> {
    ctx.require(Role::Admin)?;
    let key = hub.key()?;
    let expired = || {
        AppError::validation(
            "state",
            "This authorisation is unknown or has expired. Start again from the connectors page.",
        )
    };
    let (row, verifier) = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            #[derive(Queryable)]
            struct Pending {
                id: ConnectionId,
                verifier: Option<Vec<u8>>,
                started: Option<chrono::DateTime<Utc>>,
            }
            let pending: Option<Pending> = connections::table
                .filter(connections::oauth_state_hash.eq(hash_state(state)))
                .select((
                    connections::id,
                    connections::oauth_verifier,
                    connections::oauth_started_at,
                ))
                .first(conn)
                .await
                .optional()?;
            let pending = pending.ok_or_else(expired)?;
            // Used up at once: a replayed callback finds nothing.
            diesel::update(connections::table.filter(connections::id.eq(pending.id)))
                .set((
                    connections::oauth_state_hash.eq(None::<String>),
                    connections::oauth_verifier.eq(None::<Vec<u8>>),
                ))
                .execute(conn)
                .await?;
            let fresh = pending
                .started
                .is_some_and(|t| Utc::now() - t < Duration::minutes(OAUTH_WINDOW_MINUTES));
            let (Some(sealed), true) = (pending.verifier, fresh) else {
                return Err(expired().into());
            };
            let verifier = String::from_utf8(key.open(&sealed, pending.id.0.as_bytes())?)
                .map_err(|_| Error::Corrupt("a PKCE verifier is not text".into()))?;
            Ok((load_connection(conn, pending.id).await?, verifier))
        })
        .await?;
    let connector = hub.connector(&row.kind)?;
    let creds = Credentials {
        settings: row.settings.clone(),
        secrets: open_secrets(hub, &row)?,
    };
    let authorised = connector
        .exchange_code(
            &creds,
            code,
            &verifier,
            &callback_url(public_url, &row.kind),
        )
        .await
        .map_err(|e| {
            AppError::validation(
                "code",
                format!(
                    "{} did not accept the authorisation: {e}",
                    connector.display_name()
                ),
            )
        })?;
    store_authorised(db, ctx, hub, &row, creds, authorised, "oauth").await
}

/// Authorises server to server (Salesforce's JWT bearer flow), without a browser.
pub async fn authorize_server(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
) -> Result<ConnectionId, Error> {
    ctx.require(Role::Admin)?;
    let row = db
        .tenant_tx(ctx.tenant_id, async |conn| load_connection(conn, id).await)
        .await?;
    let connector = hub.connector(&row.kind)?;
    let creds = Credentials {
        settings: row.settings.clone(),
        secrets: open_secrets(hub, &row)?,
    };
    let Some(flow) = connector.authorize_server(&creds) else {
        return Err(AppError::validation(
            "jwt_username",
            "Enter the user to act as and the connected app's private key first.",
        )
        .into());
    };
    let authorised = flow.await.map_err(|e| {
        AppError::validation(
            "jwt_username",
            format!(
                "{} refused the JWT bearer authorisation: {e}",
                connector.display_name()
            ),
        )
    })?;
    store_authorised(db, ctx, hub, &row, creds, authorised, "jwt_bearer").await
}

async fn store_authorised(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    row: &ConnectionRow,
    creds: Credentials,
    authorised: Authorised,
    flow: &str,
) -> Result<ConnectionId, Error> {
    let key = hub.key()?;
    let mut secrets = creds.secrets;
    let mut settings = row.settings.clone();
    if let (Some(s), Some(new)) = (secrets.as_object_mut(), authorised.secrets.as_object()) {
        s.extend(new.clone());
    }
    if let (Some(s), Some(new)) = (settings.as_object_mut(), authorised.settings.as_object()) {
        s.extend(new.clone());
        s.insert("remote_account".into(), json!(authorised.remote_account));
    }
    let sealed = key.seal_json(&secrets, &row.seal_context())?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        diesel::update(connections::table.filter(connections::id.eq(row.id)))
            .set((
                connections::settings.eq(&settings),
                connections::credentials.eq(&sealed),
                connections::status.eq(ConnectionStatus::Connected),
                connections::last_error.eq(""),
                connections::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        set_schedule(
            conn,
            ctx,
            row.id,
            ConnectionStatus::Connected,
            row.sync_every_minutes,
        )
        .await?;
        NewAuditEntry::by(ctx, action::AUTHORISED)
            .target("connection", row.id)
            .details(json!({"flow": flow, "remote_account": authorised.remote_account}))
            .record(conn)
            .await?;
        Ok(row.id)
    })
    .await
}

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
        .open(Credentials {
            settings: row.settings.clone(),
            secrets: open_secrets(hub, &row)?,
        })
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

/// Queues a run now. With one already queued or running, that one is returned.
pub async fn sync_now(db: &Db, ctx: &RequestContext, id: ConnectionId) -> Result<SyncRunId, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
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
    })
    .await
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

/// Disconnects: revokes the token on the remote side, then deletes the credentials and the
/// schedule. Synced records stay. Returns a warning when the remote revocation failed (the
/// credentials are deleted regardless).
pub async fn disconnect(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
) -> Result<Option<String>, Error> {
    ctx.require(Role::Admin)?;
    let row = db
        .tenant_tx(ctx.tenant_id, async |conn| load_connection(conn, id).await)
        .await?;
    let connector = hub.connector(&row.kind)?;
    let warning = match open_secrets(hub, &row) {
        Ok(secrets)
            if has_secret(&secrets, "refresh_token") || has_secret(&secrets, "access_token") =>
        {
            let creds = Credentials {
                settings: row.settings.clone(),
                secrets,
            };
            connector.revoke(&creds).await.err().map(|e| {
                format!(
                    "{} could not be told to revoke the token ({e}); revoke it there under \
                     Connected Apps OAuth Usage.",
                    connector.display_name()
                )
            })
        }
        _ => None,
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut settings = row.settings.clone();
        if let Some(s) = settings.as_object_mut() {
            s.remove("remote_account");
            s.remove("instance_url");
        }
        diesel::update(connections::table.filter(connections::id.eq(id)))
            .set((
                connections::credentials.eq(None::<Vec<u8>>),
                connections::status.eq(ConnectionStatus::Disconnected),
                connections::settings.eq(&settings),
                connections::oauth_state_hash.eq(None::<String>),
                connections::oauth_verifier.eq(None::<Vec<u8>>),
                connections::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        Schedule::remove(&SyncConnection::schedule_name(id), conn).await?;
        NewAuditEntry::by(ctx, action::DISCONNECTED)
            .target("connection", id)
            .details(json!({"revoked": warning.is_none()}))
            .record(conn)
            .await?;
        Ok(())
    })
    .await?;
    Ok(warning)
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
