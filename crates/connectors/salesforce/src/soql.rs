//! SOQL for incremental pulls, and reading query answers into records.
//!
//! Changes are read in (SystemModstamp, Id) order after a compound cursor, so records that
//! share a timestamp are never skipped at a page boundary; deletions the same way through
//! `queryAll` with `IsDeleted = true`.

use chrono::{DateTime, Utc};
use connector_api::{Cursor, Page, RemoteError, RemoteRecord};
use serde_json::Value;

/// A SOQL string literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A SOQL datetime literal (UTC, milliseconds).
fn datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `(SystemModstamp > t OR (SystemModstamp = t AND Id > 'id'))`, or nothing from the start.
fn after(cursor: &Cursor) -> Option<String> {
    let at = cursor.at?;
    let t = datetime(at);
    Some(if cursor.id.is_empty() {
        format!("SystemModstamp > {t}")
    } else {
        format!(
            "(SystemModstamp > {t} OR (SystemModstamp = {t} AND Id > {}))",
            literal(&cursor.id)
        )
    })
}

/// `fields` plus Id, SystemModstamp and CreatedDate (every object has all three, and no
/// field-level security hides them).
fn select(fields: &[String]) -> String {
    let mut select = vec![
        "Id".to_string(),
        "SystemModstamp".to_string(),
        "CreatedDate".to_string(),
    ];
    for f in fields {
        if !select.iter().any(|s| s.eq_ignore_ascii_case(f)) {
            select.push(f.clone());
        }
    }
    select.join(", ")
}

/// The changes query.
pub fn changes(object: &str, fields: &[String], cursor: &Cursor) -> String {
    let filter = after(cursor)
        .map(|w| format!(" WHERE {w}"))
        .unwrap_or_default();
    format!(
        "SELECT {} FROM {object}{filter} ORDER BY SystemModstamp ASC, Id ASC",
        select(fields)
    )
}

/// The records with these ids (records that failed, tried again).
pub fn by_ids(object: &str, fields: &[String], ids: &[String]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| literal(id)).collect();
    format!(
        "SELECT {} FROM {object} WHERE Id IN ({}) ORDER BY SystemModstamp ASC, Id ASC",
        select(fields),
        ids.join(", ")
    )
}

/// The deletions query (for `queryAll`).
pub fn deletions(object: &str, cursor: &Cursor) -> String {
    let filter = after(cursor)
        .map(|w| format!(" AND {w}"))
        .unwrap_or_default();
    format!(
        "SELECT Id, SystemModstamp FROM {object} WHERE IsDeleted = true{filter} \
         ORDER BY SystemModstamp ASC, Id ASC"
    )
}

