//! Bad input of every kind gets the documented status and error body, and the
//! gateway keeps serving.

mod common;

use common::{error_message, start_server, start_server_with};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_400_and_the_server_keeps_serving() {
    let server = start_server_with(&[("sluicegate.rest.max-request-bytes", "4 kb")]).await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, "SELECT 1").await;
    let raw = |path: String, body: &'static str| {
        let http = server.http.clone();
        let url = format!("{}{}", server.base, path);
        async move {
            let r = http.post(url).header("content-type", "application/json").body(body).send().await.unwrap();
            let status = r.status();
            (status, r.text().await.unwrap())
        }
    };
    let (status, text) = raw(format!("/sessions/{s}/statements"), "{not json").await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("ExecuteStatementRequestBody"), "{text}");
    let (status, _) = raw(format!("/sessions/{s}/statements"), r#"{"statement": 5}"#).await;
    assert_eq!(status, 400);
    let (status, text) = raw(format!("/sessions/{s}/statements"), r#"{"statement": "  "}"#).await;
    assert_eq!(status, 400);
    assert!(text.contains("statement"));
    let (status, _) = raw("/sessions".into(), r#"{"properties": {"k": {"nested": 1}}}"#).await;
    assert_eq!(status, 400);
    let (status, _) = raw(format!("/sessions/{s}/statements"), r#"{"statement": "SELECT 1", "unknown": [1,2]}"#).await;
    assert_eq!(status, 200, "unknown fields are ignored");

    for (path, needle) in [
        ("/sessions/not-a-uuid".to_string(), "session_handle"),
        (format!("/sessions/{s}/operations/xyz/status"), "operation_handle"),
        (format!("/sessions/{s}/operations/{op}/result/abc"), "token"),
        (format!("/sessions/{s}/operations/{op}/result/-1"), "token"),
        (format!("/sessions/{s}/operations/{op}/result/0?rowFormat=XML"), "rowFormat"),
        (format!("/sessions/{s}/operations/{op}/result/0?rowFormat=JSON&rowFormat=PLAIN_TEXT"), "Expected only one value"),
        (format!("/sessions/{s}/operations/{op}/result/0?rowFormat=JSON,PLAIN_TEXT"), "Expected only one value"),
        (format!("/sessions/{s}/operations/{op}/result/0?maxRows=0"), "maxRows"),
        (format!("/sessions/{s}/operations/{op}/result/0?waitMs=abc"), "waitMs"),
    ] {
        let a = server.get(&path).await;
        assert_eq!(a.status, 400, "{path}: {}", a.text);
        assert!(error_message(&a).contains(needle), "{path}: {}", a.text);
    }

    let big = "x".repeat(8 * 1024);
    let a = server.post(&format!("/sessions/{s}/statements"), json!({ "statement": format!("SELECT '{big}'") })).await;
    assert_eq!(a.status, 413, "{}", a.text);
    assert!(error_message(&a).contains("exceeds the limit"));

    let unknown = uuid::Uuid::new_v4();
    let a = server.get(&format!("/sessions/{unknown}")).await;
    assert_eq!(a.status, 404);
    assert_eq!(error_message(&a), format!("Session '{unknown}' does not exist."));
    let a = server.get(&format!("/sessions/{s}/operations/{unknown}/status")).await;
    assert_eq!(a.status, 404);
    assert!(error_message(&a).contains(&unknown.to_string()));

    // Still serving, and the accepted statement was not lost.
    server.wait_status(&s, &op, &["FINISHED"]).await;
    // A page may come before the row is buffered; the row is in the result.
    let pages = server.pages("", &s, &op, "rowFormat=JSON").await;
    let rows: Vec<&Value> = pages.iter().flat_map(|p| p["results"]["data"].as_array().into_iter().flatten()).collect();
    assert_eq!(rows.len(), 1, "{pages:?}");
    assert_eq!(rows[0]["fields"], json!([1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_and_delete_accept_bodies_and_empty_bodies() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let a = server.call(Method::GET, &format!("/sessions/{s}"), Some(json!({}))).await;
    assert_eq!(a.status, 200);
    let a = server.call(Method::POST, &format!("/sessions/{s}/heartbeat"), None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.text, "{}");
    let a = server.call(Method::DELETE, &format!("/sessions/{s}"), Some(json!({}))).await;
    assert_eq!(a.json, json!({ "status": "CLOSED" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_sql_fails_cleanly() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let sql = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let op = server.submit("", &s, &sql).await;
    let st = server.wait_status(&s, &op, &["ERROR", "FINISHED"]).await;
    assert_eq!(st["status"], "ERROR", "{st}");
    assert_eq!(server.rows(&s, "SELECT 1").await, vec![json!([1])]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_statements_are_413_without_reading_them() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = start_server_with(&[("sluicegate.rest.max-request-bytes", "200 mb"), ("sluicegate.statement.max-bytes", "64 kb")]).await;
    let s = server.open_session("").await;
    // A 100 MB string literal: refused by the statement limit, the server stays responsive.
    let literal = "y".repeat(100 << 20);
    let a = server.post(&format!("/sessions/{s}/statements"), json!({ "statement": format!("SELECT '{literal}'") })).await;
    assert_eq!(a.status, 413, "{}", &a.text[..a.text.len().min(200)]);
    assert!(error_message(&a).contains("Statement of"));
    drop(literal);
    assert_eq!(server.rows(&s, "SELECT 1").await, vec![json!([1])]);

    // A declared body over the request limit is refused from its headers alone.
    let small = start_server().await;
    let addr = small.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!("POST /sessions HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{{", 100u64 << 20);
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read(&mut buf)).await.expect("answered at once").unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"errors\""), "{text}");
    assert_eq!(small.get("/api_versions").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_ascii_statements_fail_cleanly_and_leave_the_session_usable() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for sql in ["éé", "sé", "ré 1", "SELECT 'ключ' AS k"] {
        let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": sql })).await;
        assert_eq!(a.status, 400, "{sql}: {}", a.text);
        let op = server.submit("", &s, sql).await;
        server.wait_status(&s, &op, &["ERROR", "FINISHED"]).await;
    }
    assert_eq!(server.rows(&s, "SELECT 'ключ' AS k").await, vec![json!(["ключ"])]);
}
