//! Pipeline stages, configurable per tenant.

use super::str_enum;
use crate::StageId;
use serde::{Deserialize, Serialize};

str_enum!(
    /// Where a stage's deals count in the forecast.
    ForecastCategory {
        Pipeline => "pipeline", "Pipeline";
        BestCase => "best_case", "Best case";
        Commit => "commit", "Commit";
        Closed => "closed", "Closed";
        Omitted => "omitted", "Omitted";
    }
);

str_enum!(
    /// Open stages hold the pipeline; a won or lost stage closes the deal.
    StageKind {
        Open => "open", "Open";
        Won => "won", "Won";
        Lost => "lost", "Lost";
    }
);

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    pub position: i32,
    /// Percent, 0..=100.
    pub probability: i16,
    pub forecast_category: ForecastCategory,
    pub kind: StageKind,
}

/// A stage as a person types it on the settings page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInput {
    pub name: String,
    /// Percent, a whole number from 0 to 100.
    pub probability: String,
    pub forecast_category: String,
}

/// A stage's checked fields: name, probability and forecast category.
pub type StageFields = (String, i16, ForecastCategory);

impl StageInput {
    /// Checks every field; the first wrong one is named.
    pub fn validate(&self) -> Result<StageFields, crate::AppError> {
        use crate::AppError;
        let name = self.name.trim();
        if name.is_empty() {
            return Err(AppError::validation("name", "is required"));
        }
        if name.chars().count() > 60 {
            return Err(AppError::validation(
                "name",
                "must be at most 60 characters",
            ));
        }
        let probability = self
            .probability
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse::<i16>()
            .ok()
            .filter(|p| (0..=100).contains(p))
            .ok_or_else(|| {
                AppError::validation("probability", "must be a whole number from 0 to 100")
            })?;
        let forecast_category =
            ForecastCategory::parse(self.forecast_category.trim()).ok_or_else(|| {
                AppError::validation(
                    "forecast_category",
                    "must be pipeline, best case, commit, closed or omitted",
                )
            })?;
        Ok((name.to_string(), probability, forecast_category))
    }
}

/// A stage on the settings page, with the open deals in it now (none for won and lost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageUse {
    pub stage: Stage,
    pub open_deals: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, probability: &str, category: &str) -> StageInput {
        StageInput {
            name: name.into(),
            probability: probability.into(),
            forecast_category: category.into(),
        }
    }

    #[test]
    fn stage_input_is_checked_field_by_field() {
        assert_eq!(
            input(" Demo ", "35%", "best_case").validate().expect("ok"),
            ("Demo".to_string(), 35, ForecastCategory::BestCase)
        );
        let field = |i: StageInput| match i.validate() {
            Err(crate::AppError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(input(" ", "10", "pipeline")), "name");
        assert_eq!(field(input(&"x".repeat(61), "10", "pipeline")), "name");
        assert_eq!(field(input("Demo", "101", "pipeline")), "probability");
        assert_eq!(field(input("Demo", "ten", "pipeline")), "probability");
        assert_eq!(field(input("Demo", "10", "maybe")), "forecast_category");
    }
}
