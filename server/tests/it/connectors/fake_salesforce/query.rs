//! The fake org's reads: SOQL (`query`, `queryAll`, `nextRecordsUrl` pages, `Id IN`) and
//! describe, with field-level security hiding fields as a real org does.

use super::*;

/// Fields every object has, and no field-level security hides.
pub(super) const SYSTEM_FIELDS: [&str; 3] = ["Id", "SystemModstamp", "CreatedDate"];

/// The few SOQL shapes the connector sends, read back.
struct Soql {
    fields: Vec<String>,
    object: String,
    deleted_only: bool,
    after: Option<(DateTime<Utc>, Option<String>)>,
    /// `Id IN ('a', 'b')`.
    ids: Option<Vec<String>>,
}

fn parse_soql(q: &str) -> Option<Soql> {
    let rest = q.strip_prefix("SELECT ")?;
    let (fields, rest) = rest.split_once(" FROM ")?;
    let object: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let after = rest.split_once("SystemModstamp > ").and_then(|(_, t)| {
        let t: String = t
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ')')
            .collect();
        let at = DateTime::parse_from_rfc3339(&t).ok()?.with_timezone(&Utc);
        let id = rest
            .split_once("Id > '")
            .and_then(|(_, i)| i.split_once('\''))
            .map(|(i, _)| i.to_string());
        Some((at, id))
    });
    if !rest.contains("ORDER BY SystemModstamp ASC, Id ASC") {
        return None;
    }
    let ids = rest.split_once("Id IN (").and_then(|(_, list)| {
        let (list, _) = list.split_once(')')?;
        Some(
            list.split(',')
                .map(|id| id.trim().trim_matches('\'').to_string())
                .collect(),
        )
    });
    Some(Soql {
        fields: fields.split(',').map(|f| f.trim().to_string()).collect(),
        object,
        deleted_only: rest.contains("IsDeleted = true"),
        after,
        ids,
    })
}

fn run_query(fake: &FakeSalesforce, q: &str, all: bool) -> Response {
    let Some(soql) = parse_soql(q) else {
        return sf_error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "unexpected token",
        );
    };
    let org = fake.org();
    let known = standard_fields(&soql.object);
    let custom = org
        .custom_fields
        .get(&soql.object)
        .cloned()
        .unwrap_or_default();
    let hidden = org
        .hidden_fields
        .get(&soql.object)
        .cloned()
        .unwrap_or_default();
    for f in &soql.fields {
        if hidden.contains(f)
            || !(SYSTEM_FIELDS.contains(&f.as_str())
                || known.contains(&f.as_str())
                || custom.contains(f))
        {
            return sf_error(
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
                &format!("No such column '{f}' on entity '{}'.", soql.object),
            );
        }
    }
    let mut recs: Vec<Rec> = org
        .objects
        .get(&soql.object)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            if soql.deleted_only {
                r.deleted
            } else {
                all || !r.deleted
            }
        })
        .filter(|r| soql.ids.as_ref().is_none_or(|ids| ids.contains(&r.id)))
        .filter(|r| match &soql.after {
            None => true,
            Some((at, None)) => r.modified > *at,
            Some((at, Some(id))) => r.modified > *at || (r.modified == *at && &r.id > id),
        })
        .collect();
    recs.sort_by(|a, b| (a.modified, &a.id).cmp(&(b.modified, &b.id)));
    let rows: VecDeque<Value> = recs
        .iter()
        .map(|r| {
            let mut out = Map::new();
            out.insert("attributes".into(), json!({"type": soql.object, "url": format!("/services/data/v62.0/sobjects/{}/{}", soql.object, r.id)}));
            for f in &soql.fields {
                let v = match f.as_str() {
                    "Id" => json!(r.id),
                    "SystemModstamp" => json!(stamp(r.modified)),
                    other => r.fields.get(other).cloned().unwrap_or(Value::Null),
                };
                out.insert(f.clone(), v);
            }
            Value::Object(out)
        })
        .collect();
    let total = rows.len();
    drop(org);
    page(fake, rows, total)
}

fn page(fake: &FakeSalesforce, mut rows: VecDeque<Value>, total: usize) -> Response {
    let mut org = fake.org();
    let size = org.page_size.max(1);
    let first: Vec<Value> = rows.drain(..rows.len().min(size)).collect();
    let mut body = json!({"totalSize": total, "done": rows.is_empty(), "records": first});
    if !rows.is_empty() {
        org.next_id += 1;
        let locator = format!("01gFAKE{:08}-{}", org.next_id, size);
        body["nextRecordsUrl"] = json!(format!("/services/data/v62.0/query/{locator}"));
        org.locators.insert(locator, rows);
    }
    drop(org);
    ok_json(fake, body)
}

pub(super) async fn query(
    State(fake): State<FakeSalesforce>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let soql = q.get("q").cloned().unwrap_or_default();
    if let Some(r) = api_call(&fake, &headers, format!("GET query {soql}")).await {
        return r;
    }
    run_query(&fake, &soql, false)
}

pub(super) async fn query_all(
    State(fake): State<FakeSalesforce>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let soql = q.get("q").cloned().unwrap_or_default();
    if let Some(r) = api_call(&fake, &headers, format!("GET queryAll {soql}")).await {
        return r;
    }
    run_query(&fake, &soql, true)
}

pub(super) async fn more(
    State(fake): State<FakeSalesforce>,
    headers: HeaderMap,
    Path((_, locator)): Path<(String, String)>,
) -> Response {
    if let Some(r) = api_call(&fake, &headers, format!("GET more {locator}")).await {
        return r;
    }
    let rows = fake.org().locators.remove(&locator);
    match rows {
        Some(rows) => {
            let total = rows.len();
            page(&fake, rows, total)
        }
        None => sf_error(
            StatusCode::NOT_FOUND,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        ),
    }
}

pub(super) async fn describe(
    State(fake): State<FakeSalesforce>,
    headers: HeaderMap,
    Path((_, object)): Path<(String, String)>,
) -> Response {
    if let Some(r) = api_call(&fake, &headers, format!("GET describe {object}")).await {
        return r;
    }
    let (custom, hidden) = {
        let org = fake.org();
        let get = |m: &HashMap<String, Vec<String>>| m.get(&object).cloned().unwrap_or_default();
        (get(&org.custom_fields), get(&org.hidden_fields))
    };
    let mut fields: Vec<Value> = SYSTEM_FIELDS
        .iter()
        .chain(standard_fields(&object))
        .filter(|f| !hidden.iter().any(|h| h == *f))
        .map(|f| json!({"name": f, "label": f, "type": "string", "custom": false, "updateable": *f != "Id"}))
        .collect();
    fields.extend(custom.iter().map(|f| json!({"name": f, "label": f.trim_end_matches("__c"), "type": "string", "custom": true, "updateable": true})));
    ok_json(&fake, json!({"name": object, "fields": fields}))
}
