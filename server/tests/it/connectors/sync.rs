//! Pulling: a full then an incremental sync, ties across pages, remote updates and
//! deletions, conflicts and their policies, matching by e-mail, the weekly check, and the
//! pull's speed.

use super::*;

#[test]
fn connecting_then_a_full_sync_brings_every_object_in_and_an_incremental_one_only_changes() {
    run(async {
        let app = TestApp::spawn().await;
        let fake = FakeSalesforce::start().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let before = overview(&app, &owner).await;
        assert!(before.enabled);
        assert_eq!(
            before.available[0].callback_url,
            format!("{}/connectors/salesforce/callback", app.base)
        );
        let id = connect(&app, &owner, &fake).await;

        let (account, contact, opp) = {
            let mut org = fake.org();
            let account = org.insert("Account", json!({"Name": "Analytical Engines", "Website": "example.com", "AnnualRevenue": 1250000.5, "NumberOfEmployees": 120}), None);
            let contact = org.insert("Contact", json!({"FirstName": "Charles", "LastName": "Babbage", "Email": "charles@example.com", "AccountId": account}), None);
            let opp = org.insert("Opportunity", json!({"Name": "Difference Engine", "AccountId": account, "Amount": 50000, "CloseDate": "2026-12-31", "StageName": "Qualification"}), None);
            for n in 0..5 {
                org.insert("Lead", remote_lead(n), None);
            }
            (account, contact, opp)
        };
        // The demo stages have no "Qualification": that deal fails, by name.
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(counts(&run, SyncObject::Lead).created, 5);
        assert_eq!(counts(&run, SyncObject::Account).created, 1);
        assert_eq!(counts(&run, SyncObject::Contact).created, 1);
        assert_eq!(counts(&run, SyncObject::Opportunity).failed, 1);
        let errors = run_errors(&app, &owner, &run).await;
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].external_id, opp);
        assert!(
            errors[0]
                .message
                .contains("\"Qualification\" is not a pipeline stage"),
            "{errors:?}"
        );

        let first = fake.org().objects["Lead"][0].id.clone();
        let l = lead_row(&app, &first).await;
        assert_eq!(l["email"], "ada0@example.com");
        assert_eq!(l["domain"], "example.com");
        assert_eq!(l["status"], "new");
        assert_eq!(l["employee_count"], 120);
        assert_eq!(l["external_source"], "salesforce");
        assert!(l["score"].as_i64().unwrap_or(0) > 0, "scored: {l}");
        let c = app.rows(&format!("SELECT c.last_name, a.name, a.annual_revenue_minor FROM contacts c JOIN accounts a ON a.tenant_id = c.tenant_id AND a.id = c.account_id WHERE c.external_id = '{contact}'")).await;
        assert_eq!(
            c[0]["name"], "Analytical Engines",
            "the contact points at its synced account"
        );
        assert_eq!(c[0]["annual_revenue_minor"], 125000050i64);
        let _ = account;

        // Nothing changed remotely: the next run fetches nothing and writes nothing.
        let audit_before = app
            .count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'sync.%'")
            .await;
        fake.org().refuse.clear();
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done);
        for (o, c) in &run.counts {
            if *o != SyncObject::Opportunity {
                assert_eq!(c.fetched, 0, "{o:?} fetched again: {c:?}");
            }
        }
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 5);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'sync.%'")
                .await,
            audit_before
        );

        // The connection shows its usage and never a secret.
        let view = overview(&app, &owner).await;
        let c = &view.connections[0];
        assert_eq!(c.status, ConnectionStatus::Connected);
        assert!(c.api_used.is_some() && c.api_limit == Some(15_000));
        assert!(c.remote_account.contains("00D000000000001EAA"));
        assert!(c.has_client_secret);
        let text = serde_json::to_string(&view).expect("json");
        assert!(
            !text.contains(CLIENT_SECRET) && !text.contains("access") && !text.contains("5Aep"),
            "{text}"
        );
        let stored = app
            .rows("SELECT encode(credentials, 'escape') AS c FROM connections")
            .await;
        assert!(
            !stored[0]["c"]
                .as_str()
                .unwrap_or("")
                .contains(CLIENT_SECRET),
            "sealed at rest"
        );
    })
}

