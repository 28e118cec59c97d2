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
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BinaryViewArray, BooleanArray, Date32Array,
    Date64Array, Decimal256Array, FixedSizeBinaryArray, Float16Array, Float32Array, Float64Array,
    IntervalDayTimeArray, IntervalMonthDayNanoArray, IntervalYearMonthArray, LargeBinaryArray,
    LargeStringArray, MapArray, PrimitiveArray, StringArray, StringViewArray, StructArray,
};
use datafusion::arrow::datatypes::{
    DataType, Decimal32Type, Decimal64Type, Decimal128Type, DurationMicrosecondType,
    DurationMillisecondType, DurationNanosecondType, DurationSecondType, Int8Type, Int16Type,
    Int32Type, Int64Type, IntervalUnit, Time32MillisecondType, Time32SecondType,
    Time64MicrosecondType, Time64NanosecondType, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::record_batch::RecordBatch;

use super::arrays::{BytesAt, Ranges, RowCheck, StrAt, display_as_text, flatten, list_parts, typed};
use super::temporal::{
    Fraction, day_time_millis, duration_millis, month_day_nano_millis, time_of_day, to_local,
    unit_precision, write_date, write_day_time_text, write_time, write_timestamp,
    write_year_month_text,
};
use super::text::{
    DecimalStyle, write_decimal_i128, write_decimal_i256, write_hex, write_int, write_java_f32,
    write_java_f64, write_json_string,
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
/// TIMESTAMP_LTZ values, nested or not, are shown in `opts.time_zone`, without
/// a zone suffix. On error, `out` is left as it was.
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

/// Appends the text of one non-null value.
trait Render {
    /// Writes the raw (unescaped) text of the value at `row`, which the
    /// caller has checked is in bounds and not null.
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError>;

    /// Writes the text as a quoted JSON string. The default renders into
    /// `scratch` and escapes it; renderers whose output is always plain ASCII
    /// (numbers, dates) override it to skip the copy.
    fn render_quoted(
        &mut self,
        row: usize,
        out: &mut Vec<u8>,
        scratch: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        scratch.clear();
        self.render(row, scratch)?;
        write_json_string(scratch, out);
        Ok(())
    }
}

/// `render_quoted` for renderers that never emit characters JSON escapes.
macro_rules! ascii_quoted {
    () => {
        fn render_quoted(
            &mut self,
            row: usize,
            out: &mut Vec<u8>,
            _scratch: &mut Vec<u8>,
        ) -> Result<(), FormatError> {
            out.push(b'"');
            self.render(row, out)?;
            out.push(b'"');
            Ok(())
        }
    };
}

/// A column (or nested child) rendered as Flink text. Also used by the JSON
/// encoder for MAP keys, which JSON needs as strings.
pub(crate) struct TextColumn {
    /// Bounds and nulls, checked before the renderer runs.
    rows: RowCheck,
    /// The typed renderer, chosen once from the data type.
    renderer: Box<dyn Render>,
    /// Reused buffer for text that must be escaped after rendering.
    scratch: Vec<u8>,
}

impl TextColumn {
    /// Builds the renderer tree for `array`.
    pub(crate) fn new(array: &ArrayRef, opts: &FormatOptions) -> Result<Self, FormatError> {
        if let Some(flat) = flatten(array)? {
            return Self::new(&flat, opts);
        }
        Ok(Self {
            rows: RowCheck::new(array.as_ref()),
            renderer: renderer(array, opts)?,
            scratch: Vec::new(),
        })
    }

    /// Whether `row` is null (errors when out of bounds).
    #[inline]
    pub(crate) fn is_null(&self, row: usize) -> Result<bool, FormatError> {
        self.rows.is_null(row)
    }

    /// Writes the non-null value at `row` as a quoted, escaped JSON string.
    #[inline]
    pub(crate) fn write_quoted(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        self.renderer.render_quoted(row, out, &mut self.scratch)
    }

    /// Writes the value at `row` as raw text, `NULL` when null (the nested
    /// form).
    fn write_text(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if self.rows.is_null(row)? {
            out.extend_from_slice(b"NULL");
            Ok(())
        } else {
            self.renderer.render(row, out)
        }
    }
}

/// Chooses the renderer for a plain (already flattened) array.
fn renderer(array: &ArrayRef, opts: &FormatOptions) -> Result<Box<dyn Render>, FormatError> {
    use DataType as D;
    Ok(match array.data_type() {
        D::Null => Box::new(NullRender),
        D::Boolean => Box::new(BoolRender(typed(array, "BooleanArray")?)),
        D::Int8 => int::<Int8Type>(array)?,
        D::Int16 => int::<Int16Type>(array)?,
        D::Int32 => int::<Int32Type>(array)?,
        D::Int64 => int::<Int64Type>(array)?,
        D::UInt8 => int::<UInt8Type>(array)?,
        D::UInt16 => int::<UInt16Type>(array)?,
        D::UInt32 => int::<UInt32Type>(array)?,
        D::UInt64 => int::<UInt64Type>(array)?,
        D::Float16 => Box::new(Float16Render(typed(array, "Float16Array")?)),
        D::Float32 => Box::new(Float32Render(typed(array, "Float32Array")?)),
        D::Float64 => Box::new(Float64Render(typed(array, "Float64Array")?)),
        D::Utf8 => Box::new(StrRender(typed::<StringArray>(array, "StringArray")?)),
        D::LargeUtf8 => Box::new(StrRender(typed::<LargeStringArray>(array, "LargeStringArray")?)),
        D::Utf8View => Box::new(StrRender(typed::<StringViewArray>(array, "StringViewArray")?)),
        D::Binary => Box::new(HexRender(typed::<BinaryArray>(array, "BinaryArray")?)),
        D::LargeBinary => Box::new(HexRender(typed::<LargeBinaryArray>(array, "LargeBinaryArray")?)),
        D::BinaryView => Box::new(HexRender(typed::<BinaryViewArray>(array, "BinaryViewArray")?)),
        D::FixedSizeBinary(_) => {
            Box::new(HexRender(typed::<FixedSizeBinaryArray>(array, "FixedSizeBinaryArray")?))
        }
        D::Decimal32(_, scale) => decimal::<Decimal32Type>(array, *scale)?,
        D::Decimal64(_, scale) => decimal::<Decimal64Type>(array, *scale)?,
        D::Decimal128(_, scale) => decimal::<Decimal128Type>(array, *scale)?,
        D::Decimal256(_, scale) => {
            Box::new(Decimal256Render { array: typed(array, "Decimal256Array")?, scale: *scale })
        }
        D::Date32 => Box::new(Date32Render(typed(array, "Date32Array")?)),
        D::Date64 => Box::new(Date64Render(typed(array, "Date64Array")?)),
        D::Time32(TimeUnit::Second) => time::<Time32SecondType>(array, TimeUnit::Second)?,
        D::Time32(TimeUnit::Millisecond) => time::<Time32MillisecondType>(array, TimeUnit::Millisecond)?,
        D::Time64(TimeUnit::Microsecond) => time::<Time64MicrosecondType>(array, TimeUnit::Microsecond)?,
        D::Time64(TimeUnit::Nanosecond) => time::<Time64NanosecondType>(array, TimeUnit::Nanosecond)?,
        D::Timestamp(unit, zone) => {
            let shift = zone.is_some().then_some(opts.time_zone);
            match unit {
                TimeUnit::Second => timestamp::<TimestampSecondType>(array, *unit, shift)?,
                TimeUnit::Millisecond => timestamp::<TimestampMillisecondType>(array, *unit, shift)?,
                TimeUnit::Microsecond => timestamp::<TimestampMicrosecondType>(array, *unit, shift)?,
                TimeUnit::Nanosecond => timestamp::<TimestampNanosecondType>(array, *unit, shift)?,
            }
        }
        D::Interval(IntervalUnit::YearMonth) => Box::new(YearMonthRender(typed(array, "IntervalYearMonthArray")?)),
        D::Interval(IntervalUnit::DayTime) => Box::new(DayTimeRender(typed(array, "IntervalDayTimeArray")?)),
        D::Interval(IntervalUnit::MonthDayNano) => {
            Box::new(MonthDayNanoRender(typed(array, "IntervalMonthDayNanoArray")?))
        }
        D::Duration(unit) => match unit {
            TimeUnit::Second => duration::<DurationSecondType>(array, *unit)?,
            TimeUnit::Millisecond => duration::<DurationMillisecondType>(array, *unit)?,
            TimeUnit::Microsecond => duration::<DurationMicrosecondType>(array, *unit)?,
            TimeUnit::Nanosecond => duration::<DurationNanosecondType>(array, *unit)?,
        },
        D::Struct(_) => {
            let row = typed::<StructArray>(array, "StructArray")?;
            let children = row
                .columns()
                .iter()
                .map(|child| TextColumn::new(child, opts))
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(StructRender(children))
        }
        D::Map(_, _) => {
            let map = typed::<MapArray>(array, "MapArray")?;
            Box::new(MapRender {
                ranges: Ranges::Offsets32(map.offsets().clone()),
                entries: map.entries().len(),
                keys: TextColumn::new(map.keys(), opts)?,
                values: TextColumn::new(map.values(), opts)?,
            })
        }
        _ => match list_parts(array)? {
            Some((ranges, values)) => Box::new(ListRender {
                ranges,
                child_len: values.len(),
                child: TextColumn::new(&values, opts)?,
            }),
            None => Box::new(StrRender(typed::<StringArray>(&display_as_text(array)?, "StringArray")?)),
        },
    })
}

/// The NULL type; every row is null, so this only runs if asked directly.
struct NullRender;

impl Render for NullRender {
    fn render(&mut self, _row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(b"NULL");
        Ok(())
    }
    ascii_quoted!();
}

/// BOOLEAN as `TRUE` / `FALSE`.
struct BoolRender(BooleanArray);

impl Render for BoolRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(if self.0.value(row) { b"TRUE" } else { b"FALSE" });
        Ok(())
    }
    ascii_quoted!();
}

