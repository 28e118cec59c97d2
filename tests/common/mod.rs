//! Test helpers: a real gateway on 127.0.0.1:0 and a small HTTP client.
#![allow(dead_code)]

pub mod binary;
pub mod bytehouse;
pub mod kyuubi;
pub mod livy;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sluicegate::config::Settings;
use tokio::sync::oneshot;

/// A running gateway; shuts down when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Shared HTTP client.
    pub http: reqwest::Client,
    /// The data root filesystem tables may use: a fresh directory per server.
    pub data: std::path::PathBuf,
    /// The state directory (metadata store, in-memory tables' data): fresh per server.
    pub state: std::path::PathBuf,
    /// What the server was started with, to start it again.
    settings: Settings,
    /// Ends the server.
    shutdown: Option<oneshot::Sender<()>>,
    /// The server task: done once it has shut down and closed its store.
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data);
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// Start a gateway with default settings.
pub async fn start_server() -> TestServer {
    start_server_with(&[]).await
}

/// Start a gateway with `key=value` settings.
pub async fn start_server_with(props: &[(&str, &str)]) -> TestServer {
    let mut map: BTreeMap<String, String> = props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    map.insert("sql-gateway.endpoint.rest.port".into(), "0".into());
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = std::env::temp_dir().join(format!("sluicegate-test-{}-{n}", std::process::id()));
    map.entry("sluicegate.data-roots".into()).or_insert_with(|| data.display().to_string());
    let state = std::env::temp_dir().join(format!("sluicegate-test-{}-{n}-state", std::process::id()));
    map.entry("sluicegate.state-dir".into()).or_insert_with(|| state.display().to_string());
    let settings = Settings::from_properties(&map).expect("valid test settings");
    serve(settings, data, state).await
}

/// Start a gateway with `settings` over the given directories.
async fn serve(settings: Settings, data: std::path::PathBuf, state: std::path::PathBuf) -> TestServer {
    let listener = sluicegate::server::bind(&settings).await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(sluicegate::server::run(listener, settings.clone(), async move {
        let _ = rx.await;
    }));
    let server = TestServer {
        base: format!("http://{addr}"),
        http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
        data,
        state,
        settings,
        shutdown: Some(tx),
        task: Some(task),
    };
    server.wait_ready().await;
    server
}

impl TestServer {
    /// Shut the server down gracefully (as SIGTERM does) and start it again
    /// over the same state and data: a new address, the same catalog.
    pub async fn restart(mut self) -> TestServer {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server ran");
        }
        let (settings, data, state) = (self.settings.clone(), std::mem::take(&mut self.data), std::mem::take(&mut self.state));
        std::mem::forget(self);
        serve(settings, data, state).await
    }

    /// Wait until the server answers (it restores its catalog before serving).
    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.http.get(format!("{}/v1/info", self.base)).send().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the server did not start serving");
    }
}

/// A users file holding alice (password `pa`), bob (`pb`) and root (`pr`)
/// in a fresh directory named after `prefix`: the directory and the file's path.
pub fn users_file(prefix: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users");
    for (name, password) in [("alice", "pa"), ("bob", "pb"), ("root", "pr")] {
        sluicegate::identity::users_file::add_user(&users, name, password).unwrap();
    }
    (dir, users.display().to_string())
}

/// An HTTP answer: status, raw body, parsed body (Null when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub text: String,
    pub json: Value,
    pub content_type: String,
}

