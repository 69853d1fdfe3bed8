//! Organisations across the installation: list, open, create, suspend and reactivate.
//! Billing adds each one's plan (`billing::admin`); this module knows no plans.

use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, sessions, tenants, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::invitations::issue_invitation;
use crate::mail::NewEmail;
use crate::tenants::NewTenant;
use crate::RequestContext;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::admin::{AdminMember, AdminTenant, TenantState, LIST_LIMIT};
use models::members::InvitationCreated;
use models::{validate, AppError, Role, TenantId, UserId};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = tenants, check_for_backend(diesel::pg::Pg))]
struct TenantRow {
    id: TenantId,
    name: String,
    created_at: DateTime<Utc>,
    suspended_at: Option<DateTime<Utc>>,
    suspended_reason: Option<String>,
}

impl TenantRow {
    fn view(self, members: i64) -> AdminTenant {
        AdminTenant {
            id: self.id,
            name: self.name,
            created_at: self.created_at,
            members,
            suspended_at: self.suspended_at,
            suspended_reason: self.suspended_reason,
            plan: None,
            status: None,
        }
    }
}

async fn member_counts(conn: &mut Conn, ids: &[TenantId]) -> Result<HashMap<TenantId, i64>, Error> {
    let counts: Vec<(TenantId, i64)> = memberships::table
        .filter(memberships::tenant_id.eq_any(ids))
        .group_by(memberships::tenant_id)
        .select((memberships::tenant_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(counts.into_iter().collect())
}

/// Organisations, newest first: those whose name contains `search` (or whose id it is), in
/// `state` when given; at most [`LIST_LIMIT`].
pub async fn list_tenants(
    db: &Db,
    ctx: &RequestContext,
    search: &str,
    state: Option<TenantState>,
) -> Result<Vec<AdminTenant>, Error> {
    ctx.require_platform_admin()?;
    let search = search.trim().to_string();
    db.platform_tx(async |conn| {
        let mut query = tenants::table
            .select(TenantRow::as_select())
            .order((tenants::created_at.desc(), tenants::id.desc()))
            .limit(LIST_LIMIT)
            .into_boxed();
        if let Ok(id) = search.parse::<TenantId>() {
            query = query.filter(tenants::id.eq(id));
        } else if !search.is_empty() {
            query = query.filter(tenants::name.ilike(format!("%{}%", like_escape(&search))));
        }
        query = match state {
            None => query,
            Some(TenantState::Active) => query.filter(tenants::suspended_at.is_null()),
            Some(TenantState::Suspended) => query.filter(tenants::suspended_at.is_not_null()),
        };
        let rows: Vec<TenantRow> = query.load(conn).await?;
        let ids: Vec<TenantId> = rows.iter().map(|r| r.id).collect();
        let counts = member_counts(conn, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let n = counts.get(&r.id).copied().unwrap_or(0);
                r.view(n)
            })
            .collect())
    })
    .await
}

/// `%`, `_` and `\` match themselves in a search.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct MemberRow {
    #[diesel(select_expression = users::id)]
    user_id: UserId,
    #[diesel(select_expression = users::name)]
    name: String,
    #[diesel(select_expression = users::email)]
    email: String,
    #[diesel(select_expression = memberships::role)]
    role: Role,
    #[diesel(select_expression = users::deactivated_at)]
    deactivated_at: Option<DateTime<Utc>>,
}

/// One organisation and its members.
pub async fn get_tenant(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
) -> Result<(AdminTenant, Vec<AdminMember>), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let row: TenantRow = tenants::table
            .find(id)
            .select(TenantRow::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That organisation"))?;
        let members: Vec<AdminMember> = memberships::table
            .inner_join(users::table)
            .filter(memberships::tenant_id.eq(id))
            .order((users::name.asc(), users::id.asc()))
            .select(MemberRow::as_select())
            .load::<MemberRow>(conn)
            .await?
            .into_iter()
            .map(|m| AdminMember {
                user_id: m.user_id,
                name: m.name,
                email: m.email,
                role: m.role,
                deactivated: m.deactivated_at.is_some(),
            })
            .collect();
        let n = i64::try_from(members.len()).unwrap_or(i64::MAX);
        Ok((row.view(n), members))
    })
    .await
}

