//! The one SQL implementation of [`MetadataStore`], on SQLite or PostgreSQL.
//!
//! sqlx's `Any` driver runs the same statements on both; only connecting
//! differs. SQLite is opened in WAL mode with `synchronous = FULL`, so a
//! committed change has reached the disk (fsync of the WAL) before the
//! client is answered, and a `kill -9` right after loses nothing. PostgreSQL
//! commits durably by default.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use super::identity::{IdentityChange, IdentityRows};
use super::{migrations, now_ms, store_error, CatalogChange, CatalogObject, HistoryRecord, MetadataStore, ObjectKind, StoreUrl, UNFINISHED_STATES};
use crate::error::Result;

/// A metadata store in an SQL database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    /// Connections to the database.
    pool: AnyPool,
    /// `sqlite` or `postgres`.
    backend: &'static str,
    /// One write transaction at a time from this gateway: SQLite refuses a
    /// transaction that read before another one wrote (it cannot become a
    /// writer), so writers queue here instead of failing.
    writes: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// How long a statement waits for another writer's lock (SQLite) or a
/// free connection before the store reports itself unavailable.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl SqlStore {
    /// Open (creating when missing) the store at `url` and migrate it.
    pub async fn open(url: &StoreUrl) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let (connect, backend, max) = match url {
            StoreUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| store_error(&format!("create the directory {}", parent.display()), e))?;
                }
                (format!("sqlite://{}?mode=rwc", path.display()), "sqlite", 4)
            }
            StoreUrl::Postgres(url) => (url.clone(), "postgres", 8),
        };
        let sqlite = backend == "sqlite";
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(BUSY_TIMEOUT)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // WAL: readers don't block the writer; FULL: fsync on every commit.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect(&connect)
            .await
            .map_err(|e| store_error(&format!("open {}", url.redacted()), e))?;
        migrations::migrate(&pool).await?;
        Ok(SqlStore { pool, backend, writes: Default::default() })
    }

    /// The connections.
    pub(super) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The queue of this gateway's write transactions.
    pub(super) fn writes(&self) -> &tokio::sync::Mutex<()> {
        &self.writes
    }

    /// Close every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A row of `catalog_objects`.
fn object_of(row: &AnyRow) -> Option<CatalogObject> {
    let properties: String = row.try_get("properties").ok()?;
    Some(CatalogObject {
        key: (row.try_get("catalog_name").ok()?, row.try_get("database_name").ok()?, row.try_get("object_name").ok()?),
        kind: ObjectKind::parse(&row.try_get::<String, _>("kind").ok()?)?,
        definition: row.try_get("definition").ok()?,
        properties: serde_json::from_str(&properties).unwrap_or_default(),
        owner: row.try_get("owner").ok()?,
        seq: row.try_get("seq").ok()?,
        created_at: row.try_get("created_at").ok()?,
        updated_at: row.try_get("updated_at").ok()?,
    })
}

/// A row of `history`.
fn history_of(row: &AnyRow) -> Option<HistoryRecord> {
    let properties: String = row.try_get("properties").ok()?;
    Some(HistoryRecord {
        id: row.try_get("id").ok()?,
        kind: row.try_get("kind").ok()?,
        owner: row.try_get("owner").ok()?,
        statement: row.try_get("statement").ok()?,
        state: row.try_get("state").ok()?,
        created_at: row.try_get("created_at").ok()?,
        ended_at: row.try_get("ended_at").ok()?,
        rows: row.try_get("row_count").ok()?,
        bytes: row.try_get("byte_count").ok()?,
        error: row.try_get("error").ok()?,
        properties: serde_json::from_str(&properties).unwrap_or_default(),
    })
}

fn json(map: &BTreeMap<String, String>) -> String {
    serde_json::to_string(map).unwrap_or_else(|_| "{}".into())
}

const HISTORY_COLUMNS: &str = "id, kind, owner, statement, state, created_at, ended_at, row_count, byte_count, error, properties";

