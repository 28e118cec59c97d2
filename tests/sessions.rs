//! Sessions: properties, limits, idle expiry and heartbeats.

mod common;

use std::time::{Duration, Instant};

use common::{error_message, start_server, start_server_with};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sessions_expire_and_heartbeats_keep_them() {
    let server = start_server_with(&[("sql-gateway.session.idle-timeout", "400ms"), ("sql-gateway.session.check-interval", "50ms")]).await;
    let idle = server.open_session("").await;
    let kept = server.open_session("").await;
    let used = server.open_session("").await;
    let running = server.submit("", &idle, "SELECT * FROM generate_series(1, 100000000000)").await;
    server.wait_status(&idle, &running, &["FINISHED"]).await;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(1200) {
        let hb = server.post(&format!("/sessions/{kept}/heartbeat"), json!({})).await;
        assert_eq!(hb.status, 200, "{}", hb.text);
        let get = server.get(&format!("/sessions/{used}")).await;
        assert_eq!(get.status, 200, "any request naming a session refreshes it");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gone = server.get(&format!("/sessions/{idle}")).await;
    assert_eq!(gone.status, 404);
    assert!(error_message(&gone).contains(&idle));
    let gone = server.get(&format!("/sessions/{idle}/operations/{running}/status")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(server.get(&format!("/sessions/{kept}")).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_idle_timeout_disables_expiry() {
    let server = start_server_with(&[("sql-gateway.session.idle-timeout", "0"), ("sql-gateway.session.check-interval", "10ms")]).await;
    let s = server.open_session("").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.get(&format!("/sessions/{s}")).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_limit_is_enforced_and_freed_by_close() {
    let server = start_server_with(&[("sql-gateway.session.max-num", "2")]).await;
    let a = server.open_session("").await;
    let _b = server.open_session("").await;
    let refused = server.post("/sessions", json!({})).await;
    assert_eq!(refused.status, 429);
    assert!(error_message(&refused).contains("exceeds the max count: 2"));
    server.delete(&format!("/sessions/{a}")).await;
    server.open_session("").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operation_limit_evicts_completed_operations_first() {
    let server = start_server_with(&[("sluicegate.session.max-operations", "2")]).await;
    let s = server.open_session("").await;
    let running = server.submit("", &s, "SELECT * FROM generate_series(1, 100000000000)").await;
    let done = server.submit("", &s, "SET 'a' = 'b'").await;
    server.pages("", &s, &done, "").await;
    // The completed SET makes room; the streaming query is kept.
    let third = server.submit("", &s, "SET 'c' = 'd'").await;
    assert_eq!(server.get(&format!("/sessions/{s}/operations/{done}/status")).await.status, 404);
    server.wait_status(&s, &third, &["FINISHED"]).await;
    let refused = server.post(&format!("/sessions/{s}/statements"), json!({ "statement": "SELECT 1" })).await;
    // `third` still holds an unread OK row, so nothing can be evicted.
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert!(error_message(&refused).contains("open operations"));
    assert_eq!(server.status(&s, &running).await["status"], "FINISHED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn properties_merge_defaults_and_reach_datafusion() {
    let server = start_server_with(&[("table.local-time-zone", "UTC"), ("custom.default", "d")]).await;
    let open = server.post("/sessions", json!({ "properties": { "custom.default": "mine", "datafusion.sql_parser.enable_ident_normalization": "false" } })).await;
    assert_eq!(open.status, 200, "{}", open.text);
    let s = open.json["sessionHandle"].as_str().unwrap().to_string();
    let props = server.get(&format!("/sessions/{s}")).await.json["properties"].clone();
    assert_eq!(props["table.local-time-zone"], "UTC");
    assert_eq!(props["custom.default"], "mine");
    let show = server.rows(&s, "SHOW datafusion.sql_parser.enable_ident_normalization").await;
    assert_eq!(show[0][1], "false", "{show:?}");
    let bad = server.post("/sessions", json!({ "properties": { "datafusion.execution.batch_size": "lots" } })).await;
    assert_eq!(bad.status, 400);
    assert!(error_message(&bad).contains("batch_size"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_session_closes_its_operations() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, "SELECT * FROM generate_series(1, 100000000000)").await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
    assert_eq!(server.delete(&format!("/sessions/{s}")).await.json, json!({ "status": "CLOSED" }));
    let a = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(a.status, 404);
    let a = server.post(&format!("/sessions/{s}/statements"), json!({ "statement": "SELECT 1" })).await;
    assert_eq!(a.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_nobody_fetches_are_closed_after_their_idle_timeout() {
    let server = start_server_with(&[("sql-gateway.operation.idle-timeout", "400ms"), ("sql-gateway.session.check-interval", "50ms")]).await;
    let s = server.open_session("").await;
    let forgotten = server.submit("", &s, "SELECT * FROM generate_series(1, 100000000000)").await;
    let watched = server.submit("", &s, "SELECT * FROM generate_series(1, 100000000000)").await;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(1200) {
        assert_eq!(server.get(&format!("/sessions/{s}/operations/{watched}/result/0")).await.status, 200);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let a = server.get(&format!("/sessions/{s}/operations/{forgotten}/status")).await;
    assert_eq!(a.status, 404, "{}", a.text);
    assert_eq!(server.status(&s, &watched).await["status"], "FINISHED");
    assert_eq!(server.get(&format!("/sessions/{s}")).await.status, 200, "the session itself stays");
}
