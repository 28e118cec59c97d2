//! Flink's conversions between time values, numbers and text, with Java
//! `SimpleDateFormat` patterns (see [`super::date_pattern`]):
//!
//! | function | Flink type | reading |
//! |---|---|---|
//! | `DATE_FORMAT(t[, fmt])` | `STRING` | `t` (a TIMESTAMP, DATE, TIMESTAMP_LTZ in the session zone, or text) formatted |
//! | `FROM_UNIXTIME(n[, fmt])` | `STRING` | epoch seconds as wall-clock time in the session zone |
//! | `UNIX_TIMESTAMP()` | `BIGINT` | the current epoch second |
//! | `UNIX_TIMESTAMP(s[, fmt])` | `BIGINT` | `s` read in the session zone (or in the offset it names); `Long.MIN_VALUE` when unreadable, as Flink |
//! | `TO_DATE(s[, fmt])` | `DATE` | NULL when unreadable |
//! | `TO_TIMESTAMP(s[, fmt])` | `TIMESTAMP(3)` | wall-clock time; NULL when unreadable |
//! | `TO_TIMESTAMP_LTZ(n[, precision])` | `TIMESTAMP_LTZ(3)` | epoch seconds (precision 0) or milliseconds (3, the default) |
//! | `CONVERT_TZ(s, from, to)` | `STRING` | `yyyy-MM-dd HH:mm:ss` text moved between zones |
//!
//! The default pattern is `yyyy-MM-dd HH:mm:ss` (`yyyy-MM-dd` for
//! `TO_DATE`); without a pattern a fraction of a second is read too.
//! DataFusion's `date_format` (an alias of `to_char`), `from_unixtime`,
//! `to_date` and `to_timestamp` take chrono patterns and answer other types;
//! these replace them. Zones are named as `table.local-time-zone` names them,
//! plus Java's short IDs (`PST`, `CTT`, ...).

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, Int64Array, StringArray, StringBuilder, TimestampMillisecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::date_pattern::{DEFAULT_TIMESTAMP, Pattern, parse_default_date, parse_default_timestamp};
use super::{SessionZone, arrays, check_count, is_integer, session_zone};

