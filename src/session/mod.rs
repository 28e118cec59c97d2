//! Sessions: who runs statements, with which properties and catalog.
//!
//! A [`Session`] owns a [`SessionEngine`] (its DataFusion context), its live
//! operations and a queue on which its statements are planned one at a time,
//! in submission order. Different sessions have different queues and never
//! wait for each other. The [`registry`] holds every live session, enforces the
//! session limit and expires idle ones.

pub mod registry;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::mpsc;
use uuid::Uuid;

use crate::engine::{SessionEngine, StatementOptions};
use crate::error::{GatewayError, Result};
use crate::identity::User;
use crate::metrics::Metrics;
use crate::operation::{task, Operation};
use crate::result::ResultLimits;

pub use registry::{SessionLimits, SessionRegistry};

/// How many closed operation handles a session remembers, so that closing
/// one again answers CLOSED instead of "not found".
const REMEMBERED_CLOSED: usize = 1024;

/// A statement waiting for its turn on the session's queue.
struct Job {
    /// The operation to run.
    op: Arc<Operation>,
    /// Its per-statement options.
    options: StatementOptions,
}

/// Live and recently closed operations of a session.
#[derive(Default)]
struct Operations {
    /// Live operations by handle.
    live: HashMap<Uuid, Arc<Operation>>,
    /// Live handles in submission order: the oldest completed ones are evicted
    /// first when the per-session limit is reached.
    order: VecDeque<Uuid>,
    /// Handles closed recently.
    closed: HashSet<Uuid>,
    /// `closed` in closing order, to forget the oldest.
    closed_order: VecDeque<Uuid>,
}

impl Operations {
    fn remember_closed(&mut self, handle: Uuid) {
        if self.closed.insert(handle) {
            self.closed_order.push_back(handle);
            while self.closed_order.len() > REMEMBERED_CLOSED {
                if let Some(old) = self.closed_order.pop_front() {
                    self.closed.remove(&old);
                }
            }
        }
    }

    fn remove(&mut self, handle: Uuid) -> Option<Arc<Operation>> {
        let op = self.live.remove(&handle)?;
        self.order.retain(|h| *h != handle);
        self.remember_closed(handle);
        Some(op)
    }

    /// Close the oldest operation that has nothing left to give.
    fn evict_one(&mut self) -> bool {
        let Some(handle) = self.order.iter().copied().find(|h| self.live.get(h).is_some_and(|op| op.is_complete())) else {
            return false;
        };
        if let Some(op) = self.remove(handle) {
            op.close();
        }
        true
    }
}

/// One client session.
pub struct Session {
    /// The handle clients name it by.
    pub handle: Uuid,
    /// The name given at open; only stored.
    pub name: Option<String>,
    /// Whom the session belongs to: only they (and admins) may use it.
    pub owner: User,
    /// The session's SQL engine and properties.
    engine: Arc<SessionEngine>,
    /// Its operations.
    operations: Mutex<Operations>,
    /// Feeds the session's serial queue; `None` once the session is closed.
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
    /// Most operations kept at once, longest statement.
    limits: SessionLimits,
    /// Where its statements are counted.
    metrics: Arc<Metrics>,
    /// Wall-clock opening time, for listings.
    pub opened_at: SystemTime,
    /// When a request last named it, for idle times in listings.
    last_access: Mutex<Instant>,
    /// Operations ever submitted (closed ones included).
    submitted: AtomicU64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("handle", &self.handle).field("name", &self.name).finish()
    }
}

