//! The engine-pool part of the store: each pool's definition, and its busy
//! time per minute. Definitions are read whole at start into
//! [`crate::pool::Pools`] and written through before memory changes; usage
//! is added up in memory and written every few seconds (a crash loses at
//! most those seconds of accounting, never a definition).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::sql::SqlStore;
use super::store_error;
use crate::error::Result;

/// One engine pool as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPool {
    /// Its name: `[a-z][a-z0-9_]*`, the key clients use.
    pub name: String,
    /// A number unique among pools, part of its public id (`vw-<number>-<name>`).
    pub number: i64,
    /// What its owner wrote about it.
    pub description: String,
    /// The size preset it runs with (partitions, memory, concurrency).
    pub config_id: i64,
    /// `up` (serves queries) or `down` (refuses them, or resumes on the first one).
    pub status: String,
    /// Minutes without a running query after which it goes down; 0 = never.
    pub auto_suspend: i64,
    /// A query for a pool that is down brings it up instead of failing.
    pub auto_resume: bool,
    /// Who created it.
    pub owner: String,
    /// When it was created (ms since the epoch).
    pub created_at: i64,
    /// When its definition or status last changed (ms since the epoch).
    pub modified_at: i64,
}

/// Busy time of one pool in one minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PoolMinute {
    /// The minute's start (ms since the epoch, a multiple of 60 000).
    pub minute: i64,
    /// Milliseconds of query time in it, summed over concurrent queries.
    pub busy_ms: i64,
    /// Queries that ended in it.
    pub queries: i64,
}

/// One change of the pool definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolChange {
    /// Create or replace a pool (its number and creation time are kept on replace).
    Put(StoredPool),
    /// Remove a pool (its usage stays, for reports over past periods).
    Delete(String),
}

const POOL_COLUMNS: &str = "name, number, description, config_id, status, auto_suspend, auto_resume, owner, created_at, modified_at";

fn pool_of(row: &AnyRow) -> Option<StoredPool> {
    Some(StoredPool {
        name: row.try_get("name").ok()?,
        number: row.try_get("number").ok()?,
        description: row.try_get("description").ok()?,
        config_id: row.try_get("config_id").ok()?,
        status: row.try_get("status").ok()?,
        auto_suspend: row.try_get("auto_suspend").ok()?,
        auto_resume: row.try_get::<i64, _>("auto_resume").ok()? != 0,
        owner: row.try_get("owner").ok()?,
        created_at: row.try_get("created_at").ok()?,
        modified_at: row.try_get("modified_at").ok()?,
    })
}

impl SqlStore {
    /// Every pool, by name.
    pub(super) async fn read_pools(&self) -> Result<Vec<StoredPool>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {POOL_COLUMNS} FROM engine_pools ORDER BY name")))
            .fetch_all(self.pool())
            .await
            .map_err(|e| store_error("read the engine pools", e))?;
        Ok(rows.iter().filter_map(pool_of).collect())
    }

    /// Make one pool change durable.
    pub(super) async fn write_pool(&self, change: &PoolChange) -> Result<()> {
        let _writing = self.writes().lock().await;
        let fail = |e| store_error("record the change of an engine pool", e);
        match change {
            PoolChange::Put(p) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO engine_pools ({POOL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (name) DO UPDATE SET description = excluded.description, config_id = excluded.config_id, status = excluded.status, \
                 auto_suspend = excluded.auto_suspend, auto_resume = excluded.auto_resume, modified_at = excluded.modified_at"
            )))
            .bind(&p.name)
            .bind(p.number)
            .bind(&p.description)
            .bind(p.config_id)
            .bind(&p.status)
            .bind(p.auto_suspend)
            .bind(p.auto_resume as i64)
            .bind(&p.owner)
            .bind(p.created_at)
            .bind(p.modified_at)
            .execute(self.pool())
            .await
            .map(|_| ())
            .map_err(fail),
            PoolChange::Delete(name) => {
                sqlx::query("DELETE FROM engine_pools WHERE name = $1").bind(name).execute(self.pool()).await.map(|_| ()).map_err(fail)
            }
        }
    }

    /// Add busy time to pools' minutes, in one transaction.
    pub(super) async fn add_usage(&self, usage: &[(String, PoolMinute)]) -> Result<()> {
        let _writing = self.writes().lock().await;
        let fail = |e| store_error("record engine pool usage", e);
        let mut tx = self.pool().begin().await.map_err(fail)?;
        for (name, m) in usage {
            sqlx::query(
                "INSERT INTO engine_pool_usage (pool_name, minute, busy_ms, queries) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (pool_name, minute) DO UPDATE SET busy_ms = engine_pool_usage.busy_ms + excluded.busy_ms, \
                 queries = engine_pool_usage.queries + excluded.queries",
            )
            .bind(name)
            .bind(m.minute)
            .bind(m.busy_ms)
            .bind(m.queries)
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)
    }

    /// The minutes of `name` (every pool when `None`) in `[from, to)`, by pool and minute.
    pub(super) async fn read_usage(&self, name: Option<&str>, from: i64, to: i64) -> Result<Vec<(String, PoolMinute)>> {
        let query = match name {
            Some(name) => sqlx::query(
                "SELECT pool_name, minute, busy_ms, queries FROM engine_pool_usage WHERE pool_name = $1 AND minute >= $2 AND minute < $3 ORDER BY pool_name, minute",
            )
            .bind(name.to_string()),
            None => sqlx::query(
                "SELECT pool_name, minute, busy_ms, queries FROM engine_pool_usage WHERE $1 = '' AND minute >= $2 AND minute < $3 ORDER BY pool_name, minute",
            )
            .bind(String::new()),
        };
        let rows = query.bind(from).bind(to).fetch_all(self.pool()).await.map_err(|e| store_error("read engine pool usage", e))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let minute = PoolMinute { minute: r.try_get("minute").ok()?, busy_ms: r.try_get("busy_ms").ok()?, queries: r.try_get("queries").ok()? };
                Some((r.try_get("pool_name").ok()?, minute))
            })
            .collect())
    }
}
