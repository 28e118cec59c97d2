//! In-memory tables (CREATE TABLE without a connector) whose rows survive a
//! restart: each INSERT writes its rows as one Parquet part in the table's
//! data directory, synced, before it reports success; opening the table
//! reads the parts back.
//!
//! Layout of a data directory: `g<generation>-<seq>.parquet` parts and a
//! `GENERATION` file naming the live generation (0 when absent). A part is
//! written to a temporary name, synced and renamed, so a crash leaves whole
//! parts or none. INSERT OVERWRITE writes the next generation's part, then
//! switches `GENERATION` the same way: a crash before the switch keeps the
//! old rows, after it the new ones. Parts of other generations and
//! temporary files are leftovers of a crash and are removed on open.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::stats::Precision;
use datafusion::common::{SchemaExt, Statistics};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::sink::{DataSink, DataSinkExec};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan};
use futures::StreamExt;

/// The file naming the live generation.
const GENERATION_FILE: &str = "GENERATION";

/// An in-memory table, durable when it has a data directory.
#[derive(Debug, Clone)]
pub struct MemoryTable {
    /// Shared with the sinks of running INSERTs.
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The table's columns.
    schema: SchemaRef,
    /// Committed rows, in commit order.
    batches: RwLock<Vec<RecordBatch>>,
    /// Where its parts live; `None` keeps the rows in memory only.
    dir: Option<PathBuf>,
    /// Commits one at a time: part numbers and generation switches.
    commit: tokio::sync::Mutex<Parts>,
}

/// Numbering of the parts.
#[derive(Debug, Default, Clone, Copy)]
struct Parts {
    /// The live generation.
    generation: u64,
    /// The number of the next part.
    next: u64,
}

fn io_error(context: &str, path: &Path, e: impl fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("Cannot {context} {}: {e}", path.display()))
}

/// `(generation, seq)` of a part's file name.
fn part_number(name: &str) -> Option<(u64, u64)> {
    let (generation, seq) = name.strip_prefix('g')?.strip_suffix(".parquet")?.split_once('-')?;
    Some((generation.parse().ok()?, seq.parse().ok()?))
}

/// Make a directory's entries durable (a created or renamed file in it).
fn sync_dir(dir: &Path) -> Result<(), DataFusionError> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io_error("sync", dir, e))
}

/// Write `content` to `dir/name` atomically: temporary file, sync, rename, sync the directory.
fn write_atomically(dir: &Path, name: &str, content: impl FnOnce(fs::File) -> Result<fs::File, DataFusionError>) -> Result<(), DataFusionError> {
    let temp = dir.join(format!(".{name}.tmp"));
    let file = fs::File::create(&temp).map_err(|e| io_error("create", &temp, e))?;
    let file = content(file)?;
    file.sync_all().map_err(|e| io_error("sync", &temp, e))?;
    let dest = dir.join(name);
    fs::rename(&temp, &dest).map_err(|e| io_error("rename", &dest, e))?;
    sync_dir(dir)
}

