//! `rowFormat=JSON`: every field is a typed JSON value, as Flink's
//! `RowDataToJsonConverters` (ISO-8601 mode) writes it.
//!
//! arrow's own JSON writer is not reused: DataFusion builds arrow without the
//! `json` feature, and its spellings differ from Flink's anyway (floats as
//! `1e10` instead of `1.0E10`, no LTZ shift-and-`Z`, decimals as strings or
//! with their scale). Each column instead gets one small closure over its
//! typed array, built once per batch.

use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, BooleanArray,
    Decimal256Array, FixedSizeBinaryArray, Float16Array, Float32Array, Float64Array,
    IntervalDayTimeArray, IntervalMonthDayNanoArray, IntervalYearMonthArray, LargeBinaryArray,
    LargeStringArray, MapArray, PrimitiveArray, StringArray, StringViewArray, StructArray,
};
use datafusion::arrow::datatypes::{
    DataType, Decimal32Type, Decimal64Type, Decimal128Type, Fields, Int8Type, Int16Type, Int32Type,
    Int64Type, IntervalUnit, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::record_batch::RecordBatch;

use super::arrays::{
    BytesAt, Ranges, RowCheck, StrAt, WriteFn, display_as_text, flatten, list_parts, tick, ticks,
    typed, write_fn,
};
use super::float::{write_java_f32, write_java_f64};
use super::plain_text::TextColumn;
use super::temporal::{
    Fraction, day_time_millis, duration_millis, month_day_nano_millis, time_of_day, to_local,
    write_date, write_time, write_timestamp,
};
use super::text::{
    DecimalStyle, write_base64, write_decimal_i128, write_decimal_i256, write_int,
    write_json_string,
};
use super::{FormatError, FormatOptions, write_rows};
use crate::result::RowKind;

/// Appends the rows of `batch` in `rowFormat=JSON`.
///
/// Each row becomes `{"kind":"INSERT","fields":[v0,v1,...]}`; rows are
/// separated by commas, the first row gets no leading comma and nothing
/// surrounds them. The caller builds the `data` array: `[`, the output of
/// each batch of the page with a `,` between non-empty batches, then `]`.
/// An empty batch appends nothing.
///
/// `kinds` gives one [`RowKind`] per row (`None`: all `INSERT`). Top-level
/// TIMESTAMP_LTZ columns are shown as wall-clock time in `opts.time_zone`
/// followed by a literal `Z` (Flink's quirk); LTZ values nested in
/// ARRAY/MAP/ROW are not shifted, as in Flink. On error, `out` is left as it
/// was.
pub fn write_json_rows(
    batch: &RecordBatch,
    kinds: Option<&[RowKind]>,
    opts: &FormatOptions,
    out: &mut Vec<u8>,
) -> Result<(), FormatError> {
    let mut columns = batch
        .columns()
        .iter()
        .map(|column| JsonColumn::new(column, true, opts))
        .collect::<Result<Vec<_>, _>>()?;
    write_rows(batch, kinds, &mut columns, out, |column, row, out| {
        column.encode(row, out)
    })
}

/// A column (or nested child) ready to be written row by row.
pub(crate) struct JsonColumn {
    /// Bounds and nulls, checked before the typed writer runs.
    rows: RowCheck,
    /// The typed writer, chosen once from the data type.
    write: WriteFn,
}

impl JsonColumn {
    /// Builds the encoder tree for `array`. `top_level` is true for result
    /// columns and false for anything nested (it decides LTZ shifting).
    pub(crate) fn new(array: &ArrayRef, top_level: bool, opts: &FormatOptions) -> Result<Self, FormatError> {
        if let Some(flat) = flatten(array)? {
            return Self::new(&flat, top_level, opts);
        }
        Ok(Self {
            rows: RowCheck::new(array.as_ref()),
            write: encoder(array, top_level, opts)?,
        })
    }

    /// Writes the value at `row`, or `null`.
    #[inline]
    pub(crate) fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if self.rows.is_null(row)? {
            out.extend_from_slice(b"null");
            Ok(())
        } else {
            (self.write)(row, out)
        }
    }
}

/// Wraps what `write` appends in double quotes (for values whose text never
/// needs escaping: dates, times, base64).
#[inline]
fn quoted(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    out.push(b'"');
    write(out);
    out.push(b'"');
}

