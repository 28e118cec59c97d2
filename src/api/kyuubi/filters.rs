//! Path and query extraction for the Kyuubi routes. Kyuubi answers a path
//! parameter it cannot convert (a malformed UUID, a non-integer info type)
//! with 404, so these do too; query values follow Kyuubi's defaults.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;
use warp::{Filter, Rejection};

use super::Context;
use crate::api::http::reject;
use crate::error::GatewayError;
use crate::identity::User;
use crate::result::Orientation;

fn uuid_param(what: &'static str) -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    warp::path::param::<String>().and_then(move |raw: String| async move {
        Uuid::parse_str(&raw).map_err(|_| reject(GatewayError::NotFound(format!("Invalid {what}: {raw}"))))
    })
}

/// `{sessionHandle}`.
pub fn session_handle() -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    uuid_param("session handle")
}

/// `{operationHandle}`.
pub fn operation_handle() -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    uuid_param("operation handle")
}

/// `{infoType}`: an integer.
pub fn info_type() -> impl Filter<Extract = (i32,), Error = Rejection> + Clone {
    warp::path::param::<String>().and_then(|raw: String| async move {
        raw.parse::<i32>().map_err(|_| reject(GatewayError::NotFound(format!("Unrecognized GetInfoType value: {raw}"))))
    })
}

/// Paging parameters of `log` and `rowset`.
#[derive(Debug, Clone, Copy)]
pub struct FetchQuery {
    /// `maxrows`, default 100.
    pub max_rows: usize,
    /// `fetchorientation`, default FETCH_NEXT.
    pub orientation: Orientation,
}

/// `maxrows` and `fetchorientation`. A non-integer `maxrows` is 404 (a
/// conversion failure); FETCH_LAST, FETCH_RELATIVE, FETCH_ABSOLUTE and
/// unknown names are 404 as well (Kyuubi refuses them inside the operation).
pub fn fetch_query() -> impl Filter<Extract = (FetchQuery,), Error = Rejection> + Clone {
    warp::query::<HashMap<String, String>>().or(warp::any().map(HashMap::new)).unify().and_then(|query: HashMap<String, String>| async move {
        let max_rows = match query.get("maxrows") {
            None => 100,
            Some(raw) => raw.trim().parse::<usize>().map_err(|_| reject(GatewayError::NotFound(format!("Invalid maxrows: {raw}"))))?,
        };
        let orientation = match query.get("fetchorientation").map(|o| o.trim().to_ascii_uppercase()).as_deref() {
            None | Some("FETCH_NEXT") => Orientation::Next,
            Some("FETCH_FIRST") => Orientation::First,
            Some("FETCH_PRIOR") => Orientation::Prior,
            Some(other @ ("FETCH_LAST" | "FETCH_RELATIVE" | "FETCH_ABSOLUTE")) => {
                return Err(reject(GatewayError::NotFound(format!("The fetch type {other} is not supported for this ResultSet."))));
            }
            Some(other) => return Err(reject(GatewayError::NotFound(format!("Invalid fetch orientation: {other}")))),
        };
        Ok::<_, Rejection>(FetchQuery { max_rows, orientation })
    })
}

/// The query string as a map (batch listings, admin filters).
pub fn query_map() -> impl Filter<Extract = (HashMap<String, String>,), Error = std::convert::Infallible> + Clone {
    warp::query::<HashMap<String, String>>().or(warp::any().map(HashMap::new)).unify()
}

/// The client's address: `X-Real-IP` when a proxy in front set it, else the peer.
pub fn client_ip() -> impl Filter<Extract = (String,), Error = Rejection> + Clone {
    warp::header::optional::<String>("x-real-ip").and(warp::ext::optional::<crate::server::PeerAddr>()).map(|real: Option<String>, peer: Option<crate::server::PeerAddr>| {
        real.filter(|r| !r.trim().is_empty()).unwrap_or_else(|| peer.map(|p| p.0.ip().to_string()).unwrap_or_default())
    })
}

/// An administrator, or 403.
pub fn admin(ctx: Arc<Context>) -> impl Filter<Extract = (Arc<Context>, User), Error = Rejection> + Clone {
    crate::api::http::with_state(ctx.clone()).and(crate::api::http::caller(ctx.gw.clone())).and_then(|ctx: Arc<Context>, user: User| async move {
        if user.is_admin() {
            Ok((ctx, user))
        } else {
            Err(reject(GatewayError::Forbidden(format!("{} is not allowed to use the admin API: not an administrator (sluicegate.auth.admins)", user.real_name()))))
        }
    }).untuple_one()
}
