//! Runs nobody clicked, through the real router and the real worker: a bulk run over a
//! scope (one ledger run per record, each once however often its batch is run, canceled,
//! stopped by the budget, refused to a rep), a schedule starting one bulk run per period,
//! a workflow run on a logged note; and the live run streamed to the page.

use super::fake_llm::{chat_answer, Scripted, ANSWER};
use super::runs::{owner_with_fake, use_provider};
use crate::harness::{assert_field, run, TestApp};
use crate::members::team_with;
use crate::records::lead;
use agents::automation::AgentScheduleTick;
use app::api::agents::*;
use models::agents::live::{LiveRunEvent, LiveRunReader};
use models::agents::run::RunStatus;
use models::AppError;
use platform::jobs::NewJob;
use serde_json::json;

async fn start(
    app: &TestApp,
    session: &str,
    agent: &str,
    scope: &str,
) -> Result<uuid::Uuid, AppError> {
    app.invoke(
        Some(session),
        StartBulkRun {
            agent: agent.into(),
            scope: scope.into(),
        },
    )
    .await
}

async fn bulk_row(app: &TestApp) -> serde_json::Value {
    app.rows("SELECT state, done, total, failed, error, trigger FROM agent_bulk_runs WHERE mode = 'runs' ORDER BY started_at DESC LIMIT 1")
        .await
        .pop()
        .expect("a bulk run")
}

/// Makes queued jobs due now (workflow runs wait for more events first).
async fn due_now(app: &TestApp) {
    app.exec("UPDATE jobs SET run_at = now() WHERE state = 'pending'")
        .await;
}

#[test]
fn a_bulk_run_covers_its_scope_once_and_is_only_for_admins() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        for name in ["Ada", "Bo", "Cy"] {
            lead(name, "Lovelace").create(&app, &owner).await;
        }
        let converted = lead("Di", "Done").create(&app, &owner).await;
        app.exec(&format!(
            "UPDATE leads SET status = 'converted' WHERE id = '{}'",
            converted.id.0
        ))
        .await;

        let err = start(&app, &rep, "qualifier", "open_leads")
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let err = start(&app, &owner, "qualifier", "everything")
            .await
            .expect_err("no such scope");
        assert_field(&err, "scope");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_bulk_runs").await,
            0
        );

        start(&app, &owner, "qualifier", "open_leads")
            .await
            .expect("start");
        let err = start(&app, &owner, "qualifier", "open_leads")
            .await
            .expect_err("one at a time");
        assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
        app.drain_jobs(None).await;
        let row = bulk_row(&app).await;
        assert_eq!(
            (
                row["state"].as_str(),
                row["done"].as_i64(),
                row["total"].as_i64(),
                row["failed"].as_i64()
            ),
            (Some("finished"), Some(3), Some(3), Some(0)),
            "{row}"
        );
        let runs = app
            .rows("SELECT trigger, status, subject_id FROM agent_runs ORDER BY subject_id")
            .await;
        assert_eq!(runs.len(), 3, "the converted lead is not open: {runs:?}");
        assert!(runs
            .iter()
            .all(|r| r["trigger"] == "bulk" && r["status"] == "succeeded"));
        assert!(runs
            .iter()
            .all(|r| r["subject_id"] != json!(converted.id.0)));
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'agent.bulk_started'")
                .await,
            1
        );

        // The same records again (a worker died after storing the runs, before the cursor
        // moved): found in the ledger by their ids, not run twice.
        app.exec("UPDATE agent_bulk_runs SET state = 'running', cursor = NULL, done = 0, finished_at = NULL")
            .await;
        let bulk = app.rows("SELECT id FROM agent_bulk_runs").await[0]["id"].clone();
        let bulk: uuid::Uuid = serde_json::from_value(bulk).expect("id");
        app.db
            .platform_tx(async |conn| {
                let tenant: models::TenantId = {
                    use diesel::prelude::*;
                    use diesel_async::RunQueryDsl;
                    platform::db::schema::agent_bulk_runs::table
                        .select(platform::db::schema::agent_bulk_runs::tenant_id)
                        .first(conn)
                        .await?
                };
                NewJob::new(&agents::automation::BulkAgentRuns { bulk_id: bulk })?
                    .tenant(Some(tenant))
                    .enqueue(conn)
                    .await?;
                Ok(())
            })
            .await
            .expect("enqueue");
        app.drain_jobs(None).await;
        assert_eq!(app.count("SELECT count(*) AS n FROM agent_runs").await, 3);
        assert_eq!(bulk_row(&app).await["done"], 3);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM usage_events WHERE meter = 'agent_runs'")
                .await,
            3,
            "each record metered once"
        );

        // Canceled before the worker got to it: nothing runs.
        let id = start(&app, &owner, "prospector", "open_leads")
            .await
            .expect("start");
        let err = app
            .invoke(Some(&rep), CancelBulkRun { id })
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        app.invoke(Some(&owner), CancelBulkRun { id })
            .await
            .expect("cancel");
        app.drain_jobs(None).await;
        assert_eq!(bulk_row(&app).await["state"], "canceled");
        assert_eq!(app.count("SELECT count(*) AS n FROM agent_runs").await, 3);
        let page = app.invoke(Some(&owner), GetAgents {}).await.expect("page");
        let card = page
            .cards
            .iter()
            .find(|c| c.kind.as_str() == "prospector")
            .expect("card");
        assert_eq!(
            card.bulk.as_ref().map(|b| b.state.as_str()),
            Some("canceled")
        );
        assert_eq!(card.scopes.len(), 3);
    })
}

