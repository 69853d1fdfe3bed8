//! Activities (calls, e-mails, meetings, notes) and tasks about a lead, contact, account or
//! deal. Any member may log and assign them; each write is audited.

use crate::actions;
use crate::fields;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::WorkflowEvent;
use models::agents::run::{RunSubject, SubjectKind};
use models::sales::activity::{Activity, ActivityInput, ActivityKind, Subject, Task, TaskInput};
use models::{
    AccountId, ActivityId, AppError, ContactId, LeadId, OpportunityId, TaskId, TenantId, UserId,
};
use platform::audit::NewAuditEntry;
use platform::db::schema::{accounts, activities, contacts, leads, opportunities, tasks, users};
use platform::db::{Conn, Db};
use platform::members::{is_member, member_names};
use platform::{Error, RequestContext};
use uuid::Uuid;

#[derive(Insertable)]
#[diesel(table_name = activities, check_for_backend(diesel::pg::Pg))]
pub struct NewActivity<'a> {
    pub tenant_id: TenantId,
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub subject: &'a str,
    pub body: &'a str,
    pub outcome: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Option<UserId>,
    pub lead_id: Option<LeadId>,
    pub contact_id: Option<ContactId>,
    pub account_id: Option<AccountId>,
    pub opportunity_id: Option<OpportunityId>,
}

#[derive(Insertable)]
#[diesel(table_name = tasks, check_for_backend(diesel::pg::Pg))]
pub struct NewTask<'a> {
    pub tenant_id: TenantId,
    pub id: TaskId,
    pub title: &'a str,
    pub due_on: NaiveDate,
    pub assignee_id: Option<UserId>,
    pub lead_id: Option<LeadId>,
    pub contact_id: Option<ContactId>,
    pub account_id: Option<AccountId>,
    pub opportunity_id: Option<OpportunityId>,
    pub created_by: Option<UserId>,
}

/// The subject as the four nullable columns.
pub fn subject_columns(
    s: Subject,
) -> (
    Option<LeadId>,
    Option<ContactId>,
    Option<AccountId>,
    Option<OpportunityId>,
) {
    match s {
        Subject::Lead(id) => (Some(id), None, None, None),
        Subject::Contact(id) => (None, Some(id), None, None),
        Subject::Account(id) => (None, None, Some(id), None),
        Subject::Opportunity(id) => (None, None, None, Some(id)),
    }
}

/// The subject's display name; not found when it does not exist in this tenant.
async fn subject_name(conn: &mut Conn, s: Subject) -> Result<String, Error> {
    let name: Option<String> = match s {
        Subject::Lead(id) => leads::table
            .filter(leads::id.eq(id))
            .select(leads::full_name)
            .first(conn)
            .await
            .optional()?,
        Subject::Contact(id) => contacts::table
            .filter(contacts::id.eq(id))
            .select(contacts::full_name)
            .first(conn)
            .await
            .optional()?,
        Subject::Account(id) => accounts::table
            .filter(accounts::id.eq(id))
            .select(accounts::name)
            .first(conn)
            .await
            .optional()?,
        Subject::Opportunity(id) => opportunities::table
            .filter(opportunities::id.eq(id))
            .select(opportunities::name)
            .first(conn)
            .await
            .optional()?,
    };
    Ok(name.ok_or_else(|| AppError::not_found("That record"))?)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = activities, check_for_backend(diesel::pg::Pg))]
struct ActivityRow {
    id: ActivityId,
    kind: ActivityKind,
    subject: String,
    body: String,
    outcome: String,
    occurred_at: DateTime<Utc>,
    user_id: Option<UserId>,
}

/// The newest 200 activities about `s` first.
pub async fn timeline(conn: &mut Conn, s: Subject) -> Result<Vec<Activity>, Error> {
    let q = activities::table
        .select(ActivityRow::as_select())
        .into_boxed();
    let q = match s {
        Subject::Lead(id) => q.filter(activities::lead_id.eq(id)),
        Subject::Contact(id) => q.filter(activities::contact_id.eq(id)),
        Subject::Account(id) => q.filter(activities::account_id.eq(id)),
        Subject::Opportunity(id) => q.filter(activities::opportunity_id.eq(id)),
    };
    to_activities(conn, q).await
}

/// The newest 200 activities logged about `s` (any role may read them, as on its page).
pub async fn activities_about(
    db: &Db,
    ctx: &RequestContext,
    s: Subject,
) -> Result<Vec<Activity>, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| timeline(conn, s).await)
        .await
}

