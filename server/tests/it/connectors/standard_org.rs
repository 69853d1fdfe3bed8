//! What a standard org brings on the first day and must not lose: a field the API user
//! cannot see, records that failed and are fetched again, a full resync after a mapping
//! change, remote creation and close times, and answers cut short.

use super::*;
use app::api::settings::{AddStage, GetSalesSettings};
use models::sales::stage::StageInput;

/// The object's setup as the connectors page shows it.
async fn setup_of(
    app: &TestApp,
    session: &str,
    object: SyncObject,
) -> models::connectors::ObjectSetup {
    overview(app, session).await.connections[0]
        .objects
        .iter()
        .find(|o| o.object == object)
        .expect("the object")
        .clone()
}

#[test]
fn a_field_the_api_user_cannot_see_is_left_out_and_reported_and_the_rest_syncs() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        {
            let mut org = fake.org();
            org.hidden_fields
                .insert("Lead".into(), vec!["Industry".into(), "LeadSource".into()]);
            for n in 0..3 {
                let mut l = remote_lead(n);
                l["Industry"] = json!("Engines");
                org.insert("Lead", l, None);
            }
        }
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(counts(&run, SyncObject::Lead).created, 3);
        let errors = run_errors(&app, &owner, &run).await;
        let about: Vec<_> = errors.iter().filter(|e| e.object == "lead").collect();
        assert_eq!(about.len(), 2, "once per field: {errors:?}");
        assert!(about
            .iter()
            .any(|e| e.message.contains("Lead.Industry")
                && e.message.contains("field-level security")));
        assert_eq!(
            setup_of(&app, &owner, SyncObject::Lead).await.unseen_fields,
            ["Industry", "LeadSource"]
        );
        let remote = fake.org().objects["Lead"][0].id.clone();
        assert_eq!(lead_row(&app, &remote).await["last_name"], "Lovelace0");

        // A local value of a field that cannot be seen is not emptied by the next run.
        app.exec(&format!(
            "UPDATE leads SET industry = 'Kept' WHERE external_id = '{remote}'"
        ))
        .await;
        fake.org()
            .update("Lead", &remote, json!({"Company": "Engines Ltd"}));
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done);
        let kept = app
            .rows(&format!(
                "SELECT industry, company FROM leads WHERE external_id = '{remote}'"
            ))
            .await;
        assert_eq!(kept[0]["industry"], "Kept");
        assert_eq!(kept[0]["company"], "Engines Ltd");

        // Access granted in the org: the fields sync again and the notice goes.
        fake.org().hidden_fields.clear();
        fake.org()
            .update("Lead", &remote, json!({"Industry": "Looms"}));
        let run = sync(&app, &owner, id).await;
        assert!(run_errors(&app, &owner, &run).await.is_empty());
        assert!(setup_of(&app, &owner, SyncObject::Lead)
            .await
            .unseen_fields
            .is_empty());
        assert_eq!(
            app.rows(&format!(
                "SELECT industry FROM leads WHERE external_id = '{remote}'"
            ))
            .await[0]["industry"],
            "Looms"
        );
    })
}

