//! Window table function rewriting, and TUMBLE/HOP window aggregates driven
//! by a watermark: exact rows per closed window, late rows, firing times.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use datafusion::arrow::array::{ArrayRef, Int64Array, StringArray, TimestampMillisecondArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;

use super::Watermark;
use super::rewrite::rewrite_window_tvfs;
use super::tests::{bounded, context, drain, lines, plan, unbounded};
use crate::error::GatewayError;
use crate::result::RowKind;

/// `(seconds, key)` rows of a table with an event-time column `ts` (TIMESTAMP(3)).
fn clicks(rows: &[(i64, &str)]) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("ts", DataType::Timestamp(TimeUnit::Millisecond, None), true),
        Field::new("k", DataType::Utf8, true),
        Field::new("v", DataType::Int64, true),
    ]));
    let ts: ArrayRef = Arc::new(TimestampMillisecondArray::from(rows.iter().map(|r| r.0 * 1000).collect::<Vec<_>>()));
    let k: ArrayRef = Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1)));
    let v: ArrayRef = Arc::new(Int64Array::from(rows.iter().map(|r| r.0).collect::<Vec<_>>()));
    RecordBatch::try_new(schema, vec![ts, k, v]).unwrap()
}

/// `WATERMARK FOR ts AS ts - delay`.
fn watermark(delay_secs: u64) -> Option<Watermark> {
    Some(Watermark { column: "ts".into(), delay: Duration::from_secs(delay_secs) })
}

#[test]
fn text_without_window_functions_is_unchanged() {
    for sql in [
        "SELECT 1",
        "SELECT * FROM t WHERE name = 'TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL ''1'' SECOND))'",
        "SELECT tumble, hop FROM t -- TABLE(HOP(TABLE x))",
        "SELECT \"TUMBLE\"(x) FROM TABLE(\"TUMBLE\"(1))",
        "SELECT 'unterminated",
    ] {
        assert_eq!(rewrite_window_tvfs(sql).unwrap(), sql);
    }
}

#[test]
fn tumble_and_hop_become_derived_tables() {
    let sql = "SELECT window_start, COUNT(*) FROM TABLE(\n  TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) AS w GROUP BY window_start";
    assert_eq!(
        rewrite_window_tvfs(sql).unwrap(),
        "SELECT window_start, COUNT(*) FROM (SELECT __w.*, date_bin((INTERVAL '10' SECOND), __w.ts) AS window_start, \
         date_bin((INTERVAL '10' SECOND), __w.ts) + (INTERVAL '10' SECOND) AS window_end, \
         date_bin((INTERVAL '10' SECOND), __w.ts) + (INTERVAL '10' SECOND) - INTERVAL '0.001' SECOND AS window_time \
         FROM clicks AS __w) AS w GROUP BY window_start"
    );
    let named = "SELECT * FROM TABLE(TUMBLE(DATA => TABLE clicks, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '10' SECOND))";
    let positional = "SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))";
    assert_eq!(rewrite_window_tvfs(named).unwrap(), rewrite_window_tvfs(positional).unwrap());
    let hop = rewrite_window_tvfs("SELECT * FROM TABLE(HOP(TABLE db.clicks, DESCRIPTOR(`ts`), INTERVAL '5' SECOND, INTERVAL '10' SECOND))").unwrap();
    assert_eq!(
        hop,
        "SELECT * FROM (SELECT __h.*, __h.window_start + (INTERVAL '10' SECOND) AS window_end, \
         __h.window_start + (INTERVAL '10' SECOND) - INTERVAL '0.001' SECOND AS window_time \
         FROM (SELECT __w.*, unnest(hop_window_starts(__w.`ts`, (INTERVAL '5' SECOND), (INTERVAL '10' SECOND))) AS window_start \
         FROM db.clicks AS __w) AS __h)"
    );
    let spaced = "SELECT 'Zürich' AS c, *\r\nFROM TABLE( TUMBLE (\r\n\tTABLE clicks , DESCRIPTOR( ts ) , INTERVAL '10' SECOND ) ) -- ünïcode";
    assert_eq!(
        rewrite_window_tvfs(spaced).unwrap(),
        format!("SELECT 'Zürich' AS c, *\r\nFROM {} -- ünïcode", rewrite_window_tvfs("TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))").unwrap())
    );
    let reordered = "SELECT * FROM TABLE(HOP(TABLE db.clicks, DESCRIPTOR(`ts`), SIZE => INTERVAL '10' SECOND, SLIDE => INTERVAL '5' SECOND))";
    assert_eq!(rewrite_window_tvfs(reordered).unwrap(), hop);
}