/// Any integer type in decimal.
struct IntRender<T: ArrowPrimitiveType>(PrimitiveArray<T>);

impl<T: ArrowPrimitiveType> Render for IntRender<T>
where
    T::Native: itoa::Integer,
{
    #[inline]
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_int(self.0.value(row), out);
        Ok(())
    }
    ascii_quoted!();
}

/// Boxes an [`IntRender`] for integer type `T`.
fn int<T: ArrowPrimitiveType>(array: &ArrayRef) -> Result<Box<dyn Render>, FormatError>
where
    T::Native: itoa::Integer,
{
    Ok(Box::new(IntRender::<T>(typed(array, "integer array")?)))
}

/// FLOAT (half precision, widened exactly to f32), Java `Float.toString`.
struct Float16Render(Float16Array);

impl Render for Float16Render {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_java_f32(self.0.value(row).to_f32(), out);
        Ok(())
    }
    ascii_quoted!();
}

/// FLOAT, Java `Float.toString`.
struct Float32Render(Float32Array);

impl Render for Float32Render {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_java_f32(self.0.value(row), out);
        Ok(())
    }
    ascii_quoted!();
}

/// DOUBLE, Java `Double.toString`.
struct Float64Render(Float64Array);

impl Render for Float64Render {
    #[inline]
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_java_f64(self.0.value(row), out);
        Ok(())
    }
    ascii_quoted!();
}