#[test]
fn records_that_failed_are_fetched_again_until_they_apply_or_are_gone() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        // The tenant's stages exist (the defaults, made on first read).
        app.invoke(Some(&owner), GetSalesSettings {})
            .await
            .expect("settings");
        let (waiting, deleted) = {
            let mut org = fake.org();
            let account = org.insert("Account", json!({"Name": "Analytical Engines"}), None);
            let deal = |name: &str, stage: &str| json!({"Name": name, "AccountId": account, "Amount": 1000, "CloseDate": "2026-12-31", "StageName": stage});
            org.insert("Opportunity", deal("Fits", "Qualification"), None);
            let waiting = org.insert("Opportunity", deal("Waits", "Needs Analysis"), None);
            let deleted = org.insert("Opportunity", deal("Goes", "Needs Analysis"), None);
            (waiting, deleted)
        };
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Opportunity).created, 1);
        assert_eq!(counts(&run, SyncObject::Opportunity).failed, 2);
        assert_eq!(
            setup_of(&app, &owner, SyncObject::Opportunity)
                .await
                .retrying,
            2
        );

        // Still failing: tried again, still waiting, and reported again.
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Opportunity).failed, 2);
        assert_eq!(
            app.count("SELECT max(attempts)::bigint AS n FROM connector_retries")
                .await,
            2
        );

        // The admin adds the stage; one deal is deleted there meanwhile. Neither changed
        // there since: the next run brings the one and forgets the other.
        app.invoke(
            Some(&owner),
            AddStage {
                input: StageInput {
                    name: "Needs Analysis".into(),
                    probability: "20".into(),
                    forecast_category: "pipeline".into(),
                },
            },
        )
        .await
        .expect("stage");
        fake.org().purge("Opportunity", &deleted);
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(counts(&run, SyncObject::Opportunity).created, 1);
        assert_eq!(counts(&run, SyncObject::Opportunity).failed, 0);
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM opportunities WHERE external_id = '{waiting}'"
            ))
            .await,
            1
        );
        assert_eq!(
            setup_of(&app, &owner, SyncObject::Opportunity)
                .await
                .retrying,
            0
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities").await,
            2
        );
        // Nothing left to try: the next run asks for nothing by id.
        let asked = fake.calls_to("Id IN (");
        sync(&app, &owner, id).await;
        assert_eq!(fake.calls_to("Id IN ("), asked);
    })
}

#[test]
fn a_full_resync_reads_everything_again_and_creates_nothing_twice() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        // Titles are not mapped at first.
        let lead_setup = setup_of(&app, &owner, SyncObject::Lead).await;
        let without: Vec<_> = lead_setup
            .mappings
            .iter()
            .filter(|m| m.remote != "Title")
            .cloned()
            .collect();
        let save = |m: Vec<models::connectors::FieldMapping>| SaveConnectionObject {
            id,
            object: SyncObject::Lead,
            form: ObjectForm::of(true, &m),
        };
        app.invoke(Some(&owner), save(without))
            .await
            .expect("mapping");
        {
            let mut org = fake.org();
            org.page_size = 2;
            for n in 0..5 {
                let mut l = remote_lead(n);
                l["Title"] = json!("Countess");
                org.insert("Lead", l, None);
            }
        }
        sync(&app, &owner, id).await;
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE title = ''")
                .await,
            5
        );
        // The mapping gains the title; an incremental run sees no change there.
        app.invoke(Some(&owner), save(lead_setup.mappings.clone()))
            .await
            .expect("mapping");
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).fetched, 0);
        // A full resync reads every lead again and fills the new field.
        let run = app
            .invoke(Some(&owner), ResyncConnection { id })
            .await
            .expect("resync");
        app.drain_jobs(None).await;
        let runs = app
            .invoke(Some(&owner), ListSyncRuns { id })
            .await
            .expect("runs");
        let run = runs.into_iter().find(|r| r.id == run).expect("the run");
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(counts(&run, SyncObject::Lead).fetched, 5);
        assert_eq!(counts(&run, SyncObject::Lead).created, 0);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 5);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE title = 'Countess'")
                .await,
            5
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM audit_log WHERE action = 'connection.resync_requested'"
            )
            .await,
            1
        );
        // The one after is incremental again.
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).fetched, 0);
        // Signed out, no one can ask for one.
        let err = app
            .invoke(None, ResyncConnection { id })
            .await
            .expect_err("signed out");
        assert!(matches!(err, AppError::Unauthorized), "{err:?}");
    })
}

