//! Turning DataFusion result batches into the Flink SQL Gateway wire formats.
//!
//! Everything here is a pure function over a [`RecordBatch`]: no I/O, no async.
//! The REST layer calls [`logical_type`] once per result column (the
//! `results.columns[].logicalType` objects) and one of the two row writers per
//! batch (the `results.data` array):
//!
//! * [`write_json_rows`] for `rowFormat=JSON`, where every field is a typed JSON
//!   value (section 6 of `flink-protocol.md`, "JSON" column);
//! * [`write_plain_text_rows`] for `rowFormat=PLAIN_TEXT`, where every field is
//!   the string Flink's `CAST(x AS STRING)` printing would produce.
//!
//! Both writers are columnar: they build one encoder per column up front (the
//! downcast happens once per batch, not once per value) and then walk the rows,
//! appending bytes to a caller-owned buffer without allocating per value.
//!
//! For Hive / JDBC clients (the Kyuubi API), [`hive_type`] describes the
//! same Arrow types (TTypeId names, TYPE_NAME text, `java.sql.Types` codes)
//! and [`write_hive_rows`] writes rows as Thrift value unions.
//!
//! For Livy clients, [`livy`] writes Spark's schema JSON, the row arrays of
//! a SQL statement's output and `Dataset.toJSON` lines.

mod arrays;
pub(crate) mod float;
pub mod hive;
pub mod livy;
pub mod hive_types;
mod json;
mod logical_type;
mod plain_text;
mod temporal;
mod text;

use std::str::FromStr;

use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;

use crate::result::RowKind;

pub use hive::{HiveRowMode, write_hive_rows};
pub use hive_types::{HiveType, hive_type};
pub use json::write_json_rows;
pub use logical_type::{FLINK_TYPE, IntervalResolution, LogicalType, LogicalTypeField, TypeRoot, logical_type};
pub use plain_text::write_plain_text_rows;

/// Session-level settings that change how values are rendered.
#[derive(Debug, Clone, Copy)]
pub struct FormatOptions {
    /// The session time zone (`table.local-time-zone`). TIMESTAMP_LTZ values
    /// are instants; Flink shows them as wall-clock time in this zone.
    pub time_zone: Tz,
}

impl Default for FormatOptions {
    /// UTC, which is what the gateway uses when the session says `default`.
    fn default() -> Self {
        Self { time_zone: utc() }
    }
}

impl FormatOptions {
    /// Parses a `table.local-time-zone` value.
    ///
    /// Accepts `default` and the empty string (both UTC: unlike a JVM, this
    /// gateway has no ambient zone worth inheriting), `UTC`/`GMT`/`Z`, fixed
    /// offsets (`+08:00`, `-0530`, `+8`, `UTC+08:00`, `GMT-3`) and IANA names
    /// such as `Asia/Shanghai`.
    pub fn from_zone_name(name: &str) -> Result<Self, FormatError> {
        let trimmed = name.trim();
        let unknown = || FormatError::UnknownTimeZone(name.to_string());
        let time_zone = match trimmed {
            "" | "default" | "Z" | "UTC" | "GMT" | "UT" => utc(),
            _ => {
                // Java's ZoneId also accepts an offset glued to a UTC/GMT prefix.
                let offset = ["UTC", "GMT", "UT"]
                    .iter()
                    .find_map(|prefix| trimmed.strip_prefix(prefix))
                    .filter(|rest| rest.starts_with(['+', '-']))
                    .unwrap_or(trimmed);
                if offset.starts_with(['+', '-']) {
                    parse_offset(offset).ok_or_else(unknown)?
                } else {
                    Tz::from_str(trimmed).map_err(|_| unknown())?
                }
            }
        };
        Ok(Self { time_zone })
    }
}

/// The UTC zone as an arrow [`Tz`].
fn utc() -> Tz {
    // "+00:00" is a literal that arrow's offset parser always accepts; there is
    // no public constructor for a UTC `Tz`, so parsing is the only way in.
    Tz::from_str("+00:00").expect("+00:00 is a valid fixed offset")
}

/// Parses `+H`, `+HH`, `+HHMM` and `+HH:MM` (with either sign) as a fixed zone.
fn parse_offset(offset: &str) -> Option<Tz> {
    let (sign, rest) = offset.split_at(1);
    let normalized = match rest.len() {
        // Java accepts a single-digit hour; arrow wants two digits.
        1 => format!("{sign}0{rest}"),
        2 | 4 => offset.to_string(),
        5 if rest.as_bytes()[2] == b':' => offset.to_string(),
        _ => return None,
    };
    if !rest.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    Tz::from_str(&normalized).ok()
}

/// Why a batch could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// `table.local-time-zone` named a zone we cannot resolve.
    #[error("unknown time zone '{0}'")]
    UnknownTimeZone(String),
    /// The caller passed a `kinds` slice that does not match the batch; the
    /// rows cannot be labelled without guessing.
    #[error("{kinds} row kinds given for a batch of {rows} rows")]
    KindCountMismatch {
        /// Rows in the batch.
        rows: usize,
        /// Entries in the `kinds` slice.
        kinds: usize,
    },
    /// An array's concrete class does not match its declared data type (a
    /// malformed batch), so there is no typed view to read it through.
    #[error("array of type {data_type} could not be read as {expected}")]
    UnexpectedArray {
        /// The declared Arrow type.
        data_type: DataType,
        /// What the encoder expected to find.
        expected: &'static str,
    },
    /// A value cannot be represented in the wire format (for example a TIME
    /// outside one day, or list offsets pointing outside the child array).
    #[error("invalid {what}: {detail}")]
    InvalidValue {
        /// The kind of value that was being written.
        what: &'static str,
        /// What was wrong with it.
        detail: String,
    },
    /// Arrow failed while unpacking a dictionary, run-end or union column.
    #[error(transparent)]
    Arrow(#[from] ArrowError),
}

/// Shared row framing for both formats: one `{"kind":..,"fields":[..]}` object
/// per row, comma separated, no brackets. `write_field` appends field `col`
/// of row `row`. On error `out` is truncated back to its original length so
/// the caller never ships half a row.
fn write_rows<C>(
    batch: &RecordBatch,
    kinds: Option<&[RowKind]>,
    columns: &mut [C],
    out: &mut Vec<u8>,
    mut write_field: impl FnMut(&mut C, usize, &mut Vec<u8>) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let rows = batch.num_rows();
    if let Some(kinds) = kinds
        && kinds.len() != rows
    {
        return Err(FormatError::KindCountMismatch {
            rows,
            kinds: kinds.len(),
        });
    }
    let start = out.len();
    // A rough guess (prefix + a few bytes per field) that avoids most regrowth.
    out.reserve(rows.saturating_mul(32 + 8 * columns.len()));
    let result = (|| {
        for row in 0..rows {
            if row > 0 {
                out.push(b',');
            }
            let kind = kinds.and_then(|k| k.get(row).copied()).unwrap_or_default();
            out.extend_from_slice(br#"{"kind":""#);
            out.extend_from_slice(kind.name().as_bytes());
            out.extend_from_slice(br#"","fields":["#);
            for (index, column) in columns.iter_mut().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_field(column, row, out)?;
            }
            out.extend_from_slice(b"]}");
        }
        Ok(())
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}
