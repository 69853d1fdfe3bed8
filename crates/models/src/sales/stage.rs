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
