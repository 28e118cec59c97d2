//! Continuous GROUP BY over an unbounded in-memory source: exact changelogs,
//! agreement with DataFusion's batch GROUP BY, HAVING, projections and the
//! shapes that are refused.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use datafusion::arrow::array::{ArrayRef, Decimal128Array, Float32Array, Int32Array, Int64Array, StringArray, TimestampMicrosecondArray, UInt32Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::catalog::streaming::StreamingTable;
use datafusion::datasource::MemTable;
use datafusion::execution::TaskContext;
use datafusion::execution::context::SessionContext;
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::PartitionStream;
use futures::StreamExt;

use super::{Changelog, ChangelogOptions, Emission, Watermark, plan_changelog, register_functions, rewrite_window_tvfs};
use crate::error::GatewayError;
use crate::result::RowKind;

/// A partition yielding fixed batches, then either ending or pending forever.
#[derive(Debug)]
struct Batches {
    /// Schema of the batches.
    schema: SchemaRef,
    /// The batches, in order.
    batches: Vec<RecordBatch>,
    /// Pend after the last batch, as a live source does.
    endless: bool,
}

impl PartitionStream for Batches {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let batches = futures::stream::iter(self.batches.clone().into_iter().map(Ok));
        let stream = if self.endless { batches.chain(futures::stream::pending()).boxed() } else { batches.boxed() };
        Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), stream))
    }
}

/// A context with the continuous-query functions.
pub(super) fn context() -> SessionContext {
    let ctx = SessionContext::new();
    register_functions(&ctx);
    ctx
}

/// Register `batches` as the unbounded table `name`.
pub(super) fn unbounded(ctx: &SessionContext, name: &str, batches: Vec<RecordBatch>, endless: bool) {
    let schema = batches[0].schema();
    let partition = Arc::new(Batches { schema: schema.clone(), batches, endless });
    let table = StreamingTable::try_new(schema, vec![partition]).unwrap().with_infinite_table(true);
    ctx.register_table(name, Arc::new(table)).unwrap();
}

/// Register `batches` as the bounded table `name`.
pub(super) fn bounded(ctx: &SessionContext, name: &str, batches: Vec<RecordBatch>) {
    let table = MemTable::try_new(batches[0].schema(), vec![batches]).unwrap();
    ctx.register_table(name, Arc::new(table)).unwrap();
}

/// `(k, v)` rows; `None` values are NULL.
fn events(rows: &[(&str, Option<i64>)]) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Utf8, true), Field::new("v", DataType::Int64, true)]));
    let k: ArrayRef = Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0)));
    let v: ArrayRef = Arc::new(Int64Array::from(rows.iter().map(|r| r.1).collect::<Vec<_>>()));
    RecordBatch::try_new(schema, vec![k, v]).unwrap()
}

/// Plan `sql` continuously, no table having a watermark unless `watermark` says so.
pub(super) async fn plan(ctx: &SessionContext, sql: &str, watermark: Option<Watermark>) -> crate::error::Result<Option<Changelog>> {
    let sql = rewrite_window_tvfs(sql)?;
    let logical = ctx.state().create_logical_plan(&sql).await.map_err(crate::engine::errors::from_datafusion)?;
    plan_changelog(ctx, logical, &move |_table: &str| watermark.clone(), ChangelogOptions::default()).await
}

/// Rows of one output batch as `+I a 2`-style lines.
pub(super) fn lines(batch: &RecordBatch, kinds: &[RowKind]) -> Vec<String> {
    let options = FormatOptions::default().with_null("NULL");
    let formatters: Vec<_> = batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap()).collect();
    (0..batch.num_rows())
        .map(|row| {
            let values: Vec<String> = formatters.iter().map(|f| f.value(row).to_string()).collect();
            format!("{} {}", kinds[row].short_name(), values.join(" "))
        })
        .collect()
}

