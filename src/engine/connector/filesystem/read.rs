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
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::compute::regexp_is_match_scalar;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::PartitionStream;

use super::decode::{BatchReader, open};
use super::format::Format;
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
