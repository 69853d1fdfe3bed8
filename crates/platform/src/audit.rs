//! The audit trail: one row per security-relevant change, written in the same transaction as
//! the change so that neither exists without the other.

use crate::db::{schema::audit_log, Conn};
use crate::error::Error;
use crate::{Client, RequestContext};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{TenantId, UserId};

#[derive(Insertable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct NewAuditEntry {
    /// None: a platform-wide entry (a platform admin's action on a person).
    pub tenant_id: Option<TenantId>,
    pub actor_id: Option<UserId>,
    pub action: &'static str,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl NewAuditEntry {
    pub fn new(
        tenant_id: TenantId,
        actor_id: Option<UserId>,
        action: &'static str,
        client: &Client,
    ) -> Self {
        NewAuditEntry {
            tenant_id: Some(tenant_id),
            actor_id,
            action,
            target_type: None,
            target_id: None,
            details: serde_json::Value::Object(Default::default()),
            ip: (!client.ip.is_empty()).then(|| client.ip.clone()),
            request_id: client.request_id.clone(),
        }
    }

    /// An entry for something a platform admin did to no one organisation (a person's
    /// account, platform admin rights). Only the platform role can write it.
    pub fn platform(ctx: &RequestContext, action: &'static str) -> Self {
        NewAuditEntry {
            tenant_id: None,
            ..Self::by(ctx, action)
        }
    }

    /// An entry for something the signed-in user of `ctx` did in their tenant.
    pub fn by(ctx: &RequestContext, action: &'static str) -> Self {
        Self::new(ctx.tenant_id, Some(ctx.user_id), action, &ctx.client)
    }

    pub fn target(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.target_type = Some(kind);
        self.target_id = Some(id.to_string());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// Writes many entries in one statement (a bulk action's one row per record).
    pub async fn record_all(entries: &[NewAuditEntry], conn: &mut Conn) -> Result<(), Error> {
        if !entries.is_empty() {
            diesel::insert_into(audit_log::table)
                .values(entries)
                .execute(conn)
                .await?;
        }
        Ok(())
    }

    pub async fn record(self, conn: &mut Conn) -> Result<(), Error> {
        diesel::insert_into(audit_log::table)
            .values(&self)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// Audit actions, named `noun.verb` so they group when sorted.
pub mod action {
    pub const SIGNED_UP: &str = "auth.signed_up";
    pub const SIGNED_IN: &str = "auth.signed_in";
    pub const SIGNED_OUT: &str = "auth.signed_out";
    pub const TENANT_SWITCHED: &str = "auth.tenant_switched";
    pub const PASSWORD_RESET: &str = "auth.password_reset";
    pub const INVITATION_CREATED: &str = "invitation.created";
    pub const INVITATION_REVOKED: &str = "invitation.revoked";
    pub const INVITATION_ACCEPTED: &str = "invitation.accepted";
    pub const MEMBER_ROLE_CHANGED: &str = "member.role_changed";
    pub const MEMBER_REMOVED: &str = "member.removed";
    pub const TENANT_CREATED: &str = "tenant.created";
    pub const TENANT_SUSPENDED: &str = "tenant.suspended";
    pub const TENANT_REACTIVATED: &str = "tenant.reactivated";
    pub const USER_DEACTIVATED: &str = "user.deactivated";
    pub const USER_REACTIVATED: &str = "user.reactivated";
    pub const USER_RESET_SENT: &str = "user.password_reset_sent";
    pub const PLATFORM_ADMIN_GRANTED: &str = "user.platform_admin_granted";
    pub const PLATFORM_ADMIN_REVOKED: &str = "user.platform_admin_revoked";
    pub const API_KEY_CREATED: &str = "api_key.created";
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
}

/// The fields that differ between two versions of a record, as
/// `{"field": {"from": …, "to": …}}`, for an audit entry's details. Both are serialised to
/// JSON objects; fields in `skip` (timestamps the change itself moves) are left out.
pub fn changes<T: serde::Serialize>(before: &T, after: &T, skip: &[&str]) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return json!({});
    };
    let mut out = Map::new();
    for (key, to) in &b {
        let from = a.get(key).unwrap_or(&Value::Null);
        if from != to && !skip.contains(&key.as_str()) {
            out.insert(key.clone(), json!({ "from": from, "to": to }));
        }
    }
    Value::Object(out)
}

/// A whole record as it was, for the audit entry of its deletion.
pub fn snapshot<T: serde::Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::changes;
    use serde_json::json;

    #[test]
    fn changes_lists_only_what_moved() {
        let a = json!({"name": "Ada", "status": "new", "updated_at": 1});
        let b = json!({"name": "Ada", "status": "working", "updated_at": 2});
        assert_eq!(
            changes(&a, &b, &["updated_at"]),
            json!({"status": {"from": "new", "to": "working"}})
        );
    }
}
