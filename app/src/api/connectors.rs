//! Connectors: connect an outside system (Salesforce), map its fields, sync, read the runs,
//! disconnect. Admins and owners only (checked in `connectors::manage`).

use leptos::prelude::*;
use models::connectors::{
    ConnectionSettingsInput, ConnectorsOverview, ObjectForm, RemoteField, SyncObject, SyncRunError,
    SyncRunView, ValuesPlan,
};
use models::{AppError, ConnectionId, SyncRunId};

#[server(endpoint = "list_connections")]
pub async fn list_connections() -> Result<ConnectorsOverview, AppError> {
    use super::ssr::*;
    use connectors::manage;
    use models::connectors::ConnectorKind;
    let ctx = require_user()?;
    let s = state()?;
    let connections = manage::list_connections(&s.db, &ctx, &s.connectors, &s.public_url)
        .await
        .map_err(AppError::from)?;
    let available = manage::available(&s.connectors)
        .into_iter()
        .map(|(kind, display_name)| ConnectorKind {
            callback_url: manage::callback_url(&s.public_url, &kind),
            kind,
            display_name,
        })
        .collect();
    Ok(ConnectorsOverview {
        available,
        connections,
        enabled: s.connectors.key.is_some(),
    })
}

/// Creates or updates the tenant's connection of `kind`. Secrets left empty keep the
/// stored ones.
#[server(endpoint = "save_connection")]
pub async fn save_connection(
    kind: String,
    input: ConnectionSettingsInput,
) -> Result<ConnectionId, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    connectors::manage::save_connection(&s.db, &ctx, &s.connectors, &kind, input)
        .await
        .map_err(AppError::from)
}

/// Starts the OAuth authorisation: the remote login page's URL to send the browser to. (The
/// page links to `GET /connectors/{kind}/authorize/{id}`, which does the same and redirects:
/// a form posted to this function could not be redirected to another origin under the
/// page's `form-action 'self'` policy.)
#[server(endpoint = "authorize_connection")]
pub async fn authorize_connection(id: ConnectionId) -> Result<String, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let url =
        connectors::manage::start_authorization(&s.db, &ctx, &s.connectors, id, &s.public_url)
            .await
            .map_err(AppError::from)?;
    Ok(url)
}

/// Authorises server to server (JWT bearer), without a browser round trip.
#[server(endpoint = "authorize_connection_server")]
pub async fn authorize_connection_server(id: ConnectionId) -> Result<ConnectionId, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    connectors::manage::authorize_server(&s.db, &ctx, &s.connectors, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "save_connection_object")]
pub async fn save_connection_object(
    id: ConnectionId,
    object: SyncObject,
    form: ObjectForm,
) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    connectors::manage::save_object(
        &s.db,
        &ctx,
        &s.connectors,
        id,
        object,
        form.enabled(),
        form.mappings()?,
    )
    .await
    .map_err(AppError::from)
}

/// The remote fields of an object (custom ones too), read from the org.
#[server(endpoint = "describe_connection_object")]
pub async fn describe_connection_object(
    id: ConnectionId,
    object: SyncObject,
) -> Result<Vec<RemoteField>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    connectors::manage::describe_object(&s.db, &ctx, &s.connectors, id, object)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "sync_connection")]
pub async fn sync_connection(id: ConnectionId) -> Result<SyncRunId, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    connectors::manage::sync_now(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// A full resync: every enabled object read again from the start by the next run (after a
/// mapping change); queued now.
#[server(endpoint = "resync_connection")]
pub async fn resync_connection(id: ConnectionId) -> Result<SyncRunId, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    connectors::manage::resync_connection(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// What taking the org's opportunity stages and lead statuses over would do (`apply`
/// false) or does: the stages not here created with the org's probability, forecast
/// category and closed/won meaning; each lead status translated in the Status mapping.
#[server(endpoint = "adopt_remote_values")]
pub async fn adopt_remote_values(id: ConnectionId, apply: bool) -> Result<ValuesPlan, AppError> {
    use super::ssr::*;
    use connectors::manage;
    let ctx = require_user()?;
    let s = state()?;
    let run = async {
        let (db, hub) = (&s.db, &s.connectors);
        let stages =
            manage::read_choices(db, &ctx, hub, id, SyncObject::Opportunity, "stage").await?;
        let statuses = manage::read_choices(db, &ctx, hub, id, SyncObject::Lead, "status").await?;
        let stages = sales_hunter::sync::choices::adopt_stages(db, &ctx, &stages, apply).await?;
        let translations = sales_hunter::sync::choices::status_translations(&statuses);
        if apply {
            manage::add_translations(db, &ctx, id, SyncObject::Lead, "status", &translations)
                .await?;
        }
        let statuses = translations
            .into_iter()
            .map(|t| models::connectors::ChoicePlan {
                remote: t.remote,
                local: t.local,
                create: false,
            })
            .collect();
        Ok::<_, platform::Error>(ValuesPlan {
            stages,
            statuses,
            applied: apply,
        })
    };
    run.await.map_err(AppError::from)
}

#[server(endpoint = "list_sync_runs")]
pub async fn list_sync_runs(id: ConnectionId) -> Result<Vec<SyncRunView>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    connectors::manage::list_runs(&state()?.db, &ctx, id, 20)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "list_sync_run_errors")]
pub async fn list_sync_run_errors(run: SyncRunId) -> Result<Vec<SyncRunError>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    connectors::manage::list_run_errors(&state()?.db, &ctx, run)
        .await
        .map_err(AppError::from)
}

/// Revokes the token remotely and deletes the credentials. Gives a warning when the remote
/// side could not be told.
#[server(endpoint = "disconnect_connection")]
pub async fn disconnect_connection(id: ConnectionId) -> Result<Option<String>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    connectors::manage::disconnect(&s.db, &ctx, &s.connectors, id)
        .await
        .map_err(AppError::from)
}
