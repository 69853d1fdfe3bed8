//! What server functions need from the server: the database and the auth settings. The
//! server provides it as context to every page render and server-function call.

use chrono::Duration;
use platform::auth::throttle::ThrottlePolicy;
use platform::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The origin users reach the app at, for links in mail.
    pub public_url: String,
    /// The verticals this server runs (navigation, KPIs).
    pub verticals: platform::verticals::VerticalRegistry,
    /// The connectors and sync targets, and the key that seals credentials.
    pub connectors: connectors::ConnectorHub,
    /// The agents, LLM providers and the limits they run under.
    pub agents: agents::AgentHub,
    pub auth: AuthSettings,
    /// Stripe, when configured.
    pub stripe: Option<billing::stripe::StripeConfig>,
}

#[derive(Clone, Debug)]
pub struct AuthSettings {
    pub session_ttl: Duration,
    /// `Secure` on the session cookie: on everywhere but plain-HTTP localhost.
    pub cookie_secure: bool,
    pub throttle: ThrottlePolicy,
}

/// Who made this request, as resolved by the server's session middleware and stored in the
/// request's extensions.
#[derive(Clone, Debug)]
pub struct RequestAuth {
    pub user: Option<models::session::SessionUser>,
    /// The raw session cookie, for sign-out.
    pub token: Option<String>,
    pub client: platform::Client,
}

impl RequestAuth {
    /// The signed-in user's context, if someone is signed in.
    pub fn context(&self) -> Option<platform::RequestContext> {
        let user = self.user.as_ref()?;
        Some(platform::RequestContext {
            tenant_id: user.tenant_id,
            user_id: user.user_id,
            role: user.role,
            is_platform_admin: user.is_platform_admin,
            client: self.client.clone(),
        })
    }
}
