//! Operation lifecycle: ordering, cancel, close, timeout, statement kinds, errors.

mod common;

use std::time::{Duration, Instant};

use common::{error_message, start_server, start_server_with};
use serde_json::json;

const HUGE_SCAN: &str = "SELECT * FROM generate_series(1, 100000000000)";
const HUGE_COUNT: &str = "SELECT count(*) FROM generate_series(1, 100000000000)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_streaming_query_within_a_second_and_frees_its_ring() {
    let server = start_server_with(&[("sluicegate.result.ring-rows", "20000")]).await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, HUGE_SCAN).await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
    // Let the ring fill: the producer must then wait instead of growing it.
    let start = Instant::now();
    loop {
        let st = server.status(&s, &op).await;
        // Batches are 8192 rows: the ring is full once another one would not fit.
        if st["bufferedRows"].as_u64().unwrap() > 20000 - 8192 {
            assert_eq!(st["done"], false);
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "ring never filled: {st}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let st = server.status(&s, &op).await;
    assert!(st["bufferedRows"].as_u64().unwrap() <= 20000, "the ring never exceeds its bound: {st}");
    assert!(st["rowsProduced"].as_u64().unwrap() <= 20000, "a full ring back-pressures the query: {st}");

    let started = Instant::now();
    let c = server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;
    assert_eq!(c.json, json!({ "status": "CANCELED" }));
    let st = server.wait_status(&s, &op, &["CANCELED"]).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(st["bufferedRows"], 0);
    assert_eq!(st["bufferedBytes"], 0);
    assert_eq!(st["done"], true);
    let produced = st["rowsProduced"].as_u64().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.status(&s, &op).await["rowsProduced"].as_u64().unwrap(), produced, "nothing is produced after cancel");
    let fetch = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(fetch.status, 409);
    assert!(error_message(&fetch).contains("CANCELED"));
    let again = server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;
    assert_eq!(again.json, json!({ "status": "CANCELED" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_close_stop_a_running_aggregate() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for action in ["cancel", "close"] {
        let op = server.submit("", &s, HUGE_COUNT).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        let a = if action == "cancel" {
            server.post(&format!("/sessions/{s}/operations/{op}/{action}"), json!({})).await
        } else {
            server.delete(&format!("/sessions/{s}/operations/{op}/{action}")).await
        };
        assert_eq!(a.status, 200, "{}", a.text);
        assert!(started.elapsed() < Duration::from_secs(1));
        // The session's queue is free again at once: the next statement runs.
        let next = server.submit("", &s, "SELECT 2").await;
        server.wait_status(&s, &next, &["FINISHED"]).await;
        assert!(started.elapsed() < Duration::from_secs(2), "{action} left the query running");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_frees_the_result_and_forgets_the_operation() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, HUGE_SCAN).await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
    let c = server.delete(&format!("/sessions/{s}/operations/{op}/close")).await;
    assert_eq!(c.json, json!({ "status": "CLOSED" }));
    for path in ["status", "result/0"] {
        let a = server.get(&format!("/sessions/{s}/operations/{op}/{path}")).await;
        assert_eq!(a.status, 404, "{}", a.text);
    }
    let unknown = uuid::Uuid::new_v4();
    let a = server.delete(&format!("/sessions/{s}/operations/{unknown}/close")).await;
    assert_eq!(a.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execution_timeout_ends_the_operation_as_timeout() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server.submit_with("", &s, json!({ "statement": HUGE_COUNT, "executionTimeout": 300 })).await;
    let started = Instant::now();
    // FINISHED comes first (the stream is established); the count then runs out of time.
    let st = server.wait_status(&s, &op, &["TIMEOUT", "ERROR", "CANCELED"]).await;
    assert_eq!(st["status"], "TIMEOUT", "{st}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(st["error"].as_str().unwrap().contains("300 ms"));
    let fetch = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(fetch.status, 409);
    assert!(error_message(&fetch).contains("timeout"));
    // A streaming query that outlives its timeout while nobody fetches times out too.
    let op = server.submit_with("", &s, json!({ "statement": HUGE_SCAN, "executionTimeout": 300 })).await;
    let st = server.wait_status(&s, &op, &["TIMEOUT"]).await;
    assert_eq!(st["bufferedRows"], 0);
    // Zero and negative timeouts mean none.
    let op = server.submit_with("", &s, json!({ "statement": "SELECT 1", "executionTimeout": 0 })).await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_of_one_session_run_in_order_while_other_sessions_proceed() {
    let server = start_server().await;
    let a = server.open_session("").await;
    let b = server.open_session("").await;
    let slow = server.submit("", &a, "CREATE TABLE slow AS SELECT count(*) AS c FROM generate_series(1, 100000000000)").await;
    server.wait_status(&a, &slow, &["RUNNING"]).await;
    let queued = server.submit("", &a, "SELECT 42 AS answer").await;
    // Another session is not blocked by session a's long statement.
    assert_eq!(server.rows(&b, "SELECT 1 AS one").await, vec![json!([1])]);
    assert_eq!(server.status(&a, &slow).await["status"], "RUNNING");
    assert_eq!(server.status(&a, &queued).await["status"], "PENDING");
    server.post(&format!("/sessions/{a}/operations/{slow}/cancel"), json!({})).await;
    server.wait_status(&a, &queued, &["FINISHED"]).await;

    // Submitted back to back, each statement sees the effects of the previous
    // ones (INSERT waits for its job with dml-sync, as in Flink).
    let ops = [
        server.submit("", &a, "SET 'table.dml-sync' = 'true'").await,
        server.submit("", &a, "CREATE TABLE x AS VALUES (1)").await,
        server.submit("", &a, "INSERT INTO x VALUES (2), (3)").await,
        server.submit("", &a, "CREATE VIEW vx AS SELECT count(*) AS n FROM x").await,
    ];
    assert_eq!(server.rows(&a, "SELECT n FROM vx").await, vec![json!([3])]);
    for op in ops {
        assert_eq!(server.status(&a, &op).await["status"], "FINISHED");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_kinds_answer_flinks_shapes() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let dir = std::env::temp_dir().join(format!("sluicegate-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("data.csv"), "id,name\n1,alpha\n2,beta\n").unwrap();

    server.rows(&s, "SET 'table.dml-sync' = 'true'").await;
    let insert = server.submit("", &s, "CREATE TABLE people (id INT, name VARCHAR)").await;
    server.wait_status(&s, &insert, &["FINISHED"]).await;
    let op = server.submit("", &s, "INSERT INTO people VALUES (1, 'ann'), (2, 'bob')").await;
    let pages = server.pages("", &s, &op, "rowFormat=JSON").await;
    assert_eq!(pages[0]["results"]["columns"][0]["name"], "job id");
    assert_eq!(pages[0]["isQueryResult"], false);
    assert_eq!(pages[0]["resultKind"], "SUCCESS_WITH_CONTENT");
    assert_eq!(pages[0]["jobID"], pages[0]["results"]["data"][0]["fields"][0]);

    let create = format!("CREATE EXTERNAL TABLE csv STORED AS CSV LOCATION '{}/' OPTIONS ('format.has_header' 'true')", dir.display());
    assert_eq!(server.rows(&s, &create).await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SELECT name FROM csv ORDER BY id").await, vec![json!(["alpha"]), json!(["beta"])]);
    assert_eq!(server.rows(&s, "WITH w AS (SELECT id FROM people) SELECT sum(id) FROM w").await, vec![json!([3])]);
    assert_eq!(server.rows(&s, "DROP TABLE csv").await, vec![json!(["OK"])]);

    let op = server.submit("", &s, "SHOW TABLES").await;
    let pages = server.pages("", &s, &op, "rowFormat=JSON").await;
    assert_eq!(pages[0]["isQueryResult"], false);
    assert_eq!(pages[0]["resultKind"], "SUCCESS_WITH_CONTENT");
    let names: Vec<String> = pages.iter().flat_map(|p| p["results"]["data"].as_array().unwrap().clone()).map(|r| r["fields"].to_string()).collect();
    assert!(names.iter().any(|n| n.contains("people")), "{names:?}");

    let explain = server.rows(&s, "EXPLAIN SELECT * FROM people").await;
    assert!(!explain.is_empty());

    assert_eq!(server.rows(&s, "SET 'table.local-time-zone' = 'Asia/Shanghai'").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SET 'datafusion.execution.batch_size' = '1000'").await, vec![json!(["OK"])]);
    let listing = server.rows(&s, "SET").await;
    assert!(listing.contains(&json!(["table.local-time-zone", "Asia/Shanghai"])), "{listing:?}");
    assert!(listing.contains(&json!(["datafusion.execution.batch_size", "1000"])));
    assert_eq!(server.rows(&s, "SELECT TIMESTAMP '1970-01-01 00:00:00Z' AS ts").await.len(), 1);
    assert_eq!(server.rows(&s, "RESET 'table.local-time-zone'").await, vec![json!(["OK"])]);
    assert!(!server.rows(&s, "SET").await.iter().any(|r| r[0] == "table.local-time-zone"));
    assert_eq!(server.rows(&s, "RESET").await, vec![json!(["OK"])]);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_statement_is_accepted_then_reports_error() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for (sql, fragment) in [
        ("SELECT * FROM no_such_table", "no_such_table"),
        ("SELEC 1", "SELEC"),
        ("SELECT 1; SELECT 2", "single statement"),
        ("SET 'datafusion.execution.batch_size' = 'many'", "batch_size"),
        ("SET 'table.local-time-zone' = 'Mars/Olympus'", "Mars/Olympus"),
    ] {
        let op = server.submit("", &s, sql).await;
        let st = server.wait_status(&s, &op, &["ERROR", "FINISHED"]).await;
        assert_eq!(st["status"], "ERROR", "{sql}: {st}");
        assert!(st["error"].as_str().unwrap().contains(fragment), "{st}");
        let fetch = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
        assert_eq!(fetch.status, 400, "{sql}: {}", fetch.text);
        let message = error_message(&fetch);
        assert!(message.contains(fragment), "{message}");
        assert!(!message.contains("backtrace"), "{message}");
    }
    // The failed SET left the session unchanged.
    assert!(!server.rows(&s, "SET").await.iter().any(|r| r[0] == "table.local-time-zone"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execution_config_applies_to_one_statement_only() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server
        .submit_with("", &s, json!({ "statement": "SELECT value FROM generate_series(1, 10)", "executionConfig": { "datafusion.execution.batch_size": 3 } }))
        .await;
    let pages = server.pages("", &s, &op, "rowFormat=JSON").await;
    assert_eq!(pages.iter().map(|p| p["results"]["data"].as_array().unwrap().len()).sum::<usize>(), 10);
    let listing = server.rows(&s, "SET").await;
    assert!(!listing.iter().any(|r| r[0] == "datafusion.execution.batch_size"), "{listing:?}");
    let bad = server.submit_with("", &s, json!({ "statement": "SELECT 1", "executionConfig": { "datafusion.nope": "1" } })).await;
    let st = server.wait_status(&s, &bad, &["ERROR"]).await;
    assert!(st["error"].as_str().unwrap().contains("datafusion.nope"));
}
