//! Livy REST helpers over [`TestServer`]: requests under `/livy`, with the
//! headers Livy clients send, and polling of statements and batches.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{Answer, TestServer};

/// The one message of a `{"msg": ...}` body, asserting its shape.
pub fn livy_msg(a: &Answer) -> String {
    let obj = a.json.as_object().unwrap_or_else(|| panic!("not a JSON object: {}", a.text));
    assert_eq!(obj.len(), 1, "msg must be the only key: {}", a.text);
    obj["msg"].as_str().expect("msg string").to_string()
}

impl TestServer {
    /// `method /livy{path}` with extra headers; the answer and its headers.
    pub async fn livy_with(&self, method: Method, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> (Answer, HeaderMap) {
        let mut request = self.http.request(method, format!("{}/livy{}", self.base, path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers.get("content-type").map(|v| v.to_str().unwrap_or_default().to_string()).unwrap_or_default();
        let text = response.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (Answer { status, text, json, content_type }, headers)
    }

    /// `method /livy{path}` as `auth` (None: no header).
    pub async fn livy(&self, method: Method, path: &str, body: Option<Value>, auth: Option<&str>) -> Answer {
        let headers: Vec<(&str, &str)> = auth.map(|a| vec![("authorization", a)]).unwrap_or_default();
        self.livy_with(method, path, body, &headers).await.0
    }

    /// Create a session with `body` as `auth`; its view.
    pub async fn livy_session(&self, auth: Option<&str>, body: Value) -> Value {
        let a = self.livy(Method::POST, "/sessions", Some(body), auth).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.json
    }

    /// Submit `code` to session `id`; the statement's id.
    pub async fn livy_submit(&self, auth: Option<&str>, id: u64, code: &str) -> u64 {
        let a = self.livy(Method::POST, &format!("/sessions/{id}/statements"), Some(json!({"code": code})), auth).await;
        assert_eq!(a.status, StatusCode::CREATED, "{code}: {}", a.text);
        a.json["id"].as_u64().expect("statement id")
    }

    /// Poll a statement until its state is one of `states` (at most 30 s).
    pub async fn livy_wait(&self, auth: Option<&str>, id: u64, statement: u64, states: &[&str]) -> Value {
        let start = Instant::now();
        loop {
            let a = self.livy(Method::GET, &format!("/sessions/{id}/statements/{statement}"), None, auth).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            if states.contains(&a.json["state"].as_str().unwrap_or_default()) {
                return a.json;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "statement stuck: {}", a.text);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Run `code` to `available`; the statement.
    pub async fn livy_run(&self, auth: Option<&str>, id: u64, code: &str) -> Value {
        let statement = self.livy_submit(auth, id, code).await;
        self.livy_wait(auth, id, statement, &["available"]).await
    }
}
