//! The Qualifier where people work: a subject's qualification, a rep's override, and the
//! settings page (a new version on every save).

use super::{load_config, qualification, store};
use crate::access::ensure_can_edit;
use agents::manage::{get_agent_config, save_agent_config};
use agents::AgentHub;
use models::agents::form::form_field;
use models::agents::qualifier::{
    Criterion, CriterionState, Qualification, QualifierForm, QualifierPage,
};
use models::agents::run::RunSubject;
use models::agents::AgentKind;
use models::{AppError, Role};
use platform::audit::NewAuditEntry;
use platform::db::Db;
use platform::{Error, RequestContext};

pub async fn get_qualification(
    db: &Db,
    ctx: &RequestContext,
    subject: RunSubject,
) -> Result<Qualification, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        qualification(conn, ctx, subject).await
    })
    .await
}

/// The most a rep writes with an override.
const MAX_NOTE: usize = 500;

/// A rep's ruling on one criterion (`state` empty or `cleared` hands it back to the
/// rules and the model); kept with who and why, and audited.
pub async fn override_criterion(
    db: &Db,
    ctx: &RequestContext,
    subject: RunSubject,
    criterion: &str,
    state: &str,
    note: &str,
) -> Result<Qualification, Error> {
    let criterion = Criterion::parse(criterion.trim())
        .ok_or_else(|| AppError::validation("criterion", "Choose a criterion."))?;
    let state = match state.trim() {
        "" | "cleared" => None,
        s => Some(CriterionState::parse(s).ok_or_else(|| {
            AppError::validation("state", "Choose unknown, partial, confirmed or negative.")
        })?),
    };
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::validation("note", format!("At most {MAX_NOTE} characters.")).into());
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let info = store::subject_info(conn, subject).await?;
        ensure_can_edit(ctx, info.owner, "records")?;
        let cfg = load_config(conn).await?;
        if !cfg.framework.criteria().contains(&criterion) {
            return Err(AppError::validation(
                "criterion",
                format!(
                    "{} is not a {} criterion.",
                    criterion.label(),
                    cfg.framework.label()
                ),
            )
            .into());
        }
        store::insert_override(conn, ctx, subject, criterion, state, note).await?;
        NewAuditEntry::by(ctx, "qualification.override")
            .target(subject.kind.as_str(), subject.id.unwrap_or_default())
            .details(serde_json::json!({
                "criterion": criterion.as_str(),
                "state": state.map_or("cleared", |s| s.as_str()),
            }))
            .record(conn)
            .await?;
        qualification(conn, ctx, subject).await
    })
    .await
}

pub async fn get_qualifier_page(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
) -> Result<QualifierPage, Error> {
    let view = get_agent_config(db, ctx, hub, AgentKind::Qualifier).await?;
    let config = serde_json::from_value(view.config)
        .map_err(|e| Error::Corrupt(format!("the Qualifier's configuration does not read: {e}")))?;
    Ok(QualifierPage {
        version: view.version,
        config,
        providers: view.providers,
        history: view.history,
        can_configure: ctx.role.at_least(Role::Admin),
        preview_subjects: view.preview_subjects,
    })
}

pub async fn save_qualifier(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    form: &QualifierForm,
) -> Result<i32, Error> {
    ctx.require(Role::Admin)?;
    let config = form.to_config()?;
    let value = serde_json::to_value(config)
        .map_err(|_| AppError::validation("config", "The settings do not read."))?;
    save_agent_config(db, ctx, hub, AgentKind::Qualifier, value, &form.note)
        .await
        .map_err(|e| match e {
            Error::App(AppError::Validation { field, message }) => {
                AppError::validation(form_field(&field), message).into()
            }
            other => other,
        })
}
