//! Billing. Today: usage events, the meters every other part writes (agent runs and LLM
//! tokens first). Plans, subscriptions, quotas and invoices build on them (issue 23).

pub mod usage;

pub use usage::{Meter, UsageEvent};
