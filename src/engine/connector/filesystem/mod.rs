//! Flink's `filesystem` connector: the files of a directory (or one file) as
//! a table, in CSV, JSON or Parquet.
//!
//! - As a source without `source.monitor-interval`, a scan reads the visible
//!   files present when it is planned and ends: a bounded table.
//! - With `source.monitor-interval`, a scan reads the files present, then
//!   lists the directory every interval and reads each new file once, and
//!   never ends: an unbounded table, as in Flink's streaming mode.
//! - As a sink, `INSERT INTO` adds new part files, made visible atomically.
//!
//! Files and directories whose names start with `.` or `_` are hidden, as in
//! Flink; subdirectories are read too. Options keep Flink's names, defaults
//! and error messages, and `path` must lie inside the gateway's data roots.
//! `source.path.regex-pattern` must match a file's whole path, absolute or
//! relative to `path`.
//!
//! Where this differs from Flink: in CSV an empty field is NULL, for strings
//! too; `csv.ignore-parse-errors` turns values that do not parse into NULL
//! and pads short rows, but a malformed record (say one with too many fields)
//! ends the reading of that file, with a warning in the server log.
//! `INSERT OVERWRITE` is refused.
//!
//! Accepted but without effect here: `partition.default-name` and the
//! `sink.partition-commit.*`/`partition.time-extractor.*` options (tables
//! have no partition columns here), `sink.parallelism` and
//! `sink.shuffle-by-partition.enable` (one writer per insert),
//! `sink.rolling-policy.check-interval` (time limits are enforced exactly),
//! `auto-compaction`/`compaction.file-size`, `source.report-statistics`,
//! `csv.array-element-delimiter` (no nested types in CSV),
//! `csv.write-bigdecimal-in-scientific-notation` (decimals are written
//! plainly), `json.fail-on-missing-field` (a missing field is NULL; `NOT NULL`
//! columns are enforced), `json.map-null-key.*`,
//! `json.encode.decimal-as-plain-number` (always plain),
//! `json.decode.json-parser.enabled` and `parquet.utc-timezone`.

mod decode;
mod format;
pub(in crate::engine::connector) mod options;
mod read;
#[cfg(test)]
mod tests;
mod write;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::sink::DataSinkExec;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use datafusion::physical_expr::LexOrdering;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};

use super::roots::DataRoots;
use super::{TableSpec, check_supported_options};
use crate::error::{GatewayError, Result};
use format::{CsvFormat, Format, JsonFormat, ParquetFormat, csv_supports};
use read::{FilePartition, Files, Source, check_regex, list_files};
use write::{FileSink, RollingPolicy};

/// Options of the connector itself, whatever the format.
const CONNECTOR_OPTIONS: &[&str] = &[
    "connector",
    "path",
    "format",
    "source.monitor-interval",
    "source.path.regex-pattern",
    "source.report-statistics",
    "partition.default-name",
    "partition.time-extractor.kind",
    "partition.time-extractor.timestamp-formatter",
    "partition.time-extractor.timestamp-pattern",
    "sink.rolling-policy.file-size",
    "sink.rolling-policy.rollover-interval",
    "sink.rolling-policy.inactivity-interval",
    "sink.rolling-policy.check-interval",
    "sink.parallelism",
    "sink.shuffle-by-partition.enable",
    "sink.partition-commit.trigger",
    "sink.partition-commit.delay",
    "sink.partition-commit.watermark-time-zone",
    "sink.partition-commit.policy.kind",
    "sink.partition-commit.success-file-name",
    "auto-compaction",
    "compaction.file-size",
];

/// Options of the `csv` format.
const CSV_OPTIONS: &[&str] = &[
    "csv.field-delimiter",
    "csv.quote-character",
    "csv.disable-quote-character",
    "csv.allow-comments",
    "csv.ignore-parse-errors",
    "csv.array-element-delimiter",
    "csv.escape-character",
    "csv.null-literal",
    "csv.write-bigdecimal-in-scientific-notation",
];

