//! Decoding one file of a filesystem table, a batch at a time: CSV and JSON
//! lines with the table's declared types (Flink's formats: no header, one
//! object per line), Parquet matched by column name.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::error::DataFusionError;
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::format::{Format, conform, text_read_type};

use super::read::Source;

/// Decodes one file, a batch at a time.
pub(super) trait BatchReader: Send {
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
pub(super) fn open(
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
