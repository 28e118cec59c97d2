//! Continuous queries over unbounded sources: pages keep coming, LIMIT ends
//! them, cancel stops them; GROUP BY emits a changelog; windows fire on the
//! watermark.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{start_server, start_server_with};
use serde_json::{json, Value};

const UNBOUNDED: &str = "CREATE TABLE events (id BIGINT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', \
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.v.min' = '0', 'fields.v.max' = '9')";

#[tokio::test]
async fn continuous_query_pages_without_end_until_canceled() {
    let server = start_server_with(&[("sluicegate.result.ring-rows", "500")]).await;
    let s = server.open_session("").await;
    server.rows(&s, UNBOUNDED).await;
    let op = server.submit("", &s, "SELECT id, v * 10 AS tens FROM events WHERE v >= 0").await;
    let rows = server.follow(&s, &op, "JSON", |rows| rows.len() >= 3000).await;
    assert!(rows.iter().all(|r| r.0 == "INSERT"));
    let ids: Vec<i64> = rows.iter().map(|r| r.1[0].as_i64().unwrap()).collect();
    assert_eq!(ids[..5], [1, 2, 3, 4, 5], "rows stream in order");
    assert!(rows.iter().all(|r| r.1[1].as_i64().unwrap() % 10 == 0));
    // Nobody reads for a while: the ring holds the query back.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let status = server.status(&s, &op).await;
    assert_eq!((status["status"].as_str(), status["done"].as_bool()), (Some("FINISHED"), Some(false)), "established, still streaming: {status}");
    assert!(status["bufferedRows"].as_u64().unwrap() <= 500 + 8192, "{status}");
    let canceled_at = Instant::now();
    let a = server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;
    assert_eq!(a.json, json!({ "status": "CANCELED" }));
    server.wait_status(&s, &op, &["CANCELED"]).await;
    assert!(canceled_at.elapsed() < Duration::from_secs(5));
    // LIMIT ends a continuous query with EOS.
    let op = server.submit("", &s, "SELECT id FROM events LIMIT 7").await;
    let pages = server.pages("", &s, &op, "rowFormat=PLAIN_TEXT").await;
    let rows: usize = pages.iter().map(|p| p["results"]["data"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(rows, 7);
    assert_eq!(pages.last().unwrap()["resultType"], "EOS");
    // Closing the session stops what it runs.
    let op = server.submit("", &s, "SELECT * FROM events").await;
    server.follow(&s, &op, "JSON", |rows| !rows.is_empty()).await;
    assert_eq!(server.delete(&format!("/sessions/{s}")).await.json, json!({ "status": "CLOSED" }));
}

/// Replay a changelog onto a map keyed by the first field.
fn replay(rows: &[(String, Value)]) -> Result<BTreeMap<String, Value>, String> {
    let mut state: BTreeMap<String, Value> = BTreeMap::new();
    for (kind, fields) in rows {
        let key = fields[0].to_string();
        match kind.as_str() {
            "INSERT" => {
                if state.insert(key.clone(), fields.clone()).is_some() {
                    return Err(format!("INSERT of a live key {key}"));
                }
            }
            "UPDATE_BEFORE" | "DELETE" => {
                if state.remove(&key).as_ref() != Some(fields) {
                    return Err(format!("{kind} {fields} does not retract the current row"));
                }
            }
            "UPDATE_AFTER" => {
                if state.insert(key.clone(), fields.clone()).is_some() {
                    return Err(format!("UPDATE_AFTER without UPDATE_BEFORE for {key}"));
                }
            }
            other => return Err(format!("unknown kind {other}")),
        }
    }
    Ok(state)
}

#[tokio::test]
async fn continuous_group_by_emits_a_changelog_matching_the_batch_result() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, UNBOUNDED).await;
    let op = server.submit("", &s, "SELECT id % 5 AS k, COUNT(*) AS c, SUM(id) AS total, MAX(id) AS top FROM events GROUP BY id % 5").await;
    // Read until the replayed state covers a whole prefix 1..=n of the sequence.
    let consistent = |rows: &[(String, Value)]| {
        let Ok(state) = replay(rows) else { return false };
        let n: i64 = state.values().map(|r| r[1].as_i64().unwrap_or(0)).sum();
        n >= 500 && state.values().all(|r| r[3].as_i64().is_some_and(|top| top > n - 5))
    };
    let rows = server.follow(&s, &op, "JSON", consistent).await;
    let kinds: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(kinds.contains("UPDATE_BEFORE") && kinds.contains("UPDATE_AFTER") && kinds.contains("INSERT"), "{kinds:?}");
    let state = replay(&rows).unwrap();
    let n: i64 = state.values().map(|r| r[1].as_i64().unwrap()).sum();
    server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;
    // The same rows, bounded, in batch mode: final results only, all INSERT.
    server.rows(&s, "SET 'execution.runtime-mode' = 'batch'").await;
    server
        .rows(&s, &format!("CREATE TABLE prefix (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '{n}')"))
        .await;
    let op = server.submit("", &s, "SELECT id % 5 AS k, COUNT(*) AS c, SUM(id) AS total, MAX(id) AS top FROM prefix GROUP BY id % 5").await;
    let batch = server.follow(&s, &op, "JSON", |_| false).await;
    assert!(batch.iter().all(|r| r.0 == "INSERT"), "{batch:?}");
    let expected: BTreeMap<String, Value> = batch.into_iter().map(|(_, f)| (f[0].to_string(), f)).collect();
    assert_eq!(state, expected, "the changelog's final state is the batch result over rows 1..={n}");
    // An unbounded source cannot run in batch mode.
    assert!(server.failure(&s, "SELECT * FROM events").await.contains("unbounded"));
}

