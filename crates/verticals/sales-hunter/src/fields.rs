//! Cleaning typed input into column values, each error naming its form field.

use chrono::NaiveDate;
use models::{AppError, UserId};

/// Optional text: trimmed, at most `max` characters, no control characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_string())
}

/// Required text.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = text(field, value, max)?;
    if v.is_empty() {
        return Err(AppError::validation(field, "is required"));
    }
    Ok(v)
}

/// An optional e-mail address, lower-cased.
pub fn optional_email(field: &str, value: &str) -> Result<String, AppError> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        models::validate::email(field, value)
    }
}

/// An optional web domain, from "Example.com", "https://www.example.com/x" or an e-mail.
pub fn domain(field: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim().to_lowercase();
    let v = v.rsplit('@').next().unwrap_or_default();
    let v = v
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    let v = v.split(['/', '?', '#']).next().unwrap_or_default();
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = v.len() <= 253
        && v.contains('.')
        && !v.starts_with(['.', '-'])
        && !v.ends_with(['.', '-'])
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !ok {
        return Err(AppError::validation(
            field,
            "is not a web domain such as example.com",
        ));
    }
    Ok(v.to_string())
}

/// The domain of an e-mail address, unless it is a free-mail provider.
pub fn company_domain_of_email(email: &str) -> Option<String> {
    const FREE: [&str; 8] = [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "icloud.com",
        "aol.com",
        "proton.me",
    ];
    let d = email.rsplit_once('@')?.1;
    (!FREE.contains(&d)).then(|| d.to_string())
}

/// An optional whole number within `0..=max`.
pub fn count(field: &str, value: &str, max: i64) -> Result<Option<i32>, AppError> {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i64>()
        .ok()
        .filter(|n| (0..=max).contains(n))
        .map(|n| Some(n as i32))
        .ok_or_else(|| {
            AppError::validation(field, format!("must be a whole number from 0 to {max}"))
        })
}

/// A required date, `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> Result<NaiveDate, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::validation(field, "is required"));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| AppError::validation(field, "must be a date as YYYY-MM-DD"))
}

/// An optional user id (empty: none).
pub fn user(field: &str, value: &str) -> Result<Option<UserId>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| AppError::validation(field, "is not a member of this organisation"))
}

/// A three-letter currency code.
pub fn currency(field: &str, value: &str, default: &str) -> Result<String, AppError> {
    let v = value.trim().to_uppercase();
    if v.is_empty() {
        return Ok(default.to_string());
    }
    if v.len() == 3 && v.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(v)
    } else {
        Err(AppError::validation(
            field,
            "must be a three-letter currency code such as USD",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_cleaned() {
        assert_eq!(
            domain("d", "https://www.Example.com/about").expect("ok"),
            "example.com"
        );
        assert_eq!(domain("d", "ada@acme.io").expect("ok"), "acme.io");
        assert_eq!(domain("d", "").expect("ok"), "");
        assert!(domain("d", "not a domain").is_err());
        assert_eq!(company_domain_of_email("a@gmail.com"), None);
        assert_eq!(
            company_domain_of_email("a@acme.io").as_deref(),
            Some("acme.io")
        );
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(count("n", "1,200", 1_000_000).expect("ok"), Some(1200));
        assert!(count("n", "-1", 10).is_err());
        assert!(count("n", "many", 10).is_err());
        assert!(date("d", "2026-13-01").is_err());
        assert_eq!(currency("c", "eur", "USD").expect("ok"), "EUR");
        assert!(currency("c", "EURO", "USD").is_err());
    }
}
