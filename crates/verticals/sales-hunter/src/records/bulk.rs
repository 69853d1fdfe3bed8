//! One action on many accounts or contacts, all or nothing: if any record may not be
//! changed by this user, none is. Each change is audited per record (a deletion with every
//! value the record held), as a single edit is.

use crate::access::{ensure_can_assign, ensure_owner_is_member};
use crate::removal::Removable;
use diesel::prelude::*;
use diesel::sql_types::{Array, Jsonb, Nullable, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::sales::record_query::BulkRecordAction;
use models::{AppError, Role, UserId};
use platform::audit::NewAuditEntry;
use platform::db::Db;
use platform::{Error, RequestContext};
use uuid::Uuid;

/// At most this many records in one bulk action.
pub const MAX_BULK: usize = 500;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    owner_id: Option<UserId>,
    #[diesel(sql_type = Jsonb)]
    row: serde_json::Value,
}

/// Applies `action` to the records `ids` of `what` (accounts or contacts); returns how many
/// changed. Ids of other tenants are not seen (row-level security) and so not counted.
pub async fn bulk_update_records(
    db: &Db,
    ctx: &RequestContext,
    what: Removable,
    ids: &[Uuid],
    action: &BulkRecordAction,
) -> Result<usize, Error> {
    let plural = what.table();
    if ids.is_empty() {
        return Err(
            AppError::validation("ids", format!("select at least one of the {plural}")).into(),
        );
    }
    if ids.len() > MAX_BULK {
        return Err(
            AppError::validation("ids", format!("at most {MAX_BULK} {plural} at a time")).into(),
        );
    }
    if let BulkRecordAction::AssignOwner { owner_id } = action {
        ensure_can_assign(ctx, *owner_id)?;
    }
    let table = what.table();
    let kind = what.kind();
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<Locked> = diesel::sql_query(format!(
            "SELECT id, owner_id, to_jsonb(t.*) - 'search_text' AS row FROM {table} t \
             WHERE id = ANY($1) ORDER BY id FOR UPDATE"
        ))
        .bind::<Array<SqlUuid>, _>(ids)
        .load(conn)
        .await?;
        if !ctx.role.at_least(Role::Manager) && rows.iter().any(|r| r.owner_id != Some(ctx.user_id))
        {
            return Err(AppError::forbidden(format!(
                "Reps can change only their own {plural}; the selection includes someone else's."
            ))
            .into());
        }
        let found: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut entries = Vec::with_capacity(rows.len());
        match action {
            BulkRecordAction::AssignOwner { owner_id } => {
                ensure_owner_is_member(conn, *owner_id).await?;
                diesel::sql_query(format!(
                    "UPDATE {table} SET owner_id = $2, updated_at = now() WHERE id = ANY($1)"
                ))
                .bind::<Array<SqlUuid>, _>(&found)
                .bind::<Nullable<SqlUuid>, _>(owner_id.map(|u| u.0))
                .execute(conn)
                .await?;
                let updated = what.updated();
                for r in rows.iter().filter(|r| r.owner_id != *owner_id) {
                    entries.push(NewAuditEntry::by(ctx, updated).target(kind, r.id).details(
                        serde_json::json!({"owner_id": {"from": r.owner_id, "to": owner_id}}),
                    ));
                }
            }
            BulkRecordAction::Delete => {
                diesel::sql_query(format!("DELETE FROM {table} WHERE id = ANY($1)"))
                    .bind::<Array<SqlUuid>, _>(&found)
                    .execute(conn)
                    .await?;
                let deleted = what.deleted();
                for r in rows {
                    entries.push(
                        NewAuditEntry::by(ctx, deleted)
                            .target(kind, r.id)
                            .details(r.row),
                    );
                }
            }
        }
        NewAuditEntry::record_all(&entries, conn).await?;
        Ok(found.len())
    })
    .await
}
