//! Folding input batches into per-group state and turning what changed into
//! [`Changes`].
//!
//! Group keys are encoded with arrow's row format and looked up as bytes.
//! A plain GROUP BY keeps one table of groups for the life of the query and
//! reports the groups touched since its last report: after every row, as
//! Flink does, or once per mini-batch ([`Emission`]). A window
//! aggregate keeps one table per window end and reports a window's groups
//! once, when the watermark passes the end, then forgets them: its state is
//! bounded by the windows still open.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, SchemaRef};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::arrow::row::{RowConverter, Rows as KeyRows};
use datafusion::common::ScalarValue;

use super::changes::{Change, Changes};
use super::emission::Emission;
use super::state::{AggregateSpec, State};
use crate::error::{GatewayError, Result};

/// Event time of a window aggregate.
#[derive(Debug, Clone)]
pub(super) struct WindowSpec {
    /// Which group key is `window_end`.
    pub(super) end_key: usize,
    /// Input column holding the event time.
    pub(super) time_column: usize,
    /// Type of the event time (a timestamp); window ends are compared in its unit.
    pub(super) time_type: DataType,
    /// The watermark's delay, in the event time's unit.
    pub(super) delay: i64,
    /// `(slide, size)` of a HOP window, in the event time's unit: a row falls
    /// into several windows and counts as late only when its last one has fired.
    pub(super) hop: Option<(i64, i64)>,
}

/// The groups of one table and their state.
#[derive(Debug, Default)]
struct GroupTable {
    /// Encoded key to position in `groups`.
    index: HashMap<Arc<[u8]>, usize>,
    /// Groups in the order they first appeared, so output order is stable.
    groups: Vec<Group>,
}

/// One group.
#[derive(Debug)]
struct Group {
    /// The encoded key (empty without GROUP BY), shared with the index.
    key: Arc<[u8]>,
    /// One state per aggregate.
    states: Vec<State>,
    /// The values last emitted, to retract them on the next change.
    emitted: Option<Vec<ScalarValue>>,
    /// The report period that last touched the group, to list each touched
    /// group once per report.
    touched_in: u64,
}

impl GroupTable {
    /// The position of the group with `key`, created empty if new.
    fn group(&mut self, key: &[u8], aggregates: &[AggregateSpec]) -> usize {
        if let Some(&index) = self.index.get(key) {
            return index;
        }
        let index = self.groups.len();
        let key: Arc<[u8]> = key.into();
        self.index.insert(key.clone(), index);
        self.groups.push(Group {
            key,
            states: aggregates.iter().map(AggregateSpec::new_state).collect(),
            emitted: None,
            touched_in: 0,
        });
        index
    }
}

/// A continuously maintained GROUP BY.
#[derive(Debug)]
pub(super) struct Aggregation {
    /// Number of leading input columns that are group keys.
    key_count: usize,
    /// Encodes the keys; `None` without GROUP BY (one global group).
    keys: Option<RowConverter>,
    /// The aggregates, in output order.
    aggregates: Vec<AggregateSpec>,
    /// Keys then aggregates, as the plan's Aggregate node names and types them.
    schema: SchemaRef,
    /// Present for window aggregates.
    window: Option<WindowSpec>,
    /// Input column with the WHERE condition; rows not meeting it are skipped.
    condition: Option<usize>,
    /// Groups of a plain GROUP BY.
    groups: GroupTable,
    /// Groups of the windows still open, by window end.
    windows: BTreeMap<i64, GroupTable>,
    /// Largest event time seen.
    max_time: Option<i64>,
    /// Windows ending at or before this have fired.
    watermark: Option<i64>,
    /// When a plain GROUP BY reports its changes.
    emission: Emission,
    /// The current report period of a plain GROUP BY (starts at 1).
    period: u64,
    /// Groups touched in this period, in the order first touched.
    touched: Vec<usize>,
    /// Input rows folded in this period.
    unreported_rows: usize,
    /// Changes reported while folding the current batch, sent when it ends.
    pending: Pending,
    /// Rows dropped for arriving after all their windows fired.
    late_rows: Arc<AtomicU64>,
}

impl Aggregation {
    /// An aggregation over input batches whose first `key_count` columns are
    /// the group keys, producing rows of `schema`.
    pub(super) fn new(
        key_count: usize,
        aggregates: Vec<AggregateSpec>,
        schema: SchemaRef,
        window: Option<WindowSpec>,
        condition: Option<usize>,
        late_rows: Arc<AtomicU64>,
        emission: Emission,
    ) -> Result<Self> {
        let keys = if key_count == 0 {
            None
        } else {
            let fields = schema.fields()[..key_count].iter().map(|f| datafusion::arrow::row::SortField::new(f.data_type().clone())).collect();
            Some(RowConverter::new(fields).map_err(|e| GatewayError::Sql(format!("GROUP BY key not supported in a continuous query: {e}")))?)
        };
        Ok(Aggregation {
            key_count,
            keys,
            aggregates,
            schema,
            window,
            condition,
            groups: GroupTable::default(),
            windows: BTreeMap::new(),
            max_time: None,
            watermark: None,
            emission,
            period: 1,
            touched: Vec::new(),
            unreported_rows: 0,
            pending: Pending::default(),
            late_rows,
        })
    }

