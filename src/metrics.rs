//! Gateway counters, exposed in the Prometheus text format.
//!
//! Counters are plain atomics or small maps updated where things happen;
//! gauges (sessions, operations by status, ring occupancy) are read from the
//! live registry at scrape time, so they can never drift.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the fetch latency histogram buckets.
const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0];

/// A cumulative histogram of durations.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Observations at or below each bucket bound (not cumulative; summed when rendered).
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    /// Every observation.
    count: AtomicU64,
    /// Sum of observations, in microseconds.
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Record one duration.
    pub fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// Everything counted since start.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Rows handed out in result pages (retries included: they are sent again).
    pub rows_served: AtomicU64,
    /// Response bytes of result pages.
    pub bytes_served: AtomicU64,
    /// Result pages served (NOT_READY, PAYLOAD and EOS).
    pub pages_served: AtomicU64,
    /// Latency of result fetches, long-polls included.
    pub fetch_latency: Histogram,
    /// Statements by (kind, outcome).
    statements: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    /// Error responses by HTTP status.
    errors: Mutex<BTreeMap<u16, u64>>,
}

/// Point-in-time figures read from the live registry when rendering.
#[derive(Debug, Default, Clone)]
pub struct Gauges {
    /// Live sessions.
    pub sessions: u64,
    /// Live operations by status name.
    pub operations: BTreeMap<&'static str, u64>,
    /// Rows buffered in every ring.
    pub ring_rows: u64,
    /// Estimated bytes buffered in every ring.
    pub ring_bytes: u64,
}

impl Metrics {
    /// Count a statement that reached its outcome.
    pub fn statement(&self, kind: &'static str, outcome: &'static str) {
        *self.statements.lock().unwrap_or_else(|e| e.into_inner()).entry((kind, outcome)).or_default() += 1;
    }

    /// Count an error response.
    pub fn error(&self, status: u16) {
        *self.errors.lock().unwrap_or_else(|e| e.into_inner()).entry(status).or_default() += 1;
    }

    /// Count a served page.
    pub fn page(&self, rows: u64, bytes: u64, elapsed: Duration) {
        self.pages_served.fetch_add(1, Ordering::Relaxed);
        self.rows_served.fetch_add(rows, Ordering::Relaxed);
        self.bytes_served.fetch_add(bytes, Ordering::Relaxed);
        self.fetch_latency.observe(elapsed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(4096);
        let mut single = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        };
        single("sluicegate_sessions_open", "gauge", "Live sessions.", gauges.sessions);
        single("sluicegate_ring_rows", "gauge", "Rows buffered in result rings, waiting to be fetched.", gauges.ring_rows);
        single("sluicegate_ring_bytes", "gauge", "Estimated bytes buffered in result rings.", gauges.ring_bytes);
        single("sluicegate_rows_served_total", "counter", "Rows handed out in result pages.", self.rows_served.load(Ordering::Relaxed));
        single("sluicegate_bytes_served_total", "counter", "Bytes of result page bodies.", self.bytes_served.load(Ordering::Relaxed));
        single("sluicegate_pages_served_total", "counter", "Result pages served.", self.pages_served.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP sluicegate_operations Live operations by status.\n# TYPE sluicegate_operations gauge");
        for (status, n) in &gauges.operations {
            let _ = writeln!(out, "sluicegate_operations{{status=\"{status}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP sluicegate_statements_total Statements by kind and outcome.\n# TYPE sluicegate_statements_total counter");
        for ((kind, outcome), n) in self.statements.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(out, "sluicegate_statements_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP sluicegate_errors_total Error responses by HTTP status.\n# TYPE sluicegate_errors_total counter");
        for (status, n) in self.errors.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(out, "sluicegate_errors_total{{status=\"{status}\"}} {n}");
        }
        self.fetch_latency.render("sluicegate_fetch_seconds", "Latency of result fetches, long-polls included.", &mut out);
        out
    }
}
