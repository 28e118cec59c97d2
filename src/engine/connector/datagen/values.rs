//! Value generators of the `datagen` connector: one per column (and one per
//! nested element, key, value or struct field), each producing a whole Arrow
//! array per batch.
//!
//! Generators are built once per table from its options (see `options`) and
//! cloned for every scan, so each query starts its sequences afresh. Arrays are
//! built to exactly the schema's data type, so batches always match the table.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, BinaryArray, BinaryViewBuilder, BooleanArray, LargeBinaryArray, LargeListArray, LargeStringArray,
    ListArray, MapArray, OffsetSizeTrait, PrimitiveArray, StringArray, StringViewBuilder, StructArray, UInt64Array,
};
use datafusion::arrow::buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::row::{RowConverter, SortField};

/// Nanoseconds in a day, for dates and times of day.
const DAY_NS: i128 = 86_400_000_000_000;

/// A splitmix64 generator: tiny, fast and good enough for test data; no
/// cryptographic use.
#[derive(Debug, Clone)]
pub(super) struct Rng {
    /// The generator's whole state; advanced by a fixed odd constant per draw.
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed` (any value is fine, including 0).
    pub(super) fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[min, max]`, both inclusive; the span must be at most 2^64,
    /// which holds for any pair of `i64` values.
    pub(super) fn between(&mut self, min: i128, max: i128) -> i128 {
        if max <= min {
            return min;
        }
        let span = (max - min) as u128 + 1;
        if span > u64::MAX as u128 {
            return min + self.next_u64() as i128;
        }
        // Multiply-shift instead of modulo: no division and no visible bias.
        min + ((self.next_u64() as u128 * span) >> 64) as i128
    }
}

/// How the values of one column, or of one nested part of it, are made.
#[derive(Debug, Clone)]
pub(super) struct ValueGen {
    /// The Arrow type produced; arrays are built to it exactly.
    pub(super) data_type: DataType,
    /// Probability of a null in `0.0..=1.0`; only ever non-zero on nullable fields.
    pub(super) null_rate: f64,
    /// What the non-null values are.
    pub(super) kind: Kind,
}

/// The value generators, by the shape of the values they make.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// Random `true`/`false`.
    Bool,
    /// Uniform integers.
    Int {
        /// Smallest value, within the type's range.
        min: i64,
        /// Largest value, within the type's range.
        max: i64,
    },
    /// Uniform floating point numbers.
    Float {
        /// Lower bound, finite.
        min: f64,
        /// Upper bound, finite and not below `min`.
        max: f64,
    },
    /// Uniform decimals, truncated to the scale.
    Decimal {
        /// Lower bound, already clamped to what the precision can hold.
        min: f64,
        /// Upper bound, already clamped to what the precision can hold.
        max: f64,
    },
    /// Random lowercase hex text (string types) or random bytes (binary types).
    Bytes {
        /// Length of every value, or the longest one with `var_len`.
        length: usize,
        /// Whether each value takes a random length in `1..=length`.
        var_len: bool,
    },
    /// A random instant in `[now - max_past, now]`: timestamps and dates.
    Instant {
        /// How far into the past values may go, in nanoseconds.
        max_past_ns: i64,
    },
    /// A random time of day.
    TimeOfDay,
    /// Lists of `length` random elements.
    List {
        /// Number of elements of every non-null list.
        length: usize,
        /// Generator of the elements.
        element: Box<ValueGen>,
    },
    /// Maps of up to `length` entries (fewer when random keys collide).
    Map {
        /// Number of keys drawn for every non-null map.
        length: usize,
        /// Generator of the keys (never null: Arrow map keys are not nullable).
        key: Box<ValueGen>,
        /// Generator of the values.
        value: Box<ValueGen>,
    },
    /// Structs (Flink `ROW`) of independently generated fields.
    Struct {
        /// One generator per struct field, in field order.
        fields: Vec<ValueGen>,
    },
    /// Counting up by one: numbers, or numbers as text.
    Sequence {
        /// The value of the next row; the table ends before it leaves the type's range.
        next: i128,
    },
}

