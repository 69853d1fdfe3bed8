//! API keys: made by a tenant's admins, shown once and stored as their SHA-256, resolved on
//! each API request the way a session cookie is (the member's current role, nothing for a
//! suspended organisation, a deactivated person or a removed member).

use crate::audit::{action, NewAuditEntry};
use crate::auth::token::{hash_token, new_token};
use crate::db::schema::{api_keys, memberships, tenants, users};
use crate::db::Db;
use crate::error::Error;
use crate::members::member_names;
use crate::{Client, RequestContext};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::api_keys::{
    ApiKeyScope, ApiKeyView, CreatedApiKey, DEFAULT_RATE_PER_MINUTE, KEY_PREFIX,
    MAX_RATE_PER_MINUTE,
};
use models::{AppError, Role, TenantId, UserId};
use uuid::Uuid;

/// How many characters of a key are kept in the clear: `shk_` and eight hex digits.
const SHOWN: usize = KEY_PREFIX.len() + 8;

/// Who calls with a key: the key's member acting in its tenant, and what the key allows.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key_id: Uuid,
    pub scope: ApiKeyScope,
    pub rate_per_minute: i32,
    pub ctx: RequestContext,
}

#[derive(Insertable)]
#[diesel(table_name = api_keys, check_for_backend(diesel::pg::Pg))]
struct NewApiKey<'a> {
    tenant_id: TenantId,
    id: Uuid,
    name: &'a str,
    prefix: &'a str,
    key_hash: String,
    scope: ApiKeyScope,
    created_by: UserId,
    rate_per_minute: i32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_keys, check_for_backend(diesel::pg::Pg))]
struct ApiKeyRow {
    id: Uuid,
    name: String,
    prefix: String,
    scope: ApiKeyScope,
    rate_per_minute: i32,
    created_by: UserId,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyRow {
    fn view(self, names: &std::collections::HashMap<UserId, String>) -> ApiKeyView {
        ApiKeyView {
            created_by: names.get(&self.created_by).cloned().unwrap_or_default(),
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            scope: self.scope,
            rate_per_minute: self.rate_per_minute,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

fn parse_rate(rate: &str) -> Result<i32, AppError> {
    let rate = rate.trim();
    if rate.is_empty() {
        return Ok(DEFAULT_RATE_PER_MINUTE);
    }
    rate.parse::<i32>()
        .ok()
        .filter(|r| (1..=MAX_RATE_PER_MINUTE).contains(r))
        .ok_or_else(|| {
            AppError::validation(
                "rate_per_minute",
                format!("must be a whole number from 1 to {MAX_RATE_PER_MINUTE}"),
            )
        })
}

/// Makes a key acting as the caller (admins and owners). The secret is in the answer and
/// nowhere else.
pub async fn create_api_key(
    db: &Db,
    ctx: &RequestContext,
    name: &str,
    scope: &str,
    rate_per_minute: &str,
) -> Result<CreatedApiKey, Error> {
    ctx.require(Role::Admin)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name", "is required, at most 100 characters").into());
    }
    let scope = ApiKeyScope::parse(scope.trim())
        .ok_or_else(|| AppError::validation("scope", "must be read or write"))?;
    let rate_per_minute = parse_rate(rate_per_minute)?;
    let secret = format!("{KEY_PREFIX}{}", new_token());
    let prefix = &secret[..SHOWN];
    let id = Uuid::new_v4();
    db.tenant_tx(ctx.tenant_id, async |conn| {
        diesel::insert_into(api_keys::table)
            .values(NewApiKey {
                tenant_id: ctx.tenant_id,
                id,
                name,
                prefix,
                key_hash: hash_token(&secret),
                scope,
                created_by: ctx.user_id,
                rate_per_minute,
            })
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, action::API_KEY_CREATED)
            .target("api_key", id)
            .details(serde_json::json!({
                "name": name, "prefix": prefix, "scope": scope.as_str(),
                "rate_per_minute": rate_per_minute,
            }))
            .record(conn)
            .await?;
        let row: ApiKeyRow = api_keys::table
            .filter(api_keys::id.eq(id))
            .select(ApiKeyRow::as_select())
            .first(conn)
            .await?;
        Ok(CreatedApiKey {
            key: row.view(&member_names(conn).await?),
            secret: secret.clone(),
        })
    })
    .await
}

/// The organisation's keys, live ones first (admins and owners).
pub async fn list_api_keys(db: &Db, ctx: &RequestContext) -> Result<Vec<ApiKeyView>, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<ApiKeyRow> = api_keys::table
            .order((
                api_keys::revoked_at.is_not_null(),
                api_keys::created_at.desc(),
                api_keys::id,
            ))
            .select(ApiKeyRow::as_select())
            .load(conn)
            .await?;
        let names = member_names(conn).await?;
        Ok(rows.into_iter().map(|r| r.view(&names)).collect())
    })
    .await
}