/// The newest 200 activities about the account, its contacts or its deals first: an
/// account's page reads a company's whole story.
pub async fn account_timeline(conn: &mut Conn, id: AccountId) -> Result<Vec<Activity>, Error> {
    let its_contacts = contacts::table
        .filter(contacts::account_id.eq(id))
        .select(contacts::id.nullable());
    let its_deals = opportunities::table
        .filter(opportunities::account_id.eq(id))
        .select(opportunities::id.nullable());
    let q = activities::table
        .select(ActivityRow::as_select())
        .filter(
            activities::account_id
                .eq(id)
                .or(activities::contact_id.eq_any(its_contacts))
                .or(activities::opportunity_id.eq_any(its_deals)),
        )
        .into_boxed();
    to_activities(conn, q).await
}

async fn to_activities(
    conn: &mut Conn,
    q: activities::BoxedQuery<
        '_,
        Pg,
        diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<ActivityRow, Pg>>,
    >,
) -> Result<Vec<Activity>, Error> {
    let rows: Vec<ActivityRow> = q
        .order((activities::occurred_at.desc(), activities::id))
        .limit(200)
        .load(conn)
        .await?;
    let ids: Vec<UserId> = rows.iter().filter_map(|r| r.user_id).collect();
    let people: std::collections::HashMap<UserId, String> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::name))
        .load::<(UserId, String)>(conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| Activity {
            user_name: r.user_id.and_then(|u| people.get(&u).cloned()),
            id: r.id,
            kind: r.kind,
            subject: r.subject,
            body: r.body,
            outcome: r.outcome,
            occurred_at: r.occurred_at,
        })
        .collect())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tasks, check_for_backend(diesel::pg::Pg))]
struct TaskRow {
    id: TaskId,
    title: String,
    due_on: NaiveDate,
    assignee_id: Option<UserId>,
    done_at: Option<DateTime<Utc>>,
    lead_id: Option<LeadId>,
    contact_id: Option<ContactId>,
    account_id: Option<AccountId>,
    opportunity_id: Option<OpportunityId>,
}

impl TaskRow {
    fn subject(&self) -> Option<Subject> {
        self.lead_id
            .map(Subject::Lead)
            .or(self.contact_id.map(Subject::Contact))
            .or(self.account_id.map(Subject::Account))
            .or(self.opportunity_id.map(Subject::Opportunity))
    }
}

async fn to_tasks(
    conn: &mut Conn,
    rows: Vec<TaskRow>,
    with_labels: bool,
) -> Result<Vec<Task>, Error> {
    let names = member_names(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let subject = r.subject();
        let subject_label = match (with_labels, subject) {
            (true, Some(s)) => subject_name(conn, s).await.ok(),
            _ => None,
        };
        out.push(Task {
            assignee_name: r.assignee_id.and_then(|u| names.get(&u).cloned()),
            id: r.id,
            title: r.title,
            due_on: r.due_on,
            assignee_id: r.assignee_id,
            done_at: r.done_at,
            subject,
            subject_label,
        });
    }
    Ok(out)
}

/// Tasks about `s`: open ones by due date, then done ones.
pub async fn tasks_about(conn: &mut Conn, s: Subject) -> Result<Vec<Task>, Error> {
    let (lead, contact, account, opp) = subject_columns(s);
    let mut q = tasks::table.select(TaskRow::as_select()).into_boxed();
    q = match (lead, contact, account, opp) {
        (Some(id), ..) => q.filter(tasks::lead_id.eq(id)),
        (_, Some(id), ..) => q.filter(tasks::contact_id.eq(id)),
        (_, _, Some(id), _) => q.filter(tasks::account_id.eq(id)),
        (.., Some(id)) => q.filter(tasks::opportunity_id.eq(id)),
        _ => q,
    };
    let rows = q
        .order((tasks::done_at.is_not_null(), tasks::due_on, tasks::id))
        .limit(200)
        .load(conn)
        .await?;
    to_tasks(conn, rows, false).await
}

/// The user's open tasks due on `today` or earlier, oldest first.
pub async fn my_day(conn: &mut Conn, user: UserId, today: NaiveDate) -> Result<Vec<Task>, Error> {
    let rows = tasks::table
        .filter(tasks::assignee_id.eq(user))
        .filter(tasks::done_at.is_null())
        .filter(tasks::due_on.le(today))
        .order((tasks::due_on, tasks::id))
        .limit(50)
        .select(TaskRow::as_select())
        .load(conn)
        .await?;
    to_tasks(conn, rows, true).await
}

fn parse_occurred(value: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(now);
    }
    let at = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| AppError::validation("occurred_at", "must be a date and time"))?
        .and_utc();
    if at > now + chrono::Duration::days(1) {
        return Err(AppError::validation(
            "occurred_at",
            "cannot be in the future; plan it as a task",
        ));
    }
    Ok(at)
}

