//! What a new Salesforce connection syncs, and how, until an admin changes it.

use connector_api::ObjectDefaults;
use models::connectors::{Direction, FieldMapping, Policy, SyncObject};

fn pull(remote: &str, local: &str) -> FieldMapping {
    FieldMapping::new(remote, local, Direction::Pull, Policy::RemoteWins)
}

/// The owner both ways: a reassignment on either side reaches the other (matched by the
/// users' e-mail addresses).
fn owner() -> FieldMapping {
    FieldMapping::new("OwnerId", "owner", Direction::Both, Policy::NewestWins)
}

/// The standard Lead Status picklist against Sales Hunter's statuses.
pub const LEAD_STATUSES: [(&str, &str); 4] = [
    ("Open - Not Contacted", "new"),
    ("Working - Contacted", "working"),
    ("Closed - Converted", "converted"),
    ("Closed - Not Converted", "disqualified"),
];

pub fn objects() -> Vec<ObjectDefaults> {
    vec![
        ObjectDefaults {
            object: SyncObject::Account,
            remote_object: "Account",
            mappings: vec![
                pull("Name", "name"),
                pull("Website", "domain"),
                pull("Industry", "industry"),
                pull("NumberOfEmployees", "employee_count"),
                pull("AnnualRevenue", "annual_revenue"),
                pull("BillingCountry", "country"),
                pull("BillingState", "region"),
                owner(),
            ],
        },
        ObjectDefaults {
            object: SyncObject::Contact,
            remote_object: "Contact",
            mappings: vec![
                pull("FirstName", "first_name"),
                pull("LastName", "last_name"),
                pull("Title", "title"),
                pull("Email", "email"),
                pull("Phone", "phone"),
                pull("AccountId", "account"),
                owner(),
            ],
        },
        ObjectDefaults {
            object: SyncObject::Lead,
            remote_object: "Lead",
            mappings: vec![
                pull("FirstName", "first_name"),
                pull("LastName", "last_name"),
                pull("Email", "email"),
                pull("Phone", "phone"),
                pull("Title", "title"),
                pull("Company", "company"),
                pull("Website", "domain"),
                pull("Industry", "industry"),
                pull("NumberOfEmployees", "employee_count"),
                pull("Country", "country"),
                pull("LeadSource", "source"),
                FieldMapping::new("Status", "status", Direction::Both, Policy::NewestWins)
                    .with_values(&LEAD_STATUSES),
                owner(),
            ],
        },
        ObjectDefaults {
            object: SyncObject::Opportunity,
            remote_object: "Opportunity",
            mappings: vec![
                pull("Name", "name"),
                pull("AccountId", "account"),
                pull("Amount", "amount"),
                pull("CloseDate", "close_date"),
                pull("StageName", "stage"),
                pull("NextStep", "next_step"),
                owner(),
            ],
        },
    ]
}
