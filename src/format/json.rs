//! `rowFormat=JSON`: every field is a typed JSON value, as Flink's
//! `RowDataToJsonConverters` (ISO-8601 mode) writes it.

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
use super::plain_text::TextColumn;
use super::temporal::{
    Fraction, day_time_millis, duration_millis, month_day_nano_millis, time_of_day, to_local,
    write_date, write_time, write_timestamp,
};
use super::text::{
    DecimalStyle, write_base64, write_decimal_i128, write_decimal_i256, write_int,
    write_java_f32, write_java_f64, write_json_string,
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
/// TIMESTAMP_LTZ columns are shown as wall-clock time in
/// `opts.time_zone` followed by a literal `Z` (Flink's quirk); LTZ values
/// nested in ARRAY/MAP/ROW are not shifted, as in Flink. On error, `out` is
/// left as it was.
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
    write_rows(batch, kinds, &mut columns, out, |column, row, out| column.encode(row, out))
}

/// Appends one non-null value of a column as JSON.
trait Encode {
    /// Writes the value at `row`, which the caller has checked is in bounds
    /// and not null.
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError>;
}

/// A column (or nested child) ready to be written row by row.
struct JsonColumn {
    /// Bounds and nulls, checked before the typed encoder runs.
    rows: RowCheck,
    /// The typed encoder, chosen once from the data type.
    encoder: Box<dyn Encode>,
}

impl JsonColumn {
    /// Builds the encoder tree for `array`. `top_level` is true for result
    /// columns and false for anything nested (it decides LTZ shifting).
    fn new(array: &ArrayRef, top_level: bool, opts: &FormatOptions) -> Result<Self, FormatError> {
        if let Some(flat) = flatten(array)? {
            return Self::new(&flat, top_level, opts);
        }
        Ok(Self { rows: RowCheck::new(array.as_ref()), encoder: encoder(array, top_level, opts)? })
    }

    /// Writes the value at `row`, or `null`.
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if self.rows.is_null(row)? {
            out.extend_from_slice(b"null");
            Ok(())
        } else {
            self.encoder.encode(row, out)
        }
    }
}