#[tokio::test]
async fn plain_text_changelog_carries_the_row_kinds() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, UNBOUNDED).await;
    let op = server.submit("", &s, "SELECT v, COUNT(DISTINCT id) AS n, AVG(id) AS mean, MIN(id) AS low FROM events GROUP BY v").await;
    let rows = server.follow(&s, &op, "PLAIN_TEXT", |rows| rows.iter().any(|r| r.0 == "UPDATE_AFTER")).await;
    let before = rows.iter().position(|r| r.0 == "UPDATE_BEFORE").expect("a retraction");
    assert_eq!(rows[before + 1].0, "UPDATE_AFTER");
    assert!(rows.iter().all(|r| r.1.as_array().unwrap().iter().all(Value::is_string)), "PLAIN_TEXT fields are strings");
}

#[tokio::test]
async fn tumbling_and_hopping_windows_over_a_monitored_directory() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let dir = server.data.join("clicks");
    std::fs::create_dir_all(&dir).unwrap();
    server
        .rows(&s, &format!(
            "CREATE TABLE clicks (user_name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) \
             WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'csv', 'source.monitor-interval' = '100 ms')",
            dir.display()
        ))
        .await;
    let op = server
        .submit("", &s, "SELECT window_start, window_end, user_name, COUNT(*) AS clicks \
             FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, user_name")
        .await;
    std::fs::write(dir.join("1.csv"), "ann,2024-01-01 00:00:01.000\nbob,2024-01-01 00:00:02.000\nann,2024-01-01 00:00:09.000\n").unwrap();
    // Nothing fires until the watermark (max ts - 1 s) passes the window end.
    let start = format!("/sessions/{s}/operations/{op}/result/0?rowFormat=JSON");
    let a = server.get(&format!("{start}&waitMs=500")).await;
    assert_eq!(a.json["results"]["data"], json!([]), "no window closed yet: {}", a.text);
    let next = a.json["nextResultUri"].as_str().unwrap().to_string();
    std::fs::write(dir.join("2.csv"), "bob,2024-01-01 00:00:12.000\n").unwrap();
    let (rows, next) = server.follow_from(next, |rows| rows.len() >= 2).await;
    let mut fired: Vec<Value> = rows.iter().map(|r| r.1.clone()).collect();
    fired.sort_by_key(|r| r[2].to_string());
    assert_eq!(
        fired,
        vec![
            json!(["2024-01-01T00:00:00", "2024-01-01T00:00:10", "ann", 2]),
            json!(["2024-01-01T00:00:00", "2024-01-01T00:00:10", "bob", 1]),
        ]
    );
    assert!(rows.iter().all(|r| r.0 == "INSERT"));
    // A late row for the closed window is dropped; the next window fires once the watermark passes it.
    std::fs::write(dir.join("3.csv"), "ann,2024-01-01 00:00:03.000\ncid,2024-01-01 00:00:25.000\n").unwrap();
    let (rows, _) = server.follow_from(next.unwrap(), |rows| !rows.is_empty()).await;
    assert_eq!(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>(), vec![json!(["2024-01-01T00:00:10", "2024-01-01T00:00:20", "bob", 1])]);
    let log = server.get(&format!("/sessions/{s}/operations/{op}/log")).await;
    let printed: Vec<&str> = log.json["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).filter(|l| !l.contains(" INFO ")).collect();
    assert_eq!(printed, vec!["dropped 1 late row(s) behind the watermark (1 in all)"], "late rows are counted: {}", log.text);
    server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;

    // HOP: 10 s windows every 5 s; each row lands in two windows.
    let op = server
        .submit("", &s, "SELECT window_start, window_end, COUNT(*) AS n \
             FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end")
        .await;
    let rows = server.follow(&s, &op, "JSON", |rows| rows.iter().any(|r| r.1[0] == "2024-01-01T00:00:10")).await;
    let by_start: BTreeMap<String, i64> = rows.iter().map(|r| (r.1[0].as_str().unwrap().to_string(), r.1[2].as_i64().unwrap())).collect();
    // Whether the 00:03 row is late depends on whether the watermark passed
    // 00:10 before it was read; the other windows are exact.
    assert!(matches!(by_start.get("2024-01-01T00:00:00"), Some(3) | Some(4)), "{by_start:?}");
    assert_eq!(by_start.get("2024-01-01T00:00:05"), Some(&2), "{by_start:?}");
    assert_eq!(by_start.get("2024-01-01T00:00:10"), Some(&1), "{by_start:?}");
    server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;
}