#[test]
fn the_budget_stops_a_bulk_run_with_the_reason() {
    run(async {
        let (fake, app, owner) = owner_with_fake().await;
        for name in ["Ada", "Bo", "Cy", "Di"] {
            lead(name, "Lovelace").create(&app, &owner).await;
        }
        use_provider(&app, &owner, "openai", &fake.base_url, "gpt-4o-mini").await;
        // Each answer reports a million tokens in: $0.150006 a run. After three, the
        // fourth's reservation would go over $0.40.
        app.invoke(
            Some(&owner),
            SetAgentBudget {
                monthly_budget: "0.40".into(),
            },
        )
        .await
        .expect("budget");
        fake.script((0..4).map(|_| chat_answer(ANSWER, 1_000_000, 10)));
        start(&app, &owner, "prospector", "open_leads")
            .await
            .expect("start");
        app.drain_jobs(None).await;
        let row = bulk_row(&app).await;
        assert_eq!(row["state"], "stopped", "{row}");
        assert!(
            row["error"]
                .as_str()
                .is_some_and(|e| e.contains("could cost up to")),
            "{row}"
        );
        assert_eq!(row["done"], 3, "{row}");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_runs WHERE status = 'succeeded' AND trigger = 'bulk'").await,
            3
        );
        assert_eq!(fake.calls(), 3);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_runs WHERE status = 'refused'")
                .await,
            1,
            "the refusal is in the ledger, and nothing ran after it"
        );
    })
}

#[test]
fn a_schedule_starts_one_run_per_period_and_a_note_starts_a_workflow_run() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let ada = lead("Ada", "Lovelace").create(&app, &owner).await;
        let save = |agent: &str, schedule: &str, scope: &str, on_activity: bool, on_lead: bool| {
            SaveAgentAutomation {
                agent: agent.into(),
                schedule: schedule.into(),
                scope: scope.into(),
                on_lead_created: on_lead,
                on_activity_logged: on_activity,
            }
        };
        let err = app
            .invoke(
                Some(&rep),
                save("pipeline_analyst", "daily", "pipeline", false, false),
            )
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let err = app
            .invoke(Some(&owner), save("prospector", "off", "", true, false))
            .await
            .expect_err("the Prospector does not read notes");
        assert_field(&err, "run_on");
        let err = app
            .invoke(
                Some(&owner),
                save("pipeline_analyst", "daily", "", false, false),
            )
            .await
            .expect_err("a schedule needs a scope");
        assert_field(&err, "scope");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_automations")
                .await,
            0
        );

        app.invoke(
            Some(&owner),
            save("pipeline_analyst", "daily", "pipeline", false, false),
        )
        .await
        .expect("schedule");
        app.invoke(Some(&owner), save("qualifier", "off", "", true, false))
            .await
            .expect("workflow");
        let page = app.invoke(Some(&owner), GetAgents {}).await.expect("page");
        let analyst = page
            .cards
            .iter()
            .find(|c| c.kind.as_str() == "pipeline_analyst")
            .expect("card");
        assert_eq!(analyst.automation.schedule.as_str(), "daily");
        assert_eq!(analyst.automation.updated_by, "Olga Owner");

        // Two ticks in one day start one bulk run.
        for _ in 0..2 {
            app.db
                .platform_tx(async |conn| {
                    NewJob::new(&AgentScheduleTick {})?.enqueue(conn).await?;
                    Ok(())
                })
                .await
                .expect("tick");
            app.drain_jobs(None).await;
        }
        let row = bulk_row(&app).await;
        assert_eq!(
            (
                row["trigger"].as_str(),
                row["state"].as_str(),
                row["done"].as_i64()
            ),
            (Some("schedule"), Some("finished"), Some(1)),
            "{row}"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_bulk_runs").await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_runs WHERE trigger = 'schedule' AND subject_kind = 'tenant' AND status = 'succeeded'").await,
            1
        );

        // Three notes in a row on one lead make one workflow run, as the owner who set it.
        for body in [
            "Budget is approved.",
            "They need it by March.",
            "The CFO signs.",
        ] {
            super::qualifier::note(&app, &rep, "lead", &ada.id.to_string(), body).await;
        }
        due_now(&app).await;
        app.drain_jobs(None).await;
        let runs = app
            .rows("SELECT r.agent, r.subject_id, u.name FROM agent_runs r JOIN users u ON u.id = r.created_by WHERE r.trigger = 'workflow'")
            .await;
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(
            (runs[0]["agent"].as_str(), runs[0]["name"].as_str()),
            (Some("qualifier"), Some("Olga Owner"))
        );
        assert_eq!(runs[0]["subject_id"], json!(ada.id.0));
    })
}

