//! The verticals this server runs: their navigation, job types and KPIs. A new vertical is
//! registered here.

use platform::verticals::VerticalRegistry;

pub fn registry() -> VerticalRegistry {
    VerticalRegistry::new().register(sales_hunter::SalesHunter)
}
