//! What a pool runs queries with, and the admission of one query: a slot
//! among the pool's `max_concurrent` (waiting in its queue for one), its
//! runtime (the memory limit), its busy time when it ends.
//!
//! An [`Admission`] is held for as long as the query's work exists: by the
//! row stream of a query, and, as an extension of the session state it was
//! planned with, by an INSERT's background job. Dropping it frees the slot
//! and books the query's time on the pool.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::{GreedyMemoryPool, TrackConsumersPool};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::session_state::{SessionState, SessionStateBuilder};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::config::PoolConfig;
use crate::error::{GatewayError, Result};
use crate::store::PoolMinute;

/// The running side of a pool with one preset: rebuilt when the preset changes
/// (queries already admitted finish on the old one).
#[derive(Debug)]
pub struct PoolEngine {
    /// The preset it was built from.
    pub config: PoolConfig,
    /// Memory pool (the limit) and a disk manager that refuses to spill, so
    /// the limit is a limit.
    runtime: Arc<RuntimeEnv>,
    /// One permit per query that may run at once.
    slots: Arc<Semaphore>,
    /// Queries waiting for a slot now.
    waiting: AtomicUsize,
}

impl PoolEngine {
    /// A fresh engine for `config`.
    pub fn new(config: PoolConfig) -> Result<Self> {
        // The five largest consumers are named in an out-of-memory error.
        let memory = TrackConsumersPool::new(GreedyMemoryPool::new(config.memory_limit), NonZeroUsize::new(5).expect("5 > 0"));
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(memory))
            .with_disk_manager_builder(DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled))
            .build_arc()
            .map_err(|e| GatewayError::Internal(format!("engine pool runtime: {e}")))?;
        let slots = Arc::new(Semaphore::new(config.max_concurrent));
        Ok(PoolEngine { config, runtime, slots, waiting: AtomicUsize::new(0) })
    }

    /// Queries running and waiting now.
    pub fn load(&self) -> (usize, usize) {
        let running = self.config.max_concurrent.saturating_sub(self.slots.available_permits());
        (running, self.waiting.load(Ordering::Relaxed))
    }

    /// Bytes reserved by the pool's running queries now.
    pub fn reserved_bytes(&self) -> usize {
        self.runtime.memory_pool.reserved()
    }

    /// Wait for a slot (in arrival order), or refuse when the queue is full.
    pub(super) async fn slot(self: &Arc<Self>, pool: &str) -> Result<OwnedSemaphorePermit> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let queued = self.waiting.fetch_add(1, Ordering::AcqRel);
        // Counted out again however the wait ends (a slot, or the statement cancelled).
        let _waiting = Waiting(self);
        if queued >= self.config.max_queued {
            return Err(GatewayError::LimitExceeded(format!(
                "Virtual warehouse '{pool}' is full: {} queries running and {queued} waiting (its configuration allows {} and {}). Try again later or use a larger configuration.",
                self.config.max_concurrent, self.config.max_concurrent, self.config.max_queued
            )));
        }
        self.slots.clone().acquire_owned().await.map_err(|_| GatewayError::Unavailable(format!("Virtual warehouse '{pool}' was removed.")))
    }
}

struct Waiting<'a>(&'a PoolEngine);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Busy minutes by pool and minute start.
pub type Minutes = BTreeMap<(String, i64), PoolMinute>;

/// Add `m` to the minute of `pool` in `minutes`.
pub fn add_minute(minutes: &mut Minutes, pool: String, m: PoolMinute) {
    let entry = minutes.entry((pool, m.minute)).or_insert(PoolMinute { minute: m.minute, busy_ms: 0, queries: 0 });
    entry.busy_ms += m.busy_ms;
    entry.queries += m.queries;
}

/// Busy time booked per pool and minute, not yet written to the store.
#[derive(Debug, Default)]
pub struct UsageBook {
    /// `(pool, minute) → busy time` since the last write.
    pending: Mutex<Minutes>,
}

impl UsageBook {
    /// Book a query of `pool` that ran from `start` to `end` (ms since the
    /// epoch): its time split over the minutes it spans, the query counted
    /// in the minute it ended.
    pub fn book(&self, pool: &str, start: i64, end: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let mut at = start.min(end);
        loop {
            let minute = at - at.rem_euclid(60_000);
            let until = (minute + 60_000).min(end);
            let entry = pending.entry((pool.to_string(), minute)).or_insert(PoolMinute { minute, busy_ms: 0, queries: 0 });
            entry.busy_ms += until - at;
            if until >= end {
                entry.queries += 1;
                break;
            }
            at = until;
        }
    }