/// Chooses the encoder for a plain (already flattened) array.
fn encoder(
    array: &ArrayRef,
    top_level: bool,
    opts: &FormatOptions,
) -> Result<Box<dyn Encode>, FormatError> {
    use DataType as D;
    Ok(match array.data_type() {
        D::Null => Box::new(NullEncoder),
        D::Boolean => Box::new(BoolEncoder(typed(array, "BooleanArray")?)),
        D::Int8 => int::<Int8Type>(array)?,
        D::Int16 => int::<Int16Type>(array)?,
        D::Int32 => int::<Int32Type>(array)?,
        D::Int64 => int::<Int64Type>(array)?,
        D::UInt8 => int::<UInt8Type>(array)?,
        D::UInt16 => int::<UInt16Type>(array)?,
        D::UInt32 => int::<UInt32Type>(array)?,
        D::UInt64 => int::<UInt64Type>(array)?,
        D::Float16 => Box::new(Float16Encoder(typed(array, "Float16Array")?)),
        D::Float32 => Box::new(Float32Encoder(typed(array, "Float32Array")?)),
        D::Float64 => Box::new(Float64Encoder(typed(array, "Float64Array")?)),
        D::Utf8 => Box::new(StrEncoder(typed::<StringArray>(array, "StringArray")?)),
        D::LargeUtf8 => Box::new(StrEncoder(typed::<LargeStringArray>(array, "LargeStringArray")?)),
        D::Utf8View => Box::new(StrEncoder(typed::<StringViewArray>(array, "StringViewArray")?)),
        D::Binary => Box::new(Base64Encoder(typed::<BinaryArray>(array, "BinaryArray")?)),
        D::LargeBinary => Box::new(Base64Encoder(typed::<LargeBinaryArray>(array, "LargeBinaryArray")?)),
        D::BinaryView => Box::new(Base64Encoder(typed::<BinaryViewArray>(array, "BinaryViewArray")?)),
        D::FixedSizeBinary(_) => {
            Box::new(Base64Encoder(typed::<FixedSizeBinaryArray>(array, "FixedSizeBinaryArray")?))
        }
        D::Decimal32(_, scale) => decimal::<Decimal32Type>(array, *scale)?,
        D::Decimal64(_, scale) => decimal::<Decimal64Type>(array, *scale)?,
        D::Decimal128(_, scale) => decimal::<Decimal128Type>(array, *scale)?,
        D::Decimal256(_, scale) => {
            Box::new(Decimal256Encoder { array: typed(array, "Decimal256Array")?, scale: *scale })
        }
        D::Date32 => Box::new(Date32Encoder(typed(array, "Date32Array")?)),
        D::Date64 => Box::new(Date64Encoder(typed(array, "Date64Array")?)),
        D::Time32(TimeUnit::Second) => time::<Time32SecondType>(array, TimeUnit::Second)?,
        D::Time32(TimeUnit::Millisecond) => time::<Time32MillisecondType>(array, TimeUnit::Millisecond)?,
        D::Time64(TimeUnit::Microsecond) => time::<Time64MicrosecondType>(array, TimeUnit::Microsecond)?,
        D::Time64(TimeUnit::Nanosecond) => time::<Time64NanosecondType>(array, TimeUnit::Nanosecond)?,
        D::Timestamp(unit, zone) => {
            // LTZ: shift into the session zone at the top level only.
            let shift = (zone.is_some() && top_level).then_some(opts.time_zone);
            let z = zone.is_some();
            match unit {
                TimeUnit::Second => timestamp::<TimestampSecondType>(array, *unit, shift, z)?,
                TimeUnit::Millisecond => timestamp::<TimestampMillisecondType>(array, *unit, shift, z)?,
                TimeUnit::Microsecond => timestamp::<TimestampMicrosecondType>(array, *unit, shift, z)?,
                TimeUnit::Nanosecond => timestamp::<TimestampNanosecondType>(array, *unit, shift, z)?,
            }
        }
        D::Interval(IntervalUnit::YearMonth) => Box::new(YearMonthEncoder(typed(array, "IntervalYearMonthArray")?)),
        D::Interval(IntervalUnit::DayTime) => Box::new(DayTimeEncoder(typed(array, "IntervalDayTimeArray")?)),
        D::Interval(IntervalUnit::MonthDayNano) => {
            Box::new(MonthDayNanoEncoder(typed(array, "IntervalMonthDayNanoArray")?))
        }
        D::Duration(unit) => match unit {
            TimeUnit::Second => duration::<DurationSecondType>(array, *unit)?,
            TimeUnit::Millisecond => duration::<DurationMillisecondType>(array, *unit)?,
            TimeUnit::Microsecond => duration::<DurationMicrosecondType>(array, *unit)?,
            TimeUnit::Nanosecond => duration::<DurationNanosecondType>(array, *unit)?,
        },
        D::Struct(fields) => {
            let row = typed::<StructArray>(array, "StructArray")?;
            let mut keys = Vec::with_capacity(fields.len());
            let mut children = Vec::with_capacity(fields.len());
            for (field, child) in fields.iter().zip(row.columns()) {
                // Pre-render `"name":` once instead of escaping it per row.
                let mut key = Vec::with_capacity(field.name().len() + 3);
                write_json_string(field.name().as_bytes(), &mut key);
                key.push(b':');
                keys.push(key);
                children.push(JsonColumn::new(child, false, opts)?);
            }
            Box::new(StructEncoder { keys, children })
        }
        D::Map(_, _) => {
            let map = typed::<MapArray>(array, "MapArray")?;
            Box::new(MapEncoder {
                ranges: Ranges::Offsets32(map.offsets().clone()),
                entries: map.entries().len(),
                keys: TextColumn::new(map.keys(), opts)?,
                values: JsonColumn::new(map.values(), false, opts)?,
            })
        }
        _ => match list_parts(array)? {
            Some((ranges, values)) => Box::new(ListEncoder {
                ranges,
                child_len: values.len(),
                child: JsonColumn::new(&values, false, opts)?,
            }),
            // Types without a JSON spelling of their own (including a TIME
            // with an impossible unit) go out as arrow's display text.
            None => Box::new(StrEncoder(typed::<StringArray>(&display_as_text(array)?, "StringArray")?)),
        },
    })
}

/// A column of the NULL type; every row is null so this never runs.
struct NullEncoder;

impl Encode for NullEncoder {
    fn encode(&mut self, _row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(b"null");
        Ok(())
    }
}

/// BOOLEAN as `true` / `false`.
struct BoolEncoder(BooleanArray);

impl Encode for BoolEncoder {
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.extend_from_slice(if self.0.value(row) { b"true" } else { b"false" });
        Ok(())
    }
}

/// Any integer type as a JSON number.
struct IntEncoder<T: ArrowPrimitiveType>(PrimitiveArray<T>);

impl<T: ArrowPrimitiveType> Encode for IntEncoder<T>
where
    T::Native: itoa::Integer,
{
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_int(self.0.value(row), out);
        Ok(())
    }
}

/// Boxes an [`IntEncoder`] for integer type `T`.
fn int<T: ArrowPrimitiveType>(array: &ArrayRef) -> Result<Box<dyn Encode>, FormatError>
where
    T::Native: itoa::Integer,
{
    Ok(Box::new(IntEncoder::<T>(typed(array, "integer array")?)))
}

