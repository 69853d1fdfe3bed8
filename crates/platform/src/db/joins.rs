//! Joins that `schema.rs` cannot know: `diesel print-schema` writes `joinable!` only for
//! single-column foreign keys, and sessions reach users and tenants through the composite
//! key (tenant_id, user_id) → memberships.

use super::schema::{sessions, tenants, users};

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sessions -> tenants (tenant_id));
