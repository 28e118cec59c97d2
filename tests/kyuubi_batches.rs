//! Kyuubi SQL batches: a script run as a background application, its
//! listing rules, log, kill, idempotent ids, uploads and owners.

mod common;


use common::kyuubi::{basic, kyuubi_message};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn wait_state(server: &TestServer, auth: &str, id: &str, state: &str) -> Value {
    wait_for_state(state, || {
        let path = format!("/batches/{id}");
        async move { server.k(Method::GET, &path, None, Some(auth)).await }
    })
    .await
}

#[tokio::test]
async fn a_sql_batch_writes_a_table_that_a_flink_session_reads() {
    let server = start_server().await;
    let alice = basic("alice", "");
    let out = server.data.join("out");
    let ddl = format!("CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'csv')", out.display());
    std::fs::write(server.data.join("job.sql"), format!("{ddl};\nINSERT INTO out VALUES (1, 'a'), (2, 'b');\n")).unwrap();
    let request = json!({"batchType": "sql", "resource": server.data.join("job.sql").display().to_string(), "name": "nightly", "conf": {}});
    let submitted = server.k(Method::POST, "/batches", Some(request), Some(&alice)).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(submitted.json["batchType"], "SQL");
    assert_eq!(submitted.json["user"], "alice");
    assert_eq!(submitted.json["name"], "nightly");
    assert!(submitted.json["createTime"].as_i64().unwrap() > 0);
    let id = submitted.json["id"].as_str().unwrap().to_string();
    let done = wait_state(&server, &alice, &id, "FINISHED").await;
    assert_eq!(done["appState"], "FINISHED");
    assert!(done["endTime"].as_i64().unwrap() >= done["createTime"].as_i64().unwrap());
    assert!(done["appId"].is_string() && done["appDiagnostic"].is_null(), "{done}");

    // The batch's table is in the gateway's catalog: a Flink session reads its rows.
    let s = server.open_session("").await;
    let rows = server.rows(&s, "SELECT id, name FROM out ORDER BY id").await;
    assert_eq!(rows, vec![json!([1, "a"]), json!([2, "b"])]);

    // The log: submission lines, read by offset or from the cursor.
    let first = server.k(Method::GET, &format!("/batches/{id}/localLog?from=0&size=1"), None, Some(&alice)).await;
    assert_eq!(first.json["rowCount"], 1, "{}", first.text);
    assert!(first.json["logRowSet"][0].as_str().unwrap().contains("Statement 1 of 2"), "{}", first.text);
    let rest = server.k(Method::GET, &format!("/batches/{id}/localLog"), None, Some(&alice)).await;
    let rest: Vec<&str> = rest.json["logRowSet"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(rest.iter().any(|l| l.contains("Statement 2 of 2")) && rest.iter().any(|l| l.contains("finished")), "{rest:?}");
    // Deleting an ended batch does nothing.
    let kill = server.k(Method::DELETE, &format!("/batches/{id}"), None, Some(&alice)).await;
    assert_eq!(kill.json, json!({"success": false, "msg": format!("The batch[{id}] has been terminated.")}));
}

#[tokio::test]
async fn failing_and_killed_batches() {
    let server = start_server().await;
    let alice = basic("alice", "");
    let upload = |script: &'static str| {
        reqwest::multipart::Form::new()
            .part("batchRequest", reqwest::multipart::Part::text(json!({"batchType": "SQL", "name": "upload"}).to_string()))
            .part("resourceFile", reqwest::multipart::Part::text(script).file_name("job.sql"))
    };
    let post = |form: reqwest::multipart::Form| {
        let (server, alice) = (&server, alice.clone());
        async move {
            let r = server.http.post(format!("{}/api/v1/batches", server.base)).header("authorization", alice).multipart(form).send().await.unwrap();
            let status = r.status();
            (status, serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap())
        }
    };
    let (status, failed) = post(upload("SELECT * FROM no_such_table")).await;
    assert_eq!(status, StatusCode::OK, "{failed}");
    let failed = wait_state(&server, &alice, failed["id"].as_str().unwrap(), "ERROR").await;
    assert_eq!(failed["appState"], "FAILED");
    assert!(failed["appDiagnostic"].as_str().unwrap().contains("no_such_table"), "{failed}");

    let endless = "CREATE TABLE endless (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1');\nSELECT * FROM endless;";
    let (_, running) = post(upload(endless)).await;
    let id = running["id"].as_str().unwrap().to_string();
    wait_state(&server, &alice, &id, "RUNNING").await;
    // Bob cannot see or stop it.
    let bob = basic("bob", "");
    assert_eq!(server.k(Method::GET, &format!("/batches/{id}"), None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    let refused = server.k(Method::DELETE, &format!("/batches/{id}"), None, Some(&bob)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(kyuubi_message(&refused), format!("Invalid batchId: {id}"));
    let kill = server.k(Method::DELETE, &format!("/batches/{id}"), None, Some(&alice)).await;
    assert_eq!(kill.json["success"], true, "{}", kill.text);
    let killed = wait_state(&server, &alice, &id, "CANCELED").await;
    assert_eq!(killed["appState"], "KILLED");
    let again = server.k(Method::DELETE, &format!("/batches/{id}"), None, Some(&alice)).await;
    assert_eq!(again.json["success"], false);

    for bad in ["notValidUUID", &uuid::Uuid::new_v4().to_string()] {
        let a = server.k(Method::GET, &format!("/batches/{bad}"), None, Some(&alice)).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        assert!(kyuubi_message(&a).starts_with("Invalid batchId"));
        assert_eq!(server.k(Method::DELETE, &format!("/batches/{bad}"), None, Some(&alice)).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn batch_ids_listing_and_refusals() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root")]).await;
    let alice = basic("alice", "");
    std::fs::write(server.data.join("noop.sql"), "SELECT 1;").unwrap();
    let resource = server.data.join("noop.sql").display().to_string();
    let id = uuid::Uuid::new_v4().to_string();
    let request = json!({"batchType": "SQL", "resource": resource, "conf": {"kyuubi.batch.id": id}});
    let first = server.k(Method::POST, "/batches", Some(request.clone()), Some(&alice)).await;
    assert_eq!(first.json["id"], id.as_str(), "{}", first.text);
    assert_eq!(first.json["batchInfo"], json!({}));
    let again = server.k(Method::POST, "/batches", Some(request), Some(&alice)).await;
    assert_eq!(again.json["id"], id.as_str());
    assert_eq!(again.json["batchInfo"], json!({"kyuubi.batch.duplicated": "true"}));
    for n in 0..2 {
        let a = server.k(Method::POST, "/batches", Some(json!({"batchType": "SQL", "resource": resource, "name": format!("n{n}")})), Some(&alice)).await;
        assert_eq!(a.status, StatusCode::OK);
    }
    // Three batches: `total` counts the page, as Kyuubi's does.
    for (query, total) in [("from=0&size=2", 2), ("from=2&size=2", 1), ("from=3&size=2", 0)] {
        let page = server.k(Method::GET, &format!("/batches?{query}"), None, Some(&alice)).await;
        assert_eq!(page.json["total"], total, "{query}: {}", page.text);
        assert_eq!(page.json["batches"].as_array().unwrap().len(), total);
        assert_eq!(page.json["from"], query[5..6].parse::<u64>().unwrap());
    }
    let newest = server.k(Method::GET, "/batches?desc=true&size=1", None, Some(&alice)).await;
    assert_eq!(newest.json["batches"][0]["name"], "n1");
    let named = server.k(Method::GET, "/batches?batchName=n0&batchType=sql", None, Some(&alice)).await;
    assert_eq!(named.json["total"], 1);
    assert_eq!(server.k(Method::GET, "/batches", None, Some(&basic("bob", ""))).await.json["total"], 0, "bob sees none of alice's");
    for bad in ["batchState=SLEEPING", "createTime=10&endTime=5", "from=-1"] {
        let a = server.k(Method::GET, &format!("/batches?{bad}"), None, Some(&alice)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}: {}", a.text);
    }
    let count = server.k(Method::GET, "/admin/batch/count?batchType=SQL&batchUser=alice", None, Some(&basic("root", ""))).await;
    assert_eq!(count.json, json!({"count": 3}));
    assert_eq!(server.k(Method::GET, "/admin/batch/count", None, Some(&alice)).await.status, StatusCode::FORBIDDEN);

    for (body, needle) in [
        (json!({"batchType": "SPARK", "resource": resource, "className": "Main"}), "SPARK is not in the supported batch types"),
        (json!({"batchType": "SQL"}), "needs a resource"),
        (json!({"batchType": "SQL", "resource": "/etc/passwd"}), "outside the data directories"),
        (json!({"batchType": "SQL", "resource": resource, "conf": {"kyuubi.batch.id": "nope"}}), "kyuubi.batch.id"),
    ] {
        let a = server.k(Method::POST, "/batches", Some(body.clone()), Some(&alice)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}: {}", a.text);
        assert!(kyuubi_message(&a).contains(needle), "{body}: {}", a.text);
    }
    // Proxying to someone else needs rights.
    let proxied = json!({"batchType": "SQL", "resource": resource, "conf": {"hive.server2.proxy.user": "root"}});
    let refused = server.k(Method::POST, "/batches", Some(proxied), Some(&alice)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(kyuubi_message(&refused).starts_with("Failed to validate proxy privilege"));
}
