//! Flink's `print` and `blackhole` connectors: sink-only tables.
//!
//! `print` writes every row the way Flink's print sink does, `Row.toString`
//! with its change flag (`+I[1, foo, 2024-01-01T00:00]`), prefixed by
//! `<print-identifier>> ` when one is set. Flink prints to the task manager's
//! stdout, which a gateway user never sees; here each line goes to the server
//! log (target `sluicegate::print`) and to the [`OperationLog`] of the
//! statement, which the statement finds in its DataFusion session config
//! extensions. `blackhole` discards rows and only counts them.
//!
//! `sink.parallelism` is accepted and has no effect: each insert has one
//! writer. `standard-error` marks the log lines with `stream=stderr`.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Float16Type, Float32Type, Float64Type, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::sink::{DataSink, DataSinkExec};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan};
use futures::StreamExt;

use super::filesystem::options;
use super::{TableSpec, check_supported_options};
use crate::error::Result;
pub use crate::operation::OperationLog;

/// Build a `print` table.
pub fn print(spec: &TableSpec) -> Result<Arc<dyn TableProvider>> {
    check_supported_options("print", spec.options.keys(), &["connector", "print-identifier", "standard-error", "sink.parallelism"])?;
    let standard_error = match spec.options.get("standard-error") {
        Some(value) => options::boolean("standard-error", value)?,
        None => false,
    };
    if let Some(value) = spec.options.get("sink.parallelism") {
        options::positive_int("sink.parallelism", value)?;
    }
    let sink = PrintSink {
        schema: spec.schema.clone(),
        prefix: spec.options.get("print-identifier").map(|id| format!("{id}> ")).unwrap_or_default(),
        standard_error,
    };
    Ok(Arc::new(SinkTable { connector: "print", name: spec.name.clone(), schema: spec.schema.clone(), sink: Arc::new(sink) }))
}

/// Build a `blackhole` table.
pub fn blackhole(spec: &TableSpec) -> Result<Arc<dyn TableProvider>> {
    check_supported_options("blackhole", spec.options.keys(), &["connector", "sink.parallelism"])?;
    if let Some(value) = spec.options.get("sink.parallelism") {
        options::positive_int("sink.parallelism", value)?;
    }
    let sink = BlackholeSink { schema: spec.schema.clone() };
    Ok(Arc::new(SinkTable { connector: "blackhole", name: spec.name.clone(), schema: spec.schema.clone(), sink: Arc::new(sink) }))
}

/// A table that can only be inserted into.
#[derive(Debug)]
struct SinkTable {
    /// The connector name, for messages.
    connector: &'static str,
    /// The table name, for messages.
    name: String,
    /// The table's columns.
    schema: SchemaRef,
    /// Where inserted rows go.
    sink: Arc<dyn DataSink>,
}

impl SinkTable {
    /// The plan of an `INSERT INTO`.
    fn plan_insert(&self, input: Arc<dyn ExecutionPlan>, insert_op: InsertOp) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        if insert_op != InsertOp::Append {
            let statement = if insert_op == InsertOp::Overwrite { "INSERT OVERWRITE" } else { "REPLACE INTO" };
            return Err(DataFusionError::Plan(format!(
                "{statement} is not supported by the '{}' connector (table {}).",
                self.connector, self.name
            )));
        }
        Ok(Arc::new(DataSinkExec::new(input, self.sink.clone(), None)))
    }
}

#[async_trait]
impl TableProvider for SinkTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        _projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        Err(DataFusionError::Plan(format!(
            "Connector '{}' can only be used as a sink. It cannot be used as a source (table {}).",
            self.connector, self.name
        )))
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

/// Writes rows as text lines to the server log and the statement's log.
#[derive(Debug)]
struct PrintSink {
    /// The table's columns.
    schema: SchemaRef,
    /// `<print-identifier>> `, or nothing.
    prefix: String,
    /// `standard-error`: the lines are marked as Flink's stderr output.
    standard_error: bool,
}

impl PrintSink {
    /// Print every row of `data`; the number of rows.
    async fn print(&self, mut data: SendableRecordBatchStream, context: Arc<TaskContext>) -> Result<u64, DataFusionError> {
        let log = context.session_config().get_extension::<OperationLog>();
        let mut rows = 0u64;
        while let Some(batch) = data.next().await {
            let batch = batch?;
            rows += batch.num_rows() as u64;
            for line in render_rows(&batch, &self.prefix)? {
                if self.standard_error {
                    tracing::info!(target: "sluicegate::print", stream = "stderr", "{line}");
                } else {
                    tracing::info!(target: "sluicegate::print", "{line}");
                }
                if let Some(log) = &log {
                    log.push(line);
                }
            }
        }
        Ok(rows)
    }
}