/// VARCHAR: the string itself.
struct StrRender<A: StrAt>(A);

impl<A: StrAt> Render for StrRender<A> {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(self.0.str_at(row).as_bytes());
        Ok(())
    }

    fn render_quoted(
        &mut self,
        row: usize,
        out: &mut Vec<u8>,
        _scratch: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        // Escape straight from the array; no intermediate copy.
        write_json_string(self.0.str_at(row).as_bytes(), out);
        Ok(())
    }
}

/// BINARY/VARBINARY as `x'0a1b'`.
struct HexRender<A: BytesAt>(A);

impl<A: BytesAt> Render for HexRender<A> {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(b"x'");
        write_hex(self.0.bytes_at(row), out);
        out.push(b'\'');
        Ok(())
    }
    ascii_quoted!();
}

/// DECIMAL up to 38 digits, with its full scale.
struct DecimalRender<T: ArrowPrimitiveType> {
    /// The unscaled values.
    array: PrimitiveArray<T>,
    /// Digits after the point.
    scale: i8,
}

impl<T: ArrowPrimitiveType> Render for DecimalRender<T>
where
    T::Native: Into<i128>,
{
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_decimal_i128(self.array.value(row).into(), self.scale, DecimalStyle::FullScale, out);
        Ok(())
    }
    ascii_quoted!();
}

