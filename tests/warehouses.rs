//! Virtual warehouses (engine pools) end to end: the ByteHouse routes, a
//! warehouse's memory limit failing a large sort cleanly while another
//! serves it, its concurrency queue, down/auto-resume, `sluicegate.vw`
//! through the Flink API, usage, storage, and definitions across a restart.

mod common;

use std::time::{Duration, Instant};

use common::bytehouse::{bh_error, in_session, Headers};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A preset small enough that sorting a few MB exceeds it, running one query at a time with one waiting.
const TINY: (&str, &str) = ("sluicegate.vw.config.9", "name=tiny, partitions=1, memory=2 mb, concurrency=1, queue=1");

/// 100 000 rows of 100-character strings: ~10 MB to sort.
const WIDE: &str = "CREATE TABLE wide (s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '100000', 'fields.s.length' = '100')";
const SORT: &str = "SET 'execution.runtime-mode' = 'batch'; SELECT s FROM wide ORDER BY s";

async fn sync_on(server: &TestServer, vw: &str, sql: &str) -> common::Answer {
    server.bh_with(Method::POST, "/queries/sync", Some(json!({"query": sql, "vwID": vw, "maxRowsReturn": 1})), in_session("w")).await
}

/// The warehouse `name`, flat.
async fn warehouse(server: &TestServer, name: &str) -> Value {
    let a = server.bh(Method::GET, &format!("/virtual-warehouses/{name}"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json
}

/// Wait (at most 30 s) until `check` holds for warehouse `name`.
async fn wait_warehouse(server: &TestServer, name: &str, check: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let vw = warehouse(server, name).await;
        if check(&vw) {
            return vw;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "warehouse {name} stuck: {vw}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn warehouses_limit_memory_and_concurrency_and_are_kept() {
    let server = start_server_with(&[TINY]).await;
    let configs = server.bh_ok(Method::GET, "/virtual-warehouse-configs", None, Headers::default()).await;
    let ids: Vec<i64> = configs.as_array().unwrap().iter().map(|c| c["configID"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 9]);
    assert_eq!(configs[4], json!({"configID": 9, "name": "tiny", "targetPartitions": 1, "memoryLimitBytes": 2097152, "maxConcurrentQueries": 1, "maxQueuedQueries": 1}));

    let created = server.bh(Method::POST, "/virtual-warehouses", Some(json!({"name": "tiny_vw", "configID": 9, "description": "small"}))).await;
    assert_eq!(created.json, json!({"name": "tiny_vw", "vwID": "vw-1-tiny_vw", "message": "Success", "error": {}}), "{}", created.text);
    server.bh_ok(Method::POST, "/virtual-warehouses", Some(json!({"name": "roomy", "configID": 1})), Headers::default()).await;
    bh_error(&server.bh(Method::POST, "/virtual-warehouses", Some(json!({"name": "Bad-Name"}))).await, StatusCode::BAD_REQUEST, "BAD_REQUEST");
    bh_error(&server.bh(Method::POST, "/virtual-warehouses", Some(json!({"name": "x", "configID": 77}))).await, StatusCode::BAD_REQUEST, "BAD_REQUEST");
    bh_error(&server.bh(Method::POST, "/virtual-warehouses", Some(json!({"name": "roomy"}))).await, StatusCode::CONFLICT, "CONFLICT");
    let vw = warehouse(&server, "vw-1-tiny_vw").await;
    assert_eq!((vw["name"].clone(), vw["configID"].clone(), vw["status"].clone(), vw["autoResume"].clone()), (json!("tiny_vw"), json!(9), json!("up"), json!(false)));
    let listed = server.bh(Method::GET, "/virtual-warehouses?limit=1", None).await;
    assert_eq!((listed.json["meta"].clone(), listed.json["data"][0]["name"].clone()), (json!({"total": 2, "offset": 0, "limit": 1}), json!("roomy")));
    bh_error(&server.bh(Method::GET, "/virtual-warehouses/nope", None).await, StatusCode::NOT_FOUND, "VW_NOT_FOUND");
    bh_error(&sync_on(&server, "nope", "SELECT 1").await, StatusCode::NOT_FOUND, "VW_NOT_FOUND");

    // Over its memory limit the sort fails with a clear error; the roomy warehouse sorts it.
    server.bh_sync("w", WIDE).await;
    let failed = sync_on(&server, "tiny_vw", SORT).await;
    let message = bh_error(&failed, StatusCode::BAD_REQUEST, "QUERY_FAILED");
    assert!(message.contains("Virtual warehouse 'tiny_vw' ran out of memory") && message.contains("Resources exhausted"), "{message}");
    let sorted = sync_on(&server, "roomy", SORT).await;
    assert_eq!(sorted.status, StatusCode::OK, "{}", sorted.text);
    assert_eq!(sorted.json["data"]["rows"].as_array().unwrap().len(), 1);

    // One slot: a second query waits, a third is refused, the second runs once the first ends.
    server.bh_sync("w", "CREATE TABLE endless (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')").await;
    let first = json!({"query": "SELECT id FROM endless", "queryID": "first", "vwID": "tiny_vw"});
    server.bh_ok(Method::POST, "/queries/async", Some(first), in_session("a")).await;
    wait_warehouse(&server, "tiny_vw", |v| v["runningQueries"] == 1).await;
    server.bh_ok(Method::POST, "/queries/async", Some(json!({"query": "SELECT 1 AS n", "queryID": "second", "vwID": "tiny_vw"})), in_session("b")).await;
    wait_warehouse(&server, "tiny_vw", |v| v["queuedQueries"] == 1).await;
    assert_eq!(server.bh_ok(Method::GET, "/queries/second/status", None, in_session("b")).await["state"], "RUNNING");
    server.bh_ok(Method::POST, "/queries/async", Some(json!({"query": "SELECT 2 AS n", "queryID": "third", "vwID": "tiny_vw"})), in_session("c")).await;
    let third = server.bh_wait("third", "FAILED", in_session("c")).await;
    assert!(third.to_string().contains("is full"), "{third}");
    bh_error(&server.bh(Method::DELETE, "/virtual-warehouses/tiny_vw", None).await, StatusCode::CONFLICT, "CONFLICT");
    server.bh_ok(Method::POST, "/queries/first/kill", None, in_session("a")).await;
    server.bh_wait("second", "FINISHED", in_session("b")).await;
    wait_warehouse(&server, "tiny_vw", |v| v["runningQueries"] == 0 && v["queuedQueries"] == 0).await;

    // Down: refused; with autoResume the next query brings it up.
    server.bh_ok(Method::PATCH, "/virtual-warehouses/tiny_vw", Some(json!({"status": "down"})), Headers::default()).await;
    let down = sync_on(&server, "tiny_vw", "SELECT 3 AS n").await;
    assert!(bh_error(&down, StatusCode::BAD_REQUEST, "QUERY_FAILED").contains("is down"), "{}", down.text);
    server.bh_ok(Method::PATCH, "/virtual-warehouses/tiny_vw", Some(json!({"autoResume": true, "autoSuspend": 30})), Headers::default()).await;
    let resumed = sync_on(&server, "tiny_vw", "SELECT 4 AS n").await;
    assert_eq!(resumed.json["data"]["rows"], json!([[4]]), "{}", resumed.text);
    assert_eq!(warehouse(&server, "tiny_vw").await["status"], "up");

    // The Flink API picks a warehouse with the session property.
    let (opened, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({"properties": {"sluicegate.vw": "tiny_vw", "execution.runtime-mode": "batch"}})), None).await;
    let session = opened.json["sessionHandle"].as_str().unwrap().to_string();
    // The result is established before the sort runs out: the operation then ends in ERROR.
    let op = server.submit("", &session, "SELECT s FROM wide ORDER BY s").await;
    server.wait_status(&session, &op, &["ERROR"]).await;
    let failed = server.get(&format!("/sessions/{session}/operations/{op}/result/0")).await;
    assert!(error_message(&failed).contains("Virtual warehouse 'tiny_vw' ran out of memory"), "{}", failed.text);
    assert!(server.failure(&session, "SET 'sluicegate.vw' = 'nope'").await.contains("Virtual warehouse 'nope' does not exist"));
    server.rows(&session, "SET 'sluicegate.vw' = 'roomy'").await;
    assert_eq!(server.rows(&session, "SELECT COUNT(*) AS n FROM (SELECT s FROM wide ORDER BY s)").await.len(), 1);

    // Busy time: every query that ended on tiny_vw is booked.
    let usage = server.bh_ok(Method::GET, "/usage/virtual-warehouses?vwName=tiny_vw", None, Headers::default()).await;
    let booked = &usage["virtualWarehouses"][0];
    assert_eq!(booked["vwName"], "tiny_vw", "{usage}");
    assert!(booked["queries"].as_i64().unwrap() >= 4 && booked["busyMs"].as_i64().unwrap() > 0, "{usage}");
    bh_error(&server.bh(Method::GET, "/usage/virtual-warehouses?startTime=yesterday", None).await, StatusCode::BAD_REQUEST, "BAD_REQUEST");

    // Storage: an in-memory table's kept rows count for its database.
    server.bh_sync("w", "CREATE DATABASE kept; CREATE TABLE kept.t (id BIGINT, s STRING); SET 'table.dml-sync' = 'true'; INSERT INTO kept.t SELECT 1, 'x'").await;
    let storage = server.bh_ok(Method::GET, "/usage/storage?dbName=kept", None, in_session("w")).await;
    assert_eq!((storage["databases"][0]["dbName"].clone(), storage["databases"][0]["tables"].clone()), (json!("kept"), json!(1)), "{storage}");
    assert!(storage["databases"][0]["bytes"].as_u64().unwrap() > 0, "{storage}");
    bh_error(&server.bh_with(Method::GET, "/usage/storage?dbName=gone", None, in_session("w")).await, StatusCode::NOT_FOUND, "DATABASE_NOT_FOUND");

    // Definitions outlive the gateway; a deleted one is gone.
    server.bh_ok(Method::DELETE, "/virtual-warehouses/roomy", None, Headers::default()).await;
    let server = server.restart().await;
    let vw = warehouse(&server, "tiny_vw").await;
    assert_eq!((vw["id"].clone(), vw["autoResume"].clone(), vw["autoSuspend"].clone(), vw["description"].clone()), (json!("vw-1-tiny_vw"), json!(true), json!(30), json!("small")));
    bh_error(&server.bh(Method::GET, "/virtual-warehouses/roomy", None).await, StatusCode::NOT_FOUND, "VW_NOT_FOUND");
    let usage = server.bh_ok(Method::GET, "/usage/virtual-warehouses", None, Headers::default()).await;
    assert!(usage["virtualWarehouses"].as_array().unwrap().iter().any(|w| w["vwName"] == "tiny_vw"), "usage was written before the restart: {usage}");
}
