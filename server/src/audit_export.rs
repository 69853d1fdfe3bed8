//! `GET /admin/activity.csv?<filter>`: the audit trail as CSV with the explorer's filters,
//! streamed in keyset chunks (each its own short transaction), however many rows.
//! Platform admins only.

use crate::export::{csv_attachment, error, paged_csv};
use crate::state::ServerState;
use app::state::RequestAuth;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use models::admin::AuditFilter;
use models::AppError;

pub async fn export_audit(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(ctx) = auth.context() else {
        return error(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    if let Err(e) = ctx.require_platform_admin() {
        return error(StatusCode::FORBIDDEN, e);
    }
    let pairs = models::url::pairs(query.as_deref().unwrap_or_default());
    let filter = AuditFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let criteria = match filter.criteria() {
        Ok(c) => c,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let db = state.app.db.clone();
    let header = platform::admin::activity::audit_csv_header();
    let body = paged_csv(header, None, move |after| {
        let (db, ctx, criteria) = (db.clone(), ctx.clone(), criteria.clone());
        async move { platform::admin::activity::audit_csv_chunk(&db, &ctx, &criteria, after).await }
    });
    csv_attachment("audit-log.csv", body)
}
