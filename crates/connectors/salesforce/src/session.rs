//! A run's session with one org: the `Session` the sync engine drives.

use crate::api::Api;
use crate::soql;
use connector_api::{
    ApiUsage, BoxFuture, Cursor, Describe, Page, PushOutcome, PushRecord, RemoteError, RemoteUser,
    Session,
};
use models::connectors::RemoteChoice;
use reqwest::Method;
use serde_json::{json, Value};

/// Records per sObject Collections request (Salesforce's limit).
pub const COLLECTION_SIZE: usize = 200;

pub struct SalesforceSession {
    pub api: Api,
}

impl SalesforceSession {
    pub(crate) async fn query(
        &mut self,
        endpoint: &str,
        object: &str,
        q: String,
    ) -> Result<Page, RemoteError> {
        let url = self
            .api
            .url(&format!("/{endpoint}?q={}", models::url::encode(&q)));
        self.api
            .call(
                Method::GET,
                &url,
                None,
                &format!("{object} query"),
                |body| soql::read_page(object, body),
            )
            .await
    }

    async fn push_all(
        &mut self,
        object: &str,
        records: &[PushRecord],
    ) -> Result<Vec<PushOutcome>, RemoteError> {
        let mut out = Vec::with_capacity(records.len());
        for chunk in records.chunks(COLLECTION_SIZE) {
            let body = json!({
                "allOrNone": false,
                "records": chunk.iter().map(|r| {
                    let mut fields = r.fields.clone();
                    fields.insert("attributes".into(), json!({"type": object}));
                    fields.insert("id".into(), json!(r.id));
                    Value::Object(fields)
                }).collect::<Vec<_>>(),
            });
            let url = self.api.url("/composite/sobjects");
            // Updates by id are idempotent: one whose answer did not read is sent again.
            let outcomes = self
                .api
                .call(
                    Method::PATCH,
                    &url,
                    Some(&body),
                    &format!("{object} update"),
                    |text| read_collection_results(object, text, chunk.len()),
                )
                .await?;
            out.extend(outcomes);
        }
        Ok(out)
    }
}

