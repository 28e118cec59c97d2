//! Catalog and sync-query load driver: starts the gateway in-process on
//! 127.0.0.1:0 over a fresh state directory (SQLite metadata store) and
//! prints JSON figures for
//!   (a) the DDL round trip: `DDL` (default 500) CREATE TABLE statements,
//!       each submitted and paged to its `OK` through Flink's `/v4`, written
//!       to the store (synced) before the answer: p50 and p99 ms;
//!   (b) start-up with `TABLES` (default 10,000) tables in the store: how
//!       long recreating the catalog from it takes (what `server::run` does
//!       before it serves);
//!   (c) sync query throughput: `CLIENTS` (default 64) clients sending
//!       `SELECT 1` to ByteHouse's `POST /queries/sync` in a loop, each in
//!       its own query session, for `SECONDS` (default 10): queries/s.
//!
//! `cargo bench --bench catalog`.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sluicegate::config::Settings;
use sluicegate::store::{CatalogChange, CatalogObject, MetadataStore, ObjectKind, SqlStore};
use support::percentile;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// (a) CREATE TABLE round trips, one after another.
async fn ddl_round_trips(count: usize) -> Value {
    let gw = support::start(&[]).await;
    let s = gw.open().await;
    let mut latencies = Vec::with_capacity(count);
    for n in 0..count {
        let started = Instant::now();
        let op = gw.submit(&s, &format!("CREATE TABLE bench_{n} (id INT, name STRING, ts TIMESTAMP(3))")).await;
        assert_eq!(gw.drain(&s, &op, "").await, Ok(1), "CREATE TABLE answers OK");
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    json!({ "bench": "ddl_round_trip", "store": "sqlite", "statements": count, "p50_ms": percentile(&latencies, 0.5), "p99_ms": percentile(&latencies, 0.99) })
}

/// (b) Recreate `count` stored tables, as a restart does.
async fn startup(count: usize) -> Value {
    let state = std::env::temp_dir().join(format!("sluicegate-bench-startup-{}", std::process::id()));
    let settings = Settings::from_properties(&BTreeMap::from([("sluicegate.state-dir".to_string(), state.display().to_string())])).unwrap();
    let store = Arc::new(SqlStore::open(&settings.metadata_url).await.unwrap());
    let objects: Vec<CatalogChange> = (0..count)
        .map(|n| {
            let definition = format!("CREATE TABLE `default_catalog`.`default_database`.`t{n}` (\n  `id` INT,\n  `name` STRING,\n  `ts` TIMESTAMP(3)\n)\n");
            CatalogChange::Put(CatalogObject {
                key: ("default_catalog".into(), "default_database".into(), format!("t{n}")),
                kind: ObjectKind::Table,
                definition,
                properties: BTreeMap::from([("data.id".to_string(), format!("{n:032x}"))]),
                owner: "bench".into(),
                seq: 0,
                created_at: 0,
                updated_at: 0,
            })
        })
        .collect();
    for chunk in objects.chunks(1000) {
        store.apply(chunk).await.unwrap();
    }
    store.close().await;
    let store = Arc::new(SqlStore::open(&settings.metadata_url).await.unwrap());
    let started = Instant::now();
    let gw = sluicegate::server::gateway(&settings, Some(store.clone()));
    let restored = gw.restore().await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(restored.objects, count);
    gw.shut_down();
    store.close().await;
    let _ = std::fs::remove_dir_all(&state);
    json!({ "bench": "startup", "store": "sqlite", "tables": count, "restore_s": seconds })
}

/// (c) `SELECT 1` through ByteHouse's sync endpoint from `clients` clients.
async fn sync_queries(clients: usize, seconds: u64) -> Value {
    let gw = Arc::new(support::start(&[]).await);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|n| {
            let gw = gw.clone();
            tokio::spawn(async move {
                let (mut done, mut latencies) = (0u64, Vec::new());
                while Instant::now() < until {
                    let t = Instant::now();
                    let r = gw
                        .http
                        .post(format!("{}/bytehouse/v1/queries/sync", gw.base))
                        .header("x-querysession-id", format!("bench-{n}"))
                        .json(&json!({ "query": "SELECT 1" }))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 200);
                    r.bytes().await.unwrap();
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    done += 1;
                }
                (done, latencies)
            })
        })
        .collect();
    let (mut total, mut latencies) = (0u64, Vec::new());
    for worker in workers {
        let (done, l) = worker.await.unwrap();
        total += done;
        latencies.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    json!({ "bench": "sync_select_1", "clients": clients, "queries": total, "queries_per_s": total as f64 / elapsed, "p50_ms": percentile(&latencies, 0.5), "p99_ms": percentile(&latencies, 0.99) })
}

fn main() {
    let runtime = support::runtime();
    runtime.block_on(async {
        println!("{}", ddl_round_trips(env("DDL", 500)).await);
        println!("{}", startup(env("TABLES", 10_000)).await);
        println!("{}", sync_queries(env("CLIENTS", 64), env("SECONDS", 10) as u64).await);
    });
}
