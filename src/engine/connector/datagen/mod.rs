//! Flink's `datagen` connector as a DataFusion table: random or sequential
//! rows at a steady rate, so statements can be tried and load-tested without
//! any external system.
//!
//! The options are Flink's (see `options`): `rows-per-second` (default
//! 10000), `number-of-rows`, `scan.parallelism` (accepted, ignored) and per
//! column `fields.<name>.kind` (`random` or `sequence`), `min`, `max`,
//! `max-past`, `length`, `var-len`, `start`, `end` and `null-rate`.
//!
//! The table is bounded when `number-of-rows` is set or a sequence column has
//! an `end`, and ends after `number-of-rows` rows or when a sequence runs out,
//! whichever comes first; otherwise it is unbounded and never ends. A
//! sequence's `end` is optional here (Flink requires it): without one the
//! sequence keeps counting, up to the largest value of its column's type.
//!
//! Each scan is one pull stream, paced with tokio timers: a batch every
//! ~100 ms holding the rows due by then (one row per batch below 10 rows per
//! second), at most [`options::MAX_BATCH_ROWS`] rows per batch. Nothing runs
//! ahead of the consumer, so a consumer that stops polling stops generation.

mod options;
#[cfg(test)]
mod tests;
mod values;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::catalog::TableProvider;
use datafusion::catalog::streaming::StreamingTable;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::PartitionStream;
use tokio::time::Instant;

use super::TableSpec;
use crate::error::{GatewayError, Result};
use options::Settings;
use values::{Rng, ValueGen};

/// Shortest time between two batches: rows due in between are gathered.
const TICK: Duration = Duration::from_millis(100);

/// Build a datagen table for `spec` (schema = physical columns, options = WITH options).
pub fn create(spec: &TableSpec) -> Result<Arc<dyn TableProvider>> {
    let settings = options::read(spec)?;
    let infinite = !settings.bounded;
    let partition = DatagenPartition { schema: spec.schema.clone(), settings: Arc::new(settings) };
    let table = StreamingTable::try_new(spec.schema.clone(), vec![Arc::new(partition)])
        .map_err(|e| GatewayError::Internal(format!("datagen table {}: {e}", spec.name)))?
        .with_infinite_table(infinite);
    Ok(Arc::new(table))
}

/// The table's only partition: every scan runs a fresh [`Generator`].
#[derive(Debug)]
struct DatagenPartition {
    /// All columns of the table; `StreamingTable` projects the batches.
    schema: SchemaRef,
    /// The options read once at `CREATE TABLE`, shared by all scans.
    settings: Arc<Settings>,
}

impl PartitionStream for DatagenPartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let generator = Generator::new(self.schema.clone(), &self.settings);
        let batches = futures::stream::unfold(generator, |mut generator| async move {
            let batch = generator.next_batch().await?;
            Some((batch, generator))
        });
        Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), batches))
    }
}

/// Seeds differ per scan even when two scans start in the same clock tick.
static SCANS: AtomicU64 = AtomicU64::new(0);

/// The state of one scan.
struct Generator {
    /// The batches' schema: all columns of the table.
    schema: SchemaRef,
    /// This scan's copy of the column generators, so its sequences start afresh.
    columns: Vec<ValueGen>,
    /// This scan's random numbers.
    rng: Rng,
    /// Rows still to produce; `None` for an unbounded table.
    remaining: Option<u64>,
    /// Rows already due but not produced yet: a due set larger than a batch
    /// is split over several batches produced without waiting.
    pending: u64,
    /// Most rows per batch.
    batch_rows: usize,
    /// When rows are due.
    pacer: Pacer,
    /// Set after an error, which ends the stream.
    failed: bool,
}

impl Generator {
    /// A scan of a table with `settings`, starting now.
    fn new(schema: SchemaRef, settings: &Settings) -> Self {
        let clock = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        let scan = SCANS.fetch_add(1, Ordering::Relaxed);
        Generator {
            schema,
            columns: settings.columns.clone(),
            rng: Rng::new(clock ^ scan.wrapping_mul(0xA076_1D64_78BD_642F)),
            remaining: settings.row_limit,
            pending: 0,
            batch_rows: settings.batch_rows,
            pacer: Pacer::new(settings.rows_per_second),
            failed: false,
        }
    }

    /// The next batch, once its rows are due; `None` at the end of the table.
    async fn next_batch(&mut self) -> Option<Result<RecordBatch, DataFusionError>> {
        if self.failed || self.remaining == Some(0) {
            return None;
        }
        if self.pending == 0 {
            self.pending = self.pacer.due().await;
        }
        let mut rows = self.pending.min(self.batch_rows as u64);
        if let Some(remaining) = self.remaining.as_mut() {
            rows = rows.min(*remaining);
            *remaining -= rows;
        }
        self.pending -= rows;
        let batch = self.build(rows as usize);
        self.failed = batch.is_err();
        Some(batch)
    }

    /// A batch of `rows` new rows.
    fn build(&mut self, rows: usize) -> Result<RecordBatch, DataFusionError> {
        let now_ns = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => since.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        };
        let columns = self
            .columns
            .iter_mut()
            .map(|column| column.generate(&mut self.rng, rows, now_ns))
            .collect::<Result<Vec<_>, _>>()?;
        // The explicit row count keeps a table without columns well-defined.
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(self.schema.clone(), columns, &options)?)
    }
}

/// Paces a scan at its rate: row `k` is due `k / rate` seconds after the start.
struct Pacer {
    /// `rows-per-second`.
    rate: f64,
    /// When the scan started.
    origin: Instant,
    /// Row slots handed out so far, produced or given up after a stall.
    accounted: u64,
    /// When rows were last handed out, to keep batches [`TICK`] apart.
    last: Option<Instant>,
}

impl Pacer {
    /// A pacer for `rate` rows per second, starting now.
    fn new(rate: u64) -> Self {
        Pacer { rate: rate as f64, origin: Instant::now(), accounted: 0, last: None }
    }

    /// Waits until rows are due, and returns how many (at least one).
    async fn due(&mut self) -> u64 {
        let offset = Duration::try_from_secs_f64(self.accounted as f64 / self.rate).unwrap_or(Duration::MAX);
        let slot = self.origin.checked_add(offset).unwrap_or_else(Instant::now);
        let next = match self.last {
            Some(last) => slot.max(last + TICK),
            None => slot,
        };
        tokio::time::sleep_until(next).await;
        let now = Instant::now();
        self.last = Some(now);
        // Rows whose due time has come: row 0 is due at the start.
        let due_total = (((now - self.origin).as_secs_f64() * self.rate) as u64).saturating_add(1);
        // After a consumer stalled, catch up at most one second's worth of
        // rows rather than bursting everything it missed.
        let cap = (self.rate.ceil() as u64).max(1);
        let due = due_total.saturating_sub(self.accounted).clamp(1, cap);
        self.accounted = self.accounted.saturating_add(due).max(due_total);
        due
    }
}
