//! The gateway as a separate process: the real binary, started over a
//! state directory and killed outright, for crash tests.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The gateway binary on a free port over `state`, and its address.
pub fn spawn_binary(state: &std::path::Path, data: &std::path::Path) -> (Child, String) {
    let log = state.with_extension("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluicegate"))
        .args(["--port", "0", "--log", "info", "--state-dir"])
        .arg(state)
        .arg("--data-root")
        .arg(data)
        .stdout(std::fs::File::create(&log).expect("log file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start the gateway binary");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(at) = text.find("addr=127.0.0.1:") {
            let port: String = text[at + 15..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            return (child, format!("http://127.0.0.1:{port}"));
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the gateway exited with {status}: {text}");
        }
        assert!(
            Instant::now() < deadline,
            "the gateway did not start: {text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Open a Flink session on the gateway at `base`; its handle.
pub async fn open_session(http: &reqwest::Client, base: &str) -> String {
    let session: Value = http.post(format!("{base}/v1/sessions")).json(&json!({})).send().await.unwrap().json().await.unwrap();
    session["sessionHandle"].as_str().expect("sessionHandle").to_string()
}

/// Run one statement over HTTP against `base` in `session`, expecting success.
pub async fn statement(http: &reqwest::Client, base: &str, session: &str, sql: &str) -> Value {
    let a: Value = http
        .post(format!("{base}/v1/sessions/{session}/statements"))
        .json(&json!({ "statement": sql }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let op = a["operationHandle"]
        .as_str()
        .unwrap_or_else(|| panic!("{sql}: {a}"))
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut uri = format!("{base}/v1/sessions/{session}/operations/{op}/result/0?rowFormat=JSON");
    let mut rows = Vec::new();
    loop {
        let page = http.get(&uri).send().await.unwrap();
        assert!(
            page.status().is_success(),
            "{sql}: {}",
            page.text().await.unwrap()
        );
        let page: Value = page.json().await.unwrap();
        rows.extend(
            page["results"]["data"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|r| r["fields"].clone()),
        );
        match page["nextResultUri"].as_str() {
            Some(next) => uri = format!("{base}{next}"),
            None => return Value::Array(rows),
        }
        assert!(Instant::now() < deadline, "{sql} did not finish");
    }
}