/// Salesforce's datetime (`2026-11-27T04:56:10.000+0000`) or RFC 3339.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Reads a query answer. Anything not as documented is `Malformed`, naming the object and,
/// where one can be told, the record.
pub fn read_page(object: &str, body: &str) -> Result<Page, RemoteError> {
    let malformed = |what: String| RemoteError::Malformed(format!("{object} query: {what}"));
    let value: Value = serde_json::from_str(body)
        .map_err(|e| malformed(format!("the answer is not JSON ({e})")))?;
    let records = value
        .get("records")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("the answer has no records list".into()))?;
    let done = value.get("done").and_then(Value::as_bool).unwrap_or(true);
    let next = match value.get("nextRecordsUrl") {
        Some(Value::String(url)) if !done => {
            if !url.starts_with("/services/data/") {
                return Err(malformed(format!("an unexpected nextRecordsUrl {url:?}")));
            }
            Some(url.clone())
        }
        None | Some(Value::Null) if !done => {
            return Err(malformed(
                "more records are announced but no nextRecordsUrl".into(),
            ))
        }
        _ => None,
    };
    let mut out = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let Value::Object(fields) = r else {
            return Err(malformed(format!("record {} is not an object", i + 1)));
        };
        let id = match fields.get("Id") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            _ => return Err(malformed(format!("record {} has no Id", i + 1))),
        };
        let modified = fields
            .get("SystemModstamp")
            .and_then(Value::as_str)
            .and_then(parse_datetime)
            .ok_or_else(|| malformed(format!("record {id} has no readable SystemModstamp")))?;
        let created = fields
            .get("CreatedDate")
            .and_then(Value::as_str)
            .and_then(parse_datetime);
        let mut fields = fields.clone();
        fields.remove("attributes");
        out.push(RemoteRecord {
            id,
            modified,
            created,
            fields,
        });
    }
    // The cursor relies on this order; an answer out of order would skip records. (Ids
    // within a timestamp are in the org's own order, which `Id >` follows.)
    if out.windows(2).any(|w| w[0].modified > w[1].modified) {
        return Err(malformed("records are not in SystemModstamp order".into()));
    }
    Ok(Page { records: out, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_queries_resume_after_the_compound_cursor() {
        let fields = vec!["LastName".to_string(), "Id".to_string()];
        assert_eq!(
            changes("Lead", &fields, &Cursor::default()),
            "SELECT Id, SystemModstamp, CreatedDate, LastName FROM Lead ORDER BY SystemModstamp ASC, Id ASC"
        );
        assert_eq!(
            by_ids("Lead", &fields, &["00Q1".into(), "x'y".into()]),
            "SELECT Id, SystemModstamp, CreatedDate, LastName FROM Lead WHERE Id IN ('00Q1', \
             'x\\'y') ORDER BY SystemModstamp ASC, Id ASC"
        );
        let cursor = Cursor {
            at: Some(
                Utc.with_ymd_and_hms(2026, 11, 1, 8, 30, 0)
                    .single()
                    .expect("date"),
            ),
            id: "00Q000000000001AAA".into(),
        };
        assert_eq!(
            changes("Lead", &fields, &cursor),
            "SELECT Id, SystemModstamp, CreatedDate, LastName FROM Lead WHERE (SystemModstamp > \
             2026-11-01T08:30:00.000Z OR (SystemModstamp = 2026-11-01T08:30:00.000Z AND \
             Id > '00Q000000000001AAA')) ORDER BY SystemModstamp ASC, Id ASC"
        );
        assert!(deletions("Lead", &cursor).contains("WHERE IsDeleted = true AND (SystemModstamp >"));
        let odd = Cursor {
            id: "x'y".into(),
            ..cursor
        };
        assert!(changes("Lead", &fields, &odd).contains(r"Id > 'x\'y'"));
    }

    #[test]
    fn answers_are_read_and_bad_ones_named() {
        let page = read_page(
            "Lead",
            r#"{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g-2000",
               "records":[{"attributes":{"type":"Lead"},"Id":"00Q1","SystemModstamp":"2026-11-01T08:30:00.000+0000","CreatedDate":"2026-01-05T10:00:00.000+0000","LastName":"A"},
                          {"attributes":{"type":"Lead"},"Id":"00Q2","SystemModstamp":"2026-11-01T08:30:00.000+0000","LastName":"B"}]}"#,
        )
        .expect("ok");
        assert_eq!(page.records.len(), 2);
        assert_eq!(
            page.next.as_deref(),
            Some("/services/data/v62.0/query/01g-2000")
        );
        assert!(!page.records[0].fields.contains_key("attributes"));
        assert_eq!(
            page.records[0].created,
            parse_datetime("2026-01-05T10:00:00.000Z")
        );
        assert_eq!(page.records[1].created, None);

        let err = |body: &str| read_page("Lead", body).expect_err("an error").to_string();
        assert!(err("{\"records\": [").contains("Lead query: the answer is not JSON"));
        assert!(err(r#"{"done":true,"records":[{"Id":"00Q9"}]}"#)
            .contains("00Q9 has no readable SystemModstamp"));
        assert!(err(r#"{"done":true,"records":[{"LastName":"x"}]}"#).contains("record 1 has no Id"));
        assert!(err(r#"{"done":false,"records":[]}"#).contains("no nextRecordsUrl"));
        assert!(
            err(r#"{"done":false,"nextRecordsUrl":"https://evil/x","records":[]}"#)
                .contains("unexpected nextRecordsUrl")
        );
        assert!(err(r#"{"done":true,"records":[
            {"Id":"00Q2","SystemModstamp":"2026-11-01T08:31:00.000+0000"},
            {"Id":"00Q1","SystemModstamp":"2026-11-01T08:30:00.000+0000"}]}"#)
        .contains("order"));
    }
}