/// Options of the `json` format.
const JSON_OPTIONS: &[&str] = &[
    "json.fail-on-missing-field",
    "json.ignore-parse-errors",
    "json.timestamp-format.standard",
    "json.map-null-key.mode",
    "json.map-null-key.literal",
    "json.encode.decimal-as-plain-number",
    "json.encode.ignore-null-fields",
    "json.decode.json-parser.enabled",
];

/// Options of the `parquet` format.
const PARQUET_OPTIONS: &[&str] =
    &["parquet.compression", "parquet.block.size", "parquet.page.size", "parquet.enable.dictionary", "parquet.utc-timezone"];

/// Flink's rolling policy defaults: 128 MiB, 30 minutes, 30 minutes.
const DEFAULT_ROLLING: RollingPolicy = RollingPolicy {
    file_size: 128 << 20,
    rollover_interval: Duration::from_secs(30 * 60),
    inactivity_interval: Duration::from_secs(30 * 60),
};

/// Build a `filesystem` table from its `WITH` options; `path` must resolve
/// inside `roots`.
pub fn create(spec: &TableSpec, roots: &DataRoots) -> Result<Arc<dyn TableProvider>> {
    let options = &spec.options;
    let get = |key: &str| options.get(key).map(String::as_str);

    let missing: Vec<&str> = ["format", "path"].into_iter().filter(|key| get(key).is_none()).collect();
    if !missing.is_empty() {
        return Err(GatewayError::Sql(format!(
            "One or more required options are missing.\n\nMissing required options are:\n\n{}",
            missing.join("\n")
        )));
    }
    let format_name = get("format").unwrap_or_default();
    let format_options = match format_name {
        "csv" => CSV_OPTIONS,
        "json" => JSON_OPTIONS,
        "parquet" => PARQUET_OPTIONS,
        other => {
            return Err(GatewayError::Sql(format!(
                "Could not find any format factory for identifier '{other}' in the classpath.\n\nThe 'filesystem' connector supports the formats: csv, json, parquet."
            )));
        }
    };
    let supported: Vec<&str> = CONNECTOR_OPTIONS.iter().chain(format_options).copied().collect();
    check_supported_options("filesystem", options.keys(), &supported)?;

    let format = parse_format(format_name, &get)?;
    if let Format::Csv(_) = format
        && let Some(field) = spec.schema.fields().iter().find(|f| !csv_supports(f.data_type()))
    {
        return Err(GatewayError::Sql(format!(
            "The 'csv' format does not support the type {} of column '{}'.",
            field.data_type(),
            field.name()
        )));
    }

    let monitor = get("source.monitor-interval")
        .map(|value| {
            let interval = options::duration("source.monitor-interval", value)?;
            if interval.is_zero() {
                return Err(GatewayError::Sql(format!(
                    "Option 'source.monitor-interval' must be positive, but was: {value}"
                )));
            }
            Ok(interval)
        })
        .transpose()?;
    let regex = get("source.path.regex-pattern").map(str::to_string);
    if let Some(regex) = &regex {
        check_regex(regex).map_err(|e| {
            GatewayError::Sql(format!("Invalid value '{regex}' for option 'source.path.regex-pattern': {e}"))
        })?;
    }
    let rolling = RollingPolicy {
        file_size: parse(&get, "sink.rolling-policy.file-size", options::memory_size)?.unwrap_or(DEFAULT_ROLLING.file_size).max(1),
        rollover_interval: parse(&get, "sink.rolling-policy.rollover-interval", options::duration)?
            .unwrap_or(DEFAULT_ROLLING.rollover_interval),
        inactivity_interval: parse(&get, "sink.rolling-policy.inactivity-interval", options::duration)?
            .unwrap_or(DEFAULT_ROLLING.inactivity_interval),
    };
    // Validated only: see the module documentation.
    parse(&get, "sink.rolling-policy.check-interval", options::duration)?;
    parse(&get, "sink.parallelism", options::positive_int)?;
    parse(&get, "compaction.file-size", options::memory_size)?;
    for key in ["source.report-statistics", "sink.shuffle-by-partition.enable", "auto-compaction"] {
        parse(&get, key, options::boolean)?;
    }

    let path = roots.resolve(get("path").unwrap_or_default())?;
    let source = Source {
        table: spec.name.clone(),
        path,
        format,
        schema: spec.schema.clone(),
        regex,
        roots: roots.clone(),
    };
    Ok(Arc::new(FileSystemTable { source: Arc::new(source), monitor, rolling }))
}

