//! `rowFormat=PLAIN_TEXT`: every field is the string Flink's
//! `CAST(x AS STRING)` printing rules produce (RowDataToStringConverterImpl).
//!
//! The text is written by hand rather than through arrow's `ArrayFormatter`:
//! most of Flink's spellings differ from arrow's (`TRUE`, `1.0E10`, `x'0a'`,
//! padded fractions, `[1, NULL]`, `{k=v}`, `(1, abc)`), and writing bytes
//! directly avoids a `dyn fmt::Write` round trip per value. `ArrayFormatter`
//! is still used for types Flink has no spelling for (unions).

use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, BooleanArray,
    Decimal256Array, FixedSizeBinaryArray, Float16Array, Float32Array, Float64Array,
    IntervalDayTimeArray, IntervalMonthDayNanoArray, IntervalYearMonthArray, LargeBinaryArray,
    LargeStringArray, MapArray, PrimitiveArray, StringArray, StringViewArray, StructArray,
};
use datafusion::arrow::datatypes::{
    DataType, Decimal32Type, Decimal64Type, Decimal128Type, Int8Type, Int16Type, Int32Type,
    Int64Type, IntervalUnit, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::record_batch::RecordBatch;

use super::arrays::{
    BytesAt, Ranges, RowCheck, StrAt, WriteFn, display_as_text, flatten, list_parts, tick, ticks,
    typed, write_fn,
};
use super::float::{write_java_f32, write_java_f64};
use super::temporal::{
    Fraction, day_time_millis, duration_millis, month_day_nano_millis, time_of_day, to_local,
    unit_precision, write_date, write_day_time_text, write_time, write_timestamp,
    write_year_month_text,
};
use super::text::{
    DecimalStyle, write_decimal_i128, write_decimal_i256, write_hex, write_int, write_json_string,
};
use super::{FormatError, FormatOptions, write_rows};
use crate::result::RowKind;

/// Appends the rows of `batch` in `rowFormat=PLAIN_TEXT`.
///
/// Framing is the same as [`write_json_rows`](super::write_json_rows): one
/// `{"kind":"INSERT","fields":["1","abc",null]}` object per row, comma
/// separated, the first row without a leading comma, no brackets. Each field
/// is a JSON string holding the Flink text form of the value, or JSON `null`
/// for a top-level SQL NULL (NULLs nested inside a value print as `NULL`).
/// TIMESTAMP_LTZ values, nested or not, are shown in `opts.time_zone`,
/// without a zone suffix. On error, `out` is left as it was.
pub fn write_plain_text_rows(
    batch: &RecordBatch,
    kinds: Option<&[RowKind]>,
    opts: &FormatOptions,
    out: &mut Vec<u8>,
) -> Result<(), FormatError> {
    let mut columns = batch
        .columns()
        .iter()
        .map(|column| TextColumn::new(column, opts))
        .collect::<Result<Vec<_>, _>>()?;
    write_rows(batch, kinds, &mut columns, out, |column, row, out| {
        if column.is_null(row)? {
            out.extend_from_slice(b"null");
            Ok(())
        } else {
            column.write_quoted(row, out)
        }
    })
}

/// How a column's text becomes a JSON string.
enum Quoting {
    /// The text is plain ASCII without quotes or backslashes (numbers,
    /// dates): write it between quotes as is.
    Ascii,
    /// The text may need escaping: render into this scratch buffer, then
    /// escape it into the output.
    Escape(Vec<u8>),
    /// A dedicated writer produces the quoted string directly (strings,
    /// escaped straight from the array without an intermediate copy).
    Direct(WriteFn),
}

/// A column (or nested child) rendered as Flink text. Also used by the JSON
/// encoder for MAP keys, which JSON needs as strings.
pub(crate) struct TextColumn {
    /// Bounds and nulls, checked before the renderer runs.
    rows: RowCheck,
    /// Writes the raw (unescaped) text of a non-null value.
    render: WriteFn,
    /// How to turn that text into a JSON string.
    quoting: Quoting,
}

impl TextColumn {
    /// Builds the renderer tree for `array`.
    pub(crate) fn new(array: &ArrayRef, opts: &FormatOptions) -> Result<Self, FormatError> {
        if let Some(flat) = flatten(array)? {
            return Self::new(&flat, opts);
        }
        let (render, quoting) = renderer(array, opts)?;
        Ok(Self {
            rows: RowCheck::new(array.as_ref()),
            render,
            quoting,
        })
    }

    /// Whether `row` is null (errors when out of bounds).
    #[inline]
    pub(crate) fn is_null(&self, row: usize) -> Result<bool, FormatError> {
        self.rows.is_null(row)
    }

    /// Writes the non-null value at `row` as a quoted, escaped JSON string.
    #[inline]
    pub(crate) fn write_quoted(
        &mut self,
        row: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        match &mut self.quoting {
            Quoting::Ascii => {
                out.push(b'"');
                (self.render)(row, out)?;
                out.push(b'"');
            }
            Quoting::Escape(scratch) => {
                scratch.clear();
                (self.render)(row, scratch)?;
                write_json_string(scratch, out);
            }
            Quoting::Direct(write) => write(row, out)?,
        }
        Ok(())
    }

    /// Writes the value at `row` as raw text, `NULL` when null (the form
    /// used inside ARRAY, MAP and ROW values).
    fn write_text(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if self.rows.is_null(row)? {
            out.extend_from_slice(b"NULL");
            Ok(())
        } else {
            (self.render)(row, out)
        }
    }
}

/// A renderer whose output never needs JSON escaping.
fn ascii(
    render: impl FnMut(usize, &mut Vec<u8>) -> Result<(), FormatError> + 'static,
) -> (WriteFn, Quoting) {
    (write_fn(render), Quoting::Ascii)
}

/// A renderer whose output may need JSON escaping.
fn escaped(
    render: impl FnMut(usize, &mut Vec<u8>) -> Result<(), FormatError> + 'static,
) -> (WriteFn, Quoting) {
    (write_fn(render), Quoting::Escape(Vec::new()))
}

/// Chooses the renderer for a plain (already flattened) array.
fn renderer(array: &ArrayRef, opts: &FormatOptions) -> Result<(WriteFn, Quoting), FormatError> {
    use DataType as D;
    Ok(match array.data_type() {
        D::Null => ascii(|_, out| {
            out.extend_from_slice(b"NULL");
            Ok(())
        }),
        D::Boolean => {
            let array = typed::<BooleanArray>(array, "BooleanArray")?;
            ascii(move |row, out| {
                out.extend_from_slice(if array.value(row) { b"TRUE" } else { b"FALSE" });
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
            ascii(move |row, out| {
                write_java_f32(array.value(row).to_f32(), out);
                Ok(())
            })
        }
        D::Float32 => {
            let array = typed::<Float32Array>(array, "Float32Array")?;
            ascii(move |row, out| {
                write_java_f32(array.value(row), out);
                Ok(())
            })
        }
        D::Float64 => {
            let array = typed::<Float64Array>(array, "Float64Array")?;
            ascii(move |row, out| {
                write_java_f64(array.value(row), out);
                Ok(())
            })
        }
        D::Utf8 => string(typed::<StringArray>(array, "StringArray")?),
        D::LargeUtf8 => string(typed::<LargeStringArray>(array, "LargeStringArray")?),
        D::Utf8View => string(typed::<StringViewArray>(array, "StringViewArray")?),
        D::Binary => hex(typed::<BinaryArray>(array, "BinaryArray")?),
        D::LargeBinary => hex(typed::<LargeBinaryArray>(array, "LargeBinaryArray")?),
        D::BinaryView => hex(typed::<BinaryViewArray>(array, "BinaryViewArray")?),
        D::FixedSizeBinary(_) => hex(typed::<FixedSizeBinaryArray>(array, "FixedSizeBinary")?),
        D::Decimal32(_, scale) => decimal::<Decimal32Type>(array, *scale)?,
        D::Decimal64(_, scale) => decimal::<Decimal64Type>(array, *scale)?,
        D::Decimal128(_, scale) => decimal::<Decimal128Type>(array, *scale)?,
        D::Decimal256(_, scale) => {
            let (array, scale) = (typed::<Decimal256Array>(array, "Decimal256Array")?, *scale);
            ascii(move |row, out| {
                write_decimal_i256(array.value(row), scale, DecimalStyle::FullScale, out);
                Ok(())
            })
        }
        D::Date32 | D::Date64 => {
            let per_day = if matches!(array.data_type(), D::Date32) {
                1
            } else {
                86_400_000
            };
            let days = ticks(array)?;
            ascii(move |row, out| {
                write_date(tick(&days, row)?.div_euclid(per_day), out);
                Ok(())
            })
        }
        D::Time32(unit) | D::Time64(unit) => {
            // TIME(p): exactly p fraction digits.
            let (values, unit) = (ticks(array)?, *unit);
            let fraction = Fraction::Padded(unit_precision(unit));
            ascii(move |row, out| {
                write_time(time_of_day(tick(&values, row)?, unit)?, fraction, out);
                Ok(())
            })
        }
        D::Timestamp(unit, zone) => {
            // TIMESTAMP(p) / TIMESTAMP_LTZ(p): space separator, exactly p
            // fraction digits; LTZ in the session zone wherever it appears.
            let shift: Option<Tz> = zone.is_some().then_some(opts.time_zone);
            let (values, unit) = (ticks(array)?, *unit);
            let fraction = Fraction::Padded(unit_precision(unit));
            ascii(move |row, out| {
                let mut value = tick(&values, row)?;
                if let Some(zone) = &shift {
                    value = to_local(value, unit, zone)?;
                }
                write_timestamp(value, unit, b' ', fraction, out);
                Ok(())
            })
        }
        D::Interval(IntervalUnit::YearMonth) => {
            let array = typed::<IntervalYearMonthArray>(array, "IntervalYearMonthArray")?;
            ascii(move |row, out| {
                write_year_month_text(array.value(row), out);
                Ok(())
            })
        }
        D::Interval(IntervalUnit::DayTime) => {
            let array = typed::<IntervalDayTimeArray>(array, "IntervalDayTimeArray")?;
            ascii(move |row, out| {
                let value = array.value(row);
                write_day_time_text(day_time_millis(value.days, value.milliseconds), out);
                Ok(())
            })
        }
        D::Interval(IntervalUnit::MonthDayNano) => {
            let array = typed::<IntervalMonthDayNanoArray>(array, "IntervalMonthDayNanoArray")?;
            ascii(move |row, out| {
                let v = array.value(row);
                write_day_time_text(month_day_nano_millis(v.months, v.days, v.nanoseconds), out);
                Ok(())
            })
        }
        D::Duration(unit) => {
            let (values, unit) = (ticks(array)?, *unit);
            ascii(move |row, out| {
                write_day_time_text(duration_millis(tick(&values, row)?, unit), out);
                Ok(())
            })
        }
        D::Struct(_) => row_renderer(array, opts)?,
        D::Map(_, _) => map_renderer(array, opts)?,
        _ => match list_parts(array)? {
            Some((ranges, values)) => list_renderer(ranges, &values, opts)?,
            None => string(typed::<StringArray>(
                &display_as_text(array)?,
                "StringArray",
            )?),
        },
    })
}

/// Any integer type in decimal.
fn int<T: ArrowPrimitiveType>(array: &ArrayRef) -> Result<(WriteFn, Quoting), FormatError>
where
    T::Native: itoa::Integer,
{
    let array = typed::<PrimitiveArray<T>>(array, "integer array")?;
    Ok(ascii(move |row, out| {
        write_int(array.value(row), out);
        Ok(())
    }))
}

/// VARCHAR: the string itself; as a field, escaped straight from the array.
fn string<A: StrAt>(array: A) -> (WriteFn, Quoting) {
    let direct = array.clone();
    let render = write_fn(move |row, out| {
        out.extend_from_slice(array.str_at(row).as_bytes());
        Ok(())
    });
    let quoted = write_fn(move |row, out| {
        write_json_string(direct.str_at(row).as_bytes(), out);
        Ok(())
    });
    (render, Quoting::Direct(quoted))
}

/// BINARY/VARBINARY as `x'0a1b'`.
fn hex<A: BytesAt>(array: A) -> (WriteFn, Quoting) {
    ascii(move |row, out| {
        out.extend_from_slice(b"x'");
        write_hex(array.bytes_at(row), out);
        out.push(b'\'');
        Ok(())
    })
}

/// DECIMAL up to 38 digits, with its full scale.
fn decimal<T: ArrowPrimitiveType>(
    array: &ArrayRef,
    scale: i8,
) -> Result<(WriteFn, Quoting), FormatError>
where
    T::Native: Into<i128>,
{
    let array = typed::<PrimitiveArray<T>>(array, "decimal array")?;
    Ok(ascii(move |row, out| {
        write_decimal_i128(array.value(row).into(), scale, DecimalStyle::FullScale, out);
        Ok(())
    }))
}

/// ARRAY as `[1, 2, NULL]`.
fn list_renderer(
    ranges: Ranges,
    values: &ArrayRef,
    opts: &FormatOptions,
) -> Result<(WriteFn, Quoting), FormatError> {
    let child_len = values.len();
    let mut child = TextColumn::new(values, opts)?;
    Ok(escaped(move |row, out| {
        out.push(b'[');
        for (n, index) in ranges.get(row, child_len)?.enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            child.write_text(index, out)?;
        }
        out.push(b']');
        Ok(())
    }))
}

/// MAP as `{k1=v1, k2=v2}`.
fn map_renderer(array: &ArrayRef, opts: &FormatOptions) -> Result<(WriteFn, Quoting), FormatError> {
    let map = typed::<MapArray>(array, "MapArray")?;
    let ranges = Ranges::Offsets32(map.offsets().clone());
    let entries = map.entries().len();
    let mut keys = TextColumn::new(map.keys(), opts)?;
    let mut values = TextColumn::new(map.values(), opts)?;
    Ok(escaped(move |row, out| {
        out.push(b'{');
        for (n, index) in ranges.get(row, entries)?.enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            keys.write_text(index, out)?;
            out.push(b'=');
            values.write_text(index, out)?;
        }
        out.push(b'}');
        Ok(())
    }))
}

/// ROW as `(1, abc)`.
fn row_renderer(array: &ArrayRef, opts: &FormatOptions) -> Result<(WriteFn, Quoting), FormatError> {
    let row_array = typed::<StructArray>(array, "StructArray")?;
    let mut children = row_array
        .columns()
        .iter()
        .map(|child| TextColumn::new(child, opts))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(escaped(move |row, out| {
        out.push(b'(');
        for (n, child) in children.iter_mut().enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            child.write_text(row, out)?;
        }
        out.push(b')');
        Ok(())
    }))
}