#[async_trait]
impl MetadataStore for SqlStore {
    fn backend(&self) -> &'static str {
        self.backend
    }

    async fn objects(&self) -> Result<Vec<CatalogObject>> {
        let rows = sqlx::query(
            "SELECT catalog_name, database_name, object_name, kind, definition, properties, owner, seq, created_at, updated_at \
             FROM catalog_objects ORDER BY seq, catalog_name, database_name, object_name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| store_error("read the catalog", e))?;
        Ok(rows.iter().filter_map(object_of).collect())
    }

    async fn apply(&self, changes: &[CatalogChange]) -> Result<()> {
        let _writing = self.writes.lock().await;
        if changes.is_empty() {
            return Ok(());
        }
        let fail = |e| store_error("record the catalog change", e);
        let mut tx = self.pool.begin().await.map_err(fail)?;
        let next: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM catalog_objects").fetch_one(&mut *tx).await.map_err(fail)?.try_get(0).map_err(fail)?;
        let mut seq = next;
        let now = now_ms();
        for change in changes {
            match change {
                CatalogChange::Put(object) => {
                    seq += 1;
                    sqlx::query(
                        "INSERT INTO catalog_objects (catalog_name, database_name, object_name, kind, definition, properties, owner, seq, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (catalog_name, database_name, object_name) DO UPDATE SET kind = excluded.kind, definition = excluded.definition, \
                         properties = excluded.properties, owner = excluded.owner, seq = excluded.seq, updated_at = excluded.updated_at",
                    )
                    .bind(&object.key.0)
                    .bind(&object.key.1)
                    .bind(&object.key.2)
                    .bind(object.kind.name())
                    .bind(&object.definition)
                    .bind(json(&object.properties))
                    .bind(&object.owner)
                    .bind(seq)
                    .bind(if object.created_at > 0 { object.created_at } else { now })
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(fail)?;
                }
                CatalogChange::Delete((catalog, database, name)) => {
                    sqlx::query("DELETE FROM catalog_objects WHERE catalog_name = $1 AND database_name = $2 AND object_name = $3")
                        .bind(catalog)
                        .bind(database)
                        .bind(name)
                        .execute(&mut *tx)
                        .await
                        .map_err(fail)?;
                }
                CatalogChange::DeleteDatabase(catalog, database) => {
                    sqlx::query("DELETE FROM catalog_objects WHERE catalog_name = $1 AND database_name = $2")
                        .bind(catalog)
                        .bind(database)
                        .execute(&mut *tx)
                        .await
                        .map_err(fail)?;
                }
                CatalogChange::DeleteCatalog(catalog) => {
                    sqlx::query("DELETE FROM catalog_objects WHERE catalog_name = $1").bind(catalog).execute(&mut *tx).await.map_err(fail)?;
                }
            }
        }
        tx.commit().await.map_err(fail)
    }

    async fn record(&self, records: &[HistoryRecord]) -> Result<()> {
        let _writing = self.writes.lock().await;
        let fail = |e: sqlx::Error| store_error("record history", e);
        let mut tx = self.pool.begin().await.map_err(fail)?;
        for record in records {
            sqlx::query(
                "INSERT INTO history (id, kind, owner, statement, state, created_at, ended_at, row_count, byte_count, error, properties) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, ended_at = excluded.ended_at, row_count = excluded.row_count, \
                 byte_count = excluded.byte_count, error = excluded.error, properties = excluded.properties",
            )
            .bind(&record.id)
            .bind(&record.kind)
            .bind(&record.owner)
            .bind(&record.statement)
            .bind(&record.state)
            .bind(record.created_at)
            .bind(record.ended_at)
            .bind(record.rows)
            .bind(record.bytes)
            .bind(record.error.as_deref())
            .bind(json(&record.properties))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)
    }

    async fn history(&self, id: &str) -> Result<Option<HistoryRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {HISTORY_COLUMNS} FROM history WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| store_error("read history", e))?;
        Ok(row.as_ref().and_then(history_of))
    }

    async fn list_history(&self, kind: Option<&str>, limit: usize) -> Result<Vec<HistoryRecord>> {
        let limit = limit.min(i64::MAX as usize) as i64;
        let rows = match kind {
            Some(kind) => sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {HISTORY_COLUMNS} FROM history WHERE kind = $1 ORDER BY created_at DESC, id LIMIT $2")))
                .bind(kind)
                .bind(limit)
                .fetch_all(&self.pool)
                .await,
            None => sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {HISTORY_COLUMNS} FROM history ORDER BY created_at DESC, id LIMIT $1")))
                .bind(limit)
                .fetch_all(&self.pool)
                .await,
        }
        .map_err(|e| store_error("read history", e))?;
        Ok(rows.iter().filter_map(history_of).collect())
    }

    async fn identity(&self) -> Result<IdentityRows> {
        self.read_identity().await
    }

    async fn user_number(&self, name: &str) -> Result<i64> {
        self.number_user(name).await
    }

    async fn change_identity(&self, change: &IdentityChange) -> Result<()> {
        SqlStore::change_identity(self, change).await
    }

    async fn pools(&self) -> Result<Vec<super::StoredPool>> {
        self.read_pools().await
    }

    async fn change_pool(&self, change: &super::PoolChange) -> Result<()> {
        self.write_pool(change).await
    }

    async fn add_pool_usage(&self, usage: &[(String, super::PoolMinute)]) -> Result<()> {
        self.add_usage(usage).await
    }

    async fn pool_usage(&self, name: Option<&str>, from: i64, to: i64) -> Result<Vec<(String, super::PoolMinute)>> {
        self.read_usage(name, from, to).await
    }

    async fn fail_unfinished(&self, reason: &str) -> Result<u64> {
        let _writing = self.writes.lock().await;
        // The states are constants of this crate, never input.
        let states: Vec<String> = UNFINISHED_STATES.iter().map(|s| format!("'{s}'")).collect();
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE history SET state = 'FAILED', error = COALESCE(error, $1), ended_at = COALESCE(ended_at, $2) WHERE state IN ({})",
            states.join(", ")
        )))
        .bind(reason)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(|e| store_error("mark unfinished work failed", e))?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
impl SqlStore {
    /// The pool, for tests that reach under the trait.
    pub(crate) fn pool_for_tests(&self) -> AnyPool {
        self.pool.clone()
    }
}
