//! Materialized tables (Flink's v3 feature): a table defined by a query and
//! kept fresh by refreshing it, on demand (`ALTER MATERIALIZED TABLE ...
//! REFRESH`, the v3 refresh endpoint) and every `FRESHNESS` interval while it
//! is not suspended.
//!
//! A refresh is a job: it runs the query to the end and swaps the table's
//! contents for the new rows at once, so readers see the old rows or the new
//! ones, never a mix.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::{Array, ArrayRef, MapBuilder, MapFieldNames, StringArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::execution::context::SessionContext;
use tokio_util::sync::CancellationToken;

use super::catalog::{quoted, TableKey, TableMeta};
use super::dialect::{CreateMaterializedTable, MaterializedAction, Name};
use super::durable::definitions::{self, MaterializedDefinition};
use super::errors::from_datafusion;
use super::results::ok_result;
use super::{Prepared, PreparedRows, SessionEngine};
use crate::error::{GatewayError, Result};
use crate::job::JobRegistry;
use crate::store::CatalogChange;
use crate::result::{ResultShape, Rows};

/// One materialized table of a session.
#[derive(Debug)]
pub struct Materialized {
    /// Where it lives.
    key: TableKey,
    /// The defining query (window functions already rewritten).
    query: String,
    /// The query as written, to store.
    source: String,
    /// Where the query was written.
    scope: (String, String),
    /// Refresh period, when declared.
    freshness: Option<Duration>,
    /// Suspended tables are not refreshed periodically.
    suspended: AtomicBool,
    /// Stops the periodic refresh (DROP, or the gateway stops).
    pub(super) stop: CancellationToken,
}

/// Run the query and swap the table's rows; answers the rows written.
async fn refresh_now(ctx: SessionContext, table: Arc<Materialized>) -> Result<u64> {
    let frame = ctx.sql(&table.query).await.map_err(from_datafusion)?;
    let schema = Arc::new(frame.schema().as_arrow().clone());
    let batches = frame.collect().await.map_err(from_datafusion)?;
    let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
    let provider = MemTable::try_new(schema, vec![batches]).map_err(from_datafusion)?;
    let database = ctx
        .catalog(&table.key.0)
        .and_then(|c| c.schema(&table.key.1))
        .ok_or_else(|| GatewayError::Sql(format!("Database of materialized table {} no longer exists", quoted(&table.key))))?;
    // Swap the contents: readers see the old rows or the new ones.
    database.deregister_table(&table.key.2).map_err(from_datafusion)?;
    database.register_table(table.key.2.clone(), Arc::new(provider)).map_err(from_datafusion)?;
    Ok(rows)
}

/// Start a refresh job of `table`.
fn spawn_refresh(jobs: &Arc<JobRegistry>, ctx: &SessionContext, table: &Arc<Materialized>) -> Result<String> {
    let (ctx, running) = (ctx.clone(), table.clone());
    let name = format!("materialized_table_refresh_{}", quoted(&table.key).replace('`', ""));
    Ok(jobs.spawn(name, move |_| refresh_now(ctx, running))?.id.clone())
}

/// The refresh answer: `job id` and `cluster info`, one row.
fn refresh_result(job_id: &str) -> Result<Prepared> {
    let names = MapFieldNames { entry: "entries".into(), key: "key".into(), value: "value".into() };
    let mut map = MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new());
    map.keys().append_value("execution.target");
    map.values().append_value("local");
    map.append(true).map_err(|e| GatewayError::Internal(e.to_string()))?;
    let map = map.finish();
    let schema = Arc::new(Schema::new(vec![Field::new("job id", DataType::Utf8, true), Field::new("cluster info", map.data_type().clone(), true)]));
    let columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec![job_id])), Arc::new(map)];
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| GatewayError::Internal(e.to_string()))?;
    Ok(Prepared {
        schema,
        shape: ResultShape { is_query: false, has_content: true, job_id: Some(job_id.to_string()) },
        rows: PreparedRows::Materialized(vec![Rows::inserts(batch)]),
        kind: "dml",
        log: None,
    })
}

