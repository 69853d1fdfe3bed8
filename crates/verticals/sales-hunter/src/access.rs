//! Who may change what: reps see the tenant's records and edit their own; managers, admins
//! and owners edit all.

use models::{AppError, Role, UserId};
use platform::db::Conn;
use platform::members::is_member;
use platform::{Error, RequestContext};

/// Managers and above edit every record; a rep only those they own.
pub fn ensure_can_edit(
    ctx: &RequestContext,
    owner: Option<UserId>,
    what: &str,
) -> Result<(), AppError> {
    if ctx.role.at_least(Role::Manager) || owner == Some(ctx.user_id) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "Reps can change only their own {what}; this one belongs to someone else."
        )))
    }
}

/// Whom a record may be assigned to by this user: reps keep what they create.
pub fn ensure_can_assign(ctx: &RequestContext, owner: Option<UserId>) -> Result<(), AppError> {
    if ctx.role.at_least(Role::Manager) || owner == Some(ctx.user_id) {
        Ok(())
    } else {
        Err(AppError::validation(
            "owner_id",
            "reps can assign records only to themselves",
        ))
    }
}

/// Refuses an owner who is not a member of the transaction's tenant.
pub async fn ensure_owner_is_member(conn: &mut Conn, owner: Option<UserId>) -> Result<(), Error> {
    if let Some(o) = owner {
        if !is_member(conn, o).await? {
            return Err(
                AppError::validation("owner_id", "is not a member of this organisation").into(),
            );
        }
    }
    Ok(())
}
