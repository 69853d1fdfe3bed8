//! Reading one row's cells under the mapping: lead fields (numbers in the file's format,
//! statuses as exports name them), the history a row carries (created and converted dates,
//! a description), the keys that tell which lead it is, the values the preview shows, and
//! the cell behind a failed rule.

use super::Planner;
use crate::fields;
use chrono::{DateTime, Utc};
use models::sales::custom_field::CustomFieldKind;
use models::sales::import_values::{lead_status_of, parse_date_time, parse_number, parse_whole};
use models::sales::lead::LeadInput;
use models::sales::lead_import::{split_full_name, ImportTarget};
use models::AppError;

/// The most characters of a description kept as a note.
const MAX_DESCRIPTION: usize = 10_000;

/// What decides which lead a row is: its external id, else its e-mail, else its name and
/// company (both lower-cased).
pub(in crate::leads::import) struct RowKeys {
    pub email: Option<String>,
    pub external: Option<String>,
    pub name: Option<(String, String)>,
}

/// What a row tells of the lead's history, beside its fields.
#[derive(Default)]
pub(in crate::leads::import) struct History {
    pub created_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    pub description: Option<String>,
}

/// The key a lead is known by without an e-mail or external id.
pub(super) fn name_key(first: &str, last: &str, company: &str) -> Option<(String, String)> {
    let name = format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_lowercase();
    let company = company.trim().to_lowercase();
    (!name.is_empty() && !company.is_empty()).then_some((name, company))
}