/// Reads the per-record results of an sObject Collections write, in request order.
pub fn read_collection_results(
    object: &str,
    body: &str,
    expected: usize,
) -> Result<Vec<PushOutcome>, RemoteError> {
    let malformed = |what: String| RemoteError::Malformed(format!("{object} update: {what}"));
    let results: Vec<Value> = serde_json::from_str(body)
        .map_err(|e| malformed(format!("the answer is not a JSON list ({e})")))?;
    if results.len() != expected {
        return Err(malformed(format!(
            "{} results for {expected} records",
            results.len()
        )));
    }
    results
        .iter()
        .enumerate()
        .map(|(i, r)| match r.get("success").and_then(Value::as_bool) {
            Some(true) => Ok(PushOutcome::Saved),
            Some(false) => {
                let reasons: Vec<String> = r
                    .get("errors")
                    .and_then(Value::as_array)
                    .map(|errors| {
                        errors
                            .iter()
                            .map(|e| {
                                let code =
                                    e.get("statusCode").and_then(Value::as_str).unwrap_or("");
                                let msg = e.get("message").and_then(Value::as_str).unwrap_or("");
                                let fields = e
                                    .get("fields")
                                    .and_then(Value::as_array)
                                    .map(|f| {
                                        f.iter()
                                            .filter_map(Value::as_str)
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    })
                                    .unwrap_or_default();
                                if fields.is_empty() {
                                    format!("{code}: {msg}")
                                } else {
                                    format!("{code}: {msg} ({fields})")
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(PushOutcome::Rejected(if reasons.is_empty() {
                    "refused without a reason".into()
                } else {
                    reasons.join("; ")
                }))
            }
            None => Err(malformed(format!("result {} has no success flag", i + 1))),
        })
        .collect()
}

/// Reads a describe answer's fields.
pub fn read_describe(object: &str, body: &str) -> Result<Describe, RemoteError> {
    #[derive(serde::Deserialize)]
    struct Field {
        name: String,
        label: String,
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        custom: bool,
        #[serde(default)]
        updateable: bool,
    }
    #[derive(serde::Deserialize)]
    struct DescribeBody {
        fields: Vec<Field>,
    }
    let d: DescribeBody = serde_json::from_str(body)
        .map_err(|e| RemoteError::Malformed(format!("{object} describe: {e}")))?;
    Ok(d.fields
        .into_iter()
        .map(|f| models::connectors::RemoteField {
            name: f.name,
            label: f.label,
            kind: f.kind,
            custom: f.custom,
            updateable: f.updateable,
        })
        .collect())
}

impl Session for SalesforceSession {
    fn pull<'a>(
        &'a mut self,
        remote_object: &'a str,
        fields: &'a [String],
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Result<Page, RemoteError>> {
        Box::pin(async move {
            let q = soql::changes(remote_object, fields, cursor);
            self.query("query", remote_object, q).await
        })
    }

    fn pull_deleted<'a>(
        &'a mut self,
        remote_object: &'a str,
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Result<Page, RemoteError>> {
        Box::pin(async move {
            let q = soql::deletions(remote_object, cursor);
            self.query("queryAll", remote_object, q).await
        })
    }

    fn pull_ids<'a>(
        &'a mut self,
        remote_object: &'a str,
        fields: &'a [String],
        ids: &'a [String],
    ) -> BoxFuture<'a, Result<Page, RemoteError>> {
        Box::pin(async move {
            let q = soql::by_ids(remote_object, fields, ids);
            self.query("query", remote_object, q).await
        })
    }

    fn next_page<'a>(
        &'a mut self,
        remote_object: &'a str,
        next: &'a str,
    ) -> BoxFuture<'a, Result<Page, RemoteError>> {
        Box::pin(async move {
            let url = self.api.url(next);
            self.api
                .call(
                    Method::GET,
                    &url,
                    None,
                    &format!("{remote_object} query"),
                    |body| soql::read_page(remote_object, body),
                )
                .await
        })
    }

    fn push<'a>(
        &'a mut self,
        remote_object: &'a str,
        records: &'a [PushRecord],
    ) -> BoxFuture<'a, Result<Vec<PushOutcome>, RemoteError>> {
        Box::pin(self.push_all(remote_object, records))
    }

    fn describe<'a>(
        &'a mut self,
        remote_object: &'a str,
    ) -> BoxFuture<'a, Result<Describe, RemoteError>> {
        Box::pin(async move {
            let url = self.api.url(&format!("/sobjects/{remote_object}/describe"));
            self.api
                .call(
                    Method::GET,
                    &url,
                    None,
                    &format!("{remote_object} describe"),
                    |body| read_describe(remote_object, body),
                )
                .await
        })
    }

    fn choices<'a>(
        &'a mut self,
        remote_object: &'a str,
        field: &'a str,
    ) -> BoxFuture<'a, Result<Vec<RemoteChoice>, RemoteError>> {
        Box::pin(self.read_choices(remote_object, field))
    }

    fn users(&mut self) -> BoxFuture<'_, Result<Vec<RemoteUser>, RemoteError>> {
        Box::pin(async move {
            let q = soql::changes(
                "User",
                &["Email".to_string(), "IsActive".to_string()],
                &Cursor::default(),
            );
            let mut page = self.query("query", "User", q).await?;
            let mut users = Vec::new();
            loop {
                for r in &page.records {
                    let text = |f: &str| r.fields.get(f).and_then(Value::as_str).unwrap_or("");
                    users.push(RemoteUser {
                        id: r.id.clone(),
                        email: text("Email").to_string(),
                        active: r.fields.get("IsActive").and_then(Value::as_bool) == Some(true),
                    });
                }
                let Some(next) = page.next.take() else {
                    return Ok(users);
                };
                page = self.next_page("User", &next).await?;
            }
        })
    }

    fn usage(&self) -> ApiUsage {
        self.api.usage
    }

    fn refreshed_secrets(&self) -> Option<Value> {
        self.api
            .renewed
            .then(|| serde_json::to_value(&self.api.secrets).ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_results_are_read_per_record() {
        let body = r#"[{"id":"00Q1","success":true,"errors":[]},
                       {"success":false,"errors":[{"statusCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","message":"Status: bad value","fields":["Status"]}]}]"#;
        let out = read_collection_results("Lead", body, 2).expect("ok");
        assert_eq!(out[0], PushOutcome::Saved);
        assert_eq!(
            out[1],
            PushOutcome::Rejected(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Status: bad value (Status)".into()
            )
        );
        assert!(read_collection_results("Lead", body, 3).is_err());
        assert!(read_collection_results("Lead", "{}", 1).is_err());
        assert!(read_collection_results("Lead", r#"[{"id":"x"}]"#, 1).is_err());
    }
}
