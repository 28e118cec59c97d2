//! Livy statements: each SQL statement a core operation of the session,
//! its Livy id the session's statement counter. `waiting` is the operation
//! queued, `running` running (or its rows being read), `available` its
//! output recorded ([`output::settle`]); `cancelling` → `cancelled` when a
//! client cancels it (the core stops the query through its cancel token).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::json;
use warp::reply::Response;
use warp::Rejection;

use super::model::*;
use super::output::{self, epoch_ms, Shape};
use super::registry::{Kind, LivySession, Outcome, Statement};
use super::sessions::{lookup, MAX_OUTPUT_ROWS};
use super::sparkmagic::{recognise, Code};
use super::{created, query_int, Context};
use crate::api::http::{json_ok, reject};
use crate::error::GatewayError;
use crate::gateway::Submission;
use crate::identity::User;
use crate::operation::OperationStatus;

type Reply = Result<Response, Rejection>;

/// `Statement not found`.
fn not_found() -> Rejection {
    reject(GatewayError::NotFound("Statement not found".into()))
}

/// The statement `raw` names in `session`.
fn find(session: &LivySession, raw: &str) -> Result<Arc<Statement>, Rejection> {
    let id = raw.parse::<u64>().map_err(|_| reject(GatewayError::bad_request(format!("For input string: \"{raw}\""))))?;
    session.statement(id).ok_or_else(not_found)
}

/// The state of a statement whose output is not recorded yet, from its operation.
fn live_state(ctx: &Context, user: &User, session: &LivySession, statement: &Statement) -> &'static str {
    let Some(operation) = statement.operation else { return "available" };
    match ctx.gw.operation_info(user, session.spec.handle, operation).map(|i| i.status) {
        Ok(OperationStatus::Initialized | OperationStatus::Pending) => "waiting",
        Ok(OperationStatus::Canceled) => "cancelling",
        // Finished, failed or closed: its output is being recorded.
        _ => "running",
    }
}

/// A statement's view.
fn view(ctx: &Context, user: &User, session: &LivySession, statement: &Statement) -> StatementView {
    if statement.ended() {
        return statement.view("available");
    }
    statement.view(live_state(ctx, user, session, statement))
}

#[utoipa::path(post, path = "/livy/sessions/{sessionId}/statements", tag = "livy", operation_id = "submit_statement", params(("sessionId" = String, Path, description = "Livy id, or the session's name")),
    request_body(content = CreateStatementRequest, content_type = "application/json"),
    responses((status = 201, description = "The statement (`Location` names it)", body = StatementView),
        (status = 400, description = "No code, bad kind, unknown field", body = LivyMessage), (status = 404, description = "Unknown session", body = LivyMessage),
        (status = 413, description = "Statement too long", body = LivyMessage)))]
/// `POST /sessions/{id}/statements`.
pub async fn submit(key: String, ctx: Arc<Context>, user: User, body: CreateStatementRequest) -> Reply {
    let (session, _) = lookup(&ctx, &user, &key)?;
    let code = body.code.ok_or_else(|| reject(GatewayError::bad_request("Rejected, Reason: requirement failed: code is required.")))?;
    let kind = match body.kind.as_deref() {
        None => session.spec.kind,
        Some(text) => Kind::parse(text).filter(|k| *k != Kind::Shared).ok_or_else(|| reject(GatewayError::bad_request(format!("Invalid kind: {text} (expected sql, spark, pyspark or sparkr)"))))?,
    };
    let id = session.next_statement_id();
    let (sql, cap, shape) = match kind {
        Kind::Sql | Kind::Shared => (code.clone(), session.spec.num_rows, Shape::Table),
        Kind::Spark | Kind::PySpark | Kind::SparkR => match recognise(&code, kind) {
            Code::Query { sql, take } => (sql, take.unwrap_or(session.spec.num_rows).min(MAX_OUTPUT_ROWS), Shape::JsonLines),
            Code::Probe(variable) => {
                let text = format!(
                    "{variable}: sluicegate Livy session {} (kind {}, user {}): SQL on Apache DataFusion, no Spark; run SQL through %%sql",
                    session.id,
                    session.spec.kind.name(),
                    session.spec.owner
                );
                return Ok(answered(&ctx, &session, code, output::ok(id, json!({"text/plain": text}))));
            }
            Code::Other(reason) => return Ok(answered(&ctx, &session, code, output::error(id, "NotSupported", &reason, Vec::new()))),
        },
    };
    let operation = ctx.gw.submit(&user, session.spec.handle, Submission { statement: sql, ..Submission::default() }).map_err(reject)?;
    let statement = session.add_statement(code, Some(operation), Outcome::default());
    session.log(format!("Statement {} submitted: {}", statement.id, crate::operation::first_line(&statement.code)));
    tokio::spawn(output::settle(ctx.clone(), user.clone(), session.clone(), statement.clone(), cap, shape));
    let path = format!("/sessions/{}/statements/{}", session.id, statement.id);
    Ok(created(&ctx, &path, &view(&ctx, &user, &session, &statement)))
}

