//! The process allocator, and the settings that let the gateway give memory
//! back once its sessions and results are closed.
//!
//! The gateway allocates and frees many short-lived buffers (pages, record
//! batches, sessions) from several threads; mimalloc returns freed memory to
//! the system where glibc's malloc strands it in per-thread arenas. Three of
//! its defaults still kept memory resident after a burst of work. Measured by
//! the soak benchmark (64 clients for 10 minutes: queries, DDL, failures,
//! cancelled scans, SET), RSS once all is closed and settled over RSS at the
//! warm start:
//!
//! | settings                                         | start   | after   | ratio |
//! |--------------------------------------------------|--------:|--------:|------:|
//! | mimalloc defaults                                |       — |       — | 1.13  |
//! | huge pages off, purge delay 10 ms                | 88 MiB  | 97 MiB  | 1.11  |
//! | and idle threads collect (what is built)         | 81 MiB  | 81 MiB  | 0.99  |
//!
//! - Transparent huge pages: mimalloc asks the kernel for huge pages over its
//!   arenas, and a 2 MiB huge page stays resident while any 4 KiB of it is
//!   live. Turned off at build time (the crate's `no_thp` feature).
//! - Purge delay: mimalloc v3 waits 1 s before giving freed memory back, and
//!   purges only when a thread allocates again. 10 ms (mimalloc v2's default)
//!   returns it while the thread is still busy.
//! - Idle threads: a thread keeps its free pages cached for reuse; a parked
//!   runtime thread allocates nothing, so what it cached during a burst stays
//!   resident. Each worker hands its cache back when it parks, at most once a
//!   second, which costs nothing measurable in the load benchmark.
//!
//! The delay stays tunable through mimalloc's own `MIMALLOC_PURGE_DELAY`; an
//! explicit value wins.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Declared in the library so the server, the tests and the benchmarks all
/// measure the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long freed memory waits before it goes back to the system, in ms.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t` (the Rust binding
/// leaves the option numbers out; the test below checks this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Apply the gateway's allocator settings. Call once at start-up, before any
/// other thread exists: mimalloc's option setter is not thread-safe.
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` writes one entry of mimalloc's option table; it
    // is called before the runtime starts any thread, so nothing reads the
    // entry concurrently, and option 15 exists (checked by a test below).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// How often a worker thread that goes idle hands its cached free pages back.
const IDLE_COLLECT_EVERY: Duration = Duration::from_secs(1);

thread_local! {
    /// When this thread last collected (None: never).
    static LAST_COLLECT: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Called by the runtime when a worker thread is about to park: unless it did
/// so within `IDLE_COLLECT_EVERY`, the thread returns its cached free pages
/// and purges freed memory now. A parked thread allocates nothing, so without
/// this what it cached during a burst would stay resident until its next one.
pub fn on_thread_park() {
    let now = Instant::now();
    if LAST_COLLECT.with(|last| collect_due(last, now)) {
        // SAFETY: `mi_collect` only touches the calling thread's heap and the
        // process-wide arenas, which mimalloc synchronises itself.
        unsafe { libmimalloc_sys::mi_collect(true) };
    }
}

/// Whether a thread that last collected at `last` collects at `now`; if so,
/// `now` becomes its last collection. Bounds the cost for a runtime that
/// parks thousands of times a second under load.
fn collect_due(last: &Cell<Option<Instant>>, now: Instant) -> bool {
    match last.get() {
        Some(at) if now.saturating_duration_since(at) < IDLE_COLLECT_EVERY => false,
        _ => {
            last.set(Some(now));
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Option 15 is the purge delay: tests never call `tune`, so it holds
    /// mimalloc v3's default of 1000 ms (or the environment's value), which
    /// no neighbouring option shares.
    #[test]
    fn option_number_is_the_purge_delay() {
        let expected = std::env::var("MIMALLOC_PURGE_DELAY").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
        // SAFETY: reading an option entry; no test writes options.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, expected);
    }

    #[test]
    fn an_idle_thread_collects_at_most_every_interval() {
        let last = Cell::new(None);
        let t0 = Instant::now();
        assert!(collect_due(&last, t0), "the first park collects");
        assert!(!collect_due(&last, t0 + IDLE_COLLECT_EVERY / 2), "too soon after the last");
        assert_eq!(last.get(), Some(t0));
        assert!(collect_due(&last, t0 + IDLE_COLLECT_EVERY));
        assert_eq!(last.get(), Some(t0 + IDLE_COLLECT_EVERY));
        on_thread_park();
        on_thread_park();
    }
}
