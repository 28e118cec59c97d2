//! The work of an operation: planning on the session's serial queue, then
//! pumping rows into the ring on a task of its own.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use super::{Operation, OperationStatus};
use crate::engine::{Prepared, PreparedRows, RowStream, SessionEngine, StatementOptions};
use crate::result::{ResultLimits, ResultSet};

/// Plan and establish the statement's result. Runs on the session's queue, so
/// statements of one session take effect in submission order; a query's rows
/// are then produced by [`pump`] concurrently with later statements.
pub async fn execute(op: Arc<Operation>, engine: Arc<SessionEngine>, options: StatementOptions, limits: ResultLimits) {
    if !op.transition(OperationStatus::Running) {
        return; // stopped while it waited in the queue
    }
    let cancel = op.cancel_token().clone();
    let prepared = tokio::select! {
        biased;
        _ = cancel.cancelled() => return,
        prepared = engine.execute(&op.statement, &options) => prepared,
    };
    match prepared {
        Err(error) => {
            op.fail(error);
        }
        Ok(Prepared { schema, shape, rows, kind }) => {
            op.set_kind(kind);
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
    let cancel = op.cancel_token().clone();
    tokio::select! {
        biased;
        // Dropping `work` drops the DataFusion stream, which stops the query.
        _ = cancel.cancelled() => {}
        outcome = work => match outcome {
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
