//! Reading a result by position: a server-side row cursor that moves
//! forward (`Next`), back to row 0 (`First`) or one page back (`Prior`),
//! the way HiveServer2-style protocols page (no token in the request).
//!
//! Rows taken from the ring are kept in a history after they are served, so
//! that they can be read again; the history is bounded (`rewind_rows`,
//! `rewind_bytes`) and drops its oldest rows first. A result smaller than the
//! bound therefore stays fully re-readable; asking for a row that was
//! dropped answers [`GatewayError::RowsEvicted`], naming the bound, instead
//! of silently serving other rows.
//!
//! The cursor rules (for a request of `n` rows):
//!
//! - `Next`: rows `[position, position + n)`; the position moves past them.
//! - `First`: the position goes back to 0, then as `Next`.
//! - `Prior`: the position goes to the start of the page served last, minus
//!   `n`, clamped at 0, then as `Next`. After reading `[20, 30)` in pages of
//!   10, `Prior` serves `[10, 20)`; after `First` on a one-row result it
//!   serves that row again.
//!
//! A read at the end of what was produced so far waits (up to the given
//! wait) for the producer: an empty answer means the result has ended (or
//! the wait passed), because that is how these clients detect the end.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{ResultLimits, Ring, Rows};
use crate::error::{GatewayError, Result};

/// Where a positional read starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Continue from the cursor.
    Next,
    /// Rewind to the first row.
    First,
    /// Step back one page.
    Prior,
}

/// One positional reader of a result.
#[derive(Debug)]
pub struct RowReader {
    /// History bounds.
    limits: ResultLimits,
    /// Cursor and history.
    state: Mutex<ReaderState>,
}

#[derive(Debug, Default)]
struct ReaderState {
    /// Rows taken from the ring and kept, in order.
    kept: VecDeque<(Rows, usize)>,
    /// Offset of the first kept row.
    kept_from: u64,
    /// Rows in `kept`.
    kept_rows: usize,
    /// Estimated bytes in `kept`.
    kept_bytes: usize,
    /// The next row `Next` serves.
    position: u64,
    /// The first row of the page served last.
    last_start: u64,
    /// Rows served for the first time (re-reads not counted).
    fetched: u64,
}

impl ReaderState {
    fn kept_to(&self) -> u64 {
        self.kept_from + self.kept_rows as u64
    }

    /// Drop the oldest kept rows beyond the bounds, never a row at or after `keep_from`.
    fn trim(&mut self, limits: &ResultLimits, keep_from: u64) {
        while self.kept_rows > limits.rewind_rows || self.kept_bytes > limits.rewind_bytes {
            let Some((front, bytes)) = self.kept.front() else { break };
            let n = front.num_rows();
            if self.kept_from + n as u64 > keep_from {
                break;
            }
            let bytes = *bytes;
            self.kept.pop_front();
            self.kept_from += n as u64;
            self.kept_rows -= n;
            self.kept_bytes -= bytes;
        }
    }

    /// The kept rows `[from, from + n)` (as far as they are kept), zero-copy.
    fn window(&self, from: u64, n: usize) -> Vec<Rows> {
        let mut out = Vec::new();
        let mut offset = self.kept_from;
        let end = from + n as u64;
        for (rows, _) in &self.kept {
            let len = rows.num_rows() as u64;
            let (lo, hi) = (from.max(offset), end.min(offset + len));
            if lo < hi {
                out.push(rows.slice((lo - offset) as usize, (hi - lo) as usize));
            }
            offset += len;
            if offset >= end {
                break;
            }
        }
        out
    }
}

