//! Livy's interactive sessions: each one a core session, named by a Livy
//! integer id (or its name) through the [`registry`](super::registry).
//!
//! States are read from the core, never invented: a session whose core
//! engine is up and runs nothing is `idle`, one with a statement queued or
//! running `busy`, one being deleted `shutting_down`. The engine is
//! in-process and ready when the session is created, so `starting` is
//! never seen; a session the core closed (idle expiry) is gone (404).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use warp::reply::Response;
use warp::Rejection;

use super::model::*;
use super::registry::{Kind, LivySession, SessionSpec};
use super::{created, log_window, query_int, Context, LIVY_VERSION};
use crate::api::http::{json_ok, reject};
use crate::error::GatewayError;
use crate::identity::User;
use crate::operation::OperationStatus;
use crate::session::Session;

type Reply = Result<Response, Rejection>;

/// The session property that caps statement outputs.
pub const NUM_ROWS: &str = "livy.rsc.sql.num-rows";
/// The most rows any output may carry, whatever a session asks for: an
/// output is held in memory until the session closes.
pub const MAX_OUTPUT_ROWS: usize = 100_000;
/// Log lines shown in a session's view.
const VIEW_LOG_LINES: usize = 10;

/// `Session '7' not found.`
pub fn not_found(key: &str) -> Rejection {
    reject(GatewayError::NotFound(format!("Session '{key}' not found.")))
}

/// The session `key` names, if `user` may use it. A session the core no
/// longer has (expired) is forgotten here too.
pub fn lookup(ctx: &Context, user: &User, key: &str) -> Result<(Arc<LivySession>, Arc<Session>), Rejection> {
    let entry = ctx.sessions.find(key).filter(|s| user.may_access(&s.spec.owner)).ok_or_else(|| not_found(key))?;
    match ctx.gw.sessions().get(user, entry.spec.handle) {
        Ok(core) => Ok((entry, core)),
        Err(_) => {
            ctx.sessions.remove(entry.id);
            Err(not_found(key))
        }
    }
}

/// Livy's state of a session, from its core session.
pub fn state_of(entry: &LivySession, core: &Session) -> &'static str {
    if entry.closing.load(Ordering::Relaxed) {
        return "shutting_down";
    }
    // A statement is under way until its output is recorded (a streaming
    // query's operation is FINISHED while its rows are still being read).
    let busy = entry.statements().iter().any(|s| !s.ended())
        || core
            .operation_infos()
            .iter()
            .any(|op| matches!(op.status, OperationStatus::Initialized | OperationStatus::Pending | OperationStatus::Running));
    if busy { "busy" } else { "idle" }
}

/// A session as Livy shows it.
pub fn view(entry: &LivySession, core: &Session) -> SessionView {
    let log = entry.log_lines();
    let tail = log[log.len().saturating_sub(VIEW_LOG_LINES)..].to_vec();
    SessionView {
        id: entry.id,
        name: entry.spec.name.clone(),
        app_id: None,
        owner: Some(entry.spec.owner.real_name().to_string()),
        proxy_user: entry.spec.owner.real.as_ref().map(|_| entry.spec.owner.name.clone()),
        state: state_of(entry, core).to_string(),
        kind: entry.spec.kind.name().to_string(),
        app_info: AppInfo::default(),
        log: tail,
        ttl: None,
        idle_timeout: None,
        driver_memory: None,
        driver_cores: 0,
        executor_memory: None,
        executor_cores: 0,
        conf: entry.spec.conf.clone(),
        archives: Vec::new(),
        files: Vec::new(),
        heartbeat_timeout_in_second: entry.spec.heartbeat_timeout,
        jars: Vec::new(),
        num_executors: 0,
        py_files: Vec::new(),
        queue: None,
    }
}

#[utoipa::path(get, path = "/livy/version", tag = "livy", operation_id = "version", responses((status = 200, description = "The Livy version answered", body = LivyVersion)))]
/// `GET /version`.
pub async fn version(_ctx: Arc<Context>) -> Reply {
    Ok(json_ok(&LivyVersion {
        version: LIVY_VERSION.into(),
        user: "sluicegate".into(),
        revision: env!("CARGO_PKG_VERSION").into(),
        branch: "main".into(),
        date: String::new(),
        url: env!("CARGO_PKG_REPOSITORY").into(),
    }))
}

