//! A fake Salesforce org on loopback, speaking the documented wire format: the OAuth
//! endpoints (authorize with PKCE, token by code / refresh token / JWT bearer, revoke),
//! `query` / `queryAll` with `nextRecordsUrl` paging, describe, sObject Collections updates,
//! errors as `[{"message", "errorCode"}]`, and `Sforce-Limit-Info` on every API answer. Tests
//! script its failures: expired sessions, rate limits, 5xx, malformed bodies, refused records.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

mod oauth;
mod query;
use oauth::{authorize, revoke, token};
use query::{describe, more, query, query_all};

pub const CLIENT_ID: &str = "3MVG9fake.client.id";
pub const CLIENT_SECRET: &str = "fake-consumer-secret";
pub const ORG_ID: &str = "00D000000000001EAA";
pub const USER_ID: &str = "005000000000001AAA";
/// A new org's lead statuses, and whether each means converted.
pub const LEAD_STATUSES: [(&str, bool); 4] = [
    ("Open - Not Contacted", false),
    ("Working - Contacted", false),
    ("Closed - Converted", true),
    ("Closed - Not Converted", false),
];

/// A stored record.
#[derive(Debug, Clone)]
pub struct Rec {
    pub id: String,
    pub modified: DateTime<Utc>,
    pub deleted: bool,
    pub fields: Map<String, Value>,
}

/// A scripted answer to the next API call(s).
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Answer with this status and body.
    Status(u16, String),
    /// Answer 200 with this (malformed) body.
    Body(String),
    /// Drop every access token first (the session expires).
    ExpireSession,
    /// Answer only after this long (past the client's timeout), then normally.
    Delay(std::time::Duration),
}

#[derive(Default)]
pub struct Org {
    pub objects: HashMap<String, Vec<Rec>>,
    pub custom_fields: HashMap<String, Vec<String>>,
    /// Fields field-level security hides from the API user: not described, and a query
    /// naming one fails with `INVALID_FIELD`, as in a real org.
    pub hidden_fields: HashMap<String, Vec<String>>,
    pub page_size: usize,
    pub api_used: i32,
    pub api_limit: i32,
    /// Every API call's method and path (with query), in order.
    pub calls: Vec<String>,
    pub script: VecDeque<Scripted>,
    /// Answers for the next calls whose description contains the text, before `script`.
    pub script_for: VecDeque<(String, Scripted)>,
    /// Records the collection update refuses: id → (statusCode, message).
    pub refuse: HashMap<String, (String, String)>,
    pub access_tokens: Vec<String>,
    pub refresh_tokens: Vec<String>,
    /// Refresh attempts answered `invalid_grant` (a revoked refresh token).
    pub refresh_refused: bool,
    pub revoked: Vec<String>,
    pub refreshes: usize,
    codes: HashMap<String, (String, String)>,
    locators: HashMap<String, VecDeque<Value>>,
    clock: Option<DateTime<Utc>>,
    next_id: u64,
    pub jwt_public_key: Option<Vec<u8>>,
}

#[derive(Clone)]
pub struct FakeSalesforce {
    pub url: String,
    pub org: Arc<Mutex<Org>>,
}

/// The fields each standard object has (besides Id, SystemModstamp, IsDeleted).
fn standard_fields(object: &str) -> &'static [&'static str] {
    match object {
        "Lead" => &[
            "FirstName",
            "LastName",
            "Email",
            "Phone",
            "Title",
            "Company",
            "Website",
            "Industry",
            "NumberOfEmployees",
            "Country",
            "LeadSource",
            "Status",
            "Description",
            "Rating",
            "OwnerId",
        ],
        "Contact" => &[
            "FirstName",
            "LastName",
            "Title",
            "Email",
            "Phone",
            "AccountId",
            "OwnerId",
        ],
        "Account" => &[
            "Name",
            "Website",
            "Industry",
            "NumberOfEmployees",
            "AnnualRevenue",
            "BillingCountry",
            "BillingState",
            "OwnerId",
        ],
        "Opportunity" => &[
            "Name",
            "AccountId",
            "Amount",
            "CloseDate",
            "StageName",
            "NextStep",
            "Probability",
            "IsClosed",
            "IsWon",
            "OwnerId",
        ],
        "User" => &["Email", "Name", "IsActive"],
        "OpportunityStage" => &[
            "ApiName",
            "MasterLabel",
            "SortOrder",
            "IsActive",
            "DefaultProbability",
            "ForecastCategoryName",
            "IsClosed",
            "IsWon",
        ],
        "LeadStatus" => &[
            "ApiName",
            "MasterLabel",
            "SortOrder",
            "IsConverted",
            "IsDefault",
        ],
        _ => &[],
    }
}

fn prefix(object: &str) -> &'static str {
    match object {
        "Lead" => "00Q",
        "Contact" => "003",
        "Account" => "001",
        "Opportunity" => "006",
        "User" => "005",
        _ => "a00",
    }
}

fn sf_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!([{"message": message, "errorCode": code}])),
    )
        .into_response()
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

