//! Who is acting, for which tenant, from where: built by the server for every request.

use models::{AppError, Role, TenantId, UserId};

/// Where a request came from; recorded on audit entries and sessions.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl Client {
    /// A background job acting for a member: no address; the job stands in for the request.
    pub fn job(id: i64) -> Client {
        Client {
            ip: String::new(),
            user_agent: None,
            request_id: Some(format!("job-{id}")),
        }
    }
}

/// A signed-in user acting in one tenant.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub role: Role,
    pub is_platform_admin: bool,
    pub client: Client,
}

impl RequestContext {
    /// Refuses with `Forbidden` unless the user's role is at least `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AppError> {
        if self.role.at_least(needed) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "This needs the {} role or higher; you are a {}.",
                needed.label(),
                self.role.label()
            )))
        }
    }

    /// Refuses with `Forbidden` unless the user operates this installation (the admin
    /// console: the job queue, the mailbox, and every tenant's data).
    pub fn require_platform_admin(&self) -> Result<(), AppError> {
        if self.is_platform_admin {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "This is only for platform admins, who operate this installation.",
            ))
        }
    }
}
