//! Continuous queries: aggregates in streaming mode, emitted as a Flink changelog.
//!
//! DataFusion aggregates only finite inputs: over an unbounded source its
//! aggregate would wait forever for the end. Flink instead keeps the result
//! up to date as rows arrive and sends each change as a row with a
//! [`RowKind`](crate::result::RowKind), whether the input ends or not. This
//! module does the same for the queries dashboards page for hours:
//!
//! - `SELECT keys, aggregates FROM input GROUP BY keys [HAVING ...] [LIMIT n]`
//!   emits, after each input row ([`Emission::PerRow`]) or once per
//!   mini-batch ([`Emission::MiniBatch`]), `+I` for a new group and
//!   `-U`/`+U` for a group whose result changed. HAVING turns a group that
//!   starts or stops passing into `+I` or `-D`. Over a bounded input the
//!   changelog ends with the input; shapes a bounded input allows but a
//!   changelog cannot follow (ORDER BY over the aggregate, say) run as a
//!   batch query instead.
//! - Window aggregates over Flink's `TUMBLE`/`HOP` table functions (see
//!   [`rewrite_window_tvfs`]) emit each window's rows once, as `+I`, when the
//!   table's watermark passes the window's end; rows arriving after that are
//!   dropped and counted ([`Changelog::late_rows`]).
//!
//! DataFusion still runs the aggregate's input (scan, joins with bounded
//! tables, window assignment); `aggregation` folds its batches into
//! per-group state, and `changes` carries the changes through the query's
//! projection and HAVING. The WHERE right below the aggregate is evaluated
//! while folding, because DataFusion's filter holds rows back until a full
//! batch has passed. State holds live groups only, never input rows. The
//! result is a pull stream: nothing runs while the caller does not poll, and
//! dropping it stops the input.
//!
//! Callers should pass the plan as the SQL planner produced it, before
//! optimization: the optimizer rewrites `COUNT(DISTINCT x)` into nested
//! aggregates, which cannot run continuously. Other optimized plans work.

mod aggregation;
mod changes;
mod emission;
mod functions;
mod plan;
mod rewrite;
mod state;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod window_tests;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::TaskContext;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::{EmptyRecordBatchStream, SendableRecordBatchStream, execute_stream};
use futures::StreamExt;

use crate::engine::RowStream;
use crate::engine::errors::from_datafusion;
use crate::error::{GatewayError, Result};
use aggregation::{Aggregation, WindowSpec};
use changes::Stage;

pub use emission::{Emission, MINI_BATCH_ENABLED, MINI_BATCH_LATENCY, MINI_BATCH_SIZE};
pub use functions::HOP_WINDOW_STARTS;
pub use rewrite::rewrite_window_tvfs;

/// The watermark of a table: `WATERMARK FOR column AS column - delay`.
#[derive(Debug, Clone, PartialEq)]
pub struct Watermark {
    /// The time attribute column.
    pub column: String,
    /// How far the watermark trails the largest event time seen.
    pub delay: std::time::Duration,
}

/// A continuous query, ready to run.
pub struct Changelog {
    /// Columns of every batch of `rows`.
    pub schema: SchemaRef,
    /// The changelog; every batch carries its row kinds.
    pub rows: RowStream,
    /// Rows dropped so far because the watermark had passed all their
    /// windows. Stays 0 for queries without windows.
    pub late_rows: Arc<AtomicU64>,
    /// Whether every row is an INSERT (window aggregates); otherwise the
    /// changelog also retracts (`-U`, `+U`, `-D`).
    pub append_only: bool,
}

impl std::fmt::Debug for Changelog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changelog").field("schema", &self.schema).field("late_rows", &self.late_rows).field("append_only", &self.append_only).finish_non_exhaustive()
    }
}

/// Register the functions rewritten window queries call
/// ([`HOP_WINDOW_STARTS`]) and Flink's `PROCTIME()`.
pub fn register_functions(ctx: &SessionContext) {
    for function in functions::all() {
        ctx.register_udf(function);
    }
}

/// How a changelog query runs; the default is Flink's streaming mode
/// without mini-batch.
#[derive(Debug, Clone, Copy)]
pub struct ChangelogOptions {
    /// When a plain GROUP BY sends its changes.
    pub emission: Emission,
    /// Whether aggregates over bounded inputs run as changelogs too (Flink's
    /// streaming mode), not only those over unbounded ones.
    pub bounded_inputs: bool,
}

impl Default for ChangelogOptions {
    fn default() -> Self {
        ChangelogOptions { emission: Emission::PerRow, bounded_inputs: true }
    }
}

