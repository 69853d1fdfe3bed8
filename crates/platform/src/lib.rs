//! The native platform core: the database pool and schema, tenancy, auth, audit, members and
//! invitations, the job queue and the mail outbox. Business rules live here (and in
//! verticals), where they are tested without a browser; the `app` server functions only
//! authenticate and call in.

pub mod admin;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod context;
pub mod csv;
pub mod db;
pub mod error;
pub mod invitations;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod members;
pub mod migrate;
pub mod secrets;
pub mod seed;
pub mod tenants;
pub mod users;
pub mod verticals;

pub use context::{Client, RequestContext};
pub use db::Db;
pub use error::Error;
