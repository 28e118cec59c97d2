//! Queries: each the last statement of a `query` text, run as a core
//! operation of the caller's query session (earlier statements, `USE db`
//! included, run first, in order, and must succeed). Rows are read from the
//! operation's result by token, as the Flink API pages, and written by the
//! gateway's JSON value encoders.
//!
//! States: `RUNNING` while the statement runs or its rows are still being
//! produced (unless it waits on its full result buffer: then its rows are
//! ready to be read, which is what lets the query go on), `FINISHED`,
//! `FAILED` (error or timeout), `CANCELLED` (killed, aborted or closed).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::filters::Caller;
use super::model::*;
use super::registry::Query;
use super::rejection::{bad_request, not_found, refuse};
use super::Context;
use crate::api::http::{json_ok, reject};
use crate::engine::dialect::{flink_type_of_field, split_statements};
use crate::error::GatewayError;
use crate::format::livy::write_livy_rows;
use crate::gateway::{Fetched, Submission};
use crate::operation::{OperationInfo, OperationStatus};
use crate::result::{FetchOutcome, PageRequest};

type Reply = Result<Response, Rejection>;

/// The dialects (`mode` values) accepted.
pub const DIALECTS: [(&str, &str); 2] = [
    ("ansi_sql", "SQL as the gateway runs it: Flink SQL over Apache DataFusion (the default)"),
    ("flink_sql", "Flink SQL: the same dialect, named for what it is"),
];
/// Longest a results call waits for rows of a running query before it answers what it has.
const RESULTS_WAIT: Duration = Duration::from_secs(10);
/// Longest client-chosen query id.
const MAX_ID: usize = 128;

/// Epoch time as RFC 3339 with milliseconds.
pub fn rfc3339(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The ByteHouse state of an operation.
pub fn state_of(info: &OperationInfo) -> &'static str {
    match info.status {
        OperationStatus::Initialized | OperationStatus::Pending | OperationStatus::Running => "RUNNING",
        OperationStatus::Finished if info.done || info.waiting_for_reader => "FINISHED",
        OperationStatus::Finished => "RUNNING",
        OperationStatus::Error | OperationStatus::Timeout => "FAILED",
        OperationStatus::Canceled | OperationStatus::Closed => "CANCELLED",
    }
}

fn mode_of(mode: Option<String>) -> Result<String, Rejection> {
    let mode = mode.map(|m| m.trim().to_ascii_lowercase()).filter(|m| !m.is_empty()).unwrap_or_else(|| "ansi_sql".into());
    if DIALECTS.iter().any(|(name, _)| *name == mode) {
        Ok(mode)
    } else {
        Err(bad_request(format!("Unsupported mode '{mode}': use ansi_sql or flink_sql.")))
    }
}

/// Run every statement of `text` but the last in the session; answer the last.
async fn run_leading(ctx: &Context, caller: &Caller, session: uuid::Uuid, text: Option<String>, config: &BTreeMap<String, String>) -> Result<String, Rejection> {
    let text = text.filter(|q| !q.trim().is_empty()).ok_or_else(|| bad_request("query is required."))?;
    let mut statements = split_statements(&text).map_err(|e| bad_request(e.to_string()))?;
    let last = statements.pop().ok_or_else(|| bad_request("query holds no statement."))?;
    for (n, statement) in statements.into_iter().enumerate() {
        let submission = Submission { statement, config: config.clone(), ..Submission::default() };
        let op = ctx.gw.submit_and_wait(&caller.user, session, submission).await.map_err(reject)?;
        let info = ctx.gw.operation_info(&caller.user, session, op).map_err(reject)?;
        let _ = ctx.gw.close_operation(&caller.user, session, op);
        if info.status != OperationStatus::Finished {
            let why = info.error.unwrap_or_else(|| format!("it ended as {}", info.status));
            return Err(refuse(StatusCode::BAD_REQUEST, "QUERY_FAILED", format!("Statement {} of the query failed: {why}", n + 1)));
        }
    }
    Ok(last)
}