#[test]
fn records_sharing_a_system_modstamp_across_page_boundaries_are_all_pulled_once() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        let same = Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("date");
        {
            let mut org = fake.org();
            org.page_size = 3;
            for n in 0..7 {
                org.insert("Lead", remote_lead(n), Some(same));
            }
        }
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).created, 7);
        assert!(fake.calls_to("GET more") >= 2, "paged by nextRecordsUrl");

        // More records land on that very timestamp (and one later); the cursor (same, last id)
        // picks up exactly those.
        {
            let mut org = fake.org();
            for n in 7..12 {
                org.insert("Lead", remote_lead(n), Some(same));
            }
            org.insert(
                "Lead",
                remote_lead(12),
                Some(same + chrono::Duration::seconds(1)),
            );
        }
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.fetched, c.created, c.updated), (6, 6, 0), "{c:?}");
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 13);
        assert_eq!(
            app.count("SELECT count(DISTINCT external_id) AS n FROM leads")
                .await,
            13
        );
    })
}

#[test]
fn remote_updates_and_deletions_flow_in_and_a_record_edited_here_is_kept() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        let ids: Vec<String> = {
            let mut org = fake.org();
            (0..4)
                .map(|n| org.insert("Lead", remote_lead(n), None))
                .collect()
        };
        sync(&app, &owner, id).await;

        let local_1 = lead_row(&app, &ids[1]).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let local_3 = lead_row(&app, &ids[3]).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        // Lead 3 gets an activity here: its history must survive a remote deletion.
        app.exec(&format!(
            "INSERT INTO activities (tenant_id, id, kind, subject, occurred_at, lead_id) \
             SELECT tenant_id, gen_random_uuid(), 'call', 'Intro call', now(), id FROM leads WHERE id = '{local_3}'"
        ))
        .await;
        edit_lead(&app, &owner, &local_1, |l| {
            l.title = "Head of Research".into()
        })
        .await;
        {
            let mut org = fake.org();
            org.update(
                "Lead",
                &ids[0],
                json!({"Title": "Countess", "Status": "Working - Contacted"}),
            );
            org.delete("Lead", &ids[1]);
            org.delete("Lead", &ids[2]);
            org.delete("Lead", &ids[3]);
        }
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.updated, c.deleted, c.skipped), (1, 1, 2), "{c:?}");
        let l0 = lead_row(&app, &ids[0]).await;
        assert_eq!(
            (l0["title"].as_str(), l0["status"].as_str()),
            (Some("Countess"), Some("working"))
        );
        // Deleted remotely, untouched here: gone, with an audit snapshot.
        assert_eq!(lead_row(&app, &ids[2]).await, Value::Null);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'sync.deleted'")
                .await,
            1
        );
        // Edited here, or with activity here: kept as local records, unlinked.
        for local in [&local_1, &local_3] {
            let kept = app
                .rows(&format!(
                    "SELECT external_id, title FROM leads WHERE id = '{local}'"
                ))
                .await;
            assert_eq!(kept.len(), 1, "kept {local}");
            assert_eq!(kept[0]["external_id"], Value::Null);
        }
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM activities WHERE lead_id = '{local_3}'"
            ))
            .await,
            1
        );
        let errors = run_errors(&app, &owner, &run).await;
        assert!(
            errors
                .iter()
                .any(|e| e.external_id == ids[1] && e.message.contains("edited here")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.external_id == ids[3] && e.message.contains("activities")),
            "{errors:?}"
        );
        let updated = app
            .rows("SELECT details FROM audit_log WHERE action = 'sync.updated'")
            .await;
        assert_eq!(
            updated[0]["details"]["changes"]["title"],
            json!({"before": "", "after": "Countess"})
        );
    })
}

