//! `/api/v1/accounts` and `/api/v1/contacts`: their lists (the pages' filters and keyset
//! cursors), one record with what hangs off it, and create, edit and delete.

use super::body::{overlay, JsonObject};
use super::error::{ApiError, ApiResult};
use super::leads::id;
use crate::state::ServerState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use models::sales::account::{Account, AccountDetail, AccountInput, AccountRow};
use models::sales::contact::{Contact, ContactDetail, ContactInput, ContactRow};
use models::sales::record_query::{RecordKind, RecordPage, RecordQuery};
use models::{AccountId, AppError, ContactId};
use platform::api_keys::ApiCaller;
use sales_hunter::{accounts, contacts};

fn query(kind: RecordKind, raw: Option<String>) -> Result<RecordQuery, AppError> {
    RecordQuery::parse(kind, raw.as_deref().unwrap_or_default())
}

/// A page of accounts, 50 at a time.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    params(
        ("q" = Option<String>, Query, description = "Words to find in name or domain"),
        ("owner" = Option<String>, Query, description = "A member's id, `me` or `none`"),
        ("industry" = Option<String>, Query), ("country" = Option<String>, Query),
        ("from" = Option<String>, Query, description = "Created on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "Created on or before (YYYY-MM-DD)"),
        ("sort" = Option<String>, Query, description = "name, domain, industry, country, employees or created"),
        ("dir" = Option<String>, Query, description = "asc or desc"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
        ("before" = Option<String>, Query, description = "The `prev` cursor of the following page"),
    ),
    responses((status = 200, body = RecordPage<AccountRow>), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_accounts(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    RawQuery(q): RawQuery,
) -> ApiResult<RecordPage<AccountRow>> {
    let q = query(RecordKind::Account, q)?;
    Ok(Json(accounts::list_accounts(&s.app.db, &c.ctx, &q).await?))
}

/// The account with its contacts, deals, activities and tasks.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = String, Path)),
    responses((status = 200, body = AccountDetail), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn get_account(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> ApiResult<AccountDetail> {
    let id: AccountId = id(&raw, "That account")?;
    Ok(Json(accounts::get_account(&s.app.db, &c.ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = AccountInput,
    responses((status = 201, body = Account), (status = 409, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn create_account(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let input = overlay(&AccountInput::default(), body, "an account")?;
    let account = accounts::create_account(&s.app.db, &c.ctx, &input).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Changes the fields the body names; the others keep their values.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", request_body = AccountInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Account), (status = 403, body = AppError), (status = 404, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn update_account(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Account> {
    let id: AccountId = id(&raw, "That account")?;
    let current = accounts::get_account(&s.app.db, &c.ctx, id).await?;
    let input = overlay(&AccountInput::from(&current.account), body, "an account")?;
    Ok(Json(
        accounts::update_account(&s.app.db, &c.ctx, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = AppError), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn delete_account(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: AccountId = id(&raw, "That account")?;
    accounts::delete_account(&s.app.db, &c.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of contacts, 50 at a time.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts",
    params(
        ("q" = Option<String>, Query, description = "Words to find in name, e-mail or title"),
        ("owner" = Option<String>, Query, description = "A member's id, `me` or `none`"),
        ("account" = Option<String>, Query, description = "An account's id"),
        ("from" = Option<String>, Query, description = "Created on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "Created on or before (YYYY-MM-DD)"),
        ("sort" = Option<String>, Query, description = "name, email, title or created"),
        ("dir" = Option<String>, Query, description = "asc or desc"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
        ("before" = Option<String>, Query, description = "The `prev` cursor of the following page"),
    ),
    responses((status = 200, body = RecordPage<ContactRow>), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_contacts(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    RawQuery(q): RawQuery,
) -> ApiResult<RecordPage<ContactRow>> {
    let q = query(RecordKind::Contact, q)?;
    Ok(Json(contacts::list_contacts(&s.app.db, &c.ctx, &q).await?))
}

/// The contact with their deals, activities and tasks.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = String, Path)),
    responses((status = 200, body = ContactDetail), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn get_contact(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> ApiResult<ContactDetail> {
    let id: ContactId = id(&raw, "That contact")?;
    Ok(Json(contacts::get_contact(&s.app.db, &c.ctx, id).await?))
}

/// Adds a contact; `account` is the name of one of the organisation's accounts.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 409, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn create_contact(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Contact>), ApiError> {
    let input = overlay(&ContactInput::default(), body, "a contact")?;
    let contact = contacts::create_contact(&s.app.db, &c.ctx, &input).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

/// Changes the fields the body names; the others keep their values.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", request_body = ContactInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Contact), (status = 403, body = AppError), (status = 404, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn update_contact(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Contact> {
    let id: ContactId = id(&raw, "That contact")?;
    let current = contacts::get_contact(&s.app.db, &c.ctx, id).await?;
    let input = overlay(&ContactInput::from(&current.contact), body, "a contact")?;
    Ok(Json(
        contacts::update_contact(&s.app.db, &c.ctx, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = AppError), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn delete_contact(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: ContactId = id(&raw, "That contact")?;
    contacts::delete_contact(&s.app.db, &c.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
