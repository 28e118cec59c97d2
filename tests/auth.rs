//! Authentication modes and ownership over the Flink REST API: who may open,
//! see and close which sessions and operations.

mod common;

use base64::Engine;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

async fn open_as(server: &TestServer, auth: &str, body: Value) -> (StatusCode, Value) {
    let (a, _) = server.call_with(Method::POST, "/v4/sessions", Some(body), Some(auth)).await;
    (a.status, a.json)
}

/// Users A and B, each with a session and a running operation, and admin `root`.
async fn two_users_and_an_admin(server: &TestServer, alice: &str, bob: &str, root: &str) {
    let (status, body) = open_as(server, alice, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let a = body["sessionHandle"].as_str().unwrap().to_string();
    let (_, body) = open_as(server, bob, json!({})).await;
    let b = body["sessionHandle"].as_str().unwrap().to_string();
    let (op, _) = server.call_with(Method::POST, &format!("/v4/sessions/{a}/statements"), Some(json!({"statement": "SELECT 1"})), Some(alice)).await;
    assert_eq!(op.status, StatusCode::OK, "{}", op.text);
    let op = op.json["operationHandle"].as_str().unwrap().to_string();

    // Bob cannot see, use or close Alice's session or operation: 404, as for a handle that never existed.
    for (method, path) in [
        (Method::GET, format!("/v4/sessions/{a}")),
        (Method::POST, format!("/v4/sessions/{a}/heartbeat")),
        (Method::POST, format!("/v4/sessions/{a}/statements")),
        (Method::GET, format!("/v4/sessions/{a}/operations/{op}/status")),
        (Method::GET, format!("/v4/sessions/{a}/operations/{op}/result/0")),
        (Method::DELETE, format!("/v4/sessions/{a}/operations/{op}/close")),
        (Method::DELETE, format!("/v4/sessions/{a}")),
    ] {
        let body = (method == Method::POST).then(|| json!({"statement": "SELECT 2"}));
        let (answer, _) = server.call_with(method.clone(), &path, body, Some(bob)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path} as bob: {}", answer.text);
        assert!(answer.text.contains("does not exist"), "{}", answer.text);
    }
    // Alice still has everything; the admin sees and may close it.
    let (status, _) = server.call_with(Method::GET, &format!("/v4/sessions/{a}/operations/{op}/status"), None, Some(alice)).await;
    assert_eq!(status.status, StatusCode::OK);
    let (own, _) = server.call_with(Method::GET, &format!("/v4/sessions/{b}"), None, Some(bob)).await;
    assert_eq!(own.status, StatusCode::OK);
    let (admin, _) = server.call_with(Method::GET, &format!("/v4/sessions/{a}"), None, Some(root)).await;
    assert_eq!(admin.status, StatusCode::OK, "{}", admin.text);
    let (closed, _) = server.call_with(Method::DELETE, &format!("/v4/sessions/{a}"), None, Some(root)).await;
    assert_eq!(closed.status, StatusCode::OK);
    let (gone, _) = server.call_with(Method::GET, &format!("/v4/sessions/{a}"), None, Some(alice)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn none_mode_separates_users_by_the_basic_name() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root")]).await;
    // No header: anonymous, as in Flink.
    let anonymous = server.open_session("").await;
    let (seen, _) = server.call_with(Method::GET, &format!("/v4/sessions/{anonymous}"), None, Some(&basic("alice", "x"))).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND, "alice does not see anonymous' session");
    two_users_and_an_admin(&server, &basic("alice", ""), &basic("bob", ""), &basic("root", "")).await;
}

#[tokio::test]
async fn basic_mode_refuses_missing_and_wrong_credentials() {
    let (dir, users_path) = users_file("sg-auth-test");
    let server = start_server_with(&[("sluicegate.auth.mode", "basic"), ("sluicegate.auth.users-file", &users_path), ("sluicegate.auth.admins", "root")]).await;

    let (missing, headers) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers.get("www-authenticate").unwrap(), "Basic realm=\"sluicegate\"");
    assert!(error_message(&missing).contains("Authentication required"), "{}", missing.text);
    for wrong in [basic("alice", "nope"), basic("mallory", "pa")] {
        let (answer, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(&wrong)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text);
        assert!(error_message(&answer).starts_with("Authentication failed for user"), "{}", answer.text);
    }
    let (scheme, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some("Negotiate abc")).await;
    assert_eq!(scheme.status, StatusCode::UNAUTHORIZED);
    two_users_and_an_admin(&server, &basic("alice", "pa"), &basic("bob", "pb"), &basic("root", "pr")).await;
    // Information routes stay open.
    assert_eq!(server.get("/v4/info").await.status, StatusCode::OK);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn bearer_mode_accepts_live_keys_only() {
    let dir = std::env::temp_dir().join(format!("sg-keys-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    let (_, alice) = sluicegate::identity::keys_file::create_key(&keys, "alice", None).unwrap();
    let (_, bob) = sluicegate::identity::keys_file::create_key(&keys, "bob", None).unwrap();
    let (_, root) = sluicegate::identity::keys_file::create_key(&keys, "root", None).unwrap();
    let (_, expired) = sluicegate::identity::keys_file::create_key(&keys, "alice", Some(std::time::Duration::from_millis(1))).unwrap();
    let keys_path = keys.display().to_string();
    let server = start_server_with(&[("sluicegate.auth.mode", "bearer"), ("sluicegate.auth.keys-file", &keys_path), ("sluicegate.auth.admins", "root")]).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let (answer, headers) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(&format!("Bearer {expired}"))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(error_message(&answer).contains("expired"), "{}", answer.text);
    assert_eq!(headers.get("www-authenticate").unwrap(), "Bearer realm=\"sluicegate\"");
    let (answer, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some("Bearer sg_0000_1111")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let (answer, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(&basic("alice", &alice))).await;
    assert_eq!(answer.status, StatusCode::OK, "Basic user:key works for Basic-only clients: {}", answer.text);
    two_users_and_an_admin(&server, &format!("Bearer {alice}"), &format!("Bearer {bob}"), &format!("Bearer {root}")).await;

    // A key revoked while the gateway runs is refused once the file changes.
    let id = alice.split('_').nth(1).unwrap().to_string();
    sluicegate::identity::keys_file::revoke_key(&keys, &id).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let (answer, _) = server.call_with(Method::POST, "/v4/sessions", Some(json!({})), Some(&format!("Bearer {alice}"))).await;
        if answer.status == StatusCode::UNAUTHORIZED {
            assert!(error_message(&answer).contains("revoked"), "{}", answer.text);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "revocation not picked up");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn proxy_users_need_an_admin_or_an_allowed_pair() {
    let server = start_server_with(&[("sluicegate.auth.admins", "root"), ("sluicegate.auth.proxy-users", "svc:alice")]).await;
    let proxied = json!({"properties": {"sluicegate.proxy-user": "alice"}});
    let (status, body) = open_as(&server, &basic("svc", ""), proxied.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["sessionHandle"].as_str().unwrap().to_string();
    // The session is Alice's: she reaches it; so does the service that opened it; Bob does not.
    for (who, expected) in [("alice", StatusCode::OK), ("svc", StatusCode::OK), ("bob", StatusCode::NOT_FOUND)] {
        let (a, _) = server.call_with(Method::GET, &format!("/v4/sessions/{session}"), None, Some(&basic(who, ""))).await;
        assert_eq!(a.status, expected, "{who}: {}", a.text);
        if expected == StatusCode::OK {
            assert!(a.json["properties"].get("sluicegate.proxy-user").is_none(), "the proxy property is consumed");
        }
    }
    let (status, body) = open_as(&server, &basic("bob", ""), proxied.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["errors"][0], "Failed to validate proxy privilege of bob for alice");
    let (status, _) = open_as(&server, &basic("svc", ""), json!({"properties": {"sluicegate.proxy-user": "carol"}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = open_as(&server, &basic("root", ""), json!({"properties": {"sluicegate.proxy-user": "carol"}})).await;
    assert_eq!(status, StatusCode::OK, "admins may act for anyone");
}
