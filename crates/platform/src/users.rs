//! People who can sign in. Users are global (one login, many tenants); a tenant sees only
//! its own members (RLS on `users`).

use crate::db::schema::users;
use crate::db::Conn;
use crate::error::{is_unique_violation, Error};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{AppError, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_platform_admin: bool,
    pub created_at: DateTime<Utc>,
    /// Set by a platform admin: the account cannot sign in anywhere.
    pub deactivated_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_platform_admin: bool,
}

pub fn email_taken() -> AppError {
    AppError::validation("email", "already has an account. Sign in instead.")
}

impl NewUser<'_> {
    /// Inserts the user; a duplicate e-mail becomes a field error rather than a database error.
    pub async fn insert(self, conn: &mut Conn) -> Result<(), Error> {
        match diesel::insert_into(users::table)
            .values(self)
            .execute(conn)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e, "users_email_key") => Err(email_taken().into()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The account with this (normalised) e-mail, if any.
pub async fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<User>, Error> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()?)
}
