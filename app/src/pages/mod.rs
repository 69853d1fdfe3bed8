//! One module per page.

pub mod accept_invite;
pub mod accounts;
pub mod admin;
pub mod agents;
pub mod api_keys;
pub mod auth_layout;
pub mod billing;
pub mod choose_organisation;
pub mod connectors;
pub mod contacts;
pub mod dashboard;
pub mod forgot_password;
pub mod leads;
pub mod members;
pub mod not_found;
pub mod opportunity;
pub mod pipeline;
pub mod qualification;
pub mod records;
pub mod reset_password;
pub mod roi;
pub mod sales_settings;
pub mod search;
pub mod shell;
pub mod sign_in;
pub mod sign_up;
