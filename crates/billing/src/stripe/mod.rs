//! Stripe, optional: configured by keys (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`;
//! `STRIPE_API_URL` points at a stand-in such as localstripe). Our plans, usage and invoices
//! stay ours; Stripe holds each organisation's customer (and, through its own pages, payment
//! details), and what it says of that customer's subscriptions and invoices comes back by
//! webhook: verified by signature (`signature`), kept once per event id (`webhook`), applied
//! by a job in order of the events' times (`apply`), mirrored in `stripe_*` tables.

pub mod apply;
pub mod client;
pub mod payments;
pub mod signature;
pub mod webhook;

/// How this installation talks to Stripe. Its `Debug` leaves the keys out.
#[derive(Clone)]
pub struct StripeConfig {
    /// `sk_…`: never logged, never sent to a browser.
    pub secret_key: String,
    /// `whsec_…`: what webhook signatures are checked against.
    pub webhook_secret: String,
    /// `https://api.stripe.com`, or a stand-in's address.
    pub api_url: String,
}

impl StripeConfig {
    pub const DEFAULT_API_URL: &'static str = "https://api.stripe.com";
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"…")
            .field("webhook_secret", &"…")
            .field("api_url", &self.api_url)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn its_debug_shows_no_key() {
        let c = super::StripeConfig {
            secret_key: "sk_live_secret".into(),
            webhook_secret: "whsec_secret".into(),
            api_url: "https://api.stripe.com".into(),
        };
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("sk_live_secret") && !shown.contains("whsec_secret"),
            "{shown}"
        );
    }
}