/// Every output batch, as lines, until the stream ends or stays quiet for a while.
pub(super) async fn drain(changelog: &mut Changelog) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    while let Ok(Some(rows)) = tokio::time::timeout(Duration::from_millis(300), changelog.rows.next()).await {
        let rows = rows.unwrap();
        out.push(lines(&rows.batch, rows.kinds.as_deref().expect("changelog rows carry kinds")));
    }
    out
}

/// Plan `sql` (which must be continuous) and drain it.
pub(super) async fn run(ctx: &SessionContext, sql: &str) -> Vec<Vec<String>> {
    let mut changelog = plan(ctx, sql, None).await.unwrap().expect("a continuous query");
    drain(&mut changelog).await
}

/// The message of a refused query.
async fn refusal(ctx: &SessionContext, sql: &str) -> String {
    match plan(ctx, sql, None).await {
        Err(GatewayError::Sql(message)) => message,
        Err(other) => panic!("{sql}: unexpected error {other:?}"),
        Ok(other) => panic!("{sql}: expected an error, got {:?}", other.map(|c| c.schema)),
    }
}

#[tokio::test]
async fn count_and_sum_changelog_row_by_row() {
    let ctx = context();
    let batches = vec![events(&[("a", Some(1)), ("b", Some(2)), ("a", Some(3))]), events(&[("a", Some(4))]), events(&[("c", Some(5)), ("b", Some(0))])];
    unbounded(&ctx, "events", batches, true);
    let mut changelog = plan(&ctx, "SELECT k, COUNT(*) AS c, SUM(v) AS s FROM events GROUP BY k", None).await.unwrap().unwrap();
    assert!(!changelog.append_only);
    assert_eq!(changelog.schema.fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>(), ["k", "c", "s"]);
    assert_eq!(changelog.schema.field(1).data_type(), &DataType::Int64);
    let out = drain(&mut changelog).await;
    // One change per input row, as Flink's streaming aggregation without
    // mini-batch; the rows of one input batch leave together.
    assert_eq!(out, vec![
        vec!["+I a 1 1", "+I b 1 2", "-U a 1 1", "+U a 2 4"],
        vec!["-U a 2 4", "+U a 3 8"],
        vec!["+I c 1 5", "-U b 1 2", "+U b 2 2"],
    ]);
    assert_eq!(changelog.late_rows.load(Ordering::Relaxed), 0);
}

/// Plan `sql` continuously with `emission`.
async fn plan_with(ctx: &SessionContext, sql: &str, emission: Emission) -> Changelog {
    let logical = ctx.state().create_logical_plan(sql).await.unwrap();
    let options = ChangelogOptions { emission, bounded_inputs: true };
    plan_changelog(ctx, logical, &|_: &str| None, options).await.unwrap().expect("a continuous query")
}

#[tokio::test]
async fn mini_batches_coalesce_updates_by_size_then_by_latency() {
    let ctx = context();
    let batches = vec![events(&[("a", Some(1)), ("b", Some(2)), ("a", Some(3))]), events(&[("a", Some(4))]), events(&[("c", Some(5)), ("b", Some(0))])];
    unbounded(&ctx, "events", batches, false);
    let sql = "SELECT k, COUNT(*) AS c, SUM(v) AS s FROM events GROUP BY k";
    // Three rows per mini-batch: a's two rows of the first batch make one insert.
    let mut changelog = plan_with(&ctx, sql, Emission::MiniBatch { size: 3, latency: Duration::from_secs(3600) }).await;
    assert_eq!(drain(&mut changelog).await, vec![
        vec!["+I a 2 4", "+I b 1 2"],
        vec!["-U a 2 4", "+U a 3 8", "+I c 1 5", "-U b 1 2", "+U b 2 2"],
    ]);
    // A source that goes quiet: the allowed latency sends what a large mini-batch holds.
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1)), ("a", Some(2))]), events(&[("b", Some(7))])], true);
    let mut changelog = plan_with(&ctx, sql, Emission::MiniBatch { size: 1000, latency: Duration::from_millis(50) }).await;
    let first = tokio::time::timeout(Duration::from_secs(5), changelog.rows.next()).await.expect("sent once the latency passed").unwrap().unwrap();
    assert_eq!(lines(&first.batch, first.kinds.as_deref().unwrap()), ["+I a 2 3", "+I b 1 7"]);
}