#[test]
fn malformed_window_calls_are_refused() {
    for (sql, needle) in [
        ("SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' MINUTE))", "CUMULATE windows are not supported"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' SECOND))", "OFFSET"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE t, ts, INTERVAL '1' SECOND))", "DESCRIPTOR"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))", "missing its SIZE"),
        ("SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), SIZE => INTERVAL '1' SECOND, STEP => INTERVAL '1' SECOND))", "no parameter named STEP"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)", "Expected ')' closing TABLE(TUMBLE(...))"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND", "Unbalanced"),
    ] {
        match rewrite_window_tvfs(sql) {
            Err(GatewayError::Sql(message)) => assert!(message.contains(needle), "{sql}: {message}"),
            other => panic!("{sql}: {other:?}"),
        }
    }
}

const TUMBLE: &str = "SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s \
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k";

/// Rows whose windows close as the watermark (max time - 2 s) moves.
fn tumbling_input() -> Vec<RecordBatch> {
    vec![
        clicks(&[(1, "a"), (3, "b"), (9, "a")]), // watermark 7: [0, 10) still open
        clicks(&[(12, "a"), (11, "a")]),         // watermark 10: [0, 10) fires
        clicks(&[(5, "a"), (19, "b")]),          // 5 s is late; watermark 17
        clicks(&[(25, "a")]),                    // watermark 23: [10, 20) fires
    ]
}

