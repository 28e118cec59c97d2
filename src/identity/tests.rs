use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine;

use super::*;
use crate::error::GatewayError;

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sg-auth-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn none_mode_takes_the_basic_name_or_anonymous() {
    let auth = Authenticator::new(AuthSettings { admins: BTreeSet::from(["root".to_string()]), ..AuthSettings::default() }).unwrap();
    assert_eq!(auth.authenticate(None).unwrap(), User::anonymous());
    assert_eq!(auth.authenticate(Some(&basic("alice", "whatever"))).unwrap().name, "alice");
    assert!(auth.authenticate(Some(&basic("root", ""))).unwrap().is_admin());
    assert_eq!(auth.authenticate(Some("Negotiate xyz")).unwrap(), User::anonymous());
}

#[test]
fn basic_mode_checks_the_users_file() {
    let dir = temp_dir();
    let users = dir.join("users");
    users_file::add_user(&users, "alice", "pw-a").unwrap();
    let settings = AuthSettings { mode: AuthMode::Basic, users_file: Some(users.clone()), cache_ttl: Duration::from_secs(60), ..AuthSettings::default() };
    let auth = Authenticator::new(settings).unwrap();
    assert_eq!(auth.authenticate(Some(&basic("alice", "pw-a"))).unwrap().name, "alice");
    // Cached: the same answer again, and a wrong password is still refused.
    assert_eq!(auth.authenticate(Some(&basic("alice", "pw-a"))).unwrap().name, "alice");
    assert!(matches!(auth.authenticate(Some(&basic("alice", "wrong"))), Err(GatewayError::BadCredentials(_))));
    assert!(matches!(auth.authenticate(Some(&basic("mallory", "pw-a"))), Err(GatewayError::BadCredentials(_))));
    assert!(matches!(auth.authenticate(None), Err(GatewayError::Unauthenticated(_))));
    assert!(matches!(auth.authenticate(Some("Digest x")), Err(GatewayError::Unauthenticated(_))));
    assert!(matches!(auth.authenticate(Some("Basic !!!")), Err(GatewayError::Unauthenticated(_))));
    // A user added later is seen after an explicit reload.
    users_file::add_user(&users, "bob", "pw-b").unwrap();
    auth.reload().unwrap();
    assert_eq!(auth.authenticate(Some(&basic("bob", "pw-b"))).unwrap().name, "bob");
    assert!(Authenticator::new(AuthSettings { mode: AuthMode::Basic, ..AuthSettings::default() }).is_err(), "basic needs a users file");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bearer_mode_checks_keys() {
    let dir = temp_dir();
    let keys = dir.join("keys");
    let (record, key) = keys_file::create_key(&keys, "alice", None).unwrap();
    let (_, expired) = keys_file::create_key(&keys, "bob", Some(Duration::from_millis(1))).unwrap();
    let auth = Authenticator::new(AuthSettings { mode: AuthMode::Bearer, keys_file: Some(keys.clone()), ..AuthSettings::default() }).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(auth.authenticate(Some(&format!("Bearer {key}"))).unwrap().name, "alice");
    assert_eq!(auth.authenticate(Some(&basic("alice", &key))).unwrap().name, "alice", "Basic user:key");
    assert!(matches!(auth.authenticate(Some(&basic("bob", &key))), Err(GatewayError::BadCredentials(_))), "another user's key");
    assert!(matches!(auth.authenticate(Some(&format!("Bearer {expired}"))), Err(GatewayError::Unauthenticated(m)) if m.contains("expired")));
    assert!(matches!(auth.authenticate(Some("Bearer sg_00_11")), Err(GatewayError::BadCredentials(_))));
    keys_file::revoke_key(&keys, &record.id).unwrap();
    auth.reload().unwrap();
    assert!(matches!(auth.authenticate(Some(&format!("Bearer {key}"))), Err(GatewayError::Unauthenticated(m)) if m.contains("revoked")));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn impersonation_needs_an_admin_or_an_allowed_pair() {
    let settings = AuthSettings {
        admins: BTreeSet::from(["root".to_string()]),
        proxy_allowed: BTreeSet::from([("svc".to_string(), "alice".to_string()), ("etl".to_string(), "*".to_string())]),
        ..AuthSettings::default()
    };
    let auth = Authenticator::new(settings).unwrap();
    let as_user = |real: &str, proxy: &str| auth.impersonate(&auth.user(real), Some(proxy));
    let alice = as_user("root", "alice").unwrap();
    assert_eq!((alice.name.as_str(), alice.real_name(), alice.is_admin()), ("alice", "root", false));
    assert_eq!(as_user("svc", "alice").unwrap().name, "alice");
    assert!(matches!(as_user("svc", "bob"), Err(GatewayError::Forbidden(m)) if m == "Failed to validate proxy privilege of svc for bob"));
    assert_eq!(as_user("etl", "anyone").unwrap().name, "anyone");
    assert_eq!(as_user("bob", "bob").unwrap(), auth.user("bob"), "acting as oneself is no impersonation");
    assert_eq!(auth.impersonate(&auth.user("bob"), None).unwrap(), auth.user("bob"));
}
