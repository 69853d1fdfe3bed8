//! `GET /leads/export.csv?<view>` (and `/accounts/…`, `/contacts/…`): the records of a view
//! as CSV, streamed a page at a time (keyset pages, each its own short transaction), so
//! memory stays flat however many rows.

use crate::state::ServerState;
use app::state::RequestAuth;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use models::sales::lead_query::LeadQuery;
use models::sales::record_query::{RecordKind, RecordQuery};
use models::AppError;

pub(crate) fn error(status: StatusCode, e: AppError) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        e.to_string(),
    )
        .into_response()
}

pub async fn export_leads(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(ctx) = auth.context() else {
        return error(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    let query = match LeadQuery::parse(query.as_deref().unwrap_or_default()) {
        Ok(q) => q.first_page(),
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let db = state.app.db.clone();
    let defs = match sales_hunter::leads::export_fields(&db, &ctx).await {
        Ok(d) => d,
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e.into()),
    };
    let header = sales_hunter::leads::export_header(&defs);
    let body = paged_csv(header, None, move |after| {
        let (db, ctx, query, defs) = (db.clone(), ctx.clone(), query.clone(), defs.clone());
        async move { sales_hunter::leads::export_page(&db, &ctx, &query, &defs, after).await }
    });
    csv_attachment("leads.csv", body)
}

pub async fn export_accounts(
    state: State<ServerState>,
    auth: Extension<RequestAuth>,
    query: RawQuery,
) -> Response {
    export_records(RecordKind::Account, state, auth, query).await
}

pub async fn export_contacts(
    state: State<ServerState>,
    auth: Extension<RequestAuth>,
    query: RawQuery,
) -> Response {
    export_records(RecordKind::Contact, state, auth, query).await
}

async fn export_records(
    kind: RecordKind,
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(ctx) = auth.context() else {
        return error(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    let query = match RecordQuery::parse(kind, query.as_deref().unwrap_or_default()) {
        Ok(q) => q.first_page(),
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let db = state.app.db.clone();
    let header = match kind {
        RecordKind::Account => sales_hunter::accounts::account_export_header(&db, &ctx).await,
        RecordKind::Contact => sales_hunter::contacts::contact_export_header(&db, &ctx).await,
    };
    let (header, defs) = match header {
        Ok(h) => h,
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e.into()),
    };
    let body = paged_csv(header, None, move |after| {
        let (db, ctx, query, defs) = (db.clone(), ctx.clone(), query.clone(), defs.clone());
        async move {
            match kind {
                RecordKind::Account => {
                    sales_hunter::accounts::account_export_page(&db, &ctx, &query, &defs, after)
                        .await
                }
                RecordKind::Contact => {
                    sales_hunter::contacts::contact_export_page(&db, &ctx, &query, &defs, after)
                        .await
                }
            }
        }
    });
    csv_attachment(&format!("{}.csv", kind.plural()), body)
}

/// A CSV body streamed a page at a time: `header`, then `fetch(cursor)` from `start` until a
/// page comes back without a next cursor. An error mid-way cuts the body short (the status
/// is sent already), so the file is visibly incomplete rather than silently short.
pub(crate) fn paged_csv<C, F, Fut>(header: String, start: Option<C>, fetch: F) -> Body
where
    C: Send + 'static,
    F: Fn(Option<C>) -> Fut + Send + 'static,
    Fut:
        std::future::Future<Output = Result<(String, Option<C>), platform::Error>> + Send + 'static,
{
    use futures_util::StreamExt;
    // State: (the cursor, the end reached).
    let pages = futures_util::stream::unfold((start, false), move |(after, done)| {
        let page = (!done).then(|| fetch(after));
        async move {
            match page?.await {
                Ok((chunk, next)) => {
                    let done = next.is_none();
                    Some((Ok(Bytes::from(chunk)), (next, done)))
                }
                Err(e) => {
                    let e = AppError::from(e);
                    tracing::error!(error = %e, "a CSV download stopped");
                    Some((Err(std::io::Error::other("download failed")), (None, true)))
                }
            }
        }
    });
    // Fused: a compressing layer polls once more after the end, which an unfold forbids.
    let stream = futures_util::stream::once(std::future::ready(Ok(Bytes::from(header))))
        .chain(pages)
        .fuse();
    Body::from_stream(stream)
}

/// A CSV download named `file_name`.
pub(crate) fn csv_attachment(file_name: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    file_name.replace(['"', '\\'], "")
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