#[test]
fn synced_records_keep_when_they_were_created_and_closed_there() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        app.invoke(Some(&owner), GetSalesSettings {})
            .await
            .expect("settings");
        let (lead, won, open) = {
            let mut org = fake.org();
            let mut l = remote_lead(0);
            l["CreatedDate"] = json!("2026-01-15T09:30:00.000+0000");
            let lead = org.insert("Lead", l, None);
            let account = org.insert("Account", json!({"Name": "Analytical Engines", "CreatedDate": "2025-11-02T08:00:00.000+0000"}), None);
            let won = org.insert("Opportunity", json!({"Name": "Engine", "AccountId": account, "Amount": 50000, "CloseDate": "2026-02-20", "StageName": "Closed Won", "CreatedDate": "2026-01-10T10:00:00.000+0000"}), None);
            let open = org.insert("Opportunity", json!({"Name": "Loom", "AccountId": account, "Amount": 1000, "CloseDate": "2027-03-01", "StageName": "Proposal", "CreatedDate": "2026-01-12T10:00:00.000+0000"}), None);
            (lead, won, open)
        };
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        let at = |sql: String| {
            let app = &app;
            async move { app.rows(&sql).await[0].clone() }
        };
        let l = at(format!(
            "SELECT created_at::text AS c FROM leads WHERE external_id = '{lead}'"
        ))
        .await;
        assert_eq!(l["c"], "2026-01-15 09:30:00+00");
        let w = at(format!("SELECT created_at::text AS c, closed_at::text AS x, stage_entered_at::text AS s FROM opportunities WHERE external_id = '{won}'")).await;
        assert_eq!(w["c"], "2026-01-10 10:00:00+00");
        assert_eq!(w["x"], "2026-02-20 12:00:00+00", "closed on its close date");
        assert_eq!(w["s"], "2026-02-20 12:00:00+00");
        let o = at(format!("SELECT created_at::text AS c, closed_at FROM opportunities WHERE external_id = '{open}'")).await;
        assert_eq!(o["c"], "2026-01-12 10:00:00+00");
        assert_eq!(o["closed_at"], Value::Null);
        let a = at("SELECT created_at::text AS c FROM accounts".into()).await;
        assert_eq!(a["c"], "2025-11-02 08:00:00+00");
        // The dashboard's tallies count them on those days, not today.
        assert_eq!(
            app.count("SELECT coalesce(sum(leads), 0)::bigint AS n FROM people_tally_changes WHERE day = current_date")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT coalesce(sum(won), 0)::bigint AS n FROM closed_tally_changes WHERE day = '2026-02-20'")
                .await,
            1
        );
        // Closed there today with a close date still ahead: closed now, not in the future.
        fake.org()
            .update("Opportunity", &open, json!({"StageName": "Closed Lost"}));
        sync(&app, &owner, id).await;
        let o = at(format!("SELECT closed_at <= now() AND closed_at > now() - interval '1 hour' AS ok FROM opportunities WHERE external_id = '{open}'")).await;
        assert_eq!(o["ok"], true);
    })
}

#[test]
fn an_answer_cut_short_is_retried_like_an_outage_and_nothing_is_taken_as_final() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        fake.org().insert("Lead", remote_lead(0), None);
        // The users query (owners are mapped) and the first Lead page are cut short once each.
        {
            let mut org = fake.org();
            org.script_for.push_back((
                "FROM User".into(),
                Scripted::Body(r#"{"totalSize":1,"done":true,"records":[{"Id":"005"#.into()),
            ));
            org.script_for.push_back((
                "FROM Lead ORDER".into(),
                Scripted::Body(r#"{"totalSize":1,"done":true,"rec"#.into()),
            ));
        }
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(counts(&run, SyncObject::Lead).created, 1);
        let errors = run_errors(&app, &owner, &run).await;
        assert!(
            !errors.iter().any(|e| e.message.contains("owners left")),
            "the users were read on the second try: {errors:?}"
        );
        assert_eq!(fake.calls_to("FROM User"), 2);
    })
}

