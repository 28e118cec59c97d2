//! Queries: planned by DataFusion, run as a stream of rows, or, for an
//! aggregate over an unbounded source in streaming mode, as a changelog.
//!
//! `execution.runtime-mode` decides: `streaming` (Flink's default) lets
//! queries over unbounded sources run for ever; `batch` refuses them, since
//! a batch result must end.

use std::sync::Arc;

use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::{execute_stream, ExecutionPlan, ExecutionPlanProperties};
use futures::StreamExt;

use super::continuous::{self, Watermark};
use super::errors::from_datafusion;
use super::results::{names, new_job_id};
use super::{Prepared, PreparedRows, SessionEngine};
use crate::error::{GatewayError, Result};
use crate::result::{ResultShape, Rows};

/// The property naming the runtime mode.
pub const RUNTIME_MODE: &str = "execution.runtime-mode";

/// The physical plan of `plan`, fit for streaming when its input is unbounded:
/// one partition (rows keep their order, no round-robin shuffle) and filters
/// that pass each batch on at once instead of gathering `batch_size` matching
/// rows first, which over a slow source would hold rows back for minutes.
pub async fn physical_plan(ctx: &SessionContext, plan: LogicalPlan) -> Result<Arc<dyn ExecutionPlan>> {
    let state = ctx.state();
    let physical = state.create_physical_plan(&plan).await.map_err(from_datafusion)?;
    if !physical.boundedness().is_unbounded() {
        return Ok(physical);
    }
    let mut streaming = state.clone();
    let options = streaming.config_mut().options_mut();
    options.execution.target_partitions = 1;
    options.execution.coalesce_batches = false;
    let physical = streaming.create_physical_plan(&plan).await.map_err(from_datafusion)?;
    let prompt = physical
        .transform_up(|node| match node.downcast_ref::<FilterExec>() {
            // A target of one row makes the coalescer pass every non-empty batch through.
            Some(filter) => Ok(Transformed::yes(Arc::new(filter.with_batch_size(1)?) as Arc<dyn ExecutionPlan>)),
            None => Ok(Transformed::no(node)),
        })
        .map_err(from_datafusion)?;
    Ok(prompt.data)
}

impl SessionEngine {
    /// Whether queries run in streaming mode (the default).
    pub fn streaming(&self) -> bool {
        !self.properties.get(RUNTIME_MODE).is_some_and(|m| m.eq_ignore_ascii_case("batch"))
    }

    /// `sql` with Flink's syntax DataFusion lacks rewritten: window table
    /// functions, then expression forms (`MAP[..]`, casts to Flink types,
    /// `FLOOR(t TO unit)`, `IS JSON`, ...).
    pub(super) fn flink_sql(&self, sql: &str) -> Result<String> {
        let sql = continuous::rewrite_window_tvfs(sql)?;
        let zone = self.properties.get(super::settings::LOCAL_TIME_ZONE).filter(|z| !z.trim().is_empty()).unwrap_or_else(|| "UTC".into());
        super::dialect::rewrite_expressions(&sql, &zone)
    }

    /// How streaming aggregates emit: Flink's changelog over bounded inputs
    /// too, row by row unless the session enables mini-batch.
    fn changelog_options(&self) -> Result<continuous::ChangelogOptions> {
        let emission = continuous::Emission::from_properties(|key| self.properties.get(key))?;
        Ok(continuous::ChangelogOptions { emission, bounded_inputs: true })
    }

    /// The watermark declared on a table named `table` (unqualified), looked
    /// up in the current database first.
    fn watermark_of(&self, table: &str) -> Option<Watermark> {
        let current = self.current();
        let tables = self.metas();
        let mut found = tables.iter().filter(|(k, _)| k.2 == table).collect::<Vec<_>>();
        found.sort_by_key(|(k, _)| (k.0 != current.0 || k.1 != current.1) as u8);
        let ddl = found.first()?.1.ddl.as_ref()?;
        let w = ddl.watermark.as_ref()?;
        Some(Watermark { column: w.column.clone(), delay: w.delay })
    }

    /// Plan and start a query.
    pub(super) async fn query(&self, ctx: &SessionContext, sql: &str) -> Result<Prepared> {
        let sql = self.flink_sql(sql)?;
        let plan = super::typing::flink_types(ctx.state().create_logical_plan(&sql).await.map_err(from_datafusion)?)?;
        let shape = ResultShape { is_query: true, has_content: true, job_id: Some(new_job_id()) };
        if self.streaming()
            && let Some(changelog) = continuous::plan_changelog(ctx, plan.clone(), &|t: &str| self.watermark_of(t), self.changelog_options()?).await?
        {
            // Rows dropped as late are reported in the operation's log as they happen.
            let log = Arc::new(crate::operation::OperationLog::default());
            let (late, reported) = (changelog.late_rows, log.clone());
            let mut seen = 0u64;
            let rows = changelog
                .rows
                .inspect(move |_| {
                    let now = late.load(std::sync::atomic::Ordering::Relaxed);
                    if now > seen {
                        reported.push(format!("dropped {} late row(s) behind the watermark ({now} in all)", now - seen));
                        seen = now;
                    }
                })
                .boxed();
            return Ok(Prepared { schema: changelog.schema, shape, rows: PreparedRows::Stream(rows), kind: "query", log: Some(log) });
        }
        let schema: SchemaRef = Arc::new(plan.schema().as_arrow().clone());
        let physical = physical_plan(ctx, plan).await?;
        if !self.streaming() && physical.boundedness().is_unbounded() {
            return Err(GatewayError::Sql(
                "Querying an unbounded table in batch mode is not allowed. The table source is unbounded: SET 'execution.runtime-mode' = 'streaming' to run it as a continuous query.".into(),
            ));
        }
        let stream = execute_stream(physical, ctx.task_ctx()).map_err(from_datafusion)?;
        let rows = stream.map(|batch| batch.map(Rows::inserts).map_err(from_datafusion)).boxed();
        Ok(Prepared { schema, shape, rows: PreparedRows::Stream(rows), kind: "query", log: None })
    }

    /// EXPLAIN: the plans as one text in a `result` column, as Flink answers.
    pub(super) async fn explain(&self, ctx: &SessionContext, statement: &str) -> Result<Prepared> {
        let sql = self.flink_sql(statement)?;
        let frame = ctx.sql(&format!("EXPLAIN {sql}")).await.map_err(from_datafusion)?;
        let batches = frame.collect().await.map_err(from_datafusion)?;
        let mut text = String::new();
        for batch in &batches {
            let (Some(kinds), Some(plans)) = (
                batch.column(0).as_any().downcast_ref::<StringArray>(),
                batch.column(1).as_any().downcast_ref::<StringArray>(),
            ) else {
                continue;
            };
            for i in 0..batch.num_rows() {
                if kinds.is_valid(i) && plans.is_valid(i) {
                    text.push_str(&format!("== {} ==\n{}\n\n", kinds.value(i), plans.value(i)));
                }
            }
        }
        names("result", [text])
    }
}
