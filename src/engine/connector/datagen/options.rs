//! The `WITH (...)` options of a `datagen` table, read with Flink's names,
//! defaults and error messages, into the generators of its columns.
//!
//! Like Flink, the options a table understands depend on its columns: each
//! column's type and kind decide which `fields.<name>.*` keys apply (`min` for
//! numbers, `length` for strings, ...), nested parts add theirs under
//! `fields.<name>.element`, `.key`, `.value` or `.<struct field>`, and any
//! other key is refused with the list of the supported ones.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use datafusion::arrow::datatypes::{DataType, Field, TimeUnit};
use datafusion::arrow::row::{RowConverter, SortField};

use super::values::{Kind, ValueGen};
use crate::engine::connector::TableSpec;
use crate::error::{GatewayError, Result};

/// Flink's default `rows-per-second`.
const DEFAULT_ROWS_PER_SECOND: u64 = 10_000;
/// Flink's default length of random strings and bytes.
const DEFAULT_LENGTH: usize = 100;
/// Flink's default number of elements of random arrays and maps.
const DEFAULT_COLLECTION_LENGTH: usize = 3;
/// Rows wider than this are refused: they would exhaust memory long before they are useful.
const MAX_ROW_BYTES: usize = 64 << 20;
/// Memory a batch aims at; wide rows make batches shorter than [`MAX_BATCH_ROWS`].
const BATCH_BYTES: usize = 8 << 20;
/// The most rows in one batch, DataFusion's usual batch size.
pub(super) const MAX_BATCH_ROWS: usize = 8192;

/// Everything a scan of the table needs, read from its options.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    /// `rows-per-second`: the pace of the whole table.
    pub(super) rows_per_second: u64,
    /// Rows after which the table ends, the lower of `number-of-rows` and the
    /// length of the shortest sequence; `None` when it never ends.
    pub(super) row_limit: Option<u64>,
    /// Whether the table is declared bounded (`number-of-rows`, or a sequence
    /// with an `end`), which decides whether DataFusion treats it as infinite.
    pub(super) bounded: bool,
    /// Most rows per batch, lowered for wide rows to keep batches small.
    pub(super) batch_rows: usize,
    /// One generator per column, in schema order.
    pub(super) columns: Vec<ValueGen>,
}

/// Reads options and remembers which keys apply to this table.
struct Reader<'a> {
    /// The `WITH` options as written (keys are case-sensitive, as in Flink).
    options: &'a BTreeMap<String, String>,
    /// Every key this table understands, for refusing the others and listing them.
    supported: BTreeSet<String>,
}

impl<'a> Reader<'a> {
    /// The value of `key`, which is thereby a supported option.
    fn get(&mut self, key: &str) -> Option<&'a str> {
        self.supported.insert(key.to_string());
        self.options.get(key).map(String::as_str)
    }

    /// The value of `key` parsed as a `T`, if set.
    fn parse<T: FromStr>(&mut self, key: &str) -> Result<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => value.trim().parse().map(Some).map_err(|_| cannot_parse(key, value, "")),
        }
    }

    /// A boolean option: `true` or `false` in any case, as Flink reads them.
    fn parse_bool(&mut self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) if value.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(value) if value.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(value) => Err(cannot_parse(key, value, "")),
        }
    }
}

/// Flink's message for a value of the wrong form.
fn cannot_parse(key: &str, value: &str, hint: &str) -> GatewayError {
    GatewayError::Sql(format!("Could not parse value '{value}' for key '{key}'.{hint}"))
}

/// The key of option `option` of the column part at `path` (`f`, `f.element`, ...).
fn key(path: &str, option: &str) -> String {
    format!("fields.{path}.{option}")
}