/// Chooses the writer for a plain (already flattened) array.
fn encoder(
    array: &ArrayRef,
    top_level: bool,
    opts: &FormatOptions,
) -> Result<WriteFn, FormatError> {
    use DataType as D;
    Ok(match array.data_type() {
        // Every row of a NULL column is null, so this never runs.
        D::Null => write_fn(|_, out| {
            out.extend_from_slice(b"null");
            Ok(())
        }),
        D::Boolean => {
            let array = typed::<BooleanArray>(array, "BooleanArray")?;
            write_fn(move |row, out| {
                out.extend_from_slice(if array.value(row) { b"true" } else { b"false" });
                Ok(())
            })
        }
        D::Int8 => int::<Int8Type>(array)?,
        D::Int16 => int::<Int16Type>(array)?,
        D::Int32 => int::<Int32Type>(array)?,
        D::Int64 => int::<Int64Type>(array)?,
        D::UInt8 => int::<UInt8Type>(array)?,
        D::UInt16 => int::<UInt16Type>(array)?,
        D::UInt32 => int::<UInt32Type>(array)?,
        D::UInt64 => int::<UInt64Type>(array)?,
        D::Float16 => {
            let array = typed::<Float16Array>(array, "Float16Array")?;
            write_fn(move |row, out| {
                json_f32(array.value(row).to_f32(), out);
                Ok(())
            })
        }
        D::Float32 => {
            let array = typed::<Float32Array>(array, "Float32Array")?;
            write_fn(move |row, out| {
                json_f32(array.value(row), out);
                Ok(())
            })
        }
        D::Float64 => {
            let array = typed::<Float64Array>(array, "Float64Array")?;
            write_fn(move |row, out| {
                json_f64(array.value(row), out);
                Ok(())
            })
        }
        D::Utf8 => string(typed::<StringArray>(array, "StringArray")?),
        D::LargeUtf8 => string(typed::<LargeStringArray>(array, "LargeStringArray")?),
        D::Utf8View => string(typed::<StringViewArray>(array, "StringViewArray")?),
        D::Binary => base64(typed::<BinaryArray>(array, "BinaryArray")?),
        D::LargeBinary => base64(typed::<LargeBinaryArray>(array, "LargeBinaryArray")?),
        D::BinaryView => base64(typed::<BinaryViewArray>(array, "BinaryViewArray")?),
        D::FixedSizeBinary(_) => base64(typed::<FixedSizeBinaryArray>(array, "FixedSizeBinary")?),
        D::Decimal32(_, scale) => decimal::<Decimal32Type>(array, *scale)?,
        D::Decimal64(_, scale) => decimal::<Decimal64Type>(array, *scale)?,
        D::Decimal128(_, scale) => decimal::<Decimal128Type>(array, *scale)?,
        D::Decimal256(_, scale) => {
            let (array, scale) = (typed::<Decimal256Array>(array, "Decimal256Array")?, *scale);
            write_fn(move |row, out| {
                write_decimal_i256(array.value(row), scale, DecimalStyle::Stripped, out);
                Ok(())
            })
        }
        D::Date32 | D::Date64 => {
            // Date32 counts days, Date64 milliseconds (any time of day is dropped).
            let per_day = if matches!(array.data_type(), D::Date32) {
                1
            } else {
                86_400_000
            };
            let days = ticks(array)?;
            write_fn(move |row, out| {
                let day = tick(&days, row)?.div_euclid(per_day);
                quoted(out, |out| write_date(day, out));
                Ok(())
            })
        }
        D::Time32(unit) | D::Time64(unit) => {
            let (values, unit) = (ticks(array)?, *unit);
            write_fn(move |row, out| {
                let nanos = time_of_day(tick(&values, row)?, unit)?;
                quoted(out, |out| write_time(nanos, Fraction::Trimmed, out));
                Ok(())
            })
        }
        D::Timestamp(unit, zone) => {
            // LTZ: shift into the session zone at the top level only; every
            // LTZ value gets Flink's literal `Z`.
            let shift: Option<Tz> = (zone.is_some() && top_level).then_some(opts.time_zone);
            let (values, unit, z) = (ticks(array)?, *unit, zone.is_some());
            write_fn(move |row, out| {
                let mut value = tick(&values, row)?;
                if let Some(zone) = &shift {
                    value = to_local(value, unit, zone)?;
                }
                out.push(b'"');
                write_timestamp(value, unit, b'T', Fraction::Trimmed, out);
                if z {
                    out.push(b'Z');
                }
                out.push(b'"');
                Ok(())
            })
        }
        D::Interval(IntervalUnit::YearMonth) => {
            // Whole months.
            let array = typed::<IntervalYearMonthArray>(array, "IntervalYearMonthArray")?;
            write_fn(move |row, out| {
                write_int(array.value(row), out);
                Ok(())
            })
        }
        D::Interval(IntervalUnit::DayTime) => {
            // Milliseconds.
            let array = typed::<IntervalDayTimeArray>(array, "IntervalDayTimeArray")?;
            write_fn(move |row, out| {
                let value = array.value(row);
                write_int(day_time_millis(value.days, value.milliseconds), out);
                Ok(())
            })
        }
        D::Interval(IntervalUnit::MonthDayNano) => {
            // Milliseconds, a month counting as 30 days.
            let array = typed::<IntervalMonthDayNanoArray>(array, "IntervalMonthDayNanoArray")?;
            write_fn(move |row, out| {
                let v = array.value(row);
                write_int(month_day_nano_millis(v.months, v.days, v.nanoseconds), out);
                Ok(())
            })
        }
        D::Duration(unit) => {
            // Milliseconds, like INTERVAL DAY TO SECOND.
            let (values, unit) = (ticks(array)?, *unit);
            write_fn(move |row, out| {
                write_int(duration_millis(tick(&values, row)?, unit), out);
                Ok(())
            })
        }
        D::Struct(fields) => row_encoder(array, fields, opts)?,
        D::Map(_, _) => map_encoder(array, opts)?,
        _ => match list_parts(array)? {
            Some((ranges, values)) => list_encoder(ranges, &values, opts)?,
            // No JSON spelling of its own (unions are flattened to text
            // earlier; this catches anything arrow adds later).
            None => string(typed::<StringArray>(
                &display_as_text(array)?,
                "StringArray",
            )?),
        },
    })
}

