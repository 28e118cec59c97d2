//! Engine pools: named groups of query resources every protocol may run
//! its queries on (the ByteHouse API's virtual warehouses). A session picks
//! one with the property `sluicegate.vw` (a statement with its
//! `executionConfig`, a ByteHouse query with `vwID`); without one, queries
//! run on the gateway's shared engine, unlimited as before.
//!
//! A pool is a definition ([`StoredPool`], durable in the metadata store)
//! and a [`PoolEngine`] built from its size preset ([`config`]): its own
//! DataFusion runtime whose memory pool caps what its queries reserve
//! together, its query parallelism, and a queue in front of its
//! `max_concurrent` slots. A pool that is `down` refuses queries unless it
//! resumes on the first one (`auto_resume`); one idle for `auto_suspend`
//! minutes goes down by itself ([`Pools::run`]). Busy time is booked per
//! minute as queries end and written to the store every few seconds.
//!
//! - [`config`]: size presets; [`admission`]: slots, runtime, busy time.

pub mod admission;
pub mod config;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use admission::{add_minute, Admission, Minutes, PoolEngine, UsageBook};
pub use config::PoolConfig;

use crate::error::{GatewayError, Result};
use crate::store::{now_ms, MetadataStore, PoolChange, PoolMinute, StoredPool};

/// The session property naming the pool a session's queries run on.
pub const POOL_PROPERTY: &str = "sluicegate.vw";

/// How often booked busy time is written to the store.
const USAGE_FLUSH: Duration = Duration::from_secs(5);

/// Busy minutes kept in memory when there is no store to write them to.
const MEMORY_USAGE_MINUTES: i64 = 7 * 24 * 60;

/// One pool: its definition and what it runs with.
#[derive(Debug)]
struct Pool {
    /// What clients see and change; durable.
    definition: StoredPool,
    /// Slots, memory, partitions of its preset.
    engine: Arc<PoolEngine>,
    /// When a query last ended or the pool came up (auto-suspend counts from it).
    last_active: Arc<Mutex<Instant>>,
}

/// A pool as listed: its definition, preset and load now.
#[derive(Debug, Clone)]
pub struct PoolView {
    /// The durable definition.
    pub definition: StoredPool,
    /// Its public id, `vw-<number>-<name>`.
    pub id: String,
    /// The preset it runs with.
    pub config: PoolConfig,
    /// Queries running now.
    pub running: usize,
    /// Queries waiting for a slot now.
    pub queued: usize,
    /// Bytes its running queries hold now.
    pub reserved_bytes: usize,
}

/// Changes to a pool's definition; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PoolPatch {
    /// New description.
    pub description: Option<String>,
    /// New preset.
    pub config_id: Option<i64>,
    /// `up` or `down`.
    pub status: Option<String>,
    /// Idle minutes before it goes down (0 = never).
    pub auto_suspend: Option<i64>,
    /// Whether a query brings it up.
    pub auto_resume: Option<bool>,
}

/// Every pool of the gateway.
#[derive(Debug)]
pub struct Pools {
    /// Where definitions and usage are kept; `None`: in memory only.
    store: Option<Arc<dyn MetadataStore>>,
    /// The size presets, by id.
    configs: BTreeMap<i64, PoolConfig>,
    /// Pools by name.
    pools: RwLock<BTreeMap<String, Pool>>,
    /// Changes queue here, so a change's store write and memory update are one step.
    writing: tokio::sync::Mutex<()>,
    /// Busy time not yet written (all of it, without a store).
    usage: Arc<UsageBook>,
    /// Busy minutes without a store: kept here instead.
    memory_usage: Mutex<Minutes>,
    /// Woken when a query ends or a pool changes: the suspend deadline may have moved.
    changed: Arc<Notify>,
}

/// The public id of a pool.
pub fn pool_id(definition: &StoredPool) -> String {
    format!("vw-{}-{}", definition.number, definition.name)
}

/// A pool name: 1–31 characters of `[a-z0-9_]`, a lower-case letter first,
/// a letter or digit last.
fn check_name(name: &str) -> Result<()> {
    let ok = (1..=31).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(GatewayError::bad_request(format!(
            "Invalid virtual warehouse name '{name}': 1 to 31 characters of a-z, 0-9 and _, starting with a lower-case letter and ending with a letter or digit."
        )))
    }
}

