//! Who calls the API: the `Authorization: Bearer shk_…` key, resolved to its member in its
//! tenant (the session cookie is never taken here). Then the key's scope, its rate per
//! minute, and the call counted on the `api_calls` meter, which refuses once a capped plan's
//! calls are used up. Every call that passes these is counted, whatever it answers.

use super::error::ApiError;
use crate::state::ServerState;
use app::state::RequestAuth;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use billing::{Meter, UsageEvent};
use models::api_keys::ApiKeyScope;
use models::AppError;
use platform::api_keys::{resolve_api_key, ApiCaller};
use platform::Db;

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

/// Counts the call in its own short transaction, before the work: a capped plan refuses here.
async fn count_call(db: &Db, caller: &ApiCaller) -> Result<(), platform::Error> {
    let tenant = caller.ctx.tenant_id;
    // A fresh key per call: a client's own request id could repeat and go uncounted.
    let key = format!("api:{}", uuid::Uuid::new_v4());
    db.tenant_tx(tenant, async |conn| {
        let held = billing::reserve(conn, tenant, Meter::ApiCalls, 1).await?;
        UsageEvent::new(tenant, Meter::ApiCalls, 1, key.clone())
            .source(format!("api_key:{}", caller.key_id))
            .settles(held)
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

pub async fn authenticate(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(key) = bearer(req.headers()).map(str::to_string) else {
        return ApiError(AppError::Unauthorized).into_response();
    };
    let client = req
        .extensions()
        .get::<RequestAuth>()
        .map(|a| a.client.clone())
        .unwrap_or_default();
    let caller = match resolve_api_key(&state.app.db, &key, client).await {
        Ok(Some(caller)) => caller,
        Ok(None) => return ApiError(AppError::Unauthorized).into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    if caller.scope == ApiKeyScope::Read && !matches!(*req.method(), Method::GET | Method::HEAD) {
        return ApiError(AppError::forbidden(
            "This API key may only read. Make a key with write scope to change records.",
        ))
        .into_response();
    }
    let per_minute = u32::try_from(caller.rate_per_minute).unwrap_or(1);
    let allowance = match state.api_limits.check(caller.key_id, per_minute) {
        Ok(a) => a,
        Err(retry_after_secs) => {
            return ApiError(AppError::RateLimited {
                message: format!(
                    "This API key may make {per_minute} requests a minute; try again in \
                     {retry_after_secs} s."
                ),
                retry_after_secs,
            })
            .into_response()
        }
    };
    if let Err(e) = count_call(&state.app.db, &caller).await {
        return ApiError::from(e).into_response();
    }
    req.extensions_mut().insert(caller);
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(allowance.limit));
    headers.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(allowance.remaining),
    );
    headers.insert("x-ratelimit-reset", HeaderValue::from(allowance.reset_secs));
    response
}

/// The admin API is for platform admins' keys only.
pub async fn platform_admins_only(req: Request, next: Next) -> Response {
    let allowed = req
        .extensions()
        .get::<ApiCaller>()
        .is_some_and(|c| c.ctx.is_platform_admin);
    if !allowed {
        return ApiError(AppError::forbidden(
            "The admin API is only for keys of platform admins, who operate this installation.",
        ))
        .into_response();
    }
    next.run(req).await
}
