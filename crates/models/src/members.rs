//! Members of a tenant and invitations to join it.

use crate::{InvitationId, Role, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One person in the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What the inviter gets back: the invitation and its one-time link (shown once, never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    pub invitation: Invitation,
    /// Path (with the one-time token) that the invitee opens to join.
    pub accept_path: String,
}

/// What the invitee sees before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub tenant_name: String,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    /// The e-mail already has an account: accepting asks for its password instead of a new one.
    pub has_account: bool,
}
