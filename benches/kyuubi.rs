//! Kyuubi REST load driver: starts the gateway in-process on 127.0.0.1:0
//! and prints JSON figures for
//!   (a) one client paging a 1-million-row, 6-column result through
//!       `GET /api/v1/operations/:o/rowset?maxrows=5000` (FETCH_NEXT) to the
//!       end, and the same result paged through Flink's JSON pages on the same
//!       gateway, for comparison: rows/s, MB/s, peak RSS;
//!   (b) 2,000 sequential Kyuubi session open + close with `--auth basic`
//!       (argon2 password hashes, the default 1-minute verification cache):
//!       p50/p99 ms per request and per pair, and the same for 20 pairs with
//!       the cache off (an argon2 verification per request).
//!
//! `cargo bench --bench kyuubi` runs both; `cargo bench --bench kyuubi -- a`
//! one of them. `ROWS=100000` shrinks (a).

mod support;

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Value};
use support::{percentile, rss_bytes, Gateway, PageHead, PeakRss};

/// The six columns of the Flink paging figure in `load`.
const SIX_COLUMNS: &str = "SELECT value AS big, CAST(value % 100000 AS INT) AS small, CAST(value AS DOUBLE) * 0.5 AS dbl, \
     lpad(CAST(value AS VARCHAR), 16, 'x') AS str, value % 2 = 0 AS flag, to_timestamp_millis(value) AS ts \
     FROM generate_series(1, {ROWS})";

/// What the driver reads of a rowset page: its row count (rows are skipped).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RowSetHead {
    /// Rows in the page, skipped.
    rows: Vec<IgnoredAny>,
    /// How many rows the page holds.
    row_count: usize,
}