#[utoipa::path(get, path = "/livy/sessions", tag = "livy", operation_id = "list_sessions", params(("from" = Option<i64>, Query, description = "Offset (default 0)"), ("size" = Option<i64>, Query, description = "Page size (default 100)")),
    responses((status = 200, description = "The caller's sessions (an administrator's: all), in id order", body = SessionList), (status = 400, description = "Non-integer from or size", body = LivyMessage)))]
/// `GET /sessions`.
pub async fn list(query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let from = query_int(&query, "from")?.unwrap_or(0).max(0) as usize;
    let size = query_int(&query, "size")?.unwrap_or(100).max(0) as usize;
    let core: HashMap<uuid::Uuid, Arc<Session>> = ctx.gw.sessions().all().into_iter().map(|s| (s.handle, s)).collect();
    ctx.sessions.retain_live(&core.keys().copied().collect::<HashSet<_>>());
    let visible: Vec<Arc<LivySession>> = ctx.sessions.all().into_iter().filter(|s| user.may_access(&s.spec.owner)).collect();
    let sessions = visible.iter().skip(from).take(size).filter_map(|s| core.get(&s.spec.handle).map(|c| view(s, c))).collect();
    Ok(json_ok(&SessionList { from, total: visible.len(), sessions }))
}

#[utoipa::path(post, path = "/livy/sessions", tag = "livy", operation_id = "create_session", params(("doAs" = Option<String>, Query, description = "Run as this user (wins over proxyUser)")),
    request_body(content = CreateSessionRequest, content_type = "application/json"),
    responses((status = 201, description = "The session (`Location` names it)", body = SessionView),
        (status = 400, description = "Unknown field, bad kind, duplicate name, bad conf, session limit", body = LivyMessage),
        (status = 403, description = "Impersonation refused", body = LivyMessage)))]
/// `POST /sessions`.
pub async fn create(query: HashMap<String, String>, ctx: Arc<Context>, user: User, body: CreateSessionRequest) -> Reply {
    let rejected = |msg: String| reject(GatewayError::bad_request(format!("Rejected, Reason: {msg}")));
    let kind = match body.kind.as_deref() {
        None => Kind::Shared,
        Some(text) => Kind::parse(text).ok_or_else(|| rejected(format!("Invalid kind: {text} (expected spark, pyspark, sparkr, sql or shared)")))?,
    };
    if let Some(name) = &body.name
        && ctx.sessions.name_taken(name)
    {
        return Err(rejected(format!("Duplicate session name: {name}")));
    }
    let conf = body.conf.unwrap_or_default();
    let num_rows = match conf.get(NUM_ROWS) {
        None => ctx.settings.sql_num_rows,
        Some(raw) => raw.trim().parse::<usize>().map_err(|_| rejected(format!("{NUM_ROWS} must be a non-negative integer, not '{raw}'")))?,
    }
    .min(MAX_OUTPUT_ROWS);
    let heartbeat = body.heartbeat_timeout_in_second.unwrap_or(0);
    if heartbeat < 0 {
        return Err(rejected("heartbeatTimeoutInSecond must not be negative".into()));
    }
    // With doAs the caller already is that user, and doAs wins over proxyUser.
    let proxy = if query.contains_key("doAs") { None } else { body.proxy_user };
    let mut properties: BTreeMap<String, String> = conf.clone();
    // Livy's clients expect final results, not a changelog.
    properties.entry(crate::engine::query::RUNTIME_MODE.into()).or_insert_with(|| "batch".into());
    let handle = ctx.gw.open_session(&user, proxy.as_deref(), body.name.clone(), properties).map_err(reject)?;
    let core = ctx.gw.sessions().get(&user, handle).map_err(reject)?;
    if heartbeat > 0 {
        ctx.gw.set_session_idle_timeout(&user, handle, Duration::from_secs(heartbeat as u64)).map_err(reject)?;
    }
    let new = SessionSpec { handle, name: body.name, kind, owner: core.owner.clone(), conf, heartbeat_timeout: heartbeat, num_rows };
    let entry = match ctx.sessions.insert(new) {
        Ok(entry) => entry,
        Err(name) => {
            // Another request took the name meanwhile.
            let _ = ctx.gw.close_session(&user, handle);
            return Err(rejected(format!("Duplicate session name: {name}")));
        }
    };
    entry.log(format!("Session {} created: kind {}, user {}, SQL on Apache DataFusion (sluicegate session {handle}).", entry.id, kind.name(), core.owner));
    if heartbeat > 0 {
        entry.log(format!("Session {} is closed after {heartbeat} s without a request naming it.", entry.id));
    }
    tracing::info!(livy_session = entry.id, session = %handle, "Livy session created");
    Ok(created(&ctx, &format!("/sessions/{}", entry.id), &view(&entry, &core)))
}

