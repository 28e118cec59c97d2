//! Request context and parameters of the ByteHouse-style routes: the
//! caller (bearer key through the gateway's authenticator, the active role
//! header, the query session header) and listing parameters.

use std::collections::HashMap;
use std::sync::Arc;

use warp::{Filter, Rejection};

use super::rejection::bad_request;
use super::Context;
use crate::api::http::{caller, reject, with_state};
use crate::identity::User;

/// Longest `X-QuerySession-ID` accepted.
const MAX_SESSION_KEY: usize = 128;
/// Default and largest `limit` of a listing (larger values are clamped).
pub const MAX_LIMIT: usize = 100;

/// Who asks, and in which query session.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The authenticated user (anonymous in `none` mode without credentials),
    /// acting with `X-User-ActiveRole` when sent.
    pub user: User,
    /// `X-QuerySession-ID`: selects the caller's gateway session (empty: the caller's default one).
    pub query_session: String,
}

/// The caller of a request.
pub fn request_caller(ctx: Arc<Context>) -> impl Filter<Extract = (Caller,), Error = Rejection> + Clone {
    caller(ctx.gw.clone())
        .and(warp::header::optional::<String>("x-user-activerole"))
        .and(warp::header::optional::<String>("x-querysession-id"))
        .and(with_state(ctx))
        .and_then(|mut user: User, active_role: Option<String>, session: Option<String>, ctx: Arc<Context>| async move {
            let query_session = session.unwrap_or_default().trim().to_string();
            if query_session.len() > MAX_SESSION_KEY {
                return Err(bad_request(format!("X-QuerySession-ID is longer than {MAX_SESSION_KEY} characters.")));
            }
            let active_role = active_role.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
            if let Some(role) = active_role {
                // A role the user does not hold is refused here, before anything runs.
                ctx.gw.iam().access(&user.name, Some(&role)).map_err(reject)?;
                if role != crate::identity::access::ACCOUNT_ADMIN {
                    user.roles.remove(&crate::identity::Role::Admin);
                }
                user.active_role = Some(role);
            }
            Ok(Caller { user, query_session })
        })
}

/// The query string as a map.
pub fn query_map() -> impl Filter<Extract = (HashMap<String, String>,), Error = std::convert::Infallible> + Clone {
    warp::query::<HashMap<String, String>>().or(warp::any().map(HashMap::new)).unify()
}

/// `filter`, `offset`, `limit` of a listing.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Case-insensitive substring the name must contain.
    pub filter: Option<String>,
    /// Items to skip.
    pub offset: usize,
    /// Most items to answer (at most [`MAX_LIMIT`]).
    pub limit: usize,
}

impl Listing {
    /// The page of `items` (named by `name`) this listing asks for, and its meta.
    pub fn page<T>(&self, items: Vec<T>, name: impl Fn(&T) -> &str) -> (Vec<T>, super::model::Meta) {
        let needle = self.filter.as_ref().map(|f| f.to_lowercase());
        let matching: Vec<T> = items.into_iter().filter(|i| needle.as_ref().is_none_or(|n| name(i).to_lowercase().contains(n))).collect();
        let total = matching.len();
        let page = matching.into_iter().skip(self.offset).take(self.limit).collect();
        (page, super::model::Meta { total, offset: self.offset, limit: self.limit })
    }
}

/// A non-negative integer query parameter, or 400.
pub fn count_param(query: &HashMap<String, String>, key: &str) -> Result<Option<u64>, Rejection> {
    match query.get(key) {
        None => Ok(None),
        Some(raw) => raw.trim().parse::<u64>().map(Some).map_err(|_| bad_request(format!("{key} must be a non-negative integer, not '{raw}'."))),
    }
}

/// The listing parameters: `offset` ≥ 0 (default 0), `limit` ≥ 0 (default
/// and most 100: larger is clamped), `filter`; anything else non-numeric is 400.
pub fn listing() -> impl Filter<Extract = (Listing,), Error = Rejection> + Clone {
    query_map().and_then(|query: HashMap<String, String>| async move {
        let offset = count_param(&query, "offset")?.unwrap_or(0) as usize;
        let limit = (count_param(&query, "limit")?.unwrap_or(MAX_LIMIT as u64) as usize).min(MAX_LIMIT);
        let filter = query.get("filter").map(|f| f.trim().to_string()).filter(|f| !f.is_empty());
        Ok::<_, Rejection>(Listing { filter, offset, limit })
    })
}

/// A path segment (percent-decoded).
pub fn name() -> impl Filter<Extract = (String,), Error = Rejection> + Clone {
    warp::path::param::<String>().and_then(|raw: String| async move {
        percent_encoding::percent_decode_str(&raw)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| bad_request(format!("Path segment '{raw}' is not UTF-8.")))
    })
}
