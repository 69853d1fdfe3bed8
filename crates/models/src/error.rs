//! The one error type that crosses the wire.
//!
//! Every variant is safe to show a user: server-side causes (database text, panics, I/O) are
//! logged where they happen and replaced by `Internal` with a reference the logs can be searched
//! for.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use std::fmt;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to this tenant).
    NotFound { what: String },
    /// No valid session: sign in first.
    Unauthorized,
    /// Signed in, but the role does not allow this.
    Forbidden { message: String },
    /// One input is wrong; `field` names the form field so the form can mark it.
    Validation { field: String, message: String },
    /// The change clashes with the current state (a duplicate, the last owner, ...).
    Conflict { message: String },
    /// Too many attempts in a short time; try again after `retry_after_secs`.
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    /// A plan or usage limit is reached.
    QuotaExceeded { message: String },
    /// A dependency (the database, a remote service) cannot be reached right now.
    Unavailable { message: String },
    /// Something failed on the server; `reference` finds the cause in the logs.
    Internal { reference: String },
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden {
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    pub fn quota_exceeded(message: impl Into<String>) -> Self {
        Self::QuotaExceeded {
            message: message.into(),
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::Unavailable {
            message: message.into(),
        }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message for `field`, if this error is about that field.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error maps to.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::Unauthorized => 401,
            Self::Forbidden { .. } => 403,
            Self::Validation { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::RateLimited { .. } => 429,
            Self::QuotaExceeded { .. } => 402,
            Self::Unavailable { .. } => 503,
            Self::Internal { .. } => 500,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound { what } => write!(f, "{what} was not found."),
            Self::Unauthorized => f.write_str("Please sign in to continue."),
            Self::Forbidden { message }
            | Self::Conflict { message }
            | Self::RateLimited { message, .. }
            | Self::QuotaExceeded { message }
            | Self::Unavailable { message } => f.write_str(message),
            Self::Validation { field, message } => write!(f, "{field}: {message}"),
            Self::Internal { reference } => write!(
                f,
                "Something went wrong on our side. If it persists, quote reference {reference}."
            ),
        }
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::unavailable(
                "The server could not be reached. Check your connection and try again.",
            ),
            ServerFnErrorErr::MissingArg(field) => Self::validation(field, "is required"),
            // The request body did not decode: bytes that are not a form, a missing field, a
            // value of the wrong type. The caller's mistake, named as precisely as serde says.
            // In the browser, Deserialization means the server's answer was unreadable (an empty
            // 503 from a timeout, a proxy's error page): the server is not answering properly.
            ServerFnErrorErr::Deserialization(_) if cfg!(target_arch = "wasm32") => {
                Self::unavailable("The server's answer could not be read. Try again in a moment.")
            }
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                match missing_field(&message) {
                    Some(field) => Self::validation(field, "is required"),
                    None => Self::validation(
                        "form",
                        format!("could not be read: {}", first_line(&message)),
                    ),
                }
            }
            ServerFnErrorErr::UnsupportedRequestMethod(_) | ServerFnErrorErr::Registration(_) => {
                Self::not_found("That action")
            }
            // Serialisation or server text: never shown raw.
            _ => Self::Internal {
                reference: "server-fn".into(),
            },
        }
    }
}

/// The field in serde's "missing field `name`" message.
fn missing_field(message: &str) -> Option<String> {
    let rest = &message[message.find("missing field `")? + "missing field `".len()..];
    let name = &rest[..rest.find('`')?];
    (!name.is_empty()).then(|| name.to_string())
}

/// Decoder messages can be long and quote the input; the first line is enough.
fn first_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_name_their_field() {
        let e = AppError::validation("email", "is not a valid e-mail address");
        assert_eq!(e.field(), Some("email"));
        assert_eq!(
            e.message_for("email").as_deref(),
            Some("is not a valid e-mail address")
        );
        assert_eq!(e.message_for("password"), None);
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn round_trips_through_the_wire_encoding() {
        let e = AppError::RateLimited {
            message: "slow down".into(),
            retry_after_secs: 60,
        };
        let back = AppError::de(e.ser());
        assert_eq!(back, e);
    }

    #[test]
    fn undecodable_bodies_are_validation_errors() {
        let e =
            AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `email`".into()));
        assert_eq!(e.field(), Some("email"));
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "invalid utf-8 sequence".into(),
        ));
        assert_eq!(e.field(), Some("form"));
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn internal_errors_show_only_a_reference() {
        let text = AppError::Internal {
            reference: "r-123".into(),
        }
        .to_string();
        assert!(text.contains("r-123"));
        assert!(!text.to_lowercase().contains("sql"));
    }
}
