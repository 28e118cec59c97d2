//! The Livy REST API over a real gateway: framing, interactive SQL
//! sessions, statements and their outputs, ownership, CSRF and versioning.

mod common;

use std::time::{Duration, Instant};

use common::kyuubi::basic;
use common::livy::livy_msg;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn version_framing_and_errors() {
    let server = start_server().await;
    let version = server.livy(Method::GET, "/version", None, None).await;
    assert_eq!(version.status, StatusCode::OK);
    assert_eq!(version.json["version"], "0.8.0-incubating");
    assert!(version.content_type.starts_with("application/json"), "{}", version.content_type);

    let unknown_field = server.livy(Method::POST, "/sessions", Some(json!({"kind": "sql", "bogus": 1})), None).await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST, "{}", unknown_field.text);
    assert!(livy_msg(&unknown_field).contains("bogus"), "{}", unknown_field.text);
    let bad_kind = server.livy(Method::POST, "/sessions", Some(json!({"kind": "cobol"})), None).await;
    assert_eq!(bad_kind.status, StatusCode::BAD_REQUEST);
    assert!(livy_msg(&bad_kind).starts_with("Rejected, Reason: Invalid kind"), "{}", bad_kind.text);
    let missing = server.livy(Method::GET, "/sessions/7", None, None).await;
    assert_eq!((missing.status, livy_msg(&missing)), (StatusCode::NOT_FOUND, "Session '7' not found.".to_string()));
    let no_route = server.livy(Method::GET, "/nothing", None, None).await;
    assert_eq!(no_route.status, StatusCode::NOT_FOUND);
    livy_msg(&no_route);
    let bad_number = server.livy(Method::GET, "/sessions?from=x", None, None).await;
    assert_eq!(bad_number.status, StatusCode::BAD_REQUEST);
    assert_eq!(livy_msg(&bad_number), "For input string: \"x\"");

    // Versioning: a known version or none is served, an unknown one is 406.
    let (v3, _) = server.livy_with(Method::GET, "/sessions", None, &[("accept", "application/vnd.livy.v0.3+json")]).await;
    assert_eq!(v3.status, StatusCode::OK, "{}", v3.text);
    let (v9, _) = server.livy_with(Method::GET, "/sessions", None, &[("accept", "application/vnd.livy.v9.9+json")]).await;
    assert_eq!(v9.status, StatusCode::NOT_ACCEPTABLE);
    assert!(livy_msg(&v9).contains("9.9"));
    let empty = server.livy(Method::GET, "/sessions", None, None).await;
    assert_eq!(empty.json, json!({"from": 0, "total": 0, "sessions": []}));
}