/// Submit a query: its leading statements run now, its last one is returned as a registered query.
async fn submit(ctx: &Context, caller: &Caller, body: QueryRequest, sync: bool) -> Result<Arc<Query>, Rejection> {
    let mode = mode_of(body.mode)?;
    let id = match body.query_id.map(|i| i.trim().to_string()).filter(|i| !i.is_empty()) {
        Some(id) if id.len() > MAX_ID || id.contains('/') => return Err(bad_request(format!("queryID must be at most {MAX_ID} characters without '/'."))),
        Some(id) => id,
        None => uuid::Uuid::new_v4().to_string(),
    };
    if ctx.registry.is_live(&ctx.gw, &id) {
        return Err(refuse(StatusCode::CONFLICT, "QUERY_ID_TAKEN", format!("Query ID {id} is already taken by a running query.")));
    }
    // `vwID` (its id or name) runs every statement of the query on that warehouse.
    let mut config = BTreeMap::new();
    if let Some(vw) = body.vw_id.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
        let name = ctx.gw.pools().resolve(&vw).map_err(|e| not_found("VW_NOT_FOUND", e.to_string()))?;
        config.insert(crate::pool::POOL_PROPERTY.to_string(), name);
    }
    let session = ctx.registry.session(&ctx.gw, &caller.user, &caller.query_session).map_err(reject)?;
    let sql = run_leading(ctx, caller, session, body.query, &config).await?;
    let operation = ctx.gw.submit(&caller.user, session, Submission { statement: sql.clone(), config, ..Submission::default() }).map_err(reject)?;
    let query = Query {
        id,
        owner: caller.user.clone(),
        session_key: caller.query_session.clone(),
        session,
        operation,
        sql,
        mode,
        sync,
        submitted: SystemTime::now(),
        progress: Default::default(),
    };
    match ctx.registry.insert(&ctx.gw, query) {
        Ok(query) => {
            // Its statistics outlive the query (and the gateway) in the history.
            ctx.gw.record_operation(&caller.user, session, operation, &query.id, "query").map_err(reject)?;
            Ok(query)
        }
        Err(e) => {
            let _ = ctx.gw.close_operation(&caller.user, session, operation);
            Err(refuse(StatusCode::CONFLICT, "QUERY_ID_TAKEN", e.to_string()))
        }
    }
}

/// The operation's status (a forgotten one reads as 404).
fn info_of(ctx: &Context, query: &Query) -> Result<OperationInfo, Rejection> {
    ctx.gw
        .find_operation(&query.owner, query.operation)
        .map(|(_, op)| op.info())
        .map_err(|_| not_found("QUERY_NOT_FOUND", format!("Query {} is no longer kept: its result expired.", query.id)))
}

/// The failure envelope of a query that ended without a result.
fn ended_without_result(query: &Query, info: &OperationInfo) -> Rejection {
    match info.status {
        OperationStatus::Canceled | OperationStatus::Closed => refuse(StatusCode::CONFLICT, "QUERY_CANCELLED", format!("Query {} was cancelled.", query.id)),
        _ => refuse(StatusCode::BAD_REQUEST, "QUERY_FAILED", info.error.clone().unwrap_or_else(|| format!("Query {} failed.", query.id))),
    }
}

/// Rows read from a query's result.
struct Gathered {
    columns: Vec<QueryColumn>,
    rows: Vec<Value>,
    next_token: Option<u64>,
}

