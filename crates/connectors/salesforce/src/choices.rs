//! An org's opportunity stages (`OpportunityStage`) and lead statuses (`LeadStatus`): the
//! setup objects behind the `StageName` and `Status` picklists, with what each value means.

use crate::session::SalesforceSession;
use crate::soql;
use connector_api::{Cursor, RemoteError, RemoteRecord, Session};
use models::connectors::RemoteChoice;
use serde_json::Value;

/// The setup object behind a picklist field, and the fields to read of it.
fn source(object: &str, field: &str) -> Option<(&'static str, &'static [&'static str])> {
    match (object, field) {
        ("Opportunity", "StageName") => Some((
            "OpportunityStage",
            &[
                "ApiName",
                "MasterLabel",
                "SortOrder",
                "IsActive",
                "DefaultProbability",
                "ForecastCategoryName",
                "IsClosed",
                "IsWon",
            ],
        )),
        ("Lead", "Status") => Some((
            "LeadStatus",
            &[
                "ApiName",
                "MasterLabel",
                "SortOrder",
                "IsConverted",
                "IsDefault",
            ],
        )),
        _ => None,
    }
}

/// A setup record as a choice; `None` for an inactive one.
fn choice(r: &RemoteRecord) -> Option<(i64, RemoteChoice)> {
    let text = |f: &str| r.fields.get(f).and_then(Value::as_str).unwrap_or("");
    let flag = |f: &str| r.fields.get(f).and_then(Value::as_bool) == Some(true);
    if r.fields.get("IsActive").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    let label = text("MasterLabel");
    let value = match text("ApiName") {
        "" => label,
        api => api,
    };
    let order = r
        .fields
        .get("SortOrder")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    Some((
        order,
        RemoteChoice {
            value: value.to_string(),
            label: label.to_string(),
            probability: r
                .fields
                .get("DefaultProbability")
                .and_then(Value::as_f64)
                .map(|p| p.round().clamp(0.0, 100.0) as i16),
            forecast_category: text("ForecastCategoryName").to_string(),
            closed: flag("IsClosed"),
            won: flag("IsWon"),
            converted: flag("IsConverted"),
            default: flag("IsDefault"),
        },
    ))
}

impl SalesforceSession {
    pub(crate) async fn read_choices(
        &mut self,
        object: &str,
        field: &str,
    ) -> Result<Vec<RemoteChoice>, RemoteError> {
        let Some((setup, fields)) = source(object, field) else {
            return Ok(Vec::new());
        };
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let q = soql::changes(setup, &fields, &Cursor::default());
        let mut page = self.query("query", setup, q).await?;
        let mut out = Vec::new();
        loop {
            out.extend(page.records.iter().filter_map(choice));
            let Some(next) = page.next.take() else { break };
            page = self.next_page(setup, &next).await?;
        }
        out.sort_by_key(|(order, _)| *order);
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn stages_and_statuses_read_with_their_meaning() {
        let record = |fields: Value| RemoteRecord {
            id: "01J1".into(),
            modified: Utc::now(),
            created: None,
            fields: fields.as_object().cloned().unwrap_or_default(),
        };
        let (order, won) = choice(&record(serde_json::json!({
            "ApiName": "Closed Won", "MasterLabel": "Closed Won", "SortOrder": 9,
            "IsActive": true, "DefaultProbability": 100.0, "ForecastCategoryName": "Closed",
            "IsClosed": true, "IsWon": true})))
        .expect("active");
        assert_eq!(order, 9);
        assert_eq!(won.probability, Some(100));
        assert!(won.closed && won.won && !won.converted);
        assert!(choice(&record(
            serde_json::json!({"MasterLabel": "Old", "IsActive": false})
        ))
        .is_none());
        let (_, status) = choice(&record(serde_json::json!({
            "MasterLabel": "Closed - Converted", "SortOrder": 3, "IsConverted": true})))
        .expect("a status");
        assert_eq!(status.value, "Closed - Converted");
        assert!(status.converted && status.probability.is_none());
        assert_eq!(source("Account", "Industry"), None);
    }
}
