//! Request bodies: a JSON object whose fields are laid over a record's current input, so a
//! `PATCH` changes only what it names and a `POST` starts from empty fields. The inputs are
//! the pages' form types (every field text, so a wrong value is a field error that names
//! it); numbers and booleans are taken as their text, `null` as empty.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use models::AppError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::ApiError;

/// A request body that is one JSON object.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json"));
        if !json {
            return Err(AppError::validation(
                "body",
                "send JSON, with Content-Type: application/json",
            )
            .into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            AppError::validation("body", "could not be read (too large, or cut short)")
        })?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(fields)) => Ok(JsonObject(fields)),
            Ok(_) => Err(AppError::validation("body", "must be a JSON object").into()),
            Err(e) => Err(AppError::validation("body", format!("is not valid JSON: {e}")).into()),
        }
    }
}

fn as_text(field: &str, v: Value) -> Result<Value, AppError> {
    match v {
        Value::String(_) => Ok(v),
        Value::Null => Ok(Value::String(String::new())),
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        Value::Array(_) | Value::Object(_) => Err(AppError::validation(
            field,
            "must be text, a number or null",
        )),
    }
}

/// `base` with `body`'s fields laid over it. A field `base` does not have is an error
/// naming it; `custom` is merged key by key.
pub fn overlay<I: Serialize + DeserializeOwned>(
    base: &I,
    body: Map<String, Value>,
    what: &str,
) -> Result<I, AppError> {
    let internal = |e: serde_json::Error| {
        tracing::error!(error = %e, what, "an input type did not round-trip through JSON");
        AppError::validation("body", "could not be read")
    };
    let Value::Object(mut fields) = serde_json::to_value(base).map_err(internal)? else {
        return Err(AppError::validation("body", "could not be read"));
    };
    for (key, value) in body {
        let Some(slot) = fields.get_mut(&key) else {
            return Err(AppError::validation(
                key,
                format!("is not a field of {what}"),
            ));
        };
        match (slot, value) {
            (Value::Object(custom), Value::Object(given)) => {
                for (k, v) in given {
                    let v = as_text(&format!("custom.{k}"), v)?;
                    custom.insert(k, v);
                }
            }
            (Value::Object(_), Value::Null) => {}
            (Value::Object(_), _) => {
                return Err(AppError::validation(
                    key,
                    "must be an object of field keys and values",
                ))
            }
            (slot, value) => *slot = as_text(&key, value)?,
        }
    }
    serde_json::from_value(Value::Object(fields)).map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::sales::lead::LeadInput;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn only_named_fields_change_and_numbers_become_text() {
        let mut base = LeadInput {
            first_name: "Ada".into(),
            email: "ada@example.com".into(),
            ..LeadInput::default()
        };
        base.custom.insert("tier".into(), "gold".into());
        let out = overlay(
            &base,
            object(json!({"employee_count": 250, "phone": null, "custom": {"region": "EMEA"}})),
            "a lead",
        )
        .expect("laid over");
        assert_eq!(out.first_name, "Ada");
        assert_eq!(out.employee_count, "250");
        assert_eq!(out.custom.get("tier").map(String::as_str), Some("gold"));
        assert_eq!(out.custom.get("region").map(String::as_str), Some("EMEA"));
    }

    #[test]
    fn unknown_fields_and_wrong_shapes_name_their_field() {
        let base = LeadInput::default();
        let err =
            overlay(&base, object(json!({"fist_name": "Ada"})), "a lead").expect_err("unknown");
        assert_eq!(err.field(), Some("fist_name"));
        let err = overlay(&base, object(json!({"email": ["a"]})), "a lead").expect_err("array");
        assert_eq!(err.field(), Some("email"));
        let err =
            overlay(&base, object(json!({"custom": {"x": {}}})), "a lead").expect_err("nested");
        assert_eq!(err.field(), Some("custom.x"));
    }
}
