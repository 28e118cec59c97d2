//! Flink's calendar functions:
//!
//! - `YEAR`, `QUARTER`, `MONTH`, `WEEK` (ISO week of the year),
//!   `DAYOFYEAR`, `DAYOFMONTH`, `DAYOFWEEK` (1 = Sunday .. 7 = Saturday),
//!   `HOUR`, `MINUTE`, `SECOND` of a DATE, TIMESTAMP or TIMESTAMP_LTZ (the
//!   last in the session zone), as Flink's `BIGINT`; `HOUR`, `MINUTE` and
//!   `SECOND` take a TIME too;
//! - `timestampadd('UNIT', n, t)` and `timestampdiff('UNIT', a, b)`, which
//!   the dialect layer makes of `TIMESTAMPADD(unit, n, t)` and
//!   `TIMESTAMPDIFF(unit, a, b)`. `TIMESTAMPADD` answers `t`'s type (a DATE
//!   moved by a unit under a day becomes a `TIMESTAMP(0)`, as in Flink);
//!   months and years clamp to the month's last day. `TIMESTAMPDIFF`
//!   answers the whole units from `a` to `b` as `INT`, truncated toward
//!   zero; months, quarters and years count whole calendar months.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Months, NaiveDateTime};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int32Array, IntervalMonthDayNanoArray};
use datafusion::arrow::compute::kernels::numeric::add;
use datafusion::arrow::compute::kernels::temporal::{DatePart, date_part};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, IntervalMonthDayNano, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{ScalarValue, exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{SessionZone, arrays, check_count, is_integer, session_zone};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    let fields = ["year", "quarter", "month", "week", "dayofyear", "dayofmonth", "dayofweek", "hour", "minute", "second"];
    fields.into_iter().chain(["timestampadd", "timestampdiff"]).map(|name| ScalarUDF::new_from_impl(Calendar { name, signature: Signature::user_defined(Volatility::Immutable) })).collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Calendar {
    /// The function's (lower-case) name: the field it reads, or `timestampadd`/`timestampdiff`.
    name: &'static str,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

/// Whether `t` is a DATE, TIMESTAMP or TIMESTAMP_LTZ.
fn is_datetime(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _))
}

/// Whether `t` is text a TIMESTAMP can be read from.
fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