/// Writes a Java-style float; NaN and the infinities are not JSON numbers, so
/// (like Jackson) they go out as strings.
fn write_json_float(finite: bool, write: impl FnOnce(&mut Vec<u8>), out: &mut Vec<u8>) {
    if !finite {
        out.push(b'"');
    }
    write(out);
    if !finite {
        out.push(b'"');
    }
}

/// FLOAT (half precision, widened exactly to f32).
struct Float16Encoder(Float16Array);

impl Encode for Float16Encoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row).to_f32();
        write_json_float(value.is_finite(), |out| write_java_f32(value, out), out);
        Ok(())
    }
}

/// FLOAT.
struct Float32Encoder(Float32Array);

impl Encode for Float32Encoder {
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row);
        write_json_float(value.is_finite(), |out| write_java_f32(value, out), out);
        Ok(())
    }
}

/// DOUBLE.
struct Float64Encoder(Float64Array);

impl Encode for Float64Encoder {
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row);
        write_json_float(value.is_finite(), |out| write_java_f64(value, out), out);
        Ok(())
    }
}

/// VARCHAR (and display text) as an escaped JSON string.
struct StrEncoder<A: StrAt>(A);

impl<A: StrAt> Encode for StrEncoder<A> {
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_json_string(self.0.str_at(row).as_bytes(), out);
        Ok(())
    }
}

/// BINARY/VARBINARY as a base64 string.
struct Base64Encoder<A: BytesAt>(A);

impl<A: BytesAt> Encode for Base64Encoder<A> {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'"');
        write_base64(self.0.bytes_at(row), out)?;
        out.push(b'"');
        Ok(())
    }
}

/// DECIMAL up to 38 digits as a plain JSON number, trailing zeros stripped.
struct DecimalEncoder<T: ArrowPrimitiveType> {
    /// The unscaled values.
    array: PrimitiveArray<T>,
    /// Digits after the point.
    scale: i8,
}

impl<T: ArrowPrimitiveType> Encode for DecimalEncoder<T>
where
    T::Native: Into<i128>,
{
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_decimal_i128(self.array.value(row).into(), self.scale, DecimalStyle::Stripped, out);
        Ok(())
    }
}

/// Boxes a [`DecimalEncoder`] for decimal type `T`.
fn decimal<T: ArrowPrimitiveType>(array: &ArrayRef, scale: i8) -> Result<Box<dyn Encode>, FormatError>
where
    T::Native: Into<i128>,
{
    Ok(Box::new(DecimalEncoder::<T> { array: typed(array, "decimal array")?, scale }))
}

/// DECIMAL256 as a plain JSON number, trailing zeros stripped.
struct Decimal256Encoder {
    /// The unscaled values.
    array: Decimal256Array,
    /// Digits after the point.
    scale: i8,
}

impl Encode for Decimal256Encoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_decimal_i256(self.array.value(row), self.scale, DecimalStyle::Stripped, out);
        Ok(())
    }
}

/// DATE from days since the epoch.
struct Date32Encoder(Date32Array);

impl Encode for Date32Encoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'"');
        write_date(i64::from(self.0.value(row)), out);
        out.push(b'"');
        Ok(())
    }
}

/// DATE from milliseconds since the epoch (any time of day is dropped).
struct Date64Encoder(Date64Array);

impl Encode for Date64Encoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'"');
        write_date(self.0.value(row).div_euclid(86_400_000), out);
        out.push(b'"');
        Ok(())
    }
}

/// TIME as `HH:mm:ss[.fff…]`, fraction only when non-zero.
struct TimeEncoder<T: ArrowPrimitiveType> {
    /// Ticks since midnight.
    array: PrimitiveArray<T>,
    /// The tick unit.
    unit: TimeUnit,
}

impl<T: ArrowPrimitiveType> Encode for TimeEncoder<T>
where
    T::Native: Into<i64>,
{
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let nanos = time_of_day(self.array.value(row).into(), self.unit)?;
        out.push(b'"');
        write_time(nanos, Fraction::Trimmed, out);
        out.push(b'"');
        Ok(())
    }
}

/// Boxes a [`TimeEncoder`] for time type `T`.
fn time<T: ArrowPrimitiveType>(array: &ArrayRef, unit: TimeUnit) -> Result<Box<dyn Encode>, FormatError>
where
    T::Native: Into<i64>,
{
    Ok(Box::new(TimeEncoder::<T> { array: typed(array, "time array")?, unit }))
}

/// TIMESTAMP / TIMESTAMP_LTZ as ISO-8601 text.
struct TimestampEncoder<T: ArrowPrimitiveType<Native = i64>> {
    /// Ticks since the epoch.
    array: PrimitiveArray<T>,
    /// The tick unit.
    unit: TimeUnit,
    /// The session zone to shift into (top-level LTZ only).
    shift: Option<Tz>,
    /// Whether to append Flink's literal `Z` (every LTZ value).
    z: bool,
}