/// Reads all options of `spec`, refusing anything it does not understand.
pub(super) fn read(spec: &TableSpec) -> Result<Settings> {
    let mut r = Reader { options: &spec.options, supported: BTreeSet::new() };
    r.get("connector");
    let rows_per_second = match r.parse::<i64>("rows-per-second")? {
        None => DEFAULT_ROWS_PER_SECOND,
        Some(rate) if rate > 0 => rate as u64,
        Some(rate) => return Err(GatewayError::Sql(format!("Option 'rows-per-second' must be positive, got {rate}."))),
    };
    let number_of_rows = match r.parse::<i64>("number-of-rows")? {
        Some(rows) if rows < 0 => {
            return Err(GatewayError::Sql(format!("Option 'number-of-rows' must not be negative, got {rows}.")));
        }
        rows => rows.map(|rows| rows as u64),
    };
    // Accepted for compatibility: one partition always generates the table.
    if let Some(parallelism) = r.parse::<i64>("scan.parallelism")?
        && parallelism < 1
    {
        return Err(GatewayError::Sql(format!("Option 'scan.parallelism' must be positive, got {parallelism}.")));
    }

    let mut row_limit = number_of_rows;
    let mut bounded = number_of_rows.is_some();
    let mut columns = Vec::with_capacity(spec.schema.fields().len());
    for field in spec.schema.fields() {
        let path = field.name().as_str();
        let column = match r.get(&key(path, "kind")).unwrap_or("random") {
            "random" => random(&mut r, path, field)?,
            "sequence" => {
                let (column, capacity, has_end) = sequence(&mut r, path, field)?;
                bounded |= has_end;
                if let Some(capacity) = capacity {
                    row_limit = Some(row_limit.map_or(capacity, |limit| limit.min(capacity)));
                }
                column
            }
            other => {
                return Err(GatewayError::Sql(format!(
                    "Unsupported generator kind: {other} (option '{}'). Supported kinds: random, sequence.",
                    key(path, "kind")
                )));
            }
        };
        columns.push(column);
    }

    let supported: Vec<&str> = r.supported.iter().map(String::as_str).collect();
    super::super::check_supported_options("datagen", spec.options.keys(), &supported)?;

    let width = columns.iter().fold(0usize, |sum, c| sum.saturating_add(c.width())).max(1);
    if width > MAX_ROW_BYTES {
        return Err(GatewayError::Sql(format!(
            "A row of 'datagen' table {} would take about {width} bytes, more than the {MAX_ROW_BYTES} allowed; \
             lower the 'fields.*.length' options.",
            spec.name
        )));
    }
    let batch_rows = (BATCH_BYTES / width).clamp(1, MAX_BATCH_ROWS);
    Ok(Settings { rows_per_second, row_limit, bounded, batch_rows, columns })
}

/// The random generator of `field` (a column or a nested part at `path`).
fn random(r: &mut Reader, path: &str, field: &Field) -> Result<ValueGen> {
    let null_rate = null_rate(r, path, field)?;
    let dt = field.data_type();
    let kind = match dt {
        DataType::Boolean => Kind::Bool,
        DataType::Int8 => int_range(r, path, dt, i8::MIN.into(), i8::MAX.into())?,
        DataType::Int16 => int_range(r, path, dt, i16::MIN.into(), i16::MAX.into())?,
        DataType::Int32 => int_range(r, path, dt, i32::MIN.into(), i32::MAX.into())?,
        DataType::Int64 => int_range(r, path, dt, i64::MIN, i64::MAX)?,
        // Flink's defaults: from the smallest positive value to the largest.
        DataType::Float32 => float_range(r, path, f32::from_bits(1).into(), f32::MAX.into(), f32::MAX.into())?,
        DataType::Float64 => float_range(r, path, f64::from_bits(1), f64::MAX, f64::MAX)?,
        DataType::Decimal128(precision, scale) => decimal_range(r, path, dt, *precision, *scale)?,
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView => Kind::Bytes {
            length: length(r, path, DEFAULT_LENGTH)?,
            var_len: r.parse_bool(&key(path, "var-len"))?.unwrap_or(false),
        },
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
            Kind::Instant { max_past_ns: max_past(r, path)? }
        }
        DataType::Time32(TimeUnit::Second | TimeUnit::Millisecond)
        | DataType::Time64(TimeUnit::Microsecond | TimeUnit::Nanosecond) => Kind::TimeOfDay,
        DataType::List(element) | DataType::LargeList(element) => Kind::List {
            length: length(r, path, DEFAULT_COLLECTION_LENGTH)?,
            element: Box::new(random(r, &format!("{path}.element"), element)?),
        },
        DataType::Map(entries, _) => {
            let DataType::Struct(kv) = entries.data_type() else { return Err(unsupported_type(path, dt)) };
            let [key_field, value_field] = kv.iter().collect::<Vec<_>>()[..] else {
                return Err(unsupported_type(path, dt));
            };
            if !RowConverter::supports_fields(&[SortField::new(key_field.data_type().clone())]) {
                return Err(unsupported_type(path, dt));
            }
            Kind::Map {
                length: length(r, path, DEFAULT_COLLECTION_LENGTH)?,
                key: Box::new(random(r, &format!("{path}.key"), key_field)?),
                value: Box::new(random(r, &format!("{path}.value"), value_field)?),
            }
        }
        DataType::Struct(fields) => Kind::Struct {
            fields: fields.iter().map(|f| random(r, &format!("{path}.{}", f.name()), f)).collect::<Result<Vec<_>>>()?,
        },
        other => return Err(unsupported_type(path, other)),
    };
    Ok(ValueGen { data_type: dt.clone(), null_rate, kind })
}

