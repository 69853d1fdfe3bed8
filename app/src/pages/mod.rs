//! One module per page.

pub mod accept_invite;
pub mod admin;
pub mod auth_layout;
pub mod dashboard;
pub mod members;
pub mod not_found;
pub mod shell;
pub mod sign_in;
pub mod sign_up;
pub mod workspace;
