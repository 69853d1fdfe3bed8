//! CSV imports of leads: the column mapping, its checks, and an import's progress.

use super::custom_field::CustomField;
use super::str_enum;
use crate::{AppError, LeadId, LeadImportId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// The most data rows in one file.
pub const MAX_ROWS: usize = 500_000;
/// The most columns in one file.
pub const MAX_COLUMNS: usize = 200;

str_enum!(
    ImportState {
        Mapping => "mapping", "Waiting for its mapping";
        Queued => "queued", "Queued";
        Running => "running", "Importing";
        Done => "done", "Done";
        Failed => "failed", "Failed";
        Cancelled => "cancelled", "Cancelled";
    }
);

impl ImportState {
    /// Still going: queued or running.
    pub fn is_active(self) -> bool {
        matches!(self, ImportState::Queued | ImportState::Running)
    }
}

/// What one CSV column fills on a lead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImportTarget {
    Ignore,
    FirstName,
    LastName,
    /// "Ada Lovelace": split at the last space into first and last name.
    FullName,
    Email,
    Phone,
    Title,
    Company,
    Domain,
    Industry,
    EmployeeCount,
    Country,
    Source,
    Status,
    /// The e-mail address of a member, who becomes the owner.
    OwnerEmail,
    /// The record's id in the system the file came from: re-imports match on it.
    ExternalId,
    /// A custom lead field, by key.
    Custom(String),
}

/// The standard targets in the order the mapping menu lists them, with their keys and labels.
const STANDARD: [(ImportTarget, &str, &str); 16] = [
    (ImportTarget::FirstName, "first_name", "First name"),
    (ImportTarget::LastName, "last_name", "Last name"),
    (ImportTarget::FullName, "full_name", "Full name (split)"),
    (ImportTarget::Email, "email", "E-mail"),
    (ImportTarget::Phone, "phone", "Phone"),
    (ImportTarget::Title, "title", "Title"),
    (ImportTarget::Company, "company", "Company"),
    (ImportTarget::Domain, "domain", "Domain"),
    (ImportTarget::Industry, "industry", "Industry"),
    (ImportTarget::EmployeeCount, "employee_count", "Employees"),
    (ImportTarget::Country, "country", "Country"),
    (ImportTarget::Source, "source", "Source"),
    (ImportTarget::Status, "status", "Status"),
    (
        ImportTarget::OwnerEmail,
        "owner_email",
        "Owner (member's e-mail)",
    ),
    (ImportTarget::ExternalId, "external_id", "External id"),
    (ImportTarget::Ignore, "", IGNORE_LABEL),
];
const IGNORE_LABEL: &str = "— Don't import —";

/// Header spellings that suggest a target, compared after [`normalise`].
const SYNONYMS: [(&str, &str); 34] = [
    ("firstname", "first_name"),
    ("givenname", "first_name"),
    ("forename", "first_name"),
    ("lastname", "last_name"),
    ("surname", "last_name"),
    ("familyname", "last_name"),
    ("name", "full_name"),
    ("fullname", "full_name"),
    ("contactname", "full_name"),
    ("email", "email"),
    ("emailaddress", "email"),
    ("mail", "email"),
    ("phone", "phone"),
    ("phonenumber", "phone"),
    ("mobile", "phone"),
    ("title", "title"),
    ("jobtitle", "title"),
    ("company", "company"),
    ("companyname", "company"),
    ("organisation", "company"),
    ("organization", "company"),
    ("account", "company"),
    ("domain", "domain"),
    ("website", "domain"),
    ("industry", "industry"),
    ("employees", "employee_count"),
    ("employeecount", "employee_count"),
    ("numberofemployees", "employee_count"),
    ("country", "country"),
    ("source", "source"),
    ("leadsource", "source"),
    ("status", "status"),
    ("owneremail", "owner_email"),
    ("id", "external_id"),
];

