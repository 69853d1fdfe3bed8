//! Invitations: an admin invites an e-mail with a role; the one-time link lets the invitee
//! set a password (or confirm an existing account's) and join.

use crate::audit::{action, NewAuditEntry};
use crate::auth::password::{hash_password, verify_password};
use crate::auth::session::create_session;
use crate::auth::sign_up::{insert_user, NewMembership, NewUser};
use crate::auth::throttle::{self, ThrottlePolicy};
use crate::auth::token::{hash_token, looks_like_token, new_token};
use crate::auth::NewSessionToken;
use crate::db::schema::{invitations, memberships, tenants, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::{Client, RequestContext};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::members::{Invitation, InvitationCreated, InvitationPreview};
use models::{validate, AppError, InvitationId, Role};
use uuid::Uuid;

pub const INVITATION_TTL_DAYS: i64 = 7;

#[derive(Insertable)]
#[diesel(table_name = invitations)]
struct NewInvitation<'a> {
    tenant_id: Uuid,
    id: Uuid,
    email: &'a str,
    role: &'a str,
    token_hash: String,
    invited_by: Uuid,
    expires_at: DateTime<Utc>,
}

fn parse_role(role: &str) -> Result<Role, Error> {
    Role::parse(role).ok_or_else(|| Error::Task(format!("unknown role {role:?} in invitations")))
}

/// Invites `email` with `role`. An open invitation to the same address is replaced, since
/// its link cannot be shown again. The returned link is the only copy of the token.
pub async fn create_invitation(
    db: &Db,
    ctx: &RequestContext,
    email: &str,
    role: Role,
) -> Result<InvitationCreated, Error> {
    ctx.require(Role::Admin)?;
    if role == Role::Owner {
        ctx.require(Role::Owner)
            .map_err(|_| AppError::validation("role", "only an owner can invite another owner"))?;
    }
    let email = validate::email("email", email)?;
    let ctx = ctx.clone();
    db.tenant_tx(ctx.tenant_id, |conn| {
        Box::pin(async move {
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

            let token = new_token();
            let id = Uuid::new_v4();
            let expires_at = Utc::now() + Duration::days(INVITATION_TTL_DAYS);
            let created_at: DateTime<Utc> = diesel::insert_into(invitations::table)
                .values(NewInvitation {
                    tenant_id: ctx.tenant_id.0,
                    id,
                    email: &email,
                    role: role.as_str(),
                    token_hash: hash_token(&token),
                    invited_by: ctx.user_id.0,
                    expires_at,
                })
                .returning(invitations::created_at)
                .get_result(conn)
                .await?;
            NewAuditEntry::new(
                ctx.tenant_id.0,
                Some(ctx.user_id.0),
                action::INVITATION_CREATED,
                &ctx.client,
            )
            .target("invitation", id)
            .details(serde_json::json!({ "email": email, "role": role, "replaced": replaced > 0 }))
            .record(conn)
            .await?;
            let invited_by: String = users::table
                .find(ctx.user_id.0)
                .select(users::name)
                .first(conn)
                .await?;
            Ok(InvitationCreated {
                invitation: Invitation {
                    id: InvitationId(id),
                    email,
                    role,
                    invited_by,
                    created_at,
                    expires_at,
                },
                accept_path: format!("/invite/{token}"),
            })
        })
    })
    .await
}

/// id, email, role, inviter's name (gone if they left), created, expires.
type InvitationRow = (
    Uuid,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
);

/// Open invitations (not accepted, revoked or expired), newest first.
pub async fn list_invitations(db: &Db, ctx: &RequestContext) -> Result<Vec<Invitation>, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, |conn| {
        Box::pin(async move {
            let rows: Vec<InvitationRow> = invitations::table
                .left_join(users::table)
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null())
                .filter(invitations::expires_at.gt(Utc::now()))
                .order(invitations::created_at.desc())
                .select((
                    invitations::id,
                    invitations::email,
                    invitations::role,
                    users::name.nullable(),
                    invitations::created_at,
                    invitations::expires_at,
                ))
                .load(conn)
                .await?;
            rows.into_iter()
                .map(|(id, email, role, invited_by, created_at, expires_at)| {
                    Ok(Invitation {
                        id: InvitationId(id),
                        email,
                        role: parse_role(&role)?,
                        // The inviter may have left; their name is then no longer visible here.
                        invited_by: invited_by.unwrap_or_else(|| "a former member".into()),
                        created_at,
                        expires_at,
                    })
                })
                .collect()
        })
    })
    .await
}