/// `batch` with the table's schema (casting where the file's types differ).
fn conform(batch: RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, DataFusionError> {
    if batch.schema().fields().iter().zip(schema.fields()).all(|(a, b)| a.data_type() == b.data_type()) && batch.num_columns() == schema.fields().len() {
        return RecordBatch::try_new(schema.clone(), batch.columns().to_vec()).map_err(DataFusionError::from);
    }
    let columns = batch.columns().iter().zip(schema.fields()).map(|(c, f)| cast(c, f.data_type())).collect::<Result<Vec<_>, _>>()?;
    RecordBatch::try_new(schema.clone(), columns).map_err(DataFusionError::from)
}

impl MemoryTable {
    /// An empty table kept in memory only.
    pub fn in_memory(schema: SchemaRef) -> Self {
        Self::with(schema, Vec::new(), None, Parts::default())
    }

    fn with(schema: SchemaRef, batches: Vec<RecordBatch>, dir: Option<PathBuf>, parts: Parts) -> Self {
        MemoryTable { inner: Arc::new(Inner { schema, batches: RwLock::new(batches), dir, commit: tokio::sync::Mutex::new(parts) }) }
    }

    /// The table whose parts live in `dir`: its committed rows read back,
    /// leftovers of a crash removed. A missing directory is an empty table.
    pub fn open(schema: SchemaRef, dir: PathBuf) -> Result<Self, DataFusionError> {
        if !dir.exists() {
            return Ok(Self::with(schema, Vec::new(), Some(dir), Parts::default()));
        }
        let generation = match fs::read_to_string(dir.join(GENERATION_FILE)) {
            Ok(text) => text.trim().parse().map_err(|e| io_error("read the generation in", &dir, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(io_error("read", &dir.join(GENERATION_FILE), e)),
        };
        let mut live = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| io_error("list", &dir, e))? {
            let entry = entry.map_err(|e| io_error("list", &dir, e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            match part_number(&name) {
                Some((g, seq)) if g == generation => live.push((seq, entry.path())),
                _ if name == GENERATION_FILE => {}
                _ => fs::remove_file(entry.path()).map_err(|e| io_error("remove the leftover", &entry.path(), e))?,
            }
        }
        live.sort();
        let mut batches = Vec::new();
        for (_, path) in &live {
            let file = fs::File::open(path).map_err(|e| io_error("open", path, e))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file).and_then(|b| b.build()).map_err(|e| io_error("read", path, e))?;
            for batch in reader {
                batches.push(conform(batch.map_err(|e| io_error("read", path, e))?, &schema)?);
            }
        }
        let next = live.last().map(|(seq, _)| seq + 1).unwrap_or(0);
        Ok(Self::with(schema, batches, Some(dir), Parts { generation, next }))
    }

    /// Remove the data directory of a dropped table.
    pub fn remove_data(dir: &Path) {
        if let Err(e) = fs::remove_dir_all(dir)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot remove a dropped table's data");
        }
    }

    /// Commit `batches`: appended, or in place of every row (`overwrite`).
    /// Durable before the rows become visible.
    pub async fn commit(&self, batches: Vec<RecordBatch>, overwrite: bool) -> Result<u64, DataFusionError> {
        let inner = &self.inner;
        let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
        let mut parts = inner.commit.lock().await;
        if let Some(dir) = inner.dir.clone() {
            let (schema, written, current) = (inner.schema.clone(), batches.clone(), *parts);
            let next = tokio::task::spawn_blocking(move || write_part(&dir, &schema, &written, current, overwrite))
                .await
                .map_err(|e| DataFusionError::Execution(format!("the write of a table's rows stopped: {e}")))??;
            *parts = next;
        }
        let mut live = inner.batches.write().map_err(|_| DataFusionError::Execution("table lock poisoned".into()))?;
        if overwrite {
            live.clear();
        }
        live.extend(batches.into_iter().filter(|b| b.num_rows() > 0));
        Ok(rows)
    }
}

/// Write one commit's part; answers the numbering after it.
fn write_part(dir: &Path, schema: &SchemaRef, batches: &[RecordBatch], parts: Parts, overwrite: bool) -> Result<Parts, DataFusionError> {
    fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    let (generation, seq) = if overwrite { (parts.generation + 1, 0) } else { (parts.generation, parts.next) };
    if batches.iter().any(|b| b.num_rows() > 0) {
        write_atomically(dir, &format!("g{generation}-{seq}.parquet"), |file| {
            let mut writer = ArrowWriter::try_new(file, schema.clone(), None)?;
            for batch in batches {
                writer.write(batch)?;
            }
            Ok(writer.into_inner()?)
        })?;
    }
    if overwrite {
        write_atomically(dir, GENERATION_FILE, |mut file| {
            std::io::Write::write_all(&mut file, generation.to_string().as_bytes()).map_err(|e| io_error("write", dir, e))?;
            Ok(file)
        })?;
        // The old generation is no longer read; a failure here is cleaned up on open.
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                if part_number(&entry.file_name().to_string_lossy()).is_some_and(|(g, _)| g != generation) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }
    Ok(Parts { generation, next: seq + 1 })
}

#[async_trait]
impl TableProvider for MemoryTable {
    fn schema(&self) -> SchemaRef {
        self.inner.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    /// Exact row count and memory size: listings report them without a scan.
    fn statistics(&self) -> Option<Statistics> {
        let batches = self.inner.batches.read().ok()?;
        let mut statistics = Statistics::new_unknown(&self.inner.schema);
        statistics.num_rows = Precision::Exact(batches.iter().map(RecordBatch::num_rows).sum());
        statistics.total_byte_size = Precision::Exact(batches.iter().map(RecordBatch::get_array_memory_size).sum());
        Some(statistics)
    }

    async fn scan(&self, _state: &dyn Session, projection: Option<&Vec<usize>>, _filters: &[Expr], _limit: Option<usize>) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        let batches = self.inner.batches.read().map_err(|_| DataFusionError::Execution("table lock poisoned".into()))?.clone();
        Ok(MemorySourceConfig::try_new_exec(&[batches], self.schema(), projection.cloned())?)
    }

    async fn insert_into(&self, _state: &dyn Session, input: Arc<dyn ExecutionPlan>, insert_op: InsertOp) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        self.schema().logically_equivalent_names_and_types(&input.schema())?;
        let overwrite = match insert_op {
            InsertOp::Append => false,
            InsertOp::Overwrite => true,
            InsertOp::Replace => return Err(DataFusionError::NotImplemented("REPLACE INTO an in-memory table".into())),
        };
        Ok(Arc::new(DataSinkExec::new(input, Arc::new(MemorySink { table: self.clone(), overwrite }), None)))
    }
}

/// The rows of one INSERT, committed when they are all there.
#[derive(Debug)]
struct MemorySink {
    /// Where they go.
    table: MemoryTable,
    /// INSERT OVERWRITE.
    overwrite: bool,
}

impl DisplayAs for MemorySink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemorySink: durable={}", self.table.inner.dir.is_some())
    }
}