/// Plan `plan` as a continuous changelog query if it aggregates an unbounded
/// input, or (with [`ChangelogOptions::bounded_inputs`]) a bounded one.
///
/// `None` when it does not (run it normally); an error naming the construct
/// when it aggregates an unbounded input in a shape that cannot run
/// continuously (ORDER BY, OFFSET, joins or nested aggregations over the
/// aggregate, unsupported aggregate functions, windows without a
/// watermark). A bounded input in such a shape, or under a window
/// aggregate (whose rows are final either way), gives `None`.
/// `watermark_of(table)` gives the watermark declared on a source table, by
/// the unqualified name it is scanned under.
pub async fn plan_changelog(
    ctx: &SessionContext,
    plan: LogicalPlan,
    watermark_of: &(dyn Fn(&str) -> Option<Watermark> + Send + Sync),
    options: ChangelogOptions,
) -> Result<Option<Changelog>> {
    if !plan::is_query(&plan) {
        return Ok(None);
    }
    let mut state = ctx.state();
    // One input partition keeps the source's order, which the watermark relies on.
    state.config_mut().options_mut().execution.target_partitions = 1;
    let plan = state.analyzer().execute_and_check(plan, state.config_options(), |_, _| {}).map_err(from_datafusion)?;
    let Some(shape) = plan::find(&state, &plan, options.bounded_inputs).await? else { return Ok(None) };
    let aggregate = &shape.aggregate;
    let window_end = plan::window_end_key(aggregate);
    if shape.bounded && window_end.is_some() {
        return Ok(None);
    }
    // Over a bounded input, whatever cannot run as a changelog runs as a batch query.
    let or_batch = |error: GatewayError| if shape.bounded { Ok(None) } else { Err(error) };
    let event_time = match window_end {
        Some(_) => Some(plan::event_time(aggregate, watermark_of)?),
        None => None,
    };
    let input = match plan::input(aggregate, event_time.as_ref().map(|t| &t.column)) {
        Ok(input) => input,
        Err(error) => return or_batch(error),
    };
    let window = match (window_end, event_time, input.time_column) {
        (Some(end_key), Some(time), Some(time_column)) => Some(WindowSpec { end_key, time_column, time_type: time.data_type, delay: time.delay, hop: time.hop }),
        _ => None,
    };
    let (stages, limit) = match plan::stages(&state, &shape.above) {
        Ok(stages) => stages,
        Err(error) => return or_batch(error),
    };
    let late_rows = Arc::new(AtomicU64::new(0));
    let aggregate_schema = Arc::new(aggregate.schema.as_arrow().clone());
    let aggregation = match Aggregation::new(aggregate.group_expr.len(), input.aggregates, aggregate_schema, window, input.where_column, late_rows.clone(), options.emission) {
        Ok(aggregation) => aggregation,
        Err(error) => return or_batch(error),
    };
    let schema: SchemaRef = Arc::new(plan.schema().as_arrow().clone());
    let physical = crate::engine::query::physical_plan(ctx, input.plan.clone()).await?;
    let source = execute_stream(physical, Arc::new(TaskContext::from(&state))).map_err(from_datafusion)?;
    let append_only = aggregation.append_only();
    let latency = options.emission.latency();
    let running = Running { source, aggregation, stages, schema: schema.clone(), remaining: limit, done: limit == Some(0), latency, deadline: None };
    Ok(Some(Changelog { schema, rows: running.into_stream(), late_rows, append_only }))
}

/// A continuous query between two polls.
struct Running {
    /// The aggregate's input, run by DataFusion.
    source: SendableRecordBatchStream,
    /// Groups and their state.
    aggregation: Aggregation,
    /// Projection and HAVING above the aggregate, innermost first.
    stages: Vec<Stage>,
    /// Columns of the result.
    schema: SchemaRef,
    /// Rows still allowed by a LIMIT.
    remaining: Option<usize>,
    /// Nothing more will be emitted.
    done: bool,
    /// A mini-batch's allowed latency: how long folded rows may wait for more.
    latency: Option<std::time::Duration>,
    /// When the rows folded but not yet reported must be reported.
    deadline: Option<tokio::time::Instant>,
}

impl Running {
    /// The changelog as a stream pulling one input batch at a time.
    fn into_stream(self) -> RowStream {
        futures::stream::unfold(self, |mut running| async move {
            while !running.done {
                let next = match running.deadline {
                    Some(deadline) => tokio::time::timeout_at(deadline, running.source.next()).await.ok(),
                    None => Some(running.source.next().await),
                };
                let changes = match next {
                    // The mini-batch waited as long as allowed.
                    None => running.aggregation.flush(),
                    Some(Some(Ok(batch))) => running.aggregation.fold(&batch),
                    Some(Some(Err(error))) => Err(from_datafusion(error)),
                    Some(None) => {
                        running.done = true;
                        running.aggregation.finish()
                    }
                };
                running.deadline = match (running.aggregation.has_unreported(), running.deadline, running.latency) {
                    (false, _, _) | (_, _, None) => None,
                    (true, Some(deadline), _) => Some(deadline),
                    // A latency beyond the clock's range never flushes by time.
                    (true, None, Some(latency)) => tokio::time::Instant::now().checked_add(latency),
                };
                match changes.and_then(|c| running.emit(c)) {
                    Ok(None) => continue,
                    Ok(Some(rows)) => return Some((Ok(rows), running)),
                    Err(error) => {
                        running.stop();
                        return Some((Err(error), running));
                    }
                }
            }
            None
        })
        // Polling again after the end answers None again.
        .fuse()
        .boxed()
    }

    /// The result rows of one batch's changes, counting them against the LIMIT.
    fn emit(&mut self, changes: Option<changes::Changes>) -> Result<Option<crate::result::Rows>> {
        let Some(mut changes) = changes else { return Ok(None) };
        for stage in &self.stages {
            changes = changes.apply(stage)?;
        }
        let rows = changes.into_rows(&self.schema, self.remaining)?;
        if let (Some(remaining), Some(rows)) = (self.remaining.as_mut(), rows.as_ref()) {
            *remaining -= rows.num_rows().min(*remaining);
            if *remaining == 0 {
                self.stop();
            }
        }
        Ok(rows)
    }

    /// Emit nothing more and release the input now rather than when the stream is dropped.
    fn stop(&mut self) {
        self.done = true;
        self.source = Box::pin(EmptyRecordBatchStream::new(self.source.schema()));
    }
}