impl TestServer {
    /// Send `method path` with an optional JSON body.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_with(method, path, body, None).await.0
    }

    /// [`call`](Self::call) with an `Authorization` header; also answers the response headers.
    pub async fn call_with(&self, method: Method, path: &str, body: Option<Value>, authorization: Option<&str>) -> (Answer, reqwest::header::HeaderMap) {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (Answer { status, text, json, content_type }, headers)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// Open a session under `prefix` ("" or "/v1" ...) and return its handle.
    pub async fn open_session(&self, prefix: &str) -> String {
        let a = self.post(&format!("{prefix}/sessions"), json!({})).await;
        assert_eq!(a.status, 200, "{}", a.text);
        a.json["sessionHandle"].as_str().expect("sessionHandle").to_string()
    }

    /// Submit a statement and return the operation handle.
    pub async fn submit(&self, prefix: &str, session: &str, sql: &str) -> String {
        self.submit_with(prefix, session, json!({ "statement": sql })).await
    }

    /// Submit a statement body and return the operation handle.
    pub async fn submit_with(&self, prefix: &str, session: &str, body: Value) -> String {
        let a = self.post(&format!("{prefix}/sessions/{session}/statements"), body).await;
        assert_eq!(a.status, 200, "{}", a.text);
        a.json["operationHandle"].as_str().expect("operationHandle").to_string()
    }

    /// The status body of an operation.
    pub async fn status(&self, session: &str, op: &str) -> Value {
        let a = self.get(&format!("/sessions/{session}/operations/{op}/status")).await;
        assert_eq!(a.status, 200, "{}", a.text);
        a.json
    }

    /// Wait until the operation's status is one of `wanted` (at most 30 s).
    pub async fn wait_status(&self, session: &str, op: &str, wanted: &[&str]) -> Value {
        let start = Instant::now();
        loop {
            let s = self.status(session, op).await;
            if wanted.contains(&s["status"].as_str().unwrap_or_default()) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "operation stuck in {s}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Page from token 0 to EOS with `query` (e.g. "rowFormat=JSON"); returns
    /// every page body (NOT_READY pages skipped).
    pub async fn pages(&self, prefix: &str, session: &str, op: &str, query: &str) -> Vec<Value> {
        let mut uri = format!("{prefix}/sessions/{session}/operations/{op}/result/0?{query}");
        let mut pages = Vec::new();
        let start = Instant::now();
        loop {
            assert!(start.elapsed() < Duration::from_secs(60), "paging did not end");
            let a = self.get(&uri).await;
            assert_eq!(a.status, 200, "{uri}: {}", a.text);
            let kind = a.json["resultType"].as_str().unwrap().to_string();
            if kind != "NOT_READY" {
                pages.push(a.json.clone());
            }
            match a.json["nextResultUri"].as_str() {
                Some(next) => {
                    // Keep our own extra parameters (maxRows, waitMs) on every request.
                    let extra: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("rowFormat=")).collect();
                    uri = if extra.is_empty() {
                        next.to_string()
                    } else if next.contains('?') {
                        format!("{next}&{}", extra.join("&"))
                    } else {
                        format!("{next}?{}", extra.join("&"))
                    };
                    if kind == "NOT_READY" {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                None => {
                    assert_eq!(kind, "EOS", "only EOS lacks nextResultUri: {}", a.text);
                    return pages;
                }
            }
        }
    }

    /// Every row's fields of a statement's result, paged with JSON rows, as
    /// the table its changelog describes (what Flink's SQL client shows in
    /// its table mode): `-U`/`-D` rows retract the row they name. An
    /// append-only result is its rows as sent.
    pub async fn rows(&self, session: &str, sql: &str) -> Vec<Value> {
        let op = self.submit("", session, sql).await;
        let mut table: Vec<Value> = Vec::new();
        for page in self.pages("", session, &op, "rowFormat=JSON").await {
            for row in page["results"]["data"].as_array().cloned().unwrap_or_default() {
                match row["kind"].as_str() {
                    Some("UPDATE_BEFORE" | "DELETE") => {
                        let at = table.iter().position(|r| *r == row["fields"]).unwrap_or_else(|| panic!("{sql}: {row} retracts no row"));
                        table.remove(at);
                    }
                    _ => table.push(row["fields"].clone()),
                }
            }
        }
        table
    }
}

impl TestServer {
    /// Run a statement and expect it to fail: its error message.
    pub async fn failure(&self, session: &str, sql: &str) -> String {
        let op = self.submit("", session, sql).await;
        let st = self.wait_status(session, &op, &["ERROR", "FINISHED"]).await;
        assert_eq!(st["status"], "ERROR", "{sql} should fail");
        let a = self.get(&format!("/sessions/{session}/operations/{op}/result/0")).await;
        assert!(a.status.is_client_error(), "{sql}: {}", a.text);
        error_message(&a)
    }

    /// Column names of a statement's result.
    pub async fn columns(&self, session: &str, sql: &str) -> Vec<String> {
        let op = self.submit("", session, sql).await;
        let pages = self.pages("", session, &op, "rowFormat=JSON").await;
        pages[0]["results"]["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
    }

    /// Page a result that may never end (a continuous query) until `enough`
    /// says so, with `waitMs` long-polls: every row as (kind, fields).
    pub async fn follow(&self, session: &str, op: &str, format: &str, enough: impl Fn(&[(String, Value)]) -> bool) -> Vec<(String, Value)> {
        let start = format!("/sessions/{session}/operations/{op}/result/0?rowFormat={format}");
        self.follow_from(start, enough).await.0
    }

    /// [`Self::follow`] from a result URI; also answers where to go on
    /// (`None` at EOS).
    pub async fn follow_from(&self, start: String, enough: impl Fn(&[(String, Value)]) -> bool) -> (Vec<(String, Value)>, Option<String>) {
        let mut uri = Some(start);
        let mut rows = Vec::new();
        let started = Instant::now();
        while let Some(current) = uri.clone() {
            if enough(&rows) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "not enough rows after 60 s: {} so far", rows.len());
            let a = self.get(&format!("{current}&waitMs=200")).await;
            assert_eq!(a.status, 200, "{current}: {}", a.text);
            for row in a.json["results"]["data"].as_array().cloned().unwrap_or_default() {
                rows.push((row["kind"].as_str().unwrap_or_default().to_string(), row["fields"].clone()));
            }
            uri = a.json["nextResultUri"].as_str().map(str::to_string);
        }
        (rows, uri)
    }

    /// Wait until `SHOW JOBS` lists the job with `status`.
    pub async fn wait_job(&self, session: &str, job_id: &str, status: &str) {
        let start = Instant::now();
        loop {
            let jobs = self.rows(session, "SHOW JOBS").await;
            if jobs.iter().any(|j| j[0] == job_id && j[2] == status) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "job {job_id} not {status}: {jobs:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The single error message of an `{"errors":[..]}` body, asserting its shape.
pub fn error_message(a: &Answer) -> String {
    let obj = a.json.as_object().unwrap_or_else(|| panic!("not a JSON object: {}", a.text));
    assert_eq!(obj.len(), 1, "errors must be the only key: {}", a.text);
    let errors = obj["errors"].as_array().expect("errors array");
    assert!(!errors.is_empty(), "no error message: {}", a.text);
    errors.iter().map(|e| e.as_str().unwrap().to_string()).collect::<Vec<_>>().join("\n")
}

/// Ask `get` (a GET of something with a `state`) every 50 ms until the
/// answer's `state` is `state`; its body. Fails after 30 s, or on a non-200.
pub async fn wait_for_state<F, Fut>(state: &str, mut get: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let start = Instant::now();
    loop {
        let a = get().await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        if a.json["state"] == state {
            return a.json;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "stuck before {state}: {}", a.text);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
