//! The exports teams come from, imported whole (issue 21): a Salesforce leads report and a
//! HubSpot contacts export map themselves (owners by name or e-mail, new custom fields for
//! the columns without a lead field), bring their history (converted leads, created dates,
//! descriptions as notes) and re-import without creating anything; a German Excel file's
//! numbers read in its own format, switchable while mapping; rows without any identity are
//! reported; and every row not imported shows the value that broke it.

use super::{detail, start, upload, upload_raw};
use crate::harness::{assert_field, run, TestApp};
use crate::members::team_with;
use app::api::imports::*;
use models::sales::import_values::NumberFormat;
use models::sales::lead_import::{ImportState, LeadImportDetail, RowOutcome};
use models::LeadImportId;

const SALESFORCE: &str = include_str!("../fixtures/imports/salesforce-leads-report.csv");
const HUBSPOT: &str = include_str!("../fixtures/imports/hubspot-contacts-export.csv");
const GERMAN: &[u8] = include_bytes!("../fixtures/imports/german-excel.csv");

/// Uploads raw bytes (a Windows-1252 file, say) and gives the new import's id.
async fn upload_bytes(app: &TestApp, session: &str, bytes: &[u8]) -> LeadImportId {
    let (status, headers, body) = upload_raw(app, Some(session), "export.csv", bytes).await;
    assert_eq!(status, 303, "upload: {body}");
    headers["location"]
        .to_str()
        .expect("location")
        .trim_start_matches("/leads/import/")
        .parse()
        .expect("an import id")
}

/// Saves a mapping and number format without starting.
async fn save(
    app: &TestApp,
    session: &str,
    id: LeadImportId,
    mapping: &[&str],
    number_format: &str,
) -> Result<models::sales::lead_import::LeadImport, models::AppError> {
    app.invoke(
        Some(session),
        MapLeadImport {
            id,
            mapping: mapping.iter().map(|s| s.to_string()).collect(),
            external_source: String::new(),
            update_existing: Some("on".into()),
            number_format: number_format.into(),
            start: None,
        },
    )
    .await
}

/// Imports with the suggested mapping, untouched, and runs the job.
async fn import_as_suggested(app: &TestApp, session: &str, id: LeadImportId) -> LeadImportDetail {
    let mapping = detail(app, session, id).await.import.mapping;
    start(app, session, id, mapping).await;
    app.drain_jobs(None).await;
    detail(app, session, id).await
}

fn counts(d: &LeadImportDetail) -> (i32, i32, i32, i32) {
    let i = &d.import;
    (i.created, i.updated, i.unchanged, i.failed)
}

/// The people tally (what the dashboard sums) holds, day by day, what the leads say.
async fn assert_tally_true(app: &TestApp) {
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM
               (SELECT day, sum(leads) AS n, sum(worked) AS w, sum(converted) AS c
                FROM people_tally_changes GROUP BY day HAVING sum(leads) <> 0) t
             FULL JOIN
               (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
                       count(*) FILTER (WHERE status IN ('working', 'nurture', 'qualified', 'converted')) AS w,
                       count(*) FILTER (WHERE converted_opportunity_id IS NOT NULL) AS c
                FROM leads GROUP BY 1) l USING (day)
             WHERE t.n IS DISTINCT FROM l.n OR t.w IS DISTINCT FROM l.w OR t.c IS DISTINCT FROM l.c"
        )
        .await,
        0,
        "the dashboard's tally matches the leads, day by day"
    );
}

