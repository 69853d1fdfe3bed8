//! The Qualifier: a lead's or deal's qualification, a rep's override of one criterion (any
//! member who may edit the record), and the settings (admins; a new version on save).

use leptos::prelude::*;
use models::agents::qualifier::{Qualification, QualifierForm, QualifierPage};
use models::AppError;

#[server(endpoint = "get_qualification")]
pub async fn get_qualification(
    subject_kind: String,
    subject_id: String,
) -> Result<Qualification, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let subject = models::agents::run::RunSubject::parse(&subject_kind, &subject_id)?;
    sales_hunter::qualifier::manage::get_qualification(&state()?.db, &ctx, subject)
        .await
        .map_err(AppError::from)
}

/// Sets one criterion's state by hand, with a note; `cleared` hands it back.
#[server(endpoint = "override_criterion")]
pub async fn override_criterion(
    subject_kind: String,
    subject_id: String,
    criterion: String,
    state: String,
    note: String,
) -> Result<Qualification, AppError> {
    // Not the glob: `state` is an argument here.
    let ctx = super::ssr::require_user()?;
    let subject = models::agents::run::RunSubject::parse(&subject_kind, &subject_id)?;
    sales_hunter::qualifier::manage::override_criterion(
        &super::ssr::state()?.db,
        &ctx,
        subject,
        &criterion,
        &state,
        &note,
    )
    .await
    .map_err(AppError::from)
}

#[server(endpoint = "get_qualifier")]
pub async fn get_qualifier() -> Result<QualifierPage, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    sales_hunter::qualifier::manage::get_qualifier_page(&s.db, &ctx, &s.agents)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "save_qualifier")]
pub async fn save_qualifier(form: QualifierForm) -> Result<i32, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    sales_hunter::qualifier::manage::save_qualifier(&s.db, &ctx, &s.agents, &form)
        .await
        .map_err(AppError::from)
}