#[test]
fn a_default_orgs_stages_and_statuses_are_taken_over_in_one_click_and_its_deals_land() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        app.invoke(Some(&owner), GetSalesSettings {})
            .await
            .expect("settings");
        {
            let mut org = fake.org();
            org.insert("LeadStatus", json!({"ApiName": "Nurturing", "MasterLabel": "Nurturing", "SortOrder": 5, "IsConverted": false, "IsDefault": false}), None);
            let account = org.insert("Account", json!({"Name": "Analytical Engines"}), None);
            for (n, stage) in [
                "Needs Analysis",
                "Proposal/Price Quote",
                "Negotiation/Review",
                "Closed Won",
            ]
            .iter()
            .enumerate()
            {
                org.insert("Opportunity", json!({"Name": format!("Deal {n}"), "AccountId": account, "Amount": 1000, "CloseDate": "2026-12-31", "StageName": stage}), None);
            }
            let mut l = remote_lead(0);
            l["Status"] = json!("Nurturing");
            org.insert("Lead", l, None);
        }
        let stages = || app.count("SELECT count(*) AS n FROM pipeline_stages");
        // Read first: where each lands, and nothing changes.
        let plan = app
            .invoke(Some(&owner), AdoptRemoteValues { id, apply: false })
            .await
            .expect("preview");
        assert!(!plan.applied);
        assert_eq!(plan.stages.len(), 10);
        let created: Vec<&str> = plan
            .stages
            .iter()
            .filter(|s| s.create)
            .map(|s| s.remote.as_str())
            .collect();
        assert_eq!(
            created,
            [
                "Needs Analysis",
                "Value Proposition",
                "Id. Decision Makers",
                "Perception Analysis",
                "Proposal/Price Quote",
                "Negotiation/Review"
            ]
        );
        let won = plan.stages.iter().find(|s| s.remote == "Closed Won");
        assert_eq!(won.map(|s| s.local.as_str()), Some("Closed won"));
        let status = |remote: &str| {
            plan.statuses
                .iter()
                .find(|s| s.remote == remote)
                .map(|s| s.local.clone())
        };
        assert_eq!(status("Closed - Converted").as_deref(), Some("converted"));
        assert_eq!(status("Nurturing").as_deref(), Some("nurture"));
        assert_eq!(stages().await, 7);

        // One click: the stages are created with the org's meaning, the statuses mapped.
        let plan = app
            .invoke(Some(&owner), AdoptRemoteValues { id, apply: true })
            .await
            .expect("adopt");
        assert!(plan.applied);
        assert_eq!(stages().await, 13);
        let quote = app
            .rows("SELECT probability, forecast_category, kind FROM pipeline_stages WHERE name = 'Proposal/Price Quote'")
            .await;
        assert_eq!(quote[0]["probability"], 75);
        assert_eq!(quote[0]["kind"], "open");
        let order: Vec<String> = app
            .rows("SELECT name FROM pipeline_stages ORDER BY position")
            .await
            .iter()
            .map(|r| r["name"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(order.last().map(String::as_str), Some("Closed lost"));
        assert!(
            order.iter().position(|n| n == "Negotiation/Review")
                < order.iter().position(|n| n == "Closed won"),
            "{order:?}"
        );
        // The first sync brings every deal, and the lead under its translated status.
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(counts(&run, SyncObject::Opportunity).created, 4);
        assert_eq!(counts(&run, SyncObject::Opportunity).failed, 0);
        assert_eq!(counts(&run, SyncObject::Lead).created, 1);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE status = 'nurture'")
                .await,
            1
        );
        // Again: nothing more to create or map.
        let again = app
            .invoke(Some(&owner), AdoptRemoteValues { id, apply: true })
            .await
            .expect("adopt again");
        assert!(again.stages.iter().all(|s| !s.create));
        assert_eq!(stages().await, 13);
        let err = app
            .invoke(None, AdoptRemoteValues { id, apply: true })
            .await
            .expect_err("signed out");
        assert!(matches!(err, AppError::Unauthorized), "{err:?}");
    })
}
