//! The interactive API page at `/docs`: Swagger UI over `/openapi.json`.
//! Its assets are compiled in (vendored), so it works with no internet access.

use std::sync::Arc;

use utoipa_swagger_ui::Config;
use warp::http::{HeaderValue, StatusCode, Uri};
use warp::path::{FullPath, Tail};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// `GET /docs`, `/docs/` and the page's assets.
pub fn route() -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let config = Arc::new(Config::from("/openapi.json"));
    warp::get()
        .and(warp::path("docs"))
        .and(warp::path::full())
        .and(warp::path::tail())
        .and(warp::any().map(move || config.clone()))
        .map(serve)
}

fn serve(full: FullPath, tail: Tail, config: Arc<Config<'static>>) -> Response {
    if full.as_str() == "/docs" {
        return warp::redirect::found(Uri::from_static("/docs/")).into_response();
    }
    match utoipa_swagger_ui::serve(tail.as_str(), config) {
        Ok(Some(file)) => {
            let mut response = Response::new(bytes::Bytes::from(file.bytes.into_owned()).into());
            if let Ok(value) = HeaderValue::from_str(&file.content_type) {
                response.headers_mut().insert("content-type", value);
            }
            response
        }
        Ok(None) => super::http::json_bytes(
            StatusCode::NOT_FOUND,
            serde_json::json!({ "errors": [format!("Not found: {}", full.as_str())] }).to_string(),
        ),
        Err(e) => super::http::json_bytes(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "errors": [format!("docs unavailable: {e}")] }).to_string(),
        ),
    }
}
