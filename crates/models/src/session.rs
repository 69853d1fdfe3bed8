//! Who is signed in, as the pages see it.

use crate::{Role, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in user in the tenant of this session. Holds no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub role: Role,
    /// Operators of this installation: may open the admin console.
    pub is_platform_admin: bool,
}
