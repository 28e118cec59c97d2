//! Rows as HiveServer2-style REST clients read them (Kyuubi's
//! `ResultRowSet`): `{"fields":[{"dataType":"I32_VAL","value":1}, ...]}`.
//!
//! `dataType` is the Thrift value-union member a column's values travel in,
//! not the column's type name: `BOOL_VAL`, `BYTE_VAL`, `I16_VAL`, `I32_VAL`,
//! `I64_VAL`, `DOUBLE_VAL`, `STRING_VAL` and, for column-based protocol
//! versions only, `BINARY_VAL`. Booleans, integers and floating-point values
//! are JSON scalars (FLOAT widened to DOUBLE as Java widens it); everything
//! the engine renders as text (decimals, dates, timestamps, intervals,
//! nested values, binary in row-based mode) is a `STRING_VAL` string, in the
//! same text as PLAIN_TEXT rows. SQL NULL is `"value":null`, the member
//! still naming the column's kind.
//!
//! Columnar like the Flink writers: one encoder per column per batch, rows
//! appended to a caller-owned buffer.

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    DataType, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type,
};
use datafusion::arrow::record_batch::RecordBatch;

use super::float::write_java_f64;
use super::plain_text::TextColumn;
use super::text::{write_base64, write_int};
use super::{FormatError, FormatOptions};

/// How binary values travel: the one difference between Hive's row-based
/// (protocol < V6) and column-based (V6 and later) result sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiveRowMode {
    /// Row-based: binary is `STRING_VAL` holding the bytes as text.
    RowBased,
    /// Column-based: binary is `BINARY_VAL` holding base64.
    ColumnBased,
}

/// The value-union member of a column of `data_type`.
pub fn value_member(data_type: &DataType, mode: HiveRowMode) -> &'static str {
    use DataType as D;
    match data_type {
        D::Boolean => "BOOL_VAL",
        D::Int8 => "BYTE_VAL",
        D::Int16 | D::UInt8 => "I16_VAL",
        D::Int32 | D::UInt16 => "I32_VAL",
        D::Int64 | D::UInt32 => "I64_VAL",
        D::Float16 | D::Float32 | D::Float64 => "DOUBLE_VAL",
        D::Binary | D::LargeBinary | D::BinaryView | D::FixedSizeBinary(_) if mode == HiveRowMode::ColumnBased => "BINARY_VAL",
        D::Dictionary(_, value) => value_member(value, mode),
        _ => "STRING_VAL",
    }
}

/// How one column's non-null values are written.
enum Encoder {
    /// JSON `true`/`false`.
    Bool(ArrayRef),
    /// A JSON integer.
    Int(Box<dyn Fn(usize, &mut Vec<u8>)>),
    /// A JSON number (a string for NaN and infinities, as Jackson writes them).
    Float(Box<dyn Fn(usize) -> f64>),
    /// A base64 string of the bytes (column-based binary).
    Base64(Box<dyn Fn(usize) -> Vec<u8>>),
    /// A JSON string of the value's text.
    Text(Box<TextColumn>),
    /// A timestamp's text without trailing fraction zeros, as Hive prints
    /// it (`2024-01-02 03:04:05.123`, not `...05.123000000`).
    Timestamp(Box<TextColumn>, Vec<u8>),
}

/// One column of a batch being written.
struct Column {
    /// The field prefix, `{"dataType":"I32_VAL","value":`.
    prefix: Vec<u8>,
    /// The column, for its nulls.
    array: ArrayRef,
    /// Its values' writer.
    encoder: Encoder,
}

fn int<T>(array: &ArrayRef) -> Encoder
where
    T: datafusion::arrow::datatypes::ArrowPrimitiveType,
    T::Native: itoa::Integer,
{
    let values = array.as_primitive::<T>().clone();
    Encoder::Int(Box::new(move |row, out| write_int(values.value(row), out)))
}

fn float<T>(array: &ArrayRef, widen: fn(T::Native) -> f64) -> Encoder
where
    T: datafusion::arrow::datatypes::ArrowPrimitiveType,
{
    let values = array.as_primitive::<T>().clone();
    Encoder::Float(Box::new(move |row| widen(values.value(row))))
}