impl ScalarUDFImpl for Calendar {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let naive = DataType::Timestamp(TimeUnit::Microsecond, None);
        match self.name {
            "timestampadd" => {
                check_count(self.name, arg_types.len(), 3..=3)?;
                let t = &arg_types[2];
                if !is_integer(&arg_types[1]) || !(is_datetime(t) || is_text(t) || *t == DataType::Null) {
                    return plan_err!("No match found for function signature TIMESTAMPADD(<unit>, <INTEGER>, <DATETIME>): got ({}, {t})", arg_types[1]);
                }
                let t = if is_text(t) { naive } else { t.clone() };
                Ok(vec![DataType::Utf8, DataType::Int64, t])
            }
            "timestampdiff" => {
                check_count(self.name, arg_types.len(), 3..=3)?;
                let operands = &arg_types[1..];
                if !operands.iter().all(|t| is_datetime(t) || is_text(t) || *t == DataType::Null) {
                    return plan_err!("No match found for function signature TIMESTAMPDIFF(<unit>, <DATETIME>, <DATETIME>): got ({}, {})", operands[0], operands[1]);
                }
                // Two instants stay instants; anything else is compared as wall-clock time.
                let zone = operands.iter().find_map(|t| match t {
                    DataType::Timestamp(_, Some(z)) => Some(z.clone()),
                    _ => None,
                });
                let all_instants = operands.iter().all(|t| matches!(t, DataType::Timestamp(_, Some(_)) | DataType::Null));
                let common = DataType::Timestamp(TimeUnit::Microsecond, zone.filter(|_| all_instants));
                Ok(vec![DataType::Utf8, common.clone(), common])
            }
            field => {
                check_count(field, arg_types.len(), 1..=1)?;
                let t = &arg_types[0];
                let time_of_day = matches!(field, "hour" | "minute" | "second") && matches!(t, DataType::Time32(_) | DataType::Time64(_));
                if is_datetime(t) || time_of_day || *t == DataType::Null {
                    Ok(vec![t.clone()])
                } else if is_text(t) {
                    Ok(vec![naive])
                } else {
                    plan_err!("No match found for function signature {}(<{t}>): it takes a DATE or a TIMESTAMP", field.to_uppercase())
                }
            }
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "timestampdiff" => DataType::Int32,
            "timestampadd" => match arg_types.get(2) {
                Some(DataType::Date32 | DataType::Date64) => DataType::Date32,
                Some(t) => t.clone(),
                None => DataType::Null,
            },
            _ => DataType::Int64,
        })
    }

    fn return_field_from_args(&self, args: datafusion::logical_expr::ReturnFieldArgs) -> DfResult<datafusion::arrow::datatypes::FieldRef> {
        let types: Vec<DataType> = args.arg_fields.iter().map(|f| f.data_type().clone()).collect();
        let mut ty = self.return_type(&types)?;
        // A DATE moved by less than a day is a TIMESTAMP(0).
        if self.name == "timestampadd" && ty == DataType::Date32 {
            let unit = match args.scalar_arguments.first() {
                Some(Some(ScalarValue::Utf8(Some(unit)))) => unit.clone(),
                _ => return plan_err!("TIMESTAMPADD: the unit must be a constant"),
            };
            if Unit::named(&unit)?.below_a_day() {
                ty = DataType::Timestamp(TimeUnit::Second, None);
            }
        }
        Ok(Arc::new(datafusion::arrow::datatypes::Field::new(self.name, ty, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let zone = session_zone(self.name, &args.config_options)?;
        let unit = || match args.args.first() {
            Some(ColumnarValue::Scalar(ScalarValue::Utf8(Some(unit)))) => Unit::named(unit),
            _ => exec_err!("{}: the unit must be a constant", self.name.to_uppercase()),
        };
        let out = match self.name {
            "timestampadd" => {
                let arrays = arrays(&args.args[1..], rows)?;
                timestamp_add(unit()?, &arrays[0], &arrays[1], args.return_field.data_type(), &zone)?
            }
            "timestampdiff" => {
                let arrays = arrays(&args.args[1..], rows)?;
                timestamp_diff(unit()?, &arrays[0], &arrays[1], &zone)?
            }
            field => {
                let arrays = arrays(&args.args, rows)?;
                calendar_field(field, &arrays[0], &zone)?
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// An instant array relabelled with the session zone, so the calendar
/// reads it as wall-clock time there; other arrays as they are (a DATE
/// as its midnight).
fn in_session_zone(value: &ArrayRef, zone: &SessionZone) -> DfResult<ArrayRef> {
    Ok(match value.data_type() {
        DataType::Timestamp(unit, Some(_)) => cast(value, &DataType::Timestamp(*unit, Some(zone.name.clone())))?,
        DataType::Date32 | DataType::Date64 => cast(value, &DataType::Timestamp(TimeUnit::Second, None))?,
        _ => value.clone(),
    })
}

/// `YEAR(t)` .. `SECOND(t)`.
fn calendar_field(field: &str, value: &ArrayRef, zone: &SessionZone) -> DfResult<ArrayRef> {
    if *value.data_type() == DataType::Null {
        return Ok(datafusion::arrow::array::new_null_array(&DataType::Int64, value.len()));
    }
    let part = match field {
        "year" => DatePart::Year,
        "quarter" => DatePart::Quarter,
        "month" => DatePart::Month,
        "week" => DatePart::Week,
        "dayofyear" => DatePart::DayOfYear,
        "dayofmonth" => DatePart::Day,
        "dayofweek" => DatePart::DayOfWeekSunday0,
        "hour" => DatePart::Hour,
        "minute" => DatePart::Minute,
        "second" => DatePart::Second,
        other => return exec_err!("{other}: unknown calendar field"),
    };
    let parts = cast(&date_part(&in_session_zone(value, zone)?, part)?, &DataType::Int64)?;
    if field == "dayofweek" {
        // Flink counts Sunday as 1.
        return Ok(Arc::new(parts.as_primitive::<Int64Type>().unary::<_, Int64Type>(|d| d + 1)));
    }
    Ok(parts)
}

/// A unit of `TIMESTAMPADD`/`TIMESTAMPDIFF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A fixed length, in microseconds.
    Fixed(i64),
    /// A number of calendar months.
    Months(i64),
    /// Days (a calendar day: 24 hours, since the arithmetic is on wall-clock time).
    Days(i64),
}

impl Unit {
    /// The unit the dialect layer named.
    fn named(name: &str) -> DfResult<Self> {
        Ok(match name.to_ascii_uppercase().as_str() {
            "MICROSECOND" => Unit::Fixed(1),
            "MILLISECOND" => Unit::Fixed(1_000),
            "SECOND" => Unit::Fixed(1_000_000),
            "MINUTE" => Unit::Fixed(60_000_000),
            "HOUR" => Unit::Fixed(3_600_000_000),
            "DAY" => Unit::Days(1),
            "WEEK" => Unit::Days(7),
            "MONTH" => Unit::Months(1),
            "QUARTER" => Unit::Months(3),
            "YEAR" => Unit::Months(12),
            other => return exec_err!("TIMESTAMPADD/TIMESTAMPDIFF: unknown time unit '{other}'"),
        })
    }

    /// Whether the unit is shorter than a day.
    fn below_a_day(self) -> bool {
        matches!(self, Unit::Fixed(_))
    }
}

/// `TIMESTAMPADD(unit, n, t)`: `t` moved by `n` units, in `result`'s type.
fn timestamp_add(unit: Unit, counts: &ArrayRef, values: &ArrayRef, result: &DataType, zone: &SessionZone) -> DfResult<ArrayRef> {
    if *values.data_type() == DataType::Null {
        return Ok(datafusion::arrow::array::new_null_array(result, values.len()));
    }
    let counts = counts.as_primitive::<Int64Type>();
    let range = || datafusion::error::DataFusionError::Execution("TIMESTAMPADD: the amount is out of range".into());
    let steps = counts
        .iter()
        .map(|n| {
            n.map(|n| {
                Ok(match unit {
                    Unit::Months(m) => IntervalMonthDayNano::new(n.checked_mul(m).and_then(|v| i32::try_from(v).ok()).ok_or_else(range)?, 0, 0),
                    Unit::Days(d) => IntervalMonthDayNano::new(0, n.checked_mul(d).and_then(|v| i32::try_from(v).ok()).ok_or_else(range)?, 0),
                    Unit::Fixed(micros) => IntervalMonthDayNano::new(0, 0, n.checked_mul(micros).and_then(|v| v.checked_mul(1_000)).ok_or_else(range)?),
                })
            })
            .transpose()
        })
        .collect::<DfResult<IntervalMonthDayNanoArray>>()?;
    // Instants move on the session zone's calendar, then keep their own label.
    let original = values.data_type().clone();
    let base = match (&original, result) {
        (DataType::Timestamp(_, Some(_)), _) => in_session_zone(values, zone)?,
        (DataType::Date32 | DataType::Date64, DataType::Timestamp(_, _)) => cast(values, result)?,
        _ => values.clone(),
    };
    let moved = add(&base, &steps)?;
    Ok(cast(&moved, result)?)
}

/// `TIMESTAMPDIFF(unit, a, b)`: whole units from `a` to `b`.
fn timestamp_diff(unit: Unit, a: &ArrayRef, b: &ArrayRef, zone: &SessionZone) -> DfResult<ArrayRef> {
    // Coercion made both microsecond timestamps: the values are read as they
    // are (epoch microseconds of an instant, or of a wall-clock time).
    let micros = |v: &ArrayRef| -> DfResult<ArrayRef> {
        match v.data_type() {
            DataType::Timestamp(TimeUnit::Microsecond, _) => Ok(v.clone()),
            _ => Ok(cast(v, &DataType::Timestamp(TimeUnit::Microsecond, None))?),
        }
    };
    let instants = matches!(a.data_type(), DataType::Timestamp(_, Some(_)));
    let (a, b) = (micros(a)?, micros(b)?);
    let (a, b) = (a.as_primitive::<TimestampMicrosecondType>(), b.as_primitive::<TimestampMicrosecondType>());
    let wall = |t: i64| -> DfResult<NaiveDateTime> {
        let Some(at) = DateTime::from_timestamp_micros(t) else { return exec_err!("TIMESTAMPDIFF: timestamp out of range") };
        Ok(if instants { at.with_timezone(&zone.tz).naive_local() } else { at.naive_utc() })
    };
    let mut out = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        if a.is_null(i) || b.is_null(i) {
            out.push(None);
            continue;
        }
        let (x, y) = (a.value(i), b.value(i));
        let units = match unit {
            Unit::Fixed(len) => (i128::from(y) - i128::from(x)) / i128::from(len),
            Unit::Days(days) => (i128::from(y) - i128::from(x)) / (i128::from(days) * 86_400_000_000),
            Unit::Months(m) => i128::from(months_between(wall(x)?, wall(y)?) / m),
        };
        let Ok(units) = i32::try_from(units) else { return exec_err!("TIMESTAMPDIFF: {units} is out of the range of INT") };
        out.push(Some(units));
    }
    Ok(Arc::new(Int32Array::from(out)))
}

/// Whole calendar months from `a` to `b` (negative when `b` is earlier):
/// the most `m` with `a + m months <= b`, a month's end clamped.
fn months_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    if b < a {
        return -months_between(b, a);
    }
    let mut m = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    let reached = |m: i64| u32::try_from(m).ok().and_then(|m| a.checked_add_months(Months::new(m))).is_some_and(|t| t <= b);
    while m > 0 && !reached(m) {
        m -= 1;
    }
    m
}
