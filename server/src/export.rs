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
use platform::RequestContext;

fn error(status: StatusCode, e: AppError) -> Response {
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
    let Some(user) = auth.user else {
        return error(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    let ctx = RequestContext {
        tenant_id: user.tenant_id,
        user_id: user.user_id,
        role: user.role,
        is_platform_admin: user.is_platform_admin,
        client: auth.client,
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
    // State: (the next cursor, whether the header went out, whether the end is reached).
    let first = Bytes::from(sales_hunter::leads::export_header(&defs));
    let stream = futures_util::stream::unfold(
        (None::<String>, Some(first), false),
        move |(after, header_chunk, done)| {
            let (db, ctx, query, defs) = (db.clone(), ctx.clone(), query.clone(), defs.clone());
            async move {
                if let Some(h) = header_chunk {
                    return Some((Ok::<_, std::io::Error>(h), (after, None, done)));
                }
                if done {
                    return None;
                }
                match sales_hunter::leads::export_page(&db, &ctx, &query, &defs, after).await {
                    Ok((chunk, next)) => {
                        let done = next.is_none();
                        Some((Ok(Bytes::from(chunk)), (next, None, done)))
                    }
                    Err(e) => {
                        // The status is sent already; end the body early so the file is visibly cut.
                        let e = AppError::from(e);
                        tracing::error!(error = %e, "lead export stopped");
                        Some((
                            Err(std::io::Error::other("export failed")),
                            (None, None, true),
                        ))
                    }
                }
            }
        },
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"leads.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}