impl Session {
    /// Open a session and start its queue.
    pub fn open(owner: User, name: Option<String>, engine: SessionEngine, limits: SessionLimits, result_limits: ResultLimits, metrics: Arc<Metrics>) -> Arc<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        let engine = Arc::new(engine);
        tokio::spawn(run_queue(rx, engine.clone(), result_limits));
        Arc::new(Session {
            handle: Uuid::new_v4(),
            name,
            owner,
            engine,
            operations: Mutex::new(Operations::default()),
            queue: Mutex::new(Some(tx)),
            limits,
            metrics,
            opened_at: SystemTime::now(),
            last_access: Mutex::new(Instant::now()),
            submitted: AtomicU64::new(0),
        })
    }

    /// A request named the session.
    pub fn touch(&self) {
        *self.last_access.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// How long nobody named the session.
    pub fn idle_for(&self) -> Duration {
        self.last_access.lock().unwrap_or_else(|e| e.into_inner()).elapsed()
    }

    /// Operations ever submitted to it.
    pub fn operations_submitted(&self) -> u64 {
        self.submitted.load(Ordering::Relaxed)
    }

    /// Its live operations, oldest first.
    pub fn operations(&self) -> Vec<Arc<Operation>> {
        let ops = self.ops();
        ops.order.iter().filter_map(|h| ops.live.get(h).cloned()).collect()
    }

    /// A live operation without touching it (listings, lookups by handle).
    pub fn peek_operation(&self, handle: Uuid) -> Option<Arc<Operation>> {
        self.ops().live.get(&handle).cloned()
    }

    fn ops(&self) -> std::sync::MutexGuard<'_, Operations> {
        self.operations.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session's engine (properties, catalog).
    pub fn engine(&self) -> &Arc<SessionEngine> {
        &self.engine
    }

    /// Queue a statement. It runs after every statement submitted before it.
    pub fn submit(&self, statement: String, timeout: Option<Duration>, options: StatementOptions) -> Result<Arc<Operation>> {
        if statement.len() > self.limits.max_statement_bytes {
            return Err(GatewayError::StatementTooLong { size: statement.len(), limit: self.limits.max_statement_bytes });
        }
        let op = Operation::new(statement, self.metrics.clone());
        let max_operations = self.limits.max_operations.max(1);
        {
            let mut ops = self.ops();
            while ops.live.len() >= max_operations {
                if !ops.evict_one() {
                    return Err(GatewayError::LimitExceeded(format!(
                        "Session {} already holds {} open operations (the limit); close some first.",
                        self.handle, max_operations
                    )));
                }
            }
            let queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            let Some(queue) = queue.as_ref() else {
                return Err(GatewayError::SessionNotFound(self.handle));
            };
            op.transition(crate::operation::OperationStatus::Pending);
            queue
                .send(Job { op: op.clone(), options })
                .map_err(|_| GatewayError::SessionNotFound(self.handle))?;
            ops.live.insert(op.handle, op.clone());
            ops.order.push_back(op.handle);
        }
        self.submitted.fetch_add(1, Ordering::Relaxed);
        tracing::info!(session = %self.handle, operation = %op.handle, statement = %abbreviate(&op.statement), "statement submitted");
        if let Some(timeout) = timeout {
            tokio::spawn(task::watchdog(op.clone(), timeout));
        }
        Ok(op)
    }

    /// A live operation, marked as still wanted.
    pub fn operation(&self, handle: Uuid) -> Result<Arc<Operation>> {
        let op = self.ops().live.get(&handle).cloned().ok_or(GatewayError::OperationNotFound(handle))?;
        op.touch();
        Ok(op)
    }

    /// Close the operations nobody asked about since `since`; returns how many.
    pub fn close_idle_operations(&self, since: Instant) -> usize {
        let idle: Vec<Arc<Operation>> = {
            let mut ops = self.ops();
            let handles: Vec<Uuid> = ops.order.iter().copied().filter(|h| ops.live.get(h).is_some_and(|op| op.idle_since(since))).collect();
            handles.into_iter().filter_map(|h| ops.remove(h)).collect()
        };
        for op in &idle {
            tracing::info!(session = %self.handle, operation = %op.handle, "operation expired: nobody fetched it");
            op.close();
        }
        idle.len()
    }

    /// Close an operation and forget it. Closing it again is fine.
    pub fn close_operation(&self, handle: Uuid) -> Result<()> {
        let mut ops = self.ops();
        if let Some(op) = ops.remove(handle) {
            drop(ops);
            op.close();
            return Ok(());
        }
        if ops.closed.contains(&handle) { Ok(()) } else { Err(GatewayError::OperationNotFound(handle)) }
    }

    /// Close the session: stop its queue and close every operation.
    pub fn close(&self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).take();
        let ops: Vec<Arc<Operation>> = {
            let mut ops = self.ops();
            ops.order.clear();
            ops.live.drain().map(|(_, op)| op).collect()
        };
        for op in ops {
            op.close();
        }
    }

    /// Cancel every running operation (gateway shutdown).
    pub fn cancel_all(&self) {
        for op in self.ops().live.values() {
            let _ = op.request_cancel();
        }
    }

    /// Status and progress of every live operation.
    pub fn operation_infos(&self) -> Vec<crate::operation::OperationInfo> {
        let ops: Vec<Arc<Operation>> = self.ops().live.values().cloned().collect();
        ops.iter().map(|op| op.info()).collect()
    }
}

/// The session's serial queue: plans each statement in turn.
async fn run_queue(mut rx: mpsc::UnboundedReceiver<Job>, engine: Arc<SessionEngine>, limits: ResultLimits) {
    while let Some(job) = rx.recv().await {
        task::execute(job.op, engine.clone(), job.options, limits).await;
    }
}

/// The first line of a statement, cut to a loggable length.
fn abbreviate(statement: &str) -> String {
    let line = statement.trim().lines().next().unwrap_or_default();
    match line.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}
