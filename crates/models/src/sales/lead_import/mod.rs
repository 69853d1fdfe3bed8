//! CSV imports of leads: the column mapping, its checks, and an import's progress.

mod suggest;
pub use suggest::suggest_mapping;

use super::custom_field::{key_of, CustomField, CustomFieldKind};
use super::import_values::NumberFormat;
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
    /// A member, by e-mail address or name, who becomes the owner.
    OwnerEmail,
    /// The record's id in the system the file came from: re-imports match on it.
    ExternalId,
    /// When the lead was created in the system the file came from.
    CreatedAt,
    /// When a converted lead was converted there.
    ConvertedAt,
    /// Free text, kept as a note on the lead.
    Description,
    /// A custom lead field, by key.
    Custom(String),
    /// A custom lead field of this kind, to be defined from the column (named after it) when
    /// the import starts.
    NewCustom(CustomFieldKind),
}

/// The standard targets in the order the mapping menu lists them, with their keys and labels.
const STANDARD: [(ImportTarget, &str, &str); 19] = [
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
        "Owner (member's e-mail or name)",
    ),
    (ImportTarget::ExternalId, "external_id", "External id"),
    (ImportTarget::CreatedAt, "created_at", "Created date"),
    (ImportTarget::ConvertedAt, "converted_at", "Converted date"),
    (
        ImportTarget::Description,
        "description",
        "Description (kept as a note)",
    ),
    (ImportTarget::Ignore, "", IGNORE_LABEL),
];
const IGNORE_LABEL: &str = "— Don't import —";

/// The kinds a column can define a new custom field as.
const NEW_KINDS: [CustomFieldKind; 3] = [
    CustomFieldKind::Number,
    CustomFieldKind::Text,
    CustomFieldKind::Date,
];

impl ImportTarget {
    /// The stored key: a standard name, `custom.<key>`, or "" for ignored.
    pub fn key(&self) -> String {
        match self {
            ImportTarget::Custom(k) => format!("custom.{k}"),
            ImportTarget::NewCustom(kind) => format!("new.{}", kind.as_str()),
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
        if let Some(kind) = key.strip_prefix("new.") {
            return CustomFieldKind::parse(kind)
                .filter(|k| NEW_KINDS.contains(k))
                .map(ImportTarget::NewCustom);
        }
        STANDARD
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(t, _, _)| t.clone())
    }

    /// Every choice of the mapping menu as (key, label): the standard fields, then the
    /// tenant's custom lead fields, then (for those who may define fields) a new custom field
    /// made from the column, then "ignore".
    pub fn choices(custom: &[CustomField], can_define: bool) -> Vec<(String, String)> {
        let standard = STANDARD
            .iter()
            .filter(|(t, _, _)| *t != ImportTarget::Ignore)
            .map(|(_, k, l)| (k.to_string(), l.to_string()));
        let custom = custom
            .iter()
            .map(|f| (format!("custom.{}", f.key), format!("{} (custom)", f.label)));
        let new = NEW_KINDS.iter().filter(|_| can_define).map(|k| {
            (
                ImportTarget::NewCustom(*k).key(),
                format!(
                    "+ New custom field from this column ({})",
                    k.label().to_lowercase()
                ),
            )
        });
        standard
            .chain(custom)
            .chain(new)
            .chain(std::iter::once((String::new(), IGNORE_LABEL.to_string())))
            .collect()
    }
}

/// The custom fields a mapping asks to define (its `new.<kind>` columns), each named after
/// its column, and the mapping with those columns pointing at them (`custom.<key>`). A column
/// whose name is already a custom field's key fills that field.
pub fn resolve_new_fields(
    headers: &[String],
    mapping: &[String],
    custom: &[CustomField],
) -> Result<(Vec<String>, Vec<CustomField>), AppError> {
    let mut out = Vec::with_capacity(mapping.len());
    let mut new: Vec<CustomField> = Vec::new();
    for (i, key) in mapping.iter().enumerate() {
        let Some(ImportTarget::NewCustom(kind)) = ImportTarget::parse(key.trim()) else {
            out.push(key.clone());
            continue;
        };
        let label: String = headers
            .get(i)
            .map(|h| h.trim().chars().take(60).collect())
            .unwrap_or_default();
        let field_key: String = key_of(&label).chars().take(40).collect();
        if field_key.is_empty() {
            return Err(AppError::validation(
                "mapping",
                format!(
                    "column {}: a new custom field is named after its column, and this one has no letters or digits",
                    i + 1
                ),
            ));
        }
        if !custom.iter().chain(&new).any(|f| f.key == field_key) {
            new.push(CustomField {
                object: super::custom_field::CustomObject::Lead,
                key: field_key.clone(),
                label,
                kind,
                options: Vec::new(),
            });
        }
        out.push(format!("custom.{field_key}"));
    }
    Ok((out, new))
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
        if let ImportTarget::NewCustom(_) = &target {
            return Err(AppError::validation(
                "mapping",
                format!(
                    "column “{column}”: its new custom field is defined when the import starts"
                ),
            ));
        }
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
    /// How the file writes its numbers: detected on upload, switchable while mapping.
    pub number_format: NumberFormat,
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
        /// The cell that broke the rule, as the file has it ("" when no one cell did).
        #[serde(default)]
        value: String,
    },
}

/// One row of the preview: what it holds, and what importing it would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row_number: i32,
    pub name: String,
    pub email: String,
    pub company: String,
    /// The numbers and dates of the row as they will be imported: (column, value read).
    pub values: Vec<(String, String)>,
    pub outcome: RowOutcome,
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    pub row_number: i32,
    pub field: String,
    pub message: String,
    /// The cell that broke the rule, as the file has it.
    pub value: String,
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
    /// `point` or `comma` ([`NumberFormat`]); empty keeps the import's.
    pub number_format: String,
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::sales::custom_field::{CustomFieldKind, CustomObject};

    pub(super) fn tier() -> CustomField {
        CustomField {
            object: CustomObject::Lead,
            key: "tier".into(),
            label: "Customer tier".into(),
            kind: CustomFieldKind::Text,
            options: vec![],
        }
    }

    pub(super) fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_round_trip() {
        for (key, _) in ImportTarget::choices(&[tier()], true) {
            assert_eq!(ImportTarget::parse(&key).map(|t| t.key()), Some(key));
        }
        assert_eq!(ImportTarget::parse("salary"), None);
        assert_eq!(ImportTarget::parse("custom."), None);
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
    fn new_fields_are_named_after_their_columns() {
        let headers = strings(&["Name", "Annual Revenue", "Customer tier", "SIC Code"]);
        let (mapping, new) = resolve_new_fields(
            &headers,
            &strings(&["full_name", "new.number", "new.text", "new.text"]),
            &[tier()],
        )
        .expect("resolved");
        assert_eq!(
            mapping,
            strings(&[
                "full_name",
                "custom.annual_revenue",
                "custom.customer_tier",
                "custom.sic_code"
            ])
        );
        let made: Vec<_> = new.iter().map(|f| (f.key.as_str(), f.kind)).collect();
        assert_eq!(
            made,
            [
                ("annual_revenue", CustomFieldKind::Number),
                ("customer_tier", CustomFieldKind::Text),
                ("sic_code", CustomFieldKind::Text)
            ]
        );
        let mut all = vec![tier()];
        all.extend(new);
        validate_mapping(&headers, &mapping, &all).expect("valid once defined");
        assert!(validate_mapping(
            &headers,
            &strings(&["full_name", "new.number", "", ""]),
            &all
        )
        .is_err());
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
