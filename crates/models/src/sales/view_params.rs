//! The URL grammar every list page shares (leads, accounts, contacts): the search box, whose
//! records, created dates, direction and custom-field filters. Each list's query type
//! (`LeadQuery`, `RecordQuery`) reads and writes its parameters with these, so a link means
//! the same on every list.

use crate::url::encode;
use crate::{AppError, UserId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest search, in characters.
pub const MAX_SEARCH: usize = 100;
/// At most this many `cf.<key>` filters are read.
pub const MAX_CUSTOM_FILTERS: usize = 10;

/// Whose records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwnerFilter {
    Me,
    Unassigned,
    User(UserId),
}

impl OwnerFilter {
    /// `me`, `none` or a user id.
    pub fn parse(v: &str) -> Result<OwnerFilter, AppError> {
        Ok(match v {
            "me" => OwnerFilter::Me,
            "none" => OwnerFilter::Unassigned,
            id => OwnerFilter::User(
                id.parse()
                    .map_err(|_| AppError::validation("owner", "must be me, none or a user id"))?,
            ),
        })
    }

    pub fn param(self) -> String {
        match self {
            OwnerFilter::Me => "me".into(),
            OwnerFilter::Unassigned => "none".into(),
            OwnerFilter::User(u) => u.to_string(),
        }
    }
}

/// The `q` parameter, checked for length.
pub fn parse_search(v: &str) -> Result<String, AppError> {
    if v.chars().count() > MAX_SEARCH {
        return Err(AppError::validation(
            "q",
            format!("must be at most {MAX_SEARCH} characters"),
        ));
    }
    Ok(v.to_string())
}

pub fn parse_date(field: &str, v: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| AppError::validation(field, "must be a date as YYYY-MM-DD"))
}

/// `dir=asc|desc`: true for descending.
pub fn parse_dir(v: &str) -> Result<bool, AppError> {
    match v {
        "asc" => Ok(false),
        "desc" => Ok(true),
        _ => Err(AppError::validation("dir", "must be asc or desc")),
    }
}

/// A `to` date before the `from` date is an error on `to`.
pub fn check_dates(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), AppError> {
    match (from, to) {
        (Some(a), Some(b)) if a > b => Err(AppError::validation(
            "to",
            "must not be before the from date",
        )),
        _ => Ok(()),
    }
}

/// `k=v&…`, each part encoded.
pub fn join_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `/base`, or `/base?query` when there is one.
pub fn with_query(base: &str, query: &str) -> String {
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}