impl ValueGen {
    /// Roughly how many bytes one value takes, to size batches and refuse
    /// options that would make single rows enormous.
    pub(super) fn width(&self) -> usize {
        match &self.kind {
            Kind::Bool => 1,
            Kind::Int { .. } | Kind::Float { .. } | Kind::Instant { .. } | Kind::TimeOfDay => 8,
            Kind::Decimal { .. } => 16,
            Kind::Sequence { .. } => 24,
            Kind::Bytes { length, .. } => length.saturating_add(8),
            Kind::List { length, element } => length.saturating_mul(element.width()).saturating_add(8),
            Kind::Map { length, key, value } => {
                length.saturating_mul(key.width().saturating_add(value.width())).saturating_add(8)
            }
            Kind::Struct { fields } => fields.iter().fold(1, |sum, f| sum.saturating_add(f.width())),
        }
    }

    /// The next `n` values. `now_ns` is the batch's "now" (nanoseconds since
    /// the epoch) for timestamps and dates.
    pub(super) fn generate(&mut self, rng: &mut Rng, n: usize, now_ns: i128) -> Result<ArrayRef, ArrowError> {
        let nulls = null_buffer(rng, n, self.null_rate);
        let dt = &self.data_type;
        match &mut self.kind {
            Kind::Bool => {
                let bits: BooleanBuffer = (0..n).map(|_| rng.next_u64() & 1 == 1).collect();
                Ok(Arc::new(BooleanArray::new(bits, nulls)))
            }
            Kind::Int { min, max } => {
                let (min, max) = (i128::from(*min), i128::from(*max));
                let values: Vec<i128> = (0..n).map(|_| rng.between(min, max)).collect();
                numbers(dt, values, nulls)
            }
            Kind::Sequence { next } => {
                let start = *next;
                *next = next.saturating_add(n as i128);
                numbers(dt, (0..n).map(|i| start + i as i128).collect(), nulls)
            }
            Kind::Float { min, max } => {
                let (min, max) = (*min, *max);
                let mut draw = || uniform(rng, min, max);
                match dt {
                    DataType::Float32 => primitive::<Float32Type>((0..n).map(|_| draw() as f32), nulls, dt),
                    _ => primitive::<Float64Type>((0..n).map(|_| draw()), nulls, dt),
                }
            }
            Kind::Decimal { min, max } => {
                let (min, max) = (*min, *max);
                let (precision, scale) = match dt {
                    DataType::Decimal128(p, s) => (*p, *s),
                    other => return Err(unsupported(other)),
                };
                let factor = 10f64.powi(i32::from(scale));
                let limit = 10i128.checked_pow(u32::from(precision)).map_or(i128::MAX, |p| p - 1);
                let values = (0..n).map(|_| {
                    // `as` saturates; the clamp keeps float rounding within the precision.
                    let raw = (uniform(rng, min, max) * factor).trunc() as i128;
                    raw.max(-limit).min(limit)
                });
                primitive::<Decimal128Type>(values, nulls, dt)
            }
            Kind::Bytes { length, var_len } => {
                let (length, var_len) = (*length, *var_len);
                let text = matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
                bytes_array(dt, n, nulls, |out| {
                    let len = if var_len && length > 0 { rng.between(1, length as i128) as usize } else { length };
                    if text { push_hex(rng, len, out) } else { push_bytes(rng, len, out) }
                })
            }
            Kind::Instant { max_past_ns } => {
                let past = i128::from(*max_past_ns);
                let instants: Vec<i128> = (0..n).map(|_| now_ns - rng.between(0, past)).collect();
                instants_array(dt, &instants, nulls)
            }
            Kind::TimeOfDay => {
                let times: Vec<i128> = (0..n).map(|_| rng.between(0, DAY_NS - 1)).collect();
                times_array(dt, &times, nulls)
            }
            Kind::List { length, element } => {
                let lengths = entry_lengths(n, *length, nulls.as_ref());
                let values = element.generate(rng, lengths.iter().sum(), now_ns)?;
                match dt {
                    DataType::List(f) => {
                        Ok(Arc::new(ListArray::try_new(f.clone(), offsets(&lengths)?, values, nulls)?))
                    }
                    DataType::LargeList(f) => {
                        Ok(Arc::new(LargeListArray::try_new(f.clone(), offsets(&lengths)?, values, nulls)?))
                    }
                    other => Err(unsupported(other)),
                }
            }
            Kind::Map { length, key, value } => {
                let lengths = entry_lengths(n, *length, nulls.as_ref());
                let total = lengths.iter().sum();
                let keys = key.generate(rng, total, now_ns)?;
                let values = value.generate(rng, total, now_ns)?;
                map_array(dt, &lengths, keys, values, nulls)
            }
            Kind::Struct { fields } => {
                let DataType::Struct(struct_fields) = dt else { return Err(unsupported(dt)) };
                if fields.is_empty() {
                    return Ok(Arc::new(StructArray::new_empty_fields(n, nulls)));
                }
                let children = fields.iter_mut().map(|f| f.generate(rng, n, now_ns)).collect::<Result<Vec<_>, _>>()?;
                Ok(Arc::new(StructArray::try_new(struct_fields.clone(), children, nulls)?))
            }
        }
    }
}