fn check_status(status: &str) -> Result<String> {
    match status.trim().to_ascii_lowercase().as_str() {
        s @ ("up" | "down") => Ok(s.to_string()),
        _ => Err(GatewayError::bad_request(format!("Invalid status '{status}': use up or down."))),
    }
}

fn check_suspend(minutes: i64) -> Result<i64> {
    if minutes < 0 {
        return Err(GatewayError::bad_request(format!("autoSuspend is minutes (0 = never), not {minutes}.")));
    }
    Ok(minutes)
}

impl Pools {
    /// No pools yet; presets are the built-in ones plus `operator_configs`.
    pub fn new(store: Option<Arc<dyn MetadataStore>>, operator_configs: &[PoolConfig]) -> Self {
        Pools {
            store,
            configs: config::merged(operator_configs),
            pools: RwLock::new(BTreeMap::new()),
            writing: tokio::sync::Mutex::new(()),
            usage: Arc::new(UsageBook::default()),
            memory_usage: Mutex::new(BTreeMap::new()),
            changed: Arc::new(Notify::new()),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Pool>> {
        self.pools.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Pool>> {
        self.pools.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Read the stored pools; run once at start. A pool whose preset is no
    /// longer configured runs with the smallest one (and says so in the log).
    pub async fn load(&self) -> Result<usize> {
        let Some(store) = &self.store else { return Ok(0) };
        let stored = store.pools().await?;
        let mut pools = BTreeMap::new();
        for definition in stored {
            let config = match self.configs.get(&definition.config_id) {
                Some(config) => config.clone(),
                None => {
                    tracing::warn!(pool = %definition.name, config_id = definition.config_id, "virtual warehouse configuration no longer exists; using the smallest");
                    self.configs.values().next().cloned().ok_or_else(|| GatewayError::Internal("no pool presets".into()))?
                }
            };
            let pool = Pool { engine: Arc::new(PoolEngine::new(config)?), definition, last_active: Arc::new(Mutex::new(Instant::now())) };
            pools.insert(pool.definition.name.clone(), pool);
        }
        let count = pools.len();
        *self.write() = pools;
        Ok(count)
    }

    /// Every preset, by id.
    pub fn configs(&self) -> Vec<PoolConfig> {
        self.configs.values().cloned().collect()
    }

    fn view(pool: &Pool) -> PoolView {
        let (running, queued) = pool.engine.load();
        PoolView {
            id: pool_id(&pool.definition),
            definition: pool.definition.clone(),
            config: pool.engine.config.clone(),
            running,
            queued,
            reserved_bytes: pool.engine.reserved_bytes(),
        }
    }

    /// Every pool, by name.
    pub fn list(&self) -> Vec<PoolView> {
        self.read().values().map(Self::view).collect()
    }

    /// The name of the pool `name_or_id` names (its name, or its `vw-N-name` id).
    pub fn resolve(&self, name_or_id: &str) -> Result<String> {
        let wanted = name_or_id.trim();
        let pools = self.read();
        if pools.contains_key(wanted) {
            return Ok(wanted.to_string());
        }
        pools
            .values()
            .find(|p| pool_id(&p.definition) == wanted)
            .map(|p| p.definition.name.clone())
            .ok_or_else(|| GatewayError::NotFound(format!("Virtual warehouse '{wanted}' does not exist.")))
    }

    /// One pool by name or id.
    pub fn get(&self, name_or_id: &str) -> Result<PoolView> {
        let name = self.resolve(name_or_id)?;
        self.read().get(&name).map(Self::view).ok_or_else(|| GatewayError::NotFound(format!("Virtual warehouse '{name}' does not exist.")))
    }

    fn config(&self, id: i64) -> Result<PoolConfig> {
        self.configs.get(&id).cloned().ok_or_else(|| {
            let known: Vec<String> = self.configs.keys().map(|k| k.to_string()).collect();
            GatewayError::bad_request(format!("Virtual warehouse configuration {id} does not exist: use one of {}.", known.join(", ")))
        })
    }

    async fn persist(&self, change: PoolChange) -> Result<()> {
        match &self.store {
            Some(store) => store.change_pool(&change).await,
            None => Ok(()),
        }
    }

    /// Create a pool owned by `owner` (`number` and times are given here).
    pub async fn create(&self, owner: &str, mut definition: StoredPool) -> Result<PoolView> {
        check_name(&definition.name)?;
        definition.status = check_status(&definition.status)?;
        definition.auto_suspend = check_suspend(definition.auto_suspend)?;
        let config = self.config(definition.config_id)?;
        let _writing = self.writing.lock().await;
        if self.read().contains_key(&definition.name) {
            return Err(GatewayError::Conflict(format!("Virtual warehouse '{}' already exists.", definition.name)));
        }
        definition.number = self.read().values().map(|p| p.definition.number).max().unwrap_or(0) + 1;
        definition.owner = owner.to_string();
        definition.created_at = now_ms();
        definition.modified_at = definition.created_at;
        self.persist(PoolChange::Put(definition.clone())).await?;
        let pool = Pool { engine: Arc::new(PoolEngine::new(config)?), definition, last_active: Arc::new(Mutex::new(Instant::now())) };
        let view = Self::view(&pool);
        self.write().insert(pool.definition.name.clone(), pool);
        self.changed.notify_one();
        Ok(view)
    }

    /// Change a pool; a new preset takes effect for queries admitted from now on.
    pub async fn update(&self, name_or_id: &str, patch: PoolPatch) -> Result<PoolView> {
        let _writing = self.writing.lock().await;
        let name = self.resolve(name_or_id)?;
        let (mut definition, engine) = {
            let pools = self.read();
            let pool = pools.get(&name).ok_or_else(|| GatewayError::NotFound(format!("Virtual warehouse '{name}' does not exist.")))?;
            (pool.definition.clone(), pool.engine.clone())
        };
        let was_down = definition.status == "down";
        if let Some(description) = patch.description {
            definition.description = description;
        }
        if let Some(status) = patch.status {
            definition.status = check_status(&status)?;
        }
        if let Some(minutes) = patch.auto_suspend {
            definition.auto_suspend = check_suspend(minutes)?;
        }
        if let Some(resume) = patch.auto_resume {
            definition.auto_resume = resume;
        }
        let engine = match patch.config_id {
            Some(id) if id != engine.config.id => {
                definition.config_id = id;
                Arc::new(PoolEngine::new(self.config(id)?)?)
            }
            _ => engine,
        };
        definition.modified_at = now_ms();
        self.persist(PoolChange::Put(definition.clone())).await?;
        let mut pools = self.write();
        let pool = pools.get_mut(&name).ok_or_else(|| GatewayError::NotFound(format!("Virtual warehouse '{name}' does not exist.")))?;
        if was_down && definition.status == "up" {
            *pool.last_active.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        }
        pool.definition = definition;
        pool.engine = engine;
        self.changed.notify_one();
        Ok(Self::view(pool))
    }

    /// Remove a pool; refused while queries run or wait on it.
    pub async fn delete(&self, name_or_id: &str) -> Result<()> {
        let _writing = self.writing.lock().await;
        let name = self.resolve(name_or_id)?;
        if let Some(pool) = self.read().get(&name) {
            let (running, queued) = pool.engine.load();
            if running + queued > 0 {
                return Err(GatewayError::Conflict(format!(
                    "Virtual warehouse '{name}' has {running} running and {queued} waiting queries: cancel them or wait before deleting it."
                )));
            }
        }
        self.persist(PoolChange::Delete(name.clone())).await?;
        self.write().remove(&name);
        Ok(())
    }

    /// Admit one query to pool `name_or_id`: a pool that is down resumes
    /// when it may (else the query is refused), then the query waits for a
    /// slot in the pool's queue (refused when the queue is full).
    pub async fn admit(&self, name_or_id: &str) -> Result<Admission> {
        let name = self.resolve(name_or_id)?;
        let (engine, last_active, status, resume) = {
            let pools = self.read();
            let pool = pools.get(&name).ok_or_else(|| GatewayError::NotFound(format!("Virtual warehouse '{name}' does not exist.")))?;
            (pool.engine.clone(), pool.last_active.clone(), pool.definition.status.clone(), pool.definition.auto_resume)
        };
        if status == "down" {
            if !resume {
                return Err(GatewayError::Conflict(format!(
                    "Virtual warehouse '{name}' is down (suspended): set its status to up, or let it resume on demand with autoResume."
                )));
            }
            let patch = PoolPatch { status: Some("up".into()), ..PoolPatch::default() };
            self.update(&name, patch).await?;
            tracing::info!(pool = %name, "virtual warehouse resumed by a query");
        }
        let slot = engine.slot(&name).await?;
        Ok(Admission::new(name, engine, slot, self.usage.clone(), last_active, self.changed.clone()))
    }

    /// Busy minutes of pool `name` (all when `None`) in `[from, to)` ms:
    /// stored ones and those booked since the last write.
    pub async fn usage(&self, name: Option<&str>, from: i64, to: i64) -> Result<Vec<(String, PoolMinute)>> {
        let mut all = Minutes::new();
        let mut add = |rows: Vec<(String, PoolMinute)>| rows.into_iter().for_each(|(pool, m)| add_minute(&mut all, pool, m));
        match &self.store {
            Some(store) => add(store.pool_usage(name, from, to).await?),
            None => {
                let kept = self.memory_usage.lock().unwrap_or_else(|e| e.into_inner());
                add(kept.iter().filter(|((p, m), _)| name.is_none_or(|n| n == p) && *m >= from && *m < to).map(|((p, _), m)| (p.clone(), *m)).collect());
            }
        }
        add(self.usage.pending(name, from, to));
        Ok(all.into_iter().map(|((pool, _), m)| (pool, m)).collect())
    }

    /// Write booked busy time (kept for the next try when the store fails).
    async fn flush_usage(&self) {
        let booked = self.usage.take();
        if booked.is_empty() {
            return;
        }
        match &self.store {
            Some(store) => {
                if let Err(error) = store.add_pool_usage(&booked).await {
                    tracing::warn!(%error, "engine pool usage not written; retrying");
                    self.usage.restore(booked);
                }
            }
            None => {
                let mut kept = self.memory_usage.lock().unwrap_or_else(|e| e.into_inner());
                for (pool, m) in booked {
                    add_minute(&mut kept, pool, m);
                }
                let oldest = now_ms() - MEMORY_USAGE_MINUTES * 60_000;
                kept.retain(|(_, minute), _| *minute >= oldest);
            }
        }
    }

    /// Pools idle past their `auto_suspend` at `now` go down; answers the
    /// earliest later moment one may.
    pub async fn suspend_idle(&self, now: Instant) -> Option<Instant> {
        let mut due = Vec::new();
        let mut next: Option<Instant> = None;
        for pool in self.read().values() {
            let (running, queued) = pool.engine.load();
            if pool.definition.status != "up" || pool.definition.auto_suspend == 0 || running + queued > 0 {
                continue;
            }
            let idle_since = *pool.last_active.lock().unwrap_or_else(|e| e.into_inner());
            let deadline = idle_since + Duration::from_secs(pool.definition.auto_suspend as u64 * 60);
            if deadline <= now {
                due.push(pool.definition.name.clone());
            } else {
                next = Some(next.map_or(deadline, |n| n.min(deadline)));
            }
        }
        for name in due {
            match self.update(&name, PoolPatch { status: Some("down".into()), ..PoolPatch::default() }).await {
                Ok(_) => tracing::info!(pool = %name, "virtual warehouse suspended after its idle time"),
                Err(error) => tracing::warn!(pool = %name, %error, "virtual warehouse not suspended"),
            }
        }
        next
    }

    /// Suspend idle pools when their time comes and write busy time every
    /// few seconds, until `shutdown` (then a last write).
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        let mut next_flush = Instant::now() + USAGE_FLUSH;
        loop {
            let next_suspend = self.suspend_idle(Instant::now()).await;
            if Instant::now() >= next_flush {
                self.flush_usage().await;
                next_flush = Instant::now() + USAGE_FLUSH;
            }
            let wake = next_suspend.map_or(next_flush, |s| s.min(next_flush));
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep_until(wake) => {}
                _ = self.changed.notified() => {}
            }
        }
        self.flush_usage().await;
    }
}

#[cfg(test)]
mod tests;
