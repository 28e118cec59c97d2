//! Writing statements as background jobs: INSERT, statement sets and CTAS
//! into a connector table.
//!
//! The statement is planned at once (a mistake is answered straight away),
//! then runs as a [`crate::job::Job`]: the answer is Flink's `job id` row
//! while the rows are still being written. `table.dml-sync = true` waits for
//! the job instead, as Flink does.

use std::sync::Arc;

use datafusion::arrow::array::{Array, UInt64Array};
use datafusion::arrow::datatypes::Schema;
use super::connector::memory::MemoryTable;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::LogicalPlan;

use super::catalog::{quoted, TableKey, TableMeta};
use super::dialect::{flink_type_of_field, ColumnDef, CreateTable, FlinkStatement, Name};
use super::errors::from_datafusion;
use super::results::{job_result, ok_result};
use super::{Prepared, SessionEngine};
use crate::error::{GatewayError, Result};
use crate::job::{Job, JobStatus};

/// The property that makes DML wait for its job.
pub const DML_SYNC: &str = "table.dml-sync";

/// Run `plans` (INSERT plans) to the end, together, with the job's log
/// reachable by the sinks; answers the rows written.
async fn run_inserts(ctx: SessionContext, job: Arc<Job>, plans: Vec<LogicalPlan>) -> Result<u64> {
    // Same catalogs, plus the job's log where the `print` sink finds it. (A
    // rebuilt state would register fresh default catalogs over the shared ones.)
    let mut state = ctx.state();
    state.config_mut().set_extension(job.log.clone());
    let ctx = SessionContext::new_with_state(state);
    // Every INSERT of a set runs at once: one may read an unbounded source.
    let runs = plans.into_iter().map(|plan| {
        let ctx = ctx.clone();
        async move {
            let physical = super::query::physical_plan(&ctx, plan).await?;
            let batches = datafusion::physical_plan::collect(physical, ctx.task_ctx()).await.map_err(from_datafusion)?;
            let mut rows = 0u64;
            for batch in &batches {
                if let Some(counts) = batch.column(0).as_any().downcast_ref::<UInt64Array>() {
                    rows += counts.iter().flatten().sum::<u64>();
                }
            }
            Ok::<u64, GatewayError>(rows)
        }
    });
    Ok(futures::future::try_join_all(runs).await?.into_iter().sum())
}

impl SessionEngine {
    /// Plan INSERT statements (window functions rewritten first).
    async fn plan_inserts(&self, ctx: &SessionContext, inserts: &[String]) -> Result<Vec<LogicalPlan>> {
        let mut plans = Vec::new();
        for sql in inserts {
            let sql = self.flink_sql(sql)?;
            plans.push(ctx.state().create_logical_plan(&sql).await.map_err(from_datafusion)?);
        }
        Ok(plans)
    }

