//! Bulk writes of synced records. A page is one statement under a savepoint; if PostgreSQL
//! refuses it (a duplicate e-mail, a value a check refuses), each record is written on its
//! own savepoint so the refusal is pinned on the record that caused it.

use super::columns::{columns, Column, Kind};
use super::SalesTarget;
use connectors::{NewSynced, SyncUpdate, Values};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Array, Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use models::connectors::SyncObject;
use platform::db::Conn;
use platform::Error;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// The tenant's stages by name (opportunities only).
async fn stages(conn: &mut Conn, object: SyncObject) -> Result<HashMap<String, Uuid>, Error> {
    if object != SyncObject::Opportunity {
        return Ok(HashMap::new());
    }
    #[derive(diesel::QueryableByName)]
    struct Stage {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<Stage> = diesel::sql_query("SELECT id, name FROM pipeline_stages")
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| (s.name.to_lowercase(), s.id))
        .collect())
}

/// A record as columns (`column → value`) and its custom values (`key → value`).
struct Columns {
    row: Map<String, Value>,
    custom: Map<String, Value>,
}

/// Local values as columns: amounts in minor units, stages by id, custom values apart.
fn to_columns(
    object: SyncObject,
    values: &Values,
    stages: &HashMap<String, Uuid>,
) -> Result<Columns, String> {
    let mut row = Map::new();
    let mut custom = Map::new();
    for (key, value) in values {
        if let Some(k) = key.strip_prefix("custom.") {
            custom.insert(k.to_string(), value.clone());
            continue;
        }
        let Some(column) = columns(object).iter().find(|c| c.key == key) else {
            continue;
        };
        let v = match column.kind {
            Kind::Money => value
                .as_f64()
                .map_or(Value::Null, |n| json!((n * 100.0).round() as i64)),
            Kind::Stage => {
                let name = value.as_str().unwrap_or("");
                match stages.get(&name.to_lowercase()) {
                    Some(id) => json!(id),
                    None => {
                        return Err(format!(
                            "{name:?} is not a pipeline stage here; add it under pipeline \
                             stages or map the value"
                        ))
                    }
                }
            }
            _ => value.clone(),
        };
        row.insert(column.column.to_string(), v);
    }
    Ok(Columns { row, custom })
}

/// `COALESCE(r.col, default)` or `r.col`.
fn column_sql(c: &Column, alias: &str) -> String {
    match c.default_sql() {
        Some(d) => format!("COALESCE({alias}.{}, {d})", c.column),
        None => format!("{alias}.{}", c.column),
    }
}

/// Why PostgreSQL refused one record, for the run's error list.
fn refusal(object: SyncObject, e: &Error) -> Option<String> {
    let Error::Db(DieselError::DatabaseError(kind, info)) = e else {
        return None;
    };
    let constraint = info.constraint_name().unwrap_or("");
    Some(match kind {
        DatabaseErrorKind::UniqueViolation if constraint.ends_with("email_key") => format!(
            "another {} here already has this e-mail address",
            object.as_str()
        ),
        DatabaseErrorKind::UniqueViolation => format!("a duplicate ({constraint})"),
        DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => {
            format!("a value is out of bounds ({constraint})")
        }
        DatabaseErrorKind::ForeignKeyViolation => {
            format!("it points at a record that is not here ({constraint})")
        }
        _ => return None,
    })
}

/// Runs `statement` on `rows` under a savepoint; if refused, each row on its own.
async fn each_or_all(
    conn: &mut Conn,
    object: SyncObject,
    sql: &str,
    rows: &[Value],
) -> Result<Vec<Result<(), String>>, Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let all = Value::Array(rows.to_vec());
    let bulk = conn
        .transaction(async |c: &mut Conn| {
            diesel::sql_query(sql)
                .bind::<Jsonb, _>(&all)
                .execute(c)
                .await
                .map_err(Error::from)
        })
        .await;
    match bulk {
        Ok(_) => return Ok(vec![Ok(()); rows.len()]),
        Err(e) if refusal(object, &e).is_none() => return Err(e),
        Err(_) => {}
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let one = Value::Array(vec![row.clone()]);
        let result = conn
            .transaction(async |c: &mut Conn| {
                diesel::sql_query(sql)
                    .bind::<Jsonb, _>(&one)
                    .execute(c)
                    .await
                    .map_err(Error::from)
            })
            .await;
        out.push(match result {
            Ok(_) => Ok(()),
            Err(e) => match refusal(object, &e) {
                Some(reason) => Err(reason),
                None => return Err(e),
            },
        });
    }
    Ok(out)
}

