//! Operations: one submitted statement each, from queueing to release.
//!
//! An [`Operation`] is a handle plus a state machine ([`OperationStatus`]).
//! The session runs its operations' planning one at a time, in submission
//! order ([`task::execute`]); a query's rows are then pumped into its result
//! ring by a task of their own ([`task::pump`]), so a streaming result never
//! blocks the next statement. Cancel, close and the execution timeout all go
//! through [`Operation::transition`], which fires the cancel token (dropping
//! the DataFusion stream stops the query) and releases the buffered rows.

pub mod log;
mod status;
pub mod task;

pub use log::{LogFrom, OperationLog};
pub use status::OperationStatus;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::error::{GatewayError, Result};
use crate::metrics::Metrics;
use crate::result::ResultSet;

/// One statement's execution and result.
#[derive(Debug)]
pub struct Operation {
    /// The handle clients name it by.
    pub handle: Uuid,
    /// The SQL text as submitted.
    pub statement: String,
    /// When it was submitted: elapsed time and the execution timeout count from here.
    submitted: Instant,
    /// The wall-clock time of submission, for protocols that report it.
    created: SystemTime,
    /// Fired when the operation must stop (cancel, close, timeout, error).
    cancel: CancellationToken,
    /// Fired when no more work will happen: rows all produced, or stopped.
    done: CancellationToken,
    /// Where the statement's outcome is counted.
    metrics: Arc<Metrics>,
    /// The statement kind, once the engine classified it (`unknown` before).
    kind: OnceLock<&'static str>,
    /// The outcome was counted (exactly once).
    counted: AtomicBool,
    /// The client waited for the result at submission instead of polling.
    synchronous: AtomicBool,
    /// Wakes those waiting for a status change (a long-poll on a result not ready yet).
    changed: tokio::sync::Notify,
    /// Its log: lifecycle lines (start, result, end, failure) and what the
    /// statement printed (e.g. the job of an INSERT into `print`).
    log: Mutex<Arc<OperationLog>>,
    /// Mutable state.
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Where the operation is in its life.
    status: OperationStatus,
    /// Why it failed, for ERROR and TIMEOUT.
    error: Option<GatewayError>,
    /// The result once its schema is known.
    result: Option<Arc<ResultSet>>,
    /// Rows are still being produced into the result.
    streaming: bool,
    /// When work ended, to freeze the elapsed time.
    ended: Option<Instant>,
    /// Wall-clock time it started running.
    started_at: Option<SystemTime>,
    /// Wall-clock time work ended.
    ended_at: Option<SystemTime>,
    /// When a client last asked about it (status, fetch, cancel): results
    /// nobody comes back for are closed after the operation idle timeout.
    touched: Instant,
}

/// A snapshot of an operation's status and progress.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationInfo {
    /// Current status.
    pub status: OperationStatus,
    /// Rows produced by the statement so far.
    pub rows_produced: u64,
    /// Rows handed out in pages so far.
    pub rows_fetched: u64,
    /// Rows waiting in the ring.
    pub buffered_rows: u64,
    /// Estimated bytes waiting in the ring.
    pub buffered_bytes: u64,
    /// Milliseconds since submission (frozen once work ended).
    pub elapsed_ms: u64,
    /// No more rows will be produced.
    pub done: bool,
    /// The statement is held back by its full result buffer: it goes on
    /// only as its rows are read.
    pub waiting_for_reader: bool,
    /// The failure, for ERROR and TIMEOUT.
    pub error: Option<String>,
    /// When it was submitted.
    pub created_at: SystemTime,
    /// When it started running, if it did.
    pub started_at: Option<SystemTime>,
    /// When work ended, if it did.
    pub ended_at: Option<SystemTime>,
}

