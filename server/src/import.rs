//! The two CSV-import routes outside server functions: the upload (a multipart form, up to
//! 50 MB, so it has its own body limit) and the download of an import's failed rows.

use crate::export::{csv_attachment, error, paged_csv};
use crate::state::ServerState;
use app::state::RequestAuth;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use models::sales::lead_import::MAX_FILE_BYTES;
use models::url::encode;
use models::{AppError, LeadImportId};

/// Where the upload form posts.
pub const UPLOAD_PATH: &str = "/leads/import/upload";
/// The upload's body limit: the largest file plus room for the form around it.
pub const UPLOAD_BODY_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;

/// A browser's form post wants a page back; an API client, a status and the error.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

fn refuse(html: bool, status: StatusCode, e: AppError) -> Response {
    if html {
        let message = encode(&e.to_string());
        Redirect::to(&format!("/leads/import?error={message}")).into_response()
    } else {
        (status, axum::Json(e)).into_response()
    }
}

/// `POST /leads/import/upload` (multipart, field `file`): stores the file and opens its
/// mapping page (303), or says what is wrong with it.
pub async fn upload_lead_import(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let html = wants_html(&headers);
    let Some(ctx) = auth.context() else {
        return if html {
            Redirect::to("/sign-in?next=/leads/import").into_response()
        } else {
            error(StatusCode::UNAUTHORIZED, AppError::Unauthorized)
        };
    };
    let bad_form = |detail: &str| {
        AppError::validation(
            "file",
            format!("could not be read from the form ({detail})"),
        )
    };
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => return refuse(html, StatusCode::BAD_REQUEST, bad_form(&e.body_text())),
    };
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        let too_big = AppError::validation(
                            "file",
                            format!("is larger than {} MB", MAX_FILE_BYTES / (1024 * 1024)),
                        );
                        return refuse(html, StatusCode::PAYLOAD_TOO_LARGE, too_big);
                    }
                    Err(e) => return refuse(html, e.status(), bad_form(&e.body_text())),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return refuse(html, e.status(), bad_form(&e.body_text())),
        }
    }
    // A form sent without choosing a file has a file part with no name and no bytes.
    let Some((name, bytes)) = file.filter(|(n, b)| !(n.is_empty() && b.is_empty())) else {
        return refuse(
            html,
            StatusCode::BAD_REQUEST,
            AppError::validation("file", "choose a CSV file to import"),
        );
    };
    match sales_hunter::leads::import::create_lead_import(&state.app.db, &ctx, &name, &bytes).await
    {
        Ok(id) => Redirect::to(&format!("/leads/import/{id}")).into_response(),
        Err(e) => {
            let e = AppError::from(e);
            let status = match e {
                AppError::Validation { .. } => StatusCode::BAD_REQUEST,
                AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            refuse(html, status, e)
        }
    }
}

/// `GET /leads/import/{id}/errors.csv`: the rows that failed, with their reasons.
pub async fn download_import_errors(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    Path(id): Path<String>,
) -> Response {
    let Some(ctx) = auth.context() else {
        return error(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    let Ok(id) = id.parse::<LeadImportId>() else {
        return error(StatusCode::NOT_FOUND, AppError::not_found("That import"));
    };
    let db = state.app.db.clone();
    // The first page answers now, so a missing import is a 404 rather than a cut download.
    let (first, next) =
        match sales_hunter::leads::import::export_import_errors(&db, &ctx, id, None).await {
            Ok(page) => page,
            Err(e) => {
                let e = AppError::from(e);
                let status = match e {
                    AppError::NotFound { .. } => StatusCode::NOT_FOUND,
                    _ => StatusCode::SERVICE_UNAVAILABLE,
                };
                return error(status, e);
            }
        };
    let body = match next {
        None => axum::body::Body::from(first),
        Some(after) => paged_csv(first, Some(after), move |after| {
            let (db, ctx) = (db.clone(), ctx.clone());
            async move {
                match after {
                    Some(a) => {
                        sales_hunter::leads::import::export_import_errors(&db, &ctx, id, Some(a))
                            .await
                    }
                    None => Ok((String::new(), None)),
                }
            }
        }),
    };
    csv_attachment(&format!("import-{}-errors.csv", id.0), body)
}
