//! Reading a table's files: listing them, decoding one file batch by batch,
//! and the partition streams that a scan runs.
//!
//! A scan is a set of [`FilePartition`]s under DataFusion's
//! `StreamingTableExec`. A bounded scan lists the files when it is planned and
//! splits them over the partitions; a monitored scan has one partition that
//! lists the directory every interval and reads each file it has not seen, by
//! path, exactly once, for ever.
//!
//! Every file operation runs on tokio's blocking pool, one batch per poll:
//! nothing is read ahead of the consumer, so a consumer that stops polling
//! stops the reading and memory stays at one batch per partition.

use std::collections::{HashSet, VecDeque};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::compute::{concat_batches, regexp_is_match_scalar};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::PartitionStream;

use super::format::{Format, conform, text_read_type};
use crate::engine::connector::roots::DataRoots;

/// What every scan of one table shares.
#[derive(Debug)]
pub(super) struct Source {
    /// Table name, for log lines.
    pub(super) table: String,
    /// The canonical `path`: a directory or a single file.
    pub(super) path: PathBuf,
    /// How the files are encoded.
    pub(super) format: Format,
    /// The table's physical columns.
    pub(super) schema: SchemaRef,
    /// `source.path.regex-pattern`, matched against whole paths.
    pub(super) regex: Option<String>,
    /// Symlinks found while listing must point inside these.
    pub(super) roots: DataRoots,
}

/// Which files a partition reads.
#[derive(Debug, Clone)]
pub(super) enum Files {
    /// These, in this order, then the partition ends.
    Listed(Vec<PathBuf>),
    /// Whatever appears under the path, listed every interval, never ending.
    Monitored(Duration),
}

/// One partition of a scan.
#[derive(Debug)]
pub(super) struct FilePartition {
    /// The table the files belong to.
    source: Arc<Source>,
    /// Table column indices to produce; `None` for all.
    projection: Option<Vec<usize>>,
    /// The schema of the produced batches (the projected table schema).
    output: SchemaRef,
    /// The files to read.
    files: Files,
}

impl FilePartition {
    /// A partition producing the `projection` of `source`'s columns from `files`.
    pub(super) fn new(source: Arc<Source>, projection: Option<Vec<usize>>, files: Files) -> Result<Self, DataFusionError> {
        let output = match &projection {
            Some(indices) => Arc::new(source.schema.project(indices)?),
            None => source.schema.clone(),
        };
        Ok(FilePartition { source, projection, output, files })
    }
}

impl PartitionStream for FilePartition {
    fn schema(&self) -> &SchemaRef {
        &self.output
    }

    fn execute(&self, ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let (pending, monitor) = match &self.files {
            Files::Listed(files) => (files.iter().cloned().collect(), None),
            Files::Monitored(interval) => (VecDeque::new(), Some(*interval)),
        };
        let scan = Scan {
            source: self.source.clone(),
            projection: self.projection.clone(),
            output: self.output.clone(),
            batch_size: ctx.session_config().batch_size().max(1),
            pending,
            current: None,
            monitor,
            seen: HashSet::new(),
            listed: false,
            done: false,
        };
        let stream = futures::stream::unfold(scan, |mut scan| async move { scan.next().await.map(|item| (item, scan)) });
        Box::pin(RecordBatchStreamAdapter::new(self.output.clone(), stream))
    }
}

/// The state of one running partition.
struct Scan {
    /// The table.
    source: Arc<Source>,
    /// Table column indices to produce.
    projection: Option<Vec<usize>>,
    /// Schema of the produced batches.
    output: SchemaRef,
    /// Rows per batch (`datafusion.execution.batch_size`).
    batch_size: usize,
    /// Files still to open, in order.
    pending: VecDeque<PathBuf>,
    /// The file being read.
    current: Option<Box<dyn BatchReader>>,
    /// The listing interval of a monitored scan.
    monitor: Option<Duration>,
    /// Every file a monitored scan has queued, so none is read twice.
    seen: HashSet<PathBuf>,
    /// Whether a monitored scan has listed once (the first listing is immediate).
    listed: bool,
    /// Set after an error: the stream ends.
    done: bool,
}

