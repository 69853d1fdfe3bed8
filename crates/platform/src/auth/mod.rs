//! Sign-up, sign-in, sessions, password reset and the throttle that guards them.

pub mod password;
pub mod password_reset;
pub mod session;
pub mod sign_in;
pub mod sign_up;
pub mod throttle;
pub mod token;

pub use session::{resolve_session, sign_out, switch_tenant, SESSION_COOKIE};
pub use sign_in::{sign_in, SignIn, SignedIn};
pub use sign_up::{sign_up, SignUp};

/// A new session: the cookie value (shown once, stored only as a hash) and its lifetime.
#[derive(Debug, Clone)]
pub struct NewSessionToken {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}