    /// Start a job running `plans`; answers its id (or waits, with dml-sync).
    async fn start_job(&self, ctx: &SessionContext, name: String, plans: Vec<LogicalPlan>) -> Result<Prepared> {
        let job_ctx = ctx.clone();
        let job = self.shared.jobs.spawn_owned(name, self.owner.clone(), move |job| run_inserts(job_ctx, job, plans))?;
        if self.properties.get(DML_SYNC).is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            job.done().cancelled().await;
            if job.status() == JobStatus::Failed {
                return Err(GatewayError::Sql(job.error().unwrap_or_default()));
            }
        }
        let mut answer = job_result(&job.id);
        answer.log = Some(job.log.clone());
        Ok(answer)
    }

    /// INSERT INTO ...: a job.
    pub(super) async fn insert(&self, ctx: &SessionContext, table: &Name, sql: &str) -> Result<Prepared> {
        let key = self.table_key(table)?;
        let plans = self.plan_inserts(ctx, &[sql.to_string()]).await?;
        self.start_job(ctx, format!("insert-into_{}.{}.{}", key.0, key.1, key.2), plans).await
    }

    /// A statement set: every INSERT in one job.
    pub(super) async fn statement_set(&self, ctx: &SessionContext, inserts: Vec<String>) -> Result<Prepared> {
        if inserts.is_empty() {
            return Ok(ok_result());
        }
        let plans = self.plan_inserts(ctx, &inserts).await?;
        self.start_job(ctx, "insert-into_statement-set".to_string(), plans).await
    }

    /// `BEGIN STATEMENT SET`.
    pub(super) fn begin_statement_set(&self) -> Result<Prepared> {
        let mut set = self.statement_set.lock().map_err(|_| GatewayError::Internal("statement set lock".into()))?;
        if set.is_some() {
            return Err(GatewayError::Sql("A statement set is already open: add INSERT statements or submit it with END.".into()));
        }
        *set = Some(Vec::new());
        Ok(ok_result())
    }

    /// A statement while a statement set is open: INSERTs are buffered,
    /// END submits, anything else is refused as Flink refuses it.
    pub(super) fn statement_set_open(&self) -> bool {
        self.statement_set.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// Buffer an INSERT into the open set.
    pub(super) fn buffer_insert(&self, sql: String) -> Result<Prepared> {
        if let Ok(mut set) = self.statement_set.lock()
            && let Some(inserts) = set.as_mut()
        {
            inserts.push(sql);
        }
        Ok(ok_result())
    }

    /// `END`: submit the open set.
    pub(super) async fn end_statement_set(&self, ctx: &SessionContext) -> Result<Prepared> {
        let inserts = self.statement_set.lock().ok().and_then(|mut s| s.take());
        match inserts {
            None => Err(GatewayError::Sql("No Statement Set to submit. 'END' statement should be used after 'BEGIN STATEMENT SET'.".into())),
            Some(inserts) => self.statement_set(ctx, inserts).await,
        }
    }

    /// CREATE [OR REPLACE] TABLE ... AS: an in-memory table is filled before
    /// answering `OK`; a connector table is created, then filled by a job.
    /// Either way the table is stored with the columns of the query.
    pub(super) async fn create_table_as(&self, key: TableKey, ddl: CreateTable) -> Result<Prepared> {
        let query = ddl.as_query.clone().unwrap_or_default();
        let query = self.flink_sql(&query)?;
        if !self.check_free(&key, ddl.temporary, ddl.if_not_exists, ddl.or_replace, "CreateTableAs").await? {
            return Ok(ok_result());
        }
        let plan = self.ctx.state().create_logical_plan(&query).await.map_err(from_datafusion)?;
        let physical = Arc::new(plan.schema().as_arrow().clone());
        let mut stored = ddl.clone();
        stored.as_query = None;
        stored.or_replace = false;
        stored.if_not_exists = false;
        let in_memory = ddl.options.is_empty() && ddl.columns.is_empty();
        if stored.columns.is_empty() {
            stored.columns = declared_columns(&physical)?;
        }
        let temporary = ddl.temporary;
        if in_memory {
            let frame = self.ctx.execute_logical_plan(plan).await.map_err(from_datafusion)?;
            let batches = frame.collect().await.map_err(from_datafusion)?;
            let data_id = self.new_data_id(temporary);
            let table = match data_id.as_deref().and_then(|id| self.shared.memory_dir(id)) {
                Some(dir) => MemoryTable::open(physical, dir).map_err(from_datafusion)?,
                None => MemoryTable::in_memory(physical),
            };
            table.commit(batches, false).await.map_err(from_datafusion)?;
            if let Err(e) = self.store_and_register(&key, Arc::new(table), TableMeta { temporary, data_id: data_id.clone(), ..TableMeta::table(stored) }).await {
                self.remove_data(data_id.as_deref());
                return Err(e);
            }
            return Ok(ok_result());
        }
        let table = self.build_table(&key, &stored, physical, None)?;
        self.store_and_register(&key, table, TableMeta { temporary, ..TableMeta::table(stored) }).await?;
        let target = format!("\"{}\".\"{}\".\"{}\"", key.0.replace('"', "\"\""), key.1.replace('"', "\"\""), key.2.replace('"', "\"\""));
        let insert = format!("INSERT INTO {target} {query}");
        let plans = self.plan_inserts(&self.ctx, &[insert]).await?;
        self.start_job(&self.ctx.clone(), format!("insert-into_{}", quoted(&key).replace('`', "")), plans).await
    }
}

/// The Flink columns of a query's result, as a CTAS table declares them.
fn declared_columns(schema: &Schema) -> Result<Vec<ColumnDef>> {
    let columns: Vec<String> = schema.fields().iter().map(|f| format!("{} {}", super::dialect::quote_ident(f.name()), flink_type_of_field(f))).collect();
    let text = format!("CREATE TABLE t ({})", columns.join(", "));
    match super::dialect::parse(&text) {
        Ok(FlinkStatement::CreateTable(ddl)) => Ok(ddl.columns),
        _ => Err(GatewayError::Sql(format!("The columns of this query have no Flink DDL form to store the table with: {}", columns.join(", ")))),
    }
}
