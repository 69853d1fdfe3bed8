//! Server functions, by subject. Each is `verb_noun`, returns `Result<_, AppError>`, checks
//! the session and role it needs, and calls into `platform`.

pub mod accounts;
pub mod activities;
pub mod admin;
pub mod agents;
pub mod api_keys;
pub mod auth;
pub mod billing;
pub mod connectors;
pub mod contacts;
pub mod dashboard;
pub mod imports;
pub mod invitations;
pub mod leads;
pub mod members;
pub mod navigation;
pub mod pipeline;
pub mod qualifier;
pub mod saved_views;
pub mod settings;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Helpers only the server side of a server function uses.

    use crate::state::{AppState, RequestAuth};
    use http::header::{HeaderValue, SET_COOKIE};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use models::AppError;
    use platform::auth::SESSION_COOKIE;
    use platform::RequestContext;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server-function context");
            AppError::Internal {
                reference: "state".into(),
            }
        })
    }

    pub fn request_auth() -> Result<RequestAuth, AppError> {
        let Some(parts) = use_context::<http::request::Parts>() else {
            // Not inside a request: Leptos can re-run a resource on a spawned task after its
            // page has been rendered. Nothing is waiting for that result.
            tracing::debug!("server function called outside a request");
            return Err(AppError::Unauthorized);
        };
        parts
            .extensions
            .get::<RequestAuth>()
            .cloned()
            .ok_or_else(|| {
                tracing::error!("RequestAuth missing: is the session middleware mounted?");
                AppError::Internal {
                    reference: "auth".into(),
                }
            })
    }

    /// True for a form the browser posted itself (no JavaScript): it will show whatever page
    /// the response redirects to, not a server function's value.
    pub fn plain_form_post() -> bool {
        use_context::<http::request::Parts>().is_some_and(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        })
    }

    /// The signed-in user's context, or `Unauthorized`.
    pub fn require_user() -> Result<RequestContext, AppError> {
        request_auth()?.context().ok_or(AppError::Unauthorized)
    }

    fn set_cookie(value: String) {
        let Some(response) = use_context::<ResponseOptions>() else {
            tracing::error!("ResponseOptions missing: cannot set the session cookie");
            return;
        };
        match HeaderValue::from_str(&value) {
            Ok(v) => response.append_header(SET_COOKIE, v),
            Err(e) => tracing::error!(error = %e, "session cookie is not a valid header"),
        }
    }

    pub fn set_session_cookie(token: &str, max_age_secs: i64, secure: bool) {
        let secure = if secure { "; Secure" } else { "" };
        set_cookie(format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
        ));
    }

    pub fn clear_session_cookie(secure: bool) {
        let secure = if secure { "; Secure" } else { "" };
        set_cookie(format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
        ));
    }

    /// A same-site path to go to after sign-in; anything else becomes `/`.
    pub fn safe_next(next: Option<String>) -> String {
        match next {
            // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would be "//evil…".
            Some(n)
                if n.starts_with('/')
                    && !n.starts_with("//")
                    && !n.contains('\\')
                    && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
            {
                n
            }
            _ => "/".to_string(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::safe_next;

        #[test]
        fn next_stays_on_this_site() {
            assert_eq!(
                safe_next(Some("/settings/members?x=1".into())),
                "/settings/members?x=1"
            );
            for hostile in [
                "//evil.example",
                "/\\evil.example",
                "/\t/evil.example",
                "/\n/evil",
                "https://evil.example",
                "",
            ] {
                assert_eq!(safe_next(Some(hostile.into())), "/", "{hostile:?}");
            }
            assert_eq!(safe_next(None), "/");
        }
    }
}
