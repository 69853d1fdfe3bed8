//! E-mail through an outbox: [`NewEmail::enqueue`] writes the message and a
//! [`SendEmail`] job in the caller's transaction, so mail goes out exactly when the change
//! that caused it commits. The job hands it to the [`Mailer`]: SMTP when configured,
//! otherwise the log and the platform admins' dev mailbox (never silently dropped).

mod mailbox;
mod mailer;
mod send;

pub use mailbox::list_emails;
pub use mailer::{Delivery, Mailer};
pub use send::SendEmail;

use crate::db::schema::emails;
use crate::db::Conn;
use crate::error::Error;
use crate::jobs::NewJob;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;
use uuid::Uuid;

/// A plain-text message to one address.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = emails, check_for_backend(diesel::pg::Pg))]
pub struct NewEmail {
    id: Uuid,
    tenant_id: Option<TenantId>,
    to_address: String,
    subject: String,
    body_text: String,
}

impl NewEmail {
    pub fn new(to: &str, subject: impl Into<String>, body_text: impl Into<String>) -> NewEmail {
        NewEmail {
            id: Uuid::new_v4(),
            tenant_id: None,
            to_address: to.to_string(),
            subject: subject.into(),
            body_text: body_text.into(),
        }
    }

    /// Mail a tenant sends (an invitation): required inside a tenant transaction.
    pub fn tenant(mut self, tenant: TenantId) -> NewEmail {
        self.tenant_id = Some(tenant);
        self
    }

    /// Writes the message and its send job; both commit with the caller's transaction.
    pub async fn enqueue(self, conn: &mut Conn) -> Result<Uuid, Error> {
        let id = self.id;
        let tenant = self.tenant_id;
        diesel::insert_into(emails::table)
            .values(self)
            .execute(conn)
            .await?;
        NewJob::new(&SendEmail { email_id: id })?
            .tenant(tenant)
            .priority(10)
            .enqueue(conn)
            .await?;
        Ok(id)
    }
}
