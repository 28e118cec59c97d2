//! Writing a table's files: `INSERT INTO` a filesystem table.
//!
//! Each statement writes new part files `part-<uuid>-0-<n>.<ext>` into the
//! directory and never touches existing ones. A part is written under a
//! hidden in-progress name (`.part-…inprogress`, which every reader skips)
//! and renamed into place once complete and synced, so a reader, including a
//! monitored scan, never sees a partial file.
//!
//! Parts roll over like Flink's rolling policy: when a part reaches
//! `sink.rolling-policy.file-size`, when it has been open for
//! `sink.rolling-policy.rollover-interval`, or when nothing was written to it
//! for `sink.rolling-policy.inactivity-interval`; the time limits also apply
//! while the input is idle, so an insert fed by an unbounded source makes its
//! rows visible as it goes.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::json::writer::LineDelimited;
use datafusion::datasource::sink::DataSink;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType};
use futures::StreamExt;
use uuid::Uuid;

use super::format::{Format, prepare_text};

/// When a part file is closed and a new one begun.
#[derive(Debug, Clone, Copy)]
pub(super) struct RollingPolicy {
    /// `sink.rolling-policy.file-size`: bytes after which a part is closed.
    pub(super) file_size: u64,
    /// `sink.rolling-policy.rollover-interval`: the longest a part stays open.
    pub(super) rollover_interval: Duration,
    /// `sink.rolling-policy.inactivity-interval`: how long a part may go
    /// without a write before it is closed.
    pub(super) inactivity_interval: Duration,
}

/// Writes an insert's rows as new files of the table's format.
#[derive(Debug)]
pub(super) struct FileSink {
    /// The table name, for messages.
    table: String,
    /// The table's columns, as written.
    schema: SchemaRef,
    /// The table directory (created when missing).
    dir: PathBuf,
    /// How the files are encoded.
    format: Format,
    /// When parts roll over.
    rolling: RollingPolicy,
}

impl FileSink {
    /// A sink writing into `dir`.
    pub(super) fn new(table: String, schema: SchemaRef, dir: PathBuf, format: Format, rolling: RollingPolicy) -> Self {
        FileSink { table, schema, dir, format, rolling }
    }

    /// Write every batch of `data`; the number of rows written.
    async fn write(&self, mut data: SendableRecordBatchStream) -> Result<u64, DataFusionError> {
        let (dir, table) = (self.dir.clone(), self.table.clone());
        blocking(move || {
            if dir.is_file() {
                return Err(DataFusionError::Execution(format!(
                    "Cannot insert into table {table}: its path '{}' is a file, and the 'filesystem' connector writes new files into a directory.",
                    dir.display()
                )));
            }
            fs::create_dir_all(&dir).map_err(|e| write_error(&dir, e))
        })
        .await??;
        let write_id = Uuid::new_v4().simple().to_string();
        let mut parts = 0usize;
        let mut part: Option<PartFile> = None;
        let mut rows = 0u64;
        loop {
            let next = match &part {
                Some(open) => {
                    let deadline = open.deadline(&self.rolling);
                    match tokio::time::timeout_at(deadline.into(), data.next()).await {
                        Ok(next) => next,
                        Err(_) => {
                            if let Some(due) = part.take() {
                                commit(due).await?;
                            }
                            continue;
                        }
                    }
                }
                None => data.next().await,
            };
            let batch = match next {
                None => break,
                Some(Ok(batch)) => batch,
                // The in-progress part is removed when dropped.
                Some(Err(e)) => return Err(e),
            };
            if batch.num_rows() == 0 {
                continue;
            }
            // Written under the table's column names (JSON keys, Parquet
            // schema), whatever the input's own names.
            let batch = RecordBatch::try_new(self.schema.clone(), batch.columns().to_vec())
                .map_err(|e| write_error(&self.dir, e))?;
            rows += batch.num_rows() as u64;
            let current = match part.take() {
                Some(current) => current,
                None => {
                    let (dir, format, schema) = (self.dir.clone(), self.format.clone(), self.schema.clone());
                    let name = format!("part-{write_id}-0-{parts}.{}", format.name());
                    parts += 1;
                    blocking(move || PartFile::create(&dir, &name, &format, schema)).await??
                }
            };
            let current = blocking(move || {
                let mut current = current;
                current.write(&batch).map(|()| current)
            })
            .await??;
            if current.size() >= self.rolling.file_size || Instant::now() >= current.deadline(&self.rolling) {
                commit(current).await?;
            } else {
                part = Some(current);
            }
        }
        if let Some(last) = part {
            commit(last).await?;
        }
        Ok(rows)
    }
}

