//! Shared by the load drivers: an in-process gateway and a small client.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{json, Value};
use sluicegate::config::Settings;

/// Just what a client needs from a result page: the row count and the next
/// URI. Rows are skipped, not built, so the client spends little of the
/// machine's CPU that the gateway needs.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageHead {
    /// Columns and rows, absent for NOT_READY.
    pub results: Option<PageRows>,
    /// The next page, absent at EOS.
    pub next_result_uri: Option<String>,
}

/// The rows of a page, skipped.
#[derive(Deserialize)]
pub struct PageRows {
    /// One entry per row.
    pub data: Vec<IgnoredAny>,
}

impl PageHead {
    /// Rows in this page.
    pub fn rows(&self) -> usize {
        self.results.as_ref().map_or(0, |r| r.data.len())
    }
}

/// A gateway started in this process, and a client for it.
pub struct Gateway {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Pooled HTTP client.
    pub http: reqwest::Client,
    /// The gateway's state directory, removed when the driver is done.
    pub state: std::path::PathBuf,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// The runtime a driver runs the gateway and its clients on, built as the
/// `sluicegate` command builds its own (allocator settings, idle collection),
/// so the figures are the command's.
pub fn runtime() -> tokio::runtime::Runtime {
    sluicegate::server::runtime().unwrap()
}

/// Start the gateway on 127.0.0.1:0 with extra `key=value` settings.
pub async fn start(extra: &[(&str, &str)]) -> Gateway {
    let mut props: BTreeMap<String, String> = [
        ("sql-gateway.endpoint.rest.port".to_string(), "0".to_string()),
        ("sql-gateway.session.max-num".to_string(), "0".to_string()),
    ]
    .into();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let state = std::env::temp_dir().join(format!("sluicegate-bench-{}-{n}", std::process::id()));
    props.insert("sluicegate.state-dir".to_string(), state.display().to_string());
    props.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let settings = Settings::from_properties(&props).unwrap();
    let listener = sluicegate::server::bind(&settings).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(sluicegate::server::run(listener, settings, std::future::pending()));
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
    Gateway { base, http, state }
}

impl Gateway {
    /// POST a JSON body; status and parsed answer.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.http.post(format!("{}{}", self.base, path)).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// GET; status and raw body.
    pub async fn get(&self, path: &str) -> (u16, bytes::Bytes) {
        let r = self.http.get(format!("{}{}", self.base, path)).send().await.unwrap();
        (r.status().as_u16(), r.bytes().await.unwrap())
    }

    /// DELETE; status and parsed answer.
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let r = self.http.delete(format!("{}{}", self.base, path)).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Open a session.
    pub async fn open(&self) -> String {
        self.post("/v4/sessions", json!({})).await.1["sessionHandle"].as_str().unwrap().to_string()
    }

    /// Submit a statement.
    pub async fn submit(&self, s: &str, sql: &str) -> String {
        self.post(&format!("/v4/sessions/{s}/statements"), json!({ "statement": sql })).await.1["operationHandle"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Page an operation to EOS (long-polling); rows seen, or the error status.
    pub async fn drain(&self, s: &str, op: &str, query: &str) -> Result<u64, u16> {
        let mut uri = format!("/v4/sessions/{s}/operations/{op}/result/0?rowFormat=JSON");
        let mut rows = 0;
        loop {
            let (status, body) = self.get(&format!("{uri}&waitMs=1000{query}")).await;
            if status != 200 {
                return Err(status);
            }
            let page: PageHead = serde_json::from_slice(&body).unwrap();
            rows += page.rows() as u64;
            match page.next_result_uri {
                Some(next) => uri = next,
                None => return Ok(rows),
            }
        }
    }
}

/// The peak RSS of this process, sampled on a thread of its own until stopped.
pub struct PeakRss {
    /// Highest reading so far.
    peak: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Tells the sampling thread to end.
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The sampling thread.
    thread: std::thread::JoinHandle<()>,
}

impl PeakRss {
    /// Start sampling every `every`, from `floor`.
    pub fn start(floor: u64, every: std::time::Duration) -> Self {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let peak = std::sync::Arc::new(AtomicU64::new(floor));
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(rss_bytes(), Ordering::Relaxed);
                std::thread::sleep(every);
            }
        });
        PeakRss { peak, stop, thread }
    }

    /// Stop sampling; the peak seen.
    pub fn finish(self) -> u64 {
        use std::sync::atomic::Ordering;
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

/// Resident set size of this process.
pub fn rss_bytes() -> u64 {
    status_bytes("VmRSS:")
}

/// The anonymous part of the resident set: heap and stacks, without the
/// executable's pages (which only grow as code paths first run, and which
/// the kernel can drop and re-read).
pub fn rss_anon_bytes() -> u64 {
    status_bytes("RssAnon:")
}

/// A `kB` line of `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// The `p` quantile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Megabytes, for printing.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}
