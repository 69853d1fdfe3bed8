//! CSV import of leads, through the upload route, the server functions and the real job:
//! mixed good and bad rows, the preview, the errors download, idempotent re-imports (by
//! e-mail and by external id), a worker killed midway, roles, isolation and bad uploads.
//! `exports`: the files teams actually have (a Salesforce report, a HubSpot export, a German
//! Excel file), with fixtures in `fixtures/imports/`.

mod exports;

use crate::harness::{assert_field, quick_worker, run, TestApp};
use crate::leads::lead_custom_field;
use crate::members::team_with;
use crate::records::lead;
use app::api::imports::*;
use models::sales::lead_import::{ImportState, LeadImportDetail, RowOutcome};
use models::{AppError, LeadImportId};
use std::time::{Duration, Instant};

const BOUNDARY: &str = "----sales-hunter-test-boundary";

/// Uploads `csv` as the browser's form does (multipart, field `file`); status, headers, body.
async fn upload_raw(
    app: &TestApp,
    session: Option<&str>,
    file_name: &str,
    csv: &[u8],
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    app.send(
        session,
        "/leads/import/upload",
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        body,
        &[],
    )
    .await
}

/// Uploads and gives the new import's id, from the redirect to its page.
async fn upload(app: &TestApp, session: &str, csv: &str) -> LeadImportId {
    let (status, headers, body) = upload_raw(app, Some(session), "leads.csv", csv.as_bytes()).await;
    assert_eq!(status, 303, "upload: {body}");
    let location = headers["location"].to_str().expect("location");
    location
        .strip_prefix("/leads/import/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {location}"))
}

async fn detail(app: &TestApp, session: &str, id: LeadImportId) -> LeadImportDetail {
    app.invoke(Some(session), GetLeadImport { id })
        .await
        .expect("get import")
}

async fn start(app: &TestApp, session: &str, id: LeadImportId, mapping: Vec<String>) {
    app.invoke(
        Some(session),
        MapLeadImport {
            id,
            mapping,
            external_source: String::new(),
            update_existing: Some("on".into()),
            number_format: String::new(),
            start: Some("1".into()),
        },
    )
    .await
    .expect("start");
}

/// Starts the import with its suggested mapping and runs the job to its end.
async fn import_all(app: &TestApp, session: &str, csv: &str) -> LeadImportDetail {
    let id = upload(app, session, csv).await;
    let mapping = detail(app, session, id).await.import.mapping;
    start(app, session, id, mapping).await;
    app.drain_jobs(None).await;
    detail(app, session, id).await
}

const MIXED: &str = "First Name,Last Name,E-mail,Company,Employees,Tier,Owner Email,Notes\r\n\
Ada,Lovelace,ada@analytical.io,Analytical,\"1,200\",gold,,first\r\n\
Grace,Hopper,GRACE@navy.mil,,,silver,,\r\n\
Nobody,,bad@example.io,Nowhere,,,,\r\n\
Alan,Turing,not-an-email,Bletchley,,,,\r\n\
Kat,Johnson,kat@nasa.gov,NASA,,platinum,,\r\n\
Ada,Lovelace,ada@analytical.io,Analytical Engines,,,,again\r\n\
short,row\r\n\
Mo,Stranger,mo@example.io,,,,nobody@example.com,\r\n";