impl<T: ArrowPrimitiveType<Native = i64>> Encode for TimestampEncoder<T> {
    #[inline]
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut value = self.array.value(row);
        if let Some(zone) = &self.shift {
            value = to_local(value, self.unit, zone)?;
        }
        out.push(b'"');
        write_timestamp(value, self.unit, b'T', Fraction::Trimmed, out);
        if self.z {
            out.push(b'Z');
        }
        out.push(b'"');
        Ok(())
    }
}

/// Boxes a [`TimestampEncoder`] for timestamp type `T`.
fn timestamp<T: ArrowPrimitiveType<Native = i64>>(
    array: &ArrayRef,
    unit: TimeUnit,
    shift: Option<Tz>,
    z: bool,
) -> Result<Box<dyn Encode>, FormatError> {
    Ok(Box::new(TimestampEncoder::<T> { array: typed(array, "timestamp array")?, unit, shift, z }))
}

/// INTERVAL YEAR TO MONTH as a number of months.
struct YearMonthEncoder(IntervalYearMonthArray);

impl Encode for YearMonthEncoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_int(self.0.value(row), out);
        Ok(())
    }
}

/// INTERVAL DAY TO SECOND as a number of milliseconds.
struct DayTimeEncoder(IntervalDayTimeArray);

impl Encode for DayTimeEncoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row);
        write_int(day_time_millis(value.days, value.milliseconds), out);
        Ok(())
    }
}

/// Month/day/nano intervals as milliseconds (a month counts as 30 days).
struct MonthDayNanoEncoder(IntervalMonthDayNanoArray);

impl Encode for MonthDayNanoEncoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let value = self.0.value(row);
        write_int(month_day_nano_millis(value.months, value.days, value.nanoseconds), out);
        Ok(())
    }
}

/// DURATION as a number of milliseconds.
struct DurationEncoder<T: ArrowPrimitiveType<Native = i64>> {
    /// Ticks.
    array: PrimitiveArray<T>,
    /// The tick unit.
    unit: TimeUnit,
}

impl<T: ArrowPrimitiveType<Native = i64>> Encode for DurationEncoder<T> {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_int(duration_millis(self.array.value(row), self.unit), out);
        Ok(())
    }
}

/// Boxes a [`DurationEncoder`] for duration type `T`.
fn duration<T: ArrowPrimitiveType<Native = i64>>(
    array: &ArrayRef,
    unit: TimeUnit,
) -> Result<Box<dyn Encode>, FormatError> {
    Ok(Box::new(DurationEncoder::<T> { array: typed(array, "duration array")?, unit }))
}

/// ARRAY (any list layout) as a JSON array.
struct ListEncoder {
    /// Where each row's elements are in the child.
    ranges: Ranges,
    /// Child length, to validate the ranges.
    child_len: usize,
    /// The elements.
    child: JsonColumn,
}

impl Encode for ListEncoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'[');
        for (n, index) in self.ranges.get(row, self.child_len)?.enumerate() {
            if n > 0 {
                out.push(b',');
            }
            self.child.encode(index, out)?;
        }
        out.push(b']');
        Ok(())
    }
}

/// ROW as a JSON object keyed by field name.
struct StructEncoder {
    /// `"name":` for each field, already escaped.
    keys: Vec<Vec<u8>>,
    /// The field values.
    children: Vec<JsonColumn>,
}

impl Encode for StructEncoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'{');
        for (n, (key, child)) in self.keys.iter().zip(&mut self.children).enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            child.encode(row, out)?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// MAP as a JSON object. JSON keys must be strings, so each key is written in
/// its PLAIN_TEXT form (Flink only allows string keys here, and for those the
/// two agree); a null key becomes `"null"`, as in Flink's LITERAL mode.
struct MapEncoder {
    /// Where each row's entries are.
    ranges: Ranges,
    /// Number of entries, to validate the ranges.
    entries: usize,
    /// Keys, rendered as text.
    keys: TextColumn,
    /// Values, rendered as JSON.
    values: JsonColumn,
}

impl Encode for MapEncoder {
    fn encode(&mut self, row: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        out.push(b'{');
        for (n, index) in self.ranges.get(row, self.entries)?.enumerate() {
            if n > 0 {
                out.push(b',');
            }
            if self.keys.is_null(index)? {
                out.extend_from_slice(b"\"null\"");
            } else {
                self.keys.write_quoted(index, out)?;
            }
            out.push(b':');
            self.values.encode(index, out)?;
        }
        out.push(b'}');
        Ok(())
    }
}
