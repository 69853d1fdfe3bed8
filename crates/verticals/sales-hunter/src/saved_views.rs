//! Saved views of the leads, accounts and contacts tables: a name and the page's query
//! string, kept per user or shared with the tenant.

use crate::actions;
use crate::fields;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::CustomObject;
use models::sales::lead_query::LeadQuery;
use models::sales::record_query::{RecordKind, RecordQuery};
use models::{AppError, Role, SavedViewId, TenantId, UserId};
use platform::audit::NewAuditEntry;
use platform::db::schema::saved_views;
use platform::db::Db;
use platform::error::is_unique_violation;
use platform::{Error, RequestContext};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = saved_views, check_for_backend(diesel::pg::Pg))]
pub struct SavedViewRow {
    pub id: SavedViewId,
    pub user_id: UserId,
    pub name: String,
    pub query: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = saved_views, check_for_backend(diesel::pg::Pg))]
struct NewSavedView<'a> {
    tenant_id: TenantId,
    id: SavedViewId,
    user_id: UserId,
    object: &'a str,
    name: &'a str,
    query: &'a str,
    shared: bool,
}

/// The view `query` of `object`'s table, checked by parsing it and stored without its
/// page position (a view opens on its first page).
fn view_of(object: CustomObject, query: &str) -> Result<String, AppError> {
    Ok(match object {
        CustomObject::Lead => LeadQuery::parse(query)?.first_page().to_query_string(),
        CustomObject::Account => RecordQuery::parse(RecordKind::Account, query)?
            .first_page()
            .to_query_string(),
        CustomObject::Contact => RecordQuery::parse(RecordKind::Contact, query)?
            .first_page()
            .to_query_string(),
        CustomObject::Opportunity => {
            return Err(AppError::validation(
                "object",
                "views are saved for leads, accounts and contacts",
            ))
        }
    })
}

impl From<SavedViewRow> for models::sales::lead::SavedView {
    fn from(r: SavedViewRow) -> Self {
        models::sales::lead::SavedView {
            id: r.id,
            owner_id: r.user_id,
            name: r.name,
            query: r.query,
            shared: r.shared,
        }
    }
}

/// The user's own views of `object`'s table and those shared with the tenant, by name.
pub async fn list_saved_views(
    db: &Db,
    ctx: &RequestContext,
    object: CustomObject,
) -> Result<Vec<models::sales::lead::SavedView>, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<SavedViewRow> = saved_views::table
            .filter(saved_views::object.eq(object.as_str()))
            .filter(
                saved_views::user_id
                    .eq(ctx.user_id)
                    .or(saved_views::shared.eq(true)),
            )
            .order((saved_views::name, saved_views::id))
            .select(SavedViewRow::as_select())
            .load(conn)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    })
    .await
}

/// Saves the view `query` of `object`'s table (checked by parsing it) under `name`.
pub async fn create_saved_view(
    db: &Db,
    ctx: &RequestContext,
    object: CustomObject,
    name: &str,
    query: &str,
    shared: bool,
) -> Result<models::sales::lead::SavedView, Error> {
    let name = fields::required("name", name, 60)?;
    let query = view_of(object, query)?;
    if query.len() > 2000 {
        return Err(AppError::validation("query", "this view is too long to save").into());
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let id = SavedViewId(Uuid::new_v4());
        diesel::insert_into(saved_views::table)
            .values(NewSavedView {
                tenant_id: ctx.tenant_id,
                id,
                user_id: ctx.user_id,
                object: object.as_str(),
                name: &name,
                query: &query,
                shared,
            })
            .execute(conn)
            .await
            .map_err(|e| {
                if is_unique_violation(&e, "saved_views_name_key") {
                    Error::from(AppError::validation(
                        "name",
                        "you have a view with this name already",
                    ))
                } else {
                    e.into()
                }
            })?;
        NewAuditEntry::by(ctx, actions::SAVED_VIEW_CREATED)
            .target("saved_view", id)
            .details(serde_json::json!({ "object": object, "name": name, "query": query, "shared": shared }))
            .record(conn)
            .await?;
        Ok(models::sales::lead::SavedView {
            id,
            owner_id: ctx.user_id,
            name: name.clone(),
            query: query.clone(),
            shared,
        })
    })
    .await
}

/// Deletes a view: its owner, or an admin for a shared one.
pub async fn delete_saved_view(
    db: &Db,
    ctx: &RequestContext,
    id: SavedViewId,
) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row: SavedViewRow = saved_views::table
            .filter(saved_views::id.eq(id))
            .filter(
                saved_views::user_id
                    .eq(ctx.user_id)
                    .or(saved_views::shared.eq(true)),
            )
            .select(SavedViewRow::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That view"))?;
        if row.user_id != ctx.user_id && !ctx.role.at_least(Role::Admin) {
            return Err(AppError::forbidden(
                "Only its owner or an admin can delete a shared view.",
            )
            .into());
        }
        diesel::delete(saved_views::table.filter(saved_views::id.eq(id)))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::SAVED_VIEW_DELETED)
            .target("saved_view", id)
            .details(serde_json::json!({ "name": row.name }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}
