//! The bounded ring between a running query and its readers.
//!
//! The producer pushes record batches; when the ring holds `ring_rows` rows or
//! `ring_bytes` bytes it waits, which stops it pulling from the DataFusion
//! stream: a slow reader back-pressures its query instead of growing memory.
//! Readers take pages bounded by `page_rows`/`page_bytes`. Batches larger than
//! the ring are cut into zero-copy slices so the bounds always hold, except
//! that an empty ring accepts one slice whatever its byte size (a single huge
//! row must still get through).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use tokio::sync::Notify;

use super::{ResultLimits, Rows};

/// The ring was closed (result released); the producer should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the result buffer was released")]
pub struct Closed;

/// One buffered slice and its estimated size.
#[derive(Debug)]
struct Chunk {
    /// The rows.
    rows: Rows,
    /// Estimated Arrow memory of these rows, proportional to the batch they came from.
    bytes: usize,
}

/// Everything the lock protects.
#[derive(Debug, Default)]
struct State {
    /// Buffered slices in arrival order.
    chunks: VecDeque<Chunk>,
    /// Rows in `chunks`.
    rows: usize,
    /// Estimated bytes in `chunks`.
    bytes: usize,
    /// Rows ever pushed.
    produced: u64,
    /// The producer has pushed its last batch.
    finished: bool,
    /// The producer is parked until a reader takes a page: the ring is full.
    producer_waiting: bool,
    /// The result was released: nothing is kept and pushes fail.
    closed: bool,
}

/// Point-in-time figures, for progress reports and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RingStats {
    /// Rows pushed by the producer so far.
    pub rows_produced: u64,
    /// Rows waiting to be paged out.
    pub buffered_rows: usize,
    /// Estimated bytes waiting to be paged out.
    pub buffered_bytes: usize,
    /// The producer is done: no more rows will come.
    pub finished: bool,
    /// The producer waits for a reader to make room: the query goes on
    /// only as its rows are read.
    pub producer_waiting: bool,
}

/// A bounded, back-pressuring buffer of record batches.
#[derive(Debug)]
pub struct Ring {
    /// Bounds of the ring and of the pages cut from it.
    limits: ResultLimits,
    /// Buffer and flags.
    state: Mutex<State>,
    /// Wakes readers waiting for rows (long-poll).
    readable: Notify,
    /// Wakes the producer waiting for room.
    writable: Notify,
}

impl Ring {
    /// An empty ring.
    pub fn new(limits: ResultLimits) -> Self {
        Ring {
            limits: ResultLimits {
                ring_rows: limits.ring_rows.max(1),
                ring_bytes: limits.ring_bytes.max(1),
                page_rows: limits.page_rows.max(1),
                page_bytes: limits.page_bytes.max(1),
                ..limits
            },
            state: Mutex::new(State::default()),
            readable: Notify::new(),
            writable: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the deque inconsistent
        // (every mutation is a single push/pop), so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Append rows, waiting while the ring is full. Fails once the ring is closed.
    pub async fn push(&self, rows: Rows) -> Result<(), Closed> {
        let total = rows.num_rows();
        if total == 0 {
            return if self.lock().closed { Err(Closed) } else { Ok(()) };
        }
        let batch_bytes = rows.batch.get_array_memory_size();
        let mut offset = 0;
        while offset < total {
            let len = (total - offset).min(self.limits.ring_rows);
            let bytes = proportional(batch_bytes, len, total);
            let piece = if len == total { rows.clone() } else { rows.slice(offset, len) };
            self.push_chunk(Chunk { rows: piece, bytes }).await?;
            offset += len;
        }
        Ok(())
    }

    async fn push_chunk(&self, chunk: Chunk) -> Result<(), Closed> {
        loop {
            let notified = self.writable.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut state = self.lock();
                if state.closed {
                    return Err(Closed);
                }
                let n = chunk.rows.num_rows();
                let fits = state.rows + n <= self.limits.ring_rows
                    && state.bytes + chunk.bytes <= self.limits.ring_bytes;
                state.producer_waiting = !(state.rows == 0 || fits);
                if !state.producer_waiting {
                    state.rows += n;
                    state.bytes += chunk.bytes;
                    state.produced += n as u64;
                    state.chunks.push_back(chunk);
                    drop(state);
                    self.readable.notify_waiters();
                    return Ok(());
                }
            }
            notified.await;
        }
    }

    /// Append rows that are already materialized in memory, without waiting
    /// for room: used for small command results before anyone can fetch.
    pub fn preload(&self, rows: Rows) {
        let bytes = rows.batch.get_array_memory_size();
        let mut state = self.lock();
        if state.closed || rows.num_rows() == 0 {
            return;
        }
        state.rows += rows.num_rows();
        state.bytes += bytes;
        state.produced += rows.num_rows() as u64;
        state.chunks.push_back(Chunk { rows, bytes });
        drop(state);
        self.readable.notify_waiters();
    }

    /// The producer is done; readers see the end once the ring drains.
    pub fn finish(&self) {
        self.lock().finished = true;
        self.readable.notify_waiters();
    }

    /// Drop every buffered row and refuse further pushes.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.finished = true;
        state.chunks = VecDeque::new();
        state.rows = 0;
        state.bytes = 0;
        drop(state);
        self.writable.notify_waiters();
        self.readable.notify_waiters();
    }

