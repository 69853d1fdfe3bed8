//! The Sales Hunter server: configuration, the axum router and its middleware, the worker,
//! and the command line. `main.rs` only dispatches subcommands to this library, so the
//! integration tests drive exactly the router that production serves.

#![recursion_limit = "256"]

pub mod agents;
pub mod api;
pub mod audit_export;
pub mod config;
pub mod connectors;
pub mod export;
pub mod import;
pub mod invoice;
pub mod listen;
pub mod middleware;
pub mod payments;
pub mod router;
pub mod shutdown;
pub mod state;
pub mod stripe_webhook;
pub mod telemetry;
pub mod verticals;
pub mod worker;

pub use config::Config;
pub use router::build_router;
pub use state::ServerState;