/// Read up to `cap` rows (0: all) from `token` on, waiting at most until `deadline` (None: as long as it takes).
async fn gather(ctx: &Context, query: &Query, token: u64, cap: usize, deadline: Option<Instant>) -> Result<Gathered, Rejection> {
    let mut token = token;
    let mut columns = Vec::new();
    let mut rows: Vec<Value> = Vec::new();
    let mut bytes = 0u64;
    let next_token = loop {
        let remaining = (cap > 0).then(|| cap - rows.len());
        if remaining == Some(0) {
            break Some(token);
        }
        let wait = deadline.map_or(Duration::from_secs(30), |d| d.saturating_duration_since(Instant::now()));
        let fetched = ctx.gw.fetch(&query.owner, query.session, query.operation, token, PageRequest { max_rows: remaining, wait: Some(wait) }).await;
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(GatewayError::Conflict(_) | GatewayError::Sql(_)) | Err(GatewayError::OperationNotFound(_)) => {
                let info = info_of(ctx, query)?;
                return Err(ended_without_result(query, &info));
            }
            Err(e) => return Err(reject(e)),
        };
        match fetched {
            Fetched::NotReady => {}
            Fetched::Ready { result, outcome, format } => {
                if columns.is_empty() {
                    columns = result.schema.fields().iter().map(|f| QueryColumn { name: f.name().clone(), column_type: flink_type_of_field(f) }).collect();
                }
                match outcome {
                    FetchOutcome::End => break None,
                    FetchOutcome::Page { rows: page, next_token } => {
                        for part in page.iter().filter(|r| r.num_rows() > 0) {
                            let mut out = vec![b'['];
                            write_livy_rows(&part.batch, usize::MAX, &format, &mut out).map_err(|e| reject(GatewayError::Internal(format!("Could not encode the rows: {e}"))))?;
                            out.push(b']');
                            bytes += out.len() as u64;
                            let values: Vec<Value> = serde_json::from_slice(&out).map_err(|e| reject(GatewayError::Internal(format!("Could not encode the rows: {e}"))))?;
                            rows.extend(values);
                        }
                        token = next_token;
                    }
                }
            }
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break Some(token);
        }
    };
    query.answered(rows.len() as u64, bytes, next_token);
    Ok(Gathered { columns, rows, next_token })
}

fn result_of(ctx: &Context, query: &Query, gathered: Gathered) -> QueryResult {
    let state = info_of(ctx, query).map(|i| state_of(&i)).unwrap_or("FINISHED");
    QueryResult {
        query_id: query.id.clone(),
        state: if gathered.next_token.is_none() { "FINISHED" } else { state }.to_string(),
        is_async: false,
        row_count: gathered.rows.len(),
        columns: gathered.columns,
        rows: gathered.rows,
        next_token: gathered.next_token,
    }
}

fn switched(query: &Query) -> QueryResult {
    QueryResult { query_id: query.id.clone(), state: "RUNNING".into(), is_async: true, columns: Vec::new(), rows: Vec::new(), row_count: 0, next_token: Some(query.progress().next_token) }
}

/// `POST /queries/sync`.
pub async fn sync(ctx: Arc<Context>, caller: Caller, body: QueryRequest) -> Reply {
    let cap = body.max_rows_return.unwrap_or(0) as usize;
    let switch = body.async_mode_switch_after_in_sec.filter(|s| *s > 0).map(Duration::from_secs);
    let query = submit(&ctx, &caller, body, true).await?;
    ctx.registry.start_sync(&caller.user, &caller.query_session, &query.id);
    let answer = drive_sync(&ctx, &query, cap, switch).await;
    ctx.registry.end_sync(&caller.user, &caller.query_session, &query.id);
    Ok(json_ok(&QueryResponse::new(answer?)))
}

async fn drive_sync(ctx: &Context, query: &Query, cap: usize, switch: Option<Duration>) -> Result<QueryResult, Rejection> {
    if let Some(after) = switch {
        // Wait for every row (or a full buffer); still running at the deadline: answer async.
        // A switch too far away to reach is no switch: wait for the result.
        let deadline = Instant::now().checked_add(after);
        loop {
            let info = info_of(ctx, query)?;
            match state_of(&info) {
                "FINISHED" => break,
                "RUNNING" if deadline.is_some_and(|d| Instant::now() >= d) => return Ok(switched(query)),
                "RUNNING" => tokio::time::sleep(Duration::from_millis(20)).await,
                _ => return Err(ended_without_result(query, &info)),
            }
        }
    }
    let gathered = gather(ctx, query, 0, cap, None).await?;
    Ok(result_of(ctx, query, gathered))
}

