//! Every live session, the session limit, and idle expiry.
//!
//! Expiry follows mini-redis: each session has a deadline (last access +
//! idle timeout) kept in a `BTreeSet<(Instant, Uuid)>` ordered by time, so a
//! sweep reads only the expired front of the set. Any request that names a
//! session moves its deadline; the sweeper task wakes every check interval.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::Session;
use crate::engine::{EngineShared, SessionEngine};
use crate::error::{GatewayError, Result};
use crate::identity::User;
use crate::metrics::Metrics;
use crate::result::ResultLimits;

/// Session limits and expiry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// A session unused this long is closed; zero disables expiry.
    pub idle_timeout: Duration,
    /// How often idle sessions are looked for; zero disables expiry.
    pub check_interval: Duration,
    /// Most live sessions; zero means no limit.
    pub max_sessions: usize,
    /// Most live operations per session.
    pub max_operations: usize,
    /// An operation nobody asked about this long is closed; zero disables.
    pub operation_idle_timeout: Duration,
    /// Longest statement text accepted, in bytes.
    pub max_statement_bytes: usize,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            idle_timeout: Duration::from_secs(600),
            check_interval: Duration::from_secs(60),
            max_sessions: 1_000_000,
            max_operations: 1_000,
            operation_idle_timeout: Duration::from_secs(30 * 60),
            max_statement_bytes: 1 << 20,
        }
    }
}

/// A live session and its expiry deadline.
struct Entry {
    /// The session.
    session: Arc<Session>,
    /// When it expires unless used; `None` when expiry is off.
    deadline: Option<Instant>,
    /// How long it may stay unused: the gateway's idle timeout unless the
    /// session asked for its own ([`SessionRegistry::set_idle_timeout`]).
    idle_timeout: Duration,
}

/// Move `entry`'s place in the expiry queue to `deadline` (none: it never expires).
fn reschedule(deadlines: &mut BTreeSet<(Instant, Uuid)>, entry: &mut Entry, handle: Uuid, deadline: Option<Instant>) {
    if let Some(old) = entry.deadline.take() {
        deadlines.remove(&(old, handle));
    }
    entry.deadline = deadline;
    if let Some(deadline) = deadline {
        deadlines.insert((deadline, handle));
    }
}

#[derive(Default)]
struct State {
    /// Live sessions.
    sessions: HashMap<Uuid, Entry>,
    /// Deadlines in time order, for the sweeper.
    deadlines: BTreeSet<(Instant, Uuid)>,
    /// The gateway is shutting down: no new sessions.
    closing: bool,
}

/// The live sessions of the gateway.
pub struct SessionRegistry {
    /// Sessions and deadlines.
    state: Mutex<State>,
    /// Limits and expiry settings.
    limits: SessionLimits,
    /// Properties every session starts from.
    defaults: Arc<BTreeMap<String, String>>,
    /// Bounds of each operation's result buffer.
    result_limits: ResultLimits,
    /// Gateway counters, handed to every session.
    metrics: Arc<Metrics>,
    /// Jobs and data roots, handed to every session's engine.
    shared: Arc<EngineShared>,
}

impl SessionRegistry {
    /// An empty registry.
    pub fn new(limits: SessionLimits, defaults: BTreeMap<String, String>, result_limits: ResultLimits, metrics: Arc<Metrics>, shared: Arc<EngineShared>) -> Self {
        SessionRegistry {
            state: Mutex::new(State::default()),
            limits,
            defaults: Arc::new(defaults),
            result_limits,
            metrics,
            shared,
        }
    }

