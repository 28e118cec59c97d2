//! The paging rules: which token serves what.
//!
//! A cursor sits at token `current` (starting at 0) and keeps the last page it
//! served. For a request of token `t`:
//!
//! - `t == current`: take whatever the ring holds right now (possibly nothing:
//!   an empty page is not the end), keep it as the last page and advance to
//!   `current + 1`. When the ring is drained and the producer is done, answer
//!   the end instead and do not advance, so asking again is harmless.
//! - `t == current - 1`: the client lost our previous answer; serve the kept
//!   page again, unchanged, so a retry is exactly the lost response.
//! - `t < current - 1`: that page was handed out and dropped: gone.
//! - `t > current`: the client skipped ahead of what was served: not found.
//!
//! A long-poll (`wait`) happens only for `t == current` with an empty ring,
//! and outside the lock: a retry of `current - 1` never waits behind it. After
//! the wait the rules are applied afresh, because a concurrent request for the
//! same token may have taken the page meanwhile (then this one is a retry).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{PageRequest, Ring, Rows};
use crate::error::{GatewayError, Result};

/// What a fetch produced.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// A page of rows (possibly empty) and the token to ask for next.
    Page {
        /// The rows of this page, in order.
        rows: Arc<[Rows]>,
        /// The token of the following page.
        next_token: u64,
    },
    /// Every row was served: there is no next page.
    End,
}

/// Token position of one result and the page kept for a retry.
#[derive(Debug, Default)]
pub struct Cursor {
    /// Position and kept page.
    state: Mutex<CursorState>,
}

#[derive(Debug, Default)]
struct CursorState {
    /// The token the next new page will be served under.
    current: u64,
    /// The page served under `current - 1`, kept for one retry.
    last_page: Option<Arc<[Rows]>>,
    /// Rows served in new pages (retries not counted).
    rows_fetched: u64,
}

enum Step {
    Done(Result<FetchOutcome>),
    Wait,
}

impl Cursor {
    fn lock(&self) -> std::sync::MutexGuard<'_, CursorState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serve `token` from `ring` under the rules above.
    pub async fn fetch(&self, ring: &Ring, token: u64, request: PageRequest) -> Result<FetchOutcome> {
        let deadline = request.wait.map(|w| Instant::now() + w);
        let mut may_wait = deadline.is_some();
        loop {
            match self.step(ring, token, request.max_rows, may_wait) {
                Step::Done(outcome) => return outcome,
                Step::Wait => {
                    if let Some(deadline) = deadline {
                        ring.wait_readable(deadline).await;
                    }
                    may_wait = false;
                }
            }
        }
    }

    fn step(&self, ring: &Ring, token: u64, max_rows: Option<usize>, may_wait: bool) -> Step {
        let mut state = self.lock();
        let current = state.current;
        if token + 1 == current {
            let rows = state.last_page.clone().unwrap_or_else(|| Arc::from(Vec::new()));
            return Step::Done(Ok(FetchOutcome::Page { rows, next_token: current }));
        }
        if token < current {
            return Step::Done(Err(GatewayError::TokenEvicted { token, current }));
        }
        if token > current {
            return Step::Done(Err(GatewayError::TokenAhead { token, current }));
        }
        let stats = ring.stats();
        if may_wait && stats.buffered_rows == 0 && !stats.finished {
            return Step::Wait;
        }
        let page = ring.take_page(max_rows);
        if page.is_empty() && ring.is_drained() {
            return Step::Done(Ok(FetchOutcome::End));
        }
        let rows: Arc<[Rows]> = Arc::from(page);
        state.rows_fetched += rows.iter().map(|r| r.num_rows() as u64).sum::<u64>();
        state.current += 1;
        state.last_page = Some(rows.clone());
        Step::Done(Ok(FetchOutcome::Page { rows, next_token: state.current }))
    }

    /// Forget the kept page (the result was released).
    pub fn clear(&self) {
        self.lock().last_page = None;
    }

    /// Rows served in new pages so far.
    pub fn rows_fetched(&self) -> u64 {
        self.lock().rows_fetched
    }
}
