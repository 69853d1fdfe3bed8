//! Deleting one record by hand (an account, a contact, a deal): the role check on its
//! owner, the delete, and everything the record held, for the audit row.
//!
//! A synced record (its `external_source`/`external_id` set by a connector) is deleted
//! here only, as a lead is: its link stays, so a later pull skips it rather than bringing
//! it back, and nothing is deleted in the remote system (connections have no delete
//! policy to push deletions yet). The audit row keeps its external id.

use crate::access::ensure_can_edit;
use crate::actions;
use diesel::prelude::*;
use diesel::sql_types::{Jsonb, Nullable};
use diesel_async::RunQueryDsl;
use models::{AppError, UserId};
use platform::db::Conn;
use platform::{Error, RequestContext};
use uuid::Uuid;

/// The tables a record may be deleted from by hand; their names are fixed here, never typed
/// by a user.
#[derive(Clone, Copy, Debug)]
pub enum Removable {
    Account,
    Contact,
    Opportunity,
}

impl Removable {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Self::Account => "accounts",
            Self::Contact => "contacts",
            Self::Opportunity => "opportunities",
        }
    }

    /// The audit target's kind.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Contact => "contact",
            Self::Opportunity => "opportunity",
        }
    }

    /// The audit actions of an edit and a deletion.
    pub(crate) fn updated(self) -> &'static str {
        match self {
            Self::Account => actions::ACCOUNT_UPDATED,
            Self::Contact => actions::CONTACT_UPDATED,
            Self::Opportunity => actions::OPPORTUNITY_UPDATED,
        }
    }

    pub(crate) fn deleted(self) -> &'static str {
        match self {
            Self::Account => actions::ACCOUNT_DELETED,
            Self::Contact => actions::CONTACT_DELETED,
            Self::Opportunity => actions::OPPORTUNITY_DELETED,
        }
    }

    fn not_found(self) -> &'static str {
        match self {
            Self::Account => "That account",
            Self::Contact => "That contact",
            Self::Opportunity => "That opportunity",
        }
    }
}

#[derive(QueryableByName)]
struct OwnerRow {
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    owner_id: Option<UserId>,
}

#[derive(QueryableByName)]
struct DeletedRow {
    #[diesel(sql_type = Jsonb)]
    row: serde_json::Value,
}

/// Locks the record, checks that this user may change it, deletes it (what hangs off it
/// goes by the foreign keys: activities and tasks with it, deals and contacts lose their
/// account) and returns its stored values (without the generated search text).
pub(crate) async fn delete_record(
    conn: &mut Conn,
    ctx: &RequestContext,
    what: Removable,
    id: Uuid,
) -> Result<serde_json::Value, Error> {
    let table = what.table();
    let owner: Option<OwnerRow> = diesel::sql_query(format!(
        "SELECT owner_id FROM {table} WHERE id = $1 FOR UPDATE"
    ))
    .bind::<diesel::sql_types::Uuid, _>(id)
    .get_result(conn)
    .await
    .optional()?;
    let owner = owner.ok_or_else(|| AppError::not_found(what.not_found()))?;
    ensure_can_edit(ctx, owner.owner_id, table)?;
    let deleted: DeletedRow = diesel::sql_query(format!(
        "DELETE FROM {table} WHERE id = $1 RETURNING to_jsonb({table}.*) - 'search_text' AS row"
    ))
    .bind::<diesel::sql_types::Uuid, _>(id)
    .get_result(conn)
    .await?;
    Ok(deleted.row)
}
