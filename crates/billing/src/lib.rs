//! Billing: plans as data, a subscription per tenant, usage events counted per billing
//! period, and caps enforced atomically (issue 23). Invoices, payment providers and the
//! admin console's pages build on these.

pub mod admin;
pub mod connection_limit;
pub mod figures;
pub mod invoice;
pub mod manage;
pub mod plan_admin;
pub mod plans;
pub mod proration;
pub mod quota;
pub mod renewal;
pub mod seed;
pub mod stripe;
pub mod subscription;
pub mod usage;
mod warning;

pub use models::billing::Meter;
pub use quota::{release, reserve, Reservation};
pub use usage::UsageEvent;
