//! What can go wrong talking to a model. Messages are the provider's own words (never our
//! key or our prompt), fit for the run ledger.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider refused the key: {0}")]
    Unauthorized(String),
    #[error("the provider is rate limiting ({message})")]
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("the provider is overloaded ({message})")]
    Overloaded {
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("the provider failed with HTTP {status}: {message}")]
    Server {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("the provider refused the request with HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("could not reach the provider: {0}")]
    Network(String),
    #[error("the provider's answer could not be read: {0}")]
    Malformed(String),
    #[error("{0}")]
    HostRefused(String),
}

impl ProviderError {
    /// Worth another attempt: rate limits, overload, server errors, a dropped connection.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Overloaded { .. }
                | ProviderError::Server { .. }
                | ProviderError::Network(_)
                | ProviderError::Timeout(_)
        )
    }

    /// What the provider asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. }
            | ProviderError::Overloaded { retry_after, .. }
            | ProviderError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
