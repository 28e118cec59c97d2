//! Scalar functions continuous queries rely on: the window starts of a HOP
//! window (so a rewritten `HOP(...)` can `unnest` one row per window) and
//! Flink's `PROCTIME()`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, ListArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Int64Type, TimeUnit};
use datafusion::common::{ScalarValue, exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

/// Name of the function returning the starts of the HOP windows a timestamp belongs to.
pub const HOP_WINDOW_STARTS: &str = "hop_window_starts";

/// The most windows one row may fall into: `size / slide` above this is
/// refused rather than multiplying every input row that many times.
const MAX_WINDOWS_PER_ROW: i64 = 10_000;

/// `hop_window_starts(ts, slide, size)`: the starts, oldest first, of every
/// window of length `size`, aligned to multiples of `slide` since the epoch,
/// that contains `ts`. The list holds timestamps of `ts`'s own type.
#[derive(Debug, PartialEq, Eq, Hash)]
struct HopWindowStarts {
    /// Any three arguments; the types are checked in `return_type`.
    signature: Signature,
}

impl ScalarUDFImpl for HopWindowStarts {
    fn name(&self) -> &str {
        HOP_WINDOW_STARTS
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        match arg_types {
            [ts @ DataType::Timestamp(_, _), _, _] => Ok(DataType::List(Arc::new(Field::new_list_field(ts.clone(), true)))),
            [other, _, _] => plan_err!("HOP: the DESCRIPTOR column must be a TIMESTAMP, not {other}"),
            _ => plan_err!("{HOP_WINDOW_STARTS} takes a timestamp, a slide and a size"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let [ts, slide, size] = args.args.as_slice() else {
            return exec_err!("{HOP_WINDOW_STARTS} takes a timestamp, a slide and a size");
        };
        let DataType::Timestamp(unit, _) = &ts.data_type() else {
            return exec_err!("HOP: the DESCRIPTOR column must be a TIMESTAMP, not {}", ts.data_type());
        };
        let slide = constant_interval(slide, unit, "slide")?;
        let size = constant_interval(size, unit, "size")?;
        if slide <= 0 || size <= 0 {
            return exec_err!("HOP: slide and size must be positive");
        }
        if size / slide > MAX_WINDOWS_PER_ROW {
            return exec_err!("HOP: a size of more than {MAX_WINDOWS_PER_ROW} slides is not supported");
        }
        let item_type = ts.data_type();
        let ts = ts.to_array(args.number_rows)?;
        let raw = cast(&ts, &DataType::Int64)?;
        let raw = raw.as_primitive::<Int64Type>();
        let mut starts = Vec::with_capacity(raw.len());
        let mut offsets = Vec::with_capacity(raw.len() + 1);
        offsets.push(0i32);
        for row in 0..raw.len() {
            if raw.is_valid(row) {
                push_window_starts(raw.value(row), slide, size, &mut starts);
            }
            let Ok(end) = i32::try_from(starts.len()) else {
                return exec_err!("HOP: too many windows in one batch");
            };
            offsets.push(end);
        }
        let values = cast(&(Arc::new(Int64Array::from(starts)) as ArrayRef), &item_type)?;
        let field = Arc::new(Field::new_list_field(item_type, true));
        let list = ListArray::try_new(field, OffsetBuffer::new(offsets.into()), values, raw.nulls().cloned())?;
        Ok(ColumnarValue::Array(Arc::new(list)))
    }
}

/// Append the starts of the windows containing `ts`, oldest first. Starts
/// that would overflow are skipped: such windows cannot be represented anyway.
fn push_window_starts(ts: i64, slide: i64, size: i64, out: &mut Vec<i64>) {
    let Some(last) = ts.checked_sub(ts.rem_euclid(slide)) else { return };
    let first_index = out.len();
    let mut start = Some(last);
    while let Some(s) = start {
        // The window [s, s + size) contains ts while s + size > ts.
        if (s as i128) + (size as i128) <= ts as i128 {
            break;
        }
        out.push(s);
        start = s.checked_sub(slide);
    }
    out[first_index..].reverse();
}

/// The value of a constant interval argument in `unit`s.
fn constant_interval(value: &ColumnarValue, unit: &TimeUnit, what: &str) -> DfResult<i64> {
    match value {
        ColumnarValue::Scalar(scalar) => interval_in_unit(scalar, unit).map_err(|reason| datafusion::error::DataFusionError::Execution(format!("HOP: the {what} {reason}"))),
        ColumnarValue::Array(_) => exec_err!("HOP: the {what} must be a constant interval"),
    }
}

/// A fixed-length interval (days and smaller, or a duration) in `unit`s.
/// Months and years vary in length, so they cannot size a window here.
pub(super) fn interval_in_unit(value: &ScalarValue, unit: &TimeUnit) -> Result<i64, String> {
    let nanos: i128 = match value {
        ScalarValue::IntervalMonthDayNano(Some(v)) if v.months == 0 => i128::from(v.days) * 86_400_000_000_000 + i128::from(v.nanoseconds),
        ScalarValue::IntervalDayTime(Some(v)) => i128::from(v.days) * 86_400_000_000_000 + i128::from(v.milliseconds) * 1_000_000,
        ScalarValue::IntervalYearMonth(Some(0)) => 0,
        ScalarValue::DurationSecond(Some(v)) => i128::from(*v) * 1_000_000_000,
        ScalarValue::DurationMillisecond(Some(v)) => i128::from(*v) * 1_000_000,
        ScalarValue::DurationMicrosecond(Some(v)) => i128::from(*v) * 1_000,
        ScalarValue::DurationNanosecond(Some(v)) => i128::from(*v),
        ScalarValue::IntervalMonthDayNano(Some(_)) | ScalarValue::IntervalYearMonth(Some(_)) => {
            return Err("must not use months or years, whose length varies".into());
        }
        other => return Err(format!("must be a constant interval, not {other:?}")),
    };
    let per_unit = nanos_per_unit(unit);
    if nanos % per_unit != 0 {
        return Err(format!("is finer than the time column's precision ({unit:?})"));
    }
    i64::try_from(nanos / per_unit).map_err(|_| "is out of range".to_string())
}

/// Nanoseconds in one `unit`.
pub(super) fn nanos_per_unit(unit: &TimeUnit) -> i128 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

/// `PROCTIME()`: the wall-clock time when a batch is processed, as Flink's
/// `TIMESTAMP_LTZ(3)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Proctime {
    /// No arguments; volatile, so it is evaluated per batch and never folded into a constant.
    signature: Signature,
}

impl ScalarUDFImpl for Proctime {
    fn name(&self) -> &str {
        "proctime"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        Ok(ColumnarValue::Scalar(ScalarValue::TimestampMillisecond(Some(now), Some("UTC".into()))))
    }
}

/// The functions, ready to register.
pub(super) fn all() -> [ScalarUDF; 2] {
    [
        ScalarUDF::new_from_impl(HopWindowStarts { signature: Signature::any(3, Volatility::Immutable) }),
        ScalarUDF::new_from_impl(Proctime { signature: Signature::nullary(Volatility::Volatile) }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_starts_cover_the_row() {
        let mut out = Vec::new();
        push_window_starts(12, 5, 10, &mut out);
        assert_eq!(out, vec![5, 10]);
        out.clear();
        push_window_starts(10, 5, 10, &mut out);
        assert_eq!(out, vec![5, 10]);
        out.clear();
        push_window_starts(-3, 5, 15, &mut out);
        assert_eq!(out, vec![-15, -10, -5]);
        out.clear();
        // A size that is not a multiple of the slide.
        push_window_starts(7, 3, 4, &mut out);
        assert_eq!(out, vec![6]);
    }

    #[test]
    fn intervals_convert_to_the_column_unit() {
        let five_s = ScalarValue::new_interval_mdn(0, 0, 5_000_000_000);
        assert_eq!(interval_in_unit(&five_s, &TimeUnit::Millisecond), Ok(5_000));
        assert!(interval_in_unit(&ScalarValue::new_interval_mdn(1, 0, 0), &TimeUnit::Second).is_err());
        assert!(interval_in_unit(&ScalarValue::new_interval_mdn(0, 0, 1), &TimeUnit::Second).is_err());
    }
}