#[test]
fn a_field_changed_on_both_sides_follows_its_policy_and_the_loser_is_audited() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        let remote = fake.org().insert("Lead", remote_lead(0), None);
        sync(&app, &owner, id).await;
        let local = lead_row(&app, &remote).await["id"]
            .as_str()
            .expect("id")
            .to_string();

        // Status is mapped both ways with "newest wins" by default. Edit here, then there:
        // the remote edit is newer and wins; the local value is the loser in the audit.
        edit_lead(&app, &owner, &local, |l| l.status = "nurture".into()).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        fake.org()
            .update("Lead", &remote, json!({"Status": "Working - Contacted"}));
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).updated, 1);
        assert_eq!(lead_row(&app, &remote).await["status"], "working");
        let audit = app.rows("SELECT details FROM audit_log WHERE action = 'sync.updated' ORDER BY id DESC LIMIT 1").await;
        assert_eq!(
            audit[0]["details"]["conflicts"][0],
            json!({"field": "status", "kept": "working", "lost": "nurture", "winner": "remote"})
        );

        // Local wins: the title (pulled) keeps the local value, the remote one is audited.
        let overview = overview(&app, &owner).await;
        let lead_setup = overview.connections[0]
            .objects
            .iter()
            .find(|o| o.object == SyncObject::Lead)
            .expect("lead")
            .clone();
        let mut mappings = lead_setup.mappings.clone();
        for m in &mut mappings {
            if m.remote == "Title" {
                m.policy = models::connectors::Policy::LocalWins;
            }
        }
        app.invoke(
            Some(&owner),
            SaveConnectionObject {
                id,
                object: SyncObject::Lead,
                form: ObjectForm::of(true, &mappings),
            },
        )
        .await
        .expect("save mapping");
        edit_lead(&app, &owner, &local, |l| l.title = "Analyst".into()).await;
        fake.org()
            .update("Lead", &remote, json!({"Title": "Mathematician"}));
        sync(&app, &owner, id).await;
        assert_eq!(lead_row(&app, &remote).await["title"], "Analyst");
        let audit = app.rows("SELECT details FROM audit_log WHERE action = 'sync.updated' ORDER BY id DESC LIMIT 1").await;
        assert_eq!(
            audit[0]["details"]["conflicts"][0],
            json!({"field": "title", "kept": "Analyst", "lost": "Mathematician", "winner": "local"})
        );

        // Remote wins (the default for pulled fields): the company.
        edit_lead(&app, &owner, &local, |l| l.company = "Local Co".into()).await;
        fake.org()
            .update("Lead", &remote, json!({"Company": "Remote Co"}));
        sync(&app, &owner, id).await;
        assert_eq!(lead_row(&app, &remote).await["company"], "Remote Co");

        // Newest wins, the local edit newer: kept here, and written back to Salesforce.
        fake.org()
            .update("Lead", &remote, json!({"Status": "Closed - Not Converted"}));
        tokio::time::sleep(Duration::from_millis(5)).await;
        edit_lead(&app, &owner, &local, |l| l.status = "new".into()).await;
        sync(&app, &owner, id).await;
        assert_eq!(lead_row(&app, &remote).await["status"], "new");
        assert_eq!(
            fake.org().field("Lead", &remote, "Status"),
            "Open - Not Contacted",
            "pushed back"
        );
        let audit = app.rows("SELECT details FROM audit_log WHERE action = 'sync.updated' ORDER BY id DESC LIMIT 1").await;
        assert_eq!(audit[0]["details"]["conflicts"][0]["lost"], "disqualified");
    })
}