#[test]
fn a_mixed_file_imports_its_good_rows_lists_its_bad_ones_and_reimports_without_change() {
    run(async {
        use models::sales::custom_field::CustomFieldKind;
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        lead_custom_field(&app, &owner, "Tier", CustomFieldKind::Select, "gold,silver")
            .await
            .expect("custom field");
        let grace = lead("Grace", "Hopper")
            .email("grace@navy.mil")
            .company("Navy")
            .title("Rear Admiral")
            .create(&app, &owner)
            .await;

        let id = upload(&app, &owner, MIXED).await;
        let d = detail(&app, &owner, id).await;
        assert_eq!(d.import.state, ImportState::Mapping);
        assert_eq!(d.import.total_rows, 8);
        assert_eq!(
            d.import.mapping,
            [
                "first_name",
                "last_name",
                "email",
                "company",
                "employee_count",
                "custom.tier",
                "owner_email",
                ""
            ],
            "suggested from the headers, the custom field by its label"
        );
        assert_eq!(d.samples[1], ["Lovelace", "Hopper", ""]);
        let outcomes: Vec<_> = d
            .preview
            .iter()
            .map(|r| (r.row_number, r.outcome.clone()))
            .collect();
        assert_eq!(outcomes[0], (2, RowOutcome::Create));
        assert_eq!(outcomes[1], (3, RowOutcome::Update { lead_id: grace.id }));
        assert!(matches!(&outcomes[2].1, RowOutcome::Error { field, .. } if field == "last_name"));
        assert!(
            matches!(outcomes[5], (7, RowOutcome::Update { .. })),
            "a second row for Ada updates the lead the first one creates: {:?}",
            outcomes[5]
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads").await,
            1,
            "the preview writes nothing"
        );

        // A mapping that fills one field twice is refused, naming the columns; nothing changes.
        let mut twice = d.import.mapping.clone();
        twice[7] = "email".into();
        let err = app
            .invoke(
                Some(&owner),
                MapLeadImport {
                    id,
                    mapping: twice,
                    external_source: String::new(),
                    update_existing: None,
                    number_format: String::new(),
                    start: Some("1".into()),
                },
            )
            .await
            .expect_err("same field twice");
        assert_field(&err, "mapping");
        assert!(err.to_string().contains("“E-mail” and “Notes”"), "{err}");
        assert_eq!(
            detail(&app, &owner, id).await.import.state,
            ImportState::Mapping
        );

        start(&app, &owner, id, d.import.mapping.clone()).await;
        // Starting twice is refused: the job is queued once.
        let again = app
            .invoke(
                Some(&owner),
                MapLeadImport {
                    id,
                    mapping: d.import.mapping.clone(),
                    external_source: String::new(),
                    update_existing: None,
                    number_format: String::new(),
                    start: Some("1".into()),
                },
            )
            .await
            .expect_err("started already");
        assert!(matches!(again, AppError::Conflict { .. }));
        app.drain_jobs(None).await;

        let done = detail(&app, &owner, id).await;
        let i = &done.import;
        assert_eq!(i.state, ImportState::Done);
        assert_eq!((i.created, i.updated, i.unchanged, i.failed), (1, 2, 0, 5));
        assert_eq!(i.processed_rows, 8);
        let errors: Vec<_> = done
            .errors
            .iter()
            .map(|e| (e.row_number, e.field.as_str()))
            .collect();
        assert_eq!(
            errors,
            [
                (4, "last_name"),
                (5, "email"),
                (6, "custom.tier"),
                (8, "row"),
                (9, "owner")
            ]
        );
        assert!(
            done.errors[3].message.contains("2 cells; the header has 8"),
            "{:?}",
            done.errors[3]
        );

        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 2);
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads WHERE email = 'ada@analytical.io' AND company = 'Analytical Engines'
                 AND employee_count = 1200 AND custom->>'tier' = 'gold' AND first_name = 'Ada'"
            )
            .await,
            1,
            "the second row for Ada filled in what it gave, and kept the rest"
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads WHERE email = 'grace@navy.mil' AND company = 'Navy'
                 AND title = 'Rear Admiral' AND custom->>'tier' = 'silver'"
            )
            .await,
            1,
            "empty cells erased nothing"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM lead_import_rows")
                .await,
            0,
            "the upload is cleared"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM audit_log WHERE action = 'lead.updated' AND details->>'import' = '{id}'
                 AND details->'company' IS NULL AND details->'custom'->'to'->>'tier' = 'silver'
                 AND target_id = '{}'",
                grace.id
            ))
            .await,
            1,
            "the update is audited before → after"
        );

        // The failed rows, downloadable with their cells.
        let res = app
            .get(Some(&owner), &format!("/leads/import/{id}/errors.csv"))
            .await;
        assert_eq!(res.status(), 200);
        let csv = res.text().await.expect("csv");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "row,field,reason,value,First Name,Last Name,E-mail,Company,Employees,Tier,Owner Email,Notes"
        );
        assert_eq!(lines.len(), 6);
        assert!(
            lines[2].starts_with("5,email,")
                && lines[2].contains(",not-an-email,Alan,Turing,not-an-email,Bletchley"),
            "{}",
            lines[2]
        );

        // The same file again: nothing new, nothing changed, the same rows refused.
        let audits = app
            .count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'lead.%'")
            .await;
        let again = import_all(&app, &owner, MIXED).await.import;
        assert_eq!(
            (again.created, again.updated, again.unchanged, again.failed),
            (0, 0, 3, 5)
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 2);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'lead.%'")
                .await,
            audits,
            "a re-import that changes nothing writes nothing"
        );
    })
}

