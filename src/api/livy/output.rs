//! Statement outputs: what a statement's operation left, read once it
//! settled and kept in its Livy record, after which the operation is
//! closed (its result ring released).
//!
//! * a finished query: its first `num-rows` rows (one more is read to tell
//!   whether rows were cut, which the session log then says) as
//!   `application/json` `{"schema","data"}`, or for sparkmagic as
//!   `text/plain` `Dataset.toJSON` lines;
//! * a failed one: `status: error` with `ename`, `evalue`, `traceback`;
//! * a cancelled one: no output, state `cancelled`.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{json, Value};

use super::registry::{LivySession, Statement};
use super::Context;
use crate::error::{GatewayError, Result};
use crate::format::livy::{spark_schema, write_json_lines, write_livy_rows};
use crate::identity::User;
use crate::operation::{first_line, OperationStatus};
use crate::result::{Orientation, Rows};

/// How a statement's rows are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `application/json` `{"schema","data"}` (kind `sql`).
    Table,
    /// `text/plain` JSON lines (sparkmagic's `%%sql`).
    JsonLines,
}

/// Epoch milliseconds.
pub fn epoch_ms(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// `{"status":"ok"}` with `data`.
pub fn ok(execution_count: u64, data: Value) -> Value {
    json!({"status": "ok", "execution_count": execution_count, "data": data})
}

/// `{"status":"error"}`: no `data` key (pylivy reads `data` only when present).
pub fn error(execution_count: u64, ename: &str, evalue: &str, traceback: Vec<String>) -> Value {
    json!({"status": "error", "execution_count": execution_count, "ename": ename, "evalue": evalue, "traceback": traceback})
}

/// Up to `cap` rows of a finished operation and whether there were more;
/// the statement's progress follows the rows gathered.
async fn read_capped(ctx: &Context, user: &User, statement: &Statement, cap: usize) -> Result<(Arc<crate::result::ResultSet>, Vec<Rows>, bool, crate::format::FormatOptions)> {
    let operation = statement.operation.ok_or_else(|| GatewayError::Internal("The statement runs no operation.".into()))?;
    let mut kept = Vec::new();
    let mut count = 0usize;
    loop {
        let (result, rows, format) = ctx.gw.read_rows(user, operation, Orientation::Next, cap + 1 - count).await?;
        let read: usize = rows.iter().map(Rows::num_rows).sum();
        count += read;
        {
            let mut outcome = statement.outcome.lock().unwrap_or_else(|e| e.into_inner());
            (outcome.collected, outcome.cap) = (count.min(cap), cap);
        }
        kept.extend(rows);
        if read == 0 || count > cap {
            return Ok((result, kept, count > cap, format));
        }
    }
}

/// The `data` of a finished query's output, and whether rows were cut.
async fn data(ctx: &Context, user: &User, statement: &Statement, cap: usize, shape: Shape) -> Result<(Value, usize, bool)> {
    let (result, rows, truncated, format) = read_capped(ctx, user, statement, cap).await?;
    let encoding = |e: crate::format::FormatError| GatewayError::Internal(format!("Could not encode the rows: {e}"));
    let mut out = Vec::new();
    let mut left = cap;
    for rows in rows.iter().filter(|r| r.num_rows() > 0) {
        if left == 0 {
            break;
        }
        if !out.is_empty() {
            out.push(if shape == Shape::Table { b',' } else { b'\n' });
        }
        match shape {
            Shape::Table => write_livy_rows(&rows.batch, left, &format, &mut out).map_err(encoding)?,
            Shape::JsonLines => write_json_lines(&rows.batch, left, &format, &mut out).map_err(encoding)?,
        }
        left = left.saturating_sub(rows.num_rows());
    }
    let shown = cap - left;
    let data = match shape {
        Shape::Table => {
            out.insert(0, b'[');
            out.push(b']');
            let rows: Value = serde_json::from_slice(&out).map_err(|e| GatewayError::Internal(format!("Could not encode the rows: {e}")))?;
            json!({"application/json": {"schema": spark_schema(&result.schema), "data": rows}})
        }
        Shape::JsonLines => json!({"text/plain": String::from_utf8_lossy(&out)}),
    };
    Ok((data, shown, truncated))
}

/// Wait for a statement's operation to settle, then record its output (or
/// its cancellation), log what happened, and close the operation.
pub async fn settle(ctx: Arc<Context>, user: User, session: Arc<LivySession>, statement: Arc<Statement>, cap: usize, shape: Shape) {
    let Some(operation) = statement.operation else { return };
    let id = statement.id;
    let op = match ctx.gw.find_operation(&user, operation) {
        Ok((_, op)) => op,
        Err(_) => {
            statement.outcome.lock().unwrap_or_else(|e| e.into_inner()).cancelled = true;
            return;
        }
    };
    op.settled().await;
    let info = op.info();
    let mut output = None;
    match info.status {
        OperationStatus::Finished => match data(&ctx, &user, &statement, cap, shape).await {
            Ok((data, shown, truncated)) => {
                if truncated {
                    session.log(format!("Statement {id}: output truncated to its first {shown} rows (livy.rsc.sql.num-rows = {cap})."));
                }
                output = Some(ok(id, data));
            }
            // Cancelled while its rows were read.
            Err(_) if op.status() == OperationStatus::Canceled => {}
            Err(e) => output = Some(error(id, "Error", &e.to_string(), Vec::new())),
        },
        OperationStatus::Error | OperationStatus::Timeout => {
            let evalue = info.error.clone().unwrap_or_else(|| format!("The statement ended as {}.", info.status));
            let traceback = op.log().lines().into_iter().map(|l| format!("{l}\n")).collect();
            output = Some(error(id, "Error", &evalue, traceback));
        }
        _ => {}
    }
    for line in op.log().lines() {
        session.log(format!("Statement {id}: {line}"));
    }
    {
        let mut outcome = statement.outcome.lock().unwrap_or_else(|e| e.into_inner());
        outcome.started = info.started_at.map_or(outcome.started, epoch_ms);
        outcome.completed = epoch_ms(SystemTime::now());
        match output {
            Some(output) => outcome.output = Some(output),
            None => outcome.cancelled = true,
        }
    }
    let ended = if statement.ended() && statement.view("").state == "available" { "available" } else { "cancelled" };
    session.log(format!("Statement {id} {ended}: {}", first_line(&statement.code)));
    let _ = ctx.gw.close_operation(&user, session.spec.handle, operation);
}
