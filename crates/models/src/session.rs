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
    /// Every organisation the user belongs to (this one included), for the switcher. Filled
    /// by `current_user`; empty where only the session itself was resolved.
    #[serde(default)]
    pub tenants: Vec<TenantChoice>,
}

/// An organisation the signed-in user belongs to, for the switcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantChoice {
    pub tenant_id: TenantId,
    pub name: String,
    pub role: Role,
}
