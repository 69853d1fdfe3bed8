//! The leads manager through its server functions: create, edit, delete with audit; the
//! validation of every field; role limits; keyset pages with ties; filters and search; bulk
//! actions; conversion in one transaction; tenant isolation.

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use crate::records::lead;
use app::api::leads::*;
use models::sales::lead::{
    BulkLeadAction, ConvertLeadInput, Lead, LeadInput, LeadPage, LeadStatus,
};
use models::{AppError, LeadId};
use std::collections::BTreeMap;

mod convert;
mod list;
mod write;

pub async fn create(app: &TestApp, session: &str, input: LeadInput) -> Result<Lead, AppError> {
    app.invoke(Some(session), CreateLead { input }).await
}

/// Defines a custom lead field (admins and above).
pub async fn lead_custom_field(
    app: &TestApp,
    session: &str,
    label: &str,
    kind: models::sales::custom_field::CustomFieldKind,
    options: &str,
) -> Result<models::sales::custom_field::CustomField, AppError> {
    app.invoke(
        Some(session),
        app::api::dashboard::CreateCustomField {
            object: models::sales::custom_field::CustomObject::Lead,
            label: label.into(),
            kind,
            options: options.into(),
        },
    )
    .await
}

pub async fn list(app: &TestApp, session: &str, view: &str) -> LeadPage {
    app.invoke(Some(session), ListLeads { view: view.into() })
        .await
        .unwrap_or_else(|e| panic!("list {view}: {e}"))
}