impl SessionEngine {
    pub(super) async fn create_materialized(&self, def: CreateMaterializedTable) -> Result<Prepared> {
        let key = self.table_key(&def.name)?;
        if !self.check_free(&key, false, false, false, "CreateMaterializedTable").await? {
            return Ok(ok_result());
        }
        let query = self.flink_sql(&def.query)?;
        // Plan first: a wrong query is answered before anything exists.
        let plan = self.ctx.state().create_logical_plan(&query).await.map_err(from_datafusion)?;
        let schema = Arc::new(plan.schema().as_arrow().clone());
        let empty = MemTable::try_new(schema, vec![vec![]]).map_err(from_datafusion)?;
        let table = Arc::new(Materialized {
            key: key.clone(),
            query,
            source: def.query.clone(),
            scope: self.current(),
            freshness: def.freshness,
            suspended: AtomicBool::new(false),
            stop: self.shared.catalog.closed.child_token(),
        });
        self.persist(vec![CatalogChange::Put(self.stored_materialized(&table, false))]).await?;
        self.register(&key, Arc::new(empty), TableMeta { owner: self.owner.clone(), ..TableMeta::default() })?;
        self.shared.catalog.materialized().insert(key, table.clone());
        spawn_refresh(&self.shared.jobs, &self.ctx, &table)?;
        if let Some(period) = table.freshness.filter(|p| !p.is_zero()) {
            let (jobs, ctx, table) = (self.shared.jobs.clone(), self.ctx.clone(), table.clone());
            tokio::spawn(async move {
                let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
                loop {
                    tokio::select! {
                        _ = table.stop.cancelled() => break,
                        _ = ticks.tick() => {}
                    }
                    if !table.suspended.load(Ordering::Relaxed) && spawn_refresh(&jobs, &ctx, &table).is_err() {
                        break;
                    }
                }
            });
        }
        Ok(ok_result())
    }

    /// The stored form of `table`, suspended or not.
    fn stored_materialized(&self, table: &Materialized, suspended: bool) -> crate::store::CatalogObject {
        let def = MaterializedDefinition { key: &table.key, query: &table.source, freshness: table.freshness, written_in: &table.scope, suspended };
        let meta = self.meta(&table.key).unwrap_or_default();
        let owner = if meta.owner.is_empty() { &self.owner } else { &meta.owner };
        definitions::with_properties(definitions::materialized(&def, owner), &meta.properties)
    }

    fn materialized_table(&self, name: &Name) -> Result<Arc<Materialized>> {
        let key = self.table_key(name)?;
        self.shared
            .catalog
            .materialized()
            .get(&key)
            .cloned()
            .ok_or_else(|| GatewayError::Sql(format!("Materialized table with identifier {} does not exist.", quoted(&key))))
    }

    pub(super) async fn alter_materialized(&self, name: &Name, action: &MaterializedAction) -> Result<Prepared> {
        let table = self.materialized_table(name)?;
        let suspend = match action {
            MaterializedAction::Suspend => true,
            MaterializedAction::Resume => false,
            MaterializedAction::Refresh { .. } => return refresh_result(&spawn_refresh(&self.shared.jobs, &self.ctx, &table)?),
        };
        self.persist(vec![CatalogChange::Put(self.stored_materialized(&table, suspend))]).await?;
        table.suspended.store(suspend, Ordering::Relaxed);
        Ok(ok_result())
    }

    pub(super) async fn drop_materialized(&self, name: &Name, if_exists: bool) -> Result<Prepared> {
        match self.materialized_table(name) {
            Ok(table) => {
                self.persist(vec![CatalogChange::Delete(table.key.clone())]).await?;
                self.deregister(&table.key)?;
                Ok(ok_result())
            }
            Err(_) if if_exists => Ok(ok_result()),
            Err(e) => Err(e),
        }
    }

    /// Stop refreshing `key` (it was dropped or replaced).
    pub(super) fn forget_materialized(&self, key: &TableKey) {
        let removed = self.shared.catalog.materialized().remove(key);
        if let Some(table) = removed {
            table.stop.cancel();
        }
    }
}

/// Materialized tables of a session, by place.
pub type MaterializedTables = BTreeMap<TableKey, Arc<Materialized>>;
