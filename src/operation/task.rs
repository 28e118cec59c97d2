//! The work of an operation: planning on the session's serial queue, then
//! pumping rows into the ring on a task of its own.

use std::sync::Arc;
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures::{FutureExt, StreamExt};

use super::{Operation, OperationStatus};
use crate::engine::{Prepared, PreparedRows, RowStream, SessionEngine, StatementOptions};
use crate::error::GatewayError;
use crate::result::{ResultLimits, ResultSet};

/// Plan and establish the statement's result. Runs on the session's queue, so
/// statements of one session take effect in submission order; a query's rows
/// are then produced by [`pump`] concurrently with later statements.
pub async fn execute(op: Arc<Operation>, engine: Arc<SessionEngine>, options: StatementOptions, limits: ResultLimits) {
    if !op.transition(OperationStatus::Running) {
        return; // stopped while it waited in the queue
    }
    let cancel = op.cancel_token().clone();
    // A panic in the engine must fail this statement, not the session's queue.
    let planning = AssertUnwindSafe(engine.execute(&op.statement, &options)).catch_unwind();
    let prepared = tokio::select! {
        biased;
        _ = cancel.cancelled() => return,
        prepared = planning => prepared.unwrap_or_else(|panic| Err(panicked(panic))),
    };
    match prepared {
        Err(error) => {
            op.fail(error);
        }
        Ok(Prepared { schema, shape, rows, kind, log }) => {
            op.set_kind(kind);
            if let Some(log) = log {
                op.set_log(log);
            }
            let result = Arc::new(ResultSet::new(schema, shape, limits));
            match rows {
                PreparedRows::Stream(stream) => {
                    if op.finish_with(result.clone(), true) {
                        tokio::spawn(pump(op, stream, result));
                    }
                }
                PreparedRows::Materialized(batches) => {
                    // Already in memory (an `OK`, a job id, a settings list):
                    // buffer it before FINISHED so the first fetch sees it.
                    for rows in batches {
                        result.ring().preload(rows);
                    }
                    result.ring().finish();
                    op.finish_with(result, false);
                }
            }
        }
    }
}

/// Drive the stream into the ring until it ends, fails, or the operation is stopped.
pub async fn pump(op: Arc<Operation>, mut stream: RowStream, result: Arc<ResultSet>) {
    let ring = result.ring().clone();
    let work = async {
        while let Some(rows) = stream.next().await {
            if ring.push(rows?).await.is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    };
    let work = AssertUnwindSafe(work).catch_unwind();
    let cancel = op.cancel_token().clone();
    tokio::select! {
        biased;
        // Dropping `work` drops the DataFusion stream, which stops the query.
        _ = cancel.cancelled() => {}
        outcome = work => match outcome.unwrap_or_else(|panic| Err(panicked(panic))) {
            Ok(true) => {
                ring.finish();
                op.stream_done();
            }
            Ok(false) => {}
            Err(error) => {
                op.fail(error);
            }
        }
    }
}

/// A panic caught while running a statement, as an internal error.
fn panicked(panic: Box<dyn std::any::Any + Send>) -> GatewayError {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(%message, "statement panicked");
    GatewayError::Internal(format!("Internal error while running the statement: {message}"))
}

/// End the operation as TIMEOUT if it is still working when `timeout` passes.
pub async fn watchdog(op: Arc<Operation>, timeout: Duration) {
    let done = op.done_token().clone();
    tokio::select! {
        _ = done.cancelled() => {}
        _ = tokio::time::sleep(timeout) => {
            op.time_out(timeout);
        }
    }
}
