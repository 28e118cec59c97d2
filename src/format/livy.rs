//! Results as Apache Livy's clients read them.
//!
//! * [`spark_schema`]: a result schema as Spark's `StructType.json`
//!   (`{"type":"struct","fields":[{"name","type","nullable","metadata"}]}`),
//!   with Spark's type name for every Arrow type ([`spark_type`]).
//! * [`write_livy_rows`]: rows as the arrays of a SQL statement's
//!   `application/json` output (`[1,"x"],[2,"y"]`).
//! * [`write_json_lines`]: rows as Spark's `Dataset.toJSON` lines
//!   (`{"a":1,"b":"x"}`, null fields left out as Spark leaves them out),
//!   which sparkmagic's `%%sql` parses from `text/plain`.
//!
//! Values are native JSON, written by the same typed column encoders as
//! Flink's JSON rows (dates `"yyyy-MM-dd"`, decimals as numbers, binary as
//! base64). Columnar like the other writers: one encoder per column per
//! batch, rows appended to a caller-owned buffer.

use datafusion::arrow::array::Array;
use datafusion::arrow::datatypes::{DataType, Field, IntervalUnit, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::{json, Value};

use super::json::JsonColumn;
use super::text::write_json_string;
use super::{FormatError, FormatOptions};

/// Spark's type of an Arrow type: a name (`"integer"`, `"decimal(10,2)"`)
/// or, for nested types, Spark's JSON object.
pub fn spark_type(data_type: &DataType) -> Value {
    use DataType as D;
    let name = match data_type {
        D::Null => "void",
        D::Boolean => "boolean",
        D::Int8 => "byte",
        D::Int16 | D::UInt8 => "short",
        D::Int32 | D::UInt16 => "integer",
        D::Int64 | D::UInt32 => "long",
        // Spark has no unsigned 64-bit integer; its values fit a decimal(20,0).
        D::UInt64 => "decimal(20,0)",
        D::Float16 | D::Float32 => "float",
        D::Float64 => "double",
        D::Decimal32(p, s) | D::Decimal64(p, s) | D::Decimal128(p, s) | D::Decimal256(p, s) => return Value::String(format!("decimal({p},{s})")),
        D::Utf8 | D::LargeUtf8 | D::Utf8View => "string",
        D::Binary | D::LargeBinary | D::BinaryView | D::FixedSizeBinary(_) => "binary",
        D::Date32 | D::Date64 => "date",
        D::Timestamp(_, Some(_)) => "timestamp",
        D::Timestamp(_, None) => "timestamp_ntz",
        D::Interval(IntervalUnit::YearMonth) => "interval year to month",
        D::Interval(IntervalUnit::DayTime) | D::Duration(_) => "interval day to second",
        D::Interval(IntervalUnit::MonthDayNano) => "interval",
        D::List(item) | D::LargeList(item) | D::FixedSizeList(item, _) | D::ListView(item) | D::LargeListView(item) => {
            return json!({"type": "array", "elementType": spark_type(item.data_type()), "containsNull": item.is_nullable()});
        }
        D::Struct(fields) => return struct_type(fields.iter().map(|f| f.as_ref())),
        D::Map(entries, _) => {
            let (key, value) = match entries.data_type() {
                D::Struct(kv) if kv.len() == 2 => (spark_type(kv[0].data_type()), (spark_type(kv[1].data_type()), kv[1].is_nullable())),
                _ => (Value::from("string"), (Value::from("string"), true)),
            };
            return json!({"type": "map", "keyType": key, "valueType": value.0, "valueContainsNull": value.1});
        }
        D::Dictionary(_, value) => return spark_type(value),
        D::RunEndEncoded(_, value) => return spark_type(value.data_type()),
        // Spark has no time-of-day or union type: their values are shown as text.
        D::Time32(_) | D::Time64(_) | D::Union(_, _) => "string",
    };
    Value::String(name.to_string())
}

fn struct_type<'a>(fields: impl Iterator<Item = &'a Field>) -> Value {
    let fields: Vec<Value> = fields
        .map(|f| json!({"name": f.name(), "type": spark_type(f.data_type()), "nullable": f.is_nullable(), "metadata": {}}))
        .collect();
    json!({"type": "struct", "fields": fields})
}

/// A result schema as Spark's `StructType.json`.
pub fn spark_schema(schema: &Schema) -> Value {
    struct_type(schema.fields().iter().map(|f| f.as_ref()))
}

fn encoders(batch: &RecordBatch, opts: &FormatOptions) -> Result<Vec<JsonColumn>, FormatError> {
    batch.columns().iter().map(|c| JsonColumn::new(c, true, opts)).collect()
}

/// Appends the first `limit` rows of `batch` as JSON arrays in column
/// order, comma separated (no brackets), the first without a leading
/// comma. On error, `out` is left as it was.
pub fn write_livy_rows(batch: &RecordBatch, limit: usize, opts: &FormatOptions, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let mut columns = encoders(batch, opts)?;
    let start = out.len();
    let rows = batch.num_rows().min(limit);
    out.reserve(rows.saturating_mul(2 + 8 * columns.len()));
    let result = (|| {
        for row in 0..rows {
            if row > 0 {
                out.push(b',');
            }
            out.push(b'[');
            for (index, column) in columns.iter_mut().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                column.encode(row, out)?;
            }
            out.push(b']');
        }
        Ok(())
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Appends the first `limit` rows of `batch` as `Dataset.toJSON` lines,
/// newline separated (none after the last), null fields left out. On
/// error, `out` is left as it was.
pub fn write_json_lines(batch: &RecordBatch, limit: usize, opts: &FormatOptions, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let mut columns = encoders(batch, opts)?;
    let keys: Vec<Vec<u8>> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let mut key = Vec::new();
            write_json_string(f.name().as_bytes(), &mut key);
            key.push(b':');
            key
        })
        .collect();
    let start = out.len();
    let rows = batch.num_rows().min(limit);
    let result = (|| {
        for row in 0..rows {
            if row > 0 {
                out.push(b'\n');
            }
            out.push(b'{');
            let mut first = true;
            for (index, column) in columns.iter_mut().enumerate() {
                if batch.column(index).is_null(row) {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(&keys[index]);
                column.encode(row, out)?;
            }
            out.push(b'}');
        }
        Ok(())
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

#[cfg(test)]
#[path = "livy_tests.rs"]
mod tests;
