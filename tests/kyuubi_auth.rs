//! Users over the Kyuubi REST API: ownership of sessions and operations,
//! the admin routes, each authentication mode, and proxy users.

mod common;

use common::kyuubi::{basic, kyuubi_message};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Alice's and Bob's sessions and operations are each other's 404s; the
/// admin `root` sees and closes both.
async fn ownership(server: &TestServer, alice: &str, bob: &str, root: &str) {
    let a = server.k_session(Some(alice), json!({})).await;
    let b = server.k_session(Some(bob), json!({})).await;
    let op = server.k_run(Some(alice), &a, "SELECT 1").await;
    for (method, path) in [
        (Method::GET, format!("/sessions/{a}")),
        (Method::GET, format!("/sessions/{a}/info/13")),
        (Method::GET, format!("/sessions/{a}/operations")),
        (Method::POST, format!("/sessions/{a}/operations/statement")),
        (Method::GET, format!("/operations/{op}/event")),
        (Method::GET, format!("/operations/{op}/rowset")),
        (Method::GET, format!("/operations/{op}/log")),
        (Method::GET, format!("/operations/{op}/resultsetmetadata")),
        (Method::PUT, format!("/operations/{op}")),
        (Method::DELETE, format!("/sessions/{a}")),
    ] {
        let body = match method {
            Method::POST => Some(json!({"statement": "SELECT 2"})),
            Method::PUT => Some(json!({"action": "close"})),
            _ => None,
        };
        let answer = server.k(method.clone(), &path, body, Some(bob)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path} as bob: {}", answer.text);
        kyuubi_message(&answer);
    }
    // Each lists only their own sessions.
    let listed = server.k(Method::GET, "/sessions", None, Some(bob)).await;
    let ids: Vec<&str> = listed.json.as_array().unwrap().iter().map(|s| s["identifier"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![b.as_str()]);
    // Alice still reads her result; the admin lists everything and closes Alice's session.
    assert_eq!(server.k_values(Some(alice), &op, "").await.len(), 1);
    let all = server.k(Method::GET, "/admin/sessions", None, Some(root)).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let all: Vec<&str> = all.json.as_array().unwrap().iter().map(|s| s["identifier"].as_str().unwrap()).collect();
    assert!(all.contains(&a.as_str()) && all.contains(&b.as_str()), "{all:?}");
    let only_bob = server.k(Method::GET, "/admin/sessions?users=bob", None, Some(root)).await;
    assert_eq!(only_bob.json.as_array().unwrap().len(), 1);
    let ops = server.k(Method::GET, &format!("/admin/operations?sessionHandle={a}"), None, Some(root)).await;
    assert_eq!(ops.json[0]["identifier"], op.as_str(), "{}", ops.text);
    let event = server.k(Method::GET, &format!("/operations/{op}/event"), None, Some(root)).await;
    assert_eq!(event.status, StatusCode::OK);
    let closed = server.k(Method::DELETE, &format!("/admin/sessions/{a}"), None, Some(root)).await;
    assert_eq!(closed.status, StatusCode::OK);
    assert_eq!(closed.text, format!("Session {a} is closed successfully."));
    let again = server.k(Method::DELETE, &format!("/admin/sessions/{a}"), None, Some(root)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(kyuubi_message(&again).contains("Invalid"));
    assert_eq!(server.k(Method::GET, &format!("/sessions/{a}"), None, Some(alice)).await.status, StatusCode::NOT_FOUND);
    // Bob is no admin.
    for path in ["/admin/sessions", "/admin/operations", "/admin/engine", "/admin/server"] {
        let refused = server.k(Method::GET, path, None, Some(bob)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}: {}", refused.text);
        assert!(kyuubi_message(&refused).starts_with("bob is not allowed"), "{}", refused.text);
    }
    let refresh = server.k(Method::POST, "/admin/refresh/user_defaults_conf", Some(json!({})), Some(bob)).await;
    assert_eq!(refresh.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn none_mode_names_users_by_the_basic_header() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root")]).await;
    let anonymous = server.k_session(None, json!({})).await;
    let event = server.k(Method::GET, &format!("/sessions/{anonymous}"), None, None).await;
    assert_eq!(event.json["user"], "anonymous");
    ownership(&server, &basic("alice", ""), &basic("bob", ""), &basic("root", "")).await;
}

#[tokio::test]
async fn admin_routes_describe_the_gateway() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root")]).await;
    let root = basic("root", "");
    let engines = server.k(Method::GET, "/admin/engine", None, Some(&root)).await;
    assert_eq!(engines.status, StatusCode::OK, "{}", engines.text);
    let engine = &engines.json[0];
    assert_eq!(engine["engineType"], "DATAFUSION_SQL");
    assert_eq!(engine["instance"], server.base.trim_start_matches("http://"));
    assert!(engine["attributes"]["workerThreads"].as_str().unwrap().parse::<usize>().unwrap() >= 1);
    let servers = server.k(Method::GET, "/admin/server", None, Some(&root)).await;
    assert_eq!(servers.json[0]["status"], "Running");
    assert_eq!(servers.json[0]["port"], server.base.rsplit(':').next().unwrap().parse::<u16>().unwrap());
    let refresh = server.k(Method::POST, "/admin/refresh/user_defaults_conf", Some(json!({})), Some(&root)).await;
    assert_eq!(refresh.status, StatusCode::OK, "{}", refresh.text);
    let unknown = server.k(Method::POST, "/admin/refresh/everything", Some(json!({})), Some(&root)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let s = server.k_session(None, json!({})).await;
    let op = server.k_run(None, &s, "SELECT 1").await;
    let closed = server.k(Method::DELETE, &format!("/admin/operations/{op}"), None, Some(&root)).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    assert_eq!(server.k(Method::GET, &format!("/operations/{op}/event"), None, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn basic_mode_answers_401_without_and_403_with_wrong_credentials() {
    let (dir, users_path) = users_file("sg-kyuubi-auth");
    let server = start_server_with(&[("sluicegate.auth.mode", "basic"), ("sluicegate.auth.users-file", &users_path), ("sluicegate.auth.admins", "root")]).await;
    let (missing, headers) = server.call_with(Method::POST, "/api/v1/sessions", Some(json!({})), None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers.get("www-authenticate").unwrap(), "Basic realm=\"sluicegate\"");
    kyuubi_message(&missing);
    for wrong in [basic("alice", "nope"), basic("mallory", "pa")] {
        let answer = server.k(Method::POST, "/sessions", Some(json!({})), Some(&wrong)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "Kyuubi answers bad credentials with 403: {}", answer.text);
        assert!(kyuubi_message(&answer).starts_with("Authentication failed for user"));
    }
    let scheme = server.k(Method::GET, "/sessions", None, Some("Negotiate abc")).await;
    assert_eq!(scheme.status, StatusCode::UNAUTHORIZED);
    // Ping and version need no credentials.
    assert_eq!(server.k(Method::GET, "/ping", None, None).await.status, StatusCode::OK);
    ownership(&server, &basic("alice", "pa"), &basic("bob", "pb"), &basic("root", "pr")).await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn bearer_mode_refuses_expired_keys() {
    let dir = std::env::temp_dir().join(format!("sg-kyuubi-keys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    let key = |user: &str| sluicegate::identity::keys_file::create_key(&keys, user, None).unwrap().1;
    let (alice, bob, root) = (key("alice"), key("bob"), key("root"));
    let (_, expired) = sluicegate::identity::keys_file::create_key(&keys, "alice", Some(std::time::Duration::from_millis(1))).unwrap();
    let keys_path = keys.display().to_string();
    let server = start_server_with(&[("sluicegate.auth.mode", "bearer"), ("sluicegate.auth.keys-file", &keys_path), ("sluicegate.auth.admins", "root")]).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let answer = server.k(Method::POST, "/sessions", Some(json!({})), Some(&format!("Bearer {expired}"))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(kyuubi_message(&answer).contains("expired"));
    ownership(&server, &format!("Bearer {alice}"), &format!("Bearer {bob}"), &format!("Bearer {root}")).await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn proxy_users_need_an_admin_or_an_allowed_pair() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root"), ("sluicegate.auth.proxy-users", "svc:alice")]).await;
    for key in ["hive.server2.proxy.user", "kyuubi.session.proxy.user"] {
        let s = server.k_session(Some(&basic("svc", "")), json!({"configs": {key: "alice"}})).await;
        let event = server.k(Method::GET, &format!("/sessions/{s}"), None, Some(&basic("alice", ""))).await;
        assert_eq!(event.status, StatusCode::OK, "{key}: {}", event.text);
        assert_eq!(event.json["user"], "alice");
        assert_eq!(event.json["conf"]["kyuubi.session.real.user"], "svc");
    }
    let refused = server.k(Method::POST, "/sessions", Some(json!({"configs": {"hive.server2.proxy.user": "alice"}})), Some(&basic("bob", ""))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(kyuubi_message(&refused), "Failed to validate proxy privilege of bob for alice");
    // kyuubi.session.proxy.user wins over hive.server2.proxy.user.
    let both = json!({"configs": {"hive.server2.proxy.user": "alice", "kyuubi.session.proxy.user": "carol"}});
    assert_eq!(server.k(Method::POST, "/sessions", Some(both), Some(&basic("svc", ""))).await.status, StatusCode::FORBIDDEN);
    let s = server.k_session(Some(&basic("root", "")), json!({"configs": {"hive.server2.proxy.user": "carol"}})).await;
    assert_eq!(server.k(Method::GET, &format!("/sessions/{s}"), None, Some(&basic("carol", ""))).await.json["user"], "carol");
}
