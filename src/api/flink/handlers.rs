//! Handlers: parse, call the core, map to wire types. No engine logic here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::filters::{self, FetchQuery};
use super::model::*;
use super::page::{self, PageAddress};
use super::version::ApiVersion;
use crate::api::http::{json_bytes, json_ok, reject};
use crate::error::GatewayError;
use crate::gateway::{Gateway, Submission};
use crate::identity::User;
use crate::operation::{OperationInfo, OperationStatus};
use crate::result::PageRequest;

type Reply = Result<Response, Rejection>;

/// The session property that opens a session on behalf of another user.
pub const PROXY_USER: &str = "sluicegate.proxy-user";

fn status_name(status: OperationStatus) -> OperationStatusName {
    match status {
        OperationStatus::Initialized => OperationStatusName::Initialized,
        OperationStatus::Pending => OperationStatusName::Pending,
        OperationStatus::Running => OperationStatusName::Running,
        OperationStatus::Finished => OperationStatusName::Finished,
        OperationStatus::Canceled => OperationStatusName::Canceled,
        OperationStatus::Closed => OperationStatusName::Closed,
        OperationStatus::Error => OperationStatusName::Error,
        OperationStatus::Timeout => OperationStatusName::Timeout,
    }
}

/// A positive `executionTimeout` in milliseconds; zero, negative and null mean none.
fn timeout(ms: Option<i64>) -> Option<Duration> {
    ms.filter(|ms| *ms > 0).map(|ms| Duration::from_millis(ms as u64))
}

fn require_statement(statement: &str) -> Result<(), Rejection> {
    if statement.trim().is_empty() {
        return Err(reject(GatewayError::bad_request("Field 'statement' is required and must not be empty.")));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api_versions", tag = "info",
    responses((status = 200, description = "Supported versions", body = ApiVersionsResponse)))]
/// The supported API versions.
pub async fn api_versions(_version: ApiVersion) -> Reply {
    Ok(json_ok(&ApiVersionsResponse { versions: ApiVersion::ALL.iter().map(|v| v.name().to_string()).collect() }))
}

#[utoipa::path(get, path = "/info", tag = "info",
    responses((status = 200, description = "Product and version", body = InfoResponse)))]
/// Product name and version.
pub async fn info(_version: ApiVersion) -> Reply {
    Ok(json_ok(&InfoResponse {
        product_name: "Apache Flink".into(),
        version: format!("sluicegate-{}", env!("CARGO_PKG_VERSION")),
    }))
}

#[utoipa::path(post, path = "/sessions", tag = "sessions",
    request_body(content = Option<OpenSessionRequest>, description = "May be absent", content_type = "application/json"),
    responses((status = 200, body = OpenSessionResponse),
        (status = 400, description = "Malformed body or invalid property", body = ErrorResponse),
        (status = 413, description = "Body too large", body = ErrorResponse),
        (status = 429, description = "Session limit reached", body = ErrorResponse),
        (status = 503, description = "Shutting down", body = ErrorResponse)))]
/// Open a session.
pub async fn open_session(_version: ApiVersion, gw: Arc<Gateway>, user: User, body: OpenSessionRequest) -> Reply {
    let mut properties = body.properties.unwrap_or_default();
    let proxy_user = properties.remove(PROXY_USER);
    let handle = gw.open_session(&user, proxy_user.as_deref(), body.session_name, properties).map_err(reject)?;
    Ok(json_ok(&OpenSessionResponse { session_handle: handle.to_string() }))
}

#[utoipa::path(get, path = "/sessions/{session_handle}", tag = "sessions",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    responses((status = 200, body = SessionPropertiesResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse)))]
/// The effective properties of a session.
pub async fn get_session(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    let properties = gw.session_properties(&user, session).map_err(reject)?;
    Ok(json_ok(&SessionPropertiesResponse { properties }))
}

