//! The Sales Hunter vertical: the CRM a sales team works in all day — leads, accounts,
//! contacts, opportunities and their pipeline, activities and tasks, custom fields, saved
//! views, global search, the ten KPIs of the dashboard — and its demo data. Every function
//! takes the request context, checks the role, and runs in one tenant transaction.

pub mod access;
pub mod accounts;
pub mod actions;
pub mod activities;
pub mod agent_scopes;
pub mod analyst;
pub mod board;
pub mod contacts;
pub mod custom_fields;
pub mod dashboard;
pub mod fields;
pub mod kpis;
pub mod leads;
pub mod open_pipeline;
pub mod opportunities;
pub mod prospector;
pub mod qualifier;
pub mod records;
pub mod removal;
pub mod roi;
pub mod saved_views;
pub mod search;
pub mod seed;
pub mod settings;
pub mod stages;
pub mod sync;
pub mod text_search;

use models::sales::paths;
use models::vertical::{KpiDefinition, NavItem};
use platform::verticals::Vertical;

pub struct SalesHunter;

fn nav(segments: &[&str], label: &str, icon: &str) -> NavItem {
    NavItem {
        href: paths::href(segments),
        label: label.into(),
        icon: icon.into(),
    }
}

fn kpi(key: &str, label: &str, definition: &str) -> KpiDefinition {
    KpiDefinition {
        key: key.into(),
        label: label.into(),
        definition: definition.into(),
    }
}

impl Vertical for SalesHunter {
    fn key(&self) -> &'static str {
        "sales_hunter"
    }

    fn navigation(&self) -> Vec<NavItem> {
        vec![
            nav(&[], "Dashboard", "◧"),
            nav(&[paths::LEADS], "Leads", "◎"),
            nav(&[paths::ACCOUNTS], "Accounts", "▦"),
            nav(&[paths::CONTACTS], "Contacts", "☺"),
            nav(&[paths::PIPELINE], "Pipeline", "▤"),
            nav(&[paths::AGENTS], "Agents", "✦"),
            nav(&[paths::CONNECTORS], "Connectors", "⇄"),
            nav(
                &[paths::SETTINGS, paths::SALES_SETTINGS],
                "Sales settings",
                "⚙",
            ),
        ]
    }

    fn register_jobs(&self, jobs: platform::jobs::Registry) -> platform::jobs::Registry {
        jobs.register::<leads::import::ImportLeads>(())
            .register::<prospector::RescoreAllLeads>(())
            .register::<prospector::RescoreEngagedLeads>(())
            .register::<analyst::RefreshStallLimits>(())
    }

    fn kpis(&self) -> Vec<KpiDefinition> {
        vec![
            kpi(
                "pipeline_value",
                "Pipeline value",
                "The total amount of open opportunities.",
            ),
            kpi(
                "weighted_pipeline",
                "Weighted pipeline",
                "Open amounts times their stage's win probability.",
            ),
            kpi(
                "win_rate",
                "Win rate",
                "Won opportunities out of those closed in the period.",
            ),
            kpi(
                "average_deal_size",
                "Average deal size",
                "The mean amount of opportunities won in the period.",
            ),
            kpi(
                "sales_cycle",
                "Sales cycle",
                "The median days from creation to a win.",
            ),
            kpi(
                "pipeline_velocity",
                "Pipeline velocity",
                "Open deals × win rate × average deal size ÷ cycle length, per day.",
            ),
            kpi(
                "lead_conversion",
                "Lead → opportunity",
                "Leads created in the period that became opportunities.",
            ),
            kpi(
                "lead_response_time",
                "Lead response time",
                "The median time from a lead's creation to its first activity.",
            ),
            kpi(
                "activities_per_rep",
                "Activities per rep",
                "Calls, e-mails, meetings and notes per rep in the period.",
            ),
            kpi(
                "pipeline_coverage",
                "Pipeline coverage",
                "Open pipeline against the period's quota.",
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_its_navigation_and_ten_kpis() {
        assert_eq!(SalesHunter.navigation()[0].href, "/");
        let kpis = SalesHunter.kpis();
        assert_eq!(kpis.len(), 10);
        let mut keys: Vec<_> = kpis.iter().map(|k| k.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 10, "keys are unique");
    }
}
