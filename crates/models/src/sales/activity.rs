//! Activities (calls, e-mails, meetings, notes) and tasks.

use super::str_enum;
use crate::{AccountId, ActivityId, ContactId, LeadId, OpportunityId, TaskId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

str_enum!(
    ActivityKind {
        Call => "call", "Call";
        Email => "email", "E-mail";
        Meeting => "meeting", "Meeting";
        Note => "note", "Note";
    }
);

/// What a record is about: exactly one of these is the subject of an activity or task.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Lead(LeadId),
    Contact(ContactId),
    Account(AccountId),
    Opportunity(OpportunityId),
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub subject: String,
    pub body: String,
    pub outcome: String,
    pub occurred_at: DateTime<Utc>,
    pub user_name: Option<String>,
}

/// An activity as typed into the form.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityInput {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub outcome: String,
    /// `YYYY-MM-DDTHH:MM` (a datetime-local input, in UTC); empty: now.
    pub occurred_at: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub subject: Option<Subject>,
    /// The name of what the task is about, for "My day".
    pub subject_label: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskInput {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// A user id; empty: the creator.
    pub assignee_id: String,
}

impl Subject {
    /// From a form's `about_type` and `about_id`.
    pub fn parse(kind: &str, id: &str) -> Result<Subject, crate::AppError> {
        let bad =
            || crate::AppError::validation("about_id", "is not a record of this organisation");
        let id: uuid::Uuid = id.trim().parse().map_err(|_| bad())?;
        Ok(match kind {
            "lead" => Subject::Lead(LeadId(id)),
            "contact" => Subject::Contact(ContactId(id)),
            "account" => Subject::Account(AccountId(id)),
            "opportunity" => Subject::Opportunity(OpportunityId(id)),
            _ => {
                return Err(crate::AppError::validation(
                    "about_type",
                    "is not a kind of record",
                ))
            }
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Lead(_) => "lead",
            Subject::Contact(_) => "contact",
            Subject::Account(_) => "account",
            Subject::Opportunity(_) => "opportunity",
        }
    }

    pub fn id(&self) -> uuid::Uuid {
        match self {
            Subject::Lead(i) => i.0,
            Subject::Contact(i) => i.0,
            Subject::Account(i) => i.0,
            Subject::Opportunity(i) => i.0,
        }
    }
}
