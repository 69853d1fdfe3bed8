//! Typed models shared by the browser and the server.
//!
//! Everything here compiles to WASM: no database, no tokio, no I/O. A type that crosses the
//! wire between a server function and a page is written once, here.

pub mod admin;
pub mod agents;
pub mod api_keys;
pub mod billing;
pub mod connectors;
pub mod error;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod members;
pub mod role;
pub mod sales;
pub mod session;
#[cfg(feature = "diesel")]
mod sql;
pub mod url;
pub mod validate;
pub mod vertical;

pub use error::AppError;
pub use ids::{
    AccountId, ActivityId, AgentRunId, ConnectionId, ContactId, InvitationId, LeadId, LeadImportId,
    OpportunityId, SavedViewId, StageId, SyncRunId, TaskId, TenantId, UserId,
};
pub use role::Role;
