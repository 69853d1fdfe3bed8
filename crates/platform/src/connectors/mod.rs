//! The connector framework: how Sales Hunter keeps records in step with outside systems.
//!
//! - [`Connector`] / [`Session`]: what a remote system's crate implements (Salesforce in
//!   `crates/connectors/salesforce`): authorisation, pulls since a cursor, deletions, pushes.
//! - [`SyncTarget`]: what a vertical implements for each local object it lets connectors fill.
//! - [`ConnectorRegistry`]: both, filled by the server at start-up.
//! - [`SyncConnection`]: the job that runs a sync (`sync`), page by page, resumable.
//! - [`mapping`]: remote fields onto local ones and the three-way merge with its policies.
//! - [`secrets`]: credentials sealed with AES-256-GCM.
//! - [`manage`]: what the connectors page does.

mod connector;
pub mod manage;
pub mod mapping;
mod registry;
mod remote;
pub mod secrets;
mod store;
mod sync;
mod target;

pub use connector::{Authorised, BoxFuture, Connector, Credentials, ObjectDefaults, Session};
pub use registry::ConnectorRegistry;
pub use remote::{
    ApiUsage, Cursor, Describe, Page, PushOutcome, PushRecord, RemoteError, RemoteRecord,
    RemoteUser, Values,
};
pub use secrets::SecretKey;
pub use sync::{ConnectorHub, SyncConnection, PUSH_BATCH};
pub use target::{LocalRecord, NewSynced, SyncTarget, SyncUpdate};