/// Parse an optional option with `parser`.
fn parse<'a, T>(
    get: &impl Fn(&str) -> Option<&'a str>,
    key: &str,
    parser: impl Fn(&str, &str) -> Result<T>,
) -> Result<Option<T>> {
    get(key).map(|value| parser(key, value)).transpose()
}

/// The format and its options.
fn parse_format<'a>(name: &str, get: &impl Fn(&str) -> Option<&'a str>) -> Result<Format> {
    let flag = |key: &str| parse(get, key, options::boolean).map(Option::unwrap_or_default);
    match name {
        "csv" => {
            let disable_quote = flag("csv.disable-quote-character")?;
            if disable_quote && get("csv.quote-character").is_some() {
                return Err(GatewayError::Sql(
                    "Format cannot define a quote character and disabled quote character at the same time.".to_string(),
                ));
            }
            let quote = parse(get, "csv.quote-character", options::single_char)?.unwrap_or(b'"');
            Ok(Format::Csv(CsvFormat {
                delimiter: parse(get, "csv.field-delimiter", options::single_char)?.unwrap_or(b','),
                quote: (!disable_quote).then_some(quote),
                escape: parse(get, "csv.escape-character", options::single_char)?,
                allow_comments: flag("csv.allow-comments")?,
                ignore_parse_errors: flag("csv.ignore-parse-errors")?,
                null_literal: get("csv.null-literal").map(str::to_string),
            }))
        }
        "json" => {
            flag("json.fail-on-missing-field")?;
            flag("json.encode.decimal-as-plain-number")?;
            flag("json.decode.json-parser.enabled")?;
            let iso_timestamps = match get("json.timestamp-format.standard").map(str::to_ascii_uppercase).as_deref() {
                None | Some("SQL") => false,
                Some("ISO-8601") => true,
                Some(_) => {
                    return Err(GatewayError::Sql(format!(
                        "Unsupported value '{}' for timestamp-format.standard. Supported values are [SQL, ISO-8601].",
                        get("json.timestamp-format.standard").unwrap_or_default()
                    )));
                }
            };
            Ok(Format::Json(JsonFormat {
                ignore_parse_errors: flag("json.ignore-parse-errors")?,
                iso_timestamps,
                ignore_null_fields: flag("json.encode.ignore-null-fields")?,
            }))
        }
        _ => {
            let compression = match get("parquet.compression") {
                None => Compression::SNAPPY,
                Some(value) => parquet_compression(value)?,
            };
            let bytes = |key: &str| parse(get, key, options::memory_size).map(|v| v.map(|n| usize::try_from(n).unwrap_or(usize::MAX)));
            flag("parquet.utc-timezone")?;
            Ok(Format::Parquet(ParquetFormat {
                compression,
                block_size: bytes("parquet.block.size")?,
                page_size: bytes("parquet.page.size")?,
                dictionary: parse(get, "parquet.enable.dictionary", options::boolean)?,
            }))
        }
    }
}