/// `POST /queries/async`.
pub async fn submit_async(ctx: Arc<Context>, caller: Caller, body: QueryRequest) -> Reply {
    let query = submit(&ctx, &caller, body, false).await?;
    Ok(json_ok(&QueryStatusResponse::new(status_view(&ctx, &query)?)))
}

fn status_view(ctx: &Context, query: &Query) -> Result<QueryStatus, Rejection> {
    let info = info_of(ctx, query)?;
    Ok(QueryStatus {
        query_id: query.id.clone(),
        state: state_of(&info).to_string(),
        query: query.sql.clone(),
        mode: query.mode.clone(),
        kind: if query.sync { "sync" } else { "async" }.to_string(),
        complete: info.done,
        submitted_at: rfc3339(query.submitted),
        started_at: info.started_at.map(rfc3339),
        ended_at: info.ended_at.map(rfc3339),
        elapsed_ms: info.elapsed_ms,
        rows: info.rows_produced,
        error: info.error.clone(),
    })
}

fn lookup(ctx: &Context, caller: &Caller, id: &str) -> Result<Arc<Query>, Rejection> {
    ctx.registry.get(&caller.user, id).map_err(|e| not_found("QUERY_NOT_FOUND", e.to_string()))
}

/// `GET /queries/{id}/status`.
pub async fn status(id: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let query = lookup(&ctx, &caller, &id)?;
    Ok(json_ok(&QueryStatusResponse::new(status_view(&ctx, &query)?)))
}

/// `GET /queries/{id}/results?maxRowsReturn=&token=` (also `nextToken=`).
pub async fn results(id: String, params: std::collections::HashMap<String, String>, ctx: Arc<Context>, caller: Caller) -> Reply {
    let query = lookup(&ctx, &caller, &id)?;
    let cap = super::filters::count_param(&params, "maxRowsReturn")?.unwrap_or(0) as usize;
    let token = match super::filters::count_param(&params, "token")?.or(super::filters::count_param(&params, "nextToken")?) {
        Some(token) => token,
        None => {
            let progress = query.progress();
            if progress.ended {
                return Err(refuse(StatusCode::GONE, "TOKEN_GONE", format!("Every row of query {id} was answered already.")));
            }
            progress.next_token
        }
    };
    let gathered = gather(&ctx, &query, token, cap, Some(Instant::now() + RESULTS_WAIT)).await?;
    Ok(json_ok(&QueryResponse::new(result_of(&ctx, &query, gathered))))
}

/// Cancel a query (kill): answers its state afterwards.
fn kill_query(ctx: &Context, query: &Query) -> Result<Response, Rejection> {
    // A query that ended already stays as it ended.
    let _ = ctx.gw.cancel_operation(&query.owner, query.session, query.operation);
    Ok(json_ok(&QueryStatusResponse::new(status_view(ctx, query)?)))
}

/// `POST /queries/{id}/kill` and `POST /queries/sync/{id}/kill`.
pub async fn kill(id: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let query = lookup(&ctx, &caller, &id)?;
    kill_query(&ctx, &query)
}

/// `POST /queries/sync/abort`: cancel the sync query running in the `X-QuerySession-ID`.
pub async fn abort(ctx: Arc<Context>, caller: Caller) -> Reply {
    let id = ctx.registry.running_sync(&caller.user, &caller.query_session).ok_or_else(|| {
        not_found("QUERY_NOT_FOUND", format!("No synchronous query is running in query session '{}'.", caller.query_session))
    })?;
    let query = lookup(&ctx, &caller, &id)?;
    kill_query(&ctx, &query)
}

