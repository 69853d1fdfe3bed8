//! Custom fields: per tenant and object, typed, stored as validated JSON on each record.

use super::str_enum;
use crate::AppError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

str_enum!(
    CustomObject {
        Lead => "lead", "Lead";
        Contact => "contact", "Contact";
        Account => "account", "Account";
        Opportunity => "opportunity", "Opportunity";
    }
);

str_enum!(
    CustomFieldKind {
        Text => "text", "Text";
        Number => "number", "Number";
        Date => "date", "Date";
        Select => "select", "Single select";
        MultiSelect => "multi_select", "Multi select";
        Boolean => "boolean", "Yes / no";
        Url => "url", "URL";
    }
);

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub object: CustomObject,
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The choices of a select or multi select.
    pub options: Vec<String>,
}

pub const MAX_TEXT: usize = 1000;

impl CustomField {
    /// The form field name of this custom field, so errors point at its input.
    pub fn field_name(&self) -> String {
        format!("custom.{}", self.key)
    }

    /// Turns typed text into the stored JSON value; `None` when left empty.
    pub fn parse(&self, text: &str) -> Result<Option<Value>, AppError> {
        let field = self.field_name();
        let v = text.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let bad = |m: &str| AppError::validation(&field, format!("{}: {m}", self.label));
        Ok(Some(match self.kind {
            CustomFieldKind::Text => {
                if v.chars().count() > MAX_TEXT {
                    return Err(bad(&format!("must be at most {MAX_TEXT} characters")));
                }
                Value::String(v.to_string())
            }
            CustomFieldKind::Number => {
                let n: f64 = v
                    .replace(',', "")
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite())
                    .ok_or_else(|| bad("must be a number"))?;
                serde_json::Number::from_f64(n)
                    .map(Value::Number)
                    .ok_or_else(|| bad("must be a number"))?
            }
            CustomFieldKind::Date => {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| bad("must be a date as YYYY-MM-DD"))?;
                Value::String(v.to_string())
            }
            CustomFieldKind::Select => {
                if !self.options.iter().any(|o| o == v) {
                    return Err(bad(&format!("must be one of {}", self.options.join(", "))));
                }
                Value::String(v.to_string())
            }
            CustomFieldKind::MultiSelect => {
                let mut chosen = Vec::new();
                for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if !self.options.iter().any(|o| o == part) {
                        return Err(bad(&format!(
                            "{part:?} is not one of {}",
                            self.options.join(", ")
                        )));
                    }
                    if !chosen.contains(&Value::String(part.to_string())) {
                        chosen.push(Value::String(part.to_string()));
                    }
                }
                Value::Array(chosen)
            }
            CustomFieldKind::Boolean => match v.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Value::Bool(true),
                "false" | "no" | "off" | "0" => Value::Bool(false),
                _ => return Err(bad("must be yes or no")),
            },
            CustomFieldKind::Url => {
                let ok = (v.starts_with("https://") || v.starts_with("http://"))
                    && v.len() <= 2000
                    && !v.chars().any(|c| c.is_whitespace() || c.is_control())
                    && v.split("://").nth(1).is_some_and(|rest| rest.contains('.'));
                if !ok {
                    return Err(bad("must be a web address starting with https://"));
                }
                Value::String(v.to_string())
            }
        }))
    }
}

/// The key a label becomes: "Deal tier" → `deal_tier`.
pub fn key_of(label: &str) -> String {
    let mut key = String::new();
    for c in label.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key = key.trim_end_matches('_').to_string();
    if key.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{key}")
    } else {
        key
    }
}

/// Validates typed values against the definitions: unknown keys are an error, empty values
/// are dropped. Gives the JSON object to store.
pub fn validate_values(
    defs: &[CustomField],
    values: &BTreeMap<String, String>,
) -> Result<Value, AppError> {
    let mut out = Map::new();
    for (key, text) in values {
        let def = defs.iter().find(|d| &d.key == key).ok_or_else(|| {
            AppError::validation(
                format!("custom.{key}"),
                "is not a custom field of this object",
            )
        })?;
        if let Some(v) = def.parse(text)? {
            out.insert(key.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

/// Stored values back as the text a form shows (multi selects comma-separated).
pub fn values_as_text(custom: &Value) -> BTreeMap<String, String> {
    let Some(obj) = custom.as_object() else {
        return BTreeMap::new();
    };
    obj.iter()
        .map(|(k, v)| (k.clone(), value_as_text(v)))
        .collect()
}

/// One stored value as text.
pub fn value_as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) => items
            .iter()
            .map(value_as_text)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(kind: CustomFieldKind, options: &[&str]) -> CustomField {
        CustomField {
            object: CustomObject::Lead,
            key: "f".into(),
            label: "F".into(),
            kind,
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn each_kind_validates() {
        use CustomFieldKind::*;
        assert_eq!(
            def(Number, &[]).parse("1,200.5"),
            Ok(Some(serde_json::json!(1200.5)))
        );
        assert!(def(Number, &[]).parse("lots").is_err());
        assert!(def(Date, &[]).parse("2026-02-30").is_err());
        assert_eq!(
            def(Select, &["a", "b"]).parse("b"),
            Ok(Some(serde_json::json!("b")))
        );
        assert!(def(Select, &["a", "b"]).parse("c").is_err());
        assert_eq!(
            def(MultiSelect, &["a", "b"]).parse("b, a, b"),
            Ok(Some(serde_json::json!(["b", "a"])))
        );
        assert_eq!(
            def(Boolean, &[]).parse("Yes"),
            Ok(Some(serde_json::json!(true)))
        );
        assert!(def(Url, &[]).parse("javascript:alert(1)").is_err());
        assert_eq!(def(Text, &[]).parse("  "), Ok(None));
        let err = def(Number, &[]).parse("x").expect_err("an error");
        assert_eq!(err.field(), Some("custom.f"));
        let unknown = validate_values(&[], &BTreeMap::from([("nope".into(), "1".into())]));
        assert_eq!(unknown.expect_err("an error").field(), Some("custom.nope"));
    }
}