/// Finish a part and make it visible.
async fn commit(part: PartFile) -> Result<(), DataFusionError> {
    blocking(move || part.commit()).await?
}

/// Run blocking file work off the async runtime's threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, DataFusionError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DataFusionError::Execution(format!("File writing task failed: {e}")))
}

/// Error for a file that cannot be written.
fn write_error(path: &Path, error: impl fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("Failed to write file '{}': {error}", path.display()))
}

impl DisplayAs for FileSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileSink: path={}, format={}", self.dir.display(), self.format.name())
    }
}

#[async_trait]
impl DataSink for FileSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(&self, data: SendableRecordBatchStream, _context: &Arc<TaskContext>) -> Result<u64, DataFusionError> {
        self.write(data).await
    }
}

/// A writer that counts the bytes it passes on, to roll parts by size (the
/// count is shared because the CSV writer does not lend its inner writer).
struct Counting<W> {
    /// Where the bytes go.
    inner: W,
    /// How many went.
    written: Arc<AtomicU64>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The encoder of one part (boxed: the encoders differ much in size).
enum PartWriter {
    /// CSV.
    Csv(Box<datafusion::arrow::csv::Writer<Counting<BufWriter<File>>>>),
    /// Line-delimited JSON.
    Json(Box<datafusion::arrow::json::Writer<Counting<BufWriter<File>>, LineDelimited>>),
    /// Parquet (buffers a row group in memory; `size` counts it).
    Parquet(Box<ArrowWriter<File>>),
}

/// A part file being written under its hidden in-progress name.
struct PartFile {
    /// The in-progress path.
    temp: PathBuf,
    /// The visible path it is renamed to.
    dest: PathBuf,
    /// The encoder; taken when the part is committed.
    writer: Option<PartWriter>,
    /// When the part was opened.
    opened: Instant,
    /// When it was last written to.
    last_write: Instant,
    /// Bytes the text encoders have passed to the file.
    written: Arc<AtomicU64>,
}

impl PartFile {
    /// Create `.<name>.inprogress` in `dir`, to become `name`.
    fn create(dir: &Path, name: &str, format: &Format, schema: SchemaRef) -> Result<Self, DataFusionError> {
        let temp = dir.join(format!(".{name}.inprogress"));
        let dest = dir.join(name);
        let file = File::create_new(&temp).map_err(|e| write_error(&temp, e))?;
        let written = Arc::new(AtomicU64::new(0));
        let writer = match format {
            Format::Csv(csv) => {
                let mut builder = datafusion::arrow::csv::WriterBuilder::new()
                    .with_header(false)
                    .with_delimiter(csv.delimiter)
                    .with_timestamp_format("%Y-%m-%d %H:%M:%S%.f".to_string())
                    .with_timestamp_tz_format("%Y-%m-%d %H:%M:%S%.fZ".to_string())
                    .with_null(csv.null_literal.clone().unwrap_or_default());
                builder = match csv.quote {
                    Some(quote) => builder.with_quote(quote),
                    None => builder.with_quote_style(datafusion::arrow::csv::QuoteStyle::Never),
                };
                if let Some(escape) = csv.escape {
                    builder = builder.with_escape(escape).with_double_quote(false);
                }
                PartWriter::Csv(Box::new(builder.build(Counting { inner: BufWriter::new(file), written: written.clone() })))
            }
            Format::Json(json) => {
                let separator = if json.iso_timestamps { 'T' } else { ' ' };
                let builder = datafusion::arrow::json::WriterBuilder::new()
                    .with_explicit_nulls(!json.ignore_null_fields)
                    .with_timestamp_format(format!("%Y-%m-%d{separator}%H:%M:%S%.f"))
                    .with_timestamp_tz_format(format!("%Y-%m-%d{separator}%H:%M:%S%.fZ"));
                PartWriter::Json(Box::new(builder.build(Counting { inner: BufWriter::new(file), written: written.clone() })))
            }
            Format::Parquet(parquet) => {
                let mut properties = WriterProperties::builder().set_compression(parquet.compression);
                if let Some(bytes) = parquet.block_size {
                    properties = properties.set_max_row_group_bytes(Some(bytes));
                }
                if let Some(bytes) = parquet.page_size {
                    properties = properties.set_data_page_size_limit(bytes);
                }
                if let Some(enabled) = parquet.dictionary {
                    properties = properties.set_dictionary_enabled(enabled);
                }
                let properties = properties.build();
                PartWriter::Parquet(Box::new(
                    ArrowWriter::try_new(file, schema, Some(properties)).map_err(|e| write_error(&temp, e))?,
                ))
            }
        };
        let now = Instant::now();
        Ok(PartFile { temp, dest, writer: Some(writer), opened: now, last_write: now, written })
    }

