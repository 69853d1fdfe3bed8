//! The mapping suggested for a file's headers: the tenant's custom fields by label or key,
//! then the usual spellings, including the standard headers of a Salesforce leads report
//! and a HubSpot contacts export, so those two map themselves. Headers in other languages
//! are mapped by hand.

use super::{CustomField, ImportTarget};
use std::collections::HashSet;

/// Header spellings (after [`normalise`]) and the target they mean.
const PRIMARY: &[(&str, &str)] = &[
    ("firstname", "first_name"),
    ("givenname", "first_name"),
    ("forename", "first_name"),
    ("lastname", "last_name"),
    ("surname", "last_name"),
    ("familyname", "last_name"),
    ("email", "email"),
    ("emailaddress", "email"),
    ("mail", "email"),
    ("phone", "phone"),
    ("phonenumber", "phone"),
    ("telephone", "phone"),
    ("businessphone", "phone"),
    ("title", "title"),
    ("jobtitle", "title"),
    ("company", "company"),
    ("companyname", "company"),
    ("organisation", "company"),
    ("organization", "company"),
    ("account", "company"),
    ("accountname", "company"),
    ("companyaccount", "company"),
    ("domain", "domain"),
    ("website", "domain"),
    ("websiteurl", "domain"),
    ("companydomainname", "domain"),
    ("industry", "industry"),
    ("employees", "employee_count"),
    ("employeecount", "employee_count"),
    ("numberofemployees", "employee_count"),
    ("noofemployees", "employee_count"),
    ("country", "country"),
    ("countryregion", "country"),
    ("source", "source"),
    ("leadsource", "source"),
    ("originalsource", "source"),
    ("status", "status"),
    ("leadstatus", "status"),
    ("owneremail", "owner_email"),
    ("owner", "owner_email"),
    ("leadowner", "owner_email"),
    ("contactowner", "owner_email"),
    ("recordowner", "owner_email"),
    ("id", "external_id"),
    ("externalid", "external_id"),
    ("leadid", "external_id"),
    ("recordid", "external_id"),
    ("contactid", "external_id"),
    ("createdate", "created_at"),
    ("createddate", "created_at"),
    ("createdat", "created_at"),
    ("createdon", "created_at"),
    ("datecreated", "created_at"),
    ("converteddate", "converted_at"),
    ("convertedat", "converted_at"),
    ("becameacustomerdate", "converted_at"),
    ("description", "description"),
    ("leaddescription", "description"),
];

/// Spellings that take a target only when no column of [`PRIMARY`] took it: a full name
/// beside first and last names, a mobile beside a phone, a lifecycle stage beside a status.
const SECONDARY: &[(&str, &str)] = &[
    ("name", "full_name"),
    ("fullname", "full_name"),
    ("contactname", "full_name"),
    ("leadname", "full_name"),
    ("mobile", "phone"),
    ("mobilephone", "phone"),
    ("mobilephonenumber", "phone"),
    ("lifecyclestage", "status"),
];

/// Columns exports carry that have no lead field: suggested as new custom fields, for those
/// who may define them.
const EXTRA: &[(&str, &str)] = &[
    ("annualrevenue", "new.number"),
    ("city", "new.text"),
    ("state", "new.text"),
    ("stateprovince", "new.text"),
    ("stateregion", "new.text"),
    ("street", "new.text"),
    ("streetaddress", "new.text"),
    ("postalcode", "new.text"),
    ("zippostalcode", "new.text"),
    ("zip", "new.text"),
    ("siccode", "new.text"),
    ("rating", "new.text"),
    ("lifecyclestage", "new.text"),
    ("mobilephone", "new.text"),
    ("mobilephonenumber", "new.text"),
];

/// Lower-case letters and digits only: "E-mail Address" → "emailaddress".
pub(super) fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn lookup(table: &[(&str, &str)], h: &str) -> Option<ImportTarget> {
    table
        .iter()
        .find(|(s, _)| *s == h)
        .and_then(|(_, k)| ImportTarget::parse(k))
}

/// A suggested mapping for a file's headers. Each target is suggested once, for its first
/// column: a tenant's custom field by label or key first (its own words), then the usual
/// spellings, then the fallbacks; with `can_define`, the known columns without a lead field
/// (annual revenue, city, SIC code…) become new custom fields.
pub fn suggest_mapping(
    headers: &[String],
    custom: &[CustomField],
    can_define: bool,
) -> Vec<String> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut out = vec![String::new(); headers.len()];
    let mut taken = HashSet::new();
    for pass in 0..3 {
        for (i, h) in normalised.iter().enumerate() {
            if !out[i].is_empty() || h.is_empty() {
                continue;
            }
            let target = match pass {
                0 => custom
                    .iter()
                    .find(|f| normalise(&f.label) == *h || normalise(&f.key) == *h)
                    .map(|f| ImportTarget::Custom(f.key.clone()))
                    .or_else(|| lookup(PRIMARY, h)),
                1 => lookup(SECONDARY, h),
                _ if can_define => lookup(EXTRA, h),
                _ => None,
            };
            let Some(target) = target else { continue };
            if matches!(target, ImportTarget::NewCustom(_)) || taken.insert(target.clone()) {
                out[i] = target.key();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{strings, tier};
    use super::*;

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
            suggest_mapping(&headers, &[tier()], false),
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
    fn a_salesforce_report_and_a_hubspot_export_map_themselves() {
        let salesforce = strings(&[
            "Lead ID",
            "First Name",
            "Last Name",
            "Title",
            "Company / Account",
            "Email",
            "Phone",
            "Lead Status",
            "Lead Source",
            "Industry",
            "No. of Employees",
            "Annual Revenue",
            "Lead Owner",
            "Create Date",
            "Website",
            "Country",
            "City",
            "Description",
            "Converted Date",
        ]);
        assert_eq!(
            suggest_mapping(&salesforce, &[], true),
            strings(&[
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
            ])
        );
        let hubspot = strings(&[
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Mobile Phone Number",
            "Company Name",
            "Job Title",
            "Lifecycle Stage",
            "Lead Status",
            "Contact owner",
            "Create Date",
            "Website URL",
            "Country/Region",
            "Number of Employees",
            "Annual Revenue",
            "Original Source",
            "Industry",
        ]);
        assert_eq!(
            suggest_mapping(&hubspot, &[], false),
            strings(&[
                "external_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "",
                "company",
                "title",
                "",
                "status",
                "owner_email",
                "created_at",
                "domain",
                "country",
                "employee_count",
                "",
                "source",
                "industry",
            ]),
            "without the right to define fields, the columns without a lead field stay out"
        );
        assert_eq!(
            suggest_mapping(&strings(&["Name", "Lifecycle Stage"]), &[], false),
            strings(&["full_name", "status"])
        );
    }
}
