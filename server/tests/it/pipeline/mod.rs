//! The pipeline board, opportunities, activities, tasks, the dashboard and global search.

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use crate::records::{deal, lead};
use app::api::activities::*;
use app::api::dashboard::*;
use app::api::members::RemoveMember;
use app::api::pipeline::*;
use models::sales::activity::{ActivityInput, TaskInput};
use models::sales::opportunity::{Board, OpportunityInput};
use models::sales::search::HitKind;
use models::sales::stage::StageKind;
use models::{AppError, OpportunityId, StageId};

mod activities;
mod board;
mod delete;
mod tallies;
mod today;

async fn dashboard(
    app: &TestApp,
    session: &str,
    period: &str,
    scope: &str,
) -> Result<models::sales::dashboard::Dashboard, AppError> {
    app.invoke(
        Some(session),
        GetDashboard {
            period: period.into(),
            scope: scope.into(),
        },
    )
    .await
}

async fn board(app: &TestApp, session: &str, view: &str) -> Board {
    app.invoke(Some(session), GetBoard { view: view.into() })
        .await
        .expect("board")
}

/// Moves a deal to a stage (a lost stage needs `reason`).
async fn move_deal(
    app: &TestApp,
    session: &str,
    id: OpportunityId,
    stage_id: StageId,
    reason: &str,
) {
    app.invoke(
        Some(session),
        MoveOpportunity {
            id,
            stage_id,
            lost_reason: reason.into(),
        },
    )
    .await
    .expect("move a deal");
}