    /// Append a batch.
    fn write(&mut self, batch: &RecordBatch) -> Result<(), DataFusionError> {
        let result = match &mut self.writer {
            Some(PartWriter::Csv(writer)) => prepare_text(batch).and_then(|batch| writer.write(&batch)),
            Some(PartWriter::Json(writer)) => prepare_text(batch).and_then(|batch| writer.write(&batch)),
            Some(PartWriter::Parquet(writer)) => writer.write(batch).map_err(Into::into),
            None => return Err(write_error(&self.temp, "the part file is already closed")),
        };
        self.last_write = Instant::now();
        result.map_err(|e| write_error(&self.temp, e))
    }

    /// Bytes written so far (for Parquet, including the row group still in memory).
    fn size(&self) -> u64 {
        match &self.writer {
            Some(PartWriter::Csv(_) | PartWriter::Json(_)) => self.written.load(Ordering::Relaxed),
            Some(PartWriter::Parquet(writer)) => (writer.bytes_written() + writer.in_progress_size()) as u64,
            None => 0,
        }
    }

    /// When the part must be closed even if no more rows come.
    fn deadline(&self, rolling: &RollingPolicy) -> Instant {
        (self.opened + rolling.rollover_interval).min(self.last_write + rolling.inactivity_interval)
    }

    /// Finish the encoding, sync, and rename into place.
    fn commit(mut self) -> Result<(), DataFusionError> {
        let file = match self.writer.take() {
            Some(PartWriter::Csv(writer)) => (*writer).into_inner().inner.into_inner().map_err(|e| e.into_error()),
            Some(PartWriter::Json(mut writer)) => {
                writer.finish().map_err(|e| write_error(&self.temp, e))?;
                (*writer).into_inner().inner.into_inner().map_err(|e| e.into_error())
            }
            Some(PartWriter::Parquet(writer)) => (*writer).into_inner().map_err(io::Error::other),
            None => return Ok(()),
        };
        let file = file.map_err(|e| write_error(&self.temp, e))?;
        file.sync_all().map_err(|e| write_error(&self.temp, e))?;
        drop(file);
        fs::rename(&self.temp, &self.dest).map_err(|e| write_error(&self.dest, e))?;
        tracing::debug!(file = %self.dest.display(), "part file committed");
        Ok(())
    }
}

impl Drop for PartFile {
    /// A part that was not committed (failed or canceled insert) is removed,
    /// so no in-progress file outlives its statement.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}