/// Nulls at `rate`, or none at all when the rate is zero.
fn null_buffer(rng: &mut Rng, n: usize, rate: f64) -> Option<NullBuffer> {
    // `unit()` is below 1.0, so a rate of 1.0 makes every value null.
    (rate > 0.0).then(|| (0..n).map(|_| rng.unit() >= rate).collect())
}

/// Uniform in `[min, max]`, computed so that even `[-MAX, MAX]` cannot overflow.
fn uniform(rng: &mut Rng, min: f64, max: f64) -> f64 {
    let u = rng.unit();
    (min * (1.0 - u) + max * u).max(min).min(max)
}

/// The error for a data type a generator was not built for; a bug, not a user error.
fn unsupported(dt: &DataType) -> ArrowError {
    ArrowError::InvalidArgumentError(format!("datagen cannot build values of type {dt}"))
}

/// A primitive array of `dt` (which carries the time zone or decimal precision).
fn primitive<T: ArrowPrimitiveType>(
    values: impl Iterator<Item = T::Native>,
    nulls: Option<NullBuffer>,
    dt: &DataType,
) -> Result<ArrayRef, ArrowError> {
    let values: ScalarBuffer<T::Native> = values.collect();
    let array = PrimitiveArray::<T>::try_new(values, nulls)?;
    if !PrimitiveArray::<T>::is_compatible(dt) {
        return Err(unsupported(dt));
    }
    Ok(Arc::new(array.with_data_type(dt.clone())))
}

/// Integers as any number or string type; the caller keeps them within the type's range.
fn numbers(dt: &DataType, values: Vec<i128>, nulls: Option<NullBuffer>) -> Result<ArrayRef, ArrowError> {
    let values = values.into_iter();
    match dt {
        DataType::Int8 => primitive::<Int8Type>(values.map(|v| v as i8), nulls, dt),
        DataType::Int16 => primitive::<Int16Type>(values.map(|v| v as i16), nulls, dt),
        DataType::Int32 => primitive::<Int32Type>(values.map(|v| v as i32), nulls, dt),
        DataType::Int64 => primitive::<Int64Type>(values.map(|v| v as i64), nulls, dt),
        DataType::Float32 => primitive::<Float32Type>(values.map(|v| v as f32), nulls, dt),
        DataType::Float64 => primitive::<Float64Type>(values.map(|v| v as f64), nulls, dt),
        DataType::Decimal128(_, scale) => {
            let factor = u32::try_from(*scale).ok().and_then(|s| 10i128.checked_pow(s)).unwrap_or(i128::MAX);
            primitive::<Decimal128Type>(values.map(|v| v.saturating_mul(factor)), nulls, dt)
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let mut values = values;
            bytes_array(dt, values.len(), nulls, |out| {
                if let Some(v) = values.next() {
                    out.extend_from_slice(v.to_string().as_bytes());
                }
            })
        }
        other => Err(unsupported(other)),
    }
}