/// `n` leads with an external id column, e-mails numbered from `from`.
fn numbered(n: usize, email_from: usize) -> String {
    let mut csv = String::from("Id;Name;Email;Company\n");
    for i in 0..n {
        csv.push_str(&format!(
            "crm-{i};Person {i};p{}@corp{}.com;Corp {}\n",
            i + email_from,
            i % 50,
            i % 50
        ));
    }
    csv
}

#[test]
fn an_import_resumes_after_its_worker_is_killed_and_matches_external_ids_on_reimport() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        const N: usize = 4000;
        let id = upload(&app, &owner, &numbered(N, 0)).await;
        let d = detail(&app, &owner, id).await;
        assert_eq!(
            d.import.mapping,
            ["external_id", "full_name", "email", "company"]
        );
        start(&app, &owner, id, d.import.mapping).await;

        let options = platform::jobs::WorkerOptions {
            lease: Duration::from_secs(1),
            ..quick_worker()
        };
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        let doomed = tokio::spawn(app.worker(None, options.clone()).run(stopped.clone()));
        let began = Instant::now();
        loop {
            let n = app
                .count("SELECT created_count::int8 AS n FROM lead_imports")
                .await;
            if n > 0 {
                break;
            }
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "no batch committed"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // As SIGKILL would: mid-import, without releasing anything.
        doomed.abort();
        let _ = doomed.await;
        let at_kill = app.count("SELECT count(*) AS n FROM leads").await;
        assert!(
            at_kill < N as i64,
            "killed before the end ({at_kill} of {N})"
        );
        assert_eq!(
            at_kill,
            app.count("SELECT created_count::int8 AS n FROM lead_imports")
                .await,
            "the cursor and counters commit with their batch"
        );

        tokio::time::sleep(Duration::from_millis(1100)).await; // the lease runs out
        app.worker(None, options).drain().await.expect("drain");
        let i = detail(&app, &owner, id).await.import;
        assert_eq!(i.state, ImportState::Done);
        assert_eq!((i.created, i.failed), (N as i32, 0));
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads").await,
            N as i64,
            "nothing lost, nothing doubled"
        );
        assert_eq!(
            app.count(
                "SELECT count(DISTINCT external_id) AS n FROM leads WHERE external_source = 'csv'"
            )
            .await,
            N as i64
        );

        // The other system changed everyone's e-mail: the external id still finds them.
        let again = import_all(&app, &owner, &numbered(N, 100_000)).await.import;
        assert_eq!(
            (again.created, again.updated, again.failed),
            (0, N as i32, 0)
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, N as i64);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads WHERE email = 'p100000@corp0.com' AND external_id = 'crm-0'").await, 1);
    })
}

#[test]
fn reps_import_for_themselves_and_imports_stay_in_their_tenant() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let others_lead = lead("Olga", "Lead")
            .email("olga.lead@example.com")
            .create(&app, &owner)
            .await;
        let csv = "Last name,Email,Owner email\n\
                   Mine,mine@example.io,\n\
                   Theirs,theirs@example.io,olga@example.com\n\
                   Lead,olga.lead@example.com,\n";
        let i = import_all(&app, &rep, csv).await;
        assert_eq!(
            (i.import.created, i.import.failed),
            (1, 2),
            "{:?}",
            i.errors
        );
        assert_eq!(i.errors[0].field, "owner");
        assert!(
            i.errors[1].message.contains("only their own"),
            "{:?}",
            i.errors[1]
        );
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM leads WHERE id = '{}' AND last_name = 'Lead'",
                others_lead.id
            ))
            .await,
            1
        );

        // The owner's import: the rep may look, not steer.
        let id = upload(&app, &owner, "Last name\nSomeone\n").await;
        let d = detail(&app, &rep, id).await;
        assert!(!d.import.can_manage);
        let denied = app
            .invoke(Some(&rep), DeleteLeadImport { id })
            .await
            .expect_err("not theirs");
        assert!(matches!(denied, AppError::Forbidden { .. }));

        // Another tenant sees none of it.
        let stranger = app
            .sign_up("Sam Stranger", "sam@elsewhere.io", "Elsewhere")
            .await;
        let hidden = app
            .invoke(Some(&stranger), GetLeadImport { id })
            .await
            .expect_err("hidden");
        assert!(matches!(hidden, AppError::NotFound { .. }));
        assert!(app
            .invoke(Some(&stranger), ListLeadImports {})
            .await
            .expect("list")
            .is_empty());
        assert_eq!(
            app.get(Some(&stranger), &format!("/leads/import/{id}/errors.csv"))
                .await
                .status(),
            404
        );
    })
}