/// A statement answered at once (a probe, refused code): available already.
fn answered(ctx: &Context, session: &LivySession, code: String, output: serde_json::Value) -> Response {
    let now = epoch_ms(SystemTime::now());
    let statement = session.add_statement(code, None, Outcome { output: Some(output), started: now, completed: now, ..Outcome::default() });
    session.log(format!("Statement {} answered without running: {}", statement.id, crate::operation::first_line(&statement.code)));
    created(ctx, &format!("/sessions/{}/statements/{}", session.id, statement.id), &statement.view("available"))
}

#[utoipa::path(get, path = "/livy/sessions/{sessionId}/statements", tag = "livy", operation_id = "list_statements",
    params(("sessionId" = String, Path, description = "Livy id, or the session's name"), ("from" = Option<i64>, Query, description = "Offset (default 0)"),
        ("size" = Option<i64>, Query, description = "Page size (default: all)"), ("order" = Option<String>, Query, description = "`desc`: newest first")),
    responses((status = 200, description = "Its statements", body = StatementList), (status = 404, description = "Unknown session", body = LivyMessage)))]
/// `GET /sessions/{id}/statements`.
pub async fn list(key: String, query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let (from, size) = (query_int(&query, "from")?.unwrap_or(0).max(0) as usize, query_int(&query, "size")?);
    let (session, _) = lookup(&ctx, &user, &key)?;
    let mut statements = session.statements();
    let total_statements = statements.len();
    if query.get("order").is_some_and(|o| o.eq_ignore_ascii_case("desc")) {
        statements.reverse();
    }
    let size = size.filter(|s| *s >= 0).map_or(usize::MAX, |s| s as usize);
    let statements = statements.iter().skip(from).take(size).map(|s| view(&ctx, &user, &session, s)).collect();
    Ok(json_ok(&StatementList { total_statements, statements }))
}

#[utoipa::path(get, path = "/livy/sessions/{sessionId}/statements/{statementId}", tag = "livy", operation_id = "get_statement",
    params(("sessionId" = String, Path, description = "Livy id, or the session's name"), ("statementId" = u64, Path, description = "Statement id")),
    responses((status = 200, description = "The statement", body = StatementView), (status = 400, description = "Non-integer statement id", body = LivyMessage),
        (status = 404, description = "Unknown session or statement", body = LivyMessage)))]
/// `GET /sessions/{id}/statements/{statementId}`.
pub async fn get(key: String, raw: String, ctx: Arc<Context>, user: User) -> Reply {
    let (session, _) = lookup(&ctx, &user, &key)?;
    let statement = find(&session, &raw)?;
    Ok(json_ok(&view(&ctx, &user, &session, &statement)))
}

#[utoipa::path(post, path = "/livy/sessions/{sessionId}/statements/{statementId}/cancel", tag = "livy", operation_id = "cancel_statement",
    params(("sessionId" = String, Path, description = "Livy id, or the session's name"), ("statementId" = u64, Path, description = "Statement id")),
    responses((status = 200, description = "`{\"msg\":\"canceled\"}` (also for a statement that already ended)", body = LivyMessage),
        (status = 404, description = "Unknown session or statement", body = LivyMessage)))]
/// `POST /sessions/{id}/statements/{statementId}/cancel`.
pub async fn cancel(key: String, raw: String, ctx: Arc<Context>, user: User) -> Reply {
    let (session, _) = lookup(&ctx, &user, &key)?;
    let statement = find(&session, &raw)?;
    if let (false, Some(operation)) = (statement.ended(), statement.operation) {
        // It may end on its own meanwhile: that is no failure of the cancel.
        let _ = ctx.gw.cancel_operation(&user, session.spec.handle, operation);
        session.log(format!("Statement {} cancel requested.", statement.id));
    }
    Ok(json_ok(&LivyMessage { msg: "canceled".into() }))
}

#[utoipa::path(post, path = "/livy/sessions/{sessionId}/completion", tag = "livy", operation_id = "complete_statement", params(("sessionId" = String, Path, description = "Livy id, or the session's name")),
    request_body(content = CompletionRequest, content_type = "application/json"),
    responses((status = 200, description = "Candidates at the cursor (none for kinds other than sql)", body = CompletionView),
        (status = 400, description = "No code, negative cursor", body = LivyMessage), (status = 404, description = "Unknown session", body = LivyMessage)))]
/// `POST /sessions/{id}/completion`.
pub async fn completion(key: String, ctx: Arc<Context>, user: User, body: CompletionRequest) -> Reply {
    let (session, _) = lookup(&ctx, &user, &key)?;
    let code = body.code.ok_or_else(|| reject(GatewayError::bad_request("Rejected, Reason: requirement failed: code is required.")))?;
    let kind = body.kind.as_deref().map_or(Some(Kind::Sql), Kind::parse);
    if !matches!(kind, Some(Kind::Sql | Kind::Shared)) {
        return Ok(json_ok(&CompletionView { candidates: Vec::new() }));
    }
    let cursor = match body.cursor {
        None => code.chars().count(),
        Some(c) => usize::try_from(c).map_err(|_| reject(GatewayError::bad_request("cursor must not be negative")))?,
    };
    let candidates = ctx.gw.complete_statement(&user, session.spec.handle, &code, cursor).await.map_err(reject)?;
    Ok(json_ok(&CompletionView { candidates }))
}
