//! The job that delivers one message from the outbox.

use super::{Delivery, Mailer};
use crate::db::schema::emails;
use crate::error::Error;
use crate::jobs::{Job, JobContext};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendEmail {
    pub email_id: Uuid,
}

/// What the job reads of the outbox row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = emails, check_for_backend(diesel::pg::Pg))]
struct Outgoing {
    to_address: String,
    subject: String,
    body_text: String,
    state: String,
}

impl Job for SendEmail {
    const KIND: &'static str = "send_email";
    const MAX_ATTEMPTS: i32 = 8;
    type Deps = Mailer;

    async fn run(self, mailer: &Mailer, ctx: &JobContext) -> Result<(), Error> {
        let message: Option<Outgoing> = ctx
            .db
            .platform_tx(async |conn| {
                Ok(emails::table
                    .find(self.email_id)
                    .select(Outgoing::as_select())
                    .first(conn)
                    .await
                    .optional()?)
            })
            .await?;
        let Some(message) = message else {
            return Ok(()); // its tenant was deleted meanwhile
        };
        if message.state != "queued" {
            return Ok(()); // already handled by an earlier run of this job
        }
        let outcome = mailer
            .send(&message.to_address, &message.subject, &message.body_text)
            .await;
        ctx.db
            .platform_tx(async |conn| {
                let row = emails::table.find(self.email_id);
                match &outcome {
                    // An accepted message leaves no one-time link behind in the database.
                    Ok(Delivery::Sent) => {
                        diesel::update(row)
                            .set((
                                emails::state.eq("sent"),
                                emails::sent_at.eq(Utc::now()),
                                emails::body_text.eq("(delivered; the body is not kept)"),
                                emails::last_error.eq(None::<String>),
                            ))
                            .execute(conn)
                            .await?
                    }
                    Ok(Delivery::Logged) => {
                        diesel::update(row)
                            .set((emails::state.eq("logged"), emails::sent_at.eq(Utc::now())))
                            .execute(conn)
                            .await?
                    }
                    Err(e) => {
                        // A permanent error kills the job at once: the message will not go.
                        let final_failure = ctx.is_last_attempt() || matches!(e, Error::Corrupt(_));
                        let state = if final_failure { "failed" } else { "queued" };
                        diesel::update(row)
                            .set((
                                emails::state.eq(state),
                                emails::last_error.eq(Some(e.to_string())),
                            ))
                            .execute(conn)
                            .await?
                    }
                };
                Ok(())
            })
            .await?;
        outcome.map(|_| ())
    }
}
