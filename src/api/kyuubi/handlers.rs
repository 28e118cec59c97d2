//! One plain async fn per Kyuubi session and operation route: parse, call
//! the core, map to Kyuubi's wire types.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use uuid::Uuid;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::model::*;
use super::{info, rows, Context};
use crate::api::http::{json_ok, reject};
use crate::error::GatewayError;
use crate::gateway::Submission;
use crate::identity::User;
use crate::operation::{LogFrom, Operation};
use crate::result::Orientation;
use crate::session::Session;

type Reply = Result<Response, Rejection>;

/// Properties the gateway adds to every Kyuubi session's configuration.
pub const CLIENT_IP: &str = "kyuubi.client.ipAddress";
/// The gateway's address, as the session saw it.
pub const SERVER_IP: &str = "kyuubi.server.ipAddress";
/// The URL the client connected to.
pub const CONNECTION_URL: &str = "kyuubi.session.connection.url";
/// The authenticated user (differs from the session user when impersonating).
pub const REAL_USER: &str = "kyuubi.session.real.user";
/// The TProtocolVersion the session was opened with (decides row- or column-based rows).
pub const PROTOCOL_VERSION: &str = "kyuubi.client.protocol.version";

/// Epoch milliseconds.
pub fn epoch_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// An empty 200 (Kyuubi's void responses).
fn empty() -> Response {
    let mut response = Response::new(bytes::Bytes::new().into());
    *response.status_mut() = StatusCode::OK;
    response
}