/// Lower-case letters and digits only: "E-mail Address" → "emailaddress".
fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl ImportTarget {
    /// The stored key: a standard name, `custom.<key>`, or "" for ignored.
    pub fn key(&self) -> String {
        match self {
            ImportTarget::Custom(k) => format!("custom.{k}"),
            other => STANDARD
                .iter()
                .find(|(t, _, _)| t == other)
                .map(|(_, k, _)| k.to_string())
                .unwrap_or_default(),
        }
    }

    pub fn parse(key: &str) -> Option<ImportTarget> {
        if let Some(k) = key.strip_prefix("custom.") {
            return (!k.is_empty()).then(|| ImportTarget::Custom(k.to_string()));
        }
        STANDARD
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(t, _, _)| t.clone())
    }

    /// Every choice of the mapping menu as (key, label): the standard fields, then the
    /// tenant's custom lead fields, then "ignore".
    pub fn choices(custom: &[CustomField]) -> Vec<(String, String)> {
        let standard = STANDARD
            .iter()
            .filter(|(t, _, _)| *t != ImportTarget::Ignore)
            .map(|(_, k, l)| (k.to_string(), l.to_string()));
        let custom = custom
            .iter()
            .map(|f| (format!("custom.{}", f.key), format!("{} (custom)", f.label)));
        standard
            .chain(custom)
            .chain(std::iter::once((String::new(), IGNORE_LABEL.to_string())))
            .collect()
    }

    /// The target a header most likely means: a custom field by label or key first (they are
    /// the tenant's own words), then the usual spellings; ignored when nothing fits.
    pub fn suggest(header: &str, custom: &[CustomField]) -> ImportTarget {
        let h = normalise(header);
        if h.is_empty() {
            return ImportTarget::Ignore;
        }
        if let Some(f) = custom
            .iter()
            .find(|f| normalise(&f.label) == h || normalise(&f.key) == h)
        {
            return ImportTarget::Custom(f.key.clone());
        }
        SYNONYMS
            .iter()
            .find(|(s, _)| *s == h)
            .and_then(|(_, k)| ImportTarget::parse(k))
            .unwrap_or(ImportTarget::Ignore)
    }
}

/// A suggested mapping for a file's headers; a target is suggested once, for its first column.
pub fn suggest_mapping(headers: &[String], custom: &[CustomField]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    headers
        .iter()
        .map(|h| {
            let t = ImportTarget::suggest(h, custom);
            if t == ImportTarget::Ignore || !taken.insert(t.clone()) {
                String::new()
            } else {
                t.key()
            }
        })
        .collect()
}

/// Checks a mapping against the file and the tenant's custom fields: one entry per column,
/// each target known and used once, and a last name (or full name) to import.
pub fn validate_mapping(
    headers: &[String],
    mapping: &[String],
    custom: &[CustomField],
) -> Result<Vec<ImportTarget>, AppError> {
    if mapping.len() != headers.len() {
        return Err(AppError::validation(
            "mapping",
            format!(
                "has {} entries; the file has {} columns",
                mapping.len(),
                headers.len()
            ),
        ));
    }
    let mut seen = std::collections::HashMap::new();
    let mut targets = Vec::with_capacity(mapping.len());
    for (i, key) in mapping.iter().enumerate() {
        let column = &headers[i];
        let target = ImportTarget::parse(key.trim()).ok_or_else(|| {
            AppError::validation(
                "mapping",
                format!("column “{column}”: “{key}” is not a lead field"),
            )
        })?;
        if let ImportTarget::Custom(k) = &target {
            if !custom.iter().any(|f| &f.key == k) {
                return Err(AppError::validation(
                    "mapping",
                    format!("column “{column}”: there is no custom lead field “{k}”"),
                ));
            }
        }
        if target != ImportTarget::Ignore {
            if let Some(first) = seen.insert(target.clone(), column) {
                return Err(AppError::validation(
                    "mapping",
                    format!("columns “{first}” and “{column}” both fill the same field; keep one"),
                ));
            }
        }
        targets.push(target);
    }
    let has = |t: ImportTarget| seen.contains_key(&t);
    if has(ImportTarget::FullName) && (has(ImportTarget::FirstName) || has(ImportTarget::LastName))
    {
        return Err(AppError::validation(
            "mapping",
            "map either a full name or first and last names, not both",
        ));
    }
    if !has(ImportTarget::LastName) && !has(ImportTarget::FullName) {
        return Err(AppError::validation(
            "mapping",
            "a lead needs a last name: map a column to Last name or Full name",
        ));
    }
    Ok(targets)
}

/// "Ada King Lovelace" → ("Ada King", "Lovelace"); one word is a last name.
pub fn split_full_name(full: &str) -> (String, String) {
    let full = full.trim();
    match full.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim().to_string(), last.trim().to_string()),
        None => (String::new(), full.to_string()),
    }
}

