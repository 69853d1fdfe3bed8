//! The platform admin console's work on organisations, people and the audit trail. Every
//! function checks `ctx.require_platform_admin()` first and runs as the platform role.

pub mod activity;
pub mod figures;
pub mod tenants;
pub mod users;