impl Planner {
    /// The row's cell for `target`, trimmed; `None` when the column is not mapped or empty.
    pub(super) fn cell<'a>(&self, cells: &'a [String], target: &ImportTarget) -> Option<&'a str> {
        self.targets
            .iter()
            .position(|t| t == target)
            .and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    fn kind_of(&self, key: &str) -> Option<CustomFieldKind> {
        self.defs.iter().find(|d| d.key == key).map(|d| d.kind)
    }

    /// Writes the row's non-empty cells over `input`, reading numbers in the file's format.
    pub(super) fn overlay(&self, input: &mut LeadInput, cells: &[String]) -> Result<(), AppError> {
        for (target, value) in self.targets.iter().zip(cells) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let v = value.to_string();
            match target {
                ImportTarget::FirstName => input.first_name = v,
                ImportTarget::LastName => input.last_name = v,
                ImportTarget::FullName => {
                    (input.first_name, input.last_name) = split_full_name(value)
                }
                ImportTarget::Email => input.email = v,
                ImportTarget::Phone => input.phone = v,
                ImportTarget::Title => input.title = v,
                ImportTarget::Company => input.company = v,
                ImportTarget::Domain => input.domain = v,
                ImportTarget::Industry => input.industry = v,
                ImportTarget::EmployeeCount => {
                    input.employee_count = parse_whole(value, self.number_format)
                        .map_err(|m| AppError::validation("employee_count", m))?
                        .to_string()
                }
                ImportTarget::Country => input.country = v,
                ImportTarget::Source => input.source = v,
                ImportTarget::Status => {
                    input.status = match lead_status_of(value) {
                        Some(s) => s.as_str().to_string(),
                        None => {
                            return Err(AppError::validation(
                                "status",
                                format!(
                                    "“{value}” is not a lead status (new, working, nurture, \
                                     qualified, disqualified or converted)"
                                ),
                            ))
                        }
                    }
                }
                ImportTarget::Custom(k) => {
                    let v = match self.kind_of(k) {
                        Some(CustomFieldKind::Number) => parse_number(value, self.number_format)
                            .ok_or_else(|| {
                                AppError::validation(
                                    format!("custom.{k}"),
                                    format!(
                                        "“{value}” is not a number as this file writes them ({})",
                                        self.number_format.example()
                                    ),
                                )
                            })?,
                        Some(CustomFieldKind::Date) => parse_date_time(value)
                            .map(|d| d.format("%Y-%m-%d").to_string())
                            .unwrap_or(v),
                        _ => v,
                    };
                    input.custom.insert(k.clone(), v);
                }
                ImportTarget::Ignore
                | ImportTarget::OwnerEmail
                | ImportTarget::ExternalId
                | ImportTarget::CreatedAt
                | ImportTarget::ConvertedAt
                | ImportTarget::Description
                | ImportTarget::NewCustom(_) => {}
            }
        }
        Ok(())
    }

    /// The row's e-mail, external id and name with company, checked: they decide which lead
    /// it is. A row with none of them could never be found again, so it is refused.
    pub(super) fn keys(&self, cells: &[String], shown: &LeadInput) -> Result<RowKeys, AppError> {
        let email = match self.cell(cells, &ImportTarget::Email) {
            Some(e) => Some(fields::optional_email("email", e)?),
            None => None,
        };
        let external = match self.cell(cells, &ImportTarget::ExternalId) {
            Some(x) => Some(fields::text("external_id", x, 255)?),
            None => None,
        };
        let name = name_key(&shown.first_name, &shown.last_name, &shown.company);
        if email.is_none() && external.is_none() && name.is_none() {
            return Err(AppError::validation(
                "row",
                "has no external id, e-mail or company: without one of them a re-import could \
                 not tell this lead from a new one",
            ));
        }
        Ok(RowKeys {
            email,
            external,
            name,
        })
    }

    fn date(
        &self,
        cells: &[String],
        target: &ImportTarget,
        field: &str,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        let Some(v) = self.cell(cells, target) else {
            return Ok(None);
        };
        let at = parse_date_time(v).ok_or_else(|| {
            AppError::validation(
                field,
                format!("“{v}” is not a date (such as 2024-01-31, 31.01.2024 or 1/31/2024)"),
            )
        })?;
        if at > Utc::now() + chrono::Duration::days(1) {
            return Err(AppError::validation(
                field,
                format!("“{v}” is in the future"),
            ));
        }
        Ok(Some(at))
    }

    /// The row's created and converted dates and its description.
    pub(super) fn history(&self, cells: &[String]) -> Result<History, AppError> {
        let description = match self.cell(cells, &ImportTarget::Description) {
            Some(d) => Some(fields::text("description", d, MAX_DESCRIPTION)?),
            None => None,
        };
        Ok(History {
            created_at: self.date(cells, &ImportTarget::CreatedAt, "created_at")?,
            converted_at: self.date(cells, &ImportTarget::ConvertedAt, "converted_at")?,
            description,
        })
    }

    /// The numbers and dates of a row as they will be read, for the preview.
    pub(super) fn shown_values(&self, cells: &[String]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, (target, value)) in self.targets.iter().zip(cells).enumerate() {
            let value = value.trim();
            let read = match target {
                ImportTarget::EmployeeCount => parse_whole(value, self.number_format)
                    .map(|n| n.to_string())
                    .ok(),
                ImportTarget::Custom(k) => match self.kind_of(k) {
                    Some(CustomFieldKind::Number) => parse_number(value, self.number_format),
                    _ => continue,
                },
                ImportTarget::CreatedAt | ImportTarget::ConvertedAt => {
                    parse_date_time(value).map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                }
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            let header = self.headers.get(i).cloned().unwrap_or_default();
            out.push((
                header,
                read.unwrap_or_else(|| format!("“{value}” cannot be read")),
            ));
        }
        out
    }

    /// The cell behind a failed rule on `field`, as the file has it.
    pub(super) fn value_of(&self, field: &str, cells: &[String]) -> String {
        let targets: Vec<ImportTarget> = match field {
            "first_name" => vec![ImportTarget::FirstName, ImportTarget::FullName],
            "last_name" => vec![ImportTarget::LastName, ImportTarget::FullName],
            "owner" | "owner_id" => vec![ImportTarget::OwnerEmail],
            other => ImportTarget::parse(other)
                .filter(|t| *t != ImportTarget::Ignore)
                .into_iter()
                .collect(),
        };
        targets
            .iter()
            .find_map(|t| self.cell(cells, t))
            .unwrap_or_default()
            .to_string()
    }
}
