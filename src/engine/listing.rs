//! Catalog listings for management APIs: the databases of the session's
//! current catalog and the relations (tables, views, materialized tables)
//! of a database, each with what the engine knows of it (schema, Flink
//! definition, view query, a row count when it costs nothing).
//!
//! Read straight from the session's catalog, outside its statement queue:
//! reads only, like completion does.

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::datasource::MemTable;

use super::catalog::TableKey;
use super::dialect::CreateTable;
use super::SessionEngine;
use crate::error::Result;

/// What a relation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// A table (in memory or over a connector).
    Table,
    /// A view: a stored query.
    View,
    /// A materialized table: a query whose rows are kept and refreshed.
    MaterializedTable,
}

/// One table, view or materialized table of a database.
#[derive(Debug, Clone)]
pub struct Relation {
    /// Catalog, database, name.
    pub key: TableKey,
    /// Table, view or materialized table.
    pub kind: RelationKind,
    /// Its columns as the engine stores them.
    pub schema: SchemaRef,
    /// The Flink DDL it was created with, when it was.
    pub ddl: Option<CreateTable>,
    /// For views: the defining query.
    pub view_query: Option<String>,
    /// Rows held, when counting is free (in-memory tables); None otherwise.
    pub row_count: Option<u64>,
    /// Bytes its data takes on disk: an in-memory table's kept parts, a
    /// filesystem table's files; None for views and tables with no files.
    pub stored_bytes: Option<u64>,
}

impl SessionEngine {
    /// The current catalog and its databases, sorted (`information_schema` left out).
    pub fn database_names(&self) -> (String, Vec<String>) {
        let catalog = self.current().0;
        let mut names: Vec<String> = self
            .ctx
            .catalog(&catalog)
            .map(|c| c.schema_names())
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d != "information_schema")
            .collect();
        names.sort();
        (catalog, names)
    }

    /// The relations of `catalog.database`, sorted by name; None when the
    /// database does not exist.
    pub async fn list_relations(&self, catalog: &str, database: &str) -> Result<Option<Vec<Relation>>> {
        let Some(schema) = self.ctx.catalog(catalog).and_then(|c| c.schema(database)) else {
            return Ok(None);
        };
        let mut names = schema.table_names();
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if let Some(relation) = self.find_relation(&(catalog.to_string(), database.to_string(), name)).await? {
                out.push(relation);
            }
        }
        Ok(Some(out))
    }

    /// One relation; None when it (or its database) does not exist.
    pub async fn find_relation(&self, key: &TableKey) -> Result<Option<Relation>> {
        let Some(schema) = self.ctx.catalog(&key.0).and_then(|c| c.schema(&key.1)) else {
            return Ok(None);
        };
        let Some(provider) = schema.table(&key.2).await.map_err(super::errors::from_datafusion)? else {
            return Ok(None);
        };
        let materialized = self.shared.catalog.materialized().contains_key(key);
        let kind = if materialized {
            RelationKind::MaterializedTable
        } else if self.is_view(key, &provider) {
            RelationKind::View
        } else {
            RelationKind::Table
        };
        let meta = self.meta(key);
        let stored_bytes = self.stored_bytes(meta.as_ref(), kind);
        Ok(Some(Relation {
            key: key.clone(),
            kind,
            schema: provider.schema(),
            ddl: meta.as_ref().and_then(|m| m.ddl.clone()),
            view_query: meta.and_then(|m| m.view_query),
            row_count: free_row_count(provider.as_ref()).await,
            stored_bytes,
        }))
    }

    /// What a table's data takes on disk: its kept parts (in-memory
    /// table) or the files under its `path` option (filesystem table).
    fn stored_bytes(&self, meta: Option<&super::catalog::TableMeta>, kind: RelationKind) -> Option<u64> {
        if kind == RelationKind::View {
            return None;
        }
        let meta = meta?;
        let dir = match (&meta.data_id, meta.ddl.as_ref().and_then(|d| d.options.get("path"))) {
            (Some(id), _) => self.shared.memory_dir(id)?,
            (None, Some(path)) => self.shared.roots.resolve(path).ok()?,
            _ => return None,
        };
        Some(disk_usage(&dir))
    }
}

/// Bytes of the files at `path` (a file, or a directory walked; unreadable parts count 0).
pub fn disk_usage(path: &std::path::Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return 0 };
    if meta.is_file() {
        return meta.len();
    }
    if !meta.is_dir() {
        return 0;
    }
    std::fs::read_dir(path).map(|entries| entries.flatten().map(|e| disk_usage(&e.path())).sum()).unwrap_or(0)
}

/// The rows of an in-memory table (summed batch lengths), or what the
/// provider's statistics state exactly; None when only a scan would tell.
async fn free_row_count(provider: &dyn TableProvider) -> Option<u64> {
    if let Some(memory) = provider.downcast_ref::<MemTable>() {
        let mut rows = 0u64;
        for partition in &memory.batches {
            rows += partition.read().await.iter().map(|b| b.num_rows() as u64).sum::<u64>();
        }
        return Some(rows);
    }
    provider.statistics().and_then(|s| s.num_rows.get_value().map(|n| *n as u64))
}
