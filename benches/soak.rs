//! Soak driver: 64 clients for 10 minutes (SOAK_SECONDS to change) against an
//! in-process gateway, each in a loop opening a session, running a mix of
//! statements (queries paged to EOS, DDL, failing statements, cancels, SET),
//! closing what it opened. Prints JSON figures: statements by kind,
//! unexpected answers (must be 0), and RSS at start, peak and after all is
//! closed (must come back within 10% of the warm start level, taken after a
//! SOAK_WARMUP_SECONDS warm-up of the same mix).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{mib, rss_anon_bytes, rss_bytes, Gateway, PeakRss};

/// Counts of what the clients did and what went wrong.
#[derive(Default)]
struct Tally {
    queries: AtomicU64,
    ddl: AtomicU64,
    failures: AtomicU64,
    cancels: AtomicU64,
    sets: AtomicU64,
    rows: AtomicU64,
    unexpected: AtomicU64,
}

fn check(tally: &Tally, ok: bool, what: &str) {
    if !ok {
        tally.unexpected.fetch_add(1, Ordering::Relaxed);
        eprintln!("unexpected: {what}");
    }
}

/// The statement kinds in the mix (`SOAK_KINDS`, e.g. `0,3`; all by default):
/// 0 query, 1 DDL, 2 failure, 3 cancel, 4 SET. Running one kind alone tells
/// which part of the mix a change in RSS comes from.
fn kinds() -> Vec<usize> {
    std::env::var("SOAK_KINDS")
        .ok()
        .map(|v| v.split(',').filter_map(|k| k.trim().parse().ok()).filter(|k| *k < 5).collect::<Vec<_>>())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| (0..5).collect())
}