impl Scan {
    /// The next batch, or `None` when a bounded scan has read everything.
    async fn next(&mut self) -> Option<Result<RecordBatch, DataFusionError>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(mut reader) = self.current.take() {
                let (reader, result) = match blocking(move || {
                    let result = reader.next_batch();
                    (reader, result)
                })
                .await
                {
                    Ok(done) => done,
                    Err(e) => return self.fail(e),
                };
                match result {
                    Ok(Some(batch)) => {
                        self.current = Some(reader);
                        if batch.num_rows() > 0 {
                            return Some(Ok(batch));
                        }
                    }
                    Ok(None) => {}
                    Err(e) => return self.fail(e),
                }
                continue;
            }
            if let Some(path) = self.pending.pop_front() {
                let source = self.source.clone();
                let projection = self.projection.clone();
                let output = self.output.clone();
                let batch_size = self.batch_size;
                match blocking(move || open(&path, &source, projection.as_deref(), output, batch_size)).await {
                    Ok(Ok(reader)) => self.current = reader,
                    Ok(Err(e)) | Err(e) => return self.fail(e),
                }
                continue;
            }
            let interval = self.monitor?;
            if self.listed {
                tokio::time::sleep(interval).await;
            }
            self.listed = true;
            let source = self.source.clone();
            match blocking(move || list_files(&source)).await {
                Ok(Ok(files)) => {
                    for file in files {
                        if self.seen.insert(file.clone()) {
                            tracing::debug!(table = %self.source.table, file = %file.display(), "new file to read");
                            self.pending.push_back(file);
                        }
                    }
                }
                // A listing that fails (say the directory is being replaced)
                // is retried at the next interval rather than ending the query.
                Ok(Err(e)) => tracing::warn!(table = %self.source.table, path = %self.source.path.display(), "cannot list files: {e}"),
                Err(e) => return self.fail(e),
            }
        }
    }

    /// End the stream with `error`.
    fn fail(&mut self, error: DataFusionError) -> Option<Result<RecordBatch, DataFusionError>> {
        self.done = true;
        self.current = None;
        Some(Err(error))
    }
}

/// Run blocking file work off the async runtime's threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, DataFusionError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DataFusionError::Execution(format!("File reading task failed: {e}")))
}

/// Whether a file or directory name is hidden from readers, as in Flink:
/// names starting with `.` or `_` (in-progress files, markers).
pub(super) fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

/// The visible files under the source path (recursively, not following
/// symlinked directories), filtered by the regex and sorted by path. A path
/// that does not exist yet has no files; a path naming one file is that file.
pub(super) fn list_files(source: &Source) -> io::Result<Vec<PathBuf>> {
    let metadata = match fs::metadata(&source.path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    if !metadata.is_dir() {
        return Ok(vec![source.path.clone()]);
    }
    let mut files = Vec::new();
    let mut dirs = vec![source.path.clone()];
    while let Some(dir) = dirs.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            // A subdirectory removed since it was seen.
            Err(e) if e.kind() == io::ErrorKind::NotFound && dir != source.path => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            if is_hidden(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                dirs.push(path);
            } else if file_type.is_file() {
                files.push(path);
            } else if file_type.is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(target) if target.is_file() && source.roots.contains(&target) => files.push(path),
                    _ => tracing::warn!(table = %source.table, file = %path.display(), "skipping a symlink that does not lead to a file inside the data directories"),
                }
            }
        }
    }
    if let Some(regex) = &source.regex {
        files = filter_by_regex(files, &source.path, regex)?;
    }
    files.sort();
    Ok(files)
}

/// The files whose absolute path, or path relative to the table directory,
/// matches `regex` entirely.
fn filter_by_regex(files: Vec<PathBuf>, base: &Path, regex: &str) -> io::Result<Vec<PathBuf>> {
    let pattern = anchored(regex);
    let absolute: StringArray = files.iter().map(|f| Some(f.to_string_lossy().into_owned())).collect();
    let relative: StringArray =
        files.iter().map(|f| Some(f.strip_prefix(base).unwrap_or(f).to_string_lossy().into_owned())).collect();
    let by_absolute = regexp_is_match_scalar(&absolute, &pattern, None).map_err(io::Error::other)?;
    let by_relative = regexp_is_match_scalar(&relative, &pattern, None).map_err(io::Error::other)?;
    Ok(files
        .into_iter()
        .enumerate()
        .filter(|(i, _)| by_absolute.value(*i) || by_relative.value(*i))
        .map(|(_, f)| f)
        .collect())
}

/// A regex that must match a whole string, as Java's `Matcher.matches`.
pub(super) fn anchored(regex: &str) -> String {
    format!("^(?:{regex})$")
}

/// Check that `regex` compiles.
pub(super) fn check_regex(regex: &str) -> Result<(), String> {
    let none: StringArray = StringArray::from(vec![""]);
    regexp_is_match_scalar(&none, &anchored(regex), None).map(|_| ()).map_err(|e| e.to_string())
}

/// Decodes one file, a batch at a time.
trait BatchReader: Send {
    /// The next batch, `None` at the end of the file.
    fn next_batch(&mut self) -> Result<Option<RecordBatch>, DataFusionError>;
}

/// What a reader produces and what it reads to get there.
struct Columns {
    /// Table fields to read, with their declared types: the projection, or the
    /// first column when the scan needs none (only row counts).
    target: SchemaRef,
    /// Their indices in the table schema.
    indices: Vec<usize>,
    /// The produced batches' schema.
    output: SchemaRef,
}

