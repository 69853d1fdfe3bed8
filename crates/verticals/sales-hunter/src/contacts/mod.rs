//! Contacts: people at accounts — the table (`list`), one contact with their deals,
//! timeline and tasks (`detail`), creating, editing and deleting them (`write`), and the
//! CSV export (`export`).

mod detail;
mod export;
mod list;
mod write;

pub use detail::get_contact;
pub use export::{contact_export_header, contact_export_page};
pub use list::list_contacts;
pub use write::{bulk_update_contacts, create_contact, delete_contact, update_contact};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::contact::{Contact, ContactRow};
use models::{AccountId, AppError, ContactId, TenantId, UserId};
use platform::db::schema::{accounts, contacts};
use platform::db::Conn;
use platform::Error;
use std::collections::HashMap;

#[derive(Insertable)]
#[diesel(table_name = contacts, check_for_backend(diesel::pg::Pg))]
pub struct NewContact<'a> {
    pub tenant_id: TenantId,
    pub id: ContactId,
    pub account_id: Option<AccountId>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub title: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub owner_id: Option<UserId>,
    pub custom: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl NewContact<'_> {
    pub async fn insert(&self, conn: &mut Conn) -> Result<(), Error> {
        diesel::insert_into(contacts::table)
            .values(self)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// A contact's stored fields.
#[derive(Queryable, Selectable)]
#[diesel(table_name = contacts, check_for_backend(diesel::pg::Pg))]
pub(crate) struct ContactRecord {
    pub id: ContactId,
    pub account_id: Option<AccountId>,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub seniority: String,
    pub email: String,
    pub phone: String,
    pub linkedin_url: String,
    pub owner_id: Option<UserId>,
    pub custom: serde_json::Value,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Generated from the names (migration 000020).
    pub full_name: String,
}

impl ContactRecord {
    pub(crate) fn into_contact(
        self,
        names: &HashMap<UserId, String>,
        account_name: Option<String>,
    ) -> Contact {
        Contact {
            owner_name: self.owner_id.and_then(|o| names.get(&o).cloned()),
            account_name,
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            title: self.title,
            seniority: self.seniority,
            email: self.email,
            phone: self.phone,
            linkedin_url: self.linkedin_url,
            account_id: self.account_id,
            owner_id: self.owner_id,
            custom: self.custom,
            external_source: self.external_source,
            external_id: self.external_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The contact, locked for an edit when `lock` is set; not found when it is not this tenant's.
pub(crate) async fn load_contact(
    conn: &mut Conn,
    id: ContactId,
    lock: bool,
) -> Result<ContactRecord, Error> {
    let q = contacts::table
        .filter(contacts::id.eq(id))
        .select(ContactRecord::as_select());
    let row = if lock {
        q.for_update().first(conn).await.optional()?
    } else {
        q.first(conn).await.optional()?
    };
    Ok(row.ok_or_else(|| AppError::not_found("That contact"))?)
}

/// The names of these accounts.
pub(crate) async fn account_names(
    conn: &mut Conn,
    ids: impl IntoIterator<Item = AccountId>,
) -> Result<HashMap<AccountId, String>, Error> {
    let ids: Vec<AccountId> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select((accounts::id, accounts::name))
        .load::<(AccountId, String)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// These contacts as table rows, in the order of `ids`.
pub async fn contact_rows(
    conn: &mut Conn,
    ids: Vec<ContactId>,
    names: &HashMap<UserId, String>,
) -> Result<Vec<ContactRow>, Error> {
    let mut rows: HashMap<ContactId, ContactRecord> = contacts::table
        .filter(contacts::id.eq_any(&ids))
        .select(ContactRecord::as_select())
        .load::<ContactRecord>(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let accounts = account_names(conn, rows.values().filter_map(|r| r.account_id)).await?;
    Ok(ids
        .into_iter()
        .filter_map(|id| rows.remove(&id))
        .map(|r| ContactRow {
            full_name: r.full_name,
            account_name: r.account_id.and_then(|a| accounts.get(&a).cloned()),
            owner_name: r.owner_id.and_then(|o| names.get(&o).cloned()),
            id: r.id,
            title: r.title,
            email: r.email,
            phone: r.phone,
            account_id: r.account_id,
            owner_id: r.owner_id,
            created_at: r.created_at,
        })
        .collect())
}