#[test]
fn bad_uploads_are_refused_with_the_reason_and_store_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let (status, _, _) = upload_raw(&app, None, "x.csv", b"Last name\nA\n").await;
        assert_eq!(status, 401);
        for (csv, says) in [
            (&b""[..], "is empty"),
            (b"Last name\n\n,\n", "no leads under it"),
            (b",,\n1,2,3\n", "no header row"),
        ] {
            let (status, _, body) = upload_raw(&app, Some(&owner), "x.csv", csv).await;
            assert_eq!(status, 400, "{body}");
            let err: AppError = serde_json::from_str(&body).expect("an AppError");
            assert_field(&err, "file");
            assert!(err.to_string().contains(says), "{err}");
        }
        // Not a multipart form at all.
        let (status, _, _) = app
            .send(
                Some(&owner),
                "/leads/import/upload",
                "text/csv",
                b"Last name\nA\n".to_vec(),
                &[],
            )
            .await;
        assert_eq!(status, 400);
        // A browser's form gets the page back with the reason.
        let (status, headers, _) = app
            .send(
                Some(&owner),
                "/leads/import/upload",
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                format!("--{BOUNDARY}--\r\n").into_bytes(),
                &[("accept", "text/html")],
            )
            .await;
        assert_eq!(status, 303);
        assert!(headers["location"]
            .to_str()
            .expect("location")
            .starts_with("/leads/import?error=file"));
        // Windows-1252 from an old spreadsheet reads as what it says.
        let (status, headers, _) = upload_raw(
            &app,
            Some(&owner),
            "old.csv",
            b"Last name;Company\nM\xfcller;Caf\xe9\n",
        )
        .await;
        assert_eq!(status, 303);
        let id: LeadImportId = headers["location"]
            .to_str()
            .expect("l")
            .trim_start_matches("/leads/import/")
            .parse()
            .expect("id");
        let d = detail(&app, &owner, id).await;
        assert_eq!(
            d.samples,
            [vec!["Müller".to_string()], vec!["Café".to_string()]]
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 0);
    })
}

#[test]
fn a_started_import_can_be_cancelled_and_then_removed_and_the_job_stops() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let id = upload(&app, &owner, "Last name\nOne\nTwo\n").await;
        let mapping = detail(&app, &owner, id).await.import.mapping;
        start(&app, &owner, id, mapping).await;
        // Queued, not yet run: still running imports cannot be removed, only cancelled.
        let busy = app
            .invoke(Some(&owner), DeleteLeadImport { id })
            .await
            .expect_err("running");
        assert!(matches!(busy, AppError::Conflict { .. }), "{busy:?}");
        app.invoke(Some(&owner), CancelLeadImport { id })
            .await
            .expect("cancel");
        let again = app
            .invoke(Some(&owner), CancelLeadImport { id })
            .await
            .expect_err("twice");
        assert!(matches!(again, AppError::Conflict { .. }), "{again:?}");
        // The job finds it cancelled and imports nothing.
        app.drain_jobs(None).await;
        let i = detail(&app, &owner, id).await.import;
        assert_eq!(i.state, ImportState::Cancelled);
        assert_eq!(i.processed_rows, 0);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 0);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM lead_import_rows")
                .await,
            0,
            "the upload is cleared"
        );
        app.invoke(Some(&owner), DeleteLeadImport { id })
            .await
            .expect("remove");
        let gone = app
            .invoke(Some(&owner), GetLeadImport { id })
            .await
            .expect_err("gone");
        assert!(matches!(gone, AppError::NotFound { .. }));
        assert!(app
            .invoke(Some(&owner), ListLeadImports {})
            .await
            .expect("list")
            .is_empty());
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action IN ('lead_import.uploaded', 'lead_import.started', 'lead_import.cancelled', 'lead_import.deleted')").await,
            4
        );
    })
}