/// Error for a file that cannot be read.
fn file_error(path: &Path, error: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("Failed to read file '{}': {error}", path.display()))
}

/// Open `path` for reading; `None` when it is gone (removed since listed) or
/// the table has no columns to read.
fn open(
    path: &Path,
    source: &Source,
    projection: Option<&[usize]>,
    output: SchemaRef,
    batch_size: usize,
) -> Result<Option<Box<dyn BatchReader>>, DataFusionError> {
    let table = &source.schema;
    let mut indices: Vec<usize> = projection.map_or_else(|| (0..table.fields().len()).collect(), <[usize]>::to_vec);
    if indices.is_empty() {
        if table.fields().is_empty() {
            return Ok(None);
        }
        indices.push(0);
    }
    let target = Arc::new(table.project(&indices)?);
    let columns = Columns { target, indices, output };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(path, e)),
    };
    let path = path.to_path_buf();
    let reader: Box<dyn BatchReader> = match &source.format {
        Format::Csv(csv) => {
            // Read every column as text; `conform` casts (see format.rs).
            let text = Schema::new(
                table.fields().iter().map(|f| Field::new(f.name(), DataType::Utf8, true)).collect::<Vec<_>>(),
            );
            let mut builder = datafusion::arrow::csv::ReaderBuilder::new(Arc::new(text))
                .with_header(false)
                .with_delimiter(csv.delimiter)
                // Without a quote character, NUL stands in: it does not occur
                // in text, so no field is ever taken as quoted.
                .with_quote(csv.quote.unwrap_or(0))
                .with_batch_size(batch_size)
                .with_projection(columns.indices.clone())
                .with_truncated_rows(csv.ignore_parse_errors);
            if let Some(escape) = csv.escape {
                builder = builder.with_escape(escape);
            }
            if csv.allow_comments {
                builder = builder.with_comment(b'#');
            }
            let reader = builder.build(file).map_err(|e| file_error(&path, e))?;
            Box::new(CsvReader {
                path,
                reader,
                columns,
                ignore_errors: csv.ignore_parse_errors,
                null_literal: csv.null_literal.clone(),
                finished: false,
            })
        }
        Format::Json(json) => {
            // All fields nullable: a missing key is then NULL for `conform`
            // to judge against NOT NULL, with the gateway's message.
            let read = Schema::new(
                columns
                    .target
                    .fields()
                    .iter()
                    .map(|f| Field::new(f.name(), text_read_type(f.data_type()), true))
                    .collect::<Vec<_>>(),
            );
            Box::new(JsonReader {
                path,
                input: BufReader::new(file),
                read: Arc::new(read),
                columns,
                batch_size,
                ignore_errors: json.ignore_parse_errors,
                line: 0,
                chunk: Vec::new(),
                starts: Vec::new(),
                finished: false,
            })
        }
        Format::Parquet(_) => {
            let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| file_error(&path, e))?;
            let file_schema = builder.schema().clone();
            // Columns are matched by name; the ones the file lacks are NULL.
            let roots: Vec<usize> =
                columns.target.fields().iter().filter_map(|f| file_schema.index_of(f.name()).ok()).collect();
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            let reader = builder
                .with_projection(mask)
                .with_batch_size(batch_size)
                .build()
                .map_err(|e| file_error(&path, e))?;
            Box::new(ParquetReader { path, reader, columns })
        }
    };
    Ok(Some(reader))
}

/// A CSV file.
struct CsvReader {
    /// The file, for messages.
    path: PathBuf,
    /// arrow's reader over the text columns.
    reader: datafusion::arrow::csv::Reader<File>,
    /// What to produce.
    columns: Columns,
    /// `csv.ignore-parse-errors`.
    ignore_errors: bool,
    /// `csv.null-literal`.
    null_literal: Option<String>,
    /// Set when the rest of the file is skipped.
    finished: bool,
}

impl BatchReader for CsvReader {
    fn next_batch(&mut self) -> Result<Option<RecordBatch>, DataFusionError> {
        if self.finished {
            return Ok(None);
        }
        match self.reader.next() {
            None => Ok(None),
            Some(Ok(batch)) => conform(&batch, &self.columns.target, &self.columns.output, self.ignore_errors, self.null_literal.as_deref())
                .map(Some)
                .map_err(|e| file_error(&self.path, e)),
            // The reader cannot resume after a malformed record (say one with
            // too many fields), so a lenient scan gives up on the rest of
            // this file only.
            Some(Err(e)) if self.ignore_errors => {
                tracing::warn!(file = %self.path.display(), "skipping the rest of a CSV file that does not parse: {e}");
                self.finished = true;
                Ok(None)
            }
            Some(Err(e)) => Err(file_error(&self.path, e)),
        }
    }
}

