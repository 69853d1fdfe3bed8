//! Where connectors land records: accounts, contacts, leads and opportunities as
//! `SyncTarget`s. Values move as JSON under local keys (`columns`); writes are one statement
//! per page (`jsonb_populate_recordset`), with a record-by-record retry under savepoints when
//! the page's statement is refused, so one bad record never stops the others.

pub mod choices;
pub mod columns;
mod write;

use crate::custom_fields::definitions;
use crate::text_search::IdRow;
use chrono::{DateTime, Utc};
use columns::{
    columns, custom_definition, custom_local_field, normalize, normalize_custom, Column,
};
use connectors::{
    BoxFuture, ConnectorRegistry, LocalRecord, NewSynced, SyncTarget, SyncUpdate, Values,
};
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::connectors::{LocalField, SyncObject};
use models::sales::custom_field::{CustomField, CustomObject};
use models::ConnectionId;
use platform::db::Conn;
use platform::Error;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// One sales object as a sync target.
pub struct SalesTarget {
    object: SyncObject,
}

/// Adds every sales object to the connectors' registry (the server calls this at start-up).
pub fn register_targets(registry: ConnectorRegistry) -> ConnectorRegistry {
    SyncObject::ALL
        .iter()
        .fold(registry, |r, &object| r.target(SalesTarget { object }))
}

impl SalesTarget {
    fn table(&self) -> &'static str {
        match self.object {
            SyncObject::Account => "accounts",
            SyncObject::Contact => "contacts",
            SyncObject::Lead => "leads",
            SyncObject::Opportunity => "opportunities",
        }
    }

    fn custom_object(&self) -> CustomObject {
        match self.object {
            SyncObject::Account => CustomObject::Account,
            SyncObject::Contact => CustomObject::Contact,
            SyncObject::Lead => CustomObject::Lead,
            SyncObject::Opportunity => CustomObject::Opportunity,
        }
    }

    fn column(&self, key: &str) -> Option<&'static Column> {
        columns(self.object).iter().find(|c| c.key == key)
    }

    async fn custom_defs(&self, conn: &mut Conn) -> Result<Vec<CustomField>, Error> {
        definitions(conn, self.custom_object()).await
    }
}

#[derive(diesel::QueryableByName)]
struct LoadedRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Jsonb)]
    record: Value,
    #[diesel(sql_type = Nullable<Text>)]
    stage_name: Option<String>,
}

impl SyncTarget for SalesTarget {
    fn object(&self) -> SyncObject {
        self.object
    }

    fn fields<'a>(&'a self, conn: &'a mut Conn) -> BoxFuture<'a, Result<Vec<LocalField>, Error>> {
        Box::pin(async move {
            let mut out: Vec<LocalField> = columns(self.object)
                .iter()
                .map(Column::local_field)
                .collect();
            out.extend(self.custom_defs(conn).await?.iter().map(custom_local_field));
            Ok(out)
        })
    }

    fn normalize(&self, field: &LocalField, value: Value) -> Result<Value, String> {
        match (self.column(&field.key), custom_definition(field)) {
            (Some(column), _) => normalize(column, value),
            (None, Some(def)) => normalize_custom(&def, value),
            (None, None) => Err(format!("{} is not a field connectors fill", field.label)),
        }
    }