#[tokio::test]
async fn tumbling_windows_fire_when_the_watermark_passes() {
    let ctx = context();
    unbounded(&ctx, "clicks", tumbling_input(), true);
    let mut changelog = plan(&ctx, TUMBLE, watermark(2)).await.unwrap().unwrap();
    assert!(changelog.append_only);
    assert_eq!(changelog.schema.field(0).data_type(), &DataType::Timestamp(TimeUnit::Millisecond, None));
    let out = drain(&mut changelog).await;
    assert_eq!(out, vec![
        vec!["+I 1970-01-01T00:00:00 1970-01-01T00:00:10 a 2 10", "+I 1970-01-01T00:00:00 1970-01-01T00:00:10 b 1 3"],
        vec!["+I 1970-01-01T00:00:10 1970-01-01T00:00:20 a 2 23", "+I 1970-01-01T00:00:10 1970-01-01T00:00:20 b 1 19"],
    ]);
    // [20, 30) stays open: the source has not ended and the watermark is at 23 s.
    assert_eq!(changelog.late_rows.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn open_windows_fire_when_the_input_ends() {
    let ctx = context();
    unbounded(&ctx, "clicks", tumbling_input(), false);
    let mut changelog = plan(&ctx, &format!("{TUMBLE} HAVING COUNT(*) < 2"), watermark(2)).await.unwrap().unwrap();
    let out = drain(&mut changelog).await;
    assert_eq!(out, vec![
        vec!["+I 1970-01-01T00:00:00 1970-01-01T00:00:10 b 1 3"],
        vec!["+I 1970-01-01T00:00:10 1970-01-01T00:00:20 b 1 19"],
        vec!["+I 1970-01-01T00:00:20 1970-01-01T00:00:30 a 1 25"],
    ]);
}

#[tokio::test]
async fn hopping_windows_count_rows_late_for_all_their_windows() {
    let ctx = context();
    let input = vec![
        clicks(&[(1, "a"), (6, "a")]), // watermark 6: [-5, 5) fires
        clicks(&[(12, "a")]),          // watermark 12: [0, 10) fires
        clicks(&[(3, "a"), (8, "a")]), // 3 s is late for both windows; 8 s only for [0, 10)
        clicks(&[(30, "a")]),          // watermark 30: [5, 15), [10, 20), [15, 25), [20, 30) fire
    ];
    unbounded(&ctx, "clicks", input, true);
    let sql = "SELECT window_start, window_end, window_time, COUNT(*) AS c \
        FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end, window_time";
    let mut changelog = plan(&ctx, sql, watermark(0)).await.unwrap().unwrap();
    let out = drain(&mut changelog).await;
    let window = |start: i64, count: i64| {
        let time = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
        format!("+I {} {} {}.999 {count}", time(start), time(start + 10), time(start + 9))
    };
    assert_eq!(out, vec![vec![window(-5, 1)], vec![window(0, 2)], vec![window(5, 3), window(10, 1)]]);
    assert_eq!(changelog.late_rows.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn windows_need_a_watermark() {
    let ctx = context();
    unbounded(&ctx, "clicks", tumbling_input(), true);
    match plan(&ctx, TUMBLE, None).await {
        Err(GatewayError::Sql(message)) => assert!(message.contains("requires a watermark"), "{message}"),
        other => panic!("{:?}", other.map(|c| c.map(|c| c.schema))),
    }
    let wrong = Some(Watermark { column: "other".into(), delay: Duration::ZERO });
    match plan(&ctx, TUMBLE, wrong).await {
        Err(GatewayError::Sql(message)) => assert!(message.contains("DESCRIPTOR(ts) must name a time attribute"), "{message}"),
        other => panic!("{:?}", other.map(|c| c.map(|c| c.schema))),
    }
}

#[tokio::test]
async fn bounded_windows_run_as_ordinary_queries() {
    let ctx = context();
    bounded(&ctx, "clicks", tumbling_input());
    assert!(plan(&ctx, TUMBLE, watermark(2)).await.unwrap().is_none());
    let hop = "SELECT window_start, window_end, COUNT(*) AS c FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) \
        GROUP BY window_start, window_end ORDER BY window_start";
    let batches = ctx.sql(&rewrite_window_tvfs(hop).unwrap()).await.unwrap().collect().await.unwrap();
    let rows: Vec<String> = batches.iter().flat_map(|b| lines(b, &vec![RowKind::Insert; b.num_rows()])).collect();
    assert_eq!(rows.first().map(String::as_str), Some("+I 1969-12-31T23:59:55 1970-01-01T00:00:05 2"));
    assert_eq!(rows.len(), 7);
}

#[tokio::test]
async fn proctime_is_a_local_zoned_timestamp() {
    let ctx = context();
    let batches = ctx.sql("SELECT PROCTIME() AS t").await.unwrap().collect().await.unwrap();
    assert_eq!(batches[0].schema().field(0).data_type(), &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())));
}

#[tokio::test]
async fn rows_the_where_clause_rejects_still_move_the_watermark() {
    let ctx = context();
    unbounded(&ctx, "clicks", tumbling_input(), true);
    let sql = "SELECT window_start, k, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) \
        WHERE k = 'b' GROUP BY window_start, window_end, k";
    let mut changelog = plan(&ctx, sql, watermark(2)).await.unwrap().unwrap();
    // Only the 'a' row at 25 s moves the watermark past 20 s.
    assert_eq!(drain(&mut changelog).await, vec![vec!["+I 1970-01-01T00:00:00 b 1"], vec!["+I 1970-01-01T00:00:10 b 1"]]);
}