#[test]
fn a_salesforce_leads_report_maps_itself_and_comes_in_whole_with_its_history() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let id = upload(&app, &owner, SALESFORCE).await;
        let d = detail(&app, &owner, id).await;
        assert_eq!(
            d.import.mapping,
            [
                "external_id",
                "first_name",
                "last_name",
                "title",
                "company",
                "email",
                "phone",
                "status",
                "source",
                "industry",
                "employee_count",
                "new.number",
                "owner_email",
                "created_at",
                "domain",
                "country",
                "new.text",
                "description",
                "converted_at",
            ],
            "every standard column maps itself; those without a lead field become custom fields"
        );
        assert_eq!(d.import.number_format, NumberFormat::Point);
        assert!(d.mapping_problem.is_empty(), "{}", d.mapping_problem);
        assert!(
            d.preview[0]
                .values
                .contains(&("Annual Revenue".to_string(), "1250000.00".to_string())),
            "the preview reads the new field's numbers: {:?}",
            d.preview[0].values
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM custom_fields").await,
            0,
            "previewing defines nothing"
        );

        let done = import_as_suggested(&app, &owner, id).await;
        assert_eq!(done.import.state, ImportState::Done);
        assert_eq!(counts(&done), (4, 0, 0, 1), "{:?}", done.errors);
        let e = &done.errors[0];
        assert_eq!(
            (e.row_number, e.field.as_str(), e.value.as_str()),
            (6, "employee_count", "ca. 50")
        );

        // The fields, in the file's numbers; the owner by name and by e-mail.
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads l JOIN users u ON u.id = l.owner_id
                 WHERE u.email = 'olga@example.com' AND external_source = 'csv'
                   AND ((external_id = '00Q5e000001LdA1' AND employee_count = 1200 AND status = 'working'
                         AND domain = 'analytical.io' AND (custom->>'annual_revenue')::numeric = 1250000
                         AND custom->>'city' = 'San Francisco')
                     OR (external_id = '00Q5e000001LdA2' AND l.email = '' AND status = 'new'
                         AND (custom->>'annual_revenue')::numeric = 85000.5)
                     OR (external_id = '00Q5e000001LdA4' AND employee_count = 2500 AND status = 'qualified'))"
            )
            .await,
            3
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM custom_fields
                 WHERE (key, label, kind) IN (('annual_revenue', 'Annual Revenue', 'number'), ('city', 'City', 'text'))"
            )
            .await,
            2,
            "the columns without a lead field became custom fields"
        );
        // History: created dates, a converted lead without an invented deal, a note.
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads WHERE
                   (external_id = '00Q5e000001LdA1' AND created_at = '2024-01-15T00:00:00Z')
                OR (external_id = '00Q5e000001LdA3' AND status = 'converted'
                    AND created_at = '2023-11-20T00:00:00Z' AND converted_at = '2023-12-01T00:00:00Z'
                    AND converted_opportunity_id IS NULL)"
            )
            .await,
            2
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities").await,
            0
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM activities a JOIN leads l ON l.id = a.lead_id
                 WHERE a.kind = 'note' AND a.body = 'Met at Web Summit, wants a demo in Q2.'
                   AND a.occurred_at = '2024-01-15T00:00:00Z' AND a.user_id IS NULL
                   AND l.external_id = '00Q5e000001LdA1' AND l.first_activity_at IS NULL"
            )
            .await,
            1,
            "the description is a note from the lead's creation, not a response"
        );
        assert_tally_true(&app).await;

        // The same report again: nothing created, nothing changed, nothing doubled.
        let (leads, notes) = (
            app.count("SELECT count(*) AS n FROM leads").await,
            app.count("SELECT count(*) AS n FROM activities").await,
        );
        let again = import_as_suggested(&app, &owner, upload(&app, &owner, SALESFORCE).await).await;
        assert_eq!(counts(&again), (0, 0, 4, 1), "{:?}", again.errors);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, leads);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM activities").await,
            notes
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM custom_fields").await,
            2
        );
        assert_tally_true(&app).await;
    })
}

#[test]
fn a_hubspot_export_maps_itself_and_a_reimport_creates_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let id = upload(&app, &owner, HUBSPOT).await;
        let d = detail(&app, &owner, id).await;
        assert_eq!(
            d.import.mapping,
            [
                "external_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "company",
                "title",
                "new.text",
                "status",
                "owner_email",
                "created_at",
                "domain",
                "country",
                "employee_count",
                "new.number",
                "source",
                "industry",
            ]
        );
        let done = import_as_suggested(&app, &owner, id).await;
        assert_eq!(counts(&done), (3, 0, 0, 1), "{:?}", done.errors);
        let e = &done.errors[0];
        assert_eq!(
            (e.row_number, e.field.as_str(), e.value.as_str()),
            (5, "status", "Maybe Later")
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads WHERE
                   (external_id = '51' AND status = 'new' AND employee_count = 120
                    AND custom->>'lifecycle_stage' = 'lead' AND created_at = '2024-03-05T09:15:00Z')
                OR (external_id = '52' AND email = '' AND status = 'working' AND domain = 'rivera-labs.example'
                    AND (custom->>'annual_revenue')::numeric = 1200000.5)
                OR (external_id = '53' AND status = 'working' AND employee_count = 2000)"
            )
            .await,
            3
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads l JOIN users u ON u.id = l.owner_id
                 WHERE u.email = 'olga@example.com'"
            )
            .await,
            3,
            "owners by name, by e-mail and as “Name (e-mail)”"
        );
        assert_tally_true(&app).await;

        let again = import_as_suggested(&app, &owner, upload(&app, &owner, HUBSPOT).await).await;
        assert_eq!(counts(&again), (0, 0, 3, 1), "{:?}", again.errors);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 3);
    })
}

