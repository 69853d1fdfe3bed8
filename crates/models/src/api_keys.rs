//! API keys: how a tenant's own tools call `/api/v1` (and a platform admin's call
//! `/api/admin/v1`). The key acts as the member who made it, with their current role.

use crate::sales::str_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

str_enum!(
    /// What a key may do: `read` answers GET only; `write` may also create, edit and delete
    /// (within its member's role).
    ApiKeyScope {
        Read => "read", "Read only";
        Write => "write", "Read and write";
    }
);

/// The settings page's segment and path.
pub const SEGMENT: &str = "api-keys";
pub const PATH: &str = "/settings/api-keys";
/// The OpenAPI document, served to anyone.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// Every key starts so, which lets secret scanners and people recognise one.
pub const KEY_PREFIX: &str = "shk_";
/// Requests a minute a key may make unless set otherwise.
pub const DEFAULT_RATE_PER_MINUTE: i32 = 600;
/// The most a key may be set to.
pub const MAX_RATE_PER_MINUTE: i32 = 100_000;

/// A key as its list shows it; the secret is never shown again after creation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    /// The key's first characters (`shk_1a2b3c4d`), to tell keys apart.
    pub prefix: String,
    pub scope: ApiKeyScope,
    pub rate_per_minute: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key just made: the secret, shown this once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    pub secret: String,
}
