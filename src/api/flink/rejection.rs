//! The one place where every failure becomes Flink's error body:
//! `{"errors":[...]}` with a truthful HTTP status.

use std::convert::Infallible;

use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::model::ErrorResponse;
use crate::api::http::{json_bytes, ApiError};
use crate::api::status_of;

/// A request no route took: `Not found: <uri>`.
#[derive(Debug)]
pub struct NotFound(pub String);

impl warp::reject::Reject for NotFound {}

/// The last route: remembers the URI so that the error can name it.
pub fn not_found() -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    warp::path::full()
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(|path: warp::path::FullPath, query: String| async move {
            let uri = if query.is_empty() { path.as_str().to_string() } else { format!("{}?{query}", path.as_str()) };
            Err::<Response, _>(warp::reject::custom(NotFound(uri)))
        })
}

fn body(status: StatusCode, message: String) -> Response {
    let body = serde_json::to_vec(&ErrorResponse { errors: vec![message] }).unwrap_or_else(|_| b"{\"errors\":[]}".to_vec());
    json_bytes(status, body)
}

/// Turn any rejection into `{"errors":[...]}`.
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    if let Some(ApiError(error)) = rejection.find::<ApiError>() {
        let status = status_of(error);
        crate::api::log_error(status, error);
        return Ok(body(status, error.to_string()));
    }
    if let Some(e) = rejection.find::<warp::reject::PayloadTooLarge>() {
        return Ok(body(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()));
    }
    if let Some(NotFound(uri)) = rejection.find::<NotFound>() {
        return Ok(body(StatusCode::NOT_FOUND, format!("Not found: {uri}")));
    }
    if rejection.is_not_found() || rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        return Ok(body(StatusCode::NOT_FOUND, "Not found.".into()));
    }
    tracing::warn!(?rejection, "unhandled rejection");
    Ok(body(StatusCode::BAD_REQUEST, format!("Bad request: {rejection:?}")))
}