pub async fn create(
    target: &SalesTarget,
    conn: &mut Conn,
    source: &str,
    records: &[NewSynced<'_>],
) -> Result<Vec<Result<Uuid, String>>, Error> {
    let object = target.object;
    let stages = stages(conn, object).await?;
    let mut results: Vec<Result<Uuid, String>> = Vec::with_capacity(records.len());
    let mut rows = Vec::new();
    let mut slots = Vec::new();
    for r in records {
        match to_columns(object, r.values, &stages) {
            Ok(Columns { mut row, custom }) => {
                let id = Uuid::new_v4();
                let custom: Map<String, Value> =
                    custom.into_iter().filter(|(_, v)| !v.is_null()).collect();
                row.insert("id".into(), json!(id));
                row.insert("external_id".into(), json!(r.external_id));
                row.insert("created_at".into(), json!(r.created_at));
                row.insert("custom".into(), Value::Object(custom));
                slots.push(results.len());
                results.push(Ok(id));
                rows.push(Value::Object(row));
            }
            Err(reason) => results.push(Err(reason)),
        }
    }
    let cols = columns(object);
    let mut names: Vec<&str> = cols.iter().map(|c| c.column).collect();
    let mut exprs: Vec<String> = cols.iter().map(|c| column_sql(c, "r")).collect();
    // Created when the remote side created it (never in the future: a clock ahead there
    // would put the record past every period the KPIs read).
    names.push("created_at");
    exprs.push("LEAST(COALESCE(r.created_at, now()), now())".into());
    match object {
        SyncObject::Opportunity => {
            names.push("currency");
            exprs.push("COALESCE((SELECT currency FROM sales_settings LIMIT 1), 'USD')".into());
        }
        SyncObject::Lead => {
            // Scored once the page is in (`after_write`).
            names.push("score_breakdown");
            exprs.push("'[]'::jsonb".into());
        }
        _ => {}
    }
    let sql = format!(
        "INSERT INTO {table} (tenant_id, id, external_source, external_id, custom, {names}) \
         SELECT app_current_tenant(), r.id, {source}, r.external_id, COALESCE(r.custom, '{{}}'::jsonb), {exprs} \
         FROM jsonb_populate_recordset(NULL::{table}, $1) r",
        table = target.table(),
        names = names.join(", "),
        exprs = exprs.join(", "),
        source = quote(source),
    );
    let written = each_or_all(conn, object, &sql, &rows).await?;
    let mut created = Vec::new();
    for (slot, w) in slots.into_iter().zip(written) {
        match w {
            Ok(()) => {
                if let Ok(id) = results[slot] {
                    created.push(id);
                }
            }
            Err(reason) => results[slot] = Err(reason),
        }
    }
    after_write(conn, object, &created, &created, &created).await?;
    Ok(results)
}

pub async fn update(
    target: &SalesTarget,
    conn: &mut Conn,
    records: &[SyncUpdate<'_>],
) -> Result<Vec<Result<(), String>>, Error> {
    let object = target.object;
    let stages = stages(conn, object).await?;
    let mut results: Vec<Result<(), String>> = Vec::with_capacity(records.len());
    let mut rows = Vec::new();
    let mut slots = Vec::new();
    let mut history = Vec::new();
    let mut stage_moved = Vec::new();
    for SyncUpdate { id, values, link } in records {
        match to_columns(object, values, &stages) {
            Ok(Columns {
                row: mut patch,
                custom,
            }) => {
                if ["stage_id", "amount_minor", "close_date"]
                    .iter()
                    .any(|k| patch.contains_key(*k))
                {
                    history.push(*id);
                }
                if patch.contains_key("stage_id") {
                    stage_moved.push(*id);
                }
                if let Some((source, ext)) = link {
                    patch.insert("external_source".into(), json!(source));
                    patch.insert("external_id".into(), json!(ext));
                }
                let custom = (!custom.is_empty()).then_some(Value::Object(custom));
                slots.push(results.len());
                results.push(Ok(()));
                rows.push(json!({"id": id, "patch": patch, "custom_patch": custom}));
            }
            Err(reason) => results.push(Err(reason)),
        }
    }
    let cols = columns(object);
    let names: Vec<&str> = cols.iter().map(|c| c.column).collect();
    let exprs: Vec<String> = cols.iter().map(|c| column_sql(c, "p")).collect();
    let sql = format!(
        "UPDATE {table} AS t SET ({names}, external_source, external_id, updated_at) = \
           (SELECT {exprs}, p.external_source, p.external_id, now() \
            FROM jsonb_populate_record(t, u.patch) p), \
         custom = CASE WHEN u.custom_patch IS NULL THEN t.custom \
                  ELSE jsonb_strip_nulls(t.custom || u.custom_patch) END \
         FROM jsonb_to_recordset($1) AS u(id uuid, patch jsonb, custom_patch jsonb) \
         WHERE t.id = u.id",
        table = target.table(),
        names = names.join(", "),
        exprs = exprs.join(", "),
    );
    let written = each_or_all(conn, object, &sql, &rows).await?;
    let mut updated = Vec::new();
    for (slot, w) in slots.into_iter().zip(written) {
        match w {
            Ok(()) => updated.push(records[slot].id),
            Err(reason) => results[slot] = Err(reason),
        }
    }
    history.retain(|id| updated.contains(id));
    stage_moved.retain(|id| updated.contains(id));
    after_write(conn, object, &updated, &stage_moved, &history).await?;
    Ok(results)
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// What a write implies: leads are scored again; a deal whose stage moved takes the stage's
/// times, and one whose stage, amount or close date moved gets its history row. A deal moved
/// to an open stage entered it now; one moved to won or lost closed on its close date, as
/// the remote side reports closed deals (noon UTC, not before it was created nor after now),
/// so a first sync of last year's deals does not read as closed today.
async fn after_write(
    conn: &mut Conn,
    object: SyncObject,
    written: &[Uuid],
    stage_moved: &[Uuid],
    history: &[Uuid],
) -> Result<(), Error> {
    match object {
        SyncObject::Lead => crate::prospector::rescore_leads(conn, written)
            .await
            .map(|_| ()),
        SyncObject::Opportunity => {
            if !stage_moved.is_empty() {
                let closed = "LEAST(now(), GREATEST(o.created_at, \
                              (o.close_date + time '12:00') AT TIME ZONE 'UTC'))";
                diesel::sql_query(format!(
                    "UPDATE opportunities o SET \
                       stage_entered_at = CASE WHEN s.kind = 'open' THEN now() ELSE {closed} END, \
                       closed_at = CASE WHEN s.kind = 'open' THEN NULL ELSE COALESCE(o.closed_at, {closed}) END \
                     FROM pipeline_stages s \
                     WHERE o.tenant_id = app_current_tenant() AND o.id = ANY($1) AND s.tenant_id = o.tenant_id AND s.id = o.stage_id",
                ))
                .bind::<Array<SqlUuid>, _>(stage_moved)
                .execute(conn)
                .await?;
            }
            if !history.is_empty() {
                diesel::sql_query(
                    "INSERT INTO opportunity_history (tenant_id, opportunity_id, stage_id, amount_minor, close_date) \
                     SELECT tenant_id, id, stage_id, amount_minor, close_date FROM opportunities \
                     WHERE tenant_id = app_current_tenant() AND id = ANY($1)",
                )
                .bind::<Array<SqlUuid>, _>(history)
                .execute(conn)
                .await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