#[async_trait]
impl DataSink for MemorySink {
    fn schema(&self) -> &SchemaRef {
        &self.table.inner.schema
    }

    async fn write_all(&self, mut data: SendableRecordBatchStream, _context: &Arc<TaskContext>) -> Result<u64, DataFusionError> {
        let mut batches = Vec::new();
        while let Some(batch) = data.next().await {
            batches.push(conform(batch?, &self.table.inner.schema)?);
        }
        self.table.commit(batches, self.overwrite).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, Int32Array};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    fn batch(schema: &SchemaRef, values: &[i32]) -> RecordBatch {
        RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from(values.to_vec()))]).unwrap()
    }

    fn values(table: &MemoryTable) -> Vec<i32> {
        let batches = table.inner.batches.read().unwrap();
        batches.iter().flat_map(|b| b.column(0).as_any().downcast_ref::<Int32Array>().unwrap().values().to_vec()).collect()
    }

    #[tokio::test]
    async fn commits_are_read_back_and_crash_leftovers_removed() {
        let dir = std::env::temp_dir().join(format!("sluicegate-memory-{}", uuid::Uuid::new_v4().simple()));
        let schema: SchemaRef = Arc::new(Schema::new(vec![Field::new("x", DataType::Int32, true)]));
        let table = MemoryTable::open(schema.clone(), dir.clone()).unwrap();
        table.commit(vec![batch(&schema, &[1, 2])], false).await.unwrap();
        table.commit(vec![batch(&schema, &[3])], false).await.unwrap();
        assert_eq!(values(&MemoryTable::open(schema.clone(), dir.clone()).unwrap()), vec![1, 2, 3]);

        table.commit(vec![batch(&schema, &[7]), batch(&schema, &[8])], true).await.unwrap();
        table.commit(vec![batch(&schema, &[9])], false).await.unwrap();
        assert_eq!(values(&table), vec![7, 8, 9]);
        // What a crash mid-commit leaves: a temporary part, and a part of a generation never switched to.
        fs::write(dir.join(".g1-2.parquet.tmp"), b"partial").unwrap();
        fs::copy(dir.join("g1-0.parquet"), dir.join("g2-0.parquet")).unwrap();
        let reopened = MemoryTable::open(schema.clone(), dir.clone()).unwrap();
        assert_eq!(values(&reopened), vec![7, 8, 9]);
        let mut names: Vec<String> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        names.sort();
        assert_eq!(names, vec!["GENERATION", "g1-0.parquet", "g1-1.parquet"]);
        // Numbering goes on after the parts read back.
        reopened.commit(vec![batch(&schema, &[10])], false).await.unwrap();
        assert_eq!(values(&MemoryTable::open(schema, dir.clone()).unwrap()), vec![7, 8, 9, 10]);
        MemoryTable::remove_data(&dir);
        assert!(!dir.exists());
    }
}
