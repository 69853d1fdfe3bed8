//! The view of the leads table — search, filters, sort, page — as it lives in the URL.
//!
//! The page's query string is the view: bookmarks, shared links, saved views and back/forward
//! all carry it, and the server parses the very same string, so there is one grammar.
//! `q=acme&status=working&owner=me&source=web&score_min=50&score_max=90&from=2026-01-01&
//! to=2026-03-31&cf.tier=gold&sort=score&dir=desc&after=<cursor>`

use super::lead::LeadStatus;
use super::view_params::{
    check_dates, join_pairs, parse_date, parse_dir, parse_search, MAX_CUSTOM_FILTERS,
};
pub use super::view_params::{OwnerFilter, MAX_SEARCH};
use crate::url::pairs;
use crate::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LeadSort {
    Name,
    Company,
    Email,
    Status,
    Score,
    LastActivity,
    #[default]
    Created,
}

impl LeadSort {
    pub const ALL: [LeadSort; 7] = [
        LeadSort::Name,
        LeadSort::Company,
        LeadSort::Email,
        LeadSort::Status,
        LeadSort::Score,
        LeadSort::LastActivity,
        LeadSort::Created,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadSort::Name => "name",
            LeadSort::Company => "company",
            LeadSort::Email => "email",
            LeadSort::Status => "status",
            LeadSort::Score => "score",
            LeadSort::LastActivity => "last_activity",
            LeadSort::Created => "created",
        }
    }

    pub fn parse(s: &str) -> Option<LeadSort> {
        LeadSort::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LeadQuery {
    pub q: String,
    pub status: Option<LeadStatus>,
    pub owner: Option<OwnerFilter>,
    pub source: String,
    pub score_min: Option<i16>,
    pub score_max: Option<i16>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    /// Custom-field equality filters, `cf.<key>=<value>`.
    pub custom: Vec<(String, String)>,
    pub sort: LeadSort,
    pub descending: bool,
    pub after: Option<String>,
    pub before: Option<String>,
}

fn parse_score(field: &str, v: &str) -> Result<i16, AppError> {
    v.parse::<i16>()
        .ok()
        .filter(|s| (0..=100).contains(s))
        .ok_or_else(|| AppError::validation(field, "must be a whole number from 0 to 100"))
}

impl LeadQuery {
    /// Reads a query string (without the `?`). Empty values mean "no filter"; an unknown
    /// key is ignored (links from older versions keep working); a malformed value is an
    /// error naming its parameter.
    pub fn parse(query: &str) -> Result<LeadQuery, AppError> {
        let mut out = LeadQuery {
            descending: true,
            ..LeadQuery::default()
        };
        let mut dir: Option<bool> = None;
        for (k, v) in pairs(query) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "q" => out.q = parse_search(v)?,
                "status" => {
                    out.status =
                        Some(LeadStatus::parse(v).ok_or_else(|| {
                            AppError::validation("status", "is not a lead status")
                        })?)
                }
                "owner" => out.owner = Some(OwnerFilter::parse(v)?),
                "source" => out.source = v.chars().take(60).collect(),
                "score_min" => out.score_min = Some(parse_score("score_min", v)?),
                "score_max" => out.score_max = Some(parse_score("score_max", v)?),
                "from" => out.created_from = Some(parse_date("from", v)?),
                "to" => out.created_to = Some(parse_date("to", v)?),
                "sort" => {
                    out.sort = LeadSort::parse(v)
                        .ok_or_else(|| AppError::validation("sort", "is not a sortable column"))?
                }
                "dir" => dir = Some(parse_dir(v)?),
                "after" => out.after = Some(v.to_string()),
                "before" => out.before = Some(v.to_string()),
                key => {
                    if let Some(cf) = key.strip_prefix("cf.") {
                        if out.custom.len() < MAX_CUSTOM_FILTERS {
                            out.custom.push((cf.to_string(), v.to_string()));
                        }
                    }
                }
            }
        }
        // Newest first by default; text columns read naturally A→Z.
        out.descending = dir.unwrap_or(matches!(
            out.sort,
            LeadSort::Created | LeadSort::Score | LeadSort::LastActivity
        ));
        if let (Some(a), Some(b)) = (out.score_min, out.score_max) {
            if a > b {
                return Err(AppError::validation(
                    "score_max",
                    "must not be below the minimum score",
                ));
            }
        }
        check_dates(out.created_from, out.created_to)?;
        Ok(out)
    }

    /// The query string of this view; `parse(to_query_string())` gives it back.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| pairs.push((k.to_string(), v));
        if !self.q.is_empty() {
            push("q", self.q.clone());
        }
        if let Some(s) = self.status {
            push("status", s.as_str().into());
        }
        if let Some(o) = self.owner {
            push("owner", o.param());
        }
        if !self.source.is_empty() {
            push("source", self.source.clone());
        }
        if let Some(s) = self.score_min {
            push("score_min", s.to_string());
        }
        if let Some(s) = self.score_max {
            push("score_max", s.to_string());
        }
        if let Some(d) = self.created_from {
            push("from", d.to_string());
        }
        if let Some(d) = self.created_to {
            push("to", d.to_string());
        }
        for (k, v) in &self.custom {
            push(&format!("cf.{k}"), v.clone());
        }
        if self.sort != LeadSort::Created {
            push("sort", self.sort.as_str().into());
        }
        let default_desc = matches!(
            self.sort,
            LeadSort::Created | LeadSort::Score | LeadSort::LastActivity
        );
        if self.descending != default_desc {
            push("dir", if self.descending { "desc" } else { "asc" }.into());
        }
        if let Some(a) = &self.after {
            push("after", a.clone());
        }
        if let Some(b) = &self.before {
            push("before", b.clone());
        }
        join_pairs(&pairs)
    }

    /// The same view without its page position.
    pub fn first_page(&self) -> LeadQuery {
        LeadQuery {
            after: None,
            before: None,
            ..self.clone()
        }
    }

    /// True when any filter or search narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.q.is_empty()
            || self.status.is_some()
            || self.owner.is_some()
            || !self.source.is_empty()
            || self.score_min.is_some()
            || self.score_max.is_some()
            || self.created_from.is_some()
            || self.created_to.is_some()
            || !self.custom.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_full_view() {
        let s = "q=ac%20me&status=working&owner=me&source=web&score_min=10&score_max=90&from=2026-01-01&to=2026-03-31&cf.tier=gold&sort=name&dir=desc&after=abc";
        let q = LeadQuery::parse(s).expect("ok");
        assert_eq!(q.q, "ac me");
        assert_eq!(q.sort, LeadSort::Name);
        assert!(q.descending);
        assert_eq!(q.custom, vec![("tier".to_string(), "gold".to_string())]);
        assert_eq!(LeadQuery::parse(&q.to_query_string()).expect("ok"), q);
    }

    #[test]
    fn defaults_and_errors_name_the_parameter() {
        let q = LeadQuery::parse("").expect("ok");
        assert_eq!(q.sort, LeadSort::Created);
        assert!(q.descending);
        assert!(!LeadQuery::parse("sort=name").expect("ok").descending);
        for (s, field) in [
            ("status=bogus", "status"),
            ("score_min=101", "score_min"),
            ("score_min=50&score_max=10", "score_max"),
            ("from=yesterday", "from"),
            ("sort=password_hash", "sort"),
            ("owner=someone", "owner"),
        ] {
            assert_eq!(
                LeadQuery::parse(s).expect_err("an error").field(),
                Some(field),
                "{s}"
            );
        }
    }
}