impl Org {
    /// The org's clock: now, to the millisecond (as SystemModstamp keeps it), and always
    /// later than its last reading.
    pub fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now();
        let now = Utc
            .timestamp_millis_opt(now.timestamp_millis())
            .single()
            .expect("now");
        let at = match self.clock {
            Some(last) if now <= last => last + Duration::milliseconds(1),
            _ => now,
        };
        self.clock = Some(at);
        at
    }

    pub fn new_id(&mut self, object: &str) -> String {
        self.next_id += 1;
        format!("{}{:012}AAA", prefix(object), self.next_id)
    }

    /// Adds a record at `modified` (the fake clock's next second when `None`); its id.
    pub fn insert(
        &mut self,
        object: &str,
        fields: Value,
        modified: Option<DateTime<Utc>>,
    ) -> String {
        let id = self.new_id(object);
        let modified = modified.unwrap_or_else(|| self.tick());
        let mut fields = fields.as_object().cloned().unwrap_or_default();
        // Every record there has an owner: the API user who made it, unless told otherwise.
        if standard_fields(object).contains(&"OwnerId") && !fields.contains_key("OwnerId") {
            fields.insert("OwnerId".into(), json!(USER_ID));
        }
        // Created when first stamped, unless the test says when.
        if !fields.contains_key("CreatedDate") {
            fields.insert("CreatedDate".into(), json!(stamp(modified)));
        }
        self.objects.entry(object.into()).or_default().push(Rec {
            id: id.clone(),
            modified,
            deleted: false,
            fields,
        });
        id
    }

    pub fn update(&mut self, object: &str, id: &str, fields: Value) {
        let at = self.tick();
        let rec = self.find(object, id);
        for (k, v) in fields.as_object().cloned().unwrap_or_default() {
            rec.fields.insert(k, v);
        }
        rec.modified = at;
    }

    pub fn delete(&mut self, object: &str, id: &str) {
        let at = self.tick();
        let rec = self.find(object, id);
        rec.deleted = true;
        rec.modified = at;
    }

    /// Deletes a record for good, as an emptied Recycle Bin does: `queryAll` no longer
    /// reports it.
    pub fn purge(&mut self, object: &str, id: &str) {
        if let Some(records) = self.objects.get_mut(object) {
            records.retain(|r| r.id != id);
        }
    }

    pub fn find(&mut self, object: &str, id: &str) -> &mut Rec {
        self.objects
            .get_mut(object)
            .and_then(|v| v.iter_mut().find(|r| r.id == id))
            .unwrap_or_else(|| panic!("no {object} {id}"))
    }

    pub fn field(&mut self, object: &str, id: &str, field: &str) -> Value {
        self.find(object, id)
            .fields
            .get(field)
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn issue_tokens(&mut self, url: &str, refresh: bool) -> Value {
        self.next_id += 1;
        let access = format!("00D!access-{}", self.next_id);
        self.access_tokens.push(access.clone());
        let mut body = json!({
            "access_token": access,
            "instance_url": url,
            "id": format!("{url}/id/{ORG_ID}/{USER_ID}"),
            "token_type": "Bearer",
            "issued_at": "1764200000000",
            "signature": "c2lnbmF0dXJl",
            "scope": "api refresh_token",
        });
        if refresh {
            let token = format!("5Aep-refresh-{}", self.next_id);
            self.refresh_tokens.push(token.clone());
            body["refresh_token"] = json!(token);
        }
        body
    }
}

impl FakeSalesforce {
    pub async fn start() -> FakeSalesforce {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let mut org = Org {
            page_size: 2000,
            api_limit: 15_000,
            ..Org::default()
        };
        // The API user the tokens are issued for (not a member of any tenant here).
        let at = org.tick();
        org.objects.insert(
            "User".into(),
            vec![Rec {
                id: USER_ID.into(),
                modified: at,
                deleted: false,
                fields: json!({"Email": "integration@fake-org.test", "Name": "Integration User", "IsActive": true})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            }],
        );
        // A new org's picklists, as Salesforce ships them.
        let stages = [
            ("Prospecting", 10, "Pipeline", false, false),
            ("Qualification", 10, "Pipeline", false, false),
            ("Needs Analysis", 20, "Pipeline", false, false),
            ("Value Proposition", 50, "Pipeline", false, false),
            ("Id. Decision Makers", 60, "Pipeline", false, false),
            ("Perception Analysis", 70, "Pipeline", false, false),
            ("Proposal/Price Quote", 75, "Pipeline", false, false),
            ("Negotiation/Review", 90, "Pipeline", false, false),
            ("Closed Won", 100, "Closed", true, true),
            ("Closed Lost", 0, "Omitted", true, false),
        ];
        for (n, (name, p, forecast, closed, won)) in stages.iter().enumerate() {
            org.insert("OpportunityStage", json!({"ApiName": name, "MasterLabel": name, "SortOrder": n + 1, "IsActive": true, "DefaultProbability": p, "ForecastCategoryName": forecast, "IsClosed": closed, "IsWon": won}), None);
        }
        for (n, (name, converted)) in LEAD_STATUSES.iter().enumerate() {
            org.insert("LeadStatus", json!({"ApiName": name, "MasterLabel": name, "SortOrder": n + 1, "IsConverted": converted, "IsDefault": n == 0}), None);
        }
        let org = Arc::new(Mutex::new(org));
        let fake = FakeSalesforce { url, org };
        let router = Router::new()
            .route("/services/oauth2/authorize", get(authorize))
            .route("/services/oauth2/token", post(token))
            .route("/services/oauth2/revoke", post(revoke))
            .route("/services/data/{version}/query", get(query))
            .route("/services/data/{version}/queryAll", get(query_all))
            .route("/services/data/{version}/query/{locator}", get(more))
            .route(
                "/services/data/{version}/sobjects/{object}/describe",
                get(describe),
            )
            .route(
                "/services/data/{version}/composite/sobjects",
                patch(update_collection),
            )
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        fake
    }

