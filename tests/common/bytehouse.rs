//! Helpers for the ByteHouse-style API tests.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{Answer, TestServer};

/// Headers of one call.
#[derive(Debug, Clone, Default)]
pub struct Headers<'a> {
    /// `Authorization`.
    pub auth: Option<&'a str>,
    /// `X-QuerySession-ID`.
    pub session: Option<&'a str>,
    /// `X-User-ActiveRole`.
    pub role: Option<&'a str>,
}

/// Session `s` only.
pub fn in_session(s: &str) -> Headers<'_> {
    Headers { session: Some(s), ..Headers::default() }
}

impl TestServer {
    /// `method /bytehouse/v1{path}` with headers and an optional JSON body.
    pub async fn bh_with(&self, method: Method, path: &str, body: Option<Value>, headers: Headers<'_>) -> Answer {
        let mut request = self.http.request(method, format!("{}/bytehouse/v1{path}", self.base));
        if let Some(auth) = headers.auth {
            request = request.header("authorization", auth);
        }
        if let Some(session) = headers.session {
            request = request.header("x-querysession-id", session);
        }
        if let Some(role) = headers.role {
            request = request.header("x-user-activerole", role);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_string()).unwrap_or_default();
        let text = response.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, text, json, content_type }
    }

    /// `method /bytehouse/v1{path}` without headers.
    pub async fn bh(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.bh_with(method, path, body, Headers::default()).await
    }

    /// A call that must succeed: 200 and the success envelope; answers `data`.
    pub async fn bh_ok(&self, method: Method, path: &str, body: Option<Value>, headers: Headers<'_>) -> Value {
        let a = self.bh_with(method.clone(), path, body, headers).await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.text);
        assert_eq!(a.json["message"], "Success", "{}", a.text);
        assert_eq!(a.json["error"], serde_json::json!({}), "{}", a.text);
        a.json["data"].clone()
    }

    /// A sync query in query session `session` that must succeed: answers `data`.
    pub async fn bh_sync(&self, session: &str, sql: &str) -> Value {
        self.bh_ok(Method::POST, "/queries/sync", Some(serde_json::json!({ "query": sql })), in_session(session)).await
    }

    /// A sync query with `headers` that must succeed: answers `data`.
    pub async fn bh_sync_as(&self, headers: Headers<'_>, sql: &str) -> Value {
        self.bh_ok(Method::POST, "/queries/sync", Some(serde_json::json!({ "query": sql })), headers).await
    }

    /// Wait (at most 30 s) until query `id` is in `state`; answers its status.
    pub async fn bh_wait(&self, id: &str, state: &str, headers: Headers<'_>) -> Value {
        let start = Instant::now();
        loop {
            let answer = self.bh_with(Method::GET, &format!("/queries/{id}/status"), None, headers.clone()).await;
            // A sync query submitted by another task may not be registered yet.
            let status = answer.json["data"].clone();
            if answer.status == StatusCode::OK && status["state"] == state {
                return status;
            }
            assert!(matches!(answer.status, StatusCode::OK | StatusCode::NOT_FOUND), "{}", answer.text);
            assert!(start.elapsed() < Duration::from_secs(30), "query {id} stuck in {}", answer.text);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A failure: `status`, the error envelope with `code`; answers the message.
pub fn bh_error(answer: &Answer, status: StatusCode, code: &str) -> String {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.json["error"]["code"], code, "{}", answer.text);
    let message = answer.json["message"].as_str().unwrap_or_else(|| panic!("no message: {}", answer.text)).to_string();
    assert_ne!(message, "Success");
    assert_eq!(answer.json["error"]["message"], message.as_str());
    message
}
