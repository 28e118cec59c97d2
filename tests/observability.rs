//! Metrics, request ids and progress fields.

mod common;

use common::start_server;
use serde_json::json;

fn metric(text: &str, line_start: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .unwrap_or_else(|| panic!("no metric {line_start} in\n{text}"))
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_sessions_statements_pages_and_errors() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let rows = server.rows(&s, "SELECT value FROM generate_series(1, 123)").await;
    assert_eq!(rows.len(), 123);
    let failed = server.submit("", &s, "SELECT * FROM missing").await;
    server.wait_status(&s, &failed, &["ERROR"]).await;
    assert_eq!(server.get(&format!("/sessions/{s}/operations/{failed}/result/0")).await.status, 400);
    let streaming = server.submit("", &s, "SELECT * FROM generate_series(1, 100000000000)").await;
    server.wait_status(&s, &streaming, &["FINISHED"]).await;
    assert_eq!(server.get("/nope").await.status, 404);

    let a = server.get("/metrics").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/plain"), "{}", a.content_type);
    let text = a.text;
    assert_eq!(metric(&text, "sluicegate_sessions_open "), 1.0);
    assert_eq!(metric(&text, "sluicegate_statements_total{kind=\"query\",outcome=\"finished\"}"), 1.0);
    assert_eq!(metric(&text, "sluicegate_statements_total{kind=\"unknown\",outcome=\"error\"}"), 1.0);
    assert!(metric(&text, "sluicegate_rows_served_total ") >= 123.0);
    assert!(metric(&text, "sluicegate_pages_served_total ") >= 2.0);
    assert!(metric(&text, "sluicegate_bytes_served_total ") > 0.0);
    assert_eq!(metric(&text, "sluicegate_operations{status=\"FINISHED\"}"), 2.0);
    assert_eq!(metric(&text, "sluicegate_operations{status=\"ERROR\"}"), 1.0);
    assert!(metric(&text, "sluicegate_ring_rows ") > 0.0, "the streaming query fills its ring");
    assert_eq!(metric(&text, "sluicegate_errors_total{status=\"404\"}"), 1.0);
    assert_eq!(metric(&text, "sluicegate_errors_total{status=\"400\"}"), 1.0);
    assert!(metric(&text, "sluicegate_fetch_seconds_count ") >= 2.0);
    assert!(metric(&text, "sluicegate_fetch_seconds_bucket{le=\"+Inf\"} ") >= 2.0);

    server.delete(&format!("/sessions/{s}")).await;
    let text = server.get("/metrics").await.text;
    assert_eq!(metric(&text, "sluicegate_sessions_open "), 0.0);
    assert_eq!(metric(&text, "sluicegate_ring_rows "), 0.0, "closed sessions release their rings");
    assert_eq!(metric(&text, "sluicegate_statements_total{kind=\"query\",outcome=\"closed\"}"), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id() {
    let server = start_server().await;
    let r = server.http.get(format!("{}/v1/api_versions", server.base)).send().await.unwrap();
    let id = r.headers().get("x-request-id").expect("x-request-id").to_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    let r = server.http.get(format!("{}/nope", server.base)).header("x-request-id", "client-chosen-42").send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["x-request-id"], "client-chosen-42", "a client's id is kept");
    let r = server.http.post(format!("{}/sessions", server.base)).json(&json!({})).send().await.unwrap();
    let other = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(other, id, "ids are per request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_docs_load_offline() {
    let server = start_server().await;
    let page = server.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"), "{}", page.content_type);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    // Every asset the page references is served by the gateway itself.
    let assets: Vec<String> = page
        .text
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
        .map(|s| s.trim_start_matches("./").to_string())
        .collect();
    assert!(assets.len() >= 3, "{assets:?}");
    for asset in &assets {
        assert!(!asset.starts_with("http"), "external asset {asset}");
        let a = server.get(&format!("/docs/{asset}")).await;
        assert_eq!(a.status, 200, "{asset}");
        assert!(!a.text.is_empty());
    }
    let init = server.get("/docs/swagger-initializer.js").await;
    assert!(init.text.contains("/openapi.json"), "{}", init.text);
    let redirect = server.http.get(format!("{}/docs", server.base)).send().await.unwrap();
    assert_eq!(redirect.status(), 200, "/docs redirects to /docs/");
}
