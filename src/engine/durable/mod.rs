//! The gateway-wide catalog, and what makes it durable.
//!
//! Every session's DataFusion state reads one [`CatalogList`]: a table one
//! client creates, through any protocol, is a table every client sees. The
//! Flink definitions beside the providers ([`TableMeta`]) and the
//! materialized tables live here too, once for the gateway.
//!
//! The store is the source of truth: a DDL statement writes its change
//! ([`SharedCatalog::apply`]) before it touches the in-memory catalog, so a
//! statement the store refused left nothing behind, and one the client heard
//! `OK` for is on disk. At start [`replay`] rebuilds the in-memory catalog
//! from the store. TEMPORARY objects are the session's own and never stored.

pub mod catalogs;
pub mod definitions;
pub mod replay;
pub mod temporary;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use datafusion::catalog::{CatalogProvider, CatalogProviderList, MemoryCatalogProvider, MemorySchemaProvider};
use tokio_util::sync::CancellationToken;

use super::catalog::{TableKey, TableMeta};
use super::materialized::MaterializedTables;
use super::{DEFAULT_CATALOG, DEFAULT_DATABASE};
use crate::error::Result;
use crate::store::{CatalogChange, MetadataStore};
pub use catalogs::CatalogList;

/// What is kept of a database beyond its place.
#[derive(Debug, Clone, Default)]
pub struct DatabaseMeta {
    /// Who created it.
    pub owner: String,
    /// Values a management API keeps for it (a description).
    pub properties: BTreeMap<String, String>,
}

/// The catalog every session shares.
#[derive(Debug)]
pub struct SharedCatalog {
    /// Catalogs, databases and table providers: every session's DataFusion state reads this list.
    pub list: Arc<CatalogList>,
    /// Flink definitions of the tables and views created with DDL.
    tables: Mutex<BTreeMap<TableKey, TableMeta>>,
    /// Owners and management properties of databases, to store them again.
    databases: Mutex<BTreeMap<(String, String), DatabaseMeta>>,
    /// Materialized tables and their refresh schedules.
    materialized: Mutex<MaterializedTables>,
    /// Where changes are made durable; `None` keeps everything in memory.
    store: Option<Arc<dyn MetadataStore>>,
    /// Fired when the gateway shuts down: periodic refreshes stop.
    pub closed: CancellationToken,
}

/// A lock whose holder panicked still guards consistent data here: every
/// update is one insert or remove.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SharedCatalog {
    /// The built-in catalog and database, and `store` to make changes durable.
    pub fn new(store: Option<Arc<dyn MetadataStore>>) -> Self {
        let list = Arc::new(CatalogList::default());
        let catalog = MemoryCatalogProvider::new();
        // A fresh in-memory catalog cannot refuse a schema.
        let _ = catalog.register_schema(DEFAULT_DATABASE, Arc::new(MemorySchemaProvider::new()));
        list.register_catalog(DEFAULT_CATALOG.to_string(), Arc::new(catalog));
        SharedCatalog {
            list,
            tables: Mutex::new(BTreeMap::new()),
            databases: Mutex::new(BTreeMap::new()),
            materialized: Mutex::new(BTreeMap::new()),
            store,
            closed: CancellationToken::new(),
        }
    }

    /// The store, when changes are durable.
    pub fn store(&self) -> Option<&Arc<dyn MetadataStore>> {
        self.store.as_ref()
    }

    /// Make `changes` durable, all or none; without a store, nothing to do.
    pub async fn apply(&self, changes: &[CatalogChange]) -> Result<()> {
        match &self.store {
            Some(store) if !changes.is_empty() => store.apply(changes).await,
            _ => Ok(()),
        }
    }

    /// The Flink definition of a table, when it has one.
    pub fn meta(&self, key: &TableKey) -> Option<TableMeta> {
        lock(&self.tables).get(key).cloned()
    }

    /// Every definition, for lookups by unqualified name.
    pub fn metas(&self) -> Vec<(TableKey, TableMeta)> {
        lock(&self.tables).iter().map(|(k, m)| (k.clone(), m.clone())).collect()
    }

    /// Remember (`Some`) or forget (`None`) the definition of `key`.
    pub fn set_meta(&self, key: &TableKey, meta: Option<TableMeta>) {
        let mut tables = lock(&self.tables);
        match meta {
            Some(meta) => tables.insert(key.clone(), meta),
            None => tables.remove(key),
        };
    }

    /// Change the definition of `key` in place, when it has one.
    pub fn update_meta(&self, key: &TableKey, change: impl FnOnce(&mut TableMeta)) {
        if let Some(meta) = lock(&self.tables).get_mut(key) {
            change(meta);
        }
    }

    /// The owner and properties of a database (default when never set).
    pub fn database_meta(&self, catalog: &str, database: &str) -> DatabaseMeta {
        lock(&self.databases).get(&(catalog.to_string(), database.to_string())).cloned().unwrap_or_default()
    }

    /// Remember what is known of a database.
    pub fn set_database_meta(&self, catalog: &str, database: &str, meta: DatabaseMeta) {
        lock(&self.databases).insert((catalog.to_string(), database.to_string()), meta);
    }

    /// Forget the definitions of everything in `catalog` (`database` too
    /// when given); answers the data ids of the in-memory tables among them.
    pub fn forget_within(&self, catalog: &str, database: Option<&str>) -> Vec<String> {
        let inside = |k: &TableKey| k.0 == catalog && database.is_none_or(|d| k.1 == d);
        lock(&self.databases).retain(|(c, d), _| !(c == catalog && database.is_none_or(|x| x == d)));
        let mut data_ids = Vec::new();
        lock(&self.tables).retain(|k, meta| {
            if inside(k) {
                data_ids.extend(meta.data_id.clone());
            }
            !inside(k)
        });
        let stopped: Vec<_> = {
            let mut all = lock(&self.materialized);
            let gone: Vec<TableKey> = all.keys().filter(|k| k.0 == catalog && database.is_none_or(|d| k.1 == d)).cloned().collect();
            gone.iter().filter_map(|k| all.remove(k)).collect()
        };
        for table in stopped {
            table.stop.cancel();
        }
        data_ids
    }

    /// The data ids of every shared in-memory table.
    pub fn data_ids(&self) -> std::collections::BTreeSet<String> {
        lock(&self.tables).values().filter_map(|m| m.data_id.clone()).collect()
    }

    /// The materialized tables.
    pub(crate) fn materialized(&self) -> MutexGuard<'_, MaterializedTables> {
        lock(&self.materialized)
    }

    /// A catalog by name.
    pub fn catalog(&self, name: &str) -> Option<Arc<dyn CatalogProvider>> {
        self.list.catalog(name)
    }
}
