//! Identity in the metadata store: API keys created through the ByteHouse
//! IAM routes (shown once, capped, disabled, extended, deleted, kept across
//! restarts), roles and grants, and a `ReadOnly` user refused writes
//! through every protocol.

mod common;

use std::time::{Duration, Instant};

use common::bytehouse::Headers;
use common::kyuubi::basic;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Query session `session` as `auth`.
fn as_<'a>(session: &'a str, auth: &'a str) -> Headers<'a> {
    Headers { auth: Some(auth), session: Some(session), ..Headers::default() }
}

fn auth(header: &str) -> Headers<'_> {
    Headers { auth: Some(header), ..Headers::default() }
}

/// A ByteHouse call that must fail with `status` and `code`; its message.
async fn bh_refused(server: &TestServer, method: Method, path: &str, body: Option<Value>, headers: Headers<'_>, status: StatusCode, code: &str) -> String {
    let a = server.bh_with(method.clone(), path, body, headers).await;
    assert_eq!(a.status, status, "{method} {path}: {}", a.text);
    assert_eq!(a.json["error"]["code"], code, "{}", a.text);
    assert_eq!(a.json["message"], a.json["error"]["message"]);
    a.json["message"].as_str().unwrap_or_default().to_string()
}

/// Run `sql` in Flink session `session` as `who`; `Ok(())` when it
/// finished, `Err(message)` when it failed.
async fn flink_run(server: &TestServer, who: &str, session: &str, sql: &str) -> Result<(), String> {
    let (a, _) = server.call_with(Method::POST, &format!("/v4/sessions/{session}/statements"), Some(json!({"statement": sql})), Some(who)).await;
    assert_eq!(a.status, StatusCode::OK, "{sql}: {}", a.text);
    let op = a.json["operationHandle"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let (status, _) = server.call_with(Method::GET, &format!("/v4/sessions/{session}/operations/{op}/status"), None, Some(who)).await;
        match status.json["status"].as_str() {
            Some("FINISHED") => return Ok(()),
            Some("ERROR") => {
                let (result, _) = server.call_with(Method::GET, &format!("/v4/sessions/{session}/operations/{op}/result/0"), None, Some(who)).await;
                return Err(error_message(&result));
            }
            _ => {}
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{sql} stuck: {}", status.text);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn flink_session(server: &TestServer, who: &str) -> String {
    let (a, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(who)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json["sessionHandle"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn api_keys_are_shown_once_capped_managed_and_kept_across_restarts() {
    let (dir, users_path) = users_file("sg-iam-test");
    let server = start_server_with(&[("sluicegate.auth.mode", "basic"), ("sluicegate.auth.users-file", &users_path), ("sluicegate.auth.admins", "root")]).await;
    let (alice, bob, root) = (basic("alice", "pa"), basic("bob", "pb"), basic("root", "pr"));

    let created = server.bh_ok(Method::POST, "/iam/api-keys", Some(json!({"comment": "dashboards", "expiryInDays": 30})), auth(&alice)).await;
    let key = created["key"].as_str().unwrap().to_string();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(key.starts_with(&format!("sg_{id}_")), "{created}");
    assert_eq!((created["userName"].clone(), created["status"].clone(), created["noExpiry"].clone()), (json!("alice"), json!("ENABLED"), json!(false)));
    assert_eq!(created["comment"], "dashboards");
    assert!(created["userID"].as_i64().unwrap() > 0);
    let bearer = format!("Bearer {key}");
    // The key authenticates alice in basic mode, on every protocol.
    let session = flink_session(&server, &bearer).await;
    assert_eq!(server.k(Method::GET, "/sessions", None, Some(&bearer)).await.status, StatusCode::OK);
    let (mine, _) = server.call_with(Method::GET, &format!("/v4/sessions/{session}"), None, Some(&alice)).await;
    assert_eq!(mine.status, StatusCode::OK, "the key's session is alice's: {}", mine.text);

    // Listing never shows the secret; the cap is two keys.
    let listed = server.bh_ok(Method::GET, "/iam/api-keys", None, auth(&alice)).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0].get("key").is_none() && !listed.to_string().contains(key.rsplit('_').next().unwrap()), "{listed}");
    let forever = server.bh_ok(Method::POST, "/iam/api-keys", Some(json!({"noExpiry": true, "expiryInDays": 5})), auth(&alice)).await;
    assert_eq!((forever["noExpiry"].clone(), forever["expiresAt"].clone()), (json!(true), Value::Null));
    let third = bh_refused(&server, Method::POST, "/iam/api-keys", Some(json!({})), auth(&alice), StatusCode::CONFLICT, "CONFLICT").await;
    assert!(third.contains("max-keys-per-user"), "{third}");
    bh_refused(&server, Method::POST, "/iam/api-keys", Some(json!({"expiryInDays": 0})), auth(&bob), StatusCode::BAD_REQUEST, "BAD_REQUEST").await;

    // Disabled keys are refused until enabled again.
    let disabled = server.bh_ok(Method::PATCH, &format!("/iam/api-keys/{id}/status"), Some(json!({"status": "DISABLED"})), auth(&alice)).await;
    assert_eq!(disabled["status"], "DISABLED");
    let (refused, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(&bearer)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(error_message(&refused).contains("disabled"), "{}", refused.text);
    server.bh_ok(Method::PATCH, &format!("/iam/api-keys/{id}/status"), Some(json!({"status": "ENABLED"})), auth(&alice)).await;
    bh_refused(&server, Method::PATCH, &format!("/iam/api-keys/{id}/status"), Some(json!({"status": "ON"})), auth(&alice), StatusCode::BAD_REQUEST, "BAD_REQUEST").await;
    // Extending moves the expiry; a key without one has none to extend.
    let extended = server.bh_ok(Method::PATCH, &format!("/iam/api-keys/{id}/expiry"), Some(json!({"addExpiryInDays": 10})), auth(&alice)).await;
    let before = chrono::DateTime::parse_from_rfc3339(created["expiresAt"].as_str().unwrap()).unwrap();
    let after = chrono::DateTime::parse_from_rfc3339(extended["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!((after - before).num_days(), 10);
    let forever_id = forever["id"].as_str().unwrap();
    bh_refused(&server, Method::PATCH, &format!("/iam/api-keys/{forever_id}/expiry"), Some(json!({"addExpiryInDays": 1})), auth(&alice), StatusCode::BAD_REQUEST, "BAD_REQUEST").await;

    // Another user's key is unknown to bob; the administrator sees every key.
    bh_refused(&server, Method::DELETE, &format!("/iam/api-keys/{id}"), None, auth(&bob), StatusCode::NOT_FOUND, "NOT_FOUND").await;
    assert!(server.bh_ok(Method::GET, "/iam/api-keys", None, auth(&bob)).await.as_array().unwrap().is_empty());
    assert_eq!(server.bh_ok(Method::GET, "/iam/api-keys", None, auth(&root)).await.as_array().unwrap().len(), 2);

    // Keys outlive the process; a deleted one does not.
    let server = server.restart().await;
    assert_eq!(server.bh_ok(Method::GET, "/account/status", None, auth(&bearer)).await["user"]["userName"], "alice");
    server.bh_ok(Method::DELETE, &format!("/iam/api-keys/{forever_id}"), None, auth(&bearer)).await;
    let server = server.restart().await;
    let remaining = server.bh_ok(Method::GET, "/iam/api-keys", None, auth(&bearer)).await;
    assert_eq!(remaining.as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap()).collect::<Vec<_>>(), [id.as_str()]);
    server.bh_ok(Method::DELETE, &format!("/iam/api-keys/{id}"), None, auth(&alice)).await;
    let (gone, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(&bearer)).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{}", gone.text);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_read_only_user_reads_but_is_refused_writes_through_every_protocol() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root")]).await;
    let (root, bob) = (basic("root", ""), basic("bob", ""));
    let admin = flink_session(&server, &root).await;
    flink_run(&server, &root, &admin, "CREATE TABLE t (a INT)").await.unwrap();
    flink_run(&server, &root, &admin, "INSERT INTO t VALUES (1)").await.unwrap();

    // Only an administrator assigns roles; an unknown role is 404.
    let refused = bh_refused(&server, Method::POST, "/iam/role-assignments", Some(json!({"UserID": "bob", "RoleName": "ReadOnly"})), auth(&bob), StatusCode::FORBIDDEN, "FORBIDDEN").await;
    assert!(refused.contains("AccountAdmin"), "{refused}");
    bh_refused(&server, Method::POST, "/iam/role-assignments", Some(json!({"UserID": "bob", "RoleName": "Nobody"})), auth(&root), StatusCode::NOT_FOUND, "NOT_FOUND").await;
    let assigned = server.bh_ok(Method::POST, "/iam/role-assignments", Some(json!({"UserID": "bob", "RoleName": "ReadOnly"})), auth(&root)).await;
    assert_eq!((assigned["userName"].clone(), assigned["roleName"].clone()), (json!("bob"), json!("ReadOnly")));
    // The number listed names the same user.
    let by_number = server.bh_ok(Method::GET, &format!("/iam/role-assignments?UserID={}", assigned["userID"]), None, auth(&root)).await;
    assert_eq!(by_number[0]["roleName"], "ReadOnly", "{by_number}");
    let status = server.bh_ok(Method::GET, "/account/status", None, auth(&bob)).await;
    assert_eq!(status["user"]["roles"], json!(["ReadOnly"]));

    // Flink: reads, no writes, no DDL.
    let s = flink_session(&server, &bob).await;
    flink_run(&server, &bob, &s, "SELECT * FROM t").await.unwrap();
    for sql in ["INSERT INTO t VALUES (2)", "DROP TABLE t", "CREATE TABLE u (a INT)", "CREATE DATABASE d", "ALTER TABLE t RENAME TO t2", "CREATE TABLE c AS SELECT * FROM t"] {
        let error = flink_run(&server, &bob, &s, sql).await.expect_err(sql);
        assert!(error.contains("Permission denied: user 'bob' (role ReadOnly)"), "{sql}: {error}");
    }
    // A TEMPORARY view is the session's own.
    flink_run(&server, &bob, &s, "CREATE TEMPORARY VIEW mine AS SELECT a FROM t").await.unwrap();

    // Kyuubi.
    let k = server.k_session(Some(&bob), json!({})).await;
    let sync = server.k_statement(Some(&bob), &k, json!({"statement": "INSERT INTO t VALUES (3)"})).await;
    assert_eq!(sync.status, StatusCode::FORBIDDEN, "{}", sync.text);
    assert!(common::kyuubi::kyuubi_message(&sync).contains("Permission denied"), "{}", sync.text);
    let run_async = server.k_statement(Some(&bob), &k, json!({"statement": "DROP TABLE t", "runAsync": true})).await;
    assert_eq!(run_async.status, StatusCode::OK, "{}", run_async.text);
    let event = server.k_wait(Some(&bob), run_async.json["identifier"].as_str().unwrap(), &["ERROR", "FINISHED"]).await;
    assert_eq!(event["state"], "ERROR", "{event}");
    assert!(event.to_string().contains("Permission denied"), "{event}");

    // Livy.
    let livy = server.livy_session(Some(&bob), json!({"kind": "sql"})).await;
    let id = livy["id"].as_u64().unwrap();
    let done = server.livy_run(Some(&bob), id, "DROP TABLE t").await;
    assert_eq!(done["output"]["status"], "error", "{done}");
    assert!(done["output"]["evalue"].as_str().unwrap().contains("Permission denied"), "{done}");

    // ByteHouse: SQL and the table API.
    let sync = bh_refused(&server, Method::POST, "/queries/sync", Some(json!({"query": "INSERT INTO t VALUES (4)"})), auth(&bob), StatusCode::FORBIDDEN, "FORBIDDEN").await;
    assert!(sync.contains("no INSERT permission on database default_catalog.default_database"), "{sync}");
    bh_refused(&server, Method::DELETE, "/databases/default_database/tables/t", None, auth(&bob), StatusCode::FORBIDDEN, "FORBIDDEN").await;
    bh_refused(&server, Method::PATCH, "/databases/default_database/tables/t", Some(json!({"description": "mine"})), auth(&bob), StatusCode::FORBIDDEN, "FORBIDDEN").await;
    // A role bob does not hold is refused as his active role.
    bh_refused(&server, Method::POST, "/queries/sync", Some(json!({"query": "SELECT 1"})), Headers { auth: Some(&bob), role: Some("AccountAdmin"), ..Headers::default() }, StatusCode::FORBIDDEN, "FORBIDDEN").await;
    // The administrator acting as ReadOnly is held to it.
    let as_read_only = Headers { auth: Some(&root), role: Some("ReadOnly"), ..Headers::default() };
    bh_refused(&server, Method::POST, "/queries/sync", Some(json!({"query": "INSERT INTO t VALUES (5)"})), as_read_only.clone(), StatusCode::FORBIDDEN, "FORBIDDEN").await;
    assert_eq!(server.bh_sync_as(as_read_only, "SELECT COUNT(*) AS n FROM t").await["rows"], json!([[1]]));

    // A grant on the database lets ReadOnly insert there; revoking takes it back.
    let grant = json!({"RoleName": "ReadOnly", "ByteHouseResourceID": "default_database", "SecureObjectTypeName": "Database", "ActionName": "INSERT"});
    let granted = server.bh_ok(Method::POST, "/iam/permissions/grant", Some(grant.clone()), auth(&root)).await;
    assert_eq!(granted["byteHouseResourceID"], "default_catalog.default_database");
    flink_run(&server, &bob, &s, "INSERT INTO t VALUES (6)").await.unwrap();
    let listed = server.bh_ok(Method::GET, "/iam/permissions?RoleName=ReadOnly", None, auth(&bob)).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    server.bh_ok(Method::POST, "/iam/permissions/revoke", Some(grant.clone()), auth(&root)).await;
    assert!(flink_run(&server, &bob, &s, "INSERT INTO t VALUES (7)").await.unwrap_err().contains("Permission denied"));
    bh_refused(&server, Method::POST, "/iam/permissions/revoke", Some(grant), auth(&root), StatusCode::NOT_FOUND, "PERMISSION_NOT_FOUND").await;

    // Assignments outlive the process.
    let server = server.restart().await;
    let s = flink_session(&server, &bob).await;
    assert!(flink_run(&server, &bob, &s, "DROP TABLE t").await.unwrap_err().contains("Permission denied"));
    server.bh_ok(Method::DELETE, "/iam/role-assignments", Some(json!({"UserID": "bob", "RoleName": "ReadOnly"})), auth(&root)).await;
    flink_run(&server, &bob, &s, "INSERT INTO t VALUES (8)").await.expect("a user without roles is a Developer");
}

#[tokio::test]
async fn a_role_defined_by_grants_reads_only_what_it_was_granted() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root")]).await;
    let (root, carol) = (basic("root", ""), basic("carol", ""));
    let admin = flink_session(&server, &root).await;
    for sql in ["CREATE DATABASE sales", "CREATE TABLE sales.orders (id INT)", "INSERT INTO sales.orders VALUES (1)", "CREATE TABLE secrets (x INT)", "CREATE VIEW sales.leak AS SELECT * FROM default_database.secrets"] {
        flink_run(&server, &root, &admin, sql).await.unwrap();
    }
    let grant = json!({"RoleName": "analyst", "ByteHouseResourceID": "sales", "SecureObjectTypeName": "Database", "ActionName": "SELECT"});
    server.bh_ok(Method::POST, "/iam/permissions/grant", Some(grant), auth(&root)).await;
    let roles = server.bh_ok(Method::GET, "/iam/roles", None, auth(&carol)).await;
    let names: Vec<&str> = roles.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["AccountAdmin", "Developer", "ReadOnly", "analyst"]);
    server.bh_ok(Method::POST, "/iam/role-assignments", Some(json!({"UserID": "carol", "RoleName": "analyst"})), auth(&root)).await;

    let s = flink_session(&server, &carol).await;
    flink_run(&server, &carol, &s, "SELECT * FROM sales.orders").await.unwrap();
    let error = flink_run(&server, &carol, &s, "SELECT * FROM secrets").await.unwrap_err();
    assert!(error.contains("no SELECT permission on database default_catalog.default_database"), "{error}");
    // A view does not open what it reads.
    let through_view = flink_run(&server, &carol, &s, "SELECT * FROM sales.leak").await.unwrap_err();
    assert!(through_view.contains("no SELECT permission"), "{through_view}");
    assert!(flink_run(&server, &carol, &s, "INSERT INTO sales.orders VALUES (2)").await.unwrap_err().contains("no INSERT permission"));
    // Constant queries read nothing.
    flink_run(&server, &carol, &s, "SELECT 1").await.unwrap();
}

#[tokio::test]
async fn each_user_holds_a_bounded_number_of_query_sessions() {
    let server = start_server_with(&[("sluicegate.bytehouse.max-query-sessions-per-user", "2")]).await;
    let (alice, bob) = (basic("alice", ""), basic("bob", ""));
    server.bh_sync_as(as_("one", &alice), "SELECT 1").await;
    server.bh_sync_as(as_("two", &alice), "SELECT 1").await;
    // The same ids again are the same sessions, not new ones.
    server.bh_sync_as(as_("one", &alice), "SELECT 1").await;
    let refused = bh_refused(&server, Method::POST, "/queries/sync", Some(json!({"query": "SELECT 1"})), as_("three", &alice), StatusCode::TOO_MANY_REQUESTS, "LIMIT_EXCEEDED").await;
    assert!(refused.contains("max-query-sessions-per-user"), "{refused}");
    // Another user's count is their own.
    server.bh_sync_as(as_("three", &bob), "SELECT 1").await;
}
