//! Flink SQL as Flink users write it, over REST: built-in functions in
//! queries and computed columns, and the changelog a streaming aggregate
//! sends (row by row, per mini-batch, or final in batch mode).

mod common;

use common::start_server;
use serde_json::{Value, json};

/// `(kind, fields)` rows as the test expects them.
fn changes(rows: &[(&str, Value)]) -> Vec<(String, Value)> {
    rows.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

#[tokio::test]
async fn streaming_count_over_a_bounded_table_is_a_changelog_row_by_row() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE five (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5')").await;
    // Flink, streaming mode, no mini-batch: +I 1, then -U k / +U k+1 for every further row, then EOS.
    let mut expected = vec![("INSERT", json!([1]))];
    for k in 1..5 {
        expected.push(("UPDATE_BEFORE", json!([k])));
        expected.push(("UPDATE_AFTER", json!([k + 1])));
    }
    let op = server.submit("", &s, "SELECT COUNT(*) AS n FROM five").await;
    let (rows, next) = server.follow_from(format!("/sessions/{s}/operations/{op}/result/0?rowFormat=JSON"), |_| false).await;
    assert_eq!(rows, changes(&expected));
    assert_eq!(next, None, "ends with EOS");
    // PLAIN_TEXT: the same changelog, fields as text.
    let op = server.submit("", &s, "SELECT COUNT(*) AS n FROM five").await;
    let rows = server.follow(&s, &op, "PLAIN_TEXT", |_| false).await;
    let as_text: Vec<(&str, Value)> = expected.iter().map(|(k, v)| (*k, json!([v[0].to_string()]))).collect();
    assert_eq!(rows, changes(&as_text));
}

#[tokio::test]
async fn mini_batch_coalesces_and_batch_mode_is_final() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE five (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5')").await;
    server.rows(&s, "SET 'table.exec.mini-batch.enabled' = 'true'").await;
    // Flink refuses an enabled mini-batch without latency and size.
    assert!(server.failure(&s, "SELECT COUNT(*) FROM five").await.contains("table.exec.mini-batch.allow-latency"));
    server.rows(&s, "SET 'table.exec.mini-batch.allow-latency' = '10 s'").await;
    server.rows(&s, "SET 'table.exec.mini-batch.size' = '5'").await;
    let op = server.submit("", &s, "SELECT COUNT(*) AS n FROM five").await;
    assert_eq!(server.follow(&s, &op, "JSON", |_| false).await, changes(&[("INSERT", json!([5]))]));
    server.rows(&s, "RESET").await;
    server.rows(&s, "SET 'execution.runtime-mode' = 'batch'").await;
    let op = server.submit("", &s, "SELECT COUNT(*) AS n FROM five").await;
    assert_eq!(server.follow(&s, &op, "JSON", |_| false).await, changes(&[("INSERT", json!([5]))]));
}

#[tokio::test]
async fn dbt_style_computed_column_with_mod_streams_and_batches() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let ddl = |name: &str, end: &str| {
        format!(
            "CREATE TABLE {name} (id BIGINT, k AS CAST(MOD(id, 20) + 1 AS INT)) WITH ('connector' = 'datagen', \
             'fields.id.kind' = 'sequence', 'fields.id.start' = '1'{end})"
        )
    };
    assert_eq!(server.rows(&s, &ddl("events", ", 'fields.id.end' = '40'")).await, vec![json!(["OK"])]);
    server.rows(&s, &ddl("live", "")).await;
    // Continuous: an unbounded sequence, the computed column on every row, LIMIT ends it.
    let op = server.submit("", &s, "SELECT id, k FROM live WHERE MOD(id, 2) = 0 LIMIT 15").await;
    let rows = server.follow(&s, &op, "JSON", |_| false).await;
    assert_eq!(rows.len(), 15);
    for (kind, fields) in &rows {
        let id = fields[0].as_i64().unwrap();
        assert_eq!((kind.as_str(), id % 2, fields[1].as_i64()), ("INSERT", 0, Some(id % 20 + 1)), "{fields}");
    }
    // Streaming GROUP BY over the bounded table: its changelog replays to 20 groups of 2.
    let sql = "SELECT k, COUNT(*) AS n FROM events GROUP BY k HAVING MIN(MOD(id, 20)) >= 0";
    let streamed = server.rows(&s, sql).await;
    server.rows(&s, "SET 'execution.runtime-mode' = 'batch'").await;
    let mut batch = server.rows(&s, sql).await;
    batch.sort_by_key(|r| r[0].as_i64());
    assert_eq!(batch, (1..=20).map(|k| json!([k, 2])).collect::<Vec<_>>());
    let mut streamed = streamed;
    streamed.sort_by_key(|r| r[0].as_i64());
    assert_eq!(streamed, batch);
}

