//! sqlx failures inside server functions: `?` logs them and hands the user
//! an [`Error::Internal`] with a request id, never the database's text.

use crate::Error;
use crate::error::chain;

impl From<sqlx::Error> for Error {
    /// A query that expected a row and found none (`fetch_one`) is the
    /// thing not being there: 404. Any other failure is the server's: 500,
    /// logged, with nothing of the database's text in the answer.
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Error::not_found("The record"),
            err => Error::internal(format_args!("database: {}", chain(&err))),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        Error::internal(format_args!("migrations: {}", chain(&err)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_become_internal_without_their_text() {
        let err = Error::from(sqlx::Error::Protocol("secret table layout".into()));
        assert_eq!(err.status(), 500);
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    #[test]
    fn a_missing_row_is_not_found() {
        let err = Error::from(sqlx::Error::RowNotFound);
        assert_eq!(err.status(), 404);
        assert_eq!(err.to_string(), "The record was not found");
    }
}