/// Values of keys that look secret are not shown back.
fn redacted(conf: BTreeMap<String, String>) -> BTreeMap<String, String> {
    conf.into_iter()
        .map(|(k, v)| {
            let key = k.to_ascii_lowercase();
            let secret = ["password", "secret", "token", "credential", "access.key", "accesskey"].iter().any(|s| key.contains(s));
            (k, if secret { "*********(redacted)".to_string() } else { v })
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/ping", tag = "kyuubi", responses((status = 200, description = "`pong`", body = String, content_type = "text/plain")))]
/// `GET /api/v1/ping`.
pub async fn ping() -> Result<Response, std::convert::Infallible> {
    let mut response = Response::new(bytes::Bytes::from_static(b"pong").into());
    response.headers_mut().insert("content-type", warp::http::HeaderValue::from_static("text/plain"));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/version", tag = "kyuubi", responses((status = 200, description = "The Kyuubi API level answered", body = VersionInfo)))]
/// `GET /api/v1/version`.
pub async fn version() -> Result<Response, std::convert::Infallible> {
    Ok(json_ok(&VersionInfo { version: super::KYUUBI_API_VERSION.into() }))
}

#[utoipa::path(get, path = "/api/v1/sessions", tag = "kyuubi", responses((status = 200, description = "The caller's sessions (an administrator's: all)", body = [SessionData])))]
/// `GET /api/v1/sessions`: the caller's sessions (an admin's: all).
pub async fn list_sessions(ctx: Arc<Context>, user: User) -> Reply {
    let sessions = ctx.gw.sessions().visible_to(&user);
    Ok(json_ok(&sessions.iter().map(|s| session_data(&ctx, s)).collect::<Vec<_>>()))
}

/// A session as listings show it.
pub fn session_data(ctx: &Context, session: &Session) -> SessionData {
    let conf = session.engine().properties();
    let age = session.opened_at.elapsed().unwrap_or_default();
    SessionData {
        identifier: session.handle.to_string(),
        remote_id: String::new(),
        user: session.owner.name.clone(),
        ip_addr: conf.get(CLIENT_IP).cloned().unwrap_or_default(),
        conf: redacted(conf),
        create_time: epoch_ms(session.opened_at),
        duration: age.as_millis() as i64,
        idle_time: session.idle_for().as_millis() as i64,
        exception: String::new(),
        session_type: "INTERACTIVE".into(),
        kyuubi_instance: ctx.instance.clone(),
        engine_id: super::ENGINE_ID.into(),
        engine_name: super::ENGINE_NAME.into(),
        engine_url: ctx.instance.clone(),
        session_name: session.name.clone().unwrap_or_default(),
        total_operations: session.operations_submitted(),
    }
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "kyuubi", request_body(content = SessionOpenRequest, content_type = "application/json"), responses((status = 200, description = "The session is open", body = SessionHandle), (status = 400, description = "Malformed body", body = KyuubiError), (status = 413, description = "Body too large", body = KyuubiError), (status = 429, description = "Session limit reached", body = KyuubiError)))]
/// `POST /api/v1/sessions`.
pub async fn open_session(ctx: Arc<Context>, user: User, client_ip: String, body: SessionOpenRequest) -> Reply {
    let mut configs = body.configs.unwrap_or_default();
    let proxy = configs.get("kyuubi.session.proxy.user").or_else(|| configs.get("hive.server2.proxy.user")).cloned();
    let name = configs.get("kyuubi.session.name").cloned();
    // HiveServer2 clients expect final results, not a changelog.
    configs.entry(crate::engine::query::RUNTIME_MODE.into()).or_insert_with(|| "batch".into());
    configs.insert(CLIENT_IP.into(), client_ip);
    configs.insert(SERVER_IP.into(), ctx.instance.clone());
    configs.insert(CONNECTION_URL.into(), ctx.instance.clone());
    configs.insert(REAL_USER.into(), user.real_name().to_string());
    configs.insert(PROTOCOL_VERSION.into(), body.protocol_version.unwrap_or(0).to_string());
    let handle = ctx.gw.open_session(&user, proxy.as_deref(), name, configs).map_err(reject)?;
    Ok(json_ok(&SessionHandle { identifier: handle.to_string(), kyuubi_instance: ctx.instance.clone() }))
}

#[utoipa::path(get, path = "/api/v1/sessions/count", tag = "kyuubi", responses((status = 200, description = "Live sessions", body = SessionOpenCount)))]
/// `GET /api/v1/sessions/count`.
pub async fn session_count(ctx: Arc<Context>, _user: User) -> Reply {
    Ok(json_ok(&SessionOpenCount { open_session_count: ctx.gw.sessions().len() }))
}

#[utoipa::path(get, path = "/api/v1/sessions/execPool/statistic", tag = "kyuubi", responses((status = 200, description = "The runtime statements run on", body = ExecPoolStatistic)))]
/// `GET /api/v1/sessions/execPool/statistic`.
pub async fn exec_pool(ctx: Arc<Context>, _user: User) -> Reply {
    let (workers, alive, queued) = ctx.gw.runtime_load();
    Ok(json_ok(&ExecPoolStatistic { exec_pool_size: workers, exec_pool_active_count: alive, exec_pool_work_queue_size: queued }))
}

#[utoipa::path(get, path = "/api/v1/sessions/{sessionHandle}", tag = "kyuubi", params(("sessionHandle" = String, Path, description = "Session UUID")), responses((status = 200, description = "The session", body = KyuubiSessionEvent), (status = 404, description = "Unknown, another user's, or malformed handle", body = KyuubiError)))]
/// `GET /api/v1/sessions/{sessionHandle}`.
pub async fn get_session(handle: Uuid, ctx: Arc<Context>, user: User) -> Reply {
    let session = ctx.gw.sessions().get(&user, handle).map_err(reject)?;
    let conf = session.engine().properties();
    Ok(json_ok(&KyuubiSessionEvent {
        session_id: session.handle.to_string(),
        client_version: conf.get(PROTOCOL_VERSION).and_then(|v| v.parse().ok()).unwrap_or(0),
        session_type: "INTERACTIVE".into(),
        session_name: session.name.clone().unwrap_or_default(),
        remote_session_id: String::new(),
        engine_id: super::ENGINE_ID.into(),
        engine_name: super::ENGINE_NAME.into(),
        engine_url: ctx.instance.clone(),
        user: session.owner.name.clone(),
        client_ip: conf.get(CLIENT_IP).cloned().unwrap_or_default(),
        server_ip: ctx.instance.clone(),
        conf: redacted(conf),
        event_time: epoch_ms(SystemTime::now()),
        opened_time: epoch_ms(session.opened_at),
        start_time: epoch_ms(session.opened_at),
        end_time: -1,
        total_operations: session.operations_submitted(),
        exception: None,
    }))
}

#[utoipa::path(get, path = "/api/v1/sessions/{sessionHandle}/info/{infoType}", tag = "kyuubi", params(("sessionHandle" = String, Path, description = "Session UUID"), ("infoType" = i32, Path, description = "TGetInfoType value, e.g. 13 = CLI_SERVER_NAME")), responses((status = 200, description = "The value", body = InfoDetail), (status = 404, description = "Unknown session or info type", body = KyuubiError)))]
/// `GET /api/v1/sessions/{sessionHandle}/info/{infoType}`.
pub async fn session_info(handle: Uuid, info_type: i32, ctx: Arc<Context>, user: User) -> Reply {
    let session = ctx.gw.sessions().get(&user, handle).map_err(reject)?;
    let (name, value) = info::get_info(info_type, &session.owner).map_err(reject)?;
    Ok(json_ok(&InfoDetail { info_type: name.into(), info_value: value }))
}

#[utoipa::path(delete, path = "/api/v1/sessions/{sessionHandle}", tag = "kyuubi", params(("sessionHandle" = String, Path, description = "Session UUID")), responses((status = 200, description = "Closed (empty body)"), (status = 404, description = "Unknown session", body = KyuubiError)))]
/// `DELETE /api/v1/sessions/{sessionHandle}`.
pub async fn close_session(handle: Uuid, ctx: Arc<Context>, user: User) -> Reply {
    ctx.gw.close_session(&user, handle).map_err(reject)?;
    Ok(empty())
}

#[utoipa::path(get, path = "/api/v1/sessions/{sessionHandle}/operations", tag = "kyuubi", params(("sessionHandle" = String, Path, description = "Session UUID")), responses((status = 200, description = "Its live operations", body = [OperationData]), (status = 404, description = "Unknown session", body = KyuubiError)))]
/// `GET /api/v1/sessions/{sessionHandle}/operations`.
pub async fn session_operations(handle: Uuid, ctx: Arc<Context>, user: User) -> Reply {
    let session = ctx.gw.sessions().get(&user, handle).map_err(reject)?;
    Ok(json_ok(&session.operations().iter().map(|op| operation_data(&ctx, &session, op)).collect::<Vec<_>>()))
}

#[utoipa::path(post, path = "/api/v1/sessions/{sessionHandle}/operations/statement", tag = "kyuubi", params(("sessionHandle" = String, Path, description = "Session UUID")), request_body(content = StatementRequest, content_type = "application/json"), responses((status = 200, description = "The operation", body = OperationHandle), (status = 400, description = "Malformed body", body = KyuubiError), (status = 404, description = "Unknown session, or (runAsync false) the statement failed", body = KyuubiError), (status = 413, description = "Body or statement too large", body = KyuubiError)))]
/// `POST /api/v1/sessions/{sessionHandle}/operations/statement`.
pub async fn execute_statement(handle: Uuid, ctx: Arc<Context>, user: User, body: StatementRequest) -> Reply {
    let mut config = body.conf_overlay.unwrap_or_default();
    if let Some(language) = config.remove("kyuubi.operation.language")
        && !language.eq_ignore_ascii_case("SQL")
    {
        return Err(reject(GatewayError::Unsupported(format!("Error executing statement: unsupported kyuubi.operation.language '{language}': only SQL is supported"))));
    }
    let timeout = (body.query_timeout > 0).then(|| Duration::from_secs(body.query_timeout as u64));
    let submission = Submission { statement: body.statement, timeout, config };
    if body.run_async {
        let op = ctx.gw.submit(&user, handle, submission).map_err(reject)?;
        return Ok(json_ok(&OperationHandle { identifier: op.to_string() }));
    }
    let op = ctx.gw.submit_and_wait(&user, handle, submission).await.map_err(reject)?;
    // Run synchronously, a failure is the request's failure.
    if let Err(error) = ctx.gw.result_of(&user, op) {
        let _ = ctx.gw.close_operation(&user, handle, op);
        return Err(reject(match error {
            GatewayError::Sql(message) => GatewayError::Sql(format!("Error executing statement: {message}")),
            other => other,
        }));
    }
    Ok(json_ok(&OperationHandle { identifier: op.to_string() }))
}

fn millis(time: Option<SystemTime>) -> i64 {
    time.map_or(0, epoch_ms)
}

fn op_metrics(op: &Operation) -> BTreeMap<String, String> {
    let info = op.info();
    BTreeMap::from([("rowsProduced".to_string(), info.rows_produced.to_string()), ("rowsFetched".to_string(), info.rows_fetched.to_string())])
}

/// An operation as listings show it.
pub fn operation_data(ctx: &Context, session: &Session, op: &Operation) -> OperationData {
    let info = op.info();
    OperationData {
        identifier: op.handle.to_string(),
        remote_id: String::new(),
        statement: op.statement.clone(),
        state: info.status.name().into(),
        create_time: epoch_ms(info.created_at),
        start_time: millis(info.started_at),
        complete_time: millis(info.ended_at),
        exception: info.error.clone().unwrap_or_default(),
        session_id: session.handle.to_string(),
        session_user: session.owner.name.clone(),
        session_type: "INTERACTIVE".into(),
        kyuubi_instance: ctx.instance.clone(),
        metrics: op_metrics(op),
    }
}

#[utoipa::path(get, path = "/api/v1/operations/{operationHandle}/event", tag = "kyuubi", params(("operationHandle" = String, Path, description = "Operation UUID")), responses((status = 200, description = "State and times", body = KyuubiOperationEvent), (status = 404, description = "Unknown or closed operation", body = KyuubiError)))]
/// `GET /api/v1/operations/{operationHandle}/event`.
pub async fn operation_event(handle: Uuid, ctx: Arc<Context>, user: User) -> Reply {
    let (session, op) = ctx.gw.find_operation(&user, handle).map_err(reject)?;
    let info = op.info();
    Ok(json_ok(&KyuubiOperationEvent {
        statement_id: op.handle.to_string(),
        remote_id: String::new(),
        statement: op.statement.clone(),
        should_run_async: !op.is_synchronous(),
        state: info.status.name().into(),
        event_time: epoch_ms(SystemTime::now()),
        create_time: epoch_ms(info.created_at),
        start_time: millis(info.started_at),
        complete_time: millis(info.ended_at),
        exception: info.error.clone(),
        session_id: session.handle.to_string(),
        session_user: session.owner.name.clone(),
        session_type: "INTERACTIVE".into(),
        kyuubi_instance: ctx.instance.clone(),
        metrics: op_metrics(&op),
        progress: None,
    }))
}

#[utoipa::path(put, path = "/api/v1/operations/{operationHandle}", tag = "kyuubi", params(("operationHandle" = String, Path, description = "Operation UUID")), request_body(content = OpActionRequest, content_type = "application/json"), responses((status = 200, description = "Done (empty body)"), (status = 404, description = "Unknown or closed operation, or an action other than cancel/close", body = KyuubiError)))]
/// `PUT /api/v1/operations/{operationHandle}` with `cancel` or `close`.
pub async fn operation_action(handle: Uuid, ctx: Arc<Context>, user: User, body: OpActionRequest) -> Reply {
    let (session, op) = ctx.gw.find_operation(&user, handle).map_err(reject)?;
    match body.action.to_ascii_lowercase().as_str() {
        "cancel" => match op.request_cancel() {
            // Canceling what already completed changes nothing, as in Kyuubi.
            Ok(_) | Err(GatewayError::Conflict(_)) => {}
            Err(e) => return Err(reject(e)),
        },
        "close" => ctx.gw.close_operation(&user, session.handle, handle).map(|_| ()).map_err(reject)?,
        other => return Err(reject(GatewayError::NotFound(format!("Invalid action {other}")))),
    }
    Ok(empty())
}

#[utoipa::path(get, path = "/api/v1/operations/{operationHandle}/resultsetmetadata", tag = "kyuubi", params(("operationHandle" = String, Path, description = "Operation UUID")), responses((status = 200, description = "The result columns", body = ResultSetMetaData), (status = 404, description = "Unknown operation, or not FINISHED", body = KyuubiError)))]
/// `GET /api/v1/operations/{operationHandle}/resultsetmetadata`.
pub async fn result_set_metadata(handle: Uuid, ctx: Arc<Context>, user: User) -> Reply {
    let result = ctx.gw.result_of(&user, handle).map_err(reject)?;
    Ok(json_ok(&rows::metadata(&result.schema)))
}

#[utoipa::path(get, path = "/api/v1/operations/{operationHandle}/log", tag = "kyuubi", params(("operationHandle" = String, Path, description = "Operation UUID"), ("maxrows" = Option<usize>, Query, description = "Most lines (default 100)"), ("fetchorientation" = Option<String>, Query, description = "FETCH_NEXT (default) or FETCH_FIRST")), responses((status = 200, description = "Log lines from the cursor", body = OperationLog), (status = 400, description = "FETCH_PRIOR", body = KyuubiError), (status = 404, description = "Unknown operation", body = KyuubiError)))]
/// `GET /api/v1/operations/{operationHandle}/log`.
pub async fn operation_log(handle: Uuid, query: super::filters::FetchQuery, ctx: Arc<Context>, user: User) -> Reply {
    let from = match query.orientation {
        Orientation::Next => LogFrom::Cursor,
        Orientation::First => LogFrom::Start,
        Orientation::Prior => return Err(reject(GatewayError::bad_request("FETCH_PRIOR in operation log is not supported"))),
    };
    let lines = ctx.gw.read_log(&user, handle, from, query.max_rows).map_err(reject)?;
    Ok(json_ok(&OperationLog { row_count: lines.len(), log_row_set: lines }))
}

#[utoipa::path(get, path = "/api/v1/operations/{operationHandle}/rowset", tag = "kyuubi", params(("operationHandle" = String, Path, description = "Operation UUID"), ("maxrows" = Option<usize>, Query, description = "Most rows (default 100, at most the server limit)"), ("fetchorientation" = Option<String>, Query, description = "FETCH_NEXT (default), FETCH_FIRST or FETCH_PRIOR")), responses((status = 200, description = "A page of rows; none at the end", body = ResultRowSet), (status = 400, description = "maxrows above the server limit", body = KyuubiError), (status = 404, description = "Unknown operation, not FINISHED, failed, or an unsupported orientation", body = KyuubiError), (status = 410, description = "FETCH_FIRST/FETCH_PRIOR over rows no longer kept", body = KyuubiError)))]
/// `GET /api/v1/operations/{operationHandle}/rowset`.
pub async fn rowset(handle: Uuid, query: super::filters::FetchQuery, ctx: Arc<Context>, user: User) -> Reply {
    if query.max_rows > ctx.fetch_limit {
        return Err(reject(GatewayError::bad_request(format!("Max rows for fetching results operation should not exceed the limit: {}", ctx.fetch_limit))));
    }
    let (session, _) = ctx.gw.find_operation(&user, handle).map_err(reject)?;
    let mode = rows::mode_of(&session);
    let (_, page, format) = ctx.gw.read_rows(&user, handle, query.orientation, query.max_rows).await.map_err(reject)?;
    rows::rowset(&page, mode, &format).map_err(reject)
}