impl RowReader {
    /// A reader at row 0 with an empty history.
    pub fn new(limits: ResultLimits) -> Self {
        RowReader { limits, state: Mutex::new(ReaderState::default()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReaderState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Read up to `max_rows` rows from `ring` under the rules above.
    pub async fn read(&self, ring: &Ring, orientation: Orientation, max_rows: usize, wait: Duration) -> Result<Vec<Rows>> {
        let max_rows = max_rows.max(1);
        let deadline = Instant::now() + wait;
        let start = {
            let mut state = self.lock();
            let start = match orientation {
                Orientation::Next => state.position,
                Orientation::First => 0,
                Orientation::Prior => state.last_start.saturating_sub(max_rows as u64),
            };
            if start < state.kept_from {
                return Err(GatewayError::RowsEvicted { offset: start, kept_from: state.kept_from, limit: self.limits.rewind_rows });
            }
            state.position = start;
            start
        };
        loop {
            if let Some(page) = self.try_serve(ring, start, max_rows) {
                return Ok(page);
            }
            if Instant::now() >= deadline {
                return Ok(self.serve(start, max_rows));
            }
            ring.wait_readable(deadline).await;
        }
    }

    /// Pull what the ring holds into the history and serve `[start, start + n)`
    /// when at least one row is there or none will ever come.
    fn try_serve(&self, ring: &Ring, start: u64, n: usize) -> Option<Vec<Rows>> {
        let mut state = self.lock();
        while state.kept_to() < start + n as u64 {
            let page = ring.take_page(Some((start + n as u64 - state.kept_to()) as usize));
            if page.is_empty() {
                break;
            }
            for rows in page {
                let bytes = rows.batch.get_array_memory_size();
                state.kept_rows += rows.num_rows();
                state.kept_bytes += bytes;
                state.kept.push_back((rows, bytes));
            }
        }
        state.trim(&self.limits, start);
        if state.kept_to() > start || ring.is_drained() {
            drop(state);
            return Some(self.serve(start, n));
        }
        None
    }

    /// Serve what is kept of `[start, start + n)` and move the cursor past it.
    fn serve(&self, start: u64, n: usize) -> Vec<Rows> {
        let mut state = self.lock();
        let page = state.window(start, n);
        let served: u64 = page.iter().map(|r| r.num_rows() as u64).sum();
        let end = start + served;
        // Rows past the furthest point ever reached are served for the first time.
        let furthest = state.fetched;
        state.fetched = furthest.max(end);
        state.last_start = start;
        state.position = end;
        page
    }

    /// Rows served at least once.
    pub fn rows_fetched(&self) -> u64 {
        self.lock().fetched
    }

    /// Forget the history (the result was released).
    pub fn clear(&self) {
        let mut state = self.lock();
        let from = state.kept_to();
        state.kept.clear();
        state.kept_from = from;
        state.kept_rows = 0;
        state.kept_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, Int64Array};
    use datafusion::arrow::record_batch::RecordBatch;
    use std::sync::Arc;

    fn values(page: &[Rows]) -> Vec<i64> {
        page.iter()
            .flat_map(|r| {
                let col = r.batch.column(0).as_any().downcast_ref::<Int64Array>().unwrap().clone();
                (0..col.len()).map(move |i| col.value(i))
            })
            .collect()
    }

    async fn ring_of(n: i64, limits: ResultLimits) -> Ring {
        let ring = Ring::new(limits);
        let array = Int64Array::from_iter_values(0..n);
        ring.preload(Rows::inserts(RecordBatch::try_from_iter([("v", Arc::new(array) as _)]).unwrap()));
        ring.finish();
        ring
    }

    const NOW: Duration = Duration::ZERO;

    #[tokio::test]
    async fn next_first_and_prior_follow_the_cursor_rules() {
        let limits = ResultLimits::default();
        let ring = ring_of(35, limits).await;
        let reader = RowReader::new(limits);
        assert_eq!(values(&reader.read(&ring, Orientation::Next, 10, NOW).await.unwrap()), (0..10).collect::<Vec<_>>());
        assert_eq!(values(&reader.read(&ring, Orientation::Next, 10, NOW).await.unwrap()), (10..20).collect::<Vec<_>>());
        assert_eq!(values(&reader.read(&ring, Orientation::Next, 10, NOW).await.unwrap()), (20..30).collect::<Vec<_>>());
        assert_eq!(values(&reader.read(&ring, Orientation::Prior, 10, NOW).await.unwrap()), (10..20).collect::<Vec<_>>());
        assert_eq!(values(&reader.read(&ring, Orientation::First, 10, NOW).await.unwrap()), (0..10).collect::<Vec<_>>());
        assert_eq!(values(&reader.read(&ring, Orientation::Prior, 10, NOW).await.unwrap()), (0..10).collect::<Vec<_>>());
        assert_eq!(values(&reader.read(&ring, Orientation::Next, 30, NOW).await.unwrap()), (10..35).collect::<Vec<_>>());
        assert!(reader.read(&ring, Orientation::Next, 10, NOW).await.unwrap().is_empty());
        assert_eq!(reader.rows_fetched(), 35);
    }

    #[tokio::test]
    async fn rows_beyond_the_history_bound_are_refused_by_name() {
        let limits = ResultLimits { rewind_rows: 10, ..ResultLimits::default() };
        let ring = ring_of(100, ResultLimits { page_rows: 10, ..limits }).await;
        let reader = RowReader::new(limits);
        for _ in 0..5 {
            reader.read(&ring, Orientation::Next, 10, NOW).await.unwrap();
        }
        // [40, 50) was served last; [30, 40) is gone, the page before it too.
        match reader.read(&ring, Orientation::First, 10, NOW).await {
            Err(GatewayError::RowsEvicted { offset: 0, limit: 10, kept_from }) => assert!(kept_from >= 30),
            other => panic!("expected RowsEvicted, got {other:?}"),
        }
        // The refused read did not move the cursor.
        assert_eq!(values(&reader.read(&ring, Orientation::Next, 10, NOW).await.unwrap()), (50..60).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_read_at_the_end_waits_for_the_producer() {
        let limits = ResultLimits::default();
        let ring = Arc::new(Ring::new(limits));
        let reader = Arc::new(RowReader::new(limits));
        let waiting = {
            let (ring, reader) = (ring.clone(), reader.clone());
            tokio::spawn(async move { reader.read(&ring, Orientation::Next, 10, Duration::from_secs(30)).await })
        };
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(!waiting.is_finished(), "an empty page would read as the end");
        let array = Int64Array::from_iter_values(7..9);
        ring.push(Rows::inserts(RecordBatch::try_from_iter([("v", Arc::new(array) as _)]).unwrap())).await.unwrap();
        assert_eq!(values(&waiting.await.unwrap().unwrap()), vec![7, 8]);
    }
}