/// Timestamps or dates from instants in nanoseconds since the epoch.
fn instants_array(dt: &DataType, instants: &[i128], nulls: Option<NullBuffer>) -> Result<ArrayRef, ArrowError> {
    let scaled = |div: i128| instants.iter().map(move |ns| clamp_i64(ns.div_euclid(div)));
    match dt {
        DataType::Timestamp(TimeUnit::Second, _) => primitive::<TimestampSecondType>(scaled(1_000_000_000), nulls, dt),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            primitive::<TimestampMillisecondType>(scaled(1_000_000), nulls, dt)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            primitive::<TimestampMicrosecondType>(scaled(1_000), nulls, dt)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => primitive::<TimestampNanosecondType>(scaled(1), nulls, dt),
        DataType::Date32 => {
            primitive::<Date32Type>(scaled(DAY_NS).map(|d| d.clamp(i32::MIN.into(), i32::MAX.into()) as i32), nulls, dt)
        }
        DataType::Date64 => primitive::<Date64Type>(scaled(DAY_NS).map(|d| d.saturating_mul(86_400_000)), nulls, dt),
        other => Err(unsupported(other)),
    }
}

/// Times of day from nanoseconds since midnight.
fn times_array(dt: &DataType, times: &[i128], nulls: Option<NullBuffer>) -> Result<ArrayRef, ArrowError> {
    let scaled = |div: i128| times.iter().map(move |ns| (ns / div) as i64);
    match dt {
        DataType::Time32(TimeUnit::Second) => {
            primitive::<Time32SecondType>(scaled(1_000_000_000).map(|v| v as i32), nulls, dt)
        }
        DataType::Time32(TimeUnit::Millisecond) => {
            primitive::<Time32MillisecondType>(scaled(1_000_000).map(|v| v as i32), nulls, dt)
        }
        DataType::Time64(TimeUnit::Microsecond) => primitive::<Time64MicrosecondType>(scaled(1_000), nulls, dt),
        DataType::Time64(TimeUnit::Nanosecond) => primitive::<Time64NanosecondType>(scaled(1), nulls, dt),
        other => Err(unsupported(other)),
    }
}