/// Boxes a [`DecimalRender`] for decimal type `T`.
fn decimal<T: ArrowPrimitiveType>(array: &ArrayRef, scale: i8) -> Result<Box<dyn Render>, FormatError>
where
    T::Native: Into<i128>,
{
    Ok(Box::new(DecimalRender::<T> { array: typed(array, "decimal array")?, scale }))
}

/// DECIMAL256 with its full scale.
struct Decimal256Render {
    /// The unscaled values.
    array: Decimal256Array,
    /// Digits after the point.
    scale: i8,
}

impl Render for Decimal256Render {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_decimal_i256(self.array.value(row), self.scale, DecimalStyle::FullScale, out);
        Ok(())
    }
    ascii_quoted!();
}

/// DATE from days since the epoch.
struct Date32Render(Date32Array);

impl Render for Date32Render {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_date(i64::from(self.0.value(row)), out);
        Ok(())
    }
    ascii_quoted!();
}

/// DATE from milliseconds since the epoch.
struct Date64Render(Date64Array);

impl Render for Date64Render {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_date(self.0.value(row).div_euclid(86_400_000), out);
        Ok(())
    }
    ascii_quoted!();
}

/// TIME(p) as `HH:mm:ss` plus exactly p fraction digits.
struct TimeRender<T: ArrowPrimitiveType> {
    /// Ticks since midnight.
    array: PrimitiveArray<T>,
    /// The tick unit (and so the precision).
    unit: TimeUnit,
}

impl<T: ArrowPrimitiveType> Render for TimeRender<T>
where
    T::Native: Into<i64>,
{
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let nanos = time_of_day(self.array.value(row).into(), self.unit)?;
        write_time(nanos, Fraction::Padded(unit_precision(self.unit)), out);
        Ok(())
    }
    ascii_quoted!();
}

/// Boxes a [`TimeRender`] for time type `T`.
fn time<T: ArrowPrimitiveType>(array: &ArrayRef, unit: TimeUnit) -> Result<Box<dyn Render>, FormatError>
where
    T::Native: Into<i64>,
{
    Ok(Box::new(TimeRender::<T> { array: typed(array, "time array")?, unit }))
}

/// TIMESTAMP(p) / TIMESTAMP_LTZ(p) as `yyyy-MM-dd HH:mm:ss` plus exactly p
/// fraction digits.
struct TimestampRender<T: ArrowPrimitiveType<Native = i64>> {
    /// Ticks since the epoch.
    array: PrimitiveArray<T>,
    /// The tick unit (and so the precision).
    unit: TimeUnit,
    /// The session zone, for LTZ values.
    shift: Option<Tz>,
}