/// A `parquet.compression` codec name as Flink (parquet-mr) spells it; codecs
/// with levels take their default level unless one is given (`ZSTD(3)`).
fn parquet_compression(value: &str) -> Result<Compression> {
    let upper = value.trim().to_ascii_uppercase();
    let codec = match upper.as_str() {
        "GZIP" => Compression::GZIP(GzipLevel::default()),
        "BROTLI" => Compression::BROTLI(BrotliLevel::default()),
        "ZSTD" => Compression::ZSTD(ZstdLevel::default()),
        "LZO" => {
            return Err(GatewayError::Sql("Parquet compression 'LZO' is not supported; use SNAPPY, GZIP, ZSTD, LZ4, LZ4_RAW, BROTLI or UNCOMPRESSED.".to_string()));
        }
        _ => upper.parse::<Compression>().map_err(|_| options::bad_value("parquet.compression", value))?,
    };
    Ok(codec)
}

/// A `filesystem` table.
#[derive(Debug)]
struct FileSystemTable {
    /// What scans read.
    source: Arc<Source>,
    /// `source.monitor-interval`: set for an unbounded table.
    monitor: Option<Duration>,
    /// When written part files roll over.
    rolling: RollingPolicy,
}

impl FileSystemTable {
    /// The scan: partition streams under a `StreamingTableExec`, which is
    /// unbounded when the directory is monitored.
    async fn plan_scan(
        &self,
        state: &dyn Session,
        projection: Option<Vec<usize>>,
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        let partitions: Vec<Arc<dyn PartitionStream>> = match self.monitor {
            Some(interval) => {
                vec![Arc::new(FilePartition::new(self.source.clone(), projection.clone(), Files::Monitored(interval))?)]
            }
            None => {
                let source = self.source.clone();
                let files = tokio::task::spawn_blocking(move || list_files(&source))
                    .await
                    .map_err(|e| DataFusionError::Execution(format!("File listing task failed: {e}")))?
                    .map_err(|e| {
                        DataFusionError::Execution(format!("Failed to list files under '{}': {e}", self.source.path.display()))
                    })?;
                // Contiguous runs of the sorted files, one per partition.
                let count = state.config().target_partitions().min(files.len()).max(1);
                let per_partition = files.len().div_ceil(count).max(1);
                let mut chunks: Vec<Vec<_>> = files.chunks(per_partition).map(<[_]>::to_vec).collect();
                if chunks.is_empty() {
                    chunks.push(Vec::new());
                }
                chunks
                    .into_iter()
                    .map(|files| {
                        FilePartition::new(self.source.clone(), projection.clone(), Files::Listed(files))
                            .map(|p| Arc::new(p) as Arc<dyn PartitionStream>)
                    })
                    .collect::<Result<_, _>>()?
            }
        };
        let schema = match &projection {
            Some(indices) => Arc::new(self.source.schema.project(indices)?),
            None => self.source.schema.clone(),
        };
        let exec = StreamingTableExec::try_new(schema, partitions, None, Vec::<LexOrdering>::new(), self.monitor.is_some(), limit)?;
        Ok(Arc::new(exec))
    }

    /// The plan of an `INSERT INTO`.
    fn plan_insert(&self, input: Arc<dyn ExecutionPlan>, insert_op: InsertOp) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        if insert_op != InsertOp::Append {
            let statement = if insert_op == InsertOp::Overwrite { "INSERT OVERWRITE" } else { "REPLACE INTO" };
            return Err(DataFusionError::Plan(format!(
                "{statement} is not supported by the 'filesystem' connector (table {}): only INSERT INTO, which adds new files.",
                self.source.table
            )));
        }
        let sink = FileSink::new(
            self.source.table.clone(),
            self.source.schema.clone(),
            self.source.path.clone(),
            self.source.format.clone(),
            self.rolling,
        );
        Ok(Arc::new(DataSinkExec::new(input, Arc::new(sink), None)))
    }
}

#[async_trait]
impl TableProvider for FileSystemTable {
    fn schema(&self) -> SchemaRef {
        self.source.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        self.plan_scan(state, projection.cloned(), limit).await
    }

    async fn insert_into(
        &self,
        _state: &dyn Session,
        input: Arc<dyn ExecutionPlan>,
        insert_op: InsertOp,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        self.plan_insert(input, insert_op)
    }
}