/// The live run's lines, read as the page reads them.
async fn live(
    app: &TestApp,
    session: &str,
    agent: &str,
    kind: &str,
    id: &str,
) -> Vec<LiveRunEvent> {
    let (status, headers, body) = app
        .post::<StreamAgentRun>(
            Some(session),
            &[("agent", agent), ("subject_kind", kind), ("subject_id", id)],
            &[],
        )
        .await;
    assert!(status.is_success(), "{status}: {body}");
    assert_eq!(headers["content-type"], "text/event-stream");
    LiveRunReader::default().feed(&body)
}

#[test]
fn a_live_run_streams_what_the_model_writes_then_the_stored_run() {
    run(async {
        let (fake, app, owner) = owner_with_fake().await;
        let ada = lead("Ada", "Lovelace").create(&app, &owner).await;
        let id = ada.id.to_string();

        // The built-in provider streams its brief a word at a time.
        let events = live(&app, &owner, "prospector", "lead", &id).await;
        let Some(LiveRunEvent::Done { result }) = events.last() else {
            panic!("{events:?}")
        };
        let streamed: String = events
            .iter()
            .filter_map(|e| match e {
                LiveRunEvent::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(events.len() > 3, "word by word: {events:?}");
        assert_eq!(result.status, RunStatus::Succeeded);
        assert_eq!(streamed, result.text);
        assert!(
            result.text.starts_with("What we know: Ada Lovelace"),
            "{}",
            result.text
        );

        // A model's empty first answer is discarded (Restart), the second one stands.
        use_provider(&app, &owner, "openai", &fake.base_url, "gpt-4o-mini").await;
        let empty = json!({"model": "gpt-4o-mini", "choices": [{"index": 0, "delta": {"content": " "}, "finish_reason": "stop"}]});
        fake.script([Scripted::Stream(vec![
            ("", empty.to_string()),
            ("", "[DONE]".into()),
        ])]);
        let events = live(&app, &owner, "prospector", "lead", &id).await;
        let restart = events
            .iter()
            .position(|e| *e == LiveRunEvent::Restart)
            .expect("restart");
        let after: String = events[restart..]
            .iter()
            .filter_map(|e| match e {
                LiveRunEvent::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(after, ANSWER);
        assert!(
            matches!(events.last(), Some(LiveRunEvent::Done { result }) if result.text == ANSWER && result.status == RunStatus::Succeeded),
            "{events:?}"
        );

        // Refused before any model is asked: the reason, as the last line.
        let events = live(
            &app,
            &owner,
            "prospector",
            "opportunity",
            &uuid::Uuid::new_v4().to_string(),
        )
        .await;
        assert!(
            matches!(events.as_slice(), [LiveRunEvent::Refused { error }] if error.field() == Some("subject")),
            "{events:?}"
        );
        // Signed out: no stream at all.
        let (status, _, _) = app
            .post::<StreamAgentRun>(
                None,
                &[
                    ("agent", "prospector"),
                    ("subject_kind", "lead"),
                    ("subject_id", &id),
                ],
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 401);
        // Without JavaScript the form posts to run_agent and lands on the run's page.
        let (status, headers, _) = app
            .post::<RunAgent>(
                Some(&owner),
                &[
                    ("agent", "prospector"),
                    ("subject_kind", "lead"),
                    ("subject_id", &id),
                    ("open_run", "true"),
                ],
                &[("accept", "text/html")],
            )
            .await;
        let location = headers
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default();
        assert!(
            status.is_redirection() && location.starts_with("/agents/runs/"),
            "{status} {location}"
        );
    })
}
