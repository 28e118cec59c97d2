//! The committed spec is what the code generates, and the server serves it.

mod common;

use std::path::PathBuf;

const COMMITTED: &str = "openapi/sluicegate.json";

#[test]
fn committed_spec_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let generated = sluicegate::openapi::spec_json();
    if std::env::var_os("SLUICEGATE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is stale: regenerate it with `cargo run -- openapi > {COMMITTED}` (or SLUICEGATE_BLESS=1 cargo test --test openapi_spec)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spec_is_served_and_describes_every_route() {
    let server = common::start_server().await;
    let a = server.get("/openapi.json").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.text, sluicegate::openapi::spec_json());
    let paths = a.json["paths"].as_object().unwrap();
    for path in [
        "/api_versions",
        "/info",
        "/sessions",
        "/sessions/{session_handle}",
        "/sessions/{session_handle}/heartbeat",
        "/sessions/{session_handle}/configure-session",
        "/sessions/{session_handle}/complete-statement",
        "/sessions/{session_handle}/statements",
        "/sessions/{session_handle}/operations/{operation_handle}/status",
        "/sessions/{session_handle}/operations/{operation_handle}/cancel",
        "/sessions/{session_handle}/operations/{operation_handle}/close",
        "/sessions/{session_handle}/operations/{operation_handle}/result/{token}",
    ] {
        assert!(paths.contains_key(path), "missing {path}");
    }
    let fetch = &a.json["components"]["schemas"]["FetchResultsResponse"]["properties"];
    assert!(fetch.get("isQueryResult").is_some() && fetch.get("queryResult").is_none());
    assert!(fetch.get("jobID").is_some());
}

#[test]
fn operation_ids_are_unique_across_protocols() {
    let spec: serde_json::Value = serde_json::from_str(&sluicegate::openapi::spec_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            if let Some(earlier) = seen.insert(id.to_string(), format!("{method} {path}")) {
                panic!("operationId {id} names both {earlier} and {method} {path}");
            }
        }
    }
    assert_eq!(seen["kyuubi_open_session"], "post /api/v1/sessions");
    assert_eq!(seen["kyuubi_admin_list_sessions"], "get /api/v1/admin/sessions");
    assert_eq!(seen["open_session"], "post /sessions");
    assert_eq!(seen["bytehouse_list_databases"], "get /bytehouse/v1/databases");
    assert_eq!(seen["bytehouse_update_table"], "patch /bytehouse/v1/databases/{db}/tables/{table}");
    assert_eq!(seen["bytehouse_list_connections"], "get /bytehouse/v1/connections");
}
