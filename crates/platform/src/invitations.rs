//! Invitations: an admin invites an e-mail with a role; the one-time link is mailed to the
//! address (and shown once to the inviter). It lets the invitee set a password (or confirm an
//! existing account's) and join.

use crate::audit::{action, NewAuditEntry};
use crate::auth::password::{hash_password, verify_password};
use crate::auth::session::create_session;
use crate::auth::throttle::{self, ThrottlePolicy};
use crate::auth::token::{hash_token, looks_like_token, new_token};
use crate::auth::NewSessionToken;
use crate::db::schema::{invitations, memberships, tenants, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::mail::NewEmail;
use crate::members::NewMembership;
use crate::users::{find_by_email, NewUser};
use crate::{Client, RequestContext};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::members::{Invitation, InvitationCreated, InvitationPreview};
use models::{validate, AppError, InvitationId, Role, TenantId, UserId};
use uuid::Uuid;

pub const INVITATION_TTL_DAYS: i64 = 7;
/// Invitations (and so invitation mails) one organisation may send in 24 hours.
pub const MAX_INVITATIONS_PER_DAY: i64 = 100;

#[derive(Insertable)]
#[diesel(table_name = invitations, check_for_backend(diesel::pg::Pg))]
struct NewInvitation<'a> {
    tenant_id: TenantId,
    id: InvitationId,
    email: &'a str,
    role: Role,
    token_hash: String,
    invited_by: UserId,
    expires_at: DateTime<Utc>,
}

/// Invites `email` with `role` and mails the link. An open invitation to the same address is
/// replaced, since its link cannot be shown again. The returned link is the inviter's copy.
pub async fn create_invitation(
    db: &Db,
    ctx: &RequestContext,
    email: &str,
    role: Role,
    public_url: &str,
) -> Result<InvitationCreated, Error> {
    ctx.require(Role::Admin)?;
    if role == Role::Owner {
        ctx.require(Role::Owner)
            .map_err(|_| AppError::validation("role", "only an owner can invite another owner"))?;
    }
    let email = validate::email("email", email)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        // Each invitation mails an address of the inviter's choosing: cap them per day so an
        // organisation cannot use the platform to send mail in bulk.
        let today: i64 = invitations::table
            .filter(invitations::created_at.gt(Utc::now() - Duration::hours(24)))
            .count()
            .get_result(conn)
            .await?;
        if today >= MAX_INVITATIONS_PER_DAY {
            return Err(AppError::RateLimited {
                message: format!(
                    "This organisation has sent {MAX_INVITATIONS_PER_DAY} invitations in the last 24 hours, the most allowed. Try again tomorrow."
                ),
                retry_after_secs: 3600,
            }
            .into());
        }
        let already_member: i64 = memberships::table
            .inner_join(users::table)
            .filter(users::email.eq(&email))
            .count()
            .get_result(conn)
            .await?;
        if already_member > 0 {
            return Err(AppError::validation(
                "email",
                "already belongs to a member of this organisation",
            )
            .into());
        }
        let replaced = diesel::update(
            invitations::table
                .filter(invitations::email.eq(&email))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null()),
        )
        .set(invitations::revoked_at.eq(Utc::now()))
        .execute(conn)
        .await?;

        issue_invitation(conn, ctx, &email, role, public_url, replaced > 0).await
    })
    .await
}

