//! Members of a tenant: list, change a role, remove.
//!
//! Admins manage members; only owners may grant, change or remove the owner role, and the
//! last owner can neither be demoted nor removed, so a tenant always has someone in charge.

use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::RequestContext;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::members::Member;
use models::{AppError, Role, TenantId, UserId};

#[derive(Insertable)]
#[diesel(table_name = memberships, check_for_backend(diesel::pg::Pg))]
pub struct NewMembership {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub role: Role,
}

impl NewMembership {
    /// Adds the membership; an existing one is left as it is.
    pub async fn insert(self, conn: &mut Conn) -> Result<(), Error> {
        diesel::insert_into(memberships::table)
            .values(self)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// A membership with its user's name and e-mail.
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
    #[diesel(select_expression = memberships::created_at)]
    joined_at: DateTime<Utc>,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Member {
        Member {
            user_id: r.user_id,
            name: r.name,
            email: r.email,
            role: r.role,
            joined_at: r.joined_at,
        }
    }
}

async fn load_member(conn: &mut Conn, user: UserId, lock: bool) -> Result<Member, Error> {
    if lock {
        // Lock the membership alone: the tenant role may read users but not lock them.
        memberships::table
            .filter(memberships::user_id.eq(user))
            .select(memberships::user_id)
            .for_update()
            .first::<UserId>(conn)
            .await
            .optional()?;
    }
    let row: Option<MemberRow> = memberships::table
        .inner_join(users::table)
        .filter(memberships::user_id.eq(user))
        .select(MemberRow::as_select())
        .first(conn)
        .await
        .optional()?;
    Ok(row
        .ok_or_else(|| AppError::not_found("That member"))?
        .into())
}

/// The names of the tenant's members by id: records carry an owner id, pages show a name.
pub async fn member_names(
    conn: &mut Conn,
) -> Result<std::collections::HashMap<UserId, String>, Error> {
    let rows: Vec<(UserId, String)> = memberships::table
        .inner_join(users::table)
        .select((users::id, users::name))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// True when `user` is a member of the current tenant (the transaction's).
pub async fn is_member(conn: &mut Conn, user: UserId) -> Result<bool, Error> {
    let n: i64 = memberships::table
        .filter(memberships::user_id.eq(user))
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}

/// Everyone in the tenant, owners first, then by name. Any role may look.
/// The member a background job acts for, with their role now (a role lowered since the job
/// was queued is the one that counts); `None` once they have left the tenant.
pub async fn acting_member(
    conn: &mut Conn,
    tenant_id: TenantId,
    user: UserId,
    job_id: i64,
) -> Result<Option<RequestContext>, Error> {
    let role: Option<Role> = memberships::table
        .filter(memberships::user_id.eq(user))
        .select(memberships::role)
        .first(conn)
        .await
        .optional()?;
    Ok(role.map(|role| RequestContext {
        tenant_id,
        user_id: user,
        role,
        is_platform_admin: false,
        client: crate::Client::job(job_id),
    }))
}

pub async fn list_members(db: &Db, ctx: &RequestContext) -> Result<Vec<Member>, Error> {
    let rows: Vec<MemberRow> = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            Ok(memberships::table
                .inner_join(users::table)
                .select(MemberRow::as_select())
                .load(conn)
                .await?)
        })
        .await?;
    let mut members: Vec<Member> = rows.into_iter().map(Member::from).collect();
    members.sort_by(|a, b| {
        b.role
            .rank()
            .cmp(&a.role.rank())
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(members)
}

fn owner_only() -> AppError {
    AppError::forbidden("Only an owner can grant, change or remove the owner role.")
}

/// Refuses when demoting or removing `member` would leave the tenant without an owner.
async fn ensure_another_owner(conn: &mut Conn, member: &Member) -> Result<(), Error> {
    if member.role != Role::Owner {
        return Ok(());
    }
    // Lock every owner row so two owners cannot demote each other at the same moment.
    let owners: Vec<UserId> = memberships::table
        .filter(memberships::role.eq(Role::Owner))
        .select(memberships::user_id)
        .for_update()
        .load(conn)
        .await?;
    if owners.len() <= 1 {
        return Err(AppError::conflict(format!(
            "{} is the only owner. Make someone else an owner first.",
            member.name
        ))
        .into());
    }
    Ok(())
}

/// Gives `user` a new role. Returns the member as now stored.
pub async fn change_member_role(
    db: &Db,
    ctx: &RequestContext,
    user: UserId,
    role: Role,
) -> Result<Member, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let member = load_member(conn, user, true).await?;
        if member.role == role {
            return Ok(member);
        }
        if member.role == Role::Owner || role == Role::Owner {
            ctx.require(Role::Owner).map_err(|_| owner_only())?;
        }
        ensure_another_owner(conn, &member).await?;
        diesel::update(memberships::table.filter(memberships::user_id.eq(user)))
            .set(memberships::role.eq(role))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, action::MEMBER_ROLE_CHANGED)
            .target("user", user)
            .details(serde_json::json!({ "email": member.email, "from": member.role, "to": role }))
            .record(conn)
            .await?;
        Ok(Member { role, ..member })
    })
    .await
}

/// Removes `user` from the tenant; their sessions in it end with the membership.
pub async fn remove_member(db: &Db, ctx: &RequestContext, user: UserId) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    if user == ctx.user_id {
        return Err(
            AppError::conflict("You cannot remove yourself. Ask another admin or owner.").into(),
        );
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let member = load_member(conn, user, true).await?;
        if member.role == Role::Owner {
            ctx.require(Role::Owner).map_err(|_| owner_only())?;
        }
        ensure_another_owner(conn, &member).await?;
        diesel::delete(memberships::table.filter(memberships::user_id.eq(user)))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, action::MEMBER_REMOVED)
            .target("user", user)
            .details(serde_json::json!({ "email": member.email, "role": member.role }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}