impl DisplayAs for PrintSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrintSink")
    }
}

#[async_trait]
impl DataSink for PrintSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(&self, data: SendableRecordBatchStream, context: &Arc<TaskContext>) -> Result<u64, DataFusionError> {
        self.print(data, context.clone()).await
    }
}

/// Discards rows, counting them.
#[derive(Debug)]
struct BlackholeSink {
    /// The table's columns.
    schema: SchemaRef,
}

impl DisplayAs for BlackholeSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlackholeSink")
    }
}

#[async_trait]
impl DataSink for BlackholeSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(&self, mut data: SendableRecordBatchStream, _context: &Arc<TaskContext>) -> Result<u64, DataFusionError> {
        let mut rows = 0u64;
        while let Some(batch) = data.next().await {
            rows += batch?.num_rows() as u64;
        }
        Ok(rows)
    }
}

/// Every row of `batch` as Flink's `Row.toString` (`+I[1, foo]`) after `prefix`.
fn render_rows(batch: &RecordBatch, prefix: &str) -> Result<Vec<String>, ArrowError> {
    let columns = batch.columns().iter().map(|c| renderer(c.clone())).collect::<Result<Vec<_>, _>>()?;
    let mut lines = Vec::with_capacity(batch.num_rows());
    for row in 0..batch.num_rows() {
        let mut line = String::with_capacity(prefix.len() + 16 * columns.len());
        line.push_str(prefix);
        line.push_str("+I[");
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            column(row, &mut line);
        }
        line.push(']');
        lines.push(line);
    }
    Ok(lines)
}

/// Appends the value at a row index as Java's `toString` of Flink's external
/// type for the column would spell it.
type Render = Box<dyn Fn(usize, &mut String) + Send + Sync>;

/// The renderer of a column; nulls are `null`.
fn renderer(array: ArrayRef) -> Result<Render, ArrowError> {
    let values = value_renderer(array.clone())?;
    Ok(Box::new(move |row, out| {
        if array.is_null(row) {
            out.push_str("null");
        } else {
            values(row, out);
        }
    }))
}