#[tokio::test]
async fn unchanged_groups_are_not_reemitted() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(5))]), events(&[("a", Some(1)), ("b", Some(7))])], false);
    let out = run(&ctx, "SELECT k, MAX(v) AS m FROM events GROUP BY k").await;
    assert_eq!(out, vec![vec!["+I a 5"], vec!["+I b 7"]]);
}

/// Deterministic pseudo-random rows: keys from a small set, some NULL values.
fn scrambled(batch: usize) -> RecordBatch {
    let keys = ["red", "green", "blue", "cyan", "gold"];
    let rows: Vec<(&str, Option<i64>)> = (0..40usize)
        .map(|i| {
            let x = (batch * 7919 + i * 104_729) % 1_000;
            (keys[x % keys.len()], (!x.is_multiple_of(11)).then_some((x % 37) as i64 - 10))
        })
        .collect();
    events(&rows)
}

#[tokio::test]
async fn replayed_changelog_equals_batch_group_by() {
    let ctx = context();
    let batches: Vec<RecordBatch> = (0..25).map(scrambled).collect();
    unbounded(&ctx, "live", batches.clone(), false);
    bounded(&ctx, "fixed", batches);
    let select = "SELECT k, COUNT(*) AS n, COUNT(v) AS nv, SUM(v) AS s, MIN(v) AS lo, MAX(v) AS hi, AVG(v) AS mean, COUNT(DISTINCT v) AS d FROM";
    let mut table: HashMap<String, String> = HashMap::new();
    for batch in run(&ctx, &format!("{select} live GROUP BY k")).await {
        for line in batch {
            let (kind, row) = line.split_once(' ').unwrap();
            let key = row.split(' ').next().unwrap().to_string();
            match kind {
                "+I" | "+U" => assert!(table.insert(key, row.to_string()).is_none(), "{line} over a live row"),
                "-U" | "-D" => assert_eq!(table.remove(&key).as_deref(), Some(row), "{line} retracts another row"),
                other => panic!("kind {other}"),
            }
        }
    }
    let expected = ctx.sql(&format!("{select} fixed GROUP BY k")).await.unwrap().collect().await.unwrap();
    let mut expected: Vec<String> = expected.iter().flat_map(|b| lines(b, &vec![RowKind::Insert; b.num_rows()])).map(|l| l[3..].to_string()).collect();
    expected.sort();
    let mut replayed: Vec<String> = table.into_values().collect();
    replayed.sort();
    assert_eq!(replayed, expected);
}

#[tokio::test]
async fn distinct_min_max_avg_and_filter() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("x", Some(3)), ("y", Some(3)), ("x", None)]), events(&[("z", Some(-1)), ("x", Some(3))])], false);
    let sql = "SELECT COUNT(DISTINCT v) AS d, COUNT(DISTINCT k) AS dk, MIN(k) AS lo, MAX(k) AS hi, MIN(v) AS vlo, AVG(v) AS mean, \
               COUNT(*) FILTER (WHERE k = 'x') AS xs FROM events";
    let out = run(&ctx, sql).await;
    assert_eq!(out, vec![
        vec!["+I 1 1 x x 3 3.0 1", "-U 1 1 x x 3 3.0 1", "+U 1 2 x y 3 3.0 1", "-U 1 2 x y 3 3.0 1", "+U 1 2 x y 3 3.0 2"],
        vec!["-U 1 2 x y 3 3.0 2", "+U 2 3 x z -1 1.6666666666666667 2", "-U 2 3 x z -1 1.6666666666666667 2", "+U 2 3 x z -1 2.0 3"],
    ]);
}