impl Operation {
    /// A new operation in INITIALIZED.
    pub fn new(statement: String, metrics: Arc<Metrics>) -> Arc<Self> {
        Arc::new(Operation {
            handle: Uuid::new_v4(),
            statement,
            metrics,
            kind: OnceLock::new(),
            log: Mutex::new(Arc::new(OperationLog::default())),
            counted: AtomicBool::new(false),
            synchronous: AtomicBool::new(false),
            submitted: Instant::now(),
            created: SystemTime::now(),
            cancel: CancellationToken::new(),
            done: CancellationToken::new(),
            changed: tokio::sync::Notify::new(),
            state: Mutex::new(State {
                status: OperationStatus::Initialized,
                error: None,
                result: None,
                streaming: false,
                ended: None,
                started_at: None,
                ended_at: None,
                touched: Instant::now(),
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A client asked about it: it is still wanted.
    pub fn touch(&self) {
        self.lock().touched = Instant::now();
    }

    /// Nobody asked about it since `since`.
    pub fn idle_since(&self, since: Instant) -> bool {
        self.lock().touched <= since
    }

    /// Current status.
    pub fn status(&self) -> OperationStatus {
        self.lock().status
    }

    /// Fired when the operation must stop.
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Notified on every status change.
    pub fn changed(&self) -> &tokio::sync::Notify {
        &self.changed
    }

    /// Fired when no more work will happen.
    pub fn done_token(&self) -> &CancellationToken {
        &self.done
    }

    /// Whether the client waited for the result at submission.
    pub fn is_synchronous(&self) -> bool {
        self.synchronous.load(Ordering::Relaxed)
    }

    /// Wait until the result is established (FINISHED) or the operation
    /// ended otherwise (failed, stopped, closed); the operation is then
    /// marked as run synchronously.
    pub async fn settled(&self) {
        self.synchronous.store(true, Ordering::Relaxed);
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let status = self.status();
            if status == OperationStatus::Finished || status.is_terminal() {
                return;
            }
            changed.await;
        }
    }

    /// Move to `to` if the state machine allows it; a stopping status fires
    /// the cancel token and releases the result. Returns whether it moved.
    pub fn transition(&self, to: OperationStatus) -> bool {
        self.transition_with(to, None)
    }

    fn transition_with(&self, to: OperationStatus, error: Option<GatewayError>) -> bool {
        let mut state = self.lock();
        let from = state.status;
        if !from.can_become(to, state.streaming) {
            return false;
        }
        state.status = to;
        if error.is_some() {
            state.error = error;
        }
        let stopping = matches!(
            to,
            OperationStatus::Canceled | OperationStatus::Closed | OperationStatus::Timeout | OperationStatus::Error
        );
        let result = state.result.clone();
        if to == OperationStatus::Running {
            state.started_at = Some(SystemTime::now());
        }
        if stopping {
            state.streaming = false;
            state.ended.get_or_insert_with(Instant::now);
            state.ended_at.get_or_insert_with(SystemTime::now);
        }
        let error_text = state.error.as_ref().map(ToString::to_string);
        drop(state);
        match to {
            OperationStatus::Running => self.note("INFO", &format!("Executing statement: {}", first_line(&self.statement))),
            OperationStatus::Finished => self.note("INFO", "Result established; rows can be fetched."),
            OperationStatus::Error | OperationStatus::Timeout => self.note("ERROR", &error_text.unwrap_or_default()),
            OperationStatus::Canceled => self.note("INFO", "Operation canceled."),
            _ => {}
        }
        self.changed.notify_waiters();
        if stopping {
            self.cancel.cancel();
            self.end(to);
            if let Some(result) = result {
                result.release();
            }
        }
        let elapsed = self.submitted.elapsed().as_millis();
        match to {
            OperationStatus::Error => tracing::info!(operation = %self.handle, %from, elapsed_ms = elapsed as u64, error = %self.error_text().unwrap_or_default(), "statement failed"),
            OperationStatus::Pending | OperationStatus::Running => tracing::debug!(operation = %self.handle, %from, to = %to, "statement status"),
            _ => tracing::info!(operation = %self.handle, %from, to = %to, elapsed_ms = elapsed as u64, "statement status"),
        }
        true
    }

    fn error_text(&self) -> Option<String> {
        self.lock().error.as_ref().map(ToString::to_string)
    }

    /// The statement failed (while planning or while streaming).
    pub fn fail(&self, error: GatewayError) -> bool {
        self.transition_with(OperationStatus::Error, Some(error))
    }

    /// The execution timeout passed while work was still going on.
    pub fn time_out(&self, timeout: Duration) -> bool {
        let error = GatewayError::Conflict(format!(
            "Operation {} exceeded its execution timeout of {} ms.",
            self.handle,
            timeout.as_millis()
        ));
        self.transition_with(OperationStatus::Timeout, Some(error))
    }

    /// The result is established: attach it and move to FINISHED. Returns
    /// false (and releases the result) if the operation was stopped meanwhile.
    pub fn finish_with(&self, result: Arc<ResultSet>, streaming: bool) -> bool {
        {
            let mut state = self.lock();
            if state.status != OperationStatus::Running {
                drop(state);
                result.release();
                return false;
            }
            state.result = Some(result);
            state.streaming = true;
        }
        let moved = self.transition(OperationStatus::Finished);
        if !streaming {
            self.stream_done();
        }
        moved
    }

    /// Every row was produced into the result.
    pub fn stream_done(&self) {
        let rows = {
            let mut state = self.lock();
            state.streaming = false;
            state.ended.get_or_insert_with(Instant::now);
            state.ended_at.get_or_insert_with(SystemTime::now);
            state.result.as_ref().map_or(0, |r| r.ring().stats().rows_produced)
        };
        self.note("INFO", &format!("Finished: {rows} row(s) in {} ms.", self.submitted.elapsed().as_millis()));
        self.end(OperationStatus::Finished);
    }

    /// Write a lifecycle line into the operation's log, time-stamped as
    /// server logs are (`2024-06-10 10:00:00.123 INFO ...`, UTC).
    pub fn note(&self, level: &str, message: &str) {
        let time = chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).format("%Y-%m-%d %H:%M:%S%.3f");
        self.log().push(format!("{time} {level} {message}"));
    }

    /// Record the statement kind (from the engine).
    pub fn set_kind(&self, kind: &'static str) {
        let _ = self.kind.set(kind);
    }

    /// No more work will happen: fire `done` and count the outcome once.
    fn end(&self, outcome: OperationStatus) {
        self.done.cancel();
        if !self.counted.swap(true, Ordering::AcqRel) {
            let kind = self.kind.get().copied().unwrap_or("unknown");
            let outcome = match outcome {
                OperationStatus::Finished => "finished",
                OperationStatus::Error => "error",
                OperationStatus::Canceled => "canceled",
                OperationStatus::Timeout => "timeout",
                _ => "closed",
            };
            self.metrics.statement(kind, outcome);
        }
    }

    /// A client asks to stop it. Canceling twice answers CANCELED again; an
    /// operation that already completed, failed or timed out cannot be canceled.
    pub fn request_cancel(&self) -> Result<OperationStatus> {
        if self.transition(OperationStatus::Canceled) {
            return Ok(OperationStatus::Canceled);
        }
        match self.status() {
            OperationStatus::Canceled => Ok(OperationStatus::Canceled),
            OperationStatus::Closed => Err(GatewayError::OperationNotFound(self.handle)),
            status => Err(GatewayError::Conflict(format!(
                "Operation {} is {status} and can no longer be canceled.",
                self.handle
            ))),
        }
    }

    /// Close it: stop any work and release everything it holds.
    pub fn close(&self) {
        self.transition(OperationStatus::Closed);
    }

    /// The result to page through: `Ok(None)` while it is not ready yet, an
    /// error when the operation failed, was stopped or closed.
    pub fn fetchable_result(&self) -> Result<Option<Arc<ResultSet>>> {
        let state = self.lock();
        match state.status {
            OperationStatus::Initialized | OperationStatus::Pending | OperationStatus::Running => Ok(None),
            OperationStatus::Finished => Ok(state.result.clone()),
            OperationStatus::Error | OperationStatus::Timeout => Err(state
                .error
                .clone()
                .unwrap_or_else(|| GatewayError::Internal(format!("Operation {} failed.", self.handle)))),
            OperationStatus::Canceled => Err(GatewayError::Conflict(format!(
                "Can not fetch results from the operation {} in CANCELED status.",
                self.handle
            ))),
            OperationStatus::Closed => Err(GatewayError::OperationNotFound(self.handle)),
        }
    }

    /// Adopt the log the statement's work writes to (a job's), keeping the
    /// lines written so far in front of it.
    pub fn set_log(&self, log: Arc<OperationLog>) {
        let mut current = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.prepend(current.lines());
        *current = log;
    }

    /// The operation's log.
    pub fn log(&self) -> Arc<OperationLog> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Status and progress.
    pub fn info(&self) -> OperationInfo {
        let state = self.lock();
        let ring = state.result.as_ref().map(|r| (r.ring().stats(), r.rows_fetched()));
        let (stats, fetched) = ring.unwrap_or_default();
        let ended = state.ended.unwrap_or_else(Instant::now);
        OperationInfo {
            status: state.status,
            rows_produced: stats.rows_produced,
            rows_fetched: fetched,
            buffered_rows: stats.buffered_rows as u64,
            buffered_bytes: stats.buffered_bytes as u64,
            elapsed_ms: ended.saturating_duration_since(self.submitted).as_millis() as u64,
            done: state.status.is_terminal() && !state.streaming,
            waiting_for_reader: stats.producer_waiting,
            error: state.error.as_ref().map(ToString::to_string),
            created_at: self.created,
            started_at: state.started_at,
            ended_at: state.ended_at,
        }
    }

    /// No more work will happen and every row was handed out: evicting it
    /// loses nothing a client could still page to.
    pub fn is_complete(&self) -> bool {
        let state = self.lock();
        let drained = state.result.as_ref().is_none_or(|r| r.ring().is_drained());
        state.status.is_terminal() && !state.streaming && drained
    }
}

/// The first line of a statement, cut to a loggable length.
pub fn first_line(statement: &str) -> String {
    let line = statement.trim().lines().next().unwrap_or_default();
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}