#[tokio::test]
async fn functions_in_both_row_formats_listed_and_unknown_ones_named() {
    let server = start_server().await;
    let s = server.open_session("").await;
    // Values from Flink's "System (Built-in) Functions" examples.
    let sql = "SELECT MOD(7, 3) AS m, SPLIT_INDEX('Jack,John,Mary', ',', 2) AS name, IF(1 < 2, 'yes', 'no') AS yn, \
               REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 2) AS tail, LOCATE('b', 'abcb', 3) AS at, \
               SPLIT_INDEX(CAST(NULL AS STRING), ',', 0) AS nothing";
    assert_eq!(server.rows(&s, sql).await, vec![json!([1, "Mary", "yes", "bar", 4, null])]);
    let op = server.submit("", &s, sql).await;
    let text = server.follow(&s, &op, "PLAIN_TEXT", |_| false).await;
    assert_eq!(text, changes(&[("INSERT", json!(["1", "Mary", "yes", "bar", "4", null]))]));
    let listed = server.rows(&s, "SHOW FUNCTIONS").await;
    for name in ["mod", "split_index", "regexp_extract", "if", "locate"] {
        assert!(listed.contains(&json!([name])), "SHOW FUNCTIONS lacks {name}");
    }
    let error = server.failure(&s, "SELECT NO_SUCH_FUNCTION(1)").await;
    assert!(error.contains("No match found for function signature"), "{error}");
    assert!(server.failure(&s, "SELECT MOD(1)").await.contains("MOD"));
}

#[tokio::test]
async fn collection_json_and_period_functions_over_rest() {
    let server = start_server().await;
    let s = server.open_session("").await;
    // Flink 1.20 "System (Built-in) Functions": ARRAY_REMOVE removes all equal elements,
    // ARRAY_POSITION is an INT, JSON_VALUE casts to its RETURNING type, OVERLAPS, TYPEOF.
    let sql = "SELECT ARRAY_REMOVE(ARRAY[1, 2, 1], 1) AS r, ARRAY_POSITION(ARRAY[1, 2], 2) AS p, \
               JSON_VALUE('{\"a\": \"5\"}', '$.a' RETURNING INT) AS v, \
               (TIME '09:00:00', TIME '10:00:00') OVERLAPS (TIME '10:15:00', INTERVAL '3' HOUR) AS o, \
               ELEMENT(ARRAY[7]) AS e, TYPEOF(ARRAY_POSITION(ARRAY[1, 2], 2)) AS t";
    assert_eq!(server.rows(&s, sql).await, vec![json!([[2], 2, 5, false, 7, "INT NOT NULL"])]);
    server.rows(&s, "SET 'execution.runtime-mode' = 'batch'").await;
    let agg = "SELECT JSON_ARRAYAGG(x) AS a, JSON_OBJECTAGG(KEY k VALUE x) AS o, PERCENTILE(x, 0.5) AS p \
               FROM (VALUES ('a', 1), ('b', CAST(NULL AS INT)), ('c', 3)) AS t(k, x)";
    assert_eq!(server.rows(&s, agg).await, vec![json!(["[1,3]", "{\"a\":1,\"b\":null,\"c\":3}", 2.0])]);
    let listed = server.rows(&s, "SHOW FUNCTIONS").await;
    for name in ["element", "map_union", "typeof", "json_arrayagg", "percentile"] {
        assert!(listed.contains(&json!([name])), "SHOW FUNCTIONS lacks {name}");
    }
}