/// Writes the invitation, its audit entry and its mail in the caller's transaction, as
/// `ctx`'s user in `ctx`'s organisation (a platform admin creating an organisation acts as
/// its owner for the first invitation).
pub(crate) async fn issue_invitation(
    conn: &mut Conn,
    ctx: &RequestContext,
    email: &str,
    role: Role,
    public_url: &str,
    replaced: bool,
) -> Result<InvitationCreated, Error> {
    let token = new_token();
    let id = InvitationId(Uuid::new_v4());
    let expires_at = Utc::now() + Duration::days(INVITATION_TTL_DAYS);
    let created_at: DateTime<Utc> = diesel::insert_into(invitations::table)
        .values(NewInvitation {
            tenant_id: ctx.tenant_id,
            id,
            email,
            role,
            token_hash: hash_token(&token),
            invited_by: ctx.user_id,
            expires_at,
        })
        .returning(invitations::created_at)
        .get_result(conn)
        .await?;
    NewAuditEntry::by(ctx, action::INVITATION_CREATED)
        .target("invitation", id)
        .details(serde_json::json!({ "email": email, "role": role, "replaced": replaced }))
        .record(conn)
        .await?;
    let invited_by: String = users::table
        .find(ctx.user_id)
        .select(users::name)
        .first(conn)
        .await?;
    let tenant_name: String = tenants::table
        .find(ctx.tenant_id)
        .select(tenants::name)
        .first(conn)
        .await?;
    let accept_path = format!("/invite/{token}");
    NewEmail::new(
        email,
        format!("{invited_by} invited you to {tenant_name} on Sales Hunter"),
        format!(
            "Hello,\n\n{invited_by} invited you to join {tenant_name} on Sales Hunter as {}.\n\
             Open this link to accept (it works once, for {INVITATION_TTL_DAYS} days):\n\n\
             {public_url}{accept_path}\n\n\
             If you were not expecting this, ignore this message.\n",
            role.label()
        ),
    )
    .tenant(ctx.tenant_id)
    .enqueue(conn)
    .await?;
    Ok(InvitationCreated {
        invitation: Invitation {
            id,
            email: email.to_string(),
            role,
            invited_by,
            created_at,
            expires_at,
        },
        accept_path,
    })
}

/// An open invitation with its inviter's name (gone if they left).
#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations, check_for_backend(diesel::pg::Pg))]
struct InvitationRow {
    id: InvitationId,
    email: String,
    role: Role,
    #[diesel(select_expression = users::name.nullable())]
    invited_by: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Open invitations (not accepted, revoked or expired), newest first.
pub async fn list_invitations(db: &Db, ctx: &RequestContext) -> Result<Vec<Invitation>, Error> {
    ctx.require(Role::Admin)?;
    let rows: Vec<InvitationRow> = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            Ok(invitations::table
                .left_join(users::table)
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null())
                .filter(invitations::expires_at.gt(Utc::now()))
                .order(invitations::created_at.desc())
                .select(InvitationRow::as_select())
                .load(conn)
                .await?)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Invitation {
            id: r.id,
            email: r.email,
            role: r.role,
            // The inviter may have left; their name is then no longer visible here.
            invited_by: r.invited_by.unwrap_or_else(|| "a former member".into()),
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
        .collect())
}

/// Withdraws an open invitation; its link stops working.
pub async fn revoke_invitation(
    db: &Db,
    ctx: &RequestContext,
    id: InvitationId,
) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let email: Option<String> = diesel::update(
            invitations::table
                .filter(invitations::id.eq(id))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null()),
        )
        .set(invitations::revoked_at.eq(Utc::now()))
        .returning(invitations::email)
        .get_result(conn)
        .await
        .optional()?;
        let email = email.ok_or_else(|| AppError::not_found("That open invitation"))?;
        NewAuditEntry::by(ctx, action::INVITATION_REVOKED)
            .target("invitation", id)
            .details(serde_json::json!({ "email": email }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations, check_for_backend(diesel::pg::Pg))]
struct OpenInvitation {
    tenant_id: TenantId,
    id: InvitationId,
    email: String,
    role: Role,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    #[diesel(select_expression = tenants::name)]
    tenant_name: String,
    #[diesel(select_expression = users::name)]
    invited_by: String,
}

