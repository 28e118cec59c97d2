//! The Apache Livy REST API over the gateway core, under `/livy`.
//!
//! The route table below is the whole API. Every request first passes the
//! [`guard`] (API version from `Accept`, CSRF header when enabled); every
//! failure is `{"msg": ...}` with Livy's status ([`rejection`]).
//!
//! - [`model`]: wire types (serde + OpenAPI schema).
//! - [`registry`]: Livy's integer ids and names over core session handles.
//! - [`sessions`]: interactive sessions; [`statements`]: their statements;
//!   [`output`]: statement outputs read from the operation's result.
//! - [`sparkmagic`]: the `%%sql` snippets and probes sparkmagic sends.
//! - [`batches`]: SQL scripts as batches (core batches over the job registry).

pub mod batches;
pub mod model;
pub mod output;
pub mod registry;
pub mod rejection;
pub mod sessions;
pub mod sparkmagic;
pub mod statements;

use std::collections::HashMap;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, Method, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::api::http::{caller, json_body, reject, with_state};
use crate::config::LivySettings;
use crate::error::GatewayError;
use crate::gateway::Gateway;
use model::*;

/// The Livy version answered: pylivy compares versions part by part as
/// strings, so a `0.1x` would read as older than `0.5` and lose kind `sql`.
pub const LIVY_VERSION: &str = "0.8.0-incubating";
/// API versions a client may ask for in `Accept: application/vnd.livy.v<v>+json`.
pub const API_VERSIONS: [&str; 3] = ["0.1", "0.2", "0.3"];

/// What every Livy handler needs.
pub struct Context {
    /// The core.
    pub gw: Arc<Gateway>,
    /// Where the API is mounted (`/livy`, or empty at the root), for `Location`.
    pub prefix: String,
    /// CSRF protection and the default row cap.
    pub settings: LivySettings,
    /// Interactive sessions by Livy id.
    pub sessions: Arc<registry::Sessions>,
    /// Batches by Livy id.
    pub batches: Arc<batches::Batches>,
}

impl Context {
    /// A context for the API mounted at `prefix`, with fresh id maps.
    pub fn new(gw: Arc<Gateway>, prefix: &str, settings: LivySettings) -> Self {
        Context { gw, prefix: prefix.to_string(), settings, sessions: Arc::default(), batches: Arc::default() }
    }

    /// The same API (same sessions and batches) mounted at another prefix.
    pub fn mounted_at(&self, prefix: &str) -> Self {
        Context { gw: self.gw.clone(), prefix: prefix.to_string(), settings: self.settings, sessions: self.sessions.clone(), batches: self.batches.clone() }
    }
}

/// A 201 with `body` and a `Location` of `path` under the mount prefix.
pub fn created<T: serde::Serialize>(ctx: &Context, path: &str, body: &T) -> Response {
    let mut response = crate::api::http::json_ok(body);
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(location) = HeaderValue::from_str(&format!("{}{path}", ctx.prefix)) {
        response.headers_mut().insert(warp::http::header::LOCATION, location);
    }
    response
}

/// A query integer (`from`, `size`): absent is `None`, anything but an
/// integer is 400 as Java's `NumberFormatException` words it.
pub fn query_int(query: &HashMap<String, String>, key: &str) -> Result<Option<i64>, Rejection> {
    match query.get(key) {
        None => Ok(None),
        Some(raw) => raw.trim().parse::<i64>().map(Some).map_err(|_| reject(GatewayError::bad_request(format!("For input string: \"{raw}\"")))),
    }
}

/// Livy's log window: `size` default 100 (negative: all), `from` default the
/// tail; answers `(from, lines)`.
pub fn log_window(lines: Vec<String>, from: Option<i64>, size: Option<i64>) -> (usize, Vec<String>) {
    let total = lines.len();
    let size = match size.unwrap_or(100) {
        s if s < 0 => total,
        s => s as usize,
    };
    let from = match from {
        Some(f) => (f.max(0) as usize).min(total),
        None => total.saturating_sub(size),
    };
    let end = from.saturating_add(size).min(total);
    (from, lines.into_iter().skip(from).take(end - from).collect())
}

/// The query string as a map.
fn query() -> impl Filter<Extract = (HashMap<String, String>,), Error = std::convert::Infallible> + Clone {
    warp::query::<HashMap<String, String>>().or(warp::any().map(HashMap::new)).unify()
}

/// The version an `Accept` header asks for, if it names one.
fn requested_version(accept: &str) -> Option<&str> {
    accept.split(',').map(str::trim).find_map(|media| media.split(';').next()?.trim().strip_prefix("application/vnd.livy.v")?.strip_suffix("+json"))
}

/// API versioning (406 for an unknown one) and, when enabled, CSRF
/// protection (a modifying request without `X-Requested-By` is 400).
fn guard(csrf: bool) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::method()
        .and(warp::header::optional::<String>("x-requested-by"))
        .and(warp::header::optional::<String>("accept"))
        .and_then(move |method: Method, by: Option<String>, accept: Option<String>| async move {
            if let Some(version) = accept.as_deref().and_then(requested_version)
                && !API_VERSIONS.contains(&version)
            {
                return Err(warp::reject::custom(rejection::NotAcceptable(format!("Unsupported API version: {version} (supported: {})", API_VERSIONS.join(", ")))));
            }
            if csrf && !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) && by.is_none() {
                return Err(reject(GatewayError::bad_request("Missing Required Header for CSRF protection.")));
            }
            Ok(())
        })
        .untuple_one()
}