/// Logs a call, e-mail, meeting or note. On a lead it moves `last_activity_at`.
pub async fn log_activity(
    db: &Db,
    ctx: &RequestContext,
    about: Subject,
    input: &ActivityInput,
) -> Result<Activity, Error> {
    let kind = ActivityKind::parse(input.kind.trim())
        .ok_or_else(|| AppError::validation("kind", "choose call, e-mail, meeting or note"))?;
    let subject = fields::required("subject", &input.subject, 200)?;
    let body = fields::text("body", &input.body, 10_000)?;
    let outcome = fields::text("outcome", &input.outcome, 100)?;
    let now = Utc::now();
    let occurred_at = parse_occurred(&input.occurred_at, now)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        subject_name(conn, about).await?;
        let (lead_id, contact_id, account_id, opportunity_id) = subject_columns(about);
        let id = ActivityId(Uuid::new_v4());
        diesel::insert_into(activities::table)
            .values(NewActivity {
                tenant_id: ctx.tenant_id,
                id,
                kind,
                subject: &subject,
                body: &body,
                outcome: &outcome,
                occurred_at,
                user_id: Some(ctx.user_id),
                lead_id,
                contact_id,
                account_id,
                opportunity_id,
            })
            .execute(conn)
            .await?;
        if let Some(lead) = lead_id {
            crate::leads::touch_lead(conn, lead, occurred_at).await?;
        }
        // What the Qualifier reads: notes on a lead or a deal.
        let read = match (lead_id, opportunity_id) {
            (Some(l), _) => Some((SubjectKind::Lead, l.0)),
            (None, Some(o)) => Some((SubjectKind::Opportunity, o.0)),
            _ => None,
        };
        if let Some((kind, id)) = read {
            agents::automation::fire_workflow(
                conn,
                ctx.tenant_id,
                WorkflowEvent::ActivityLogged,
                RunSubject { kind, id: Some(id) },
            )
            .await?;
        }
        NewAuditEntry::by(ctx, actions::ACTIVITY_LOGGED)
            .target("activity", id)
            .details(serde_json::json!({ "about": about, "kind": kind, "subject": subject }))
            .record(conn)
            .await?;
        let names = member_names(conn).await?;
        Ok(Activity {
            id,
            kind,
            subject: subject.clone(),
            body: body.clone(),
            outcome: outcome.clone(),
            occurred_at,
            user_name: names.get(&ctx.user_id).cloned(),
        })
    })
    .await
}

pub async fn create_task(
    db: &Db,
    ctx: &RequestContext,
    about: Option<Subject>,
    input: &TaskInput,
) -> Result<TaskId, Error> {
    let title = fields::required("title", &input.title, 200)?;
    let due_on = fields::date("due_on", &input.due_on)?;
    let assignee = fields::user("assignee_id", &input.assignee_id)?.unwrap_or(ctx.user_id);
    db.tenant_tx(ctx.tenant_id, async |conn| {
        if let Some(s) = about {
            subject_name(conn, s).await?;
        }
        if !is_member(conn, assignee).await? {
            return Err(AppError::validation("assignee_id", "is not a member of this organisation").into());
        }
        let (lead_id, contact_id, account_id, opportunity_id) =
            about.map(subject_columns).unwrap_or((None, None, None, None));
        let id = TaskId(Uuid::new_v4());
        diesel::insert_into(tasks::table)
            .values(NewTask {
                tenant_id: ctx.tenant_id,
                id,
                title: &title,
                due_on,
                assignee_id: Some(assignee),
                lead_id,
                contact_id,
                account_id,
                opportunity_id,
                created_by: Some(ctx.user_id),
            })
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::TASK_CREATED)
            .target("task", id)
            .details(serde_json::json!({ "title": title, "due_on": due_on, "assignee_id": assignee, "about": about }))
            .record(conn)
            .await?;
        Ok(id)
    })
    .await
}

/// Marks a task done: its assignee, its creator, or a manager and above.
pub async fn complete_task(db: &Db, ctx: &RequestContext, id: TaskId) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        type Row = (Option<UserId>, Option<UserId>, Option<DateTime<Utc>>);
        let row: Option<Row> = tasks::table
            .filter(tasks::id.eq(id))
            .select((tasks::assignee_id, tasks::created_by, tasks::done_at))
            .for_update()
            .first(conn)
            .await
            .optional()?;
        let (assignee, creator, done) = row.ok_or_else(|| AppError::not_found("That task"))?;
        let mine = assignee == Some(ctx.user_id) || creator == Some(ctx.user_id);
        if !mine && !ctx.role.at_least(models::Role::Manager) {
            return Err(AppError::forbidden(
                "Only its assignee, its creator or a manager can close this task.",
            )
            .into());
        }
        if done.is_some() {
            return Ok(());
        }
        diesel::update(tasks::table.filter(tasks::id.eq(id)))
            .set(tasks::done_at.eq(Utc::now()))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::TASK_COMPLETED)
            .target("task", id)
            .details(serde_json::json!({ "done_at": {"from": null, "to": "now"} }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}
