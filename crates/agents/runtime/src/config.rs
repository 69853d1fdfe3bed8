//! Versioned configurations. Saving writes a new version; the newest is the one in use;
//! a rollback saves an old version's configuration as the newest (history only grows, and
//! every run names the version it used).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::settings::ConfigVersion;
use models::agents::AgentKind;
use models::{AppError, TenantId, UserId};
use platform::db::schema::agent_configs;
use platform::db::Conn;
use platform::error::is_unique_violation;
use platform::Error;
use serde_json::Value;

#[derive(Queryable, Selectable)]
#[diesel(table_name = agent_configs, check_for_backend(diesel::pg::Pg))]
pub struct ConfigRow {
    pub version: i32,
    pub config: Value,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = agent_configs, check_for_backend(diesel::pg::Pg))]
struct NewConfig<'a> {
    tenant_id: TenantId,
    agent: AgentKind,
    version: i32,
    config: &'a Value,
    note: &'a str,
    created_by: Option<UserId>,
}

/// The version in use, if any was saved.
pub async fn current(conn: &mut Conn, kind: AgentKind) -> Result<Option<ConfigRow>, Error> {
    Ok(agent_configs::table
        .filter(agent_configs::agent.eq(kind))
        .order(agent_configs::version.desc())
        .select(ConfigRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// One version; not found when it does not exist.
pub async fn version(conn: &mut Conn, kind: AgentKind, version: i32) -> Result<ConfigRow, Error> {
    agent_configs::table
        .filter(agent_configs::agent.eq(kind))
        .filter(agent_configs::version.eq(version))
        .select(ConfigRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Version {version}")).into())
}

/// The version in use, writing the defaults as version 1 on first use.
pub async fn current_or_default(
    conn: &mut Conn,
    tenant: TenantId,
    kind: AgentKind,
    defaults: &Value,
) -> Result<ConfigRow, Error> {
    if let Some(row) = current(conn, kind).await? {
        return Ok(row);
    }
    diesel::insert_into(agent_configs::table)
        .values(NewConfig {
            tenant_id: tenant,
            agent: kind,
            version: 1,
            config: defaults,
            note: "Defaults",
            created_by: None,
        })
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    current(conn, kind)
        .await?
        .ok_or_else(|| Error::Corrupt("the default configuration was not saved".into()))
}

/// Saves `config` (already validated) as the next version and returns its number.
pub async fn save(
    conn: &mut Conn,
    tenant: TenantId,
    user: Option<UserId>,
    kind: AgentKind,
    config: &Value,
    note: &str,
) -> Result<i32, Error> {
    let latest: Option<i32> = agent_configs::table
        .filter(agent_configs::agent.eq(kind))
        .select(diesel::dsl::max(agent_configs::version))
        .first(conn)
        .await?;
    let next = latest.unwrap_or(0) + 1;
    let inserted = diesel::insert_into(agent_configs::table)
        .values(NewConfig {
            tenant_id: tenant,
            agent: kind,
            version: next,
            config,
            note,
            created_by: user,
        })
        .execute(conn)
        .await;
    match inserted {
        Ok(_) => Ok(next),
        Err(e) if is_unique_violation(&e, "agent_configs_pkey") => Err(AppError::conflict(
            "Someone saved this agent at the same moment: reload to see their version.",
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// Every version, newest first, with who saved it.
pub async fn history(conn: &mut Conn, kind: AgentKind) -> Result<Vec<ConfigVersion>, Error> {
    let rows: Vec<ConfigRow> = agent_configs::table
        .filter(agent_configs::agent.eq(kind))
        .order(agent_configs::version.desc())
        .select(ConfigRow::as_select())
        .load(conn)
        .await?;
    let names = platform::members::member_names(conn).await?;
    let changes: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| match rows.get(i + 1) {
            Some(before) => diff(&before.config, &r.config),
            None => Vec::new(),
        })
        .collect();
    Ok(rows
        .into_iter()
        .zip(changes)
        .map(|(r, changes)| ConfigVersion {
            version: r.version,
            note: r.note,
            created_by: r
                .created_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_else(|| "Sales Hunter".into()),
            created_at: r.created_at,
            config: serde_json::to_string_pretty(&r.config).unwrap_or_default(),
            changes,
        })
        .collect())
}

fn flatten(prefix: &str, v: &Value, out: &mut std::collections::BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Every setting that differs between two configurations, as `path: before → after`.
pub fn diff(before: &Value, after: &Value) -> Vec<String> {
    let (mut a, mut b) = (Default::default(), Default::default());
    flatten("", before, &mut a);
    flatten("", after, &mut b);
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |v: Option<&String>| {
                let v = v.map_or("(none)", String::as_str);
                if v.chars().count() > 80 {
                    format!("{}…", v.chars().take(80).collect::<String>())
                } else {
                    v.to_string()
                }
            };
            format!("{k}: {} → {}", show(a.get(k)), show(b.get(k)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_each_changed_setting() {
        let a = json!({"icp": {"regions": [], "industry_points": 20}, "common": {"enabled": true}});
        let b = json!({"icp": {"regions": ["Germany"], "industry_points": 20}, "common": {"enabled": false}});
        assert_eq!(
            diff(&a, &b),
            vec![
                "common.enabled: true → false",
                "icp.regions: [] → [\"Germany\"]"
            ]
        );
        assert!(diff(&a, &a).is_empty());
    }
}