async fn client(gw: Arc<Gateway>, id: usize, deadline: Instant, tally: Arc<Tally>) {
    let mut round = 0usize;
    let kinds = kinds();
    while Instant::now() < deadline {
        let s = gw.open().await;
        for step in 0..8 {
            let n = kinds[(id * 7 + round * 3 + step) % kinds.len()];
            match n {
                0 => {
                    let rows = 1000 + (id * 37 + round) % 9000;
                    let op = gw.submit(&s, &format!("SELECT value, CAST(value AS VARCHAR) AS s FROM generate_series(1, {rows})")).await;
                    let got = gw.drain(&s, &op, "&maxRows=2000").await;
                    check(&tally, got == Ok(rows as u64), &format!("query rows {got:?} != {rows}"));
                    tally.rows.fetch_add(rows as u64, Ordering::Relaxed);
                    tally.queries.fetch_add(1, Ordering::Relaxed);
                    gw.delete(&format!("/v4/sessions/{s}/operations/{op}/close")).await;
                }
                1 => {
                    let t = format!("t{step}");
                    for sql in [format!("CREATE TABLE {t} AS SELECT value AS v FROM generate_series(1, 100)"), format!("CREATE VIEW {t}v AS SELECT sum(v) AS total FROM {t}")] {
                        let op = gw.submit(&s, &sql).await;
                        check(&tally, gw.drain(&s, &op, "").await.is_ok(), &sql);
                    }
                    let op = gw.submit(&s, &format!("SELECT total FROM {t}v")).await;
                    check(&tally, gw.drain(&s, &op, "").await == Ok(1), "view total");
                    for sql in [format!("DROP VIEW {t}v"), format!("DROP TABLE {t}")] {
                        let op = gw.submit(&s, &sql).await;
                        check(&tally, gw.drain(&s, &op, "").await.is_ok(), &sql);
                    }
                    tally.ddl.fetch_add(1, Ordering::Relaxed);
                }
                2 => {
                    let op = gw.submit(&s, "SELECT * FROM no_such_table").await;
                    check(&tally, gw.drain(&s, &op, "").await == Err(400), "failing statement answers 400");
                    tally.failures.fetch_add(1, Ordering::Relaxed);
                }
                3 => {
                    let op = gw.submit(&s, "SELECT * FROM generate_series(1, 100000000000)").await;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let (status, body) = gw.post(&format!("/v4/sessions/{s}/operations/{op}/cancel"), json!({})).await;
                    check(&tally, status == 200 && body == json!({ "status": "CANCELED" }), &format!("cancel: {status} {body}"));
                    tally.cancels.fetch_add(1, Ordering::Relaxed);
                }
                _ => {
                    let op = gw.submit(&s, &format!("SET 'soak.k{step}' = '{round}'")).await;
                    check(&tally, gw.drain(&s, &op, "").await.is_ok(), "SET");
                    tally.sets.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        let (status, body) = gw.delete(&format!("/v4/sessions/{s}")).await;
        check(&tally, status == 200 && body == json!({ "status": "CLOSED" }), "close session");
        round += 1;
    }
}

fn main() {
    let seconds: u64 = std::env::var("SOAK_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(600);
    let clients: usize = std::env::var("SOAK_CLIENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let runtime = support::runtime();
    runtime.block_on(async {
        let gw = Arc::new(support::start(&[]).await);
        // Cold level: after one statement. Warm level: after every client ran
        // the mix for SOAK_WARMUP_SECONDS (connection pools, runtime threads,
        // DataFusion's lazily built registries and the allocator's working set
        // exist then), all closed again: growth is judged against the warm level.
        let s = gw.open().await;
        let op = gw.submit(&s, "SELECT value FROM generate_series(1, 10000)").await;
        gw.drain(&s, &op, "").await.unwrap();
        gw.delete(&format!("/v4/sessions/{s}")).await;
        let (cold_rss, cold_anon) = (rss_bytes(), rss_anon_bytes());
        let warmup = Arc::new(Tally::default());
        let warmup_seconds: u64 = std::env::var("SOAK_WARMUP_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
        let warm_deadline = Instant::now() + Duration::from_secs(warmup_seconds);
        let tasks: Vec<_> = (0..clients).map(|id| tokio::spawn(client(gw.clone(), id, warm_deadline, warmup.clone()))).collect();
        for t in tasks {
            let _ = t.await;
        }
        // Both readings wait the same settle time: idle runtime threads exit
        // and the allocator returns freed pages.
        let settle: u64 = std::env::var("SOAK_SETTLE_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
        tokio::time::sleep(Duration::from_secs(settle)).await;
        let (start_rss, start_anon) = (rss_bytes(), rss_anon_bytes());
        let sampler = PeakRss::start(start_rss, Duration::from_millis(50));
        let tally = Arc::new(Tally::default());
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let tasks: Vec<_> = (0..clients).map(|id| tokio::spawn(client(gw.clone(), id, deadline, tally.clone()))).collect();
        for t in tasks {
            if t.await.is_err() {
                tally.unexpected.fetch_add(1, Ordering::Relaxed);
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        // Let closed operations finish unwinding, then read the level.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let metrics = String::from_utf8_lossy(&gw.get("/metrics").await.1).to_string();
        let open_sessions = metrics.lines().find(|l| l.starts_with("sluicegate_sessions_open ")).unwrap_or_default().to_string();
        let end_rss = rss_bytes();
        tokio::time::sleep(Duration::from_secs(settle)).await;
        let (settled_rss, settled_anon) = (rss_bytes(), rss_anon_bytes());
        let peak = sampler.finish();
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let statements = load(&tally.queries) + 5 * load(&tally.ddl) + load(&tally.failures) + load(&tally.cancels) + load(&tally.sets);
        let report: Value = json!({
            "bench": "soak",
            "clients": clients,
            "seconds": elapsed,
            "statements": statements,
            "statements_per_s": statements as f64 / elapsed,
            "queries": load(&tally.queries), "ddl_rounds": load(&tally.ddl), "failures": load(&tally.failures),
            "cancels": load(&tally.cancels), "sets": load(&tally.sets), "rows_paged": load(&tally.rows),
            "unexpected": load(&tally.unexpected),
            "sessions_open_after": open_sessions,
            "warmup_unexpected": warmup.unexpected.load(Ordering::Relaxed),
            "rss_cold_mib": mib(cold_rss),
            "rss_start_mib": mib(start_rss), "rss_peak_mib": mib(peak), "rss_end_mib": mib(end_rss),
            "rss_end_over_start": end_rss as f64 / start_rss.max(1) as f64,
            "rss_settled_mib": mib(settled_rss), "settle_seconds": settle,
            "rss_settled_over_start": settled_rss as f64 / start_rss.max(1) as f64,
            "anon_cold_mib": mib(cold_anon), "anon_start_mib": mib(start_anon), "anon_settled_mib": mib(settled_anon),
        });
        println!("{report}");
    });
}
