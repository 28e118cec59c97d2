//! The wire protocols, each a thin layer of warp filters over the core.
//!
//! - [`flink`]: the Apache Flink SQL Gateway REST API, v1–v4.
//! - [`kyuubi`]: the Apache Kyuubi REST API v1, under `/api/v1`.
//! - [`livy`]: the Apache Livy REST API, under `/livy` (and at the root of
//!   its own port).
//! - [`bytehouse`]: a ByteHouse-style management API, under `/bytehouse/v1`.
//! - [`docs`]: the interactive API page (Swagger UI, vendored).
//! - [`http`]: what every protocol shares: bounded body reading, JSON replies,
//!   and the one mapping from [`GatewayError`] to an HTTP status.

pub mod bytehouse;
pub mod docs;
pub mod flink;
pub mod http;
pub mod kyuubi;
pub mod livy;

use warp::http::StatusCode;

use crate::error::GatewayError;

/// Log a core error a protocol answers with `status`: server faults as
/// warnings, refusals of the client's request at debug level.
pub fn log_error(status: StatusCode, error: &GatewayError) {
    if status.is_server_error() {
        tracing::warn!(%status, %error, "request failed");
    } else {
        tracing::debug!(%status, %error, "request refused");
    }
}

/// The HTTP status of a core error, for every protocol.
pub fn status_of(error: &GatewayError) -> StatusCode {
    match error {
        GatewayError::BadRequest(_) | GatewayError::Sql(_) | GatewayError::Unsupported(_) => StatusCode::BAD_REQUEST,
        GatewayError::PayloadTooLarge { .. } | GatewayError::StatementTooLong { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        GatewayError::SessionNotFound(_) | GatewayError::OperationNotFound(_) | GatewayError::NotFound(_) | GatewayError::TokenAhead { .. } => StatusCode::NOT_FOUND,
        GatewayError::TokenEvicted { .. } | GatewayError::RowsEvicted { .. } => StatusCode::GONE,
        GatewayError::Conflict(_) => StatusCode::CONFLICT,
        GatewayError::LimitExceeded(_) => StatusCode::TOO_MANY_REQUESTS,
        GatewayError::Unauthenticated(_) | GatewayError::BadCredentials(_) => StatusCode::UNAUTHORIZED,
        GatewayError::Forbidden(_) => StatusCode::FORBIDDEN,
        GatewayError::ShuttingDown | GatewayError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        GatewayError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
