//! Load driver: starts the gateway in-process on 127.0.0.1:0 and prints JSON
//! figures for
//!   (a) one client paging a 10-million-row, 6-column result to EOS (JSON rows):
//!       rows/s, MB/s, time to first row, and the server's peak RSS (d);
//!   (b) 2,000 sequential open-session + heartbeat + close: p50/p99 ms;
//!   (c) 64 concurrent clients running `SELECT 1` to EOS for 10 s: statements/s, p99.
//!
//! `cargo bench --bench load` runs all; `cargo bench --bench load -- a` one of them.
//! `ROWS=1000000` shrinks (a); `SECONDS=3` shortens (c).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sluicegate::config::Settings;
use support::{percentile, rss_bytes, Gateway, PageHead, PeakRss};

const SIX_COLUMNS: &str = "SELECT value AS big, CAST(value % 100000 AS INT) AS small, CAST(value AS DOUBLE) * 0.5 AS dbl, \
     lpad(CAST(value AS VARCHAR), 16, 'x') AS str, value % 2 = 0 AS flag, to_timestamp_millis(value) AS ts \
     FROM generate_series(1, {ROWS})";

/// (a) + (d): page a big result to EOS.
async fn paging(gw: &Gateway, rows: u64) -> Value {
    let start_rss = rss_bytes();
    let sampler = PeakRss::start(start_rss, Duration::from_millis(5));
    let s = gw.open().await;
    // Warm the engine (function registry, first plan) so the first row is not a cold start.
    let warm = gw.submit(&s, &SIX_COLUMNS.replace("{ROWS}", "10")).await;
    gw.drain(&s, &warm, "").await.unwrap();
    let started = Instant::now();
    let op = gw.submit(&s, &SIX_COLUMNS.replace("{ROWS}", &rows.to_string())).await;
    let mut uri = format!("/v4/sessions/{s}/operations/{op}/result/0?rowFormat=JSON");
    let (mut seen, mut bytes, mut first_row, mut pages) = (0u64, 0u64, None, 0u64);
    loop {
        let body = gw.get(&format!("{uri}&waitMs=1000")).await.1;
        bytes += body.len() as u64;
        pages += 1;
        let page: PageHead = serde_json::from_slice(&body).unwrap();
        let n = page.rows() as u64;
        if n > 0 && first_row.is_none() {
            first_row = Some(started.elapsed());
        }
        seen += n;
        match page.next_result_uri {
            Some(next) => uri = next,
            None => break,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.finish();
    gw.delete(&format!("/v4/sessions/{s}")).await;
    assert_eq!(seen, rows, "every row arrived");
    json!({
        "bench": "a_paging_json",
        "rows": seen,
        "pages": pages,
        "seconds": elapsed,
        "rows_per_s": seen as f64 / elapsed,
        "mb_per_s": bytes as f64 / elapsed / 1e6,
        "time_to_first_row_ms": first_row.map(|d| d.as_secs_f64() * 1e3),
        "rss_start_mib": start_rss as f64 / 1048576.0,
        "rss_peak_mib": peak as f64 / 1048576.0,
        "ring_bound_mib": Settings::default().results.ring_bytes as f64 / 1048576.0,
    })
}

/// (b): session open + heartbeat + close, sequentially.
async fn sessions(gw: &Gateway, n: usize) -> Value {
    let (mut open, mut beat, mut close, mut all) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let t0 = Instant::now();
        let s = gw.open().await;
        let t1 = Instant::now();
        gw.post(&format!("/v4/sessions/{s}/heartbeat"), json!({})).await;
        let t2 = Instant::now();
        gw.delete(&format!("/v4/sessions/{s}")).await;
        let t3 = Instant::now();
        open.push((t1 - t0).as_secs_f64() * 1e3);
        beat.push((t2 - t1).as_secs_f64() * 1e3);
        close.push((t3 - t2).as_secs_f64() * 1e3);
        all.push((t3 - t0).as_secs_f64() * 1e3);
    }
    let mut requests: Vec<f64> = open.iter().chain(&beat).chain(&close).copied().collect();
    for v in [&mut open, &mut beat, &mut close, &mut all, &mut requests] {
        v.sort_by(f64::total_cmp);
    }
    json!({
        "bench": "b_sessions",
        "iterations": n,
        "request_p50_ms": percentile(&requests, 0.5), "request_p99_ms": percentile(&requests, 0.99),
        "open_p50_ms": percentile(&open, 0.5), "open_p99_ms": percentile(&open, 0.99),
        "heartbeat_p50_ms": percentile(&beat, 0.5), "heartbeat_p99_ms": percentile(&beat, 0.99),
        "close_p50_ms": percentile(&close, 0.5), "close_p99_ms": percentile(&close, 0.99),
        "triple_p50_ms": percentile(&all, 0.5), "triple_p99_ms": percentile(&all, 0.99),
    })
}

/// (c): many clients, each running `SELECT 1` to EOS in a loop.
async fn select_one(gw: Arc<Gateway>, clients: usize, seconds: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let gw = gw.clone();
        tasks.push(tokio::spawn(async move {
            let s = gw.open().await;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let op = gw.submit(&s, "SELECT 1").await;
                // Like Flink's clients, leave the operation open: completed,
                // fully read operations are evicted when the session's limit is reached.
                gw.drain(&s, &op, "").await.expect("SELECT 1 pages to EOS");
                latencies.push(t0.elapsed().as_secs_f64() * 1e3);
            }
            gw.delete(&format!("/v4/sessions/{s}")).await;
            latencies
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    json!({
        "bench": "c_select_one",
        "clients": clients,
        "statements": all.len(),
        "statements_per_s": all.len() as f64 / elapsed,
        "p50_ms": percentile(&all, 0.5),
        "p99_ms": percentile(&all, 0.99),
    })
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wants = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let rows: u64 = std::env::var("ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);
    let seconds: u64 = std::env::var("SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let runtime = support::runtime();
    runtime.block_on(async {
        let gw = Arc::new(support::start(&[]).await);
        if wants("a") {
            println!("{}", paging(&gw, rows).await);
        }
        if wants("b") {
            println!("{}", sessions(&gw, 2000).await);
        }
        if wants("c") {
            println!("{}", select_one(gw.clone(), 64, seconds).await);
        }
    });
}