#[test]
fn a_weekly_check_of_every_remote_id_finds_deletions_the_recycle_bin_no_longer_reports() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        let ids: Vec<String> = {
            let mut org = fake.org();
            org.page_size = 25;
            (0..120)
                .map(|n| org.insert("Lead", remote_lead(n), None))
                .collect()
        };
        // The first full pull counts as a check: the next runs read no ids.
        sync(&app, &owner, id).await;
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 120);
        let checked = "SELECT count(*) AS n FROM connection_objects \
                       WHERE object = 'lead' AND checked_at IS NOT NULL";
        assert_eq!(app.count(checked).await, 1);
        // Deleted there for good (an emptied Recycle Bin): queryAll never tells.
        for r in &ids[..3] {
            fake.org().purge("Lead", r);
        }
        let local = lead_row(&app, &ids[0]).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        app.exec(&format!(
            "INSERT INTO tasks (tenant_id, id, title, lead_id, due_on) \
             SELECT tenant_id, gen_random_uuid(), 'Call back', id, current_date \
             FROM leads WHERE id = '{local}'"
        ))
        .await;
        let queries = fake.calls_to("FROM Lead");
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).deleted, 0, "not due yet");
        assert_eq!(
            fake.calls_to("FROM Lead"),
            queries + 2,
            "changes and deletions only"
        );

        // A week later the run reads every id (five pages) and settles what is missing.
        app.exec("UPDATE connection_objects SET checked_at = now() - interval '8 days'")
            .await;
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.deleted, c.skipped), (2, 1), "{c:?}");
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 118);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM connector_links").await,
            117
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM connector_seen").await,
            0
        );
        let errors = run_errors(&app, &owner, &run).await;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].external_id, ids[0]);
        assert!(
            errors[0].message.contains("activities or tasks"),
            "{errors:?}"
        );
        let stale = "SELECT count(*) AS n FROM connection_objects \
                     WHERE object = 'lead' AND checked_at < now() - interval '1 day'";
        assert_eq!(app.count(stale).await, 0, "checked again");

        // Most records gone at once looks like lost access: reported, nothing deleted.
        for r in &ids[3..100] {
            fake.org().purge("Lead", r);
        }
        app.exec("UPDATE connection_objects SET checked_at = now() - interval '8 days'")
            .await;
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).deleted, 0);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 118);
        let errors = run_errors(&app, &owner, &run).await;
        assert!(
            errors[0]
                .message
                .starts_with("97 of 117 synced records are no longer visible"),
            "{errors:?}"
        );
    })
}

#[test]
fn a_lead_already_here_is_matched_by_email_and_the_mapping_editor_reads_custom_fields() {
    run(async {
        use models::sales::custom_field::CustomFieldKind;
        let app = TestApp::spawn().await;
        let fake = FakeSalesforce::start().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        crate::leads::lead_custom_field(
            &app,
            &owner,
            "Segment",
            CustomFieldKind::Select,
            "SMB,Enterprise",
        )
        .await
        .expect("custom field");
        let mine = lead("Ada", "Lovelace")
            .email("ada0@example.com")
            .create(&app, &owner)
            .await;
        let id = connect(&app, &owner, &fake).await;
        fake.org()
            .custom_fields
            .insert("Lead".into(), vec!["Segment__c".into()]);
        let described = app
            .invoke(
                Some(&owner),
                DescribeConnectionObject {
                    id,
                    object: SyncObject::Lead,
                },
            )
            .await
            .expect("describe");
        assert!(described.iter().any(|f| f.name == "Segment__c" && f.custom));

        let view = overview(&app, &owner).await;
        let lead_setup = view.connections[0]
            .objects
            .iter()
            .find(|o| o.object == SyncObject::Lead)
            .expect("lead")
            .clone();
        assert!(lead_setup
            .local_fields
            .iter()
            .any(|f| f.key == "custom.segment"));
        let mut m = lead_setup.mappings.clone();
        m.push(models::connectors::FieldMapping::new(
            "Segment__c",
            "custom.segment",
            models::connectors::Direction::Pull,
            models::connectors::Policy::RemoteWins,
        ));
        let form = |m: &[models::connectors::FieldMapping]| SaveConnectionObject {
            id,
            object: SyncObject::Lead,
            form: ObjectForm::of(true, m),
        };
        app.invoke(Some(&owner), form(&m))
            .await
            .expect("mapping saved");
        // A mapping without the required last name is refused, and nothing changes.
        let no_last: Vec<_> = m
            .iter()
            .filter(|x| x.local != "last_name")
            .cloned()
            .collect();
        let err = app
            .invoke(Some(&owner), form(&no_last))
            .await
            .expect_err("an error");
        assert_field(&err, "mappings");
        assert!(err.to_string().contains("Last name is required"), "{err}");

        let mut both = remote_lead(0);
        both["Segment__c"] = json!("Enterprise");
        let mut bad = remote_lead(1);
        bad["Segment__c"] = json!("Galactic");
        let (ada, other) = {
            let mut org = fake.org();
            (
                org.insert("Lead", both, None),
                org.insert("Lead", bad, None),
            )
        };
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.created, c.updated, c.failed), (0, 1, 1), "{c:?}");
        let row = app
            .rows(&format!(
                "SELECT id, external_id, custom FROM leads WHERE id = '{}'",
                mine.id
            ))
            .await;
        assert_eq!(row[0]["external_id"], ada, "linked, not doubled");
        assert_eq!(row[0]["custom"]["segment"], "Enterprise");
        let errors = run_errors(&app, &owner, &run).await;
        assert_eq!(errors[0].external_id, other);
        assert!(errors[0].message.contains("Segment__c"), "{errors:?}");
    })
}