/// Finds the invitation behind `token` and checks that it can still be used.
async fn open_invitation(
    conn: &mut Conn,
    token: &str,
    lock: bool,
) -> Result<OpenInvitation, Error> {
    let missing = || AppError::not_found("This invitation");
    if !looks_like_token(token) {
        return Err(missing().into());
    }
    let query = invitations::table
        .inner_join(tenants::table)
        .inner_join(users::table)
        .filter(invitations::token_hash.eq(hash_token(token)))
        .select(OpenInvitation::as_select());
    let inv: Option<OpenInvitation> = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    let inv = inv.ok_or_else(missing)?;
    if inv.accepted_at.is_some() {
        return Err(
            AppError::conflict("This invitation has already been used. Sign in instead.").into(),
        );
    }
    if inv.revoked_at.is_some() {
        return Err(AppError::conflict("This invitation was withdrawn. Ask for a new one.").into());
    }
    if inv.expires_at <= Utc::now() {
        return Err(AppError::conflict("This invitation has expired. Ask for a new one.").into());
    }
    Ok(inv)
}

/// What the invitee sees before accepting.
pub async fn preview_invitation(db: &Db, token: &str) -> Result<InvitationPreview, Error> {
    db.platform_tx(async |conn| {
        let inv = open_invitation(conn, token, false).await?;
        let has_account = find_by_email(conn, &inv.email).await?.is_some();
        Ok(InvitationPreview {
            tenant_name: inv.tenant_name,
            email: inv.email,
            role: inv.role,
            invited_by: inv.invited_by,
            has_account,
        })
    })
    .await
}

#[derive(Debug, Clone)]
pub struct AcceptInvitation {
    pub token: String,
    /// For a new account; ignored when the e-mail already has one.
    pub name: String,
    /// A new password, or the existing account's password.
    pub password: String,
}

/// Joins the tenant: creates the account (or checks the existing account's password), adds
/// the membership, uses up the invitation and opens a session, all in one transaction.
pub async fn accept_invitation(
    db: &Db,
    input: AcceptInvitation,
    client: &Client,
    policy: &ThrottlePolicy,
    ttl: Duration,
) -> Result<NewSessionToken, Error> {
    // Failed password checks must commit (for the throttle), so the outcome travels in Ok.
    let outcome: Result<NewSessionToken, AppError> = db
        .platform_tx(async |conn| {
            let inv = open_invitation(conn, &input.token, true).await?;
            let user_id = match find_by_email(conn, &inv.email).await? {
                Some(user) => {
                    throttle::check(conn, policy, &inv.email, &client.ip).await?;
                    let ok = verify_password(input.password, Some(user.password_hash)).await?;
                    throttle::record(conn, &inv.email, &client.ip, ok).await?;
                    if !ok {
                        return Ok(Err(AppError::validation(
                            "password",
                            "is not the password of your existing account",
                        )));
                    }
                    user.id
                }
                None => {
                    let name = validate::name("name", &input.name)?;
                    let password = validate::new_password("password", &input.password)?;
                    let password_hash = hash_password(password).await?;
                    let id = UserId(Uuid::new_v4());
                    NewUser {
                        id,
                        email: &inv.email,
                        name: &name,
                        password_hash: &password_hash,
                        is_platform_admin: false,
                    }
                    .insert(conn)
                    .await?;
                    id
                }
            };
            NewMembership {
                tenant_id: inv.tenant_id,
                user_id,
                role: inv.role,
            }
            .insert(conn)
            .await?;
            diesel::update(
                invitations::table
                    .filter(invitations::tenant_id.eq(inv.tenant_id))
                    .filter(invitations::id.eq(inv.id)),
            )
            .set(invitations::accepted_at.eq(Utc::now()))
            .execute(conn)
            .await?;
            let session = create_session(conn, inv.tenant_id, user_id, client, ttl).await?;
            NewAuditEntry::new(
                inv.tenant_id,
                Some(user_id),
                action::INVITATION_ACCEPTED,
                client,
            )
            .target("invitation", inv.id)
            .details(serde_json::json!({ "email": inv.email, "role": inv.role }))
            .record(conn)
            .await?;
            Ok(Ok(session))
        })
        .await?;
    Ok(outcome?)
}