/// The refusal of a type the connector cannot generate.
fn unsupported_type(path: &str, dt: &DataType) -> GatewayError {
    GatewayError::Sql(format!("Unsupported type: {dt} of field '{path}' for the 'datagen' connector."))
}

/// `fields.<path>.null-rate`, checked against the field's nullability.
fn null_rate(r: &mut Reader, path: &str, field: &Field) -> Result<f64> {
    let key = key(path, "null-rate");
    let rate = r.parse::<f64>(&key)?.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&rate) {
        return Err(GatewayError::Sql(format!("Option '{key}' must be between 0.0 and 1.0, got {rate}.")));
    }
    if rate > 0.0 && !field.is_nullable() {
        return Err(GatewayError::Sql(format!("Option '{key}' is {rate}, but field '{path}' is NOT NULL.")));
    }
    Ok(rate)
}

/// `min` and `max` of an integer type whose range is `[lo, hi]`.
fn int_range(r: &mut Reader, path: &str, dt: &DataType, lo: i64, hi: i64) -> Result<Kind> {
    let mut bound = |option: &str, default: i64| -> Result<i64> {
        let key = key(path, option);
        match r.parse::<i64>(&key)? {
            None => Ok(default),
            Some(v) if (lo..=hi).contains(&v) => Ok(v),
            Some(v) => Err(out_of_range(&key, v, dt)),
        }
    };
    let (min, max) = (bound("min", lo)?, bound("max", hi)?);
    check_order(path, min <= max, min, max)?;
    Ok(Kind::Int { min, max })
}

/// `min` and `max` of a floating point type; `limit` is its largest finite value.
fn float_range(r: &mut Reader, path: &str, default_min: f64, default_max: f64, limit: f64) -> Result<Kind> {
    let mut bound = |option: &str, default: f64| -> Result<f64> {
        let key = key(path, option);
        match r.parse::<f64>(&key)? {
            None => Ok(default),
            Some(v) if v.is_finite() && v.abs() <= limit => Ok(v),
            Some(v) => Err(GatewayError::Sql(format!(
                "Value {v} of option '{key}' is not a finite number of the field's type."
            ))),
        }
    };
    let (min, max) = (bound("min", default_min)?, bound("max", default_max)?);
    check_order(path, min <= max, min, max)?;
    Ok(Kind::Float { min, max })
}

/// `min` and `max` of a decimal type, clamped to what it can hold as Flink does.
fn decimal_range(r: &mut Reader, path: &str, dt: &DataType, precision: u8, scale: i8) -> Result<Kind> {
    let Kind::Float { min, max } = float_range(r, path, f64::from_bits(1), f64::MAX, f64::MAX)? else {
        return Err(unsupported_type(path, dt));
    };
    let largest = 10f64.powi(i32::from(precision) - i32::from(scale)) - 10f64.powi(-i32::from(scale));
    let (min, max) = (min.max(-largest), max.min(largest));
    if min > max {
        return Err(GatewayError::Sql(format!(
            "Options '{}' and '{}' leave no values of type {dt} between them.",
            key(path, "min"),
            key(path, "max")
        )));
    }
    Ok(Kind::Decimal { min, max })
}

/// The refusal of a `min` above its `max`.
fn check_order<T: std::fmt::Display>(path: &str, ordered: bool, min: T, max: T) -> Result<()> {
    if ordered {
        return Ok(());
    }
    Err(GatewayError::Sql(format!(
        "Option '{}' ({min}) must not be greater than option '{}' ({max}).",
        key(path, "min"),
        key(path, "max")
    )))
}

