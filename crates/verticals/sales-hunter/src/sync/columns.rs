//! The fields connectors may fill on each sales object: their local keys, the columns behind
//! them and how a pulled value is checked and normalised, so that a value read back from the
//! table compares equal to the same value pulled again.

use crate::fields;
use models::connectors::{LocalField, LocalFieldKind, SyncObject};
use models::sales::custom_field::{CustomField, CustomFieldKind};
use models::sales::lead::LeadStatus;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text of at most this many characters ('' when empty).
    Text(usize),
    /// A lower-cased e-mail address.
    Email,
    /// A domain, also from a website URL.
    Domain,
    /// A whole number ≥ 0.
    Count,
    /// An amount in major units; stored in minor units (`<column>` is the `_minor` one).
    Money,
    /// YYYY-MM-DD.
    Date,
    /// A lead status.
    Status,
    /// The lead score: computed here, so it can only be pushed.
    Score,
    /// Another synced record's local id.
    Reference(SyncObject),
    /// A pipeline stage, by name.
    Stage,
    /// The owner: a member's user id (the sync matches remote users with members).
    Owner,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub column: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn col(key: &'static str, label: &'static str, kind: Kind) -> Column {
    Column {
        key,
        label,
        column: key,
        kind,
        required: false,
    }
}

const fn required(mut c: Column) -> Column {
    c.required = true;
    c
}

const fn stored_as(mut c: Column, column: &'static str) -> Column {
    c.column = column;
    c
}

pub const ACCOUNT: &[Column] = &[
    required(col("name", "Name", Kind::Text(200))),
    col("domain", "Domain", Kind::Domain),
    col("industry", "Industry", Kind::Text(100)),
    col("employee_count", "Employees", Kind::Count),
    stored_as(
        col("annual_revenue", "Annual revenue", Kind::Money),
        "annual_revenue_minor",
    ),
    col("country", "Country", Kind::Text(100)),
    col("region", "Region", Kind::Text(100)),
    stored_as(col("owner", "Owner", Kind::Owner), "owner_id"),
];

pub const CONTACT: &[Column] = &[
    col("first_name", "First name", Kind::Text(100)),
    required(col("last_name", "Last name", Kind::Text(100))),
    col("title", "Title", Kind::Text(200)),
    col("seniority", "Seniority", Kind::Text(50)),
    col("email", "E-mail", Kind::Email),
    col("phone", "Phone", Kind::Text(50)),
    col("linkedin_url", "LinkedIn URL", Kind::Text(500)),
    stored_as(
        col("account", "Account", Kind::Reference(SyncObject::Account)),
        "account_id",
    ),
    stored_as(col("owner", "Owner", Kind::Owner), "owner_id"),
];

pub const LEAD: &[Column] = &[
    col("first_name", "First name", Kind::Text(100)),
    required(col("last_name", "Last name", Kind::Text(100))),
    col("email", "E-mail", Kind::Email),
    col("phone", "Phone", Kind::Text(50)),
    col("title", "Title", Kind::Text(200)),
    col("company", "Company", Kind::Text(200)),
    col("domain", "Domain", Kind::Domain),
    col("industry", "Industry", Kind::Text(100)),
    col("employee_count", "Employees", Kind::Count),
    col("country", "Country", Kind::Text(100)),
    col("source", "Source", Kind::Text(60)),
    col("status", "Status", Kind::Status),
    col("score", "Score (push only)", Kind::Score),
    stored_as(col("owner", "Owner", Kind::Owner), "owner_id"),
];

pub const OPPORTUNITY: &[Column] = &[
    required(col("name", "Name", Kind::Text(200))),
    stored_as(
        col("account", "Account", Kind::Reference(SyncObject::Account)),
        "account_id",
    ),
    stored_as(col("amount", "Amount", Kind::Money), "amount_minor"),
    required(col("close_date", "Close date", Kind::Date)),
    required(stored_as(col("stage", "Stage", Kind::Stage), "stage_id")),
    col("next_step", "Next step", Kind::Text(500)),
    stored_as(col("owner", "Owner", Kind::Owner), "owner_id"),
];

pub fn columns(object: SyncObject) -> &'static [Column] {
    match object {
        SyncObject::Account => ACCOUNT,
        SyncObject::Contact => CONTACT,
        SyncObject::Lead => LEAD,
        SyncObject::Opportunity => OPPORTUNITY,
    }
}

impl Column {
    pub fn local_field(&self) -> LocalField {
        let kind = match self.kind {
            Kind::Text(_) | Kind::Email | Kind::Domain | Kind::Stage => LocalFieldKind::Text,
            Kind::Count | Kind::Money | Kind::Score => LocalFieldKind::Number,
            Kind::Date => LocalFieldKind::Date,
            Kind::Status => LocalFieldKind::Choice(
                LeadStatus::ALL
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
            ),
            Kind::Reference(o) => LocalFieldKind::Reference(o),
            Kind::Owner => LocalFieldKind::User,
        };
        LocalField {
            key: self.key.to_string(),
            label: self.label.to_string(),
            kind,
            required: self.required,
        }
    }

