//! Livy batches: a SQL script under a data root run as a background
//! application, its arguments, states, log, listing, owners and kill.

mod common;


use common::kyuubi::basic;
use common::livy::livy_msg;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn wait_state(server: &TestServer, auth: &str, id: u64, state: &str) -> Value {
    wait_for_state(state, || {
        let path = format!("/batches/{id}");
        async move { server.livy(Method::GET, &path, None, Some(auth)).await }
    })
    .await
}

#[tokio::test]
async fn a_sql_script_batch_writes_a_table_with_its_arguments() {
    let server = start_server().await;
    let alice = basic("alice", "");
    let out = server.data.join("out");
    let ddl = format!("CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'csv')", out.display());
    std::fs::write(server.data.join("job.sql"), format!("{ddl};\nINSERT INTO out VALUES (${{1}}, '${{2}}'), (2, 'b');\n")).unwrap();
    let file = server.data.join("job.sql").display().to_string();
    let body = json!({"file": file, "name": "nightly", "args": ["1", "a"], "conf": {}, "driverMemory": "1g"});
    let (created, headers) = server.livy_with(Method::POST, "/batches", Some(body), &[("authorization", &alice)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(headers["location"], "/livy/batches/0");
    assert_eq!((created.json["id"].clone(), created.json["name"].clone(), created.json["owner"].clone()), (json!(0), json!("nightly"), json!("alice")));
    assert!(["running", "success"].contains(&created.json["state"].as_str().unwrap()), "{}", created.text);
    assert!(created.json["appId"].is_string() && created.json.get("appInfo").is_some() && created.json["log"].is_array());
    let done = wait_state(&server, &alice, 0, "success").await;
    assert!(done["proxyUser"].is_null());
    assert_eq!(server.livy(Method::GET, "/batches/0/state", None, Some(&alice)).await.json, json!({"id": 0, "state": "success"}));

    // The arguments were bound; the batch's table is in the gateway's catalog for a Flink session.
    let s = server.open_session("").await;
    assert_eq!(server.rows(&s, "SELECT id, name FROM out ORDER BY id").await, vec![json!([1, "a"]), json!([2, "b"])]);

    let log = server.livy(Method::GET, "/batches/0/log?from=0&size=1000", None, Some(&alice)).await;
    assert_eq!((log.json["id"].clone(), log.json["from"].clone()), (json!(0), json!(0)));
    let lines: Vec<&str> = log.json["log"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(log.json["total"], lines.len());
    assert!(lines.iter().any(|l| l.contains("Statement 1 of 2")) && lines.iter().any(|l| l.contains("finished")), "{lines:?}");
    let one = server.livy(Method::GET, "/batches/0/log?from=1&size=1", None, Some(&alice)).await;
    assert_eq!(one.json["log"].as_array().unwrap().len(), 1);
    assert_eq!(one.json["log"][0], lines[1]);

    let list = server.livy(Method::GET, "/batches", None, Some(&alice)).await;
    assert_eq!((list.json["from"].clone(), list.json["total"].clone(), list.json["sessions"][0]["id"].clone()), (json!(0), json!(1), json!(0)));
    let bob = basic("bob", "");
    assert_eq!(server.livy(Method::GET, "/batches", None, Some(&bob)).await.json["total"], 0);
    assert_eq!(server.livy(Method::GET, "/batches/0", None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::DELETE, "/batches/0", None, Some(&bob)).await.status, StatusCode::NOT_FOUND);

    let deleted = server.livy(Method::DELETE, "/batches/0", None, Some(&alice)).await;
    assert_eq!(deleted.json, json!({"msg": "deleted"}));
    let gone = server.livy(Method::GET, "/batches/0", None, Some(&alice)).await;
    assert_eq!((gone.status, livy_msg(&gone)), (StatusCode::NOT_FOUND, "Session '0' not found.".to_string()));
}

#[tokio::test]
async fn failing_refused_and_killed_batches() {
    let server = start_server().await;
    let alice = basic("alice", "");
    std::fs::write(server.data.join("bad.sql"), "SELECT * FROM no_such_table;\n").unwrap();
    let bad = server.livy(Method::POST, "/batches", Some(json!({"file": server.data.join("bad.sql").display().to_string()})), Some(&alice)).await;
    assert_eq!(bad.status, StatusCode::CREATED, "{}", bad.text);
    let dead = wait_state(&server, &alice, bad.json["id"].as_u64().unwrap(), "dead").await;
    assert!(dead["log"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("no_such_table")), "{dead}");

    let missing = server.livy(Method::POST, "/batches", Some(json!({"className": "x"})), Some(&alice)).await;
    assert_eq!((missing.status, livy_msg(&missing)), (StatusCode::BAD_REQUEST, "Rejected, Reason: requirement failed: File is required.".to_string()));
    for file in ["job.py", "app.jar", "local:/x.R"] {
        let refused = server.livy(Method::POST, "/batches", Some(json!({"file": file})), Some(&alice)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{file}");
        assert!(livy_msg(&refused).starts_with("Rejected, Reason:"), "{}", refused.text);
    }
    let outside = server.livy(Method::POST, "/batches", Some(json!({"file": "/etc/passwd.sql"})), Some(&alice)).await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST);
    assert!(livy_msg(&outside).starts_with("Rejected, Reason:"));
    let unknown = server.livy(Method::POST, "/batches", Some(json!({"file": "x.sql", "bogus": true})), Some(&alice)).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);

    std::fs::write(server.data.join("endless.sql"), "CREATE TABLE endless (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1');\nSELECT * FROM endless;\n").unwrap();
    let long = server.livy(Method::POST, "/batches", Some(json!({"file": "endless.sql"})), Some(&alice)).await;
    assert_eq!(long.status, StatusCode::CREATED, "{}", long.text);
    let id = long.json["id"].as_u64().unwrap();
    let job = long.json["appId"].as_str().unwrap().to_string();
    wait_state(&server, &alice, id, "running").await;
    let deleted = server.livy(Method::DELETE, &format!("/batches/{id}"), None, Some(&alice)).await;
    assert_eq!(deleted.json, json!({"msg": "deleted"}));
    assert_eq!(server.livy(Method::GET, &format!("/batches/{id}"), None, Some(&alice)).await.status, StatusCode::NOT_FOUND);
    // Its application was stopped, not just forgotten.
    let s = server.open_session("").await;
    server.wait_job(&s, &job, "CANCELED").await;
}