    /// Take the next page: at most `page_rows` (or `max_rows` when smaller) rows
    /// and about `page_bytes` bytes, at least one row when any is buffered.
    pub fn take_page(&self, max_rows: Option<usize>) -> Vec<Rows> {
        let row_cap = max_rows.map_or(self.limits.page_rows, |m| m.clamp(1, self.limits.page_rows));
        let mut page = Vec::new();
        let mut rows = 0;
        let mut bytes = 0;
        let mut state = self.lock();
        while rows < row_cap {
            let Some(front) = state.chunks.front_mut() else { break };
            let n = front.rows.num_rows();
            let per_row = (front.bytes / n.max(1)).max(1);
            let byte_room = self.limits.page_bytes.saturating_sub(bytes) / per_row;
            let mut take = (row_cap - rows).min(n).min(byte_room);
            if take == 0 {
                if rows > 0 {
                    break;
                }
                take = 1;
            }
            let taken_bytes;
            if take == n {
                let chunk = state.chunks.pop_front().expect("front exists");
                taken_bytes = chunk.bytes;
                page.push(chunk.rows);
            } else {
                taken_bytes = proportional(front.bytes, take, n);
                page.push(front.rows.slice(0, take));
                front.rows = front.rows.slice(take, n - take);
                front.bytes -= taken_bytes;
            }
            rows += take;
            bytes += taken_bytes;
            state.rows -= take;
            state.bytes -= taken_bytes;
        }
        drop(state);
        if rows > 0 {
            self.writable.notify_waiters();
        }
        page
    }

