//! The vertical registry: the products built on the platform (Sales Hunter first) name their
//! navigation entries, their job types and their KPIs here. The server fills it at start-up;
//! the shell's sidebar and the worker's job types come from it.

use crate::jobs::Registry;
use models::vertical::{KpiDefinition, NavItem};
use std::sync::Arc;

pub trait Vertical: Send + Sync + 'static {
    /// A stable key, e.g. `sales_hunter`.
    fn key(&self) -> &'static str;
    /// Its sidebar entries, in order.
    fn navigation(&self) -> Vec<NavItem>;
    /// Adds its job types (with their dependencies) to the worker's registry.
    fn register_jobs(&self, jobs: Registry) -> Registry {
        jobs
    }
    /// The KPIs its dashboard offers.
    fn kpis(&self) -> Vec<KpiDefinition> {
        Vec::new()
    }
}

#[derive(Clone, Default)]
pub struct VerticalRegistry {
    verticals: Vec<Arc<dyn Vertical>>,
}

impl VerticalRegistry {
    pub fn new() -> VerticalRegistry {
        VerticalRegistry::default()
    }

    pub fn register(mut self, vertical: impl Vertical) -> VerticalRegistry {
        self.verticals.push(Arc::new(vertical));
        self
    }

    /// Every vertical's sidebar entries, in registration order.
    pub fn navigation(&self) -> Vec<NavItem> {
        self.verticals.iter().flat_map(|v| v.navigation()).collect()
    }

    /// Every vertical's job types added to `jobs`.
    pub fn register_jobs(&self, jobs: Registry) -> Registry {
        self.verticals
            .iter()
            .fold(jobs, |jobs, v| v.register_jobs(jobs))
    }

    pub fn kpis(&self) -> Vec<KpiDefinition> {
        self.verticals.iter().flat_map(|v| v.kpis()).collect()
    }
}
