//! Livy REST load driver: starts the gateway in-process on 127.0.0.1:0 and
//! prints JSON figures for one client running `STATEMENTS` (default 100)
//! `SELECT` statements in a loop, each to its answer:
//!   (a) through Livy (`POST /livy/sessions/:id/statements`, then polling
//!       `GET …/statements/:sid` until `available`, as pylivy does, but
//!       without pylivy's sleeps), and
//!   (b) the same loop through Flink's `/v4` (submit, page to EOS), in the
//!       same run: statements/s, p50 and p99 ms.
//!
//! `cargo bench --bench livy`; `STATEMENTS=1000` for a longer loop.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{percentile, Gateway};

/// The statement of both loops: small, so the figure is the protocol's cost.
const QUERY: &str = "SELECT value, CAST(value AS VARCHAR) AS s FROM generate_series(1, 100)";

/// POST a JSON body to a Livy path; status and parsed answer.
async fn livy_post(gw: &Gateway, path: &str, body: Value) -> (u16, Value) {
    let response = gw.http.post(format!("{}/livy{path}", gw.base)).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// GET a Livy path; parsed answer.
async fn livy_get(gw: &Gateway, path: &str) -> Value {
    let response = gw.http.get(format!("{}/livy{path}", gw.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

/// Open a Livy SQL session and wait until it is idle; its id.
async fn livy_session(gw: &Gateway) -> u64 {
    let (status, body) = livy_post(gw, "/sessions", json!({ "kind": "sql" })).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_u64().unwrap();
    for _ in 0..1000 {
        if livy_get(gw, &format!("/sessions/{id}")).await["state"] == "idle" {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("session {id} never became idle");
}

/// One Livy statement to its output; the rows it answered.
async fn livy_statement(gw: &Gateway, session: u64) -> usize {
    let (status, body) = livy_post(gw, &format!("/sessions/{session}/statements"), json!({ "code": QUERY })).await;
    assert_eq!(status, 201, "{body}");
    let statement = body["id"].as_u64().unwrap();
    let mut answer = body;
    while answer["state"] != "available" || answer["output"].is_null() {
        assert!(matches!(answer["state"].as_str(), Some("waiting" | "running" | "available")), "{answer}");
        tokio::time::sleep(Duration::from_micros(200)).await;
        answer = livy_get(gw, &format!("/sessions/{session}/statements/{statement}")).await;
    }
    assert_eq!(answer["output"]["status"], "ok", "{answer}");
    answer["output"]["data"]["application/json"]["data"].as_array().unwrap().len()
}

/// Latency figures of one loop.
fn figure(name: &str, mut latencies: Vec<f64>, seconds: f64) -> Value {
    latencies.sort_by(f64::total_cmp);
    json!({
        "bench": name,
        "statements": latencies.len(),
        "statements_per_s": latencies.len() as f64 / seconds,
        "p50_ms": percentile(&latencies, 0.5),
        "p99_ms": percentile(&latencies, 0.99),
    })
}

fn main() {
    let statements: usize = std::env::var("STATEMENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let runtime = support::runtime();
    runtime.block_on(async {
        let gw = support::start(&[]).await;

        let session = livy_session(&gw).await;
        assert_eq!(livy_statement(&gw, session).await, 100, "warm-up");
        let (mut latencies, started) = (Vec::new(), Instant::now());
        for _ in 0..statements {
            let t0 = Instant::now();
            assert_eq!(livy_statement(&gw, session).await, 100);
            latencies.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        println!("{}", figure("a_livy_select_loop", latencies, started.elapsed().as_secs_f64()));

        let s = gw.open().await;
        let warm = gw.submit(&s, QUERY).await;
        assert_eq!(gw.drain(&s, &warm, "").await, Ok(100), "warm-up");
        let (mut latencies, started) = (Vec::new(), Instant::now());
        for _ in 0..statements {
            let t0 = Instant::now();
            let op = gw.submit(&s, QUERY).await;
            assert_eq!(gw.drain(&s, &op, "").await, Ok(100));
            latencies.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        println!("{}", figure("b_flink_v4_select_loop", latencies, started.elapsed().as_secs_f64()));
    });
}
