//! The platform's internal error: an `AppError` for the user, or a server-side cause that is
//! logged and replaced by a wire-safe error at the boundary.

use models::AppError;

#[derive(Debug)]
pub enum Error {
    /// Already user-facing.
    App(AppError),
    /// A database error: logged, never shown.
    Db(diesel::result::Error),
    /// No connection could be had (the database is down or the pool is exhausted).
    Pool(String),
    /// A blocking task (password hashing) failed.
    Task(String),
}

impl From<AppError> for Error {
    fn from(e: AppError) -> Self {
        Error::App(e)
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        Error::Db(e)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::App(e) => write!(f, "{e}"),
            Error::Db(e) => write!(f, "database: {e}"),
            Error::Pool(e) => write!(f, "pool: {e}"),
            Error::Task(e) => write!(f, "task: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// A short id that ties what the user sees to the log line with the cause.
pub fn error_reference() -> String {
    let bytes: [u8; 4] = rand::random();
    hex::encode(bytes)
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::App(e) => e,
            Error::Pool(cause) => {
                tracing::error!(%cause, "database unavailable");
                AppError::unavailable(
                    "The database cannot be reached right now. Try again in a moment.",
                )
            }
            Error::Db(cause) => {
                let reference = error_reference();
                tracing::error!(%reference, %cause, "database error");
                AppError::Internal { reference }
            }
            Error::Task(cause) => {
                let reference = error_reference();
                tracing::error!(%reference, %cause, "background task failed");
                AppError::Internal { reference }
            }
        }
    }
}

/// True when `e` is a unique violation of `constraint`.
pub fn is_unique_violation(e: &diesel::result::Error, constraint: &str) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    matches!(e, DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
        if info.constraint_name() == Some(constraint))
}
