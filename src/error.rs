//! The one error type of the protocol-neutral core.
//!
//! Every failure a request can meet is one of these variants. Each protocol
//! maps them to an HTTP status and its own error body in exactly one place
//! (`api::status_of` plus the protocol's rejection handler), so the core never
//! talks HTTP.

use uuid::Uuid;

/// Everything that can go wrong in the gateway core.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GatewayError {
    /// The request itself is malformed: bad JSON, bad UUID, bad token, bad option.
    #[error("{0}")]
    BadRequest(String),
    /// The request body is larger than the configured limit.
    #[error("Request body of {size} bytes exceeds the limit of {limit} bytes.")]
    PayloadTooLarge {
        /// The size the client sent (or at least how far we read).
        size: u64,
        /// The configured `max-request-bytes`.
        limit: u64,
    },
    /// The statement text is longer than the configured limit.
    #[error("Statement of {size} bytes exceeds the limit of {limit} bytes.")]
    StatementTooLong {
        /// Length of the statement.
        size: usize,
        /// The configured `max-statement-bytes`.
        limit: usize,
    },
    /// No live session has this handle (never opened, closed, or expired).
    #[error("Session '{0}' does not exist.")]
    SessionNotFound(Uuid),
    /// No live operation has this handle in the session.
    #[error("Can not find the submitted operation in the session with the {0}.")]
    OperationNotFound(Uuid),
    /// Something else the request names does not exist (a batch, an info
    /// type, a handle that is not even well-formed).
    #[error("{0}")]
    NotFound(String),
    /// A result token that was already paged past and is no longer kept.
    #[error("Token {token} is gone: the cursor is at {current}; only {current} and {retry} can be fetched.", retry = current.saturating_sub(1))]
    TokenEvicted {
        /// The token the client asked for.
        token: u64,
        /// The token the cursor expects next.
        current: u64,
    },
    /// A result token the cursor has not reached yet.
    #[error("Token {token} is ahead of the cursor: expecting {current}{retry}.", retry = if *current > 0 { format!(" or {}", current - 1) } else { String::new() })]
    TokenAhead {
        /// The token the client asked for.
        token: u64,
        /// The token the cursor expects next.
        current: u64,
    },
    /// A positional read asked for rows the result no longer keeps: they
    /// were served and fell out of the bounded history.
    #[error("Row {offset} is no longer kept: only rows from {kept_from} on can be read again (the history keeps at most {limit} rows, sluicegate.result.rewind-rows); continue with FETCH_NEXT.")]
    RowsEvicted {
        /// The first row asked for.
        offset: u64,
        /// The oldest row still kept.
        kept_from: u64,
        /// The configured history bound.
        limit: usize,
    },
    /// The statement failed: a parse, planning or execution error of the user's SQL.
    #[error("{0}")]
    Sql(String),
    /// The operation is in a state that does not allow what was asked
    /// (fetching a canceled result, canceling a finished one, ...).
    #[error("{0}")]
    Conflict(String),
    /// A configured limit (sessions, operations per session, statement size) was reached.
    #[error("{0}")]
    LimitExceeded(String),
    /// A feature the gateway does not provide (yet).
    #[error("{0}")]
    Unsupported(String),
    /// The gateway is shutting down and accepts no new work.
    #[error("The gateway is shutting down.")]
    ShuttingDown,
    /// The request carries no usable credentials (none, an unknown scheme,
    /// an expired or revoked key): the client should authenticate.
    #[error("{0}")]
    Unauthenticated(String),
    /// The credentials are wrong (unknown user, bad password, unknown key).
    #[error("{0}")]
    BadCredentials(String),
    /// The caller is known but may not do this (impersonation, admin calls).
    #[error("{0}")]
    Forbidden(String),
    /// Something the gateway depends on (the metadata store, a remote
    /// engine) cannot be reached: nothing was changed; try again later.
    #[error("{0}")]
    Unavailable(String),
    /// A genuine server fault; never the user's doing.
    #[error("{0}")]
    Internal(String),
}

impl GatewayError {
    /// A `BadRequest` with a formatted message.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        GatewayError::BadRequest(msg.into())
    }
}

/// Result alias for the core.
pub type Result<T, E = GatewayError> = std::result::Result<T, E>;