    /// The SQL a new record takes for this column when no value is given.
    pub fn default_sql(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Text(_) | Kind::Email | Kind::Domain => Some("''"),
            Kind::Status => Some("'new'"),
            Kind::Score => Some("0"),
            Kind::Money if self.column == "amount_minor" => Some("0"),
            _ => None,
        }
    }

    /// The local value of a stored column (`row` is the record as JSON).
    pub fn read(&self, row: &Value, stage_name: Option<&str>) -> Value {
        let v = row.get(self.column).cloned().unwrap_or(Value::Null);
        match self.kind {
            Kind::Money => v
                .as_i64()
                .map_or(Value::Null, |minor| json_number(minor as f64 / 100.0)),
            Kind::Stage => stage_name.map_or(Value::Null, |s| Value::String(s.to_string())),
            _ => v,
        }
    }
}

fn json_number(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// A JSON value as text (numbers without a needless `.0`).
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(value: &Value) -> Result<Option<f64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_f64().map(Some).ok_or_else(|| "is not a number".into()),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{s:?} is not a number")),
        other => Err(format!("{other} is not a number")),
    }
}

/// Checks and normalises a pulled value for a standard column.
pub fn normalize(column: &Column, value: Value) -> Result<Value, String> {
    let text = as_text(&value);
    if matches!(value, Value::Array(_) | Value::Object(_)) {
        return Err("is not a single value".into());
    }
    let empty = text.as_deref().is_none_or(|t| t.trim().is_empty());
    if empty && column.required {
        return Err("is required".into());
    }
    let t = text.unwrap_or_default();
    let msg = |e: models::AppError| match e {
        models::AppError::Validation { message, .. } => message,
        other => other.to_string(),
    };
    Ok(match column.kind {
        Kind::Text(max) => Value::String(fields::text(column.key, &t, max).map_err(msg)?),
        Kind::Email => Value::String(fields::optional_email(column.key, &t).map_err(msg)?),
        Kind::Domain => Value::String(fields::domain(column.key, &t).map_err(msg)?),
        Kind::Count => match number(&value)? {
            None => Value::Null,
            Some(n) if (0.0..=10_000_000.0).contains(&n) && n.fract() == 0.0 => {
                Value::from(n as i64)
            }
            Some(n) => return Err(format!("{n} is not a whole number from 0 to 10,000,000")),
        },
        Kind::Money => match number(&value)? {
            None => Value::Null,
            Some(n) if (0.0..1e15).contains(&n) => json_number((n * 100.0).round() / 100.0),
            Some(n) => return Err(format!("{n} is not an amount of 0 or more")),
        },
        Kind::Score => {
            return Err("the score is computed here: map it to push only".into());
        }
        Kind::Date => {
            if empty {
                Value::Null
            } else {
                let d = t.get(..10).unwrap_or(&t);
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("{t:?} is not a date (YYYY-MM-DD)"))?;
                Value::String(d.to_string())
            }
        }
        Kind::Status => {
            if empty {
                Value::String(LeadStatus::New.as_str().into())
            } else {
                LeadStatus::parse(t.trim())
                    .map(|s| Value::String(s.as_str().into()))
                    .ok_or_else(|| format!("{t:?} is not a lead status here"))?
            }
        }
        Kind::Stage => {
            let name = fields::text(column.key, &t, 60).map_err(msg)?;
            Value::String(name)
        }
        // Resolved by the sync from remote ids to members' ids before it gets here.
        Kind::Reference(_) | Kind::Owner => value,
    })
}

/// A custom field as a connector sees it.
pub fn custom_local_field(def: &CustomField) -> LocalField {
    let kind = match def.kind {
        CustomFieldKind::Number => LocalFieldKind::Number,
        CustomFieldKind::Date => LocalFieldKind::Date,
        CustomFieldKind::Boolean => LocalFieldKind::Boolean,
        CustomFieldKind::Select => LocalFieldKind::Choice(def.options.clone()),
        CustomFieldKind::MultiSelect => LocalFieldKind::MultiChoice(def.options.clone()),
        CustomFieldKind::Text | CustomFieldKind::Url => LocalFieldKind::Text,
    };
    LocalField {
        key: def.field_name(),
        label: def.label.clone(),
        kind,
        required: false,
    }
}

