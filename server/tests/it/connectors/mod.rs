//! The Salesforce connector against a fake org speaking the real wire format: connecting
//! (OAuth with PKCE, JWT bearer), the first full sync, incremental syncs across a page
//! boundary inside one SystemModstamp, remote updates and deletions, conflicts under each
//! policy, an expired session, rate limits and 5xx, a worker killed mid-run, malformed
//! answers, write-back with refusals, the API budget, roles, isolation and bad input.

use crate::harness::{assert_field, quick_worker, run, TestApp};
use crate::records::lead;
use app::api::connectors::*;
use app::api::leads::UpdateLead;
use chrono::{TimeZone, Utc};
use fake_salesforce::{FakeSalesforce, Scripted, CLIENT_ID, CLIENT_SECRET};
use models::connectors::{
    ConnectionSettingsInput, ConnectionStatus, ObjectForm, SyncObject, SyncRunView, SyncState,
};
use models::sales::lead::LeadInput;
use models::{AppError, ConnectionId, LeadId};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

mod deletes;
mod failures;
mod fake_salesforce;
mod metering;
mod push;
mod setup;
mod standard_org;
mod sync;

fn settings(fake: &FakeSalesforce) -> SaveConnection {
    SaveConnection {
        kind: "salesforce".into(),
        input: ConnectionSettingsInput {
            login_host: fake.url.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            api_version: "62.0".into(),
            api_budget_percent: 80,
            sync_every_minutes: 60,
            jwt_username: String::new(),
            jwt_private_key: String::new(),
        },
    }
}

/// The settings with one change.
fn with(
    fake: &FakeSalesforce,
    change: impl FnOnce(&mut ConnectionSettingsInput),
) -> SaveConnection {
    let mut s = settings(fake);
    change(&mut s.input);
    s
}

/// Saves the settings and goes through the OAuth dance as a browser would.
async fn connect(app: &TestApp, session: &str, fake: &FakeSalesforce) -> ConnectionId {
    let id = app
        .invoke(Some(session), settings(fake))
        .await
        .expect("save connection");
    // API callers get the login URL from the server function; the page's "Connect" link
    // starts a fresh authorisation (the earlier one's state is replaced) and redirects.
    let api_url = app
        .invoke(Some(session), AuthorizeConnection { id })
        .await
        .expect("authorize");
    assert!(api_url.starts_with(&format!("{}/services/oauth2/authorize?", fake.url)));
    let start = app
        .get(
            Some(session),
            &format!("/connectors/salesforce/authorize/{id}"),
        )
        .await;
    assert_eq!(start.status(), 303);
    let url = start.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert_ne!(url, api_url);
    assert!(
        url.starts_with(&format!("{}/services/oauth2/authorize?", fake.url)),
        "{url}"
    );
    // The org's login page approves and sends the browser back.
    let login = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&url)
        .send()
        .await
        .expect("authorize");
    assert_eq!(login.status(), 302);
    let callback = login.headers()["location"]
        .to_str()
        .expect("callback")
        .to_string();
    let path = callback.strip_prefix(&app.base).expect("our callback URL");
    assert!(
        path.starts_with("/connectors/salesforce/callback?code="),
        "{path}"
    );
    let back = app.get(Some(session), path).await;
    let location = back.headers()["location"]
        .to_str()
        .expect("back")
        .to_string();
    assert_eq!(
        location, "/connectors?connected=salesforce",
        "callback answered {location}"
    );
    id
}

/// A fresh app and org, Olga's organisation connected to it: (app, org, Olga's session, the
/// connection).
async fn connected() -> (TestApp, FakeSalesforce, String, ConnectionId) {
    let app = TestApp::spawn().await;
    let fake = FakeSalesforce::start().await;
    let owner = app
        .sign_up("Olga Owner", "olga@example.com", "Olga Org")
        .await;
    let id = connect(&app, &owner, &fake).await;
    (app, fake, owner, id)
}

async fn overview(app: &TestApp, session: &str) -> models::connectors::ConnectorsOverview {
    app.invoke(Some(session), ListConnections {})
        .await
        .expect("list connections")
}

/// Sync now, run the jobs, and the run as it ended.
async fn sync(app: &TestApp, session: &str, id: ConnectionId) -> SyncRunView {
    let run = app
        .invoke(Some(session), SyncConnection { id })
        .await
        .expect("sync now");
    app.drain_jobs(None).await;
    let runs = app
        .invoke(Some(session), ListSyncRuns { id })
        .await
        .expect("runs");
    runs.into_iter().find(|r| r.id == run).expect("the run")
}

/// A run's per-record errors.
async fn run_errors(
    app: &TestApp,
    session: &str,
    run: &SyncRunView,
) -> Vec<models::connectors::SyncRunError> {
    app.invoke(Some(session), ListSyncRunErrors { run: run.id })
        .await
        .expect("errors")
}

fn counts(run: &SyncRunView, object: SyncObject) -> models::connectors::SyncCounts {
    run.counts
        .iter()
        .find(|(o, _)| *o == object)
        .map(|(_, c)| *c)
        .unwrap_or_default()
}

fn remote_lead(n: usize) -> Value {
    json!({
        "FirstName": format!("Ada{n}"), "LastName": format!("Lovelace{n}"),
        "Email": format!("Ada{n}@Example.com"), "Company": "Analytical Engines",
        "Website": "https://www.example.com/about", "NumberOfEmployees": 120,
        "Status": "Open - Not Contacted", "LeadSource": "Web",
    })
}

async fn lead_row(app: &TestApp, external_id: &str) -> Value {
    app.rows(&format!(
        "SELECT id, first_name, last_name, email, title, company, domain, status, score, \
                employee_count, external_source, external_id \
         FROM leads WHERE external_id = '{external_id}'"
    ))
    .await
    .into_iter()
    .next()
    .unwrap_or(Value::Null)
}

async fn edit_lead(app: &TestApp, session: &str, id: &str, change: impl FnOnce(&mut LeadInput)) {
    let id: LeadId = id.parse().expect("lead id");
    let detail = app
        .invoke(Some(session), app::api::leads::GetLead { id })
        .await
        .expect("lead");
    let mut input = LeadInput::from(&detail.lead);
    change(&mut input);
    app.invoke(Some(session), UpdateLead { id, input })
        .await
        .expect("update lead");
}
