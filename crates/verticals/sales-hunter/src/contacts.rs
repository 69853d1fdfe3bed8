//! Contacts: people at accounts.

use crate::actions;
use crate::removal::{delete_record, Removable};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{AccountId, ContactId, TenantId, UserId};
use platform::audit::NewAuditEntry;
use platform::db::schema::contacts;
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};

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

/// Deletes a contact (managers and above, or its owner): its activities and tasks go
/// with it, the deals it was on stay, without it. Audited with every value it held.
pub async fn delete_contact(db: &Db, ctx: &RequestContext, id: ContactId) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let stored = delete_record(conn, ctx, Removable::Contact, id.0).await?;
        NewAuditEntry::by(ctx, actions::CONTACT_DELETED)
            .target("contact", id)
            .details(stored)
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}
