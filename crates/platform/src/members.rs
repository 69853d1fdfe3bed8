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
use models::{AppError, Role, UserId};
use uuid::Uuid;

type MemberRow = (Uuid, String, String, String, DateTime<Utc>);

/// Memberships with their users' names and e-mails, as [`MemberRow`]s.
#[diesel::dsl::auto_type(no_type_alias)]
fn members_with_users() -> _ {
    memberships::table.inner_join(users::table).select((
        users::id,
        users::name,
        users::email,
        memberships::role,
        memberships::created_at,
    ))
}

fn to_member((user_id, name, email, role, joined_at): MemberRow) -> Result<Member, Error> {
    let role = Role::parse(&role)
        .ok_or_else(|| Error::Task(format!("unknown role {role:?} in memberships")))?;
    Ok(Member {
        user_id: UserId(user_id),
        name,
        email,
        role,
        joined_at,
    })
}

async fn load_member(conn: &mut Conn, user: Uuid, lock: bool) -> Result<Member, Error> {
    if lock {
        // Lock the membership alone: the tenant role may read users but not lock them.
        memberships::table
            .filter(memberships::user_id.eq(user))
            .select(memberships::user_id)
            .for_update()
            .first::<Uuid>(conn)
            .await
            .optional()?;
    }
    let row: Option<MemberRow> = members_with_users()
        .filter(memberships::user_id.eq(user))
        .first(conn)
        .await
        .optional()?;
    to_member(row.ok_or_else(|| AppError::not_found("That member"))?)
}

/// Everyone in the tenant, owners first, then by name. Any role may look.
pub async fn list_members(db: &Db, ctx: &RequestContext) -> Result<Vec<Member>, Error> {
    let mut members = db
        .tenant_tx(ctx.tenant_id, |conn| {
            Box::pin(async move {
                let rows: Vec<MemberRow> = members_with_users().load(conn).await?;
                rows.into_iter()
                    .map(to_member)
                    .collect::<Result<Vec<_>, _>>()
            })
        })
        .await?;
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
    let owners: Vec<Uuid> = memberships::table
        .filter(memberships::role.eq(Role::Owner.as_str()))
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
    let ctx = ctx.clone();
    db.tenant_tx(ctx.tenant_id, |conn| {
        Box::pin(async move {
            let member = load_member(conn, user.0, true).await?;
            if member.role == role {
                return Ok(member);
            }
            if member.role == Role::Owner || role == Role::Owner {
                ctx.require(Role::Owner).map_err(|_| owner_only())?;
            }
            ensure_another_owner(conn, &member).await?;
            diesel::update(memberships::table.filter(memberships::user_id.eq(user.0)))
                .set(memberships::role.eq(role.as_str()))
                .execute(conn)
                .await?;
            NewAuditEntry::new(
                ctx.tenant_id.0,
                Some(ctx.user_id.0),
                action::MEMBER_ROLE_CHANGED,
                &ctx.client,
            )
            .target("user", user)
            .details(serde_json::json!({ "email": member.email, "from": member.role, "to": role }))
            .record(conn)
            .await?;
            Ok(Member { role, ..member })
        })
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
    let ctx = ctx.clone();
    db.tenant_tx(ctx.tenant_id, |conn| {
        Box::pin(async move {
            let member = load_member(conn, user.0, true).await?;
            if member.role == Role::Owner {
                ctx.require(Role::Owner).map_err(|_| owner_only())?;
            }
            ensure_another_owner(conn, &member).await?;
            diesel::delete(memberships::table.filter(memberships::user_id.eq(user.0)))
                .execute(conn)
                .await?;
            NewAuditEntry::new(
                ctx.tenant_id.0,
                Some(ctx.user_id.0),
                action::MEMBER_REMOVED,
                &ctx.client,
            )
            .target("user", user)
            .details(serde_json::json!({ "email": member.email, "role": member.role }))
            .record(conn)
            .await?;
            Ok(())
        })
    })
    .await
}
