//! The audit explorer: every organisation's trail and the platform's own, filtered, newest
//! first, a keyset page at a time (deep pages cost what the first does), and as CSV.

use crate::db::schema::{audit_log, tenants, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::RequestContext;
use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Timestamptz};
use diesel_async::RunQueryDsl;
use models::admin::{AuditCriteria, AuditCursor, AuditEntryView, AuditFilter, AuditPage};
use models::{TenantId, UserId};

#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct EntryRow {
    #[diesel(select_expression = audit_log::id)]
    id: i64,
    #[diesel(select_expression = audit_log::created_at)]
    created_at: DateTime<Utc>,
    #[diesel(select_expression = audit_log::tenant_id)]
    tenant_id: Option<TenantId>,
    #[diesel(select_expression = tenants::name.nullable())]
    tenant_name: Option<String>,
    #[diesel(select_expression = users::email.nullable())]
    actor_email: Option<String>,
    #[diesel(select_expression = audit_log::action)]
    action: String,
    #[diesel(select_expression = audit_log::target_type)]
    target_type: Option<String>,
    #[diesel(select_expression = audit_log::target_id)]
    target_id: Option<String>,
    #[diesel(select_expression = audit_log::details)]
    details: serde_json::Value,
    #[diesel(select_expression = audit_log::ip)]
    ip: Option<String>,
    #[diesel(select_expression = audit_log::request_id)]
    request_id: Option<String>,
}

impl EntryRow {
    fn view(self) -> AuditEntryView {
        AuditEntryView {
            id: self.id,
            created_at: self.created_at,
            tenant_id: self.tenant_id,
            tenant_name: self.tenant_name,
            actor_email: self.actor_email,
            action: self.action,
            target_type: self.target_type,
            target_id: self.target_id,
            details: self.details.to_string(),
            ip: self.ip,
            request_id: self.request_id,
        }
    }
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Up to `limit` entries matching `c` after its cursor, newest first. An actor that is
/// nobody's e-mail matches nothing.
async fn entries(
    conn: &mut Conn,
    c: &AuditCriteria,
    limit: i64,
) -> Result<Vec<AuditEntryView>, Error> {
    let actor: Option<UserId> = match &c.actor {
        None => None,
        Some(email) => match users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first(conn)
            .await
            .optional()?
        {
            Some(id) => Some(id),
            None => return Ok(Vec::new()),
        },
    };
    let mut q = audit_log::table
        .left_join(tenants::table.on(tenants::id.nullable().eq(audit_log::tenant_id)))
        .left_join(users::table.on(users::id.nullable().eq(audit_log::actor_id)))
        .select(EntryRow::as_select())
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(t) = c.tenant {
        q = q.filter(audit_log::tenant_id.eq(t));
    }
    if let Some(a) = actor {
        q = q.filter(audit_log::actor_id.eq(a));
    }
    if let Some(a) = &c.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(t) = &c.target_type {
        q = q.filter(audit_log::target_type.eq(t.clone()));
    }
    if let Some(t) = &c.target_id {
        q = q.filter(audit_log::target_id.eq(t.clone()));
    }
    if let Some(from) = c.from {
        q = q.filter(audit_log::created_at.ge(start_of(from)));
    }
    if let Some(to) = c.to.and_then(|d| d.checked_add_days(Days::new(1))) {
        q = q.filter(audit_log::created_at.lt(start_of(to)));
    }
    if let Some(cur) = c.before {
        let at = DateTime::from_timestamp_micros(cur.micros).unwrap_or_default();
        // A row comparison, so the index on (…, created_at, id) bounds the scan.
        q = q.filter(
            sql::<Bool>("(audit_log.created_at, audit_log.id) < (")
                .bind::<Timestamptz, _>(at)
                .sql(", ")
                .bind::<BigInt, _>(cur.id)
                .sql(")"),
        );
    }
    Ok(q.load::<EntryRow>(conn)
        .await?
        .into_iter()
        .map(EntryRow::view)
        .collect())
}

fn cursor_of(e: &AuditEntryView) -> AuditCursor {
    AuditCursor {
        micros: e.created_at.timestamp_micros(),
        id: e.id,
    }
}

/// One page of the explorer. Platform admins only.
pub async fn list_audit(
    db: &Db,
    ctx: &RequestContext,
    filter: &AuditFilter,
) -> Result<AuditPage, Error> {
    ctx.require_platform_admin()?;
    let criteria = filter.criteria()?;
    let page = models::admin::AUDIT_PAGE;
    db.platform_tx(async |conn| {
        let mut entries = entries(conn, &criteria, page + 1).await?;
        let more = entries.len() > usize::try_from(page).unwrap_or(usize::MAX);
        entries.truncate(usize::try_from(page).unwrap_or(usize::MAX));
        let next = more
            .then(|| entries.last().map(|e| cursor_of(e).encode()))
            .flatten();
        Ok(AuditPage { entries, next })
    })
    .await
}

/// The CSV export's header line.
pub fn audit_csv_header() -> String {
    crate::csv::csv_line(
        [
            "time",
            "organisation",
            "organisation_id",
            "actor",
            "action",
            "target_type",
            "target_id",
            "details",
            "ip",
            "request_id",
        ]
        .map(String::from),
    )
}

/// A chunk of the CSV export after `after` (each chunk its own short transaction): its
/// lines and the cursor of the next, if any. Checks the caller on every chunk.
pub async fn audit_csv_chunk(
    db: &Db,
    ctx: &RequestContext,
    criteria: &AuditCriteria,
    after: Option<AuditCursor>,
) -> Result<(String, Option<AuditCursor>), Error> {
    const CHUNK: i64 = 2000;
    ctx.require_platform_admin()?;
    let c = AuditCriteria {
        before: after.or(criteria.before),
        ..criteria.clone()
    };
    db.platform_tx(async |conn| {
        let rows = entries(conn, &c, CHUNK).await?;
        let next = (rows.len() == usize::try_from(CHUNK).unwrap_or(usize::MAX))
            .then(|| rows.last().map(cursor_of))
            .flatten();
        let mut out = String::new();
        for e in rows {
            out.push_str(&crate::csv::csv_line([
                e.created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                e.tenant_name.unwrap_or_default(),
                e.tenant_id.map(|t| t.to_string()).unwrap_or_default(),
                e.actor_email.unwrap_or_default(),
                e.action,
                e.target_type.unwrap_or_default(),
                e.target_id.unwrap_or_default(),
                e.details,
                e.ip.unwrap_or_default(),
                e.request_id.unwrap_or_default(),
            ]));
        }
        Ok((out, next))
    })
    .await
}
