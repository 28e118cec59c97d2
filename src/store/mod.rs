//! The metadata store: what the gateway must still know after a restart.
//!
//! The catalog's source of truth. Every durable catalog, database, table,
//! view and materialized table is one [`CatalogObject`] whose `definition`
//! is the statement that recreates it; at start the engine replays them
//! ([`crate::engine::durable`]) and every later DDL, whatever protocol issued
//! it, writes its change here before the client hears `OK`. Jobs, batches
//! and queries leave a [`HistoryRecord`].
//!
//! Behind the [`MetadataStore`] trait, one SQL implementation ([`sql`]) with
//! two backends: an embedded SQLite file (the default, `sqlite:PATH`) and
//! PostgreSQL (`postgres://...`) for a store several gateways share. The
//! schema is the same on both ([`migrations`], applied at start).
//!
//! Sessions and running operations are not durable, as in Flink: clients
//! learn of a restart from 404s, and work still running when the process
//! ended is marked failed ([`MetadataStore::fail_unfinished`]).

pub mod history;
pub mod identity;
pub mod migrations;
pub mod pools;
pub mod sql;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;

use crate::error::{GatewayError, Result};

pub use identity::{IdentityChange, IdentityRows, StoredGrant, StoredKey};
pub use pools::{PoolChange, PoolMinute, StoredPool};
pub use sql::SqlStore;

/// What kind of catalog object a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectKind {
    /// A catalog (`CREATE CATALOG`); database and name are empty.
    Catalog,
    /// A database; the name is empty.
    Database,
    /// A table created with DDL.
    Table,
    /// A view.
    View,
    /// A materialized table.
    MaterializedTable,
}

impl ObjectKind {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Catalog => "CATALOG",
            ObjectKind::Database => "DATABASE",
            ObjectKind::Table => "TABLE",
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedTable => "MATERIALIZED_TABLE",
        }
    }

    /// The kind a stored name stands for.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "CATALOG" => ObjectKind::Catalog,
            "DATABASE" => ObjectKind::Database,
            "TABLE" => ObjectKind::Table,
            "VIEW" => ObjectKind::View,
            "MATERIALIZED_TABLE" => ObjectKind::MaterializedTable,
            _ => return None,
        })
    }
}

/// Where an object lives: catalog, database, name (empty parts for
/// catalogs and databases).
pub type ObjectKey = (String, String, String);

/// One durable catalog object.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogObject {
    /// Its place in the catalog.
    pub key: ObjectKey,
    /// Catalog, database, table, view or materialized table.
    pub kind: ObjectKind,
    /// The statement that recreates it, in the gateway's Flink dialect.
    pub definition: String,
    /// Values kept beside the definition: the data directory of an
    /// in-memory table, a description, a TTL, whether a materialized table
    /// is suspended.
    pub properties: BTreeMap<String, String>,
    /// Who created it.
    pub owner: String,
    /// Replay order: later definitions may depend on earlier ones.
    pub seq: i64,
    /// When it was created (ms since the epoch).
    pub created_at: i64,
    /// When its definition last changed (ms since the epoch).
    pub updated_at: i64,
}

/// One change of the catalog; a DDL statement's changes are applied together.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogChange {
    /// Create or replace an object (its `created_at` is kept on replace).
    Put(CatalogObject),
    /// Remove one object.
    Delete(ObjectKey),
    /// Remove a database and everything in it.
    DeleteDatabase(String, String),
    /// Remove a catalog and everything in it.
    DeleteCatalog(String),
}

/// Something that ran: a job, a batch, a query.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    /// The id clients know it by.
    pub id: String,
    /// `job`, `kyuubi-batch`, `livy-batch`, `query`, ...
    pub kind: String,
    /// Who started it.
    pub owner: String,
    /// What it ran (statement text, script name).
    pub statement: String,
    /// Its last known state (`RUNNING`, `FINISHED`, `FAILED`, ...).
    pub state: String,
    /// When it started (ms since the epoch).
    pub created_at: i64,
    /// When it ended, once it has.
    pub ended_at: Option<i64>,
    /// Rows it produced or wrote.
    pub rows: i64,
    /// Bytes it produced or wrote.
    pub bytes: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// Protocol-specific values (a Livy batch id, an application id, ...).
    pub properties: BTreeMap<String, String>,
}

