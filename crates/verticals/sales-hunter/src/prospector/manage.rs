//! The Prospector's settings page: the profile and model settings as a form, saved as a
//! new version (which rescores every lead), with the bulk rescore's progress.

use super::rescore::latest_bulk;
use agents::manage::{get_agent_config, save_agent_config};
use agents::AgentHub;
use models::agents::form::{form_field, ProspectorForm};
use models::agents::icp::ProspectorConfig;
use models::agents::views::{BulkProgress, ProspectorPage};
use models::agents::AgentKind;
use models::{AppError, Role};
use platform::db::Db;
use platform::{Error, RequestContext};

pub async fn get_prospector_page(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
) -> Result<ProspectorPage, Error> {
    let view = get_agent_config(db, ctx, hub, AgentKind::Prospector).await?;
    let config: ProspectorConfig = serde_json::from_value(view.config).map_err(|e| {
        Error::Corrupt(format!("the Prospector's configuration does not read: {e}"))
    })?;
    let bulk = db
        .tenant_tx(ctx.tenant_id, async |conn| latest_bulk(conn).await)
        .await?
        .map(|(done, total, state)| BulkProgress { done, total, state });
    Ok(ProspectorPage {
        version: view.version,
        max_fit: config.max_fit(),
        config,
        history: view.history,
        providers: view.providers,
        keys: view.keys,
        keys_enabled: view.keys_enabled,
        bulk,
        can_configure: ctx.role.at_least(Role::Admin),
        preview_subjects: view.preview_subjects,
    })
}

/// Saves the form as the next version; errors name the form's inputs.
pub async fn save_prospector(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    form: &ProspectorForm,
) -> Result<i32, Error> {
    ctx.require(Role::Admin)?;
    let rename = |e: Error| match e {
        Error::App(AppError::Validation { field, message }) => {
            AppError::validation(form_field(&field), message).into()
        }
        other => other,
    };
    let config = form.to_config().map_err(Error::from)?;
    let value = serde_json::to_value(config)
        .map_err(|_| AppError::validation("config", "The settings do not read."))?;
    save_agent_config(db, ctx, hub, AgentKind::Prospector, value, &form.note)
        .await
        .map_err(rename)
}

/// Points a tenant's Prospector at an OpenAI-compatible model server (`scripts/run` with
/// `LLM=local`: the demo tenant gets real model briefs with no account anywhere). An
/// operator's command, so no role and no host check; a no-op when already pointed there.
pub async fn use_model_server(
    db: &Db,
    tenant: models::TenantId,
    base_url: &str,
    model: &str,
) -> Result<bool, Error> {
    db.tenant_tx(tenant, async |conn| {
        let mut config = super::load_config(conn).await?;
        let m = &mut config.common.model;
        if m.provider == "openai" && m.base_url == base_url && m.model == model {
            return Ok(false);
        }
        m.provider = "openai".into();
        m.base_url = base_url.into();
        m.model = model.into();
        let value = serde_json::to_value(&config).map_err(|e| Error::Corrupt(e.to_string()))?;
        agents::config::save(
            conn,
            tenant,
            None,
            AgentKind::Prospector,
            &value,
            "The local model (scripts/run with LLM=local)",
        )
        .await?;
        Ok(true)
    })
    .await
}
