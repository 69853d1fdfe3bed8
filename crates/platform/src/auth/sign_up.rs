//! Sign-up: a new organisation (tenant) with its first owner.

use super::password::hash_password;
use super::session::create_session;
use super::NewSessionToken;
use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, tenants, users};
use crate::db::{Conn, Db};
use crate::error::{is_unique_violation, Error};
use crate::Client;
use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{validate, AppError, Role};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
    pub organisation: String,
}

#[derive(Insertable)]
#[diesel(table_name = tenants)]
pub(crate) struct NewTenant<'a> {
    pub id: Uuid,
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub(crate) struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_platform_admin: bool,
}

#[derive(Insertable)]
#[diesel(table_name = memberships)]
pub(crate) struct NewMembership<'a> {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub role: &'a str,
}

pub(crate) fn email_taken() -> AppError {
    AppError::validation("email", "already has an account. Sign in instead.")
}

/// Inserts a user; a duplicate e-mail becomes a field error rather than a database error.
pub(crate) async fn insert_user(conn: &mut Conn, user: NewUser<'_>) -> Result<(), Error> {
    match diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e, "users_email_key") => Err(email_taken().into()),
        Err(e) => Err(e.into()),
    }
}

/// Creates the tenant, its owner and a session, all or nothing.
pub async fn sign_up(
    db: &Db,
    input: SignUp,
    client: &Client,
    ttl: Duration,
) -> Result<NewSessionToken, Error> {
    let name = validate::name("name", &input.name)?;
    let email = validate::email("email", &input.email)?;
    let password = validate::new_password("password", &input.password)?;
    let organisation = validate::name("organisation", &input.organisation)?;
    let password_hash = hash_password(password).await?;
    let client = client.clone();
    db.system_tx(|conn| {
        Box::pin(async move {
            let tenant = Uuid::new_v4();
            let user = Uuid::new_v4();
            diesel::insert_into(tenants::table)
                .values(NewTenant {
                    id: tenant,
                    name: &organisation,
                })
                .execute(conn)
                .await?;
            insert_user(
                conn,
                NewUser {
                    id: user,
                    email: &email,
                    name: &name,
                    password_hash: &password_hash,
                    is_platform_admin: false,
                },
            )
            .await?;
            diesel::insert_into(memberships::table)
                .values(NewMembership {
                    tenant_id: tenant,
                    user_id: user,
                    role: Role::Owner.as_str(),
                })
                .execute(conn)
                .await?;
            let session = create_session(conn, tenant, user, &client, ttl).await?;
            NewAuditEntry::new(tenant, Some(user), action::SIGNED_UP, &client)
                .target("tenant", tenant)
                .details(serde_json::json!({ "organisation": organisation }))
                .record(conn)
                .await?;
            Ok(session)
        })
    })
    .await
}