/// States of a history record that mean it was still going.
pub const UNFINISHED_STATES: &[&str] = &["PENDING", "INITIALIZED", "RUNNING", "STARTING", "CREATED", "QUEUED"];

/// The durable metadata of the gateway.
#[async_trait]
pub trait MetadataStore: Send + Sync + std::fmt::Debug {
    /// `sqlite` or `postgres`, for logs and metrics.
    fn backend(&self) -> &'static str;
    /// Every catalog object, in replay order.
    async fn objects(&self) -> Result<Vec<CatalogObject>>;
    /// Apply a statement's changes in one transaction: all or none are durable.
    async fn apply(&self, changes: &[CatalogChange]) -> Result<()>;
    /// Create or update history records, in one transaction.
    async fn record(&self, records: &[HistoryRecord]) -> Result<()>;
    /// One history record.
    async fn history(&self, id: &str) -> Result<Option<HistoryRecord>>;
    /// The newest `limit` history records of `kind` (all kinds when `None`).
    async fn list_history(&self, kind: Option<&str>, limit: usize) -> Result<Vec<HistoryRecord>>;
    /// Every user number, API key, role assignment and grant.
    async fn identity(&self) -> Result<IdentityRows>;
    /// The number of user `name`, given now when it has none.
    async fn user_number(&self, name: &str) -> Result<i64>;
    /// Make one change of users, keys or roles durable.
    async fn change_identity(&self, change: &IdentityChange) -> Result<()>;
    /// Every engine pool, by name.
    async fn pools(&self) -> Result<Vec<StoredPool>>;
    /// Make one change of the engine pools durable.
    async fn change_pool(&self, change: &PoolChange) -> Result<()>;
    /// Add pools' busy time to their minutes, in one transaction.
    async fn add_pool_usage(&self, usage: &[(String, PoolMinute)]) -> Result<()>;
    /// The busy minutes of pool `name` (all pools when `None`) in `[from, to)` ms.
    async fn pool_usage(&self, name: Option<&str>, from: i64, to: i64) -> Result<Vec<(String, PoolMinute)>>;
    /// Mark every record still in an unfinished state as `FAILED` with
    /// `reason`; answers how many. Run at start: nothing runs yet.
    async fn fail_unfinished(&self, reason: &str) -> Result<u64>;
}

/// Where the metadata lives, from `sluicegate.metadata.url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// An SQLite file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database, the URL as given.
    Postgres(String),
}

impl StoreUrl {
    /// Parse `sqlite:PATH` or `postgres://...` (`postgresql://` too).
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        if let Some(path) = text.strip_prefix("sqlite://").or_else(|| text.strip_prefix("sqlite:")) {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("sqlite: needs a file path, e.g. sqlite:state/metadata.db".into());
            }
            return Ok(StoreUrl::Sqlite(path.into()));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(text.to_string()));
        }
        Err(format!("unsupported metadata URL '{text}': use sqlite:PATH or postgres://user@host:port/db"))
    }

    /// The URL without a password, for logs.
    pub fn redacted(&self) -> String {
        match self {
            StoreUrl::Sqlite(path) => format!("sqlite:{}", path.display()),
            StoreUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => {
                    let user = &url[scheme + 3..at];
                    let user = user.split(':').next().unwrap_or_default();
                    format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
                }
                _ => url.clone(),
            },
        }
    }
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A store failure as the core reports it: the change was not made.
pub(crate) fn store_error(context: &str, error: impl std::fmt::Display) -> GatewayError {
    GatewayError::Unavailable(format!("The metadata store could not {context}: {error}"))
}