/// An import as its page and the list show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadImport {
    pub id: LeadImportId,
    pub file_name: String,
    pub headers: Vec<String>,
    pub mapping: Vec<String>,
    pub external_source: String,
    pub update_existing: bool,
    pub state: ImportState,
    pub total_rows: i32,
    /// Rows done so far, good or bad.
    pub processed_rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub failed: i32,
    /// Why the whole import stopped, when it failed.
    pub error: String,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Whether the signed-in user may map, start, cancel or delete it.
    pub can_manage: bool,
}

impl LeadImport {
    /// Done so far, in whole per cent.
    pub fn percent(&self) -> i32 {
        if self.total_rows == 0 {
            100
        } else {
            (i64::from(self.processed_rows) * 100 / i64::from(self.total_rows)) as i32
        }
    }
}

/// What importing one row does (or did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowOutcome {
    Create,
    Update {
        lead_id: LeadId,
    },
    Unchanged {
        lead_id: LeadId,
    },
    /// Matched a lead, and the import does not update existing leads.
    Skip {
        lead_id: LeadId,
    },
    Error {
        field: String,
        message: String,
    },
}

/// One row of the preview: what it holds, and what importing it would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row_number: i32,
    pub name: String,
    pub email: String,
    pub company: String,
    pub outcome: RowOutcome,
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    pub row_number: i32,
    pub field: String,
    pub message: String,
}

/// Everything the import page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadImportDetail {
    pub import: LeadImport,
    /// The first few values of each column, to recognise it by.
    pub samples: Vec<Vec<String>>,
    /// The first rows under the saved mapping (while it is being mapped).
    pub preview: Vec<PreviewRow>,
    /// Why the saved mapping cannot be imported yet ("" when it can).
    pub mapping_problem: String,
    /// The mapping menu: (key, label).
    pub choices: Vec<(String, String)>,
    /// The first errors; all of them are in the CSV download.
    pub errors: Vec<ImportRowError>,
}

impl LeadImportDetail {
    pub const ERRORS_SHOWN: i64 = 100;
    pub const PREVIEW_ROWS: i64 = 10;
}

/// The mapping form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadImportSettings {
    /// Per column, the target's key ("" to ignore).
    pub mapping: Vec<String>,
    pub external_source: String,
    /// "on" (a checked box) to update leads that match; anything else leaves them alone.
    pub update_existing: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sales::custom_field::{CustomFieldKind, CustomObject};

    fn tier() -> CustomField {
        CustomField {
            object: CustomObject::Lead,
            key: "tier".into(),
            label: "Customer tier".into(),
            kind: CustomFieldKind::Text,
            options: vec![],
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_round_trip() {
        for (key, _) in ImportTarget::choices(&[tier()]) {
            assert_eq!(ImportTarget::parse(&key).map(|t| t.key()), Some(key));
        }
        assert_eq!(ImportTarget::parse("salary"), None);
        assert_eq!(ImportTarget::parse("custom."), None);
    }

    #[test]
    fn suggests_from_usual_headers_and_custom_labels() {
        let headers = strings(&[
            "First Name",
            "Last name",
            "E-mail Address",
            "Company",
            "Customer Tier",
            "Email",
            "Notes",
        ]);
        assert_eq!(
            suggest_mapping(&headers, &[tier()]),
            strings(&[
                "first_name",
                "last_name",
                "email",
                "company",
                "custom.tier",
                "",
                ""
            ])
        );
    }

    #[test]
    fn validates_the_mapping() {
        let headers = strings(&["Name", "Mail", "Other"]);
        let ok =
            validate_mapping(&headers, &strings(&["full_name", "email", ""]), &[]).expect("valid");
        assert_eq!(ok[0], ImportTarget::FullName);
        let err =
            |m: &[&str]| validate_mapping(&headers, &strings(m), &[tier()]).expect_err("refused");
        assert!(err(&["full_name", "email"])
            .to_string()
            .contains("3 columns"));
        assert!(err(&["full_name", "email", "email"])
            .to_string()
            .contains("“Mail” and “Other”"));
        assert!(err(&["first_name", "email", ""])
            .to_string()
            .contains("last name"));
        assert!(err(&["full_name", "last_name", ""])
            .to_string()
            .contains("not both"));
        assert!(err(&["full_name", "custom.nope", ""])
            .to_string()
            .contains("no custom lead field"));
        assert!(err(&["full_name", "salary", ""])
            .to_string()
            .contains("not a lead field"));
    }

    #[test]
    fn splits_full_names() {
        assert_eq!(
            split_full_name(" Ada King  Lovelace "),
            ("Ada King".into(), "Lovelace".into())
        );
        assert_eq!(split_full_name("Cher"), (String::new(), "Cher".into()));
    }
}
