//! Kyuubi REST v1 helpers over [`TestServer`].

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{Answer, TestServer};

/// `Authorization: Basic user:password`.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// The one message of a `{"message": ...}` body, asserting its shape.
pub fn kyuubi_message(a: &Answer) -> String {
    let obj = a.json.as_object().unwrap_or_else(|| panic!("not a JSON object: {}", a.text));
    assert_eq!(obj.len(), 1, "message must be the only key: {}", a.text);
    obj["message"].as_str().expect("message string").to_string()
}

impl TestServer {
    /// `method /api/v1{path}` as `auth` (None: no header).
    pub async fn k(&self, method: Method, path: &str, body: Option<Value>, auth: Option<&str>) -> Answer {
        self.call_with(method, &format!("/api/v1{path}"), body, auth).await.0
    }

    /// Open a Kyuubi session as `auth` with `configs`; its handle.
    pub async fn k_session(&self, auth: Option<&str>, body: Value) -> String {
        let a = self.k(Method::POST, "/sessions", Some(body), auth).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.json["identifier"].as_str().expect("identifier").to_string()
    }

    /// Submit a statement; the raw answer.
    pub async fn k_statement(&self, auth: Option<&str>, session: &str, body: Value) -> Answer {
        self.k(Method::POST, &format!("/sessions/{session}/operations/statement"), Some(body), auth).await
    }

    /// Run `sql` synchronously and return the operation handle.
    pub async fn k_run(&self, auth: Option<&str>, session: &str, sql: &str) -> String {
        let a = self.k_statement(auth, session, json!({"statement": sql})).await;
        assert_eq!(a.status, StatusCode::OK, "{sql}: {}", a.text);
        a.json["identifier"].as_str().expect("identifier").to_string()
    }

    /// Poll the operation's event until its state is one of `states`.
    pub async fn k_wait(&self, auth: Option<&str>, op: &str, states: &[&str]) -> Value {
        let start = Instant::now();
        loop {
            let a = self.k(Method::GET, &format!("/operations/{op}/event"), None, auth).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            if states.contains(&a.json["state"].as_str().unwrap_or_default()) {
                return a.json;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "operation stuck: {}", a.text);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `GET /operations/{op}/rowset?{query}`.
    pub async fn k_rowset(&self, auth: Option<&str>, op: &str, query: &str) -> Answer {
        self.k(Method::GET, &format!("/operations/{op}/rowset?{query}"), None, auth).await
    }

    /// The rows of a rowset page as `[[value, ...], ...]` (values only).
    pub async fn k_values(&self, auth: Option<&str>, op: &str, query: &str) -> Vec<Vec<Value>> {
        let a = self.k_rowset(auth, op, query).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let rows = a.json["rows"].as_array().expect("rows");
        assert_eq!(a.json["rowCount"], rows.len(), "rowCount counts the page");
        rows.iter().map(|r| r["fields"].as_array().unwrap().iter().map(|f| f["value"].clone()).collect()).collect()
    }
}