#[utoipa::path(delete, path = "/sessions/{session_handle}", tag = "sessions",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    responses((status = 200, description = "`{\"status\":\"CLOSED\"}`", body = StatusResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown or already closed session", body = ErrorResponse)))]
/// Close a session and everything it runs.
pub async fn close_session(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    gw.close_session(&user, session).map_err(reject)?;
    Ok(json_ok(&StatusResponse { status: OperationStatusName::Closed }))
}

#[utoipa::path(post, path = "/sessions/{session_handle}/heartbeat", tag = "sessions",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    responses((status = 200, description = "`{}`", body = EmptyResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse)))]
/// Keep a session alive.
pub async fn heartbeat(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    gw.heartbeat(&user, session).map_err(reject)?;
    Ok(json_ok(&EmptyResponse {}))
}

#[utoipa::path(post, path = "/sessions/{session_handle}/configure-session", tag = "sessions",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    request_body(content = ConfigureSessionRequest, content_type = "application/json"),
    responses((status = 200, description = "`{}`", body = EmptyResponse),
        (status = 400, description = "Malformed body, SQL error, or not a configuring statement", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse),
        (status = 409, description = "Timed out", body = ErrorResponse),
        (status = 413, description = "Body too large", body = ErrorResponse)))]
/// Run one SET, RESET, DDL or USE statement to completion (v2+).
pub async fn configure_session(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User, body: ConfigureSessionRequest) -> Reply {
    require_statement(&body.statement)?;
    gw.configure_session(&user, session, body.statement, timeout(body.execution_timeout)).await.map_err(reject)?;
    Ok(json_ok(&EmptyResponse {}))
}

#[utoipa::path(get, path = "/sessions/{session_handle}/complete-statement", tag = "sessions",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    request_body(content = CompleteStatementRequest, description = "Sent as the body of this GET", content_type = "application/json"),
    responses((status = 200, body = CompleteStatementResponse),
        (status = 400, description = "Malformed body", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse)))]
/// Completion candidates at a cursor position (v2+).
pub async fn complete_statement(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User, body: CompleteStatementRequest) -> Reply {
    let position = usize::try_from(body.position)
        .map_err(|_| reject(GatewayError::bad_request("Field 'position' must not be negative.")))?;
    let candidates = gw.complete_statement(&user, session, &body.statement, position).await.map_err(reject)?;
    Ok(json_ok(&CompleteStatementResponse { candidates }))
}

#[utoipa::path(post, path = "/sessions/{session_handle}/statements", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    request_body(content = ExecuteStatementRequest, content_type = "application/json"),
    responses((status = 200, description = "Accepted; the statement runs in the background", body = ExecuteStatementResponse),
        (status = 400, description = "Malformed body", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse),
        (status = 413, description = "Body too large", body = ErrorResponse),
        (status = 429, description = "Too many open operations in the session", body = ErrorResponse)))]
/// Submit a statement; answers its operation handle at once.
pub async fn execute_statement(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User, body: ExecuteStatementRequest) -> Reply {
    require_statement(&body.statement)?;
    let submission = Submission {
        statement: body.statement,
        timeout: timeout(body.execution_timeout),
        config: body.execution_config.unwrap_or_default(),
    };
    let handle = gw.submit(&user, session, submission).map_err(reject)?;
    Ok(json_ok(&ExecuteStatementResponse { operation_handle: handle.to_string() }))
}

fn status_body(info: OperationInfo) -> OperationStatusResponse {
    OperationStatusResponse {
        status: status_name(info.status),
        rows_produced: info.rows_produced,
        rows_fetched: info.rows_fetched,
        buffered_rows: info.buffered_rows,
        buffered_bytes: info.buffered_bytes,
        elapsed_ms: info.elapsed_ms,
        done: info.done,
        error: info.error,
    }
}