    /// Whether results only ever insert (window aggregates).
    pub(super) fn append_only(&self) -> bool {
        self.window.is_some()
    }

    /// Whether rows were folded whose changes are not reported yet (a
    /// mini-batch in progress); [`Aggregation::flush`] reports them.
    pub(super) fn has_unreported(&self) -> bool {
        self.unreported_rows > 0
    }

    /// Fold one input batch; the changes it causes, if any. The watermark
    /// moves once per batch, after all its rows are folded, so rows of one
    /// batch are never late with respect to each other.
    pub(super) fn fold(&mut self, batch: &RecordBatch) -> Result<Option<Changes>> {
        let keys = match &self.keys {
            Some(converter) => Some(converter.convert_columns(&batch.columns()[..self.key_count]).map_err(|e| GatewayError::Internal(e.to_string()))?),
            None => None,
        };
        let key_of = |row: usize| -> &[u8] { keys.as_ref().map_or(&[][..], |k: &KeyRows| k.row(row).data()) };
        let prepared = self.aggregates.iter().map(|a| a.prepare(batch)).collect::<Result<Vec<_>>>()?;
        let condition = match self.condition {
            Some(column) => Some(batch.column(column).as_boolean_opt().cloned().ok_or_else(|| GatewayError::Sql("WHERE condition is not a boolean".into()))?),
            None => None,
        };
        let rejected = |row: usize| condition.as_ref().is_some_and(|c| !(c.is_valid(row) && c.value(row)));
        match self.window.clone() {
            None => {
                let report_every = self.emission.rows();
                for row in (0..batch.num_rows()).filter(|&row| !rejected(row)) {
                    let index = self.groups.group(key_of(row), &self.aggregates);
                    let group = &mut self.groups.groups[index];
                    if group.touched_in != self.period {
                        group.touched_in = self.period;
                        self.touched.push(index);
                    }
                    for ((spec, state), input) in self.aggregates.iter().zip(group.states.iter_mut()).zip(&prepared) {
                        spec.update(state, input, row)?;
                    }
                    self.unreported_rows += 1;
                    if self.unreported_rows >= report_every {
                        self.report()?;
                    }
                }
                self.take_pending()
            }
            Some(window) => {
                let ends = timestamps(batch.column(window.end_key), &window.time_type)?;
                let times = timestamps(batch.column(window.time_column), &window.time_type)?;
                for row in 0..batch.num_rows() {
                    if times.is_valid(row) {
                        let time = times.value(row);
                        self.max_time = Some(self.max_time.map_or(time, |m| m.max(time)));
                    }
                    if ends.is_null(row) || rejected(row) {
                        continue;
                    }
                    let end = ends.value(row);
                    if self.watermark.is_some_and(|w| end <= w) {
                        if last_window_of_row(&window, end, &times, row) {
                            self.late_rows.fetch_add(1, Ordering::Relaxed);
                        }
                        continue;
                    }
                    let table = self.windows.entry(end).or_default();
                    let index = table.group(key_of(row), &self.aggregates);
                    let group = &mut table.groups[index];
                    for ((spec, state), input) in self.aggregates.iter().zip(group.states.iter_mut()).zip(&prepared) {
                        spec.update(state, input, row)?;
                    }
                }
                if let Some(max) = self.max_time {
                    let watermark = max.saturating_sub(window.delay);
                    self.watermark = Some(self.watermark.map_or(watermark, |w| w.max(watermark)));
                }
                self.fire(self.watermark)
            }
        }
    }

    /// End of input: every window still open fires; a plain GROUP BY
    /// reports its unfinished mini-batch.
    pub(super) fn finish(&mut self) -> Result<Option<Changes>> {
        if self.window.is_some() { self.fire(Some(i64::MAX)) } else { self.flush() }
    }

    /// Report the changes of the rows folded so far (a mini-batch's latency ran out).
    pub(super) fn flush(&mut self) -> Result<Option<Changes>> {
        if self.window.is_none() {
            self.report()?;
        }
        self.take_pending()
    }

    /// Emit the windows ending at or before `watermark` and drop their state.
    fn fire(&mut self, watermark: Option<i64>) -> Result<Option<Changes>> {
        let Some(watermark) = watermark else { return Ok(None) };
        let open = match watermark.checked_add(1) {
            Some(first_open) => self.windows.split_off(&first_open),
            None => BTreeMap::new(),
        };
        let fired = std::mem::replace(&mut self.windows, open);
        let groups: Vec<&Group> = fired.values().flat_map(|table| table.groups.iter()).collect();
        if groups.is_empty() {
            return Ok(None);
        }
        let values = groups.iter().map(|g| self.values(g)).collect::<Result<Vec<_>>>()?;
        let new = self.batch(&groups, &values)?;
        let list = (0..groups.len()).map(Change::Insert).collect();
        Ok(Some(Changes { old: None, new, list }))
    }