/// The refusal of a number outside its type's range.
fn out_of_range(key: &str, value: impl std::fmt::Display, dt: &DataType) -> GatewayError {
    GatewayError::Sql(format!("Value {value} of option '{key}' is out of range for type {dt}."))
}

/// `fields.<path>.length`: string and bytes length, or collection size.
fn length(r: &mut Reader, path: &str, default: usize) -> Result<usize> {
    let key = key(path, "length");
    match r.parse::<i64>(&key)? {
        None => Ok(default),
        Some(len) => usize::try_from(len)
            .map_err(|_| GatewayError::Sql(format!("Option '{key}' must not be negative, got {len}."))),
    }
}

/// `fields.<path>.max-past` in nanoseconds; 0 (always "now") by default.
fn max_past(r: &mut Reader, path: &str) -> Result<i64> {
    let key = key(path, "max-past");
    match r.get(&key) {
        None => Ok(0),
        Some(text) => parse_duration(text)
            .ok_or_else(|| cannot_parse(&key, text, " Expected a duration such as '5 s', '1 min' or '1000 ms'.")),
    }
}

/// A Flink duration (`TimeUtils.parseDuration`): a number and an optional unit,
/// milliseconds without one. In nanoseconds, at most `i64::MAX` (292 years).
pub(super) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim().to_lowercase();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit_ns: u128 = match text[digits..].trim_start() {
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        "d" | "day" | "days" => 86_400_000_000_000,
        "h" | "hour" | "hours" => 3_600_000_000_000,
        "m" | "min" | "minute" | "minutes" => 60_000_000_000,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000_000_000,
        "µs" | "micro" | "micros" | "microsecond" | "microseconds" => 1_000,
        "ns" | "nano" | "nanos" | "nanosecond" | "nanoseconds" => 1,
        _ => return None,
    };
    Some(i64::try_from(u128::from(number) * unit_ns).unwrap_or(i64::MAX))
}

/// The sequence generator of column `field`: the generator, how many values
/// it has before its end (or its type's limit), and whether an `end` was set.
///
/// Unlike Flink, `end` is optional: without it the sequence keeps counting,
/// as far as the column's type allows (the table ends there).
fn sequence(r: &mut Reader, path: &str, field: &Field) -> Result<(ValueGen, Option<u64>, bool)> {
    let dt = field.data_type();
    let (lo, hi): (i128, Option<i128>) = match dt {
        DataType::Int8 => (i8::MIN.into(), Some(i8::MAX.into())),
        DataType::Int16 => (i16::MIN.into(), Some(i16::MAX.into())),
        DataType::Int32 => (i32::MIN.into(), Some(i32::MAX.into())),
        DataType::Int64 => (i64::MIN.into(), Some(i64::MAX.into())),
        DataType::Float32 | DataType::Float64 | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            (i64::MIN.into(), None)
        }
        DataType::Decimal128(precision, scale) if *scale >= 0 && scale.unsigned_abs() <= *precision => {
            let digits = u32::from(precision - scale.unsigned_abs());
            let largest = 10i128.checked_pow(digits).map_or(i128::MAX, |p| p - 1);
            (-largest, Some(largest))
        }
        other => {
            return Err(GatewayError::Sql(format!(
                "Sequence generator is not supported for field '{path}' of type {other}: \
                 use it on integer, floating point, decimal or string fields."
            )));
        }
    };
    let start_key = key(path, "start");
    let end_key = key(path, "end");
    let start = r.parse::<i64>(&start_key)?;
    let end = r.parse::<i64>(&end_key)?;
    let Some(start) = start else {
        return Err(GatewayError::Sql(format!(
            "Could not find required property '{start_key}' for sequence generator."
        )));
    };
    for (key, value) in [(&start_key, Some(start)), (&end_key, end)] {
        if let Some(value) = value.map(i128::from)
            && (value < lo || hi.is_some_and(|hi| value > hi))
        {
            return Err(out_of_range(key, value, dt));
        }
    }
    let last = end.map(i128::from).or(hi);
    let capacity = last.map(|last| u64::try_from((last - i128::from(start) + 1).max(0)).unwrap_or(u64::MAX));
    let column = ValueGen { data_type: dt.clone(), null_rate: 0.0, kind: Kind::Sequence { next: start.into() } };
    Ok((column, capacity, end.is_some()))
}