#[utoipa::path(get, path = "/sessions/{session_handle}/operations/{operation_handle}/status", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle"), ("operation_handle" = Uuid, Path, description = "Operation handle")),
    responses((status = 200, body = OperationStatusResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown session or operation", body = ErrorResponse)))]
/// Status and progress of an operation.
pub async fn operation_status(_version: ApiVersion, session: Uuid, operation: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    let info = gw.operation_info(&user, session, operation).map_err(reject)?;
    Ok(json_ok(&status_body(info)))
}

#[utoipa::path(post, path = "/sessions/{session_handle}/operations/{operation_handle}/cancel", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle"), ("operation_handle" = Uuid, Path, description = "Operation handle")),
    responses((status = 200, description = "`{\"status\":\"CANCELED\"}`", body = StatusResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown session or operation", body = ErrorResponse),
        (status = 409, description = "Already completed, failed or timed out", body = ErrorResponse)))]
/// Cancel a running or still-streaming operation.
pub async fn cancel_operation(_version: ApiVersion, session: Uuid, operation: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    let status = gw.cancel_operation(&user, session, operation).map_err(reject)?;
    Ok(json_ok(&StatusResponse { status: status_name(status) }))
}

#[utoipa::path(delete, path = "/sessions/{session_handle}/operations/{operation_handle}/close", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle"), ("operation_handle" = Uuid, Path, description = "Operation handle")),
    responses((status = 200, description = "`{\"status\":\"CLOSED\"}`, also when closed before", body = StatusResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown session or operation", body = ErrorResponse)))]
/// Close an operation and release its result.
pub async fn close_operation(_version: ApiVersion, session: Uuid, operation: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    let status = gw.close_operation(&user, session, operation).map_err(reject)?;
    Ok(json_ok(&StatusResponse { status: status_name(status) }))
}

#[utoipa::path(get, path = "/sessions/{session_handle}/operations/{operation_handle}/result/{token}", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle"),
        ("operation_handle" = Uuid, Path, description = "Operation handle"),
        ("token" = u64, Path, description = "Page token: the current one, or the previous one to retry"),
        ("rowFormat" = Option<RowFormat>, Query, description = "Row encoding (v2+; JSON when absent, case-insensitive)"),
        ("maxRows" = Option<u32>, Query, description = "Cap on this page's rows", minimum = 1),
        ("waitMs" = Option<u32>, Query, description = "Wait up to this long for a row before answering an empty page", maximum = 60000)),
    responses((status = 200, description = "NOT_READY, PAYLOAD (possibly empty) or EOS", body = FetchResultsResponse),
        (status = 400, description = "Bad handle, token or query; or the statement failed (its error)", body = ErrorResponse),
        (status = 404, description = "Unknown session or operation, or a token ahead of the cursor", body = ErrorResponse),
        (status = 409, description = "The operation was canceled or timed out", body = ErrorResponse),
        (status = 410, description = "The token was already paged past", body = ErrorResponse),
        (status = 500, description = "The statement failed with a server fault", body = ErrorResponse)))]
/// A page of results.
pub async fn fetch_results(version: ApiVersion, session: Uuid, operation: Uuid, token: u64, raw_query: String, gw: Arc<Gateway>, user: User) -> Reply {
    let query = if version == ApiVersion::V1 {
        // v1 knows only JSON rows; its rowFormat is ignored, the extras still apply.
        FetchQuery { row_format: None, ..filters::parse_fetch_query(&strip_row_format(&raw_query)).map_err(reject)? }
    } else {
        filters::parse_fetch_query(&raw_query).map_err(reject)?
    };
    let started = Instant::now();
    let request = PageRequest { max_rows: query.max_rows, wait: query.wait_ms.map(Duration::from_millis) };
    let fetched = gw.fetch(&user, session, operation, token, request).await.map_err(reject)?;
    let address = PageAddress { version, session, operation, row_format: query.row_format.unwrap_or(RowFormat::Json) };
    let body = page::render(&address, &fetched).map_err(reject)?;
    gw.metrics().page(fetched.rows(), body.len() as u64, started.elapsed());
    Ok(json_bytes(StatusCode::OK, body))
}