/// The pull benchmark (`scripts/bench-sync`): `SYNC_BENCH_ROWS` leads (default 100,000) from
/// the fake org into PostgreSQL, beside a bare `COPY` of the same rows into the same table
/// in the same run. Prints figures; asserts only that every record arrived once.
#[test]
#[ignore = "a benchmark: scripts/bench-sync runs it"]
fn bench_pull_leads() {
    run(async {
        let n: usize = std::env::var("SYNC_BENCH_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        let (app, fake, owner, id) = connected().await;
        {
            let mut org = fake.org();
            for i in 0..n {
                let mut l = remote_lead(i);
                l["Title"] = json!(if i % 3 == 0 { "VP Sales" } else { "Engineer" });
                org.insert("Lead", l, None);
            }
        }
        app.invoke(Some(&owner), SyncConnection { id })
            .await
            .expect("sync");
        let began = Instant::now();
        app.worker(None, quick_worker())
            .drain()
            .await
            .expect("drain");
        let pulled = began.elapsed();
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, n as i64);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM connector_links").await,
            n as i64
        );

        // The same rows, out and back in by COPY, into the same table and indexes.
        let cols = "tenant_id, id, first_name, last_name, email, phone, title, company, domain, \
                    industry, employee_count, country, source, status, score, score_breakdown, \
                    custom, external_source, external_id, created_at, updated_at";
        let file = std::env::temp_dir().join(format!("sync-bench-{}.csv", std::process::id()));
        let url = app.owner_url();
        let psql = |command: String| {
            let out = std::process::Command::new("psql")
                .args([
                    url.as_str(),
                    "-XAtq",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    &command,
                ])
                .output()
                .expect("psql");
            assert!(
                out.status.success(),
                "psql: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        psql(format!(
            "\\copy (SELECT {cols} FROM leads) TO '{}' CSV",
            file.display()
        ));
        app.exec("DELETE FROM connector_links").await;
        app.exec("DELETE FROM leads").await;
        app.exec("VACUUM ANALYZE leads").await;
        let began = Instant::now();
        psql(format!(
            "\\copy leads ({cols}) FROM '{}' CSV",
            file.display()
        ));
        let copied = began.elapsed();
        let _ = std::fs::remove_file(&file);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, n as i64);

        let rate = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "pulled {n} leads from the fake org in {:.1} s: {:.0} records/s; \
             COPY of the same rows: {:.1} s, {:.0} rows/s; sync ÷ COPY rate = {:.2}",
            pulled.as_secs_f64(),
            rate(pulled),
            copied.as_secs_f64(),
            rate(copied),
            rate(pulled) / rate(copied),
        );
    })
}