#[tokio::test]
async fn having_inserts_updates_and_deletes() {
    let ctx = context();
    let batches = vec![
        events(&[("a", Some(5))]),
        events(&[("a", Some(2))]),
        events(&[("a", Some(10))]),
        events(&[("b", Some(1))]),
        events(&[("b", Some(2))]),
    ];
    unbounded(&ctx, "events", batches, false);
    let out = run(&ctx, "SELECT k, SUM(v) AS s FROM events GROUP BY k HAVING SUM(v) BETWEEN 3 AND 10").await;
    assert_eq!(out, vec![vec!["+I a 5"], vec!["-U a 5", "+U a 7"], vec!["-D a 7"], vec!["+I b 3"]]);
}

#[tokio::test]
async fn projections_over_aggregates() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1)), ("b", Some(2))]), events(&[("a", Some(4))])], false);
    let out = run(&ctx, "SELECT upper(k) AS key, SUM(v) * 2 AS x, COUNT(*) + 1 AS c FROM events GROUP BY k").await;
    assert_eq!(out, vec![vec!["+I A 2 2", "+I B 4 2"], vec!["-U A 2 2", "+U A 10 3"]]);
    let out = run(&ctx, "SELECT t.s FROM (SELECT k, SUM(v) AS s FROM events GROUP BY k) AS t WHERE t.k = 'a'").await;
    assert_eq!(out, vec![vec!["+I 1"], vec!["-U 1", "+U 5"]]);
}

#[tokio::test]
async fn global_aggregate_and_select_distinct() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1)), ("b", Some(2))]), events(&[("a", Some(4))]), events(&[("c", None)])], false);
    let out = run(&ctx, "SELECT COUNT(*) AS n, SUM(v) AS s FROM events").await;
    assert_eq!(out, vec![vec!["+I 1 1", "-U 1 1", "+U 2 3"], vec!["-U 2 3", "+U 3 7"], vec!["-U 3 7", "+U 4 7"]]);
    let out = run(&ctx, "SELECT DISTINCT k FROM events").await;
    assert_eq!(out, vec![vec!["+I a", "+I b"], vec!["+I c"]]);
}

#[tokio::test]
async fn limit_counts_changelog_rows_then_ends() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1)), ("b", Some(2))]), events(&[("a", Some(4))]), events(&[("c", Some(1))])], true);
    let mut changelog = plan(&ctx, "SELECT k, COUNT(*) AS n FROM events GROUP BY k LIMIT 3", None).await.unwrap().unwrap();
    assert_eq!(changelog.rows.next().await.map(|r| r.unwrap().num_rows()), Some(2));
    let last = changelog.rows.next().await.unwrap().unwrap();
    assert_eq!(lines(&last.batch, last.kinds.as_deref().unwrap()), ["-U a 1"]);
    // The stream ends although the source never does.
    assert!(tokio::time::timeout(Duration::from_secs(5), changelog.rows.next()).await.unwrap().is_none());
}

#[tokio::test]
async fn bounded_inputs_give_changelogs_that_end() {
    let ctx = context();
    bounded(&ctx, "fixed", vec![events(&[("a", Some(1)), ("a", Some(2))]), events(&[("b", Some(3))])]);
    let out = run(&ctx, "SELECT k, SUM(v) AS s FROM fixed GROUP BY k").await;
    assert_eq!(out.concat(), ["+I a 1", "-U a 1", "+U a 3", "+I b 3"]);
    let mut changelog = plan(&ctx, "SELECT COUNT(*) AS n FROM fixed", None).await.unwrap().unwrap();
    assert_eq!(drain(&mut changelog).await.concat(), ["+I 1", "-U 1", "+U 2", "-U 2", "+U 3"]);
    assert!(changelog.rows.next().await.is_none(), "ends with its input");
}

