//! The dev mailbox: recent mail, for platform admins (above all where no SMTP is set up).

use crate::db::schema::emails;
use crate::db::Db;
use crate::error::Error;
use crate::RequestContext;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::mail::EmailSummary;

#[derive(Queryable, Selectable)]
#[diesel(table_name = emails, check_for_backend(diesel::pg::Pg))]
struct EmailRow {
    to_address: String,
    subject: String,
    body_text: String,
    state: String,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
}

/// The newest 50 messages, newest first.
pub async fn list_emails(db: &Db, ctx: &RequestContext) -> Result<Vec<EmailSummary>, Error> {
    ctx.require_platform_admin()?;
    let rows: Vec<EmailRow> = db
        .platform_tx(async |conn| {
            Ok(emails::table
                .order((emails::created_at.desc(), emails::id.desc()))
                .limit(50)
                .select(EmailRow::as_select())
                .load(conn)
                .await?)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| EmailSummary {
            to: r.to_address,
            subject: r.subject,
            body: r.body_text,
            state: r.state,
            last_error: r.last_error,
            created_at: r.created_at,
        })
        .collect())
}