/// A new organisation, and an invitation for its first owner (mailed; the link is also
/// returned), in one transaction. The admin sends that invitation as the new
/// organisation's acting owner. The billing trigger starts its trial like any sign-up's.
pub async fn create_tenant(
    db: &Db,
    ctx: &RequestContext,
    name: &str,
    owner_email: &str,
    public_url: &str,
) -> Result<(TenantId, InvitationCreated), Error> {
    ctx.require_platform_admin()?;
    let name = validate::name("name", name)?;
    let owner_email = validate::email("owner_email", owner_email)?;
    let tenant = TenantId(Uuid::new_v4());
    db.platform_tx(async |conn| {
        NewTenant {
            id: tenant,
            name: &name,
        }
        .insert(conn)
        .await?;
        NewAuditEntry::new(
            tenant,
            Some(ctx.user_id),
            action::TENANT_CREATED,
            &ctx.client,
        )
        .target("tenant", tenant)
        .details(
            serde_json::json!({ "name": name, "owner_email": owner_email, "by": "platform_admin" }),
        )
        .record(conn)
        .await?;
        let acting_owner = RequestContext {
            tenant_id: tenant,
            role: Role::Owner,
            ..ctx.clone()
        };
        let invitation = issue_invitation(
            conn,
            &acting_owner,
            &owner_email,
            Role::Owner,
            public_url,
            false,
        )
        .await?;
        Ok((tenant, invitation))
    })
    .await
}

/// Suspends an organisation: its sessions end and nobody can sign in to it until it is
/// reactivated; its data, schedules and queued jobs are kept (jobs wait). Its owners are told
/// by mail. Returns how many sessions ended.
pub async fn suspend_tenant(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    reason: &str,
) -> Result<usize, Error> {
    ctx.require_platform_admin()?;
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::validation("reason", "is required: say why, for the record.").into());
    }
    if reason.chars().count() > 500 {
        return Err(AppError::validation("reason", "is longer than 500 characters.").into());
    }
    if id == ctx.tenant_id {
        return Err(AppError::validation(
            "tenant",
            "is the organisation you are signed in to: switch to another one first.",
        )
        .into());
    }
    db.platform_tx(async |conn| {
        let (name, suspended): (String, Option<DateTime<Utc>>) = tenants::table
            .find(id)
            .select((tenants::name, tenants::suspended_at))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That organisation"))?;
        if suspended.is_some() {
            return Err(AppError::conflict(format!("{name} is suspended already.")).into());
        }
        diesel::update(tenants::table.find(id))
            .set((
                tenants::suspended_at.eq(Utc::now()),
                tenants::suspended_reason.eq(&reason),
            ))
            .execute(conn)
            .await?;
        let ended = diesel::delete(sessions::table.filter(sessions::tenant_id.eq(id)))
            .execute(conn)
            .await?;
        NewAuditEntry::new(id, Some(ctx.user_id), action::TENANT_SUSPENDED, &ctx.client)
            .target("tenant", id)
            .details(serde_json::json!({ "reason": reason, "sessions_ended": ended }))
            .record(conn)
            .await?;
        for owner in owners(conn, id).await? {
            // Platform mail (no tenant): the suspended organisation's own queue waits.
            NewEmail::new(
                &owner,
                format!("{name} is suspended on Sales Hunter"),
                format!(
                    "Hello,\n\nThe organisation {name} has been suspended on Sales Hunter: nobody can sign in to it for now.\n\
                     Reason: {reason}\n\nIts data is kept. Reply to this message to have it reactivated.\n"
                ),
            )
            .enqueue(conn)
            .await?;
        }
        Ok(ended)
    })
    .await
}

/// Lets people sign in to a suspended organisation again; its waiting jobs run.
pub async fn reactivate_tenant(db: &Db, ctx: &RequestContext, id: TenantId) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let (name, suspended): (String, Option<DateTime<Utc>>) = tenants::table
            .find(id)
            .select((tenants::name, tenants::suspended_at))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That organisation"))?;
        let Some(since) = suspended else {
            return Err(AppError::conflict(format!("{name} is not suspended.")).into());
        };
        diesel::update(tenants::table.find(id))
            .set((
                tenants::suspended_at.eq(None::<DateTime<Utc>>),
                tenants::suspended_reason.eq(None::<String>),
            ))
            .execute(conn)
            .await?;
        NewAuditEntry::new(
            id,
            Some(ctx.user_id),
            action::TENANT_REACTIVATED,
            &ctx.client,
        )
        .target("tenant", id)
        .details(serde_json::json!({ "suspended_since": since }))
        .record(conn)
        .await?;
        Ok(())
    })
    .await
}

async fn owners(conn: &mut Conn, tenant: TenantId) -> Result<Vec<String>, Error> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(tenant))
        .filter(memberships::role.eq(Role::Owner))
        .filter(users::deactivated_at.is_null())
        .select(users::email)
        .load(conn)
        .await?)
}
