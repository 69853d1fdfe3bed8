//! The view of the accounts or contacts table — search, filters, sort, page — as it lives in
//! the URL, in the leads table's grammar (`view_params`): `q=acme&owner=me&industry=Software&
//! country=DE&account=<id>&from=2026-01-01&to=2026-03-31&cf.tier=gold&sort=name&dir=asc&
//! after=<cursor>`. Accounts read `industry` and `country`, contacts `account`; a parameter
//! of the other list is ignored, as any unknown one is (links keep working).

use super::view_params::{
    check_dates, join_pairs, parse_date, parse_dir, parse_search, with_query, OwnerFilter,
    MAX_CUSTOM_FILTERS,
};
use crate::url::pairs;
use crate::{AccountId, AppError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RecordKind {
    #[default]
    Account,
    Contact,
}

impl RecordKind {
    /// The page's path segment (`paths::ACCOUNTS`, `paths::CONTACTS`).
    pub fn path(self) -> &'static str {
        match self {
            RecordKind::Account => super::paths::ACCOUNTS,
            RecordKind::Contact => super::paths::CONTACTS,
        }
    }

    /// The list page's path: `/accounts`.
    pub fn base(self) -> &'static str {
        match self {
            RecordKind::Account => "/accounts",
            RecordKind::Contact => "/contacts",
        }
    }

    /// The `object` of its saved views and custom fields.
    pub fn object(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::Contact => "contact",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            RecordKind::Account => "accounts",
            RecordKind::Contact => "contacts",
        }
    }

    /// The columns its table sorts by.
    pub fn sorts(self) -> &'static [RecordSort] {
        match self {
            RecordKind::Account => &[
                RecordSort::Name,
                RecordSort::Domain,
                RecordSort::Industry,
                RecordSort::Country,
                RecordSort::Employees,
                RecordSort::Created,
            ],
            RecordKind::Contact => &[
                RecordSort::Name,
                RecordSort::Title,
                RecordSort::Email,
                RecordSort::Created,
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RecordSort {
    #[default]
    Name,
    Email,
    Title,
    Domain,
    Industry,
    Country,
    Employees,
    Created,
}

impl RecordSort {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordSort::Name => "name",
            RecordSort::Email => "email",
            RecordSort::Title => "title",
            RecordSort::Domain => "domain",
            RecordSort::Industry => "industry",
            RecordSort::Country => "country",
            RecordSort::Employees => "employees",
            RecordSort::Created => "created",
        }
    }

    /// Newest and biggest first; text columns read A→Z.
    pub fn descending_by_default(self) -> bool {
        matches!(self, RecordSort::Created | RecordSort::Employees)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordQuery {
    pub kind: RecordKind,
    pub q: String,
    pub owner: Option<OwnerFilter>,
    /// Accounts: exact industry.
    pub industry: String,
    /// Accounts: exact country.
    pub country: String,
    /// Contacts: at this account.
    pub account: Option<AccountId>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    /// Custom-field equality filters, `cf.<key>=<value>`.
    pub custom: Vec<(String, String)>,
    pub sort: RecordSort,
    pub descending: bool,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl RecordQuery {
    /// Reads a query string (without the `?`) of `kind`'s list. Empty values mean "no
    /// filter"; a malformed value is an error naming its parameter.
    pub fn parse(kind: RecordKind, query: &str) -> Result<RecordQuery, AppError> {
        let mut out = RecordQuery {
            kind,
            ..RecordQuery::default()
        };
        let mut dir = None;
        for (k, v) in pairs(query) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match (k.as_str(), kind) {
                ("q", _) => out.q = parse_search(v)?,
                ("owner", _) => out.owner = Some(OwnerFilter::parse(v)?),
                ("industry", RecordKind::Account) => out.industry = v.chars().take(100).collect(),
                ("country", RecordKind::Account) => out.country = v.chars().take(100).collect(),
                ("account", RecordKind::Contact) => {
                    out.account = Some(v.parse().map_err(|_| {
                        AppError::validation("account", "is not an account of this organisation")
                    })?)
                }
                ("from", _) => out.created_from = Some(parse_date("from", v)?),
                ("to", _) => out.created_to = Some(parse_date("to", v)?),
                ("sort", _) => {
                    out.sort = kind
                        .sorts()
                        .iter()
                        .copied()
                        .find(|s| s.as_str() == v)
                        .ok_or_else(|| AppError::validation("sort", "is not a sortable column"))?
                }
                ("dir", _) => dir = Some(parse_dir(v)?),
                ("after", _) => out.after = Some(v.to_string()),
                ("before", _) => out.before = Some(v.to_string()),
                (key, _) => {
                    if let Some(cf) = key.strip_prefix("cf.") {
                        if out.custom.len() < MAX_CUSTOM_FILTERS {
                            out.custom.push((cf.to_string(), v.to_string()));
                        }
                    }
                }
            }
        }
        out.descending = dir.unwrap_or(out.sort.descending_by_default());
        check_dates(out.created_from, out.created_to)?;
        Ok(out)
    }

    /// The query string of this view; `parse(kind, to_query_string())` gives it back.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| pairs.push((k.to_string(), v));
        if !self.q.is_empty() {
            push("q", self.q.clone());
        }
        if let Some(o) = self.owner {
            push("owner", o.param());
        }
        if !self.industry.is_empty() {
            push("industry", self.industry.clone());
        }
        if !self.country.is_empty() {
            push("country", self.country.clone());
        }
        if let Some(a) = self.account {
            push("account", a.to_string());
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
        if self.sort != RecordSort::default() {
            push("sort", self.sort.as_str().into());
        }
        if self.descending != self.sort.descending_by_default() {
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

    /// The page of this view: `/accounts?…`.
    pub fn href(&self) -> String {
        with_query(self.kind.base(), &self.to_query_string())
    }

    /// The same view without its page position.
    pub fn first_page(&self) -> RecordQuery {
        RecordQuery {
            after: None,
            before: None,
            ..self.clone()
        }
    }

    /// The same view sorted by `sort` (the other way when it is sorted by it already).
    pub fn sorted_by(&self, sort: RecordSort) -> RecordQuery {
        let descending = if self.sort == sort {
            !self.descending
        } else {
            sort.descending_by_default()
        };
        RecordQuery {
            sort,
            descending,
            ..self.first_page()
        }
    }

    /// True when any filter or search narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.q.is_empty() || self.is_narrowed()
    }

    /// True when a filter other than the search narrows the list.
    pub fn is_narrowed(&self) -> bool {
        self.owner.is_some()
            || !self.industry.is_empty()
            || !self.country.is_empty()
            || self.account.is_some()
            || self.created_from.is_some()
            || self.created_to.is_some()
            || !self.custom.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_lists_view() {
        let s = "q=ac%20me&owner=me&industry=Software&country=DE&from=2026-01-01&to=2026-03-31&cf.tier=gold&sort=employees&dir=asc&after=abc";
        let q = RecordQuery::parse(RecordKind::Account, s).expect("ok");
        assert_eq!((q.q.as_str(), q.industry.as_str()), ("ac me", "Software"));
        assert_eq!(q.sort, RecordSort::Employees);
        assert!(!q.descending);
        assert_eq!(
            RecordQuery::parse(RecordKind::Account, &q.to_query_string()).expect("ok"),
            q
        );
        let account = "5f0b8a4e-3c1d-4f6e-9a2b-7c8d9e0f1a2b";
        let c = RecordQuery::parse(
            RecordKind::Contact,
            &format!("account={account}&industry=x&sort=title"),
        )
        .expect("ok");
        assert_eq!(c.account.map(|a| a.to_string()).as_deref(), Some(account));
        assert!(
            c.industry.is_empty(),
            "a contact list has no industry filter"
        );
        assert_eq!(c.href(), format!("/contacts?account={account}&sort=title"));
    }

    #[test]
    fn errors_name_the_parameter() {
        for (kind, s, field) in [
            (RecordKind::Account, "sort=email", "sort"),
            (RecordKind::Contact, "sort=employees", "sort"),
            (RecordKind::Contact, "account=acme", "account"),
            (RecordKind::Account, "from=2026-02-01&to=2026-01-01", "to"),
            (RecordKind::Account, "owner=someone", "owner"),
            (RecordKind::Contact, "dir=up", "dir"),
        ] {
            assert_eq!(
                RecordQuery::parse(kind, s).expect_err("an error").field(),
                Some(field),
                "{s}"
            );
        }
    }

    #[test]
    fn sorting_again_turns_the_direction() {
        let q = RecordQuery::parse(RecordKind::Account, "after=x").expect("ok");
        let by_name = q.sorted_by(RecordSort::Name);
        assert!(
            by_name.descending,
            "name is the default sort, ascending: again turns it"
        );
        assert!(by_name.after.is_none());
        assert!(q.sorted_by(RecordSort::Created).descending);
    }
}

/// One page of the accounts or contacts table. `next`/`prev` are keyset cursors for
/// `after`/`before`; `matching` is counted up to `count_cap` (more shows as "10,000+").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordPage<T> {
    pub rows: Vec<T>,
    pub next: Option<String>,
    pub prev: Option<String>,
    pub matching: i64,
    pub count_cap: i64,
}

/// What a bulk action does to the selected accounts or contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkRecordAction {
    AssignOwner { owner_id: Option<crate::UserId> },
    Delete,
}
