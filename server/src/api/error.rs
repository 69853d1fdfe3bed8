//! How the API answers: JSON bodies, and an `AppError` (the same wire-safe error the pages
//! get, `{"kind": …}`) with its HTTP status.

use crate::middleware::error_response;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use models::AppError;

pub struct ApiError(pub AppError);

pub type ApiResult<T> = Result<Json<T>, ApiError>;

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<platform::Error> for ApiError {
    fn from(e: platform::Error) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = match &self.0 {
            AppError::RateLimited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            AppError::Unavailable { .. } => Some(5),
            _ => None,
        };
        let unauthorized = self.0 == AppError::Unauthorized;
        let mut response = error_response(self.0);
        let headers = response.headers_mut();
        if let Some(secs) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if unauthorized {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sales-hunter\""),
            );
        }
        response
    }
}