fn strip_row_format(raw: &str) -> String {
    raw.split('&').filter(|p| !p.starts_with("rowFormat=")).collect::<Vec<_>>().join("&")
}

#[utoipa::path(get, path = "/sessions/{session_handle}/operations/{operation_handle}/log", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle"), ("operation_handle" = Uuid, Path, description = "Operation handle")),
    responses((status = 200, description = "Lifecycle lines (start, result, end, failure) and what the operation printed so far", body = OperationLogResponse),
        (status = 400, description = "Bad handle", body = ErrorResponse),
        (status = 404, description = "Unknown session or operation", body = ErrorResponse)))]
/// The operation's log (an extension over Flink's API): time-stamped
/// lifecycle lines, and lines written by a `print` sink of the job an INSERT
/// started.
pub async fn operation_log(_version: ApiVersion, session: Uuid, operation: Uuid, gw: Arc<Gateway>, user: User) -> Reply {
    let (lines, dropped) = gw.operation_log(&user, session, operation).map_err(reject)?;
    Ok(json_ok(&OperationLogResponse { lines, dropped }))
}

#[utoipa::path(post, path = "/sessions/{session_handle}/scripts", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle")),
    request_body(content = DeployScriptRequest, content_type = "application/json"),
    responses((status = 200, description = "The script runs as a background application", body = DeployScriptResponse),
        (status = 400, description = "No script, both script and URI, an unreadable URI, or a statement that does not parse", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse),
        (status = 413, description = "Body too large", body = ErrorResponse)))]
/// Deploy a script (v4): its statements run one after another as one
/// background application, visible in `SHOW JOBS`.
pub async fn deploy_script(_version: ApiVersion, session: Uuid, gw: Arc<Gateway>, user: User, body: DeployScriptRequest) -> Reply {
    let config = body.execution_config.unwrap_or_default();
    let cluster_id = gw.deploy_script(&user, session, body.script, body.script_uri, config).map_err(reject)?;
    Ok(json_ok(&DeployScriptResponse { cluster_id }))
}

#[utoipa::path(post, path = "/v3/sessions/{session_handle}/materialized-tables/{identifier}/refresh", tag = "operations",
    params(("session_handle" = Uuid, Path, description = "Session handle"), ("identifier" = String, Path, description = "Materialized table identifier, e.g. `cat`.`db`.`mt`")),
    request_body(content = Option<RefreshMaterializedTableRequest>, content_type = "application/json"),
    responses((status = 200, description = "The refresh runs as an operation; its result is the refresh job's id and cluster info", body = ExecuteStatementResponse),
        (status = 400, description = "Malformed body or identifier", body = ErrorResponse),
        (status = 404, description = "Unknown session", body = ErrorResponse),
        (status = 413, description = "Body too large", body = ErrorResponse),
        (status = 429, description = "Too many open operations in the session", body = ErrorResponse)))]
/// Refresh a materialized table (v3 only): answers the operation running it.
pub async fn refresh_materialized_table(_version: ApiVersion, session: Uuid, identifier: String, gw: Arc<Gateway>, user: User, body: RefreshMaterializedTableRequest) -> Reply {
    let partitions = body.static_partitions.unwrap_or_default();
    // Flink's client sends the identifier's backticks raw; they arrive percent-encoded.
    let identifier = percent_encoding::percent_decode_str(&identifier)
        .decode_utf8()
        .map_err(|_| reject(GatewayError::bad_request("The materialized table identifier is not valid UTF-8.")))?;
    let handle = gw.refresh_materialized_table(&user, session, &identifier, &partitions).map_err(reject)?;
    Ok(json_ok(&ExecuteStatementResponse { operation_handle: handle.to_string() }))
}