/// The caller, or with `?doAs=u` the user it acts as (Livy evaluates
/// `doAs` on every route; the gateway's impersonation rules decide, 403).
fn livy_caller(gw: Arc<Gateway>) -> impl Filter<Extract = (crate::identity::User,), Error = Rejection> + Clone {
    caller(gw.clone()).and(query()).and_then(move |user: crate::identity::User, query: HashMap<String, String>| {
        let gw = gw.clone();
        async move {
            match query.get("doAs").filter(|u| !u.trim().is_empty()) {
                Some(proxy) => gw.authenticator().impersonate(&user, Some(proxy)).map_err(reject),
                None => Ok(user),
            }
        }
    })
}

/// Every Livy route, under `mount` (`"livy"`, or `None` at the root),
/// errors rendered as Livy's.
pub fn routes(ctx: Arc<Context>, mount: Option<&'static str>, max_body: u64) -> BoxedFilter<(Response,)> {
    use sessions as s;
    use statements as st;
    use warp::path::{end, param};
    use warp::{delete, get, path, post};
    let user = with_state(ctx.clone()).and(livy_caller(ctx.gw.clone()));
    let session = || path("sessions").and(param::<String>());
    let statement = || session().and(path("statements")).and(param::<String>());
    let batch = || path("batches").and(param::<String>());

    let version = path("version").and(end()).and(get()).and(with_state(ctx.clone())).and_then(s::version);
    let list = path("sessions").and(end()).and(get()).and(query()).and(user.clone()).and_then(s::list);
    let create = path("sessions").and(end()).and(post()).and(query()).and(user.clone())
        .and(json_body::<CreateSessionRequest>(max_body, "CreateInteractiveRequest")).and_then(s::create);
    let get_session = session().and(end()).and(get()).and(user.clone()).and_then(s::get);
    let state = session().and(path("state")).and(end()).and(get()).and(user.clone()).and_then(s::state);
    let log = session().and(path("log")).and(end()).and(get()).and(query()).and(user.clone()).and_then(s::log);
    let remove = session().and(end()).and(delete()).and(user.clone()).and_then(s::delete);
    let connect = session().and(path("connect")).and(end()).and(post()).and(user.clone()).and_then(s::connect);
    let statements = session().and(path("statements")).and(end()).and(get()).and(query()).and(user.clone()).and_then(st::list);
    let run = session().and(path("statements")).and(end()).and(post()).and(user.clone())
        .and(json_body::<CreateStatementRequest>(max_body, "ExecuteRequest")).and_then(st::submit);
    let get_statement = statement().and(end()).and(get()).and(user.clone()).and_then(st::get);
    let cancel = statement().and(path("cancel")).and(end()).and(post()).and(user.clone()).and_then(st::cancel);
    let completion = session().and(path("completion")).and(end()).and(post()).and(user.clone())
        .and(json_body::<CompletionRequest>(max_body, "CompletionRequest")).and_then(st::completion);
    let batches_list = path("batches").and(end()).and(get()).and(query()).and(user.clone()).and_then(batches::list);
    let batch_create = path("batches").and(end()).and(post()).and(query()).and(user.clone())
        .and(json_body::<CreateBatchRequest>(max_body, "CreateBatchRequest")).and_then(batches::create);
    let batch_get = batch().and(end()).and(get()).and(user.clone()).and_then(batches::get);
    let batch_state = batch().and(path("state")).and(end()).and(get()).and(user.clone()).and_then(batches::state);
    let batch_log = batch().and(path("log")).and(end()).and(get()).and(query()).and(user.clone()).and_then(batches::log);
    let batch_delete = batch().and(end()).and(delete()).and(user.clone()).and_then(batches::delete);

    // Grouped and boxed: one flat chain of this many filters is a type too deep to compile.
    let sessions = list.or(create).unify().or(get_session).unify().or(state).unify().or(log).unify().or(remove).unify()
        .or(connect).unify().boxed();
    let statements = statements.or(run).unify().or(get_statement).unify().or(cancel).unify().or(completion).unify().boxed();
    let batches = batches_list.or(batch_create).unify().or(batch_get).unify().or(batch_state).unify().or(batch_log).unify()
        .or(batch_delete).unify().boxed();
    let api = guard(ctx.settings.csrf_protection).and(version.or(sessions).unify().or(statements).unify().or(batches).unify());
    let api = api.recover(rejection::recover).unify();
    match mount {
        Some(prefix) => path(prefix).and(api).boxed(),
        None => api.boxed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_windows_follow_livy() {
        let lines: Vec<String> = (0..150).map(|n| n.to_string()).collect();
        let (from, tail) = log_window(lines.clone(), None, None);
        assert_eq!((from, tail.len(), tail[0].as_str()), (50, 100, "50"), "default: the last 100");
        let (from, all) = log_window(lines.clone(), None, Some(-1));
        assert_eq!((from, all.len()), (0, 150));
        let (from, some) = log_window(lines.clone(), Some(148), Some(10));
        assert_eq!((from, some), (148, vec!["148".to_string(), "149".to_string()]));
        let (from, none) = log_window(lines, Some(500), Some(10));
        assert_eq!((from, none.len()), (150, 0));
        assert_eq!(log_window(Vec::new(), Some(-3), None), (0, Vec::new()));
    }

    #[test]
    fn accept_names_a_version() {
        assert_eq!(requested_version("application/vnd.livy.v0.3+json"), Some("0.3"));
        assert_eq!(requested_version("text/html, application/vnd.livy.v9.9+json;q=0.9"), Some("9.9"));
        assert_eq!(requested_version("*/*"), None);
        assert_eq!(requested_version("application/json"), None);
    }
}
