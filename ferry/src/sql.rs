//! sqlx failures inside server functions: `?` logs them and hands the user
//! an [`Error::Internal`] with a request id, never the database's text.

use crate::Error;
use crate::error::chain;

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Error::internal(format_args!("database: {}", chain(&err)))
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
}