/// Any integer type as a JSON number.
fn int<T: ArrowPrimitiveType>(array: &ArrayRef) -> Result<WriteFn, FormatError>
where
    T::Native: itoa::Integer,
{
    let array = typed::<PrimitiveArray<T>>(array, "integer array")?;
    Ok(write_fn(move |row, out| {
        write_int(array.value(row), out);
        Ok(())
    }))
}

/// FLOAT as Java prints it; NaN and the infinities are not JSON numbers, so
/// (like Jackson) they go out as strings.
fn json_f32(value: f32, out: &mut Vec<u8>) {
    if value.is_finite() {
        write_java_f32(value, out);
    } else {
        quoted(out, |out| write_java_f32(value, out));
    }
}

/// DOUBLE as Java prints it, non-finite values as strings.
#[inline]
fn json_f64(value: f64, out: &mut Vec<u8>) {
    if value.is_finite() {
        write_java_f64(value, out);
    } else {
        quoted(out, |out| write_java_f64(value, out));
    }
}

/// VARCHAR (and display text) as an escaped JSON string.
fn string<A: StrAt>(array: A) -> WriteFn {
    write_fn(move |row, out| {
        write_json_string(array.str_at(row).as_bytes(), out);
        Ok(())
    })
}

/// BINARY/VARBINARY as a base64 string.
fn base64<A: BytesAt>(array: A) -> WriteFn {
    write_fn(move |row, out| {
        out.push(b'"');
        write_base64(array.bytes_at(row), out)?;
        out.push(b'"');
        Ok(())
    })
}

/// DECIMAL up to 38 digits as a plain JSON number, trailing zeros stripped.
fn decimal<T: ArrowPrimitiveType>(array: &ArrayRef, scale: i8) -> Result<WriteFn, FormatError>
where
    T::Native: Into<i128>,
{
    let array = typed::<PrimitiveArray<T>>(array, "decimal array")?;
    Ok(write_fn(move |row, out| {
        write_decimal_i128(array.value(row).into(), scale, DecimalStyle::Stripped, out);
        Ok(())
    }))
}

/// ARRAY (any list layout) as a JSON array.
fn list_encoder(
    ranges: Ranges,
    values: &ArrayRef,
    opts: &FormatOptions,
) -> Result<WriteFn, FormatError> {
    let child_len = values.len();
    let mut child = JsonColumn::new(values, false, opts)?;
    Ok(write_fn(move |row, out| {
        out.push(b'[');
        for (n, index) in ranges.get(row, child_len)?.enumerate() {
            if n > 0 {
                out.push(b',');
            }
            child.encode(index, out)?;
        }
        out.push(b']');
        Ok(())
    }))
}

/// ROW as a JSON object keyed by field name.
fn row_encoder(
    array: &ArrayRef,
    fields: &Fields,
    opts: &FormatOptions,
) -> Result<WriteFn, FormatError> {
    let row_array = typed::<StructArray>(array, "StructArray")?;
    let mut children = Vec::with_capacity(fields.len());
    for (field, child) in fields.iter().zip(row_array.columns()) {
        // Pre-render `"name":` once instead of escaping it per row.
        let mut key = Vec::with_capacity(field.name().len() + 3);
        write_json_string(field.name().as_bytes(), &mut key);
        key.push(b':');
        children.push((key, JsonColumn::new(child, false, opts)?));
    }
    Ok(write_fn(move |row, out| {
        out.push(b'{');
        for (n, (key, child)) in children.iter_mut().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            child.encode(row, out)?;
        }
        out.push(b'}');
        Ok(())
    }))
}

/// MAP as a JSON object. JSON keys must be strings, so each key is written in
/// its PLAIN_TEXT form (Flink only allows string keys here, and for those the
/// two agree); a null key becomes `"null"`, as in Flink's LITERAL mode.
fn map_encoder(array: &ArrayRef, opts: &FormatOptions) -> Result<WriteFn, FormatError> {
    let map = typed::<MapArray>(array, "MapArray")?;
    let ranges = Ranges::Offsets32(map.offsets().clone());
    let entries = map.entries().len();
    let mut keys = TextColumn::new(map.keys(), opts)?;
    let mut values = JsonColumn::new(map.values(), false, opts)?;
    Ok(write_fn(move |row, out| {
        out.push(b'{');
        for (n, index) in ranges.get(row, entries)?.enumerate() {
            if n > 0 {
                out.push(b',');
            }
            if keys.is_null(index)? {
                out.extend_from_slice(b"\"null\"");
            } else {
                keys.write_quoted(index, out)?;
            }
            out.push(b':');
            values.encode(index, out)?;
        }
        out.push(b'}');
        Ok(())
    }))
}
