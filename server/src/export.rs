//! `GET /leads/export.csv?<view>`: the leads of a view as CSV, streamed a page at a time
//! (keyset pages, each its own short transaction), so memory stays flat however many rows.

use crate::state::ServerState;
use app::state::RequestAuth;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use models::sales::lead_query::LeadQuery;
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
    let stream =
        futures_util::stream::once(std::future::ready(Ok(Bytes::from(header)))).chain(pages);
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
