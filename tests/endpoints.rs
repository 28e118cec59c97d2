//! Every Flink endpoint under every version prefix, against a real gateway.

mod common;

use common::{error_message, start_server};
use reqwest::Method;
use serde_json::json;

const ALL: [&str; 5] = ["/v1", "/v2", "/v3", "/v4", ""];
const V2_UP: [&str; 4] = ["/v2", "/v3", "/v4", ""];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_versions_and_info_under_every_prefix() {
    let server = start_server().await;
    for prefix in ALL {
        let a = server.get(&format!("{prefix}/api_versions")).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.json, json!({ "versions": ["V1", "V2", "V3", "V4"] }));
        assert_eq!(a.content_type, "application/json; charset=UTF-8");
        let a = server.get(&format!("{prefix}/info")).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.json["productName"], "Apache Flink");
        assert!(a.json["version"].as_str().unwrap().starts_with("sluicegate-"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_lifecycle_under_every_prefix() {
    let server = start_server().await;
    for prefix in ALL {
        let open = server
            .post(&format!("{prefix}/sessions"), json!({ "sessionName": "s", "properties": { "k1": "v1", "rest.port": 8081, "flag": true } }))
            .await;
        assert_eq!(open.status, 200, "{}", open.text);
        let s = open.json["sessionHandle"].as_str().unwrap().to_string();
        assert_eq!(uuid::Uuid::parse_str(&s).unwrap().to_string(), s, "lower-case UUID");

        let props = server.get(&format!("{prefix}/sessions/{s}")).await;
        assert_eq!(props.status, 200);
        assert_eq!(props.json["properties"]["k1"], "v1");
        assert_eq!(props.json["properties"]["rest.port"], "8081");
        assert_eq!(props.json["properties"]["flag"], "true");

        let hb = server.post(&format!("{prefix}/sessions/{s}/heartbeat"), json!({})).await;
        assert_eq!((hb.status.as_u16(), hb.text.as_str()), (200, "{}"));

        let close = server.delete(&format!("{prefix}/sessions/{s}")).await;
        assert_eq!(close.json, json!({ "status": "CLOSED" }));
        let again = server.delete(&format!("{prefix}/sessions/{s}")).await;
        assert_eq!(again.status, 404);
        assert!(error_message(&again).contains(&s));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_session_without_a_body() {
    let server = start_server().await;
    let a = server.call(Method::POST, "/v1/sessions", None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.json["sessionHandle"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configure_and_complete_exist_from_v2() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for prefix in V2_UP {
        let a = server
            .post(&format!("{prefix}/sessions/{s}/configure-session"), json!({ "statement": "set 'test' = 'configure';", "executionTimeout": -1 }))
            .await;
        assert_eq!((a.status.as_u16(), a.text.as_str()), (200, "{}"), "{prefix}");
        let c = server
            .call(Method::GET, &format!("{prefix}/sessions/{s}/complete-statement"), Some(json!({ "statement": "CREATE TA", "position": 9 })))
            .await;
        assert_eq!(c.status, 200, "{}", c.text);
        let candidates = c.json["candidates"].as_array().unwrap();
        assert!(candidates.contains(&json!("TABLE")), "{}", c.text);
        // Flink refuses a completion request without a body.
        let empty = server.call(Method::GET, &format!("{prefix}/sessions/{s}/complete-statement"), None).await;
        assert_eq!(empty.status, 400, "{prefix}: {}", empty.text);
        assert!(empty.json["errors"][0].as_str().unwrap().contains("CompleteStatementRequestBody"), "{}", empty.text);
    }
    let props = server.get(&format!("/sessions/{s}")).await;
    assert_eq!(props.json["properties"]["test"], "configure");
    // Not in v1.
    let a = server.post(&format!("/v1/sessions/{s}/configure-session"), json!({ "statement": "SET 'a' = 'b'" })).await;
    assert_eq!(a.status, 404);
    assert_eq!(error_message(&a), format!("Not found: /v1/sessions/{s}/configure-session"));
    let a = server.call(Method::GET, &format!("/v1/sessions/{s}/complete-statement"), Some(json!({ "statement": "S", "position": 1 }))).await;
    assert_eq!(a.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configure_session_refuses_queries_and_reports_sql_errors() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": "SELECT 1" })).await;
    assert_eq!(a.status, 400);
    assert!(error_message(&a).contains("Unsupported statement for configuring session"), "{}", a.text);
    let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": "CREATE VIEW v AS SELECT * FROM nope" })).await;
    assert_eq!(a.status, 400);
    assert!(error_message(&a).contains("nope"), "{}", a.text);
    let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": "CREATE VIEW v AS SELECT 7 AS x" })).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(server.rows(&s, "SELECT x FROM v").await, vec![json!([7])]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_status_fetch_cancel_close_under_every_prefix() {
    let server = start_server().await;
    for prefix in ALL {
        let s = server.open_session(prefix).await;
        let op = server.submit(prefix, &s, "SELECT 1 AS one").await;
        let st = server.get(&format!("{prefix}/sessions/{s}/operations/{op}/status")).await;
        assert_eq!(st.status, 200);
        assert!(["PENDING", "RUNNING", "FINISHED"].contains(&st.json["status"].as_str().unwrap()), "{}", st.text);
        server.wait_status(&s, &op, &["FINISHED"]).await;
        let pages = server.pages(prefix, &s, &op, "rowFormat=JSON").await;
        assert_eq!(pages[0]["results"]["data"], json!([{ "kind": "INSERT", "fields": [1] }]));

        let long = server.submit(prefix, &s, "SELECT * FROM generate_series(1, 100000000000)").await;
        server.wait_status(&s, &long, &["FINISHED"]).await;
        let c = server.post(&format!("{prefix}/sessions/{s}/operations/{long}/cancel"), json!({})).await;
        assert_eq!(c.json, json!({ "status": "CANCELED" }), "{prefix}");
        let c = server.delete(&format!("{prefix}/sessions/{s}/operations/{long}/close")).await;
        assert_eq!(c.json, json!({ "status": "CLOSED" }));
        let c = server.delete(&format!("{prefix}/sessions/{s}/operations/{long}/close")).await;
        assert_eq!(c.json, json!({ "status": "CLOSED" }), "closing twice answers CLOSED again");
        let gone = server.get(&format!("{prefix}/sessions/{s}/operations/{long}/status")).await;
        assert_eq!(gone.status, 404);
        assert!(error_message(&gone).contains(&long));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_and_scripts_exist_only_in_their_versions() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let a = server.post(&format!("/v3/sessions/{s}/materialized-tables/`c`.`d`.`mt`/refresh"), json!({ "isPeriodic": false })).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let op = a.json["operationHandle"].as_str().unwrap().to_string();
    let st = server.wait_status(&s, &op, &["ERROR"]).await;
    assert!(st["error"].as_str().unwrap().contains("mt"), "an unknown table fails the refresh: {st}");
    for prefix in ["/v1", "/v2", "/v4", ""] {
        let a = server.post(&format!("{prefix}/sessions/{s}/materialized-tables/mt/refresh"), json!({})).await;
        assert_eq!(a.status, 404, "refresh exists only under /v3");
    }
    for prefix in ["/v4", ""] {
        let a = server.post(&format!("{prefix}/sessions/{s}/scripts"), json!({ "script": "SELECT 1;" })).await;
        assert_eq!(a.status, 200, "{}", a.text);
        assert_eq!(a.json["clusterID"].as_str().unwrap().len(), 32, "{}", a.text);
    }
    let a = server.post(&format!("/v3/sessions/{s}/scripts"), json!({})).await;
    assert_eq!(a.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_and_methods_are_404_with_the_uri() {
    let server = start_server().await;
    let a = server.get("/nope?x=1").await;
    assert_eq!(a.status, 404);
    assert_eq!(error_message(&a), "Not found: /nope?x=1");
    let a = server.call(Method::PUT, "/v1/sessions", None).await;
    assert_eq!(a.status, 404);
    assert_eq!(error_message(&a), "Not found: /v1/sessions");
    let a = server.get("/V4/api_versions").await;
    assert_eq!(a.status, 404, "prefixes are case-sensitive");
    let a = server.get("/v5/api_versions").await;
    assert_eq!(a.status, 404);
    let a = server.get("/v1/api_versions/").await;
    assert_eq!(a.status, 200, "a trailing slash is ignored");
}
