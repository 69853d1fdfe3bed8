//! Provider keys, one per endpoint (provider kind and base URL), sealed at rest with
//! `platform::secrets` and bound to their tenant and endpoint: a sealed key copied onto
//! another row does not open. Only the last four characters ever leave the server.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::settings::StoredKey;
use models::TenantId;
use platform::db::schema::agent_provider_keys;
use platform::db::Conn;
use platform::secrets::SecretKey;
use platform::Error;

/// The base URL as keys are filed under it: trimmed, with one trailing slash; empty for
/// the provider's default.
pub fn endpoint_of(base_url: &str) -> String {
    let trimmed = base_url.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

fn context(tenant: TenantId, provider: &str, base_url: &str) -> Vec<u8> {
    format!("agent-key:{tenant}:{provider}:{base_url}").into_bytes()
}

/// Stores (or replaces) the key for an endpoint; an empty key removes it.
pub async fn save_key(
    conn: &mut Conn,
    secrets: &SecretKey,
    tenant: TenantId,
    provider: &str,
    base_url: &str,
    key: &str,
) -> Result<(), Error> {
    let base_url = endpoint_of(base_url);
    let key = key.trim();
    if key.is_empty() {
        diesel::delete(
            agent_provider_keys::table
                .filter(agent_provider_keys::provider.eq(provider))
                .filter(agent_provider_keys::base_url.eq(&base_url)),
        )
        .execute(conn)
        .await?;
        return Ok(());
    }
    let sealed = secrets.seal(key.as_bytes(), &context(tenant, provider, &base_url))?;
    let hint: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    diesel::insert_into(agent_provider_keys::table)
        .values((
            agent_provider_keys::tenant_id.eq(tenant),
            agent_provider_keys::provider.eq(provider),
            agent_provider_keys::base_url.eq(&base_url),
            agent_provider_keys::sealed_key.eq(&sealed),
            agent_provider_keys::key_hint.eq(&hint),
        ))
        .on_conflict((
            agent_provider_keys::tenant_id,
            agent_provider_keys::provider,
            agent_provider_keys::base_url,
        ))
        .do_update()
        .set((
            agent_provider_keys::sealed_key.eq(&sealed),
            agent_provider_keys::key_hint.eq(&hint),
            agent_provider_keys::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The key for an endpoint, opened; empty when none is stored.
pub async fn load_key(
    conn: &mut Conn,
    secrets: Option<&SecretKey>,
    tenant: TenantId,
    provider: &str,
    base_url: &str,
) -> Result<String, Error> {
    let base_url = endpoint_of(base_url);
    let sealed: Option<Vec<u8>> = agent_provider_keys::table
        .filter(agent_provider_keys::provider.eq(provider))
        .filter(agent_provider_keys::base_url.eq(&base_url))
        .select(agent_provider_keys::sealed_key)
        .first(conn)
        .await
        .optional()?;
    let (Some(sealed), Some(secrets)) = (sealed, secrets) else {
        return Ok(String::new());
    };
    let plain = secrets.open(&sealed, &context(tenant, provider, &base_url))?;
    String::from_utf8(plain).map_err(|_| Error::Corrupt("a provider key is not text".into()))
}

/// The stored keys as the browser may see them.
pub async fn stored_keys(conn: &mut Conn) -> Result<Vec<StoredKey>, Error> {
    let rows: Vec<(String, String, String)> = agent_provider_keys::table
        .order((agent_provider_keys::provider, agent_provider_keys::base_url))
        .select((
            agent_provider_keys::provider,
            agent_provider_keys::base_url,
            agent_provider_keys::key_hint,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(provider, base_url, hint)| StoredKey {
            provider,
            base_url,
            hint,
        })
        .collect())
}
