//! Opportunities and the pipeline board.

use super::stage::{ForecastCategory, Stage};
use crate::{AccountId, ContactId, OpportunityId, StageId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A deal as a board card or a table row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityCard {
    pub id: OpportunityId,
    pub name: String,
    pub account_name: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub stage_id: StageId,
    pub close_date: NaiveDate,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub stage_entered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OpportunityCard {
    /// Whole days since the deal entered its stage.
    pub fn days_in_stage(&self, now: DateTime<Utc>) -> i64 {
        (now - self.stage_entered_at).num_days().max(0)
    }

    /// The close date has passed while the deal is still open.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.close_date < today
    }

    /// Nothing has moved for `STALE_DAYS`.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        (now - self.updated_at).num_days() >= STALE_DAYS
    }
}

/// A deal untouched this long is flagged on the board.
pub const STALE_DAYS: i64 = 30;

/// One column of the board: the stage, its totals over every matching deal, and the first
/// cards (more with `show more`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: Stage,
    pub count: i64,
    pub total_minor: i64,
    pub weighted_minor: i64,
    pub cards: Vec<OpportunityCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub columns: Vec<BoardColumn>,
    pub currency: String,
    /// Stages a deal can be moved to (all of them, open first), for the stage select.
    pub stages: Vec<Stage>,
}

/// The board's filters, as they live in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BoardQuery {
    pub owner: Option<super::lead_query::OwnerFilter>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    /// Cards per column.
    pub per_column: i64,
}

impl BoardQuery {
    /// From the board's query string: `owner=me|none|<id>&from=YYYY-MM-DD&to=…&per_column=N`.
    pub fn parse(query: &str) -> Result<BoardQuery, crate::AppError> {
        use crate::AppError;
        let mut out = BoardQuery::default();
        let date = |field: &str, v: &str| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| AppError::validation(field, "must be a date as YYYY-MM-DD"))
        };
        for (k, v) in crate::url::pairs(query) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "owner" => {
                    out.owner = Some(match v {
                        "me" => super::lead_query::OwnerFilter::Me,
                        "none" => super::lead_query::OwnerFilter::Unassigned,
                        id => super::lead_query::OwnerFilter::User(id.parse().map_err(|_| {
                            AppError::validation("owner", "must be me, none or a user id")
                        })?),
                    })
                }
                "from" => out.close_from = Some(date("from", v)?),
                "to" => out.close_to = Some(date("to", v)?),
                "per_column" => {
                    out.per_column = v
                        .parse::<i64>()
                        .ok()
                        .filter(|n| (1..=500).contains(n))
                        .ok_or_else(|| {
                            AppError::validation("per_column", "must be from 1 to 500")
                        })?
                }
                _ => {}
            }
        }
        if let (Some(a), Some(b)) = (out.close_from, out.close_to) {
            if a > b {
                return Err(AppError::validation(
                    "to",
                    "must not be before the from date",
                ));
            }
        }
        Ok(out)
    }
}

/// A contact on a deal and the part they play.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityContact {
    pub contact_id: ContactId,
    pub name: String,
    pub email: String,
    pub role: String,
    pub is_primary: bool,
}

/// One recorded state of a deal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    pub stage_name: String,
    pub amount_minor: i64,
    pub close_date: NaiveDate,
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: OpportunityId,
    pub name: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub primary_contact_id: Option<ContactId>,
    pub amount_minor: i64,
    pub currency: String,
    pub stage: Stage,
    pub close_date: NaiveDate,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    /// The deal's own category, or its stage's.
    pub forecast_category: ForecastCategory,
    pub next_step: String,
    pub lost_reason: String,
    pub stage_entered_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub custom: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which deals a list through the API holds; every field optional, as sent in the query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpportunityListQuery {
    /// A stage's id.
    pub stage: String,
    /// A member's id, or `me`.
    pub owner: String,
    /// An account's id.
    pub account: String,
    /// `open`, `won` or `lost`.
    pub state: String,
    /// The `next` cursor of the previous page.
    pub after: String,
}

/// A page of deals through the API, newest first; `next` is the cursor (`after`) of the
/// following page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityPage {
    pub rows: Vec<Opportunity>,
    pub next: Option<String>,
}

/// The editable fields of a deal, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpportunityInput {
    pub name: String,
    pub amount: String,
    pub currency: String,
    pub stage_id: String,
    pub close_date: String,
    pub owner_id: String,
    pub forecast_category: String,
    pub next_step: String,
    pub lost_reason: String,
}

/// Everything the detail page shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityDetail {
    pub opportunity: Opportunity,
    pub history: Vec<StageChange>,
    pub contacts: Vec<OpportunityContact>,
    pub activities: Vec<super::activity::Activity>,
    pub tasks: Vec<super::activity::Task>,
    pub stages: Vec<Stage>,
    /// What the Pipeline Analyst sees wrong with the deal now (open deals only).
    pub risks: Vec<String>,
}

impl From<&Opportunity> for OpportunityInput {
    fn from(o: &Opportunity) -> Self {
        let minor = o.amount_minor.unsigned_abs();
        OpportunityInput {
            name: o.name.clone(),
            amount: format!(
                "{}{}.{:02}",
                if o.amount_minor < 0 { "-" } else { "" },
                minor / 100,
                minor % 100
            ),
            currency: o.currency.clone(),
            stage_id: o.stage.id.to_string(),
            close_date: o.close_date.to_string(),
            owner_id: o.owner_id.map(|u| u.to_string()).unwrap_or_default(),
            // The stage's own category stays inherited (empty), so an edit does not pin it.
            forecast_category: if o.forecast_category == o.stage.forecast_category {
                String::new()
            } else {
                o.forecast_category.as_str().to_string()
            },
            next_step: o.next_step.clone(),
            lost_reason: o.lost_reason.clone(),
        }
    }
}