#[tokio::test]
async fn bounded_inputs_and_plain_queries_are_not_continuous() {
    let ctx = context();
    bounded(&ctx, "fixed", vec![events(&[("a", Some(1))])]);
    unbounded(&ctx, "events", vec![events(&[("a", Some(1))])], true);
    for sql in [
        // A bounded input in a shape a changelog cannot follow runs as a batch query.
        "SELECT k, COUNT(*) AS n FROM fixed GROUP BY k ORDER BY n",
        "SELECT k, v FROM events WHERE v > 0",
        "SELECT e.k, f.n FROM events e JOIN (SELECT k, COUNT(*) AS n FROM fixed GROUP BY k) f ON e.k = f.k",
        "EXPLAIN SELECT k, COUNT(*) FROM events GROUP BY k",
    ] {
        assert!(plan(&ctx, sql, None).await.unwrap().is_none(), "{sql}");
    }
}

#[tokio::test]
async fn unsupported_shapes_are_refused_by_name() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1))])], true);
    bounded(&ctx, "fixed", vec![events(&[("a", Some(1))])]);
    let cases = [
        ("SELECT k, COUNT(*) AS n FROM events GROUP BY k ORDER BY n", "ORDER BY"),
        ("SELECT k, COUNT(*) AS n FROM events GROUP BY k LIMIT 5 OFFSET 2", "OFFSET"),
        ("SELECT DISTINCT COUNT(*) AS n FROM events GROUP BY k", "DISTINCT"),
        ("SELECT COUNT(*) FROM (SELECT k, COUNT(*) AS n FROM events GROUP BY k)", "aggregation over another aggregation"),
        ("SELECT f.k, a.n FROM (SELECT k, COUNT(*) AS n FROM events GROUP BY k) a JOIN fixed f ON a.k = f.k", "join"),
        ("SELECT k, median(v) FROM events GROUP BY k", "MEDIAN"),
        ("SELECT k, SUM(DISTINCT v) FROM events GROUP BY k", "SUM(DISTINCT"),
        ("SELECT k, COUNT(*), ROW_NUMBER() OVER (ORDER BY k) FROM events GROUP BY k", "OVER"),
        ("SELECT k, v, COUNT(*) FROM events GROUP BY ROLLUP(k, v)", "ROLLUP"),
    ];
    for (sql, needle) in cases {
        let message = refusal(&ctx, sql).await;
        assert!(message.to_lowercase().contains(&needle.to_lowercase()), "{sql}: {message}");
        assert!(message.contains("continuous"), "{sql}: {message}");
    }
}

/// Sets its flag when dropped, along with the source stream that owns it.
struct DropFlag(
    /// The flag to set.
    Arc<AtomicBool>,
);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// An endless partition that reports when its stream is dropped.
#[derive(Debug)]
struct Watched {
    /// The one batch it yields before pending.
    batch: RecordBatch,
    /// Set once the stream is gone.
    dropped: Arc<AtomicBool>,
}

impl PartitionStream for Watched {
    fn schema(&self) -> &SchemaRef {
        self.batch.schema_ref()
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let guard = DropFlag(self.dropped.clone());
        let stream = futures::stream::iter([Ok(self.batch.clone())]).chain(futures::stream::pending()).map(move |batch| {
            let _owned = &guard;
            batch
        });
        Box::pin(RecordBatchStreamAdapter::new(self.batch.schema(), stream))
    }
}

#[tokio::test]
async fn dropping_the_stream_stops_the_input() {
    let ctx = context();
    let dropped = Arc::new(AtomicBool::new(false));
    let batch = events(&[("a", Some(1))]);
    let partition = Arc::new(Watched { batch: batch.clone(), dropped: dropped.clone() });
    let table = StreamingTable::try_new(batch.schema(), vec![partition]).unwrap().with_infinite_table(true);
    ctx.register_table("events", Arc::new(table)).unwrap();
    let mut changelog = plan(&ctx, "SELECT k, COUNT(*) FROM events GROUP BY k", None).await.unwrap().unwrap();
    assert!(changelog.rows.next().await.is_some());
    assert!(!dropped.load(Ordering::SeqCst));
    drop(changelog);
    assert!(dropped.load(Ordering::SeqCst), "the source outlived the changelog");
}

