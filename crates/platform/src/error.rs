//! The platform's internal error: an `AppError` for the user, or a server-side cause that is
//! logged and replaced by a wire-safe error at the boundary (`From<Error> for AppError`).

use models::AppError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Already user-facing.
    #[error("{0}")]
    App(#[from] AppError),
    /// A database error: logged, never shown.
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    /// No connection could be had (the database is down or the pool is exhausted).
    #[error("no database connection: {0}")]
    Pool(String),
    /// A row holds what the code cannot read (a stored payload that no longer parses...).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A blocking task (password hashing, the migration harness) failed or panicked.
    #[error("background task: {0}")]
    Task(String),
    /// Mail could not be built or handed to the SMTP server.
    #[error("mail: {0}")]
    Mail(String),
    /// An outside system (a connector's remote side) failed; the job is retried.
    #[error("remote system: {0}")]
    Remote(String),
    /// Configuration that cannot work (a bad URL, a missing setting).
    #[error("configuration: {0}")]
    Config(String),
}

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
            other => {
                let reference = error_reference();
                tracing::error!(%reference, cause = %other, "internal error");
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