/// `POST /queries/check-tables`.
pub async fn check_tables(ctx: Arc<Context>, caller: Caller, body: CheckTablesRequest) -> Reply {
    let session = ctx.registry.session(&ctx.gw, &caller.user, &caller.query_session).map_err(reject)?;
    let last = run_leading(&ctx, &caller, session, body.query, &BTreeMap::new()).await?;
    let read = ctx.gw.tables_read(&caller.user, session, &last).await.map_err(|e| match e {
        GatewayError::Sql(m) | GatewayError::BadRequest(m) => bad_request(m),
        other => reject(other),
    })?;
    let to_ref = |k: &(String, String, String)| TableRef { catalog: k.0.clone(), database: k.1.clone(), name: k.2.clone() };
    let (mut tables, mut materialized) = (Vec::new(), Vec::new());
    for key in &read.tables {
        let kind = ctx.gw.relation(&caller.user, session, key).await.ok().flatten().map(|r| r.kind);
        if kind == Some(crate::engine::listing::RelationKind::MaterializedTable) {
            materialized.push(to_ref(key));
        } else {
            tables.push(to_ref(key));
        }
    }
    let views = read.views.iter().map(to_ref).collect();
    Ok(json_ok(&CheckTablesResponse::new(CheckTablesView { tables, views, materialized_views: materialized })))
}

/// `GET /queries/dialects`.
pub async fn dialects(_ctx: Arc<Context>, _caller: Caller) -> Reply {
    Ok(json_ok(&DialectListResponse::new(DIALECTS.iter().map(|(name, description)| Dialect { name: name.to_string(), description: description.to_string() }).collect())))
}

/// The ByteHouse state of a query's stored history state.
fn stored_state(state: &str) -> &'static str {
    match state {
        "FINISHED" => "FINISHED",
        "CANCELED" | "CLOSED" => "CANCELLED",
        s if crate::store::UNFINISHED_STATES.contains(&s) => "RUNNING",
        _ => "FAILED",
    }
}

/// The statistics of a query known only from the history (its result is
/// gone, or the gateway restarted since).
async fn stored_statistic(ctx: &Context, caller: &Caller, id: &str, missing: Rejection) -> Reply {
    let Some(record) = ctx.gw.history(&caller.user, id).await.map_err(reject)?.filter(|r| r.kind == "query") else {
        return Err(missing);
    };
    let time = |ms: i64| rfc3339(SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64));
    Ok(json_ok(&QueryStatisticResponse::new(QueryStatistic {
        query_id: record.id.clone(),
        state: stored_state(&record.state).to_string(),
        rows_produced: record.rows.max(0) as u64,
        rows_returned: 0,
        bytes_returned: 0,
        buffered_rows: 0,
        buffered_bytes: 0,
        submitted_at: time(record.created_at),
        started_at: Some(time(record.created_at)),
        ended_at: record.ended_at.map(time),
        elapsed_ms: record.ended_at.map(|end| (end - record.created_at).max(0) as u64).unwrap_or(0),
    })))
}

/// `GET /statistics/queries/{id}`: live figures while the query is kept,
/// else what the history recorded.
pub async fn statistic(id: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let query = match lookup(&ctx, &caller, &id) {
        Ok(query) => query,
        Err(missing) => return stored_statistic(&ctx, &caller, &id, missing).await,
    };
    let info = match info_of(&ctx, &query) {
        Ok(info) => info,
        Err(missing) => return stored_statistic(&ctx, &caller, &id, missing).await,
    };
    let progress = query.progress();
    Ok(json_ok(&QueryStatisticResponse::new(QueryStatistic {
        query_id: query.id.clone(),
        state: state_of(&info).to_string(),
        rows_produced: info.rows_produced,
        rows_returned: progress.rows_returned,
        bytes_returned: progress.bytes_returned,
        buffered_rows: info.buffered_rows,
        buffered_bytes: info.buffered_bytes,
        submitted_at: rfc3339(query.submitted),
        started_at: info.started_at.map(rfc3339),
        ended_at: info.ended_at.map(rfc3339),
        elapsed_ms: info.elapsed_ms,
    })))
}

