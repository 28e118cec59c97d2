//! Per-operation result buffering: a bounded ring of record batches fed by the
//! query and drained page by page through a token cursor.
//!
//! - [`ring`]: the bounded buffer. A full ring pauses the producer (the query)
//!   instead of growing; a page taken from it is bounded in rows and bytes.
//! - [`cursor`]: the token rules (current page, one-step retry, gone, ahead, end).
//! - [`rewind`]: the other way to read: a server-side row cursor that moves
//!   forward, back to the start or one page back, over a bounded history.
//! - [`ResultSet`]: what an operation exposes once its schema is known.

mod cursor;
mod rewind;
mod ring;
mod row_kind;

pub use cursor::{Cursor, FetchOutcome};
pub use rewind::{Orientation, RowReader};
pub use ring::{Closed, Ring, RingStats};
pub use row_kind::RowKind;

use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;

use crate::error::Result;

/// Record batch plus the change flag of each of its rows.
#[derive(Debug, Clone)]
pub struct Rows {
    /// The rows themselves, columnar.
    pub batch: RecordBatch,
    /// One kind per row; `None` means every row is an `Insert` (the common,
    /// append-only case costs nothing).
    pub kinds: Option<Arc<[RowKind]>>,
}

impl Rows {
    /// Append-only rows.
    pub fn inserts(batch: RecordBatch) -> Self {
        Rows { batch, kinds: None }
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// A zero-copy window of `len` rows starting at `offset`.
    pub fn slice(&self, offset: usize, len: usize) -> Rows {
        Rows {
            batch: self.batch.slice(offset, len),
            kinds: self.kinds.as_ref().map(|k| Arc::from(&k[offset..offset + len])),
        }
    }
}

/// How a result presents itself to clients. Protocol-neutral: each protocol
/// maps these facts to its own wire flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultShape {
    /// Rows come from a query (SELECT/VALUES/WITH) rather than from a command.
    pub is_query: bool,
    /// The result carries rows worth showing; `false` for a bare acknowledgement (`OK`).
    pub has_content: bool,
    /// The id of the job that produces the rows, for queries and DML.
    pub job_id: Option<String>,
}

/// Bounds of one operation's buffering; configured once for the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultLimits {
    /// Most rows the ring holds before the producer waits.
    pub ring_rows: usize,
    /// Most bytes (Arrow memory, estimated) the ring holds before the producer waits.
    pub ring_bytes: usize,
    /// Most rows in one page.
    pub page_rows: usize,
    /// Most bytes (Arrow memory, estimated) in one page.
    pub page_bytes: usize,
    /// Most rows a rewindable reader keeps after serving them, so that a
    /// client may read them again (FETCH_FIRST / FETCH_PRIOR).
    pub rewind_rows: usize,
    /// Most bytes a rewindable reader keeps after serving them.
    pub rewind_bytes: usize,
}

impl Default for ResultLimits {
    fn default() -> Self {
        ResultLimits {
            ring_rows: 100_000,
            ring_bytes: 64 << 20,
            page_rows: 5_000,
            page_bytes: 8 << 20,
            rewind_rows: 100_000,
            rewind_bytes: 64 << 20,
        }
    }
}

/// How a client wants a page cut.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    /// Cap on rows below the gateway's page limit (`maxRows`).
    pub max_rows: Option<usize>,
    /// Long-poll: wait up to this long for at least one row before answering
    /// an empty page (`waitMs`).
    pub wait: Option<Duration>,
}

/// The result of an operation whose schema is known: its rows so far and the
/// cursor clients page with.
#[derive(Debug)]
pub struct ResultSet {
    /// Column names and types of every page.
    pub schema: SchemaRef,
    /// How the result presents itself.
    pub shape: ResultShape,
    /// The rows produced and not yet paged out.
    ring: Arc<Ring>,
    /// The token position and the last page, for retries.
    cursor: Cursor,
    /// The row-offset reader, for protocols that page by position.
    reader: RowReader,
}

impl ResultSet {
    /// An empty result set over a fresh ring.
    pub fn new(schema: SchemaRef, shape: ResultShape, limits: ResultLimits) -> Self {
        ResultSet {
            schema,
            shape,
            ring: Arc::new(Ring::new(limits)),
            cursor: Cursor::default(),
            reader: RowReader::new(limits),
        }
    }

    /// The ring the producer writes into.
    pub fn ring(&self) -> &Arc<Ring> {
        &self.ring
    }

    /// Serve the page for `token` under the cursor rules.
    pub async fn fetch(&self, token: u64, request: PageRequest) -> Result<FetchOutcome> {
        self.cursor.fetch(&self.ring, token, request).await
    }

    /// Read by position (FETCH_NEXT / FETCH_FIRST / FETCH_PRIOR) rather than
    /// by token: up to `max_rows` rows, waiting up to `wait` for the first.
    pub async fn read(&self, orientation: Orientation, max_rows: usize, wait: Duration) -> Result<Vec<Rows>> {
        self.reader.read(&self.ring, orientation, max_rows, wait).await
    }

    /// Drop every buffered row and the kept page: the result is no longer wanted.
    pub fn release(&self) {
        self.ring.close();
        self.cursor.clear();
        self.reader.clear();
    }

    /// Rows handed to clients so far (retries and re-reads not counted).
    pub fn rows_fetched(&self) -> u64 {
        self.cursor.rows_fetched() + self.reader.rows_fetched()
    }
}
