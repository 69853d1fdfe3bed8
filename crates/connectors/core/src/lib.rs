//! The connector framework: how Sales Hunter keeps records in step with outside systems.
//!
//! - [`Connector`] / [`Session`] (from `connector-api`, re-exported): what a remote system's
//!   crate implements (Salesforce in `crates/connectors/salesforce`): authorisation, pulls
//!   since a cursor, deletions, pushes.
//! - [`SyncTarget`]: what a vertical implements for each local object it lets connectors fill.
//! - [`ConnectorRegistry`]: both, filled by the server at start-up.
//! - [`SyncConnection`]: the job that runs a sync (`sync`), page by page, resumable.
//! - [`mapping`]: remote fields onto local ones and the three-way merge with its policies.
//! - [`manage`]: what the connectors page does.
//!
//! Credentials are sealed with `platform::secrets`.

pub mod manage;
pub mod mapping;
mod meter;
mod registry;
mod store;
mod sync;
mod target;

pub use connector_api::{
    ApiUsage, Authorised, BoxFuture, Connector, Credentials, Cursor, Describe, ObjectDefaults,
    Page, PushOutcome, PushRecord, RemoteError, RemoteRecord, RemoteUser, Session, Values,
};
pub use meter::SyncMeter;
pub use platform::secrets::SecretKey;
pub use registry::ConnectorRegistry;
pub use sync::{ConnectorHub, SyncConnection, PUSH_BATCH};
pub use target::{LocalRecord, NewSynced, SyncTarget, SyncUpdate};
