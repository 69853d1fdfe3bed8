//! The Pipeline Analyst's page: the report under the configuration in use, the thresholds
//! as a form (saved as a new version), the history.

use super::{load_config, pipeline_report};
use agents::manage::{get_agent_config, save_agent_config};
use agents::AgentHub;
use models::agents::analyst::AnalystConfig;
use models::agents::form::form_field;
use models::agents::views::{AnalystForm, AnalystPage};
use models::agents::AgentKind;
use models::{AppError, Role};
use platform::db::Db;
use platform::{Error, RequestContext};

pub async fn get_analyst_page(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
) -> Result<AnalystPage, Error> {
    let view = get_agent_config(db, ctx, hub, AgentKind::PipelineAnalyst).await?;
    let config: AnalystConfig = serde_json::from_value(view.config).map_err(|e| {
        Error::Corrupt(format!(
            "the Pipeline Analyst's configuration does not read: {e}"
        ))
    })?;
    let report = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            let cfg = load_config(conn).await?;
            pipeline_report(conn, ctx.tenant_id, &cfg).await
        })
        .await?;
    Ok(AnalystPage {
        version: view.version,
        config,
        report,
        history: view.history,
        can_configure: ctx.role.at_least(Role::Admin),
    })
}

pub async fn save_analyst(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    form: &AnalystForm,
) -> Result<i32, Error> {
    ctx.require(Role::Admin)?;
    let current = db
        .tenant_tx(ctx.tenant_id, async |conn| load_config(conn).await)
        .await?;
    let config = form.apply(current)?;
    let value = serde_json::to_value(config)
        .map_err(|_| AppError::validation("config", "The settings do not read."))?;
    save_agent_config(db, ctx, hub, AgentKind::PipelineAnalyst, value, &form.note)
        .await
        .map_err(|e| match e {
            Error::App(AppError::Validation { field, message }) => {
                AppError::validation(form_field(&field), message).into()
            }
            other => other,
        })
}
