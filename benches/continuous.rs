//! Continuous-query driver: an unbounded datagen table at a high rate, read
//! by a slow client, for CONT_SECONDS (default 60) per phase. With the
//! generator at CONT_RATE rows/s (default 100,000) a minute produces what a
//! 10-minute run at 10,000 rows/s would. Two phases:
//!
//! - `select`: a filter and projection paged 2,000 rows every 50 ms: the ring
//!   back-pressures the generator; memory must stay flat.
//! - `group_by`: a continuous GROUP BY over 1,000 keys emitting a changelog:
//!   state is bounded by the keys, not the rows seen.
//!
//! Prints JSON figures per phase: rows read, RSS after 10 s, at the end and at
//! its peak; `rss_end_over_10s` should stay near 1.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{mib, rss_bytes, Gateway, PageHead, PeakRss};

async fn phase(gw: &Gateway, name: &str, sql: &str, seconds: u64) {
    let s = gw.open().await;
    let rate: u64 = std::env::var("CONT_RATE").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    gw.submit(
        &s,
        &format!(
            "CREATE TABLE gen (id BIGINT, k INT, name STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '{rate}', \
             'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.k.min' = '0', 'fields.k.max' = '999', 'fields.name.length' = '16')"
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let op = gw.submit(&s, sql).await;
    let sampler = PeakRss::start(0, Duration::from_millis(100));
    let started = Instant::now();
    let mut uri = format!("/v4/sessions/{s}/operations/{op}/result/0?rowFormat=JSON");
    let (mut rows, mut pages, mut rss_10s) = (0u64, 0u64, 0u64);
    while started.elapsed() < Duration::from_secs(seconds) {
        let (status, body) = gw.get(&format!("{uri}&maxRows=2000&waitMs=200")).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let page: PageHead = serde_json::from_slice(&body).unwrap();
        rows += page.rows() as u64;
        pages += 1;
        uri = page.next_result_uri.expect("a continuous query never ends");
        if rss_10s == 0 && started.elapsed() >= Duration::from_secs(10) {
            rss_10s = rss_bytes();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let end = rss_bytes();
    let status: serde_json::Value = serde_json::from_slice(&gw.get(&format!("/v4/sessions/{s}/operations/{op}/status")).await.1).unwrap();
    gw.delete(&format!("/v4/sessions/{s}")).await;
    let peak = sampler.finish();
    println!(
        "{}",
        json!({
            "bench": "continuous", "phase": name, "seconds": started.elapsed().as_secs_f64(), "rows_read": rows, "pages": pages,
            "rows_produced": status["rowsProduced"], "buffered_rows": status["bufferedRows"],
            "rss_10s_mib": mib(rss_10s), "rss_end_mib": mib(end), "rss_peak_mib": mib(peak),
            "rss_end_over_10s": end as f64 / rss_10s.max(1) as f64,
        })
    );
}

fn main() {
    let seconds: u64 = std::env::var("CONT_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let runtime = support::runtime();
    runtime.block_on(async {
        let gw = support::start(&[]).await;
        phase(&gw, "select", "SELECT id, k, UPPER(name) AS name FROM gen WHERE k >= 0", seconds).await;
        phase(&gw, "group_by", "SELECT k, COUNT(*) AS n, SUM(id) AS total, MAX(name) AS top FROM gen GROUP BY k", seconds).await;
    });
}
