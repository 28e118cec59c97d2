//! HTTP plumbing shared by the protocols.

use bytes::{Buf, BufMut, Bytes};
use futures::{Stream, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use warp::http::{HeaderValue, Response, StatusCode, header};
use warp::{Filter, Rejection};

use crate::error::GatewayError;

/// A core error carried through warp's rejection machinery to the protocol's
/// `recover`, which renders it.
#[derive(Debug)]
pub struct ApiError(pub GatewayError);

impl warp::reject::Reject for ApiError {}

/// Reject a request with a core error.
pub fn reject(error: GatewayError) -> Rejection {
    warp::reject::custom(ApiError(error))
}

/// The `Content-Type` of every JSON response.
pub const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// A response with a JSON body already encoded.
pub fn json_bytes(status: StatusCode, body: impl Into<Bytes>) -> warp::reply::Response {
    let mut response: warp::reply::Response = Response::new(body.into().into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// A 200 response with `value` as JSON.
pub fn json_ok<T: Serialize>(value: &T) -> warp::reply::Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes(StatusCode::OK, body),
        Err(e) => json_bytes(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "errors": [format!("response encoding failed: {e}")] }).to_string(),
        ),
    }
}

/// The request body, read up to `limit` bytes (413 beyond), parsed as JSON
/// into `T`. An absent or blank body reads as `T::default()` (clients send
/// `{}` or nothing for requests without payload); unknown fields are ignored.
pub fn json_body<T>(limit: u64, name: &'static str) -> impl Filter<Extract = (T,), Error = Rejection> + Clone
where
    T: DeserializeOwned + Default + Send + 'static,
{
    warp::header::optional::<u64>("content-length")
        .and(warp::body::stream())
        .and_then(move |length: Option<u64>, body| read_json::<T, _, _>(length, body, limit, name, false))
}

/// [`json_body`] for requests whose body Flink requires: an empty body is
/// refused (400) instead of read as the type's default.
pub fn required_json_body<T>(limit: u64, name: &'static str) -> impl Filter<Extract = (T,), Error = Rejection> + Clone
where
    T: DeserializeOwned + Default + Send + 'static,
{
    warp::header::optional::<u64>("content-length")
        .and(warp::body::stream())
        .and_then(move |length: Option<u64>, body| read_json::<T, _, _>(length, body, limit, name, true))
}

async fn read_json<T, S, B>(length: Option<u64>, body: S, limit: u64, name: &'static str, required: bool) -> Result<T, Rejection>
where
    T: DeserializeOwned + Default,
    S: Stream<Item = Result<B, warp::Error>> + Unpin,
    B: Buf,
{
    let bytes = read_limited(length, body, limit).await.map_err(reject)?;
    if required && bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(reject(GatewayError::bad_request(format!("Request did not match expected format {name}: the request body is missing."))));
    }
    parse_json(&bytes, name).map_err(reject)
}

/// Collect a body of at most `limit` bytes.
pub async fn read_limited<S, B>(length: Option<u64>, mut body: S, limit: u64) -> Result<Bytes, GatewayError>
where
    S: Stream<Item = Result<B, warp::Error>> + Unpin,
    B: Buf,
{
    if let Some(length) = length.filter(|l| *l > limit) {
        return Err(GatewayError::PayloadTooLarge { size: length, limit });
    }
    let mut out = bytes::BytesMut::new();
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.map_err(|e| GatewayError::bad_request(format!("Could not read the request body: {e}")))?;
        if (out.len() + chunk.remaining()) as u64 > limit {
            return Err(GatewayError::PayloadTooLarge { size: (out.len() + chunk.remaining()) as u64, limit });
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            let n = part.len();
            out.put_slice(part);
            chunk.advance(n);
        }
    }
    Ok(out.freeze())
}

/// Parse a JSON body; blank means default.
pub fn parse_json<T: DeserializeOwned + Default>(bytes: &[u8], name: &str) -> Result<T, GatewayError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| GatewayError::bad_request(format!("Request did not match expected format {name}: {e}")))
}

/// Share state with handlers.
pub fn with_state<T: Clone + Send + Sync + 'static>(state: T) -> impl Filter<Extract = (T,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// Add the `WWW-Authenticate` challenge to a 401, so clients know how to
/// authenticate (RFC 9110 §11.6.1).
pub fn with_challenge(mut response: warp::reply::Response, challenge: &'static str) -> warp::reply::Response {
    if response.status() == StatusCode::UNAUTHORIZED && !response.headers().contains_key(header::WWW_AUTHENTICATE) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

/// The caller of the request: its `Authorization` header through the
/// gateway's authenticator (401/403 rejections when refused).
pub fn caller(gw: std::sync::Arc<crate::gateway::Gateway>) -> impl Filter<Extract = (crate::identity::User,), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization").and_then(move |authorization: Option<String>| {
        let gw = gw.clone();
        async move { gw.authenticate(authorization.as_deref()).map_err(reject) }
    })
}
