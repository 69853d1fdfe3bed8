//! What a connector implements, and nothing else: the [`Connector`] and [`Session`] traits
//! and the values that cross them (records, cursors, pages, API usage, failures). No
//! database, no runtime: a connector crate (Salesforce) depends on this and on `models`,
//! not on the platform. The framework that drives these traits is `crates/connectors/core`.

mod connector;
mod remote;

pub use connector::{
    Authorised, BoxFuture, Connector, Credentials, ObjectDefaults, SavedSettings, SecretsState,
    Session, IDS_AT_ONCE,
};
pub use remote::{
    ApiUsage, Cursor, Describe, Page, PushOutcome, PushRecord, RemoteError, RemoteRecord,
    RemoteUser, Values,
};