/// The renderer of a column's non-null values.
fn value_renderer(array: ArrayRef) -> Result<Render, ArrowError> {
    Ok(match array.data_type().clone() {
        DataType::Float16 => {
            let a = array.as_primitive::<Float16Type>().clone();
            Box::new(move |i, out| out.push_str(&java_floating(f64::from(a.value(i).to_f32()), format!("{:e}", a.value(i).to_f32()))))
        }
        DataType::Float32 => {
            let a = array.as_primitive::<Float32Type>().clone();
            Box::new(move |i, out| out.push_str(&java_floating(f64::from(a.value(i)), format!("{:e}", a.value(i)))))
        }
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>().clone();
            Box::new(move |i, out| out.push_str(&java_floating(a.value(i), format!("{:e}", a.value(i)))))
        }
        DataType::Utf8 => {
            let a = array.as_string::<i32>().clone();
            Box::new(move |i, out| out.push_str(a.value(i)))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>().clone();
            Box::new(move |i, out| out.push_str(a.value(i)))
        }
        DataType::Utf8View => {
            let a = array.as_string_view().clone();
            Box::new(move |i, out| out.push_str(a.value(i)))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            let binary = cast(array.as_ref(), &DataType::LargeBinary)?;
            let a = binary.as_binary::<i64>().clone();
            // Java's `Arrays.toString(byte[])`: signed decimal bytes.
            Box::new(move |i, out| {
                out.push('[');
                for (n, byte) in a.value(i).iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{}", i8::from_ne_bytes([*byte]));
                }
                out.push(']');
            })
        }
        DataType::Timestamp(unit, zone) => {
            let a = cast(array.as_ref(), &DataType::Timestamp(unit, None))?;
            let fallback = array.clone();
            let instant = zone.is_some();
            let value: Box<dyn Fn(usize) -> i64 + Send + Sync> = match unit {
                TimeUnit::Second => {
                    let a = a.as_primitive::<TimestampSecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
                TimeUnit::Millisecond => {
                    let a = a.as_primitive::<TimestampMillisecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
                TimeUnit::Microsecond => {
                    let a = a.as_primitive::<TimestampMicrosecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
                TimeUnit::Nanosecond => {
                    let a = a.as_primitive::<TimestampNanosecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
            };
            Box::new(move |i, out| {
                let (seconds, nanos) = split_seconds(value(i), unit);
                match chrono::DateTime::from_timestamp(seconds, nanos) {
                    Some(at) if instant => java_instant(out, &at.naive_utc()),
                    Some(at) => java_local_date_time(out, &at.naive_utc()),
                    None => out.push_str(&array_value_to_string(&fallback, i).unwrap_or_default()),
                }
            })
        }
        DataType::Time32(TimeUnit::Second) => {
            let a = array.as_primitive::<Time32SecondType>().clone();
            Box::new(move |i, out| java_local_time(out, i64::from(a.value(i)) * 1_000_000_000))
        }
        DataType::Time32(TimeUnit::Millisecond) => {
            let a = array.as_primitive::<Time32MillisecondType>().clone();
            Box::new(move |i, out| java_local_time(out, i64::from(a.value(i)) * 1_000_000))
        }
        DataType::Time64(TimeUnit::Microsecond) => {
            let a = array.as_primitive::<Time64MicrosecondType>().clone();
            Box::new(move |i, out| java_local_time(out, a.value(i).saturating_mul(1_000)))
        }
        DataType::Time64(TimeUnit::Nanosecond) => {
            let a = array.as_primitive::<Time64NanosecondType>().clone();
            Box::new(move |i, out| java_local_time(out, a.value(i)))
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
            let list = cast_list(&array)?;
            let a = list.as_list::<i64>().clone();
            let items = renderer(a.values().clone())?;
            Box::new(move |i, out| {
                let offsets = a.value_offsets();
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                out.push('[');
                for (n, item) in (start..end).enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    items(item, out);
                }
                out.push(']');
            })
        }
        DataType::Struct(_) => {
            let a = array.as_struct().clone();
            let fields = a.columns().iter().map(|c| renderer(c.clone())).collect::<Result<Vec<_>, _>>()?;
            Box::new(move |i, out| {
                out.push_str("+I[");
                for (n, field) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    field(i, out);
                }
                out.push(']');
            })
        }
        DataType::Map(..) => {
            let a = array.as_map().clone();
            let keys = renderer(a.keys().clone())?;
            let values = renderer(a.values().clone())?;
            Box::new(move |i, out| {
                let offsets = a.value_offsets();
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                out.push('{');
                for (n, entry) in (start..end).enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    keys(entry, out);
                    out.push('=');
                    values(entry, out);
                }
                out.push('}');
            })
        }
        DataType::Dictionary(_, value_type) => value_renderer(cast(array.as_ref(), &value_type)?)?,
        // Booleans, integers, decimals and dates print alike in Java and arrow.
        _ => Box::new(move |i, out| out.push_str(&array_value_to_string(&array, i).unwrap_or_default())),
    })
}

/// Any list as a `LargeList`, so one renderer serves all three kinds.
fn cast_list(array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    let item = match array.data_type() {
        DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _) => item.clone(),
        other => return Err(ArrowError::CastError(format!("{other} is not a list"))),
    };
    cast(array.as_ref(), &DataType::LargeList(item))
}

/// Seconds and nanoseconds since the epoch of a timestamp in `unit`.
fn split_seconds(value: i64, unit: TimeUnit) -> (i64, u32) {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let nanos = value.rem_euclid(per_second) * (1_000_000_000 / per_second);
    (value.div_euclid(per_second), u32::try_from(nanos).unwrap_or(0))
}

/// Java's `LocalDate.toString`.
fn java_local_date(out: &mut String, date: &chrono::NaiveDate) {
    use chrono::Datelike as _;
    let year = date.year();
    if (0..=9999).contains(&year) {
        let _ = write!(out, "{year:04}");
    } else if year > 9999 {
        let _ = write!(out, "+{year}");
    } else {
        let _ = write!(out, "-{:04}", year.unsigned_abs());
    }
    let _ = write!(out, "-{:02}-{:02}", date.month(), date.day());
}