#[tokio::test]
async fn bounded_statements_in_both_runtime_modes() {
    let server = start_server().await;
    for mode in ["streaming", "batch"] {
        let s = server.open_session("").await;
        server.rows(&s, &format!("SET 'execution.runtime-mode' = '{mode}'")).await;
        server.rows(&s, "SET 'table.dml-sync' = 'true'").await;
        server
            .rows(&s, "CREATE TEMPORARY TABLE seq (id INT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '10')")
            .await;
        let out = server.data.join(format!("modes-{mode}"));
        server.rows(&s, &format!("CREATE TEMPORARY TABLE kept (id INT) WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'csv')", out.display())).await;
        assert_eq!(server.rows(&s, "INSERT INTO kept SELECT id FROM seq WHERE id > 5").await.len(), 1, "{mode}");
        let op = server.submit("", &s, "SELECT id % 2 AS odd, COUNT(*) AS n, SUM(id) AS total FROM kept GROUP BY id % 2").await;
        let mut rows = server.follow(&s, &op, "JSON", |_| false).await;
        rows.sort_by_key(|r| r.1[0].as_i64());
        if mode == "batch" {
            assert_eq!(rows, vec![("INSERT".to_string(), json!([0, 3, 24])), ("INSERT".to_string(), json!([1, 2, 16]))], "batch: final rows only");
        } else {
            // Streaming: Flink's changelog, one change per input row, over the bounded file too.
            let kinds = |odd: i64| rows.iter().filter(|r| r.1[0] == odd).map(|r| r.0.as_str()).collect::<Vec<_>>();
            assert_eq!(kinds(0), ["INSERT", "UPDATE_BEFORE", "UPDATE_AFTER", "UPDATE_BEFORE", "UPDATE_AFTER"], "{rows:?}");
            assert_eq!(kinds(1), ["INSERT", "UPDATE_BEFORE", "UPDATE_AFTER"], "{rows:?}");
            let last = |odd: i64| rows.iter().rfind(|r| r.1[0] == odd).map(|r| r.1.clone());
            assert_eq!((last(0), last(1)), (Some(json!([0, 3, 24])), Some(json!([1, 2, 16]))));
        }
        assert_eq!(server.rows(&s, "SHOW TABLES").await, vec![json!(["kept"]), json!(["seq"])], "{mode}");
        assert_eq!(server.rows(&s, "DESCRIBE seq").await, vec![json!(["id", "INT", true, null, null, null])], "{mode}");
    }
}

#[tokio::test]
async fn a_query_that_cannot_run_continuously_names_its_operator() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, UNBOUNDED).await;
    for (sql, operator) in [
        ("SELECT id FROM events ORDER BY v", "SortExec"),
        ("SELECT id, SUM(v) OVER (PARTITION BY v ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM events", "SortExec"),
    ] {
        let op = server.submit("", &s, sql).await;
        let status = server.wait_status(&s, &op, &["ERROR"]).await;
        let error = status["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(&format!("The query cannot run continuously over an unbounded input: its {operator} operator")), "{sql}: {status}");
        assert!(!error.contains("RepartitionExec") && error.len() < 600, "no plan dump: {error}");
        // The session keeps serving.
        assert_eq!(server.rows(&s, "SELECT 1").await.len(), 1);
    }
}