/// The custom field behind a connector's field (`custom.<key>`).
pub fn custom_definition(field: &LocalField) -> Option<CustomField> {
    let key = field.key.strip_prefix("custom.")?;
    let (kind, options) = match &field.kind {
        LocalFieldKind::Number => (CustomFieldKind::Number, Vec::new()),
        LocalFieldKind::Date => (CustomFieldKind::Date, Vec::new()),
        LocalFieldKind::Boolean => (CustomFieldKind::Boolean, Vec::new()),
        LocalFieldKind::Choice(o) => (CustomFieldKind::Select, o.clone()),
        LocalFieldKind::MultiChoice(o) => (CustomFieldKind::MultiSelect, o.clone()),
        LocalFieldKind::Text => (CustomFieldKind::Text, Vec::new()),
        LocalFieldKind::Reference(_) | LocalFieldKind::User => return None,
    };
    Some(CustomField {
        object: models::sales::custom_field::CustomObject::Lead,
        key: key.to_string(),
        label: field.label.clone(),
        kind,
        options,
    })
}

/// Checks and normalises a pulled value for a custom field, as a form's text would be: the
/// stored JSON is then the same whichever way the value came. Salesforce's multi-select
/// picklists (`A;B`) become lists.
pub fn normalize_custom(def: &CustomField, value: Value) -> Result<Value, String> {
    let text = match &value {
        Value::Array(items) => items
            .iter()
            .filter_map(as_text)
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => return Err("is not a single value".into()),
        other => as_text(other).unwrap_or_default(),
    };
    let text = if def.kind == CustomFieldKind::MultiSelect {
        text.replace(';', ",")
    } else {
        text
    };
    match def.parse(&text) {
        Ok(v) => Ok(v.unwrap_or(Value::Null)),
        Err(models::AppError::Validation { message, .. }) => Err(message),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn find(object: SyncObject, key: &str) -> Column {
        *columns(object).iter().find(|c| c.key == key).expect("ok")
    }

    #[test]
    fn pulled_values_are_normalised_as_the_table_keeps_them() {
        let email = find(SyncObject::Lead, "email");
        assert_eq!(
            normalize(&email, json!("Ada@Example.COM")).expect("ok"),
            json!("ada@example.com")
        );
        assert!(normalize(&email, json!("not an address")).is_err());
        let domain = find(SyncObject::Lead, "domain");
        assert_eq!(
            normalize(&domain, json!("https://www.example.com/about")).expect("ok"),
            json!("example.com")
        );
        let last = find(SyncObject::Lead, "last_name");
        assert_eq!(
            normalize(&last, json!(null)).expect_err("an error"),
            "is required"
        );
        assert!(normalize(&last, json!("x".repeat(101)))
            .expect_err("an error")
            .contains("100"));
        let count = find(SyncObject::Lead, "employee_count");
        assert_eq!(normalize(&count, json!(250.0)).expect("ok"), json!(250));
        assert!(normalize(&count, json!(-1)).is_err());
        let amount = find(SyncObject::Opportunity, "amount");
        assert_eq!(
            normalize(&amount, json!(12000.505)).expect("ok"),
            json!(12000.51)
        );
        assert_eq!(
            amount.read(&json!({"amount_minor": 1200051}), None),
            json!(12000.51)
        );
        let close = find(SyncObject::Opportunity, "close_date");
        assert_eq!(
            normalize(&close, json!("2026-12-31")).expect("ok"),
            json!("2026-12-31")
        );
        assert!(normalize(&close, json!("31/12/2026")).is_err());
        let status = find(SyncObject::Lead, "status");
        assert_eq!(
            normalize(&status, json!("working")).expect("ok"),
            json!("working")
        );
        assert!(normalize(&status, json!("Open - Not Contacted")).is_err());
        assert!(normalize(&find(SyncObject::Lead, "title"), json!({"a": 1})).is_err());
    }

    #[test]
    fn custom_values_are_stored_as_forms_store_them() {
        let def = |kind, options: &[&str]| CustomField {
            object: models::sales::custom_field::CustomObject::Lead,
            key: "tier".into(),
            label: "Tier".into(),
            kind,
            options: options.iter().map(|s| s.to_string()).collect(),
        };
        let multi = def(CustomFieldKind::MultiSelect, &["A", "B", "C"]);
        assert_eq!(
            normalize_custom(&multi, json!("A;C")).expect("ok"),
            json!(["A", "C"])
        );
        assert!(normalize_custom(&multi, json!("A;Z")).is_err());
        let num = def(CustomFieldKind::Number, &[]);
        assert_eq!(normalize_custom(&num, json!(3)).expect("ok"), json!(3.0));
        assert_eq!(
            normalize_custom(&num, json!(null)).expect("ok"),
            json!(null)
        );
        let yes = def(CustomFieldKind::Boolean, &[]);
        assert_eq!(
            normalize_custom(&yes, json!(true)).expect("ok"),
            json!(true)
        );
    }
}