    /// Wait until a row is buffered, the producer is done, or `deadline` passes.
    pub async fn wait_readable(&self, deadline: Instant) {
        let deadline = tokio::time::Instant::from_std(deadline);
        loop {
            let notified = self.readable.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let state = self.lock();
                if state.rows > 0 || state.finished {
                    return;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }

    /// Current figures.
    pub fn stats(&self) -> RingStats {
        let state = self.lock();
        RingStats {
            rows_produced: state.produced,
            buffered_rows: state.rows,
            buffered_bytes: state.bytes,
            finished: state.finished,
            producer_waiting: state.producer_waiting,
        }
    }

    /// No row is buffered and none will come.
    pub fn is_drained(&self) -> bool {
        let state = self.lock();
        state.finished && state.rows == 0
    }
}

/// `bytes * part / whole`, without overflow, at least 1 for a non-empty part.
fn proportional(bytes: usize, part: usize, whole: usize) -> usize {
    if whole == 0 {
        return 0;
    }
    ((bytes as u128 * part as u128 / whole as u128) as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::record_batch::RecordBatch;
    use std::sync::Arc;
    use std::time::Duration;

    fn batch(n: i64) -> Rows {
        let array = Int64Array::from_iter_values(0..n);
        Rows::inserts(RecordBatch::try_from_iter([("v", Arc::new(array) as _)]).unwrap())
    }

    fn limits(ring_rows: usize, page_rows: usize) -> ResultLimits {
        ResultLimits { ring_rows, ring_bytes: usize::MAX / 4, page_rows, page_bytes: usize::MAX / 4, ..ResultLimits::default() }
    }

    #[tokio::test]
    async fn full_ring_blocks_the_producer_until_a_page_is_taken() {
        let ring = Arc::new(Ring::new(limits(10, 4)));
        ring.push(batch(10)).await.unwrap();
        let producer = {
            let ring = ring.clone();
            tokio::spawn(async move { ring.push(batch(3)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!producer.is_finished(), "push into a full ring must wait");
        assert_eq!(ring.stats().buffered_rows, 10);
        assert!(ring.stats().producer_waiting, "the stats say the producer waits for a reader");
        let page = ring.take_page(None);
        assert_eq!(page.iter().map(Rows::num_rows).sum::<usize>(), 4);
        producer.await.unwrap().unwrap();
        assert_eq!(ring.stats().buffered_rows, 9);
        assert_eq!(ring.stats().rows_produced, 13);
        assert!(!ring.stats().producer_waiting);
    }

    #[tokio::test]
    async fn batches_larger_than_the_ring_are_sliced() {
        let ring = Arc::new(Ring::new(limits(5, 100)));
        let producer = {
            let ring = ring.clone();
            tokio::spawn(async move { ring.push(batch(12)).await })
        };
        let mut seen = Vec::new();
        while seen.len() < 12 {
            for rows in ring.take_page(None) {
                assert!(rows.num_rows() <= 5);
                let col = rows.batch.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                seen.extend(col.values().iter().copied());
            }
            tokio::task::yield_now().await;
        }
        producer.await.unwrap().unwrap();
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn close_releases_rows_and_fails_a_waiting_producer() {
        let ring = Arc::new(Ring::new(limits(2, 2)));
        ring.push(batch(2)).await.unwrap();
        let producer = {
            let ring = ring.clone();
            tokio::spawn(async move { ring.push(batch(2)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        ring.close();
        assert_eq!(producer.await.unwrap(), Err(Closed));
        assert_eq!(ring.stats().buffered_rows, 0);
        assert_eq!(ring.stats().buffered_bytes, 0);
        assert!(ring.take_page(None).is_empty());
    }

    #[tokio::test]
    async fn page_bytes_bound_a_page_but_one_row_always_passes() {
        let ring = Ring::new(ResultLimits { ring_rows: 1000, ring_bytes: usize::MAX / 4, page_rows: 1000, page_bytes: 1, ..ResultLimits::default() });
        ring.push(batch(100)).await.unwrap();
        let page = ring.take_page(None);
        assert_eq!(page.iter().map(Rows::num_rows).sum::<usize>(), 1);
        assert_eq!(ring.stats().buffered_rows, 99);
    }

    #[tokio::test]
    async fn wait_readable_returns_on_rows_or_deadline() {
        let ring = Arc::new(Ring::new(limits(10, 10)));
        let start = Instant::now();
        ring.wait_readable(start + Duration::from_millis(30)).await;
        assert!(start.elapsed() >= Duration::from_millis(30));
        let waiter = {
            let ring = ring.clone();
            tokio::spawn(async move { ring.wait_readable(Instant::now() + Duration::from_secs(30)).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        ring.push(batch(1)).await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), waiter).await.unwrap().unwrap();
    }
}
