//! The one place where every failure under the Livy API becomes Livy's
//! error body, `{"msg": ...}`, with Livy's status.
//!
//! Livy answers request faults (bad JSON, unknown fields, bad numbers, a
//! duplicate name, a refused batch file, too many sessions) with 400, an
//! unknown session or statement with 404, a refused impersonation with 403
//! and an unknown API version with 406. Everything else is as for every
//! protocol ([`crate::api::status_of`]).

use std::convert::Infallible;

use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::model::LivyMessage;
use crate::api::http::{json_bytes, ApiError};
use crate::api::status_of;
use crate::error::GatewayError;

/// An `Accept: application/vnd.livy.v<version>+json` naming a version this
/// gateway does not speak (406).
#[derive(Debug)]
pub struct NotAcceptable(pub String);

impl warp::reject::Reject for NotAcceptable {}

/// Livy's status for a core error.
pub fn livy_status(error: &GatewayError) -> StatusCode {
    match error {
        GatewayError::Sql(_) | GatewayError::Unsupported(_) | GatewayError::LimitExceeded(_) => StatusCode::BAD_REQUEST,
        GatewayError::BadCredentials(_) => StatusCode::UNAUTHORIZED,
        other => status_of(other),
    }
}

/// A `{"msg": ...}` response.
pub fn message(status: StatusCode, msg: impl Into<String>) -> Response {
    let body = serde_json::to_vec(&LivyMessage { msg: msg.into() }).unwrap_or_else(|_| b"{\"msg\":\"\"}".to_vec());
    json_bytes(status, body)
}

/// Turn any rejection under the Livy API into `{"msg": ...}`.
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    if let Some(ApiError(error)) = rejection.find::<ApiError>() {
        let status = livy_status(error);
        crate::api::log_error(status, error);
        return Ok(message(status, error.to_string()));
    }
    if let Some(NotAcceptable(msg)) = rejection.find::<NotAcceptable>() {
        return Ok(message(StatusCode::NOT_ACCEPTABLE, msg.clone()));
    }
    if let Some(e) = rejection.find::<warp::reject::PayloadTooLarge>() {
        return Ok(message(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()));
    }
    if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        return Ok(message(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed"));
    }
    if rejection.find::<warp::reject::InvalidQuery>().is_some() {
        return Ok(message(StatusCode::BAD_REQUEST, "Invalid query parameters"));
    }
    if rejection.is_not_found() {
        return Ok(message(StatusCode::NOT_FOUND, "Not Found"));
    }
    tracing::warn!(?rejection, "unhandled rejection");
    Ok(message(StatusCode::BAD_REQUEST, format!("Bad Request: {rejection:?}")))
}
