//! Custom field definitions per tenant and object. Admins define them; values are checked
//! against them on every write (`models::sales::custom_field::validate_values`).

use crate::actions;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{CustomField, CustomFieldKind, CustomObject};
use models::{AppError, Role, TenantId};
use platform::audit::NewAuditEntry;
use platform::db::schema::custom_fields;
use platform::db::{Conn, Db};
use platform::error::is_unique_violation;
use platform::{Error, RequestContext};

#[derive(Queryable, Selectable)]
#[diesel(table_name = custom_fields, check_for_backend(diesel::pg::Pg))]
struct CustomFieldRow {
    object: CustomObject,
    key: String,
    label: String,
    kind: CustomFieldKind,
    // PostgreSQL arrays may hold NULLs, so diesel reads text[] as optional elements.
    options: Vec<Option<String>>,
}

impl From<CustomFieldRow> for CustomField {
    fn from(r: CustomFieldRow) -> Self {
        CustomField {
            object: r.object,
            key: r.key,
            label: r.label,
            kind: r.kind,
            options: r.options.into_iter().flatten().collect(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = custom_fields, check_for_backend(diesel::pg::Pg))]
struct NewCustomField<'a> {
    tenant_id: TenantId,
    object: CustomObject,
    key: &'a str,
    label: &'a str,
    kind: CustomFieldKind,
    options: Vec<Option<String>>,
    position: i32,
}

/// The definitions for one object, in form order.
pub async fn definitions(conn: &mut Conn, object: CustomObject) -> Result<Vec<CustomField>, Error> {
    let rows: Vec<CustomFieldRow> = custom_fields::table
        .filter(custom_fields::object.eq(object))
        .order((custom_fields::position, custom_fields::created_at))
        .select(CustomFieldRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(CustomField::from).collect())
}

/// Every object's definitions: by object (in `CustomObject::ALL` order), then form order.
pub async fn all_definitions(conn: &mut Conn) -> Result<Vec<CustomField>, Error> {
    let rows: Vec<CustomFieldRow> = custom_fields::table
        .order((custom_fields::position, custom_fields::created_at))
        .select(CustomFieldRow::as_select())
        .load(conn)
        .await?;
    let mut fields: Vec<CustomField> = rows.into_iter().map(CustomField::from).collect();
    // Stable: form order holds within each object.
    fields.sort_by_key(|f| CustomObject::ALL.iter().position(|o| *o == f.object));
    Ok(fields)
}

pub async fn list_custom_fields(
    db: &Db,
    ctx: &RequestContext,
    object: CustomObject,
) -> Result<Vec<CustomField>, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| definitions(conn, object).await)
        .await
}

pub use models::sales::custom_field::key_of;

/// Defines a new custom field (admins and owners).
pub async fn create_custom_field(
    db: &Db,
    ctx: &RequestContext,
    object: CustomObject,
    label: &str,
    kind: CustomFieldKind,
    options: &str,
) -> Result<CustomField, Error> {
    ctx.require(Role::Admin)?;
    let label = crate::fields::required("label", label, 60)?;
    let key: String = key_of(&label).chars().take(40).collect();
    if key.is_empty() {
        return Err(AppError::validation("label", "must contain a letter or digit").into());
    }
    let options: Vec<String> = options
        .split(',')
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    let needs_options = matches!(kind, CustomFieldKind::Select | CustomFieldKind::MultiSelect);
    if needs_options && options.is_empty() {
        return Err(
            AppError::validation("options", "list the choices, separated by commas").into(),
        );
    }
    if options.len() > 100 || options.iter().any(|o| o.chars().count() > 100) {
        return Err(
            AppError::validation("options", "at most 100 choices of 100 characters").into(),
        );
    }
    let options = if needs_options { options } else { Vec::new() };
    let field = CustomField {
        object,
        key,
        label,
        kind,
        options,
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        insert_definition(conn, ctx, &field).await?;
        Ok(field.clone())
    })
    .await
}

/// Stores a checked definition after the object's others, audited; the role is the
/// caller's to check. A key that exists already is refused, naming the label.
pub async fn insert_definition(
    conn: &mut Conn,
    ctx: &RequestContext,
    field: &CustomField,
) -> Result<(), Error> {
    let position = definitions(conn, field.object).await?.len() as i32;
    diesel::insert_into(custom_fields::table)
        .values(NewCustomField {
            tenant_id: ctx.tenant_id,
            object: field.object,
            key: &field.key,
            label: &field.label,
            kind: field.kind,
            options: field.options.iter().cloned().map(Some).collect(),
            position,
        })
        .execute(conn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e, "custom_fields_pkey") {
                Error::from(AppError::validation(
                    "label",
                    "a field with this name exists already",
                ))
            } else {
                e.into()
            }
        })?;
    NewAuditEntry::by(ctx, actions::CUSTOM_FIELD_CREATED)
        .target(
            "custom_field",
            format!("{}.{}", field.object.as_str(), field.key),
        )
        .details(serde_json::json!({
            "label": field.label,
            "kind": field.kind.as_str(),
            "options": field.options,
        }))
        .record(conn)
        .await
}