    fn load_records<'a>(
        &'a self,
        conn: &'a mut Conn,
        ids: &'a [Uuid],
    ) -> BoxFuture<'a, Result<HashMap<Uuid, LocalRecord>, Error>> {
        Box::pin(async move {
            if ids.is_empty() {
                return Ok(HashMap::new());
            }
            let stage = if self.object == SyncObject::Opportunity {
                "(SELECT s.name FROM pipeline_stages s WHERE s.tenant_id = t.tenant_id AND s.id = t.stage_id)"
            } else {
                "NULL::text"
            };
            // A join on the ids, not `= ANY($ids)` (see `find_existing`).
            let sql = format!(
                "SELECT t.id, t.updated_at, to_jsonb(t) AS record, {stage} AS stage_name \
                 FROM unnest($1::uuid[]) AS x(id) \
                 JOIN {} t ON t.tenant_id = app_current_tenant() AND t.id = x.id",
                self.table()
            );
            let rows: Vec<LoadedRow> = diesel::sql_query(sql)
                .bind::<Array<SqlUuid>, _>(ids)
                .load(conn)
                .await?;
            let defs = self.custom_defs(conn).await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let mut values = Values::new();
                    for c in columns(self.object) {
                        values.insert(
                            c.key.to_string(),
                            c.read(&r.record, r.stage_name.as_deref()),
                        );
                    }
                    for d in &defs {
                        let v = r.record.get("custom").and_then(|c| c.get(&d.key)).cloned();
                        values.insert(d.field_name(), v.unwrap_or(Value::Null));
                    }
                    let text =
                        |k: &str| r.record.get(k).and_then(Value::as_str).map(str::to_string);
                    let external = text("external_source").zip(text("external_id"));
                    (
                        r.id,
                        LocalRecord {
                            values,
                            modified: r.updated_at,
                            external,
                        },
                    )
                })
                .collect())
        })
    }

    fn find_existing<'a>(
        &'a self,
        conn: &'a mut Conn,
        records: &'a [&'a Values],
    ) -> BoxFuture<'a, Result<Vec<Option<Uuid>>, Error>> {
        Box::pin(async move {
            if !matches!(self.object, SyncObject::Lead | SyncObject::Contact) {
                return Ok(vec![None; records.len()]);
            }
            let emails: Vec<String> = records
                .iter()
                .filter_map(|v| v.get("email").and_then(Value::as_str))
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect();
            if emails.is_empty() {
                return Ok(vec![None; records.len()]);
            }
            #[derive(diesel::QueryableByName)]
            struct ByEmail {
                #[diesel(sql_type = SqlUuid)]
                id: Uuid,
                #[diesel(sql_type = Text)]
                email: String,
            }
            // A join on the addresses rather than `email = ANY($emails)`: with the array a
            // parameter, a sequential scan compares every row with every address.
            let sql = format!(
                "SELECT DISTINCT ON (t.email) t.id, t.email FROM unnest($1::text[]) AS x(email) \
                 JOIN {} t ON t.tenant_id = app_current_tenant() AND t.email = x.email \
                  AND t.email <> '' \
                 ORDER BY t.email, t.created_at",
                self.table()
            );
            let found: Vec<ByEmail> = diesel::sql_query(sql)
                .bind::<Array<Text>, _>(&emails)
                .load(conn)
                .await?;
            let by_email: HashMap<&str, Uuid> =
                found.iter().map(|f| (f.email.as_str(), f.id)).collect();
            Ok(records
                .iter()
                .map(|v| {
                    v.get("email")
                        .and_then(Value::as_str)
                        .and_then(|e| by_email.get(e).copied())
                })
                .collect())
        })
    }

    fn create<'a>(
        &'a self,
        conn: &'a mut Conn,
        source: &'a str,
        records: &'a [NewSynced<'a>],
    ) -> BoxFuture<'a, Result<Vec<Result<Uuid, String>>, Error>> {
        Box::pin(write::create(self, conn, source, records))
    }

    fn update<'a>(
        &'a self,
        conn: &'a mut Conn,
        records: &'a [SyncUpdate<'a>],
    ) -> BoxFuture<'a, Result<Vec<Result<(), String>>, Error>> {
        Box::pin(write::update(self, conn, records))
    }

    fn delete<'a>(
        &'a self,
        conn: &'a mut Conn,
        ids: &'a [Uuid],
    ) -> BoxFuture<'a, Result<Vec<Uuid>, Error>> {
        Box::pin(async move {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            // Activities and tasks are work done here: a record that has any is kept (its
            // activities would go with it).
            let column = match self.object {
                SyncObject::Account => "account_id",
                SyncObject::Contact => "contact_id",
                SyncObject::Lead => "lead_id",
                SyncObject::Opportunity => "opportunity_id",
            };
            let sql = format!(
                "SELECT DISTINCT {column} AS id FROM activities WHERE {column} = ANY($1) \
                 UNION SELECT DISTINCT {column} FROM tasks WHERE {column} = ANY($1)"
            );
            let kept: Vec<IdRow> = diesel::sql_query(sql)
                .bind::<Array<SqlUuid>, _>(ids)
                .load(conn)
                .await?;
            let kept: Vec<Uuid> = kept.into_iter().map(|r| r.id).collect();
            let gone: Vec<Uuid> = ids.iter().copied().filter(|i| !kept.contains(i)).collect();
            diesel::sql_query(format!(
                "DELETE FROM {} WHERE tenant_id = app_current_tenant() AND id = ANY($1)",
                self.table()
            ))
            .bind::<Array<SqlUuid>, _>(&gone)
            .execute(conn)
            .await?;
            Ok(kept)
        })
    }

    fn unlink<'a>(
        &'a self,
        conn: &'a mut Conn,
        ids: &'a [Uuid],
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            if !ids.is_empty() {
                diesel::sql_query(format!(
                    "UPDATE {} SET external_source = NULL, external_id = NULL, updated_at = now() \
                     WHERE tenant_id = app_current_tenant() AND id = ANY($1)",
                    self.table()
                ))
                .bind::<Array<SqlUuid>, _>(ids)
                .execute(conn)
                .await?;
            }
            Ok(())
        })
    }

    fn changed_since_sync<'a>(
        &'a self,
        conn: &'a mut Conn,
        connection: ConnectionId,
        after: Option<Uuid>,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Uuid>, Error>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT l.local_id AS id FROM connector_links l \
                 JOIN {} t ON t.tenant_id = l.tenant_id AND t.id = l.local_id \
                 WHERE l.connection_id = $1 AND l.object = $2 \
                   AND (t.updated_at > l.synced_at OR l.push_pending) \
                   AND ($3::uuid IS NULL OR l.local_id > $3) \
                 ORDER BY l.local_id LIMIT $4",
                self.table()
            );
            let rows: Vec<IdRow> = diesel::sql_query(sql)
                .bind::<SqlUuid, _>(connection.0)
                .bind::<Text, _>(self.object.as_str())
                .bind::<Nullable<SqlUuid>, _>(after)
                .bind::<BigInt, _>(limit)
                .load(conn)
                .await?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        })
    }
}