    /// Every live session.
    pub fn all(&self) -> Vec<Arc<Session>> {
        self.lock().sessions.values().map(|e| e.session.clone()).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The deadline of a session used now that may stay unused `timeout`;
    /// none when it never expires (zero), nothing sweeps, or the timeout
    /// lies beyond what the clock can represent (a client may ask for any).
    fn deadline_after(&self, timeout: Duration) -> Option<Instant> {
        if timeout.is_zero() || self.limits.check_interval.is_zero() {
            return None;
        }
        Instant::now().checked_add(timeout)
    }

    /// The properties every session starts from.
    pub fn defaults(&self) -> &BTreeMap<String, String> {
        &self.defaults
    }

    /// Open a session with `properties` over the defaults.
    pub fn open(&self, owner: User, name: Option<String>, properties: BTreeMap<String, String>) -> Result<Arc<Session>> {
        {
            let state = self.lock();
            if state.closing {
                return Err(GatewayError::ShuttingDown);
            }
            if self.limits.max_sessions > 0 && state.sessions.len() >= self.limits.max_sessions {
                return Err(GatewayError::LimitExceeded(format!(
                    "Failed to create session, the count of active sessions exceeds the max count: {}",
                    self.limits.max_sessions
                )));
            }
        }
        let engine = SessionEngine::new(self.defaults.clone(), properties, self.shared.clone())?.owned_by(&owner.name);
        let session = Session::open(owner, name, engine, self.limits, self.result_limits, self.metrics.clone());
        let mut state = self.lock();
        if self.limits.max_sessions > 0 && state.sessions.len() >= self.limits.max_sessions {
            drop(state);
            session.close();
            return Err(GatewayError::LimitExceeded(format!(
                "Failed to create session, the count of active sessions exceeds the max count: {}",
                self.limits.max_sessions
            )));
        }
        let deadline = self.deadline_after(self.limits.idle_timeout);
        if let Some(deadline) = deadline {
            state.deadlines.insert((deadline, session.handle));
        }
        state.sessions.insert(session.handle, Entry { session: session.clone(), deadline, idle_timeout: self.limits.idle_timeout });
        tracing::info!(session = %session.handle, name = ?session.name, user = %session.owner, "session opened");
        Ok(session)
    }

    /// A live session `caller` may use, its idle deadline moved forward.
    /// Another user's session reads as unknown: whether it exists is not told.
    pub fn get(&self, caller: &User, handle: Uuid) -> Result<Arc<Session>> {
        let mut guard = self.lock();
        let state = &mut *guard;
        let entry = state
            .sessions
            .get_mut(&handle)
            .filter(|e| caller.may_access(&e.session.owner))
            .ok_or(GatewayError::SessionNotFound(handle))?;
        entry.session.touch();
        reschedule(&mut state.deadlines, entry, handle, self.deadline_after(entry.idle_timeout));
        Ok(entry.session.clone())
    }

    /// Give a session `caller` may use an idle timeout of its own (zero:
    /// it never expires), counted from now. Sessions are swept every check
    /// interval, so it ends at most that much later than its deadline.
    pub fn set_idle_timeout(&self, caller: &User, handle: Uuid, timeout: Duration) -> Result<()> {
        let mut guard = self.lock();
        let state = &mut *guard;
        let entry = state
            .sessions
            .get_mut(&handle)
            .filter(|e| caller.may_access(&e.session.owner))
            .ok_or(GatewayError::SessionNotFound(handle))?;
        entry.idle_timeout = timeout;
        reschedule(&mut state.deadlines, entry, handle, self.deadline_after(timeout));
        Ok(())
    }

    /// Every live session `caller` may see: its own, or all for an admin.
    pub fn visible_to(&self, caller: &User) -> Vec<Arc<Session>> {
        self.lock().sessions.values().filter(|e| caller.may_access(&e.session.owner)).map(|e| e.session.clone()).collect()
    }

    /// Close a session `caller` may use, and everything it runs.
    pub fn close(&self, caller: &User, handle: Uuid) -> Result<()> {
        let session = {
            let mut state = self.lock();
            if !state.sessions.get(&handle).is_some_and(|e| caller.may_access(&e.session.owner)) {
                return Err(GatewayError::SessionNotFound(handle));
            }
            let entry = state.sessions.remove(&handle).ok_or(GatewayError::SessionNotFound(handle))?;
            if let Some(deadline) = entry.deadline {
                state.deadlines.remove(&(deadline, handle));
            }
            entry.session
        };
        session.close();
        tracing::info!(session = %handle, "session closed");
        Ok(())
    }

    /// Close every session whose deadline is not after `now`; returns how many.
    pub fn purge_expired(&self, now: Instant) -> usize {
        let expired: Vec<Arc<Session>> = {
            let mut state = self.lock();
            let mut expired = Vec::new();
            while let Some(&(deadline, handle)) = state.deadlines.first() {
                if deadline > now {
                    break;
                }
                state.deadlines.pop_first();
                if let Some(entry) = state.sessions.remove(&handle) {
                    expired.push(entry.session);
                }
            }
            expired
        };
        for session in &expired {
            session.close();
            tracing::info!(session = %session.handle, "session expired");
        }
        expired.len()
    }

    /// Close the operations of every session that nobody asked about for
    /// the operation idle timeout; returns how many.
    pub fn purge_idle_operations(&self, now: Instant) -> usize {
        let Some(since) = now.checked_sub(self.limits.operation_idle_timeout) else { return 0 };
        self.all().iter().map(|s| s.close_idle_operations(since)).sum()
    }

    /// Every check interval until `shutdown`: close idle sessions and
    /// operations nobody comes back for.
    pub async fn run_expiry(self: Arc<Self>, shutdown: CancellationToken) {
        let sweep_operations = !self.limits.operation_idle_timeout.is_zero();
        // A session may ask for its own timeout, so the sweep runs whenever there is an interval.
        if self.limits.check_interval.is_zero() {
            return;
        }
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(self.limits.check_interval) => {
                    let now = Instant::now();
                    self.purge_expired(now);
                    if sweep_operations {
                        self.purge_idle_operations(now);
                    }
                }
            }
        }
    }

    /// Refuse new sessions and cancel every running operation.
    pub fn shut_down(&self) {
        let sessions: Vec<Arc<Session>> = {
            let mut state = self.lock();
            state.closing = true;
            state.sessions.values().map(|e| e.session.clone()).collect()
        };
        for session in sessions {
            session.cancel_all();
        }
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.lock().sessions.len()
    }

    /// No live session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
