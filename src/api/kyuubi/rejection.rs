//! The one place where every failure under `/api/v1` becomes Kyuubi's
//! error body, `{"message": ...}`, with Kyuubi's status.
//!
//! Kyuubi's resources wrap most failures as 404 (an unknown handle, a
//! statement that failed, an operation not finished yet, an unsupported
//! fetch orientation, an invalid action), keep 400 for malformed requests
//! (a `maxrows` above the server limit, FETCH_PRIOR on a log, bad JSON), and
//! its authentication answers 401 for missing credentials and 403 for wrong
//! ones. The statuses below follow that; everything else is as for every
//! protocol ([`crate::api::status_of`]).

use std::convert::Infallible;

use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::model::KyuubiError;
use crate::api::http::{json_bytes, ApiError};
use crate::api::status_of;
use crate::error::GatewayError;

/// Kyuubi's status for a core error.
pub fn kyuubi_status(error: &GatewayError) -> StatusCode {
    match error {
        GatewayError::Sql(_) | GatewayError::Unsupported(_) | GatewayError::Conflict(_) | GatewayError::TokenEvicted { .. } | GatewayError::TokenAhead { .. } => {
            StatusCode::NOT_FOUND
        }
        GatewayError::BadCredentials(_) => StatusCode::FORBIDDEN,
        other => status_of(other),
    }
}

fn body(status: StatusCode, message: String) -> Response {
    let body = serde_json::to_vec(&KyuubiError { message }).unwrap_or_else(|_| b"{\"message\":\"\"}".to_vec());
    json_bytes(status, body)
}

/// Turn any rejection under `/api/v1` into `{"message": ...}`.
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    if let Some(ApiError(error)) = rejection.find::<ApiError>() {
        let status = kyuubi_status(error);
        crate::api::log_error(status, error);
        return Ok(body(status, error.to_string()));
    }
    if let Some(e) = rejection.find::<warp::reject::PayloadTooLarge>() {
        return Ok(body(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()));
    }
    if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        return Ok(body(StatusCode::METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed".into()));
    }
    if rejection.find::<warp::reject::InvalidQuery>().is_some() {
        return Ok(body(StatusCode::NOT_FOUND, "HTTP 404 Not Found: invalid query parameters".into()));
    }
    if rejection.is_not_found() {
        return Ok(body(StatusCode::NOT_FOUND, "HTTP 404 Not Found".into()));
    }
    tracing::warn!(?rejection, "unhandled rejection");
    Ok(body(StatusCode::BAD_REQUEST, format!("HTTP 400 Bad Request: {rejection:?}")))
}