/// A file of JSON objects, one per line.
struct JsonReader {
    /// The file, for messages.
    path: PathBuf,
    /// The file's bytes.
    input: BufReader<File>,
    /// The decoder's schema: the target fields, nullable, binary as text.
    read: SchemaRef,
    /// What to produce.
    columns: Columns,
    /// Lines per batch.
    batch_size: usize,
    /// `json.ignore-parse-errors`: lines that do not parse are skipped.
    ignore_errors: bool,
    /// Number of the last line read (1-based), for messages.
    line: usize,
    /// The lines of the batch being decoded, each ending in a newline.
    chunk: Vec<u8>,
    /// Where each line of `chunk` starts, and its line number.
    starts: Vec<(usize, usize)>,
    /// Set at the end of the file.
    finished: bool,
}

impl JsonReader {
    /// Decode JSON values into one batch.
    fn decode(&self, bytes: &[u8]) -> Result<Option<RecordBatch>, String> {
        let mut decoder = datafusion::arrow::json::ReaderBuilder::new(self.read.clone())
            .with_batch_size(self.batch_size)
            .build_decoder()
            .map_err(|e| e.to_string())?;
        let mut batches = Vec::new();
        let mut offset = 0;
        while offset < bytes.len() {
            let consumed = decoder.decode(&bytes[offset..]).map_err(|e| e.to_string())?;
            offset += consumed;
            match decoder.flush().map_err(|e| e.to_string())? {
                Some(batch) => batches.push(batch),
                None if consumed == 0 => break,
                None => {}
            }
        }
        if let Some(batch) = decoder.flush().map_err(|e| e.to_string())? {
            batches.push(batch);
        }
        match batches.len() {
            0 => Ok(None),
            1 => Ok(batches.pop()),
            _ => concat_batches(&self.read, &batches).map(Some).map_err(|e| e.to_string()),
        }
    }

    /// Decode the chunk line by line, to skip (or name) the lines that fail.
    fn decode_lines(&self) -> Result<Option<RecordBatch>, DataFusionError> {
        let mut batches = Vec::new();
        for (i, &(start, line)) in self.starts.iter().enumerate() {
            let end = self.starts.get(i + 1).map_or(self.chunk.len(), |next| next.0);
            match self.decode(&self.chunk[start..end]) {
                Ok(Some(batch)) => batches.push(batch),
                Ok(None) => {}
                Err(e) if self.ignore_errors => {
                    tracing::warn!(file = %self.path.display(), line, "skipping a JSON line that does not parse: {e}");
                }
                Err(e) => return Err(file_error(&self.path, format!("line {line}: {e}"))),
            }
        }
        if batches.is_empty() {
            return Ok(None);
        }
        concat_batches(&self.read, &batches).map(Some).map_err(|e| file_error(&self.path, e))
    }
}

impl BatchReader for JsonReader {
    fn next_batch(&mut self) -> Result<Option<RecordBatch>, DataFusionError> {
        while !self.finished {
            self.chunk.clear();
            self.starts.clear();
            while self.starts.len() < self.batch_size {
                let start = self.chunk.len();
                let read = self.input.read_until(b'\n', &mut self.chunk).map_err(|e| file_error(&self.path, e))?;
                if read == 0 {
                    self.finished = true;
                    break;
                }
                self.line += 1;
                if self.chunk[start..].iter().all(u8::is_ascii_whitespace) {
                    self.chunk.truncate(start);
                    continue;
                }
                if self.chunk.last() != Some(&b'\n') {
                    self.chunk.push(b'\n');
                }
                self.starts.push((start, self.line));
            }
            if self.starts.is_empty() {
                continue;
            }
            let decoded = match self.decode(&self.chunk) {
                Ok(batch) => batch,
                Err(_) => self.decode_lines()?,
            };
            let Some(batch) = decoded else { continue };
            let ignore = self.ignore_errors;
            return conform(&batch, &self.columns.target, &self.columns.output, ignore, None)
                .map(Some)
                .map_err(|e| file_error(&self.path, e));
        }
        Ok(None)
    }
}

/// A Parquet file.
struct ParquetReader {
    /// The file, for messages.
    path: PathBuf,
    /// The decoder, projected to the needed columns.
    reader: ParquetRecordBatchReader,
    /// What to produce.
    columns: Columns,
}

impl BatchReader for ParquetReader {
    fn next_batch(&mut self) -> Result<Option<RecordBatch>, DataFusionError> {
        match self.reader.next() {
            None => Ok(None),
            Some(Ok(batch)) => conform(&batch, &self.columns.target, &self.columns.output, false, None)
                .map(Some)
                .map_err(|e| file_error(&self.path, e)),
            Some(Err(e)) => Err(file_error(&self.path, e)),
        }
    }
}
