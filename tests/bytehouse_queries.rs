//! Queries over the ByteHouse-style API (`/bytehouse/v1/queries`): sync and
//! async, several statements with USE, row caps, the async switch, kill,
//! abort, results paged by token, check-tables, dialects, statistics.

mod common;

use std::time::Duration;

use common::bytehouse::{bh_error, in_session, Headers};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A bounded datagen table of `rows` sequential ids, produced at `per_second` rows a second.
fn slow_table(name: &str, rows: u64, per_second: Option<u64>) -> String {
    let pace = per_second.map(|p| format!("'rows-per-second' = '{p}', ")).unwrap_or_default();
    format!(
        "CREATE TABLE {name} (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '{rows}', {pace}\
'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '{rows}')"
    )
}

#[tokio::test]
async fn sync_queries_run_several_statements_in_their_query_session() {
    let server = start_server().await;
    let answer = server.bh_sync("w1", "CREATE DATABASE q1; USE q1; CREATE VIEW v AS SELECT 1 AS x, 'a' AS y; SELECT x, y FROM v").await;
    assert_eq!(answer["columns"], json!([{"name": "x", "type": "INT NOT NULL"}, {"name": "y", "type": "STRING NOT NULL"}]));
    assert_eq!(answer["rows"], json!([[1, "a"]]));
    assert_eq!((answer["state"].clone(), answer["async"].clone(), answer["rowCount"].clone(), answer["nextToken"].clone()), (json!("FINISHED"), json!(false), json!(1), Value::Null));
    let id = answer["queryID"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).map(|u| u.get_version_num()), Ok(4), "a generated UUID: {id}");
    // The same query session keeps its current database; another one does not.
    assert_eq!(server.bh_sync("w1", "SELECT x FROM v").await["rows"], json!([[1]]));
    let other = server.bh_with(Method::POST, "/queries/sync", Some(json!({"query": "SELECT x FROM v"})), in_session("w2")).await;
    assert!(bh_error(&other, StatusCode::BAD_REQUEST, "QUERY_FAILED").contains("v"), "{}", other.text);
    // A failing leading statement stops the rest.
    let failed = server.bh_with(Method::POST, "/queries/sync", Some(json!({"query": "USE nowhere; SELECT 1"})), in_session("w1")).await;
    let message = bh_error(&failed, StatusCode::BAD_REQUEST, "QUERY_FAILED");
    assert!(message.starts_with("Statement 1 of the query failed: ") && message.contains("nowhere"), "{message}");
    // Modes and missing queries.
    let ansi = server.bh_ok(Method::POST, "/queries/sync", Some(json!({"query": "SELECT 2 AS two", "mode": "flink_sql"})), in_session("w1")).await;
    assert_eq!(ansi["rows"], json!([[2]]));
    let mode = server.bh(Method::POST, "/queries/sync", Some(json!({"query": "SELECT 1", "mode": "clickhouse_sql"}))).await;
    assert_eq!(bh_error(&mode, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "Unsupported mode 'clickhouse_sql': use ansi_sql or flink_sql.");
    let empty = server.bh(Method::POST, "/queries/sync", Some(json!({}))).await;
    assert_eq!(bh_error(&empty, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "query is required.");
    bh_error(&server.bh(Method::GET, "/queries/nope/status", None).await, StatusCode::NOT_FOUND, "QUERY_NOT_FOUND");
}

#[tokio::test]
async fn max_rows_return_caps_and_the_rest_pages_by_token() {
    let server = start_server().await;
    let body = json!({"query": "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) AS t(n, s)", "maxRowsReturn": 2, "queryID": "capped"});
    let first = server.bh_ok(Method::POST, "/queries/sync", Some(body), Headers::default()).await;
    assert_eq!(first["rows"], json!([[1, "a"], [2, "b"]]));
    assert_eq!(first["queryID"], "capped");
    let token = first["nextToken"].as_u64().expect("more rows");
    let rest = server.bh_ok(Method::GET, &format!("/queries/capped/results?token={token}"), None, Headers::default()).await;
    assert_eq!(rest["rows"], json!([[3, "c"]]));
    assert_eq!((rest["state"].clone(), rest["nextToken"].clone()), (json!("FINISHED"), Value::Null));
    let gone = server.bh(Method::GET, "/queries/capped/results", None).await;
    bh_error(&gone, StatusCode::GONE, "TOKEN_GONE");
    let stats = server.bh_ok(Method::GET, "/statistics/queries/capped", None, Headers::default()).await;
    assert_eq!((stats["state"].clone(), stats["rowsProduced"].clone(), stats["rowsReturned"].clone()), (json!("FINISHED"), json!(3), json!(3)));
    assert_eq!(stats["bytesReturned"], json!("[[1,\"a\"],[2,\"b\"]]".len() + "[[3,\"c\"]]".len()));
    assert!(stats["submittedAt"].as_str().unwrap().ends_with('Z') && stats["endedAt"].is_string(), "{stats}");
    let status = server.bh_ok(Method::GET, "/queries/capped/status", None, Headers::default()).await;
    assert_eq!((status["kind"].clone(), status["mode"].clone(), status["rows"].clone(), status["complete"].clone()), (json!("sync"), json!("ansi_sql"), json!(3), json!(true)));
    bh_error(&server.bh(Method::GET, "/queries/capped/results?maxRowsReturn=x", None).await, StatusCode::BAD_REQUEST, "BAD_REQUEST");
}

#[tokio::test]
async fn a_slow_sync_query_switches_to_async_and_finishes() {
    let server = start_server().await;
    server.bh_sync("", &slow_table("slow", 12, Some(6))).await;
    let body = json!({"query": "SELECT id FROM slow", "asyncModeSwitchAfterInSec": 1, "queryID": "switched"});
    let started = std::time::Instant::now();
    let answer = server.bh_ok(Method::POST, "/queries/sync", Some(body), Headers::default()).await;
    assert!(started.elapsed() >= Duration::from_secs(1) && started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!((answer["async"].clone(), answer["state"].clone(), answer["rows"].clone()), (json!(true), json!("RUNNING"), json!([])));
    assert_eq!(server.bh_ok(Method::GET, "/queries/switched/status", None, Headers::default()).await["state"], "RUNNING");
    let done = server.bh_wait("switched", "FINISHED", Headers::default()).await;
    assert_eq!(done["rows"], 12);
    let rows = server.bh_ok(Method::GET, "/queries/switched/results", None, Headers::default()).await;
    let ids: Vec<u64> = rows["rows"].as_array().unwrap().iter().map(|r| r[0].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=12).collect::<Vec<_>>());
    assert_eq!(rows["nextToken"], Value::Null);
    // A quick one under the same switch answers its rows.
    let quick = server.bh_ok(Method::POST, "/queries/sync", Some(json!({"query": "SELECT 7 AS n", "asyncModeSwitchAfterInSec": 5})), Headers::default()).await;
    assert_eq!((quick["async"].clone(), quick["rows"].clone()), (json!(false), json!([[7]])));
    // A switch beyond any reachable time is no switch: the rows are answered.
    let far = server.bh_ok(Method::POST, "/queries/sync", Some(json!({"query": "SELECT 8 AS n", "asyncModeSwitchAfterInSec": u64::MAX})), Headers::default()).await;
    assert_eq!((far["async"].clone(), far["rows"].clone()), (json!(false), json!([[8]])));
}

#[tokio::test]
async fn async_queries_are_killed_and_ids_are_reused_after() {
    let server = start_server().await;
    server.bh_sync("", &slow_table("endless", 1_000_000, Some(5))).await;
    let body = json!({"query": "SELECT id FROM endless", "queryID": "k1"});
    let submitted = server.bh_ok(Method::POST, "/queries/async", Some(body.clone()), Headers::default()).await;
    assert_eq!((submitted["queryID"].clone(), submitted["kind"].clone(), submitted["query"].clone()), (json!("k1"), json!("async"), json!("SELECT id FROM endless")));
    server.bh_wait("k1", "RUNNING", Headers::default()).await;
    let taken = server.bh(Method::POST, "/queries/async", Some(body.clone())).await;
    assert_eq!(bh_error(&taken, StatusCode::CONFLICT, "QUERY_ID_TAKEN"), "Query ID k1 is already taken by a running query.");
    // Rows read so far come with a token to continue.
    let some = server.bh_ok(Method::GET, "/queries/k1/results?maxRowsReturn=2", None, Headers::default()).await;
    assert_eq!(some["rows"], json!([[1], [2]]));
    assert!(some["nextToken"].is_u64());
    let killed = server.bh_ok(Method::POST, "/queries/k1/kill", None, Headers::default()).await;
    assert_eq!(killed["state"], "CANCELLED");
    let read = server.bh(Method::GET, "/queries/k1/results", None).await;
    assert_eq!(bh_error(&read, StatusCode::CONFLICT, "QUERY_CANCELLED"), "Query k1 was cancelled.");
    // Killing again is harmless; the id is free again.
    assert_eq!(server.bh_ok(Method::POST, "/queries/k1/kill", None, Headers::default()).await["state"], "CANCELLED");
    server.bh_ok(Method::POST, "/queries/async", Some(json!({"query": "SELECT 1", "queryID": "k1"})), Headers::default()).await;
    assert_eq!(server.bh_wait("k1", "FINISHED", Headers::default()).await["query"], "SELECT 1");
    bh_error(&server.bh(Method::POST, "/queries/none/kill", None).await, StatusCode::NOT_FOUND, "QUERY_NOT_FOUND");
}

#[tokio::test]
async fn running_sync_queries_are_aborted_or_killed() {
    let server = std::sync::Arc::new(start_server().await);
    server.bh_sync("ab", &slow_table("slow", 1_000_000, Some(5))).await;
    let none = server.bh_with(Method::POST, "/queries/sync/abort", None, in_session("ab")).await;
    assert_eq!(bh_error(&none, StatusCode::NOT_FOUND, "QUERY_NOT_FOUND"), "No synchronous query is running in query session 'ab'.");
    for (id, how) in [("s-abort", "abort"), ("s-kill", "kill")] {
        let running = server.clone();
        let call = tokio::spawn(async move {
            running.bh_with(Method::POST, "/queries/sync", Some(json!({"query": "SELECT id FROM slow", "queryID": id})), in_session("ab")).await
        });
        server.bh_wait(id, "RUNNING", in_session("ab")).await;
        let path = if how == "abort" { "/queries/sync/abort".to_string() } else { format!("/queries/sync/{id}/kill") };
        let stopped = server.bh_ok(Method::POST, &path, None, in_session("ab")).await;
        assert_eq!((stopped["queryID"].clone(), stopped["state"].clone()), (json!(id), json!("CANCELLED")));
        let answer = call.await.unwrap();
        assert_eq!(bh_error(&answer, StatusCode::CONFLICT, "QUERY_CANCELLED"), format!("Query {id} was cancelled."));
    }
}

#[tokio::test]
async fn a_large_result_is_paged_by_token() {
    let server = start_server_with(&[("sluicegate.result.page-rows", "300"), ("sluicegate.result.ring-rows", "2000")]).await;
    server.bh_sync("", &slow_table("big", 5000, None)).await;
    let submitted = server.bh_ok(Method::POST, "/queries/async", Some(json!({"query": "SELECT id FROM big", "queryID": "big"})), Headers::default()).await;
    assert_eq!(submitted["queryID"], "big");
    // More rows than the buffer holds: FINISHED means ready to read.
    server.bh_wait("big", "FINISHED", Headers::default()).await;
    let (mut ids, mut token, mut pages) = (Vec::new(), 0u64, 0);
    loop {
        let page = server.bh_ok(Method::GET, &format!("/queries/big/results?maxRowsReturn=1000&token={token}"), None, Headers::default()).await;
        pages += 1;
        let rows = page["rows"].as_array().unwrap();
        assert!(rows.len() <= 1000);
        assert_eq!(page["rowCount"], rows.len());
        ids.extend(rows.iter().map(|r| r[0].as_u64().unwrap()));
        match page["nextToken"].as_u64() {
            Some(next) => token = next,
            None => break,
        }
        assert!(pages < 50, "never ended");
    }
    ids.sort();
    assert_eq!(ids, (1..=5000).collect::<Vec<_>>());
    assert!(pages >= 5, "{pages} pages");
    let stats = server.bh_ok(Method::GET, "/statistics/queries/big", None, Headers::default()).await;
    assert_eq!((stats["rowsProduced"].clone(), stats["rowsReturned"].clone(), stats["bufferedRows"].clone()), (json!(5000), json!(5000), json!(0)));
    let old = server.bh(Method::GET, "/queries/big/results?token=0", None).await;
    bh_error(&old, StatusCode::GONE, "TOKEN_GONE");
}

#[tokio::test]
async fn check_tables_reads_the_plan_and_dialects_are_listed() {
    let server = start_server().await;
    server.bh_sync("", "CREATE DATABASE d").await;
    for t in ["t1", "t2", "t3"] {
        server.bh_sync("", &format!("CREATE TABLE d.{t} (a INT, b INT)")).await;
    }
    server.bh_sync("", "CREATE VIEW d.v1 AS SELECT a FROM d.t1").await;
    let body = json!({"query": "USE d; SELECT v1.a FROM v1 JOIN t2 ON v1.a = t2.a WHERE t2.b IN (SELECT b FROM t3)", "userInfo": {"name": "x"}});
    let read = server.bh_ok(Method::POST, "/queries/check-tables", Some(body), Headers::default()).await;
    let refs = |names: &[&str]| names.iter().map(|n| json!({"catalog": "default_catalog", "database": "d", "name": n})).collect::<Vec<_>>();
    assert_eq!(read, json!({"tables": refs(&["t1", "t2", "t3"]), "views": refs(&["v1"]), "materializedViews": []}));
    let not_a_query = server.bh(Method::POST, "/queries/check-tables", Some(json!({"query": "CREATE DATABASE e"}))).await;
    assert_eq!(bh_error(&not_a_query, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "Only a query (SELECT, WITH, VALUES) or an INSERT reads tables.");
    let unknown = server.bh(Method::POST, "/queries/check-tables", Some(json!({"query": "SELECT * FROM d.nope"}))).await;
    assert!(bh_error(&unknown, StatusCode::BAD_REQUEST, "BAD_REQUEST").contains("nope"), "{}", unknown.text);
    let dialects = server.bh_ok(Method::GET, "/queries/dialects", None, Headers::default()).await;
    let names: Vec<&str> = dialects.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["ansi_sql", "flink_sql"]);
}
