//! The `sluicegate` binary: help, spec printing, serving and graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sluicegate");

#[test]
fn help_documents_every_setting() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for key in sluicegate::config::KEYS {
        assert!(text.contains(key.name), "--help lacks {}", key.name);
    }
    for flag in ["--config", "-D", "--port", "--idle-timeout", "--ring-rows", "--max-request-bytes"] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn openapi_subcommand_prints_the_spec() {
    let out = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), sluicegate::openapi::spec_json());
}

#[test]
fn bad_settings_are_refused_with_a_message() {
    let out = Command::new(BIN).args(["-D", "sql-gateway.session.idle-timeout=soon"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("idle-timeout"));
}

#[test]
fn serves_from_a_config_file_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("sluicegate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("gateway.yaml");
    std::fs::write(&config, "sql-gateway:\n  endpoint.rest.port: 0\n  session:\n    max-num: 5\ntable.local-time-zone: UTC\n").unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--config", config.to_str().unwrap(), "--log", "info"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("the gateway logs its address").unwrap();
        if let Some(rest) = line.split("addr=").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let open: serde_json::Value = http.post(format!("{base}/v1/sessions")).send().await.unwrap().json().await.unwrap();
        let s = open["sessionHandle"].as_str().unwrap().to_string();
        let props: serde_json::Value = http.get(format!("{base}/v1/sessions/{s}")).send().await.unwrap().json().await.unwrap();
        assert_eq!(props["properties"]["table.local-time-zone"], "UTC", "config file defaults reach sessions");
        let body = serde_json::json!({ "statement": "SELECT * FROM generate_series(1, 100000000000)" });
        let r = http.post(format!("{base}/v1/sessions/{s}/statements")).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200);
    });
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the gateway did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn user_and_key_commands_write_hashes_only() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("sluicegate-cli-auth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users");
    let mut child = Command::new(BIN)
        .args(["user", "add", "alice", "--users-file"])
        .arg(&users)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"correct horse\n").unwrap();
    assert!(child.wait().unwrap().success());
    let text = std::fs::read_to_string(&users).unwrap();
    assert!(text.starts_with("alice:$argon2id$"), "{text}");
    assert!(!text.contains("correct horse"));
    let parsed = sluicegate::identity::users_file::UsersFile::read(&users).unwrap();
    assert!(sluicegate::identity::users_file::verify_password(parsed.hash_of("alice").unwrap(), "correct horse"));

    let keys = dir.join("keys");
    let out = Command::new(BIN).args(["key", "create", "--user", "bob", "--expires", "1 h", "--keys-file"]).arg(&keys).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(key.starts_with("sg_"), "{key}");
    let stored = std::fs::read_to_string(&keys).unwrap();
    assert!(!stored.contains(key.rsplit('_').next().unwrap()), "only the hash is kept");
    let record = sluicegate::identity::keys_file::KeysFile::read(&keys).unwrap().lookup(&key).cloned().unwrap();
    assert_eq!(record.user, "bob");
    assert!(record.expires_ms > 0);
    let out = Command::new(BIN).args(["key", "revoke", &record.id, "--keys-file"]).arg(&keys).output().unwrap();
    assert!(out.status.success());
    let list = Command::new(BIN).args(["key", "list", "--keys-file"]).arg(&keys).output().unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    assert!(listed.contains(&record.id) && listed.contains("revoked") && !listed.contains(&key), "{listed}");
    std::fs::remove_dir_all(dir).ok();
}