/// `v` within the `i64` range.
fn clamp_i64(v: i128) -> i64 {
    v.clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

/// Appends `len` random lowercase hex digits, like Flink's `nextHexString`.
fn push_hex(rng: &mut Rng, len: usize, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut left = len;
    while left > 0 {
        let take = left.min(16);
        let mut bits = rng.next_u64();
        for _ in 0..take {
            out.push(HEX[(bits & 15) as usize]);
            bits >>= 4;
        }
        left -= take;
    }
}

/// Appends `len` random bytes.
fn push_bytes(rng: &mut Rng, len: usize, out: &mut Vec<u8>) {
    let mut left = len;
    while left > 0 {
        let take = left.min(8);
        out.extend_from_slice(&rng.next_u64().to_le_bytes()[..take]);
        left -= take;
    }
}

/// A string or binary array of `n` values; `fill` appends one non-null value's bytes.
fn bytes_array(
    dt: &DataType,
    n: usize,
    nulls: Option<NullBuffer>,
    mut fill: impl FnMut(&mut Vec<u8>),
) -> Result<ArrayRef, ArrowError> {
    let valid = |i: usize| nulls.as_ref().is_none_or(|b| b.is_valid(i));
    let mut data = Vec::new();
    let mut ends = Vec::with_capacity(n);
    for i in 0..n {
        if valid(i) {
            fill(&mut data);
        }
        ends.push(data.len());
    }
    let slice = |i: usize| &data[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
    match dt {
        DataType::Utf8 => {
            Ok(Arc::new(StringArray::try_new(byte_offsets(&ends)?, Buffer::from(data.as_slice()), nulls)?))
        }
        DataType::LargeUtf8 => {
            Ok(Arc::new(LargeStringArray::try_new(byte_offsets(&ends)?, Buffer::from(data.as_slice()), nulls)?))
        }
        DataType::Binary => {
            Ok(Arc::new(BinaryArray::try_new(byte_offsets(&ends)?, Buffer::from(data.as_slice()), nulls)?))
        }
        DataType::LargeBinary => {
            Ok(Arc::new(LargeBinaryArray::try_new(byte_offsets(&ends)?, Buffer::from(data.as_slice()), nulls)?))
        }
        DataType::Utf8View => {
            let mut builder = StringViewBuilder::with_capacity(n);
            for i in 0..n {
                if valid(i) {
                    let text = std::str::from_utf8(slice(i)).map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
                    builder.append_value(text);
                } else {
                    builder.append_null();
                }
            }
            Ok(Arc::new(builder.finish()))
        }
        DataType::BinaryView => {
            let mut builder = BinaryViewBuilder::with_capacity(n);
            for i in 0..n {
                if valid(i) { builder.append_value(slice(i)) } else { builder.append_null() }
            }
            Ok(Arc::new(builder.finish()))
        }
        other => Err(unsupported(other)),
    }
}

/// Offsets from the end position of every value.
fn byte_offsets<O: OffsetSizeTrait>(ends: &[usize]) -> Result<OffsetBuffer<O>, ArrowError> {
    let overflow = || ArrowError::ComputeError("datagen batch too large for its offsets".into());
    let mut out = Vec::with_capacity(ends.len() + 1);
    out.push(O::usize_as(0));
    for &end in ends {
        out.push(O::from_usize(end).ok_or_else(overflow)?);
    }
    Ok(OffsetBuffer::new(ScalarBuffer::from(out)))
}

/// Offsets from the length of every list or map.
fn offsets<O: OffsetSizeTrait>(lengths: &[usize]) -> Result<OffsetBuffer<O>, ArrowError> {
    let ends: Vec<usize> = lengths
        .iter()
        .scan(0usize, |end, len| {
            *end = end.saturating_add(*len);
            Some(*end)
        })
        .collect();
    byte_offsets(&ends)
}

/// How many entries each of `n` lists or maps gets: none for nulls.
fn entry_lengths(n: usize, length: usize, nulls: Option<&NullBuffer>) -> Vec<usize> {
    (0..n).map(|i| if nulls.is_none_or(|b| b.is_valid(i)) { length } else { 0 }).collect()
}

/// A map array, keeping the first of colliding keys (Flink builds its maps
/// from a hash map, so keys there are distinct too), sorted when the type
/// says its keys are.
fn map_array(
    dt: &DataType,
    lengths: &[usize],
    keys: ArrayRef,
    values: ArrayRef,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    let DataType::Map(entries, sorted) = dt else { return Err(unsupported(dt)) };
    let DataType::Struct(kv) = entries.data_type() else { return Err(unsupported(dt)) };
    let converter = RowConverter::new(vec![SortField::new(keys.data_type().clone())])?;
    let rows = converter.convert_columns(std::slice::from_ref(&keys))?;
    let mut keep: Vec<u64> = Vec::with_capacity(keys.len());
    let mut kept = Vec::with_capacity(lengths.len());
    let mut seen = HashSet::new();
    let mut start = 0;
    for &len in lengths {
        seen.clear();
        let mut entry: Vec<usize> = (start..start + len).filter(|&j| seen.insert(rows.row(j))).collect();
        if *sorted {
            entry.sort_by_key(|&j| rows.row(j));
        }
        kept.push(entry.len());
        keep.extend(entry.into_iter().map(|j| j as u64));
        start += len;
    }
    let indices = UInt64Array::from(keep);
    let columns = vec![take(&keys, &indices, None)?, take(&values, &indices, None)?];
    let entries_array = StructArray::try_new(kv.clone(), columns, None)?;
    Ok(Arc::new(MapArray::try_new(entries.clone(), offsets(&kept)?, entries_array, nulls, *sorted)?))
}
