//! The integration tests: one binary (one link of the whole stack), a module per subject.
//! Each test gets a fresh database cloned from a migrated template and the real router
//! over real HTTP (`harness`).

mod accounts;
mod admin;
mod agents;
mod api;
mod auth;
mod billing;
mod connectors;
mod contacts;

mod hardening;
mod harness;
mod imports;
mod isolation;
mod jobs;
mod leads;
mod mail;
mod members;
mod pipeline;
mod records;
mod schema;
mod seed;
mod settings;
mod tenants;