/// Java's `LocalTime.toString` from nanoseconds of the day: `HH:mm`, then
/// `:ss` and a fraction in groups of three digits only when not zero.
fn java_local_time(out: &mut String, nanos_of_day: i64) {
    let nanos_of_day = nanos_of_day.rem_euclid(86_400_000_000_000);
    let seconds = nanos_of_day / 1_000_000_000;
    let nanos = nanos_of_day % 1_000_000_000;
    let _ = write!(out, "{:02}:{:02}", seconds / 3600, seconds / 60 % 60);
    if seconds % 60 != 0 || nanos != 0 {
        let _ = write!(out, ":{:02}", seconds % 60);
        java_fraction(out, nanos);
    }
}

/// A fraction of a second as Java's temporal `toString`s print it.
fn java_fraction(out: &mut String, nanos: i64) {
    if nanos == 0 {
    } else if nanos % 1_000_000 == 0 {
        let _ = write!(out, ".{:03}", nanos / 1_000_000);
    } else if nanos % 1_000 == 0 {
        let _ = write!(out, ".{:06}", nanos / 1_000);
    } else {
        let _ = write!(out, ".{nanos:09}");
    }
}

/// Java's `LocalDateTime.toString`: `2024-01-01T00:00`.
fn java_local_date_time(out: &mut String, at: &chrono::NaiveDateTime) {
    use chrono::Timelike as _;
    java_local_date(out, &at.date());
    out.push('T');
    let time = at.time();
    java_local_time(out, i64::from(time.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(time.nanosecond()));
}

/// Java's `Instant.toString`: UTC, seconds always, `Z`.
fn java_instant(out: &mut String, at: &chrono::NaiveDateTime) {
    use chrono::Timelike as _;
    java_local_date(out, &at.date());
    let time = at.time();
    let _ = write!(out, "T{:02}:{:02}:{:02}", time.hour(), time.minute(), time.second());
    java_fraction(out, i64::from(time.nanosecond()));
    out.push('Z');
}

/// Java's `Double.toString`/`Float.toString` of `value`, given its shortest
/// digits in Rust's `{:e}` form (`1.5e3`): plain between 10^-3 and 10^7,
/// otherwise computerized scientific notation (`1.0E10`).
fn java_floating(value: f64, scientific: String) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if value < 0.0 {
        out.push('-');
    }
    if (1e-3..1e7).contains(&value.abs()) {
        let point = exponent + 1;
        if point <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat(point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if point >= digits.len() {
                out.push_str(&digits);
                out.push_str(&"0".repeat(point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        let _ = write!(out, "E{exponent}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use datafusion::arrow::array::{
        BinaryArray, Decimal128Array, Float64Array, Int32Array, ListArray, StringArray, StructArray, TimestampMicrosecondArray,
    };
    use datafusion::arrow::datatypes::{Field, Int32Type, Schema};
    use datafusion::execution::context::{SessionConfig, SessionContext};

    fn spec(connector: &str, extra: &[(&str, &str)]) -> TableSpec {
        let mut options = BTreeMap::from([("connector".to_string(), connector.to_string())]);
        options.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        TableSpec {
            name: "default_catalog.default_database.out".to_string(),
            schema: Arc::new(Schema::new(vec![
                Field::new("id", DataType::Int32, true),
                Field::new("name", DataType::Utf8, true),
                Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), true),
            ])),
            options,
        }
    }

    #[test]
    fn java_spellings() {
        let f = |v: f64| java_floating(v, format!("{v:e}"));
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(-123.25), "-123.25");
        assert_eq!(f(0.001), "0.001");
        assert_eq!(f(0.0001), "1.0E-4");
        assert_eq!(f(1e7), "1.0E7");
        assert_eq!(f(1.2345e10), "1.2345E10");
        assert_eq!(f(9999999.0), "9999999.0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(java_floating(f64::from(0.1f32), format!("{:e}", 0.1f32)), "0.1");

        let mut s = String::new();
        java_local_time(&mut s, 0);
        assert_eq!(s, "00:00");
        s.clear();
        java_local_time(&mut s, 3_723_000_000_000);
        assert_eq!(s, "01:02:03");
        s.clear();
        java_local_time(&mut s, 1_500_000);
        assert_eq!(s, "00:00:00.001500");
    }

    #[test]
    fn rows_render_like_flink_row_to_string() {
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None]), None]);
        let inner = StructArray::from(vec![(
            Arc::new(Field::new("a", DataType::Int32, true)),
            Arc::new(Int32Array::from(vec![7, 8])) as ArrayRef,
        )]);
        let batch = RecordBatch::try_from_iter(vec![
            ("i", Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("foo"), None])) as ArrayRef),
            (
                "t",
                Arc::new(TimestampMicrosecondArray::from(vec![Some(1_704_067_200_000_000), Some(1_704_067_201_250_000)])) as ArrayRef,
            ),
            (
                "z",
                Arc::new(TimestampMicrosecondArray::from(vec![Some(1_704_067_200_000_000), None]).with_timezone("+08:00")) as ArrayRef,
            ),
            ("d", Arc::new(Decimal128Array::from(vec![Some(150), None]).with_precision_and_scale(10, 2).unwrap()) as ArrayRef),
            ("f", Arc::new(Float64Array::from(vec![Some(1.0), Some(1e10)])) as ArrayRef),
            ("b", Arc::new(BinaryArray::from(vec![Some(&[1u8, 255][..]), None])) as ArrayRef),
            ("l", Arc::new(list) as ArrayRef),
            ("r", Arc::new(inner) as ArrayRef),
        ])
        .unwrap();
        let lines = render_rows(&batch, "").unwrap();
        assert_eq!(lines[0], "+I[1, foo, 2024-01-01T00:00, 2024-01-01T00:00:00Z, 1.50, 1.0, [1, -1], [1, null], +I[7]]");
        assert_eq!(lines[1], "+I[null, null, 2024-01-01T00:00:01.250, null, null, 1.0E10, null, null, +I[8]]");
        assert_eq!(render_rows(&batch.project(&[0]).unwrap(), "sink> ").unwrap()[0], "sink> +I[1]");
    }

    #[tokio::test]
    async fn print_writes_flink_lines_into_the_operation_log() {
        let log = Arc::new(OperationLog::default());
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_extension(log.clone()));
        ctx.register_table("out", print(&spec("print", &[("print-identifier", "sink")])).unwrap()).unwrap();
        let result = ctx
            .sql("INSERT INTO out VALUES (1, 'foo', TIMESTAMP '2024-01-01 00:00:00'), (2, NULL, NULL)")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let count = result[0].column(0).as_primitive::<datafusion::arrow::datatypes::UInt64Type>().value(0);
        assert_eq!(count, 2);
        assert_eq!(log.lines(), vec!["sink> +I[1, foo, 2024-01-01T00:00]", "sink> +I[2, null, null]"]);

        // Without a log in the session, printing still works (server log only).
        let plain = SessionContext::new();
        plain.register_table("out", print(&spec("print", &[])).unwrap()).unwrap();
        plain.sql("INSERT INTO out VALUES (1, 'x', NULL)").await.unwrap().collect().await.unwrap();
    }

    #[tokio::test]
    async fn blackhole_counts_and_sinks_refuse_reads() {
        let ctx = SessionContext::new();
        ctx.register_table("hole", blackhole(&spec("blackhole", &[("sink.parallelism", "2")])).unwrap()).unwrap();
        ctx.register_table("out", print(&spec("print", &[])).unwrap()).unwrap();
        let result = ctx
            .sql("INSERT INTO hole SELECT CAST(value AS INT), 'x', NULL FROM generate_series(1, 3)")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let count = result[0].column(0).as_primitive::<datafusion::arrow::datatypes::UInt64Type>().value(0);
        assert_eq!(count, 3);

        for table in ["hole", "out"] {
            let err = match ctx.sql(&format!("SELECT * FROM {table}")).await {
                Ok(frame) => frame.collect().await.unwrap_err(),
                Err(e) => e,
            };
            assert!(err.to_string().contains("can only be used as a sink"), "{err}");
        }
    }

    #[test]
    fn options_are_checked() {
        let err = print(&spec("print", &[("print-identifer", "x")])).unwrap_err().to_string();
        assert!(err.starts_with("Unsupported options found for 'print'."), "{err}");
        assert!(err.contains("Unsupported options:\n\nprint-identifer\n\nSupported options:\n\nconnector\nprint-identifier\nsink.parallelism\nstandard-error"), "{err}");
        assert!(print(&spec("print", &[("standard-error", "maybe")])).unwrap_err().to_string().contains("'standard-error'"));
        assert!(print(&spec("print", &[("standard-error", "true")])).is_ok());
        let err = blackhole(&spec("blackhole", &[("print-identifier", "x")])).unwrap_err().to_string();
        assert!(err.contains("Unsupported options found for 'blackhole'") && err.contains("print-identifier"), "{err}");
    }
}