/// A Kyuubi call with an optional `Authorization` header; status and parsed body.
async fn call(gw: &Gateway, method: reqwest::Method, path: &str, body: Option<Value>, auth: Option<&str>) -> (u16, Value) {
    let mut request = gw.http.request(method, format!("{}/api/v1{path}", gw.base));
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// Open a Kyuubi session.
async fn open(gw: &Gateway, auth: Option<&str>) -> String {
    let (status, body) = call(gw, reqwest::Method::POST, "/sessions", Some(json!({})), auth).await;
    assert_eq!(status, 200, "{body}");
    body["identifier"].as_str().unwrap().to_string()
}

/// Run `sql` in Kyuubi session `s`; the operation handle.
async fn statement(gw: &Gateway, s: &str, sql: &str) -> String {
    let (status, body) = call(gw, reqwest::Method::POST, &format!("/sessions/{s}/operations/statement"), Some(json!({ "statement": sql })), None).await;
    assert_eq!(status, 200, "{body}");
    body["identifier"].as_str().unwrap().to_string()
}

/// Page a Kyuubi operation to its end with FETCH_NEXT; rows and bytes seen.
async fn drain_rowset(gw: &Gateway, op: &str) -> (u64, u64, u64) {
    let (mut rows, mut bytes, mut pages) = (0u64, 0u64, 0u64);
    loop {
        let (status, body) = gw.get(&format!("/api/v1/operations/{op}/rowset?maxrows=5000&fetchorientation=FETCH_NEXT")).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let page: RowSetHead = serde_json::from_slice(&body).unwrap();
        assert_eq!(page.rows.len(), page.row_count);
        bytes += body.len() as u64;
        pages += 1;
        if page.row_count == 0 {
            return (rows, bytes, pages);
        }
        rows += page.row_count as u64;
    }
}

/// Page a Flink operation to EOS; rows and bytes seen.
async fn drain_flink(gw: &Gateway, s: &str, op: &str) -> (u64, u64, u64) {
    let mut uri = format!("/v4/sessions/{s}/operations/{op}/result/0?rowFormat=JSON");
    let (mut rows, mut bytes, mut pages) = (0u64, 0u64, 0u64);
    loop {
        let body = gw.get(&format!("{uri}&waitMs=1000")).await.1;
        bytes += body.len() as u64;
        pages += 1;
        let page: PageHead = serde_json::from_slice(&body).unwrap();
        rows += page.rows() as u64;
        match page.next_result_uri {
            Some(next) => uri = next,
            None => return (rows, bytes, pages),
        }
    }
}

/// One paging figure.
fn figure(name: &str, rows: u64, bytes: u64, pages: u64, seconds: f64, start_rss: u64, peak: u64) -> Value {
    json!({
        "bench": name,
        "rows": rows,
        "pages": pages,
        "seconds": seconds,
        "rows_per_s": rows as f64 / seconds,
        "mb_per_s": bytes as f64 / seconds / 1e6,
        "rss_start_mib": start_rss as f64 / 1048576.0,
        "rss_peak_mib": peak as f64 / 1048576.0,
    })
}

/// (a): the same result paged as a Kyuubi rowset and as Flink JSON pages.
async fn paging(gw: &Gateway, rows: u64) -> Vec<Value> {
    let sql = SIX_COLUMNS.replace("{ROWS}", &rows.to_string());
    let s = open(gw, None).await;
    // Warm the engine so neither figure pays the first plan.
    let warm = statement(gw, &s, &SIX_COLUMNS.replace("{ROWS}", "10")).await;
    assert_eq!(drain_rowset(gw, &warm).await.0, 10);

    let start_rss = rss_bytes();
    let sampler = PeakRss::start(start_rss, Duration::from_millis(5));
    let started = Instant::now();
    let op = statement(gw, &s, &sql).await;
    let (seen, bytes, pages) = drain_rowset(gw, &op).await;
    let kyuubi = figure("a_kyuubi_rowset", seen, bytes, pages, started.elapsed().as_secs_f64(), start_rss, sampler.finish());
    assert_eq!(seen, rows, "every row arrived");
    call(gw, reqwest::Method::DELETE, &format!("/sessions/{s}"), None, None).await;

    let s = gw.open().await;
    let start_rss = rss_bytes();
    let sampler = PeakRss::start(start_rss, Duration::from_millis(5));
    let started = Instant::now();
    let op = gw.submit(&s, &sql).await;
    let (seen, bytes, pages) = drain_flink(gw, &s, &op).await;
    let flink = figure("a_flink_json_same_result", seen, bytes, pages, started.elapsed().as_secs_f64(), start_rss, sampler.finish());
    assert_eq!(seen, rows, "every row arrived");
    gw.delete(&format!("/v4/sessions/{s}")).await;
    vec![kyuubi, flink]
}

/// (b): open + close with Basic credentials, `n` times.
async fn logins(gw: &Gateway, auth: &str, n: usize, name: &str) -> Value {
    let (mut requests, mut pairs) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let t0 = Instant::now();
        let s = open(gw, Some(auth)).await;
        let t1 = Instant::now();
        let (status, _) = call(gw, reqwest::Method::DELETE, &format!("/sessions/{s}"), None, Some(auth)).await;
        assert_eq!(status, 200);
        let t2 = Instant::now();
        requests.push((t1 - t0).as_secs_f64() * 1e3);
        requests.push((t2 - t1).as_secs_f64() * 1e3);
        pairs.push((t2 - t0).as_secs_f64() * 1e3);
    }
    requests.sort_by(f64::total_cmp);
    pairs.sort_by(f64::total_cmp);
    json!({
        "bench": name,
        "iterations": n,
        "request_p50_ms": percentile(&requests, 0.5), "request_p99_ms": percentile(&requests, 0.99),
        "open_close_p50_ms": percentile(&pairs, 0.5), "open_close_p99_ms": percentile(&pairs, 0.99),
    })
}

/// A users file holding `alice`, in a fresh temporary directory.
fn users_file() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sluicegate-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("users");
    let _ = std::fs::remove_file(&path);
    sluicegate::identity::users_file::add_user(&path, "alice", "alice-secret").unwrap();
    path
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wants = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let rows: u64 = std::env::var("ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let runtime = support::runtime();
    runtime.block_on(async {
        if wants("a") {
            let gw = support::start(&[]).await;
            for figure in paging(&gw, rows).await {
                println!("{figure}");
            }
        }
        if wants("b") {
            let users = users_file();
            let users = users.to_str().unwrap();
            let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("alice:alice-secret"));
            let cached = support::start(&[("sluicegate.auth.mode", "basic"), ("sluicegate.auth.users-file", users)]).await;
            println!("{}", logins(&cached, &auth, 2000, "b_basic_login_cached").await);
            let uncached = support::start(&[("sluicegate.auth.mode", "basic"), ("sluicegate.auth.users-file", users), ("sluicegate.auth.cache-ttl", "0")]).await;
            println!("{}", logins(&uncached, &auth, 20, "b_basic_login_uncached").await);
        }
    });
}