fn bytes_of(array: &ArrayRef) -> Option<Box<dyn Fn(usize) -> Vec<u8>>> {
    let array = array.clone();
    Some(match array.data_type() {
        DataType::Binary => Box::new(move |row| array.as_binary::<i32>().value(row).to_vec()),
        DataType::LargeBinary => Box::new(move |row| array.as_binary::<i64>().value(row).to_vec()),
        DataType::BinaryView => Box::new(move |row| array.as_binary_view().value(row).to_vec()),
        DataType::FixedSizeBinary(_) => Box::new(move |row| array.as_fixed_size_binary().value(row).to_vec()),
        _ => return None,
    })
}

impl Column {
    fn new(array: &ArrayRef, mode: HiveRowMode, opts: &FormatOptions) -> Result<Self, FormatError> {
        let array = match array.data_type() {
            DataType::Dictionary(_, value) => datafusion::arrow::compute::cast(array, value)
                .map_err(|e| FormatError::InvalidValue { what: "dictionary", detail: e.to_string() })?,
            _ => array.clone(),
        };
        let member = value_member(array.data_type(), mode);
        let prefix = format!(r#"{{"dataType":"{member}","value":"#).into_bytes();
        use DataType as D;
        let encoder = match array.data_type() {
            D::Boolean => Encoder::Bool(array.clone()),
            D::Int8 => int::<Int8Type>(&array),
            D::Int16 => int::<Int16Type>(&array),
            D::Int32 => int::<Int32Type>(&array),
            D::Int64 => int::<Int64Type>(&array),
            D::UInt8 => int::<UInt8Type>(&array),
            D::UInt16 => int::<UInt16Type>(&array),
            D::UInt32 => int::<UInt32Type>(&array),
            D::Float16 => float::<Float16Type>(&array, |v| f64::from(v.to_f32())),
            D::Float32 => float::<Float32Type>(&array, f64::from),
            D::Float64 => float::<Float64Type>(&array, |v| v),
            D::Timestamp(_, _) => Encoder::Timestamp(Box::new(TextColumn::new(&array, opts)?), Vec::new()),
            _ if member == "BINARY_VAL" => Encoder::Base64(bytes_of(&array).ok_or(FormatError::InvalidValue { what: "binary", detail: "not a binary column".into() })?),
            _ => match bytes_of(&array) {
                // Row-based binary: the bytes as text, as `new String(bytes)` reads them.
                Some(bytes) => Encoder::Text(Box::new(TextColumn::new(&lossy_text(&array, &*bytes), opts)?)),
                None => Encoder::Text(Box::new(TextColumn::new(&array, opts)?)),
            },
        };
        Ok(Column { prefix, array, encoder })
    }

    fn write(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(&self.prefix);
        if self.array.is_null(row) {
            out.extend_from_slice(b"null}");
            return Ok(());
        }
        match &mut self.encoder {
            Encoder::Bool(array) => out.extend_from_slice(if array.as_boolean().value(row) { b"true" } else { b"false" }),
            Encoder::Int(write) => write(row, out),
            Encoder::Float(value) => {
                let value = value(row);
                if value.is_finite() {
                    write_java_f64(value, out);
                } else {
                    // Jackson writes non-finite doubles as strings.
                    out.push(b'"');
                    write_java_f64(value, out);
                    out.push(b'"');
                }
            }
            Encoder::Base64(bytes) => {
                out.push(b'"');
                write_base64(&bytes(row), out)?;
                out.push(b'"');
            }
            Encoder::Text(column) => column.write_quoted(row, out)?,
            Encoder::Timestamp(column, scratch) => {
                scratch.clear();
                column.write_quoted(row, scratch)?;
                // `"2024-01-02 03:04:05.120000"`: drop the zeros, and the dot when nothing is left.
                let quoted = &scratch[..scratch.len().saturating_sub(1)];
                let text = match quoted.iter().rposition(|b| *b == b'.') {
                    Some(dot) => {
                        let end = quoted.iter().rposition(|b| *b != b'0').map_or(dot, |last| last.max(dot) + 1);
                        if end == dot + 1 { &quoted[..dot] } else { &quoted[..end] }
                    }
                    None => quoted,
                };
                out.extend_from_slice(text);
                out.push(b'"');
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// A binary column as UTF-8 text (invalid sequences replaced).
fn lossy_text(array: &ArrayRef, bytes: &dyn Fn(usize) -> Vec<u8>) -> ArrayRef {
    let text: datafusion::arrow::array::StringArray =
        (0..array.len()).map(|row| (!array.is_null(row)).then(|| String::from_utf8_lossy(&bytes(row)).into_owned())).collect();
    std::sync::Arc::new(text)
}

/// Appends the rows of `batch` as `{"fields":[...]}` objects, comma
/// separated (no brackets), the first without a leading comma. On error,
/// `out` is left as it was.
pub fn write_hive_rows(batch: &RecordBatch, mode: HiveRowMode, opts: &FormatOptions, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let mut columns = batch.columns().iter().map(|c| Column::new(c, mode, opts)).collect::<Result<Vec<_>, _>>()?;
    let start = out.len();
    out.reserve(batch.num_rows().saturating_mul(16 + 40 * columns.len()));
    let result = (|| {
        for row in 0..batch.num_rows() {
            if row > 0 {
                out.push(b',');
            }
            out.extend_from_slice(br#"{"fields":["#);
            for (index, column) in columns.iter_mut().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                column.write(row, out)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{BinaryArray, BooleanArray, Float32Array, Int32Array, Int8Array, StringArray};
    use std::sync::Arc;

    fn encode(batch: &RecordBatch, mode: HiveRowMode) -> serde_json::Value {
        let mut out = b"[".to_vec();
        write_hive_rows(batch, mode, &FormatOptions::default(), &mut out).unwrap();
        out.push(b']');
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn scalars_travel_in_their_union_members() {
        let batch = RecordBatch::try_from_iter([
            ("b", Arc::new(BooleanArray::from(vec![Some(true), None])) as ArrayRef),
            ("t", Arc::new(Int8Array::from(vec![Some(-1), None])) as ArrayRef),
            ("i", Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef),
            ("f", Arc::new(Float32Array::from(vec![Some(1.1), Some(f32::NAN)])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("x\"y"), None])) as ArrayRef),
            ("bin", Arc::new(BinaryArray::from(vec![Some(&b"kyuubi"[..]), None])) as ArrayRef),
        ])
        .unwrap();
        let rows = encode(&batch, HiveRowMode::RowBased);
        assert_eq!(
            rows[0]["fields"],
            serde_json::json!([
                {"dataType": "BOOL_VAL", "value": true},
                {"dataType": "BYTE_VAL", "value": -1},
                {"dataType": "I32_VAL", "value": 1},
                {"dataType": "DOUBLE_VAL", "value": 1.100000023841858},
                {"dataType": "STRING_VAL", "value": "x\"y"},
                {"dataType": "STRING_VAL", "value": "kyuubi"},
            ])
        );
        assert_eq!(rows[1]["fields"][0], serde_json::json!({"dataType": "BOOL_VAL", "value": null}));
        assert_eq!(rows[1]["fields"][3], serde_json::json!({"dataType": "DOUBLE_VAL", "value": "NaN"}));
        assert_eq!(rows[1]["fields"][5], serde_json::json!({"dataType": "STRING_VAL", "value": null}));
        let columnar = encode(&batch, HiveRowMode::ColumnBased);
        assert_eq!(columnar[0]["fields"][5], serde_json::json!({"dataType": "BINARY_VAL", "value": "a3l1dWJp"}));
    }

    #[test]
    fn timestamps_drop_trailing_fraction_zeros() {
        use datafusion::arrow::array::TimestampNanosecondArray;
        let ts = TimestampNanosecondArray::from(vec![1_704_164_645_123_000_000, 1_704_164_645_000_000_000, 1_704_164_645_100_200_300]);
        let batch = RecordBatch::try_from_iter([("ts", Arc::new(ts) as ArrayRef)]).unwrap();
        let rows = encode(&batch, HiveRowMode::RowBased);
        let values: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["fields"][0]["value"].as_str().unwrap()).collect();
        assert_eq!(values, vec!["2024-01-02 03:04:05.123", "2024-01-02 03:04:05", "2024-01-02 03:04:05.1002003"]);
    }
}