/// Withdraws an open invitation; its link stops working.
pub async fn revoke_invitation(
    db: &Db,
    ctx: &RequestContext,
    id: InvitationId,
) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    let ctx = ctx.clone();
    db.tenant_tx(ctx.tenant_id, |conn| {
        Box::pin(async move {
            let email: Option<String> = diesel::update(
                invitations::table
                    .filter(invitations::id.eq(id.0))
                    .filter(invitations::accepted_at.is_null())
                    .filter(invitations::revoked_at.is_null()),
            )
            .set(invitations::revoked_at.eq(Utc::now()))
            .returning(invitations::email)
            .get_result(conn)
            .await
            .optional()?;
            let email = email.ok_or_else(|| AppError::not_found("That open invitation"))?;
            NewAuditEntry::new(
                ctx.tenant_id.0,
                Some(ctx.user_id.0),
                action::INVITATION_REVOKED,
                &ctx.client,
            )
            .target("invitation", id)
            .details(serde_json::json!({ "email": email }))
            .record(conn)
            .await?;
            Ok(())
        })
    })
    .await
}

struct OpenInvitation {
    tenant_id: Uuid,
    id: Uuid,
    email: String,
    role: Role,
    tenant_name: String,
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
    type Row = (
        Uuid,
        Uuid,
        String,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        String,
        String,
    );
    let query = invitations::table
        .inner_join(tenants::table)
        .inner_join(users::table)
        .filter(invitations::token_hash.eq(hash_token(token)))
        .select((
            invitations::tenant_id,
            invitations::id,
            invitations::email,
            invitations::role,
            invitations::expires_at,
            invitations::accepted_at,
            invitations::revoked_at,
            tenants::name,
            users::name,
        ));
    let row: Option<Row> = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    let (tenant_id, id, email, role, expires_at, accepted_at, revoked_at, tenant_name, invited_by) =
        row.ok_or_else(missing)?;
    if accepted_at.is_some() {
        return Err(
            AppError::conflict("This invitation has already been used. Sign in instead.").into(),
        );
    }
    if revoked_at.is_some() {
        return Err(AppError::conflict("This invitation was withdrawn. Ask for a new one.").into());
    }
    if expires_at <= Utc::now() {
        return Err(AppError::conflict("This invitation has expired. Ask for a new one.").into());
    }
    Ok(OpenInvitation {
        tenant_id,
        id,
        email,
        role: parse_role(&role)?,
        tenant_name,
        invited_by,
    })
}

async fn user_by_email(conn: &mut Conn, email: &str) -> Result<Option<(Uuid, String)>, Error> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select((users::id, users::password_hash))
        .first(conn)
        .await
        .optional()?)
}

/// What the invitee sees before accepting.
pub async fn preview_invitation(db: &Db, token: &str) -> Result<InvitationPreview, Error> {
    let token = token.to_string();
    db.system_tx(|conn| {
        Box::pin(async move {
            let inv = open_invitation(conn, &token, false).await?;
            let has_account = user_by_email(conn, &inv.email).await?.is_some();
            Ok(InvitationPreview {
                tenant_name: inv.tenant_name,
                email: inv.email,
                role: inv.role,
                invited_by: inv.invited_by,
                has_account,
            })
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
    let client = client.clone();
    let policy = *policy;
    // Failed password checks must commit (for the throttle), so the outcome travels in Ok.
    let outcome: Result<NewSessionToken, AppError> = db
        .system_tx(|conn| {
            Box::pin(async move {
                let inv = open_invitation(conn, &input.token, true).await?;
                let user_id = match user_by_email(conn, &inv.email).await? {
                    Some((id, hash)) => {
                        throttle::check(conn, &policy, &inv.email, &client.ip).await?;
                        let ok = verify_password(input.password, Some(hash)).await?;
                        throttle::record(conn, &inv.email, &client.ip, ok).await?;
                        if !ok {
                            return Ok(Err(AppError::validation(
                                "password",
                                "is not the password of your existing account",
                            )));
                        }
                        id
                    }
                    None => {
                        let name = validate::name("name", &input.name)?;
                        let password = validate::new_password("password", &input.password)?;
                        let password_hash = hash_password(password).await?;
                        let id = Uuid::new_v4();
                        insert_user(
                            conn,
                            NewUser {
                                id,
                                email: &inv.email,
                                name: &name,
                                password_hash: &password_hash,
                                is_platform_admin: false,
                            },
                        )
                        .await?;
                        id
                    }
                };
                diesel::insert_into(memberships::table)
                    .values(NewMembership {
                        tenant_id: inv.tenant_id,
                        user_id,
                        role: inv.role.as_str(),
                    })
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
                diesel::update(
                    invitations::table
                        .filter(invitations::tenant_id.eq(inv.tenant_id))
                        .filter(invitations::id.eq(inv.id)),
                )
                .set(invitations::accepted_at.eq(Utc::now()))
                .execute(conn)
                .await?;
                let session = create_session(conn, inv.tenant_id, user_id, &client, ttl).await?;
                NewAuditEntry::new(
                    inv.tenant_id,
                    Some(user_id),
                    action::INVITATION_ACCEPTED,
                    &client,
                )
                .target("invitation", inv.id)
                .details(serde_json::json!({ "email": inv.email, "role": inv.role }))
                .record(conn)
                .await?;
                Ok(Ok(session))
            })
        })
        .await?;
    Ok(outcome?)
}