/// Revokes a key at once (admins and owners); its next request is refused. Revoking a
/// revoked key changes nothing.
pub async fn revoke_api_key(db: &Db, ctx: &RequestContext, id: Uuid) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let revoked: Option<(String, String)> = diesel::update(
            api_keys::table
                .filter(api_keys::id.eq(id))
                .filter(api_keys::revoked_at.is_null()),
        )
        .set(api_keys::revoked_at.eq(Utc::now()))
        .returning((api_keys::name, api_keys::prefix))
        .get_result(conn)
        .await
        .optional()?;
        match revoked {
            Some((name, prefix)) => {
                NewAuditEntry::by(ctx, action::API_KEY_REVOKED)
                    .target("api_key", id)
                    .details(serde_json::json!({ "name": name, "prefix": prefix }))
                    .record(conn)
                    .await
            }
            None => {
                let known: i64 = api_keys::table
                    .filter(api_keys::id.eq(id))
                    .count()
                    .get_result(conn)
                    .await?;
                if known == 0 {
                    Err(AppError::not_found("That API key").into())
                } else {
                    Ok(())
                }
            }
        }
    })
    .await
}

/// A key as we issue it: `shk_` and 64 lower-case hex digits. Anything else is not looked up.
pub fn looks_like_key(key: &str) -> bool {
    key.strip_prefix(KEY_PREFIX)
        .is_some_and(crate::auth::token::looks_like_token)
}

#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct CallerRow {
    #[diesel(select_expression = api_keys::id)]
    key_id: Uuid,
    #[diesel(select_expression = api_keys::scope)]
    scope: ApiKeyScope,
    #[diesel(select_expression = api_keys::rate_per_minute)]
    rate_per_minute: i32,
    #[diesel(select_expression = api_keys::tenant_id)]
    tenant_id: TenantId,
    #[diesel(select_expression = api_keys::created_by)]
    user_id: UserId,
    #[diesel(select_expression = memberships::role)]
    role: Role,
    #[diesel(select_expression = users::is_platform_admin)]
    is_platform_admin: bool,
}

/// The caller behind `key`, or `None` for an unknown, revoked or malformed key, or one whose
/// organisation is suspended or whose member is deactivated or gone. Notes the use, at most
/// once a minute per key.
pub async fn resolve_api_key(
    db: &Db,
    key: &str,
    client: Client,
) -> Result<Option<ApiCaller>, Error> {
    if !looks_like_key(key) {
        return Ok(None);
    }
    let hash = hash_token(key);
    let row: Option<CallerRow> = db
        .platform_tx(async |conn| {
            let row: Option<CallerRow> = api_keys::table
                .inner_join(
                    memberships::table.on(memberships::tenant_id
                        .eq(api_keys::tenant_id)
                        .and(memberships::user_id.eq(api_keys::created_by))),
                )
                .inner_join(users::table.on(users::id.eq(api_keys::created_by)))
                .inner_join(tenants::table.on(tenants::id.eq(api_keys::tenant_id)))
                .filter(api_keys::key_hash.eq(&hash))
                .filter(api_keys::revoked_at.is_null())
                .filter(tenants::suspended_at.is_null())
                .filter(users::deactivated_at.is_null())
                .select(CallerRow::as_select())
                .first(conn)
                .await
                .optional()?;
            if let Some(r) = &row {
                let stale = Utc::now() - chrono::Duration::minutes(1);
                diesel::update(
                    api_keys::table
                        .filter(api_keys::tenant_id.eq(r.tenant_id))
                        .filter(api_keys::id.eq(r.key_id))
                        .filter(
                            api_keys::last_used_at
                                .is_null()
                                .or(api_keys::last_used_at.lt(stale)),
                        ),
                )
                .set(api_keys::last_used_at.eq(Utc::now()))
                .execute(conn)
                .await?;
            }
            Ok(row)
        })
        .await?;
    Ok(row.map(|r| ApiCaller {
        key_id: r.key_id,
        scope: r.scope,
        rate_per_minute: r.rate_per_minute,
        ctx: RequestContext {
            tenant_id: r.tenant_id,
            user_id: r.user_id,
            role: r.role,
            is_platform_admin: r.is_platform_admin,
            client,
        },
    }))
}