#[tokio::test]
async fn where_conditions_do_not_hold_rows_back() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1)), ("b", Some(2))]), events(&[("a", Some(4)), ("c", None)])], true);
    let out = run(&ctx, "SELECT k, COUNT(*) AS n FROM events WHERE v > 1 AND k <> 'c' GROUP BY k").await;
    assert_eq!(out, vec![vec!["+I b 1"], vec!["+I a 1"]]);
}

/// `(k, i, u, f, d)` rows covering the numeric types SUM and AVG widen.
fn numbers(batch: usize) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Utf8, false),
        Field::new("i", DataType::Int32, true),
        Field::new("u", DataType::UInt32, true),
        Field::new("f", DataType::Float32, true),
        Field::new("d", DataType::Decimal128(10, 2), true),
        Field::new("t", DataType::Timestamp(TimeUnit::Microsecond, None), true),
    ]));
    let n = 30usize;
    let value = |i: usize| ((batch * 31 + i * 17) % 23) as i64 - 11;
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values((0..n).map(|i| ["p", "q", "r"][(batch + i) % 3]))),
        Arc::new(Int32Array::from_iter((0..n).map(|i| (i % 7 != 3).then(|| value(i) as i32)))),
        Arc::new(UInt32Array::from_iter((0..n).map(|i| Some(value(i).unsigned_abs() as u32)))),
        Arc::new(Float32Array::from_iter((0..n).map(|i| Some(value(i) as f32 + 0.5)))),
        Arc::new(Decimal128Array::from_iter((0..n).map(|i| (i % 5 != 0).then(|| i128::from(value(i)) * 137))).with_precision_and_scale(10, 2).unwrap()),
        Arc::new(TimestampMicrosecondArray::from_iter((0..n).map(|i| Some(value(i) * 1_000_000)))),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

#[tokio::test]
async fn result_types_and_values_match_datafusion() {
    let ctx = context();
    let batches: Vec<RecordBatch> = (0..6).map(numbers).collect();
    unbounded(&ctx, "live", batches.clone(), false);
    bounded(&ctx, "fixed", batches);
    let select = "SELECT k, SUM(i) AS si, AVG(i) AS ai, SUM(u) AS su, SUM(f) AS sf, AVG(f) AS af, SUM(d) AS sd, AVG(d) AS ad, \
                  MIN(d) AS lo, MAX(t) AS hi, COUNT(DISTINCT d) AS dd FROM";
    let mut changelog = plan(&ctx, &format!("{select} live GROUP BY k"), None).await.unwrap().unwrap();
    let expected = ctx.sql(&format!("{select} fixed GROUP BY k")).await.unwrap().collect().await.unwrap();
    assert_eq!(changelog.schema.fields(), expected[0].schema().fields());
    let mut latest: HashMap<String, String> = HashMap::new();
    for batch in drain(&mut changelog).await {
        for line in batch.into_iter().filter(|l| l.starts_with("+")) {
            latest.insert(line[3..4].to_string(), line[3..].to_string());
        }
    }
    let mut replayed: Vec<String> = latest.into_values().collect();
    replayed.sort();
    let mut expected: Vec<String> = expected.iter().flat_map(|b| lines(b, &vec![RowKind::Insert; b.num_rows()])).map(|l| l[3..].to_string()).collect();
    expected.sort();
    assert_eq!(replayed, expected);
}

#[tokio::test]
async fn optimized_plans_run_the_same() {
    let ctx = context();
    unbounded(&ctx, "events", vec![events(&[("a", Some(1)), ("b", Some(2))]), events(&[("a", Some(4))])], false);
    let sql = "SELECT k, SUM(v) * 2 AS x FROM events WHERE v > 1 GROUP BY k HAVING COUNT(*) > 0";
    let logical = ctx.state().create_logical_plan(sql).await.unwrap();
    let optimized = ctx.state().optimize(&logical).unwrap();
    let mut changelog = plan_changelog(&ctx, optimized, &|_: &str| None, ChangelogOptions::default()).await.unwrap().unwrap();
    assert_eq!(drain(&mut changelog).await, run(&ctx, sql).await);
}
