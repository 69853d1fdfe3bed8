//! Contacts: people at accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{AccountId, ContactId, TenantId, UserId};
use platform::db::schema::contacts;
use platform::db::Conn;
use platform::Error;

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
