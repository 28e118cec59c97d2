//! The one place where every failure under `/bytehouse/v1` becomes the
//! error envelope `{"message", "error": {"code", "message"}}` with its
//! HTTP status: core errors by [`crate::api::status_of`] (with a code per
//! kind), this API's own refusals ([`Refusal`]: a code and status of their
//! own, such as `DATABASE_NOT_EMPTY` 409 or `NOT_IMPLEMENTED` 501), and
//! warp's rejections (unknown path 404, wrong method 405, bad query 400,
//! body too large 413).

use std::convert::Infallible;

use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::model::{ErrorDetail, BytehouseError};
use crate::api::http::{json_bytes, ApiError};
use crate::api::status_of;
use crate::error::GatewayError;

/// A refusal with its own code and status.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error.code`.
    pub code: &'static str,
    /// `error.message` and `message`.
    pub message: String,
}

impl warp::reject::Reject for Refusal {}

/// Reject with `code` and `status`.
pub fn refuse(status: StatusCode, code: &'static str, message: impl Into<String>) -> Rejection {
    warp::reject::custom(Refusal { status, code, message: message.into() })
}

/// 404 with `code`.
pub fn not_found(code: &'static str, message: impl Into<String>) -> Rejection {
    refuse(StatusCode::NOT_FOUND, code, message)
}

/// 400 `BAD_REQUEST`.
pub fn bad_request(message: impl Into<String>) -> Rejection {
    refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// 501 `NOT_IMPLEMENTED`.
pub fn not_implemented(message: impl Into<String>) -> Rejection {
    refuse(StatusCode::NOT_IMPLEMENTED, "NOT_IMPLEMENTED", message)
}

/// The code of a core error.
pub fn code_of(error: &GatewayError) -> &'static str {
    match error {
        GatewayError::BadRequest(_) => "BAD_REQUEST",
        GatewayError::Sql(_) => "SQL_ERROR",
        GatewayError::Unsupported(_) => "UNSUPPORTED",
        GatewayError::PayloadTooLarge { .. } | GatewayError::StatementTooLong { .. } => "PAYLOAD_TOO_LARGE",
        GatewayError::SessionNotFound(_) | GatewayError::OperationNotFound(_) | GatewayError::NotFound(_) => "NOT_FOUND",
        GatewayError::TokenAhead { .. } => "TOKEN_AHEAD",
        GatewayError::TokenEvicted { .. } | GatewayError::RowsEvicted { .. } => "TOKEN_GONE",
        GatewayError::Conflict(_) => "CONFLICT",
        GatewayError::LimitExceeded(_) => "LIMIT_EXCEEDED",
        GatewayError::Unauthenticated(_) | GatewayError::BadCredentials(_) => "UNAUTHENTICATED",
        GatewayError::Forbidden(_) => "FORBIDDEN",
        GatewayError::ShuttingDown => "SHUTTING_DOWN",
        GatewayError::Unavailable(_) => "UNAVAILABLE",
        GatewayError::Internal(_) => "INTERNAL_ERROR",
    }
}

/// The error envelope.
pub fn body(status: StatusCode, code: &str, message: String) -> Response {
    let envelope = BytehouseError { message: message.clone(), error: ErrorDetail { code: code.to_string(), message } };
    let body = serde_json::to_vec(&envelope).unwrap_or_else(|_| br#"{"message":"","error":{"code":"INTERNAL_ERROR","message":""}}"#.to_vec());
    json_bytes(status, body)
}

/// Turn any rejection under `/bytehouse/v1` into the error envelope.
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    if let Some(refusal) = rejection.find::<Refusal>() {
        tracing::debug!(status = %refusal.status, code = refusal.code, message = %refusal.message, "request refused");
        return Ok(body(refusal.status, refusal.code, refusal.message.clone()));
    }
    if let Some(ApiError(error)) = rejection.find::<ApiError>() {
        let status = status_of(error);
        crate::api::log_error(status, error);
        return Ok(body(status, code_of(error), error.to_string()));
    }
    if let Some(e) = rejection.find::<warp::reject::PayloadTooLarge>() {
        return Ok(body(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", e.to_string()));
    }
    if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        return Ok(body(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "This path does not take this HTTP method.".into()));
    }
    if let Some(e) = rejection.find::<warp::reject::InvalidQuery>() {
        return Ok(body(StatusCode::BAD_REQUEST, "BAD_REQUEST", format!("Invalid query parameters: {e}")));
    }
    if let Some(e) = rejection.find::<warp::reject::InvalidHeader>() {
        return Ok(body(StatusCode::BAD_REQUEST, "BAD_REQUEST", e.to_string()));
    }
    if rejection.is_not_found() {
        return Ok(body(StatusCode::NOT_FOUND, "NOT_FOUND", "No such path in the ByteHouse-style API (/bytehouse/v1).".into()));
    }
    tracing::warn!(?rejection, "unhandled rejection");
    Ok(body(StatusCode::BAD_REQUEST, "BAD_REQUEST", format!("Bad request: {rejection:?}")))
}
