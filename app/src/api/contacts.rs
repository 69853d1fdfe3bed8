//! Contacts: the table, one contact, create/edit/delete and bulk actions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use models::sales::contact::{Contact, ContactDetail, ContactInput, ContactRow};
use models::sales::record_query::{BulkRecordAction, RecordPage};
use models::{AppError, ContactId};

/// One page of contacts for `view`, the page's query string.
#[server(endpoint = "list_contacts")]
pub async fn list_contacts(view: String) -> Result<RecordPage<ContactRow>, AppError> {
    use super::ssr::*;
    use models::sales::record_query::{RecordKind, RecordQuery};
    let ctx = require_user()?;
    let query = RecordQuery::parse(RecordKind::Contact, &view)?;
    sales_hunter::contacts::list_contacts(&state()?.db, &ctx, &query)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_contact")]
pub async fn get_contact(id: ContactId) -> Result<ContactDetail, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::contacts::get_contact(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "create_contact")]
pub async fn create_contact(input: ContactInput) -> Result<Contact, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let contact = sales_hunter::contacts::create_contact(&state()?.db, &ctx, &input)
        .await
        .map_err(AppError::from)?;
    // The form lands on the new contact's page (with or without JavaScript).
    leptos_axum::redirect(&format!("/contacts/{}", contact.id));
    Ok(contact)
}

#[server(endpoint = "update_contact")]
pub async fn update_contact(id: ContactId, input: ContactInput) -> Result<Contact, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::contacts::update_contact(&state()?.db, &ctx, id, &input)
        .await
        .map_err(AppError::from)
}

/// Deletes an contact; the deals it was on stay, without it.
#[server(endpoint = "delete_contact")]
pub async fn delete_contact(id: ContactId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::contacts::delete_contact(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect("/contacts");
    Ok(())
}

/// Applies one action to the selected contacts; all or nothing. Returns how many changed.
#[server(endpoint = "bulk_update_contacts", input = Json)]
pub async fn bulk_update_contacts(
    ids: Vec<ContactId>,
    action: BulkRecordAction,
) -> Result<usize, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::contacts::bulk_update_contacts(&state()?.db, &ctx, &ids, &action)
        .await
        .map_err(AppError::from)
}
