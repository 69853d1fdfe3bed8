//! Input rules shared by the forms and the server, so both give the same message.
//!
//! Each function returns the cleaned value or a validation error naming the field.

use crate::AppError;

pub const MAX_NAME: usize = 100;
pub const MAX_EMAIL: usize = 254;
pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 128;

/// A person's or an organisation's name: trimmed, 1..=100 characters, no control characters.
pub fn name(field: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::validation(field, "is required"));
    }
    if v.chars().count() > MAX_NAME {
        return Err(AppError::validation(
            field,
            format!("must be at most {MAX_NAME} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_string())
}

/// An e-mail address, trimmed and lower-cased. Deliberately simple: one `@`, a dotted domain,
/// no spaces. Delivery is the real test.
pub fn email(field: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        return Err(AppError::validation(field, "is required"));
    }
    if v.len() > MAX_EMAIL {
        return Err(AppError::validation(
            field,
            format!("must be at most {MAX_EMAIL} characters"),
        ));
    }
    let malformed = || AppError::validation(field, "is not a valid e-mail address");
    let (local, domain) = v.split_once('@').ok_or_else(malformed)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@');
    if !(domain_ok && local_ok) {
        return Err(malformed());
    }
    Ok(v)
}

/// A new password: 10..=128 characters. Length beats composition rules.
pub fn new_password(field: &str, value: &str) -> Result<String, AppError> {
    let n = value.chars().count();
    if n == 0 {
        return Err(AppError::validation(field, "is required"));
    }
    if n < MIN_PASSWORD {
        return Err(AppError::validation(
            field,
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(AppError::validation(
            field,
            format!("must be at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", "  Ada@Example.COM ").as_deref(),
            Ok("ada@example.com")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@exa mple.com",
            "ada@.example.com",
            "ada@example..com",
        ] {
            let err = email("email", bad).expect_err(bad);
            assert_eq!(err.field(), Some("email"), "{bad}");
        }
        assert!(email("email", &format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(name("name", "  Ada  ").as_deref(), Ok("Ada"));
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"x".repeat(101)).is_err());
        assert!(name("name", "a\u{0}b").is_err());
    }

    #[test]
    fn passwords() {
        assert!(new_password("password", "short").is_err());
        assert!(new_password("password", "long enough!").is_ok());
        assert!(new_password("password", &"x".repeat(129)).is_err());
    }
}