#[test]
fn a_german_excel_file_reads_its_numbers_in_its_own_format_which_the_mapping_can_switch() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let id = upload_bytes(&app, &owner, GERMAN).await;
        let d = detail(&app, &owner, id).await;
        assert_eq!(
            d.import.number_format,
            NumberFormat::Comma,
            "`850.000,00 €` settles `1.200`"
        );
        // German headers map by hand.
        let mapping = [
            "first_name",
            "last_name",
            "email",
            "company",
            "employee_count",
            "new.number",
            "created_at",
            "status",
        ];
        save(&app, &owner, id, &mapping, "").await.expect("mapped");
        let d = detail(&app, &owner, id).await;
        assert_eq!(
            d.preview[0].values,
            [
                ("Mitarbeiter".to_string(), "1200".to_string()),
                ("Umsatz".to_string(), "1250000.50".to_string()),
                ("Erstellt am".to_string(), "2024-01-15 00:00".to_string()),
            ]
        );
        assert_eq!(d.preview[0].outcome, RowOutcome::Create);

        // Read as decimal points instead, `1.200` employees is not a whole number.
        save(&app, &owner, id, &mapping, "point")
            .await
            .expect("switched");
        let d = detail(&app, &owner, id).await;
        assert_eq!(d.import.number_format, NumberFormat::Point);
        assert!(
            matches!(&d.preview[0].outcome, RowOutcome::Error { field, value, .. }
                if field == "employee_count" && value == "1.200"),
            "{:?}",
            d.preview[0].outcome
        );
        // A format that is not one is refused, naming the field, and changes nothing.
        let err = save(&app, &owner, id, &mapping, "roman")
            .await
            .expect_err("not a format");
        assert_field(&err, "number_format");
        assert_eq!(
            detail(&app, &owner, id).await.import.number_format,
            NumberFormat::Point
        );

        save(&app, &owner, id, &mapping, "comma")
            .await
            .expect("back");
        let done = import_as_suggested(&app, &owner, id).await;
        assert_eq!(counts(&done), (3, 0, 0, 1), "{:?}", done.errors);
        let e = &done.errors[0];
        assert_eq!(
            (e.row_number, e.field.as_str(), e.value.as_str()),
            (5, "employee_count", "ca. 50")
        );
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads WHERE
                   (last_name = 'Müller' AND employee_count = 1200 AND (custom->>'umsatz')::numeric = 1250000.5
                    AND status = 'working' AND created_at = '2024-01-15T00:00:00Z')
                OR (last_name = 'Schmidt' AND employee_count = 85 AND (custom->>'umsatz')::numeric = 850000
                    AND created_at = '2024-02-03T14:30:00Z')
                OR (last_name = 'Weiß' AND company = 'Weiß & Co. KG' AND employee_count = 2500
                    AND (custom->>'umsatz')::numeric = 12.5 AND status = 'qualified')"
            )
            .await,
            3
        );
        // The rows not imported show the value that broke the rule, on the page and in the CSV.
        let csv = app
            .get(Some(&owner), &format!("/leads/import/{id}/errors.csv"))
            .await
            .text()
            .await
            .expect("csv");
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[0].starts_with("row,field,reason,value,Vorname"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("5,employee_count,") && lines[1].contains(",ca. 50,Karl,Klein,"),
            "{}",
            lines[1]
        );
    })
}

#[test]
fn rows_without_email_match_by_name_and_company_and_rows_without_any_identity_are_reported() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let csv = "First Name,Last Name,Company,Title\n\
                   Ada,Lovelace,Analytical Engines,CTO\n\
                   Grace,Hopper,,Admiral\n";
        let first = import_as_suggested(&app, &owner, upload(&app, &owner, csv).await).await;
        assert_eq!(counts(&first), (1, 0, 0, 1), "{:?}", first.errors);
        let e = &first.errors[0];
        assert_eq!((e.row_number, e.field.as_str()), (3, "row"));
        assert!(
            e.message.contains("no external id, e-mail or company"),
            "{e:?}"
        );

        // Again, and with a new title: the lead is found by its name and company.
        let again = import_as_suggested(&app, &owner, upload(&app, &owner, csv).await).await;
        assert_eq!(counts(&again), (0, 0, 1, 1), "{:?}", again.errors);
        let changed = csv.replace("CTO", "CEO");
        let third = import_as_suggested(&app, &owner, upload(&app, &owner, &changed).await).await;
        assert_eq!(counts(&third), (0, 1, 0, 1), "{:?}", third.errors);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE title = 'CEO'")
                .await,
            1
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 1);
    })
}

#[test]
fn only_admins_define_custom_fields_from_columns_and_a_refused_mapping_changes_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let (_owner, rep, _) = team_with(&app, "rep").await;
        let id = upload(
            &app,
            &rep,
            "Last Name,Email,Annual Revenue\nLovelace,ada@x.io,\"$1,000\"\n",
        )
        .await;
        let d = detail(&app, &rep, id).await;
        assert_eq!(
            d.import.mapping,
            ["last_name", "email", ""],
            "a rep is not offered new fields"
        );
        assert!(!d.choices.iter().any(|(k, _)| k.starts_with("new.")));
        let err = app
            .invoke(
                Some(&rep),
                MapLeadImport {
                    id,
                    mapping: vec!["last_name".into(), "email".into(), "new.number".into()],
                    external_source: String::new(),
                    update_existing: None,
                    number_format: String::new(),
                    start: Some("1".into()),
                },
            )
            .await
            .expect_err("reps define no fields");
        assert_field(&err, "mapping");
        assert!(err.to_string().contains("Annual Revenue"), "{err}");
        let d = detail(&app, &rep, id).await;
        assert_eq!(d.import.state, ImportState::Mapping);
        assert_eq!(d.import.mapping, ["last_name", "email", ""]);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM custom_fields").await,
            0
        );
    })
}