#[utoipa::path(get, path = "/livy/sessions/{sessionId}", tag = "livy", operation_id = "get_session", params(("sessionId" = String, Path, description = "Livy id, or the session's name")),
    responses((status = 200, description = "The session (a heartbeat)", body = SessionView), (status = 404, description = "Unknown, closed, or another user's session", body = LivyMessage)))]
/// `GET /sessions/{id}`: also a heartbeat.
pub async fn get(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (entry, core) = lookup(&ctx, &user, &key)?;
    Ok(json_ok(&view(&entry, &core)))
}

#[utoipa::path(post, path = "/livy/sessions/{sessionId}/connect", tag = "livy", operation_id = "connect_session", params(("sessionId" = String, Path, description = "Livy id, or the session's name")),
    responses((status = 200, description = "The session (a heartbeat)", body = SessionView), (status = 404, description = "Unknown session", body = LivyMessage)))]
/// `POST /sessions/{id}/connect`: reconnecting to a live session is a heartbeat.
pub async fn connect(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (entry, core) = lookup(&ctx, &user, &key)?;
    ctx.gw.heartbeat(&user, core.handle).map_err(reject)?;
    Ok(json_ok(&view(&entry, &core)))
}

#[utoipa::path(get, path = "/livy/sessions/{sessionId}/state", tag = "livy", operation_id = "session_state", params(("sessionId" = String, Path, description = "Livy id, or the session's name")),
    responses((status = 200, description = "Its state", body = StateView), (status = 404, description = "Unknown session", body = LivyMessage)))]
/// `GET /sessions/{id}/state`.
pub async fn state(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (entry, core) = lookup(&ctx, &user, &key)?;
    Ok(json_ok(&StateView { id: entry.id, state: state_of(&entry, &core).into() }))
}

#[utoipa::path(get, path = "/livy/sessions/{sessionId}/log", tag = "livy", operation_id = "session_log",
    params(("sessionId" = String, Path, description = "Livy id, or the session's name"), ("from" = Option<i64>, Query, description = "First line (default: the last `size`)"),
        ("size" = Option<i64>, Query, description = "Most lines (default 100; negative: all)")),
    responses((status = 200, description = "Log lines", body = LogView), (status = 400, description = "Non-integer from or size", body = LivyMessage), (status = 404, description = "Unknown session", body = LivyMessage)))]
/// `GET /sessions/{id}/log`.
pub async fn log(key: String, query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let (from, size) = (query_int(&query, "from")?, query_int(&query, "size")?);
    let (entry, _) = lookup(&ctx, &user, &key)?;
    let lines = entry.log_lines();
    let total = lines.len();
    let (from, log) = log_window(lines, from, size);
    Ok(json_ok(&LogView { id: entry.id, from, total, log }))
}

#[utoipa::path(delete, path = "/livy/sessions/{sessionId}", tag = "livy", operation_id = "delete_session", params(("sessionId" = String, Path, description = "Livy id, or the session's name")),
    responses((status = 200, description = "`{\"msg\":\"deleted\"}`", body = LivyMessage), (status = 404, description = "Unknown or already deleted session", body = LivyMessage)))]
/// `DELETE /sessions/{id}`: closes the core session and what it runs.
pub async fn delete(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (entry, core) = lookup(&ctx, &user, &key)?;
    entry.closing.store(true, Ordering::Relaxed);
    let closed = ctx.gw.close_session(&user, core.handle);
    ctx.sessions.remove(entry.id);
    closed.map_err(reject)?;
    tracing::info!(livy_session = entry.id, session = %core.handle, "Livy session deleted");
    Ok(json_ok(&LivyMessage { msg: "deleted".into() }))
}