    pub fn org(&self) -> std::sync::MutexGuard<'_, Org> {
        self.org.lock().expect("org lock")
    }

    /// API calls whose path contains `part`.
    pub fn calls_to(&self, part: &str) -> usize {
        self.org().calls.iter().filter(|c| c.contains(part)).count()
    }
}

/// Checks the token, counts the call, plays the script. `Some` is the answer to give instead.
async fn api_call(fake: &FakeSalesforce, headers: &HeaderMap, what: String) -> Option<Response> {
    let step = {
        let mut org = fake.org();
        let targeted = org
            .script_for
            .iter()
            .position(|(part, _)| what.contains(part.as_str()));
        org.calls.push(what);
        match targeted {
            Some(i) => org.script_for.remove(i).map(|(_, s)| s),
            None => org.script.pop_front(),
        }
    };
    if let Some(Scripted::Delay(d)) = &step {
        tokio::time::sleep(*d).await;
    }
    let mut org = fake.org();
    if let Some(step) = step {
        match step {
            Scripted::ExpireSession => org.access_tokens.clear(),
            Scripted::Delay(_) => {}
            Scripted::Status(status, body) => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return Some((status, with_limit(&org), body).into_response());
            }
            Scripted::Body(body) => {
                return Some((StatusCode::OK, with_limit(&org), body).into_response())
            }
        }
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !org.access_tokens.iter().any(|t| t == token) {
        return Some(sf_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        ));
    }
    org.api_used += 1;
    if org.api_used > org.api_limit {
        return Some(sf_error(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ));
    }
    None
}

fn with_limit(org: &Org) -> [(&'static str, String); 1] {
    [(
        "sforce-limit-info",
        format!("api-usage={}/{}", org.api_used, org.api_limit),
    )]
}

fn ok_json(fake: &FakeSalesforce, body: Value) -> Response {
    let org = fake.org();
    (StatusCode::OK, with_limit(&org), Json(body)).into_response()
}

async fn update_collection(
    State(fake): State<FakeSalesforce>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = api_call(&fake, &headers, "PATCH composite/sobjects".into()).await {
        return r;
    }
    let records = body["records"].as_array().cloned().unwrap_or_default();
    if records.len() > 200 || body["allOrNone"] != json!(false) {
        return sf_error(
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
            "at most 200 records, allOrNone false",
        );
    }
    let mut results = Vec::new();
    let mut org = fake.org();
    for r in records {
        let object = r["attributes"]["type"].as_str().unwrap_or("").to_string();
        let id = r["id"].as_str().unwrap_or("").to_string();
        if let Some((code, message)) = org.refuse.get(&id).cloned() {
            results.push(json!({"id": id, "success": false, "errors": [{"statusCode": code, "message": message, "fields": []}]}));
            continue;
        }
        let exists = org
            .objects
            .get(&object)
            .is_some_and(|v| v.iter().any(|x| x.id == id && !x.deleted));
        if !exists {
            results.push(json!({"success": false, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}]}));
            continue;
        }
        // An owner must be an active user of the org, as Salesforce has it.
        if let Some(owner) = r.get("OwnerId") {
            let user = org.objects.get("User").and_then(|users| {
                users
                    .iter()
                    .find(|u| Some(u.id.as_str()) == owner.as_str() && !u.deleted)
            });
            let refusal = match user {
                None => Some(("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")),
                Some(u) if u.fields.get("IsActive") != Some(&json!(true)) => Some((
                    "INACTIVE_OWNER_OR_USER",
                    "operation performed with inactive user",
                )),
                Some(_) => None,
            };
            if let Some((code, message)) = refusal {
                results.push(json!({"success": false, "errors": [{"statusCode": code, "message": message, "fields": ["OwnerId"]}]}));
                continue;
            }
        }
        let mut fields = r.as_object().cloned().unwrap_or_default();
        fields.remove("attributes");
        fields.remove("id");
        org.update(&object, &id, Value::Object(fields));
        results.push(json!({"id": id, "success": true, "errors": []}));
    }
    drop(org);
    ok_json(&fake, Value::Array(results))
}