    /// Everything booked since the last call.
    pub fn take(&self) -> Vec<(String, PoolMinute)> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        pending.into_iter().map(|((pool, _), minute)| (pool, minute)).collect()
    }

    /// What is booked and not yet written, for `pool` (all when `None`) in `[from, to)`.
    pub fn pending(&self, pool: Option<&str>, from: i64, to: i64) -> Vec<(String, PoolMinute)> {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.iter().filter(|((p, m), _)| pool.is_none_or(|n| n == p) && *m >= from && *m < to).map(|((p, _), m)| (p.clone(), *m)).collect()
    }

    /// Put back what could not be written, to try again.
    pub fn restore(&self, usage: Vec<(String, PoolMinute)>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        for (pool, m) in usage {
            add_minute(&mut pending, pool, m);
        }
    }
}

/// One query's hold on a pool.
#[derive(Debug)]
pub struct Admission {
    /// The pool's name, for its usage and messages.
    pub pool: String,
    /// The engine it runs on.
    engine: Arc<PoolEngine>,
    /// Its slot, freed on drop.
    _slot: OwnedSemaphorePermit,
    /// When it was admitted (ms since the epoch), for its busy time.
    started_ms: i64,
    /// Where its busy time is booked.
    usage: Arc<UsageBook>,
    /// The pool's last activity, moved to now on drop (auto-suspend counts from it).
    last_active: Arc<Mutex<Instant>>,
    /// Woken on drop: the pool may have become idle.
    idle: Arc<tokio::sync::Notify>,
}

impl Admission {
    pub(super) fn new(pool: String, engine: Arc<PoolEngine>, slot: OwnedSemaphorePermit, usage: Arc<UsageBook>, last_active: Arc<Mutex<Instant>>, idle: Arc<tokio::sync::Notify>) -> Self {
        Admission { pool, engine, _slot: slot, started_ms: crate::store::now_ms(), usage, last_active, idle }
    }

    /// The preset the query runs with.
    pub fn config(&self) -> &PoolConfig {
        &self.engine.config
    }

    /// `state` running on this pool: its runtime (memory limit), its
    /// partitions, and this admission carried along, so whatever holds the
    /// state (a background job) holds the slot.
    pub fn state_for(self: &Arc<Self>, state: SessionState) -> SessionState {
        let mut state = SessionStateBuilder::new_from_existing(state).with_runtime_env(self.engine.runtime.clone()).build();
        state.config_mut().options_mut().execution.target_partitions = self.engine.config.target_partitions;
        state.config_mut().set_extension(self.clone());
        state
    }

    /// A failure of the query, naming the pool when it ran out of memory.
    pub fn explain(&self, error: GatewayError) -> GatewayError {
        match error {
            // The query cannot fit: a failure of the statement, not a limit worth retrying.
            GatewayError::Sql(message) | GatewayError::LimitExceeded(message) if message.contains("Resources exhausted") => GatewayError::Sql(format!(
                "Virtual warehouse '{}' ran out of memory (its configuration '{}' allows {} MiB for running queries): {message}",
                self.pool,
                self.engine.config.name,
                self.engine.config.memory_limit / (1024 * 1024)
            )),
            other => other,
        }
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.usage.book(&self.pool, self.started_ms, crate::store::now_ms().max(self.started_ms));
        *self.last_active.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.idle.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_time_is_split_over_minutes() {
        let book = UsageBook::default();
        book.book("p", 59_000, 121_000);
        book.book("p", 61_000, 62_000);
        let mut usage = book.take();
        usage.sort();
        let minutes: Vec<(i64, i64, i64)> = usage.iter().map(|(_, m)| (m.minute, m.busy_ms, m.queries)).collect();
        assert_eq!(minutes, [(0, 1_000, 0), (60_000, 61_000, 1), (120_000, 1_000, 1)]);
        assert!(book.take().is_empty());
    }

    #[tokio::test]
    async fn a_full_queue_refuses_and_a_freed_slot_admits_the_next() {
        let config = PoolConfig { id: 9, name: "tiny".into(), target_partitions: 1, memory_limit: 1 << 20, max_concurrent: 1, max_queued: 1 };
        let engine = Arc::new(PoolEngine::new(config).unwrap());
        let first = engine.slot("p").await.unwrap();
        let waiter = tokio::spawn({
            let engine = engine.clone();
            async move { engine.slot("p").await.map(|_| ()) }
        });
        while engine.load().1 == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(engine.load(), (1, 1));
        let refused = engine.slot("p").await.unwrap_err();
        assert!(matches!(refused, GatewayError::LimitExceeded(ref m) if m.contains("is full")), "{refused:?}");
        drop(first);
        waiter.await.unwrap().unwrap();
        assert_eq!(engine.load(), (0, 0));
    }
}