#[tokio::test]
async fn a_sql_session_runs_statements_to_available_outputs() {
    let server = start_server().await;
    let (created, headers) = server.livy_with(Method::POST, "/sessions", Some(json!({"kind": "sql", "name": "etl-1", "driverMemory": "1g"})), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(headers["location"], "/livy/sessions/0");
    let s = &created.json;
    assert_eq!((s["id"].clone(), s["kind"].clone(), s["name"].clone()), (json!(0), json!("sql"), json!("etl-1")));
    assert_eq!(s["state"], "idle");
    assert!(s["proxyUser"].is_null() && s["appId"].is_null() && s["appInfo"]["sparkUiUrl"].is_null(), "{s}");
    for key in ["owner", "log", "ttl", "conf", "heartbeatTimeoutInSecond"] {
        assert!(s.get(key).is_some(), "{key} missing: {s}");
    }
    // By id and by name.
    assert_eq!(server.livy(Method::GET, "/sessions/0", None, None).await.json["name"], "etl-1");
    assert_eq!(server.livy(Method::GET, "/sessions/etl-1", None, None).await.json["id"], 0);
    assert_eq!(server.livy(Method::GET, "/sessions/etl-1/state", None, None).await.json, json!({"id": 0, "state": "idle"}));
    let duplicate = server.livy(Method::POST, "/sessions", Some(json!({"kind": "sql", "name": "etl-1"})), None).await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST);
    assert_eq!(livy_msg(&duplicate), "Rejected, Reason: Duplicate session name: etl-1");

    let (submitted, headers) = server.livy_with(Method::POST, "/sessions/0/statements", Some(json!({"code": "SELECT 1 AS a, 'x' AS b"})), &[]).await;
    assert_eq!(submitted.status, StatusCode::CREATED, "{}", submitted.text);
    assert_eq!(headers["location"], "/livy/sessions/0/statements/0");
    assert_eq!(submitted.json["id"], 0);
    assert!(submitted.json.get("output").is_some(), "output key present: {}", submitted.text);
    let done = server.livy_wait(None, 0, 0, &["available"]).await;
    let output = &done["output"];
    assert_eq!(output["status"], "ok");
    assert_eq!(output["execution_count"], 0);
    let table = &output["data"]["application/json"];
    assert_eq!(table["data"], json!([[1, "x"]]));
    let fields = table["schema"]["fields"].as_array().unwrap();
    assert_eq!(table["schema"]["type"], "struct");
    assert_eq!((fields[0]["name"].clone(), fields[0]["type"].clone()), (json!("a"), json!("integer")));
    assert_eq!((fields[1]["name"].clone(), fields[1]["type"].clone()), (json!("b"), json!("string")));
    assert_eq!(done["progress"], 1.0);
    assert!(done["started"].as_i64().unwrap() > 0 && done["completed"].as_i64().unwrap() >= done["started"].as_i64().unwrap(), "{done}");

    // A failing statement is available with an error output and no data.
    let failed = server.livy_run(None, 0, "SELECT * FROM no_such_table").await;
    assert_eq!(failed["output"]["status"], "error", "{failed}");
    assert_eq!(failed["output"]["execution_count"], 1);
    assert!(failed["output"]["evalue"].as_str().unwrap().contains("no_such_table"), "{failed}");
    assert!(failed["output"]["ename"].is_string() && failed["output"]["traceback"].is_array());
    assert!(failed["output"].get("data").is_none());
    let not_sql = server.livy_run(None, 0, "not valid SQL!").await;
    assert_eq!(not_sql["output"]["status"], "error");

    let list = server.livy(Method::GET, "/sessions/0/statements", None, None).await;
    assert_eq!(list.json["total_statements"], 3);
    assert_eq!(list.json["statements"].as_array().unwrap().len(), 3);
    let desc = server.livy(Method::GET, "/sessions/0/statements?order=desc&size=1", None, None).await;
    assert_eq!(desc.json["statements"][0]["id"], 2);
    let missing = server.livy(Method::GET, "/sessions/0/statements/99", None, None).await;
    assert_eq!((missing.status, livy_msg(&missing)), (StatusCode::NOT_FOUND, "Statement not found".to_string()));
    let no_code = server.livy(Method::POST, "/sessions/0/statements", Some(json!({"kind": "sql"})), None).await;
    assert_eq!(no_code.status, StatusCode::BAD_REQUEST);

    // The session's log tells what ran; paging takes from and size.
    let log = server.livy(Method::GET, "/sessions/0/log?from=0&size=1000", None, None).await;
    assert_eq!(log.json["from"], 0);
    let lines: Vec<&str> = log.json["log"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(log.json["total"], lines.len());
    assert!(lines.iter().any(|l| l.contains("Statement 0 submitted")) && lines.iter().any(|l| l.contains("Statement 1 available")), "{lines:?}");
    let tail = server.livy(Method::GET, "/sessions/0/log?size=2", None, None).await;
    assert_eq!(tail.json["log"].as_array().unwrap().len(), 2);
    assert_eq!(tail.json["from"], lines.len() - 2);

    let completion = server.livy(Method::POST, "/sessions/0/completion", Some(json!({"code": "SEL", "kind": "sql", "cursor": 3})), None).await;
    assert_eq!(completion.status, StatusCode::OK, "{}", completion.text);
    assert!(completion.json["candidates"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().eq_ignore_ascii_case("SELECT")), "{}", completion.text);

    let connect = server.livy(Method::POST, "/sessions/0/connect", None, None).await;
    assert_eq!((connect.status, connect.json["id"].clone()), (StatusCode::OK, json!(0)));
    let listed = server.livy(Method::GET, "/sessions", None, None).await;
    assert_eq!((listed.json["total"].clone(), listed.json["sessions"][0]["id"].clone()), (json!(1), json!(0)));

    let deleted = server.livy(Method::DELETE, "/sessions/0", None, None).await;
    assert_eq!((deleted.status, deleted.json.clone()), (StatusCode::OK, json!({"msg": "deleted"})));
    assert_eq!(server.livy(Method::GET, "/sessions/0", None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::DELETE, "/sessions/etl-1", None, None).await.status, StatusCode::NOT_FOUND);
    // The name is free again; ids keep counting.
    let again = server.livy_session(None, json!({"kind": "sql", "name": "etl-1"})).await;
    assert_eq!(again["id"], 1);
}

#[tokio::test]
async fn outputs_are_capped_by_num_rows_and_the_log_says_so() {
    let server = start_server_with(&[("livy.rsc.sql.num-rows", "7")]).await;
    let s = server.livy_session(None, json!({"kind": "sql"})).await["id"].as_u64().unwrap();
    let capped = server.livy_run(None, s, "SELECT value FROM generate_series(1, 20)").await;
    let data = capped["output"]["data"]["application/json"]["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 7, "{capped}");
    assert_eq!(data[0], json!([1]));
    let whole = server.livy_run(None, s, "SELECT value FROM generate_series(1, 5)").await;
    assert_eq!(whole["output"]["data"]["application/json"]["data"].as_array().unwrap().len(), 5);
    let log = server.livy(Method::GET, &format!("/sessions/{s}/log?size=-1"), None, None).await;
    let truncated: Vec<&Value> = log.json["log"].as_array().unwrap().iter().filter(|l| l.as_str().unwrap().contains("truncated")).collect();
    assert_eq!(truncated.len(), 1, "only the capped statement is reported: {}", log.text);
    assert!(truncated[0].as_str().unwrap().contains("Statement 0"));

    // A session's conf overrides the gateway's cap; the default is 1000.
    let own = server.livy_session(None, json!({"kind": "sql", "conf": {"livy.rsc.sql.num-rows": "3"}})).await["id"].as_u64().unwrap();
    let three = server.livy_run(None, own, "SELECT value FROM generate_series(1, 20)").await;
    assert_eq!(three["output"]["data"]["application/json"]["data"].as_array().unwrap().len(), 3);
    let defaults = start_server().await;
    let d = defaults.livy_session(None, json!({"kind": "sql"})).await["id"].as_u64().unwrap();
    let thousand = defaults.livy_run(None, d, "SELECT value FROM generate_series(1, 1500)").await;
    assert_eq!(thousand["output"]["data"]["application/json"]["data"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn cancel_stops_a_running_statement() {
    let server = start_server().await;
    let s = server.livy_session(None, json!({"kind": "sql", "conf": {"execution.runtime-mode": "streaming"}})).await["id"].as_u64().unwrap();
    let ddl = server.livy_run(None, s, "CREATE TABLE endless (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')").await;
    assert_eq!(ddl["output"]["status"], "ok", "{ddl}");
    let st = server.livy_submit(None, s, "SELECT * FROM endless").await;
    server.livy_wait(None, s, st, &["running"]).await;
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{s}/state"), None, None).await.json["state"], "busy");
    let started = Instant::now();
    let cancel = server.livy(Method::POST, &format!("/sessions/{s}/statements/{st}/cancel"), None, None).await;
    assert_eq!((cancel.status, cancel.json.clone()), (StatusCode::OK, json!({"msg": "canceled"})));
    let cancelled = server.livy_wait(None, s, st, &["cancelled"]).await;
    assert!(started.elapsed() < Duration::from_secs(1), "cancelled after {:?}", started.elapsed());
    assert!(cancelled["output"].is_null());
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{s}/state"), None, None).await.json["state"], "idle");
    // Cancelling an ended statement answers the same.
    let again = server.livy(Method::POST, &format!("/sessions/{s}/statements/{st}/cancel"), None, None).await;
    assert_eq!(again.json, json!({"msg": "canceled"}));
}

#[tokio::test]
async fn sessions_belong_to_their_owner() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root"), ("sluicegate.auth.proxy-users", "alice:carol")]).await;
    let (alice, bob, root) = (basic("alice", ""), basic("bob", ""), basic("root", ""));
    let a = server.livy_session(Some(&alice), json!({"kind": "sql", "name": "mine"})).await;
    assert_eq!(a["owner"], "alice");
    assert!(a["proxyUser"].is_null());
    let id = a["id"].as_u64().unwrap();
    for path in [format!("/sessions/{id}"), "/sessions/mine".to_string(), format!("/sessions/{id}/log")] {
        assert_eq!(server.livy(Method::GET, &path, None, Some(&bob)).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(server.livy(Method::DELETE, &format!("/sessions/{id}"), None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    let code = json!({"code": "SELECT 1"});
    assert_eq!(server.livy(Method::POST, &format!("/sessions/{id}/statements"), Some(code), Some(&bob)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::GET, "/sessions", None, Some(&bob)).await.json["total"], 0);
    assert_eq!(server.livy(Method::GET, "/sessions", None, Some(&root)).await.json["total"], 1);
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{id}"), None, Some(&root)).await.status, StatusCode::OK);

    // Impersonation follows the gateway's rules; doAs wins over proxyUser.
    let refused = server.livy(Method::POST, "/sessions", Some(json!({"kind": "sql", "proxyUser": "dave"})), Some(&alice)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    livy_msg(&refused);
    let proxied = server.livy(Method::POST, "/sessions?doAs=carol", Some(json!({"kind": "sql", "proxyUser": "dave"})), Some(&alice)).await;
    assert_eq!(proxied.status, StatusCode::CREATED, "{}", proxied.text);
    assert_eq!((proxied.json["owner"].clone(), proxied.json["proxyUser"].clone()), (json!("alice"), json!("carol")));
    // doAs counts on every route: bob may not act as alice to reach her session.
    let carol = proxied.json["id"].as_u64().unwrap();
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{carol}?doAs=carol"), None, Some(&alice)).await.status, StatusCode::OK);
    let as_alice = server.livy(Method::GET, &format!("/sessions/{id}?doAs=alice"), None, Some(&bob)).await;
    assert_eq!(as_alice.status, StatusCode::FORBIDDEN, "{}", as_alice.text);
    livy_msg(&as_alice);
}

#[tokio::test]
async fn csrf_protection_wants_x_requested_by() {
    let server = start_server_with(&[("livy.server.csrf-protection.enabled", "true")]).await;
    let bare = server.livy(Method::POST, "/sessions", Some(json!({"kind": "sql"})), None).await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST);
    assert_eq!(livy_msg(&bare), "Missing Required Header for CSRF protection.");
    let (ok, _) = server.livy_with(Method::POST, "/sessions", Some(json!({"kind": "sql"})), &[("x-requested-by", "sparkmagic")]).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(server.livy(Method::GET, "/sessions/0", None, None).await.status, StatusCode::OK, "reads need no header");
    assert_eq!(server.livy(Method::DELETE, "/sessions/0", None, None).await.status, StatusCode::BAD_REQUEST);
    // Off by default.
    let open = start_server().await;
    assert_eq!(open.livy(Method::POST, "/sessions", Some(json!({})), None).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn heartbeat_timeout_closes_an_unused_session() {
    let server = start_server_with(&[("sql-gateway.session.check-interval", "100 ms")]).await;
    let kept = server.livy_session(None, json!({"kind": "sql"})).await["id"].as_u64().unwrap();
    let s = server.livy_session(None, json!({"kind": "sql", "heartbeatTimeoutInSecond": 1})).await;
    assert_eq!(s["heartbeatTimeoutInSecond"], 1);
    let id = s["id"].as_u64().unwrap();
    // Heartbeats keep it alive past its timeout ...
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(server.livy(Method::GET, &format!("/sessions/{id}"), None, None).await.status, StatusCode::OK);
    }
    // ... silence ends it.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{id}"), None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{kept}"), None, None).await.status, StatusCode::OK);
    let negative = server.livy(Method::POST, "/sessions", Some(json!({"heartbeatTimeoutInSecond": -1})), None).await;
    assert_eq!(negative.status, StatusCode::BAD_REQUEST);
    // A timeout beyond the clock's range is a session that never expires, not a fault.
    let endless = server.livy_session(None, json!({"kind": "sql", "heartbeatTimeoutInSecond": i64::MAX - 1})).await;
    let endless = endless["id"].as_u64().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{endless}"), None, None).await.status, StatusCode::OK);
    assert_eq!(server.livy_run(None, endless, "SELECT 1 AS one").await["output"]["status"], "ok");
}

#[tokio::test]
async fn sparkmagic_sessions_run_sql_snippets_only() {
    let server = start_server().await;
    let s = server.livy_session(None, json!({"kind": "spark"})).await;
    assert_eq!(s["kind"], "spark");
    let id = s["id"].as_u64().unwrap();
    let probe = server.livy_run(None, id, "spark").await;
    assert_eq!(probe["output"]["status"], "ok");
    let text = probe["output"]["data"]["text/plain"].as_str().unwrap();
    assert!(text.contains(&format!("session {id}")) && text.contains("SQL"), "{text}");

    let snippet = "spark.sql(\"\"\"SELECT value AS n, CASE WHEN value = 2 THEN NULL ELSE 'v' END AS s FROM generate_series(1, 5)\"\"\").toJSON.take(3).foreach(println)";
    let rows = server.livy_run(None, id, snippet).await;
    assert_eq!(rows["output"]["status"], "ok", "{rows}");
    let lines: Vec<Value> = rows["output"]["data"]["text/plain"].as_str().unwrap().split('\n').map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, vec![json!({"n": 1, "s": "v"}), json!({"n": 2}), json!({"n": 3, "s": "v"})]);

    let py = server.livy_session(None, json!({"kind": "pyspark"})).await["id"].as_u64().unwrap();
    let code = "import sys\nfor yQeKOYBsFgLWWGWZJu3y in spark.sql(u\"\"\"SELECT 1 AS one \"\"\").toJSON(use_unicode=(sys.version_info.major > 2)).take(2500): print(yQeKOYBsFgLWWGWZJu3y)";
    let one = server.livy_run(None, py, code).await;
    assert_eq!(one["output"]["data"]["text/plain"], "{\"one\":1}");
    for other in ["print(1)", "import os; os.system('id')", "spark.range(10).count()"] {
        let refused = server.livy_run(None, py, other).await;
        assert_eq!(refused["output"]["status"], "error", "{other}");
        assert!(refused["output"]["evalue"].as_str().unwrap().contains("Only SQL runs on this gateway"), "{refused}");
    }
    // A statement of kind sql runs in any session.
    let sql = server.livy(Method::POST, &format!("/sessions/{py}/statements"), Some(json!({"code": "SELECT 2 AS two", "kind": "sql"})), None).await;
    let st = sql.json["id"].as_u64().unwrap();
    let done = server.livy_wait(None, py, st, &["available"]).await;
    assert_eq!(done["output"]["data"]["application/json"]["data"], json!([[2]]));
}

#[tokio::test]
async fn the_livy_port_serves_livy_at_the_root() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = start_server_with(&[("sluicegate.livy.port", &port.to_string())]).await;
    let root = format!("http://127.0.0.1:{port}");
    let mut version = None;
    for _ in 0..50 {
        if let Ok(response) = server.http.get(format!("{root}/version")).send().await {
            version = Some(response.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(version.expect("the Livy port answers")["version"], "0.8.0-incubating");
    let created = server.http.post(format!("{root}/sessions")).header("content-type", "application/json").body(r#"{"kind":"sql"}"#).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["location"], "/sessions/0");
    // The same sessions as under /livy on the main port; nothing but Livy at the root.
    assert_eq!(server.livy(Method::GET, "/sessions/0", None, None).await.json["kind"], "sql");
    let other = server.http.get(format!("{root}/openapi.json")).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.json::<Value>().await.unwrap(), json!({"msg": "Not Found"}));
    assert_eq!(server.get("/openapi.json").await.status, StatusCode::OK);
}

#[tokio::test]
async fn basic_mode_refuses_missing_and_wrong_credentials_as_livy_errors() {
    let (dir, users_path) = users_file("sg-livy-auth");
    let server = start_server_with(&[("sluicegate.auth.mode", "basic"), ("sluicegate.auth.users-file", &users_path), ("sluicegate.auth.admins", "root")]).await;
    let (missing, headers) = server.livy_with(Method::POST, "/sessions", Some(json!({"kind": "sql"})), &[]).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key("www-authenticate"));
    livy_msg(&missing);
    let wrong = server.livy(Method::GET, "/sessions", None, Some(&basic("alice", "nope"))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    livy_msg(&wrong);
    assert_eq!(server.livy(Method::GET, "/version", None, None).await.status, StatusCode::OK, "the version needs no credentials");
    let (alice, bob, root) = (basic("alice", "pa"), basic("bob", "pb"), basic("root", "pr"));
    let id = server.livy_session(Some(&alice), json!({"kind": "sql"})).await["id"].as_u64().unwrap();
    let st = server.livy_run(Some(&alice), id, "SELECT 1 AS one").await;
    assert_eq!(st["output"]["data"]["application/json"]["data"], json!([[1]]));
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{id}/statements/0"), None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{id}/statements/0"), None, Some(&root)).await.status, StatusCode::OK);
    assert_eq!(server.livy(Method::DELETE, &format!("/sessions/{id}"), None, Some(&root)).await.json, json!({"msg": "deleted"}));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn bearer_mode_keys_own_sessions_and_batches_and_expired_keys_are_refused() {
    let dir = std::env::temp_dir().join(format!("sg-livy-keys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    let key = |user: &str| format!("Bearer {}", sluicegate::identity::keys_file::create_key(&keys, user, None).unwrap().1);
    let (alice, bob, root) = (key("alice"), key("bob"), key("root"));
    let (_, expired) = sluicegate::identity::keys_file::create_key(&keys, "alice", Some(Duration::from_millis(1))).unwrap();
    let keys_path = keys.display().to_string();
    let server = start_server_with(&[("sluicegate.auth.mode", "bearer"), ("sluicegate.auth.keys-file", &keys_path), ("sluicegate.auth.admins", "root")]).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let refused = server.livy(Method::GET, "/sessions", None, Some(&format!("Bearer {expired}"))).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(livy_msg(&refused).contains("expired"), "{}", refused.text);

    let id = server.livy_session(Some(&alice), json!({"kind": "sql"})).await["id"].as_u64().unwrap();
    assert_eq!(server.livy(Method::GET, &format!("/sessions/{id}"), None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::GET, "/sessions", None, Some(&bob)).await.json["total"], 0);
    assert_eq!(server.livy(Method::GET, "/sessions", None, Some(&root)).await.json["total"], 1);
    std::fs::write(server.data.join("b.sql"), "SELECT 1;\n").unwrap();
    let file = server.data.join("b.sql").display().to_string();
    let (batch, _) = server.livy_with(Method::POST, "/batches", Some(json!({"file": file})), &[("authorization", &alice)]).await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text);
    let b = batch.json["id"].as_u64().unwrap();
    assert_eq!(batch.json["owner"], "alice");
    assert_eq!(server.livy(Method::GET, &format!("/batches/{b}"), None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::DELETE, &format!("/batches/{b}"), None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.livy(Method::GET, &format!("/batches/{b}"), None, Some(&root)).await.status, StatusCode::OK);
    assert_eq!(server.livy(Method::DELETE, &format!("/sessions/{id}"), None, Some(&alice)).await.json, json!({"msg": "deleted"}));
    std::fs::remove_dir_all(dir).ok();
}