impl<T: ArrowPrimitiveType<Native = i64>> Render for TimestampRender<T> {
    #[inline]
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut value = self.array.value(row);
        if let Some(zone) = &self.shift {
            value = to_local(value, self.unit, zone)?;
        }
        write_timestamp(value, self.unit, b' ', Fraction::Padded(unit_precision(self.unit)), out);
        Ok(())
    }
    ascii_quoted!();
}

/// Boxes a [`TimestampRender`] for timestamp type `T`.
fn timestamp<T: ArrowPrimitiveType<Native = i64>>(
    array: &ArrayRef,
    unit: TimeUnit,
    shift: Option<Tz>,
) -> Result<Box<dyn Render>, FormatError> {
    Ok(Box::new(TimestampRender::<T> { array: typed(array, "timestamp array")?, unit, shift }))
}

/// INTERVAL YEAR TO MONTH as `+1-02`.
struct YearMonthRender(IntervalYearMonthArray);

impl Render for YearMonthRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_year_month_text(self.0.value(row), out);
        Ok(())
    }
    ascii_quoted!();
}

/// INTERVAL DAY TO SECOND as `+1 02:03:04.005`.
struct DayTimeRender(IntervalDayTimeArray);

impl Render for DayTimeRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row);
        write_day_time_text(day_time_millis(value.days, value.milliseconds), out);
        Ok(())
    }
    ascii_quoted!();
}

/// Month/day/nano intervals as DAY TO SECOND text (a month is 30 days).
struct MonthDayNanoRender(IntervalMonthDayNanoArray);

impl Render for MonthDayNanoRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row);
        write_day_time_text(month_day_nano_millis(value.months, value.days, value.nanoseconds), out);
        Ok(())
    }
    ascii_quoted!();
}

/// DURATION as DAY TO SECOND text.
struct DurationRender<T: ArrowPrimitiveType<Native = i64>> {
    /// Ticks.
    array: PrimitiveArray<T>,
    /// The tick unit.
    unit: TimeUnit,
}

impl<T: ArrowPrimitiveType<Native = i64>> Render for DurationRender<T> {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_day_time_text(duration_millis(self.array.value(row), self.unit), out);
        Ok(())
    }
    ascii_quoted!();
}

/// Boxes a [`DurationRender`] for duration type `T`.
fn duration<T: ArrowPrimitiveType<Native = i64>>(
    array: &ArrayRef,
    unit: TimeUnit,
) -> Result<Box<dyn Render>, FormatError> {
    Ok(Box::new(DurationRender::<T> { array: typed(array, "duration array")?, unit }))
}

/// ARRAY as `[1, 2, NULL]`.
struct ListRender {
    /// Where each row's elements are in the child.
    ranges: Ranges,
    /// Child length, to validate the ranges.
    child_len: usize,
    /// The elements.
    child: TextColumn,
}

impl Render for ListRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'[');
        for (n, index) in self.ranges.get(row, self.child_len)?.enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            self.child.write_text(index, out)?;
        }
        out.push(b']');
        Ok(())
    }
}

/// MAP as `{k1=v1, k2=v2}`.
struct MapRender {
    /// Where each row's entries are.
    ranges: Ranges,
    /// Number of entries, to validate the ranges.
    entries: usize,
    /// The keys.
    keys: TextColumn,
    /// The values.
    values: TextColumn,
}

impl Render for MapRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'{');
        for (n, index) in self.ranges.get(row, self.entries)?.enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            self.keys.write_text(index, out)?;
            out.push(b'=');
            self.values.write_text(index, out)?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// ROW as `(1, abc)`.
struct StructRender(Vec<TextColumn>);

impl Render for StructRender {
    fn render(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'(');
        for (n, child) in self.0.iter_mut().enumerate() {
            if n > 0 {
                out.extend_from_slice(b", ");
            }
            child.write_text(row, out)?;
        }
        out.push(b')');
        Ok(())
    }
}