/// The zone label of the instants these functions make, as the clock functions label them.
const INSTANT_ZONE: &str = "+00:00";

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    [
        ("date_format", 1..=2, Volatility::Immutable),
        ("from_unixtime", 1..=2, Volatility::Immutable),
        ("unix_timestamp", 0..=2, Volatility::Volatile),
        ("to_date", 1..=2, Volatility::Immutable),
        ("to_timestamp", 1..=2, Volatility::Immutable),
        ("to_timestamp_ltz", 1..=2, Volatility::Immutable),
        ("convert_tz", 3..=3, Volatility::Immutable),
    ]
    .into_iter()
    .map(|(name, args, volatility)| ScalarUDF::new_from_impl(Temporal { name, args, signature: Signature::user_defined(volatility) }))
    .collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Temporal {
    /// The function's (lower-case) name.
    name: &'static str,
    /// How many arguments it takes.
    args: std::ops::RangeInclusive<usize>,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

impl ScalarUDFImpl for Temporal {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count(self.name, arg_types.len(), self.args.clone())?;
        let mut types = vec![DataType::Utf8; arg_types.len()];
        let Some(first) = arg_types.first() else { return Ok(types) };
        let wrong = || plan_err!("No match found for function signature {}(<{first}>, ...)", self.name.to_uppercase());
        match self.name {
            "date_format" => {
                types[0] = match first {
                    DataType::Timestamp(_, _) | DataType::Date32 | DataType::Null => first.clone(),
                    DataType::Date64 => DataType::Date32,
                    _ => DataType::Utf8,
                }
            }
            "from_unixtime" if is_integer(first) => types[0] = DataType::Int64,
            "from_unixtime" if first.is_numeric() => types[0] = DataType::Int64,
            "to_timestamp_ltz" if first.is_integer() || *first == DataType::Null => types[0] = DataType::Int64,
            "to_timestamp_ltz" if first.is_numeric() => types[0] = DataType::Float64,
            "from_unixtime" | "to_timestamp_ltz" => return wrong(),
            _ => {}
        }
        if self.name == "to_timestamp_ltz" && arg_types.len() == 2 {
            if !is_integer(&arg_types[1]) {
                return plan_err!("No match found for function signature TO_TIMESTAMP_LTZ(<NUMERIC>, <INTEGER>): the precision is {}", arg_types[1]);
            }
            types[1] = DataType::Int64;
        }
        Ok(types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "unix_timestamp" => DataType::Int64,
            "to_date" => DataType::Date32,
            "to_timestamp" => DataType::Timestamp(TimeUnit::Millisecond, None),
            "to_timestamp_ltz" => DataType::Timestamp(TimeUnit::Millisecond, Some(INSTANT_ZONE.into())),
            _ => DataType::Utf8,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let zone = session_zone(self.name, &args.config_options)?;
        let arrays = arrays(&args.args, rows)?;
        // The second argument is a pattern (text) except for TO_TIMESTAMP_LTZ and CONVERT_TZ.
        let patterns = arrays.get(1).filter(|_| !matches!(self.name, "to_timestamp_ltz" | "convert_tz")).map(|p| p.as_string::<i32>());
        let out: ArrayRef = match self.name {
            "unix_timestamp" if arrays.is_empty() => {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
                Arc::new(Int64Array::from_value(now, rows))
            }
            "date_format" => date_format(&arrays[0], patterns, &zone)?,
            "from_unixtime" => from_unixtime(arrays[0].as_primitive::<Int64Type>(), patterns, &zone)?,
            "unix_timestamp" => unix_timestamp(arrays[0].as_string::<i32>(), patterns, &zone)?,
            "to_date" => to_date(arrays[0].as_string::<i32>(), patterns)?,
            "to_timestamp" => to_timestamp(arrays[0].as_string::<i32>(), patterns)?,
            "to_timestamp_ltz" => to_timestamp_ltz(&arrays[0], arrays.get(1))?,
            "convert_tz" => convert_tz(arrays[0].as_string::<i32>(), arrays[1].as_string::<i32>(), arrays[2].as_string::<i32>())?,
            name => return exec_err!("{name}: unknown function"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// The pattern of each row: the default when the call has none, compiled
/// once while it stays the same; `None` for a NULL pattern.
struct Patterns<'a> {
    /// The function, for errors.
    function: &'static str,
    /// The patterns column, if the call has one.
    column: Option<&'a StringArray>,
    /// The pattern used without one.
    default: &'static str,
    /// The last pattern compiled, with its text.
    last: Option<(String, Pattern)>,
}

impl<'a> Patterns<'a> {
    /// The patterns of `column`, or `default` for every row.
    fn new(function: &'static str, column: Option<&'a StringArray>, default: &'static str) -> Self {
        Patterns { function, column, default, last: None }
    }

    /// Whether the call has a pattern column.
    fn explicit(&self) -> bool {
        self.column.is_some()
    }

    /// Row `row`'s compiled pattern.
    fn at(&mut self, row: usize) -> DfResult<Option<&Pattern>> {
        let text = match self.column {
            Some(c) if c.is_null(row) => return Ok(None),
            Some(c) => c.value(row),
            None => self.default,
        };
        if self.last.as_ref().is_none_or(|(t, _)| t != text) {
            self.last = Some((text.to_string(), Pattern::new(self.function, text)?));
        }
        Ok(self.last.as_ref().map(|(_, p)| p))
    }
}

/// `local` in `zone`: the instant's offset (the earlier one where the wall
/// clock repeats; a time in a gap is read an hour later, as Java moves it).
fn offset_of(local: &NaiveDateTime, zone: &Tz) -> Option<FixedOffset> {
    let resolved = zone.offset_from_local_datetime(local).earliest().or_else(|| local.checked_add_signed(chrono::Duration::hours(1)).and_then(|later| zone.offset_from_local_datetime(&later).earliest()))?;
    Some(resolved.fix())
}

/// Wall-clock `local` with the offset its zone has there.
fn with_offset(local: NaiveDateTime, zone: &Tz) -> Option<DateTime<FixedOffset>> {
    let offset = match offset_of(&local, zone) {
        Some(offset) => offset,
        None => FixedOffset::east_opt(0)?,
    };
    offset.from_local_datetime(&local).single()
}

/// `DATE_FORMAT(t[, fmt])`.
fn date_format(values: &ArrayRef, patterns: Option<&StringArray>, zone: &SessionZone) -> DfResult<ArrayRef> {
    let rows = values.len();
    let mut patterns = Patterns::new("date_format", patterns, DEFAULT_TIMESTAMP);
    let mut out = StringBuilder::with_capacity(rows, rows * 20);
    let mut text = String::new();
    // Each row as a moment with its offset: wall-clock values in the session
    // zone's offset (only the zone letters show it), instants moved there.
    let instants = matches!(values.data_type(), DataType::Timestamp(_, Some(_)));
    let micros = match values.data_type() {
        DataType::Timestamp(_, _) => Some(cast(values, &DataType::Timestamp(TimeUnit::Microsecond, None))?),
        _ => None,
    };
    for row in 0..rows {
        if values.is_null(row) {
            out.append_null();
            continue;
        }
        let moment = match (values.data_type(), &micros) {
            (_, Some(micros)) => {
                let value = micros.as_primitive::<TimestampMicrosecondType>().value(row);
                let Some(at) = DateTime::from_timestamp_micros(value) else {
                    out.append_null();
                    continue;
                };
                if instants { Some(at.with_timezone(&zone.tz).fixed_offset()) } else { with_offset(at.naive_utc(), &zone.tz) }
            }
            (DataType::Date32, _) => Date32Type::to_naive_date_opt(values.as_primitive::<Date32Type>().value(row)).and_then(|d| d.and_hms_opt(0, 0, 0)).and_then(|d| with_offset(d, &zone.tz)),
            _ => parse_default_timestamp(values.as_string::<i32>().value(row)).and_then(|d| with_offset(d, &zone.tz)),
        };
        let pattern = patterns.at(row)?;
        text.clear();
        match (moment, pattern) {
            (Some(at), Some(pattern)) if pattern.format(&at, &mut text).is_some() => out.append_value(&text),
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// `FROM_UNIXTIME(n[, fmt])`.
fn from_unixtime(seconds: &datafusion::arrow::array::Int64Array, patterns: Option<&StringArray>, zone: &SessionZone) -> DfResult<ArrayRef> {
    let mut patterns = Patterns::new("from_unixtime", patterns, DEFAULT_TIMESTAMP);
    let mut out = StringBuilder::with_capacity(seconds.len(), seconds.len() * 20);
    let mut text = String::new();
    for row in 0..seconds.len() {
        let moment = seconds.is_valid(row).then(|| DateTime::from_timestamp(seconds.value(row), 0)).flatten();
        let pattern = patterns.at(row)?;
        text.clear();
        match (moment, pattern) {
            (Some(at), Some(pattern)) if pattern.format(&at.with_timezone(&zone.tz).fixed_offset(), &mut text).is_some() => out.append_value(&text),
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// Row `row` of `strings` read with its pattern (or Flink's lenient
/// default): wall-clock time and the offset the text names, if any.
fn read(strings: &StringArray, row: usize, patterns: &mut Patterns) -> DfResult<Option<(NaiveDateTime, Option<i32>)>> {
    if strings.is_null(row) {
        return Ok(None);
    }
    let text = strings.value(row);
    if !patterns.explicit() {
        return Ok(parse_default_timestamp(text).map(|t| (t, None)));
    }
    Ok(patterns.at(row)?.and_then(|p| p.parse(text)))
}

/// `UNIX_TIMESTAMP(s[, fmt])`.
fn unix_timestamp(strings: &StringArray, patterns: Option<&StringArray>, zone: &SessionZone) -> DfResult<ArrayRef> {
    let mut patterns = Patterns::new("unix_timestamp", patterns, DEFAULT_TIMESTAMP);
    let mut out = Vec::with_capacity(strings.len());
    for row in 0..strings.len() {
        if strings.is_null(row) || patterns.column.is_some_and(|c| c.is_null(row)) {
            out.push(None);
            continue;
        }
        let seconds = read(strings, row, &mut patterns)?.and_then(|(local, offset)| {
            let offset = match offset {
                Some(seconds) => FixedOffset::east_opt(seconds)?,
                None => offset_of(&local, &zone.tz)?,
            };
            Some(local.checked_sub_offset(offset)?.and_utc().timestamp())
        });
        // Flink answers Long.MIN_VALUE for text it cannot read.
        out.push(Some(seconds.unwrap_or(i64::MIN)));
    }
    Ok(Arc::new(Int64Array::from(out)))
}

/// `TO_DATE(s[, fmt])`.
fn to_date(strings: &StringArray, patterns: Option<&StringArray>) -> DfResult<ArrayRef> {
    let mut patterns = Patterns::new("to_date", patterns, "yyyy-MM-dd");
    let mut out = Vec::with_capacity(strings.len());
    for row in 0..strings.len() {
        let date = if patterns.explicit() {
            read(strings, row, &mut patterns)?.map(|(t, _)| t.date())
        } else {
            strings.is_valid(row).then(|| parse_default_date(strings.value(row))).flatten()
        };
        out.push(date.map(Date32Type::from_naive_date));
    }
    Ok(Arc::new(Date32Array::from(out)))
}

/// `TO_TIMESTAMP(s[, fmt])`.
fn to_timestamp(strings: &StringArray, patterns: Option<&StringArray>) -> DfResult<ArrayRef> {
    let mut patterns = Patterns::new("to_timestamp", patterns, DEFAULT_TIMESTAMP);
    let mut out = Vec::with_capacity(strings.len());
    for row in 0..strings.len() {
        out.push(read(strings, row, &mut patterns)?.map(|(t, _)| t.and_utc().timestamp_millis()));
    }
    Ok(Arc::new(TimestampMillisecondArray::from(out)))
}

/// `TO_TIMESTAMP_LTZ(n[, precision])`: precision 0 reads seconds, 3 milliseconds.
fn to_timestamp_ltz(numbers: &ArrayRef, precisions: Option<&ArrayRef>) -> DfResult<ArrayRef> {
    let precisions = precisions.map(|p| p.as_primitive::<Int64Type>());
    let mut out = Vec::with_capacity(numbers.len());
    for row in 0..numbers.len() {
        let precision = match precisions {
            Some(p) if p.is_null(row) => {
                out.push(None);
                continue;
            }
            Some(p) => p.value(row),
            None => 3,
        };
        let factor = match precision {
            0 => 1000.0,
            3 => 1.0,
            other => return exec_err!("The precision value '{other}' for function TO_TIMESTAMP_LTZ(numeric, precision) is unsupported, the supported value is '0' for second or '3' for millisecond."),
        };
        if numbers.is_null(row) {
            out.push(None);
            continue;
        }
        let millis = match numbers.data_type() {
            DataType::Int64 => numbers.as_primitive::<Int64Type>().value(row).checked_mul(factor as i64),
            _ => {
                let v = numbers.as_primitive::<Float64Type>().value(row) * factor;
                (v.is_finite() && v.abs() < 9.2e18).then_some(v as i64)
            }
        };
        // Beyond what a TIMESTAMP_LTZ can hold: NULL, not a wrapped value.
        out.push(millis.filter(|m| DateTime::from_timestamp_millis(*m).is_some()));
    }
    Ok(Arc::new(TimestampMillisecondArray::from(out).with_timezone(INSTANT_ZONE)))
}

/// A zone as Flink's `CONVERT_TZ` names it: Java's short IDs, then what
/// `table.local-time-zone` accepts (`UTC`, `GMT-08:00`, `+08:00`, IANA names).
fn named_zone(name: &str) -> DfResult<Tz> {
    const SHORT_IDS: [(&str, &str); 28] = [
        ("ACT", "Australia/Darwin"), ("AET", "Australia/Sydney"), ("AGT", "America/Argentina/Buenos_Aires"), ("ART", "Africa/Cairo"),
        ("AST", "America/Anchorage"), ("BET", "America/Sao_Paulo"), ("BST", "Asia/Dhaka"), ("CAT", "Africa/Harare"),
        ("CNT", "America/St_Johns"), ("CST", "America/Chicago"), ("CTT", "Asia/Shanghai"), ("EAT", "Africa/Addis_Ababa"),
        ("ECT", "Europe/Paris"), ("IET", "America/Indiana/Indianapolis"), ("IST", "Asia/Kolkata"), ("JST", "Asia/Tokyo"),
        ("MIT", "Pacific/Apia"), ("NET", "Asia/Yerevan"), ("NST", "Pacific/Auckland"), ("PLT", "Asia/Karachi"),
        ("PNT", "America/Phoenix"), ("PRT", "America/Puerto_Rico"), ("PST", "America/Los_Angeles"), ("SST", "Pacific/Guadalcanal"),
        ("VST", "Asia/Ho_Chi_Minh"), ("EST", "-05:00"), ("MST", "-07:00"), ("HST", "-10:00"),
    ];
    let trimmed = name.trim();
    let name = SHORT_IDS.iter().find(|(id, _)| *id == trimmed).map_or(trimmed, |(_, zone)| zone);
    match crate::format::FormatOptions::from_zone_name(name) {
        Ok(options) => Ok(options.time_zone),
        Err(e) => exec_err!("CONVERT_TZ: {e}"),
    }
}

/// `CONVERT_TZ(s, from, to)`: each distinct pair of zones resolved once.
fn convert_tz(strings: &StringArray, from: &StringArray, to: &StringArray) -> DfResult<ArrayRef> {
    let mut zones: Option<(String, String, Tz, Tz)> = None;
    let mut out = StringBuilder::with_capacity(strings.len(), strings.len() * 19);
    for row in 0..strings.len() {
        if strings.is_null(row) || from.is_null(row) || to.is_null(row) {
            out.append_null();
            continue;
        }
        let (f, t) = (from.value(row), to.value(row));
        if zones.as_ref().is_none_or(|(zf, zt, _, _)| zf != f || zt != t) {
            zones = Some((f.to_string(), t.to_string(), named_zone(f)?, named_zone(t)?));
        }
        let Some((_, _, from_zone, to_zone)) = zones.as_ref() else { return exec_err!("CONVERT_TZ: no zones") };
        let moved = parse_default_timestamp(strings.value(row)).and_then(|local| {
            let offset = offset_of(&local, from_zone)?;
            Some(local.checked_sub_offset(offset)?.and_utc().with_timezone(to_zone).naive_local())
        });
        out.append_option(moved.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()));
    }
    Ok(Arc::new(out.finish()))
}