    /// End the report period of a plain GROUP BY: the groups it touched
    /// join the pending changes, new groups as inserts, changed ones as
    /// updates; unchanged ones say nothing.
    fn report(&mut self) -> Result<()> {
        for index in std::mem::take(&mut self.touched) {
            let values = self.values(&self.groups.groups[index])?;
            let group = &mut self.groups.groups[index];
            let pending = &mut self.pending;
            match group.emitted.replace(values.clone()) {
                Some(old) if old == values => continue,
                Some(old) => {
                    pending.list.push(Change::Update(pending.groups.len()));
                    pending.old_values.push(old);
                }
                None => {
                    pending.list.push(Change::Insert(pending.groups.len()));
                    // Never read: inserts take only the new row.
                    pending.old_values.push(values.clone());
                }
            }
            pending.groups.push(index);
            pending.new_values.push(values);
        }
        self.period += 1;
        self.unreported_rows = 0;
        Ok(())
    }

    /// The pending changes as row-aligned batches, leaving none pending.
    fn take_pending(&mut self) -> Result<Option<Changes>> {
        let Pending { groups, old_values, new_values, list } = std::mem::take(&mut self.pending);
        if list.is_empty() {
            return Ok(None);
        }
        let groups: Vec<&Group> = groups.iter().map(|&i| &self.groups.groups[i]).collect();
        let has_old = list.iter().any(|c| matches!(c, Change::Update(_)));
        let old = if has_old { Some(self.batch(&groups, &old_values)?) } else { None };
        let new = self.batch(&groups, &new_values)?;
        Ok(Some(Changes { old, new, list }))
    }

    /// The aggregate values of one group.
    fn values(&self, group: &Group) -> Result<Vec<ScalarValue>> {
        self.aggregates.iter().zip(&group.states).map(|(spec, state)| spec.evaluate(state)).collect()
    }

    /// Aggregate-output rows: the groups' keys followed by `values`.
    fn batch(&self, groups: &[&Group], values: &[Vec<ScalarValue>]) -> Result<RecordBatch> {
        let mut columns: Vec<ArrayRef> = match &self.keys {
            Some(converter) => {
                let parser = converter.parser();
                converter.convert_rows(groups.iter().map(|g| parser.parse(&g.key))).map_err(|e| GatewayError::Internal(e.to_string()))?
            }
            None => Vec::new(),
        };
        for column in 0..self.aggregates.len() {
            let array = ScalarValue::iter_to_array(values.iter().map(|v| v[column].clone())).map_err(|e| GatewayError::Internal(e.to_string()))?;
            columns.push(array);
        }
        for (column, field) in columns.iter_mut().zip(self.schema.fields().iter()) {
            if column.data_type() != field.data_type() {
                *column = cast(column, field.data_type()).map_err(|e| GatewayError::Internal(e.to_string()))?;
            }
        }
        let options = RecordBatchOptions::new().with_row_count(Some(groups.len()));
        RecordBatch::try_new_with_options(self.schema.clone(), columns, &options).map_err(|e| GatewayError::Internal(e.to_string()))
    }
}

/// Changes reported but not yet sent: one entry per change, a group
/// appearing once per report that changed it.
#[derive(Debug, Default)]
struct Pending {
    /// The changed group of each entry.
    groups: Vec<usize>,
    /// Its values before the change (a copy of the new ones for inserts).
    old_values: Vec<Vec<ScalarValue>>,
    /// Its values after the change.
    new_values: Vec<Vec<ScalarValue>>,
    /// The changes in order, indexing the entries.
    list: Vec<Change>,
}

/// A timestamp column as raw values in `time_type`'s unit.
fn timestamps(column: &ArrayRef, time_type: &DataType) -> Result<Int64Array> {
    let as_time = cast(column, time_type).map_err(|e| GatewayError::Sql(format!("window_end is not a timestamp: {e}")))?;
    let raw = cast(&as_time, &DataType::Int64).map_err(|e| GatewayError::Internal(e.to_string()))?;
    Ok(raw.as_primitive::<Int64Type>().clone())
}

/// Whether the window ending at `end` is the last one row `row` falls into:
/// a row is late only when all its windows have fired. A tumbling window is
/// a row's only one.
fn last_window_of_row(window: &WindowSpec, end: i64, times: &Int64Array, row: usize) -> bool {
    match window.hop {
        Some((slide, size)) if times.is_valid(row) => {
            let start = end.saturating_sub(size);
            times.value(row).saturating_sub(start) < slide
        }
        _ => true,
    }
}
