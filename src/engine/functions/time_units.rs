//! `FLOOR(t TO unit)` and `CEIL(t TO unit)`: the dialect layer rewrites
//! them to `floor_time('UNIT', t)` / `ceil_time('UNIT', t)`, which round a
//! DATE or TIMESTAMP down or up to a unit boundary and answer in `t`'s own
//! type, as Flink does (a DATE stays a DATE; DataFusion's `date_trunc`
//! alone would answer a nanosecond TIMESTAMP).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, IntervalMonthDayNanoArray};
use datafusion::arrow::compute::kernels::cmp::eq;
use datafusion::arrow::compute::kernels::numeric::add;
use datafusion::arrow::compute::kernels::zip::zip;
use datafusion::arrow::compute::{cast, prep_null_mask_filter};
use datafusion::arrow::datatypes::{DataType, Field, IntervalMonthDayNano, TimeUnit};
use datafusion::common::{ScalarValue, exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::check_count;

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    [Rounding::Floor, Rounding::Ceil].into_iter().map(|rounding| ScalarUDF::new_from_impl(TimeUnitRound { rounding, signature: Signature::user_defined(Volatility::Immutable) })).collect()
}

/// Which way to round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rounding {
    /// Down to the unit's start.
    Floor,
    /// Up to the next unit start, unless already on one.
    Ceil,
}

/// `floor_time(unit, t)` / `ceil_time(unit, t)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct TimeUnitRound {
    /// Down or up.
    rounding: Rounding,
    /// A unit name and a DATE or TIMESTAMP.
    signature: Signature,
}

impl ScalarUDFImpl for TimeUnitRound {
    fn name(&self) -> &str {
        match self.rounding {
            Rounding::Floor => "floor_time",
            Rounding::Ceil => "ceil_time",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count(self.name(), arg_types.len(), 2..=2)?;
        match &arg_types[1] {
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) | DataType::Null => Ok(vec![DataType::Utf8, arg_types[1].clone()]),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(vec![DataType::Utf8, DataType::Timestamp(TimeUnit::Microsecond, None)]),
            other => plan_err!("{}(<unit>, {other}): FLOOR/CEIL ... TO <unit> takes a DATE or a TIMESTAMP", self.name().to_uppercase()),
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(arg_types.get(1).cloned().unwrap_or(DataType::Null))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let [unit, value] = args.args.as_slice() else { return exec_err!("{} takes a unit and a value", self.name()) };
        let ColumnarValue::Scalar(ScalarValue::Utf8(Some(unit))) = unit else {
            return exec_err!("{}: the unit must be a constant", self.name());
        };
        let original = value.data_type();
        if original == DataType::Null {
            return Ok(ColumnarValue::Scalar(ScalarValue::Null));
        }
        let scalar = matches!(value, ColumnarValue::Scalar(_));
        let value = value.to_array(args.number_rows)?;
        // date_trunc works on timestamps: a DATE goes there and back.
        let as_timestamp = match &original {
            DataType::Timestamp(_, _) => value.clone(),
            _ => cast(&value, &DataType::Timestamp(TimeUnit::Second, None))?,
        };
        let floor = truncate(unit, &as_timestamp, &args)?;
        let rounded = match self.rounding {
            Rounding::Floor => floor,
            Rounding::Ceil => {
                let step = IntervalMonthDayNanoArray::from_value(one(unit)?, floor.len());
                let next = add(&floor, &step)?;
                let on_boundary = eq(&floor, &as_timestamp)?;
                let on_boundary = if on_boundary.null_count() == 0 { on_boundary } else { prep_null_mask_filter(&on_boundary) };
                zip(&on_boundary, &floor, &next)?
            }
        };
        let rounded = cast(&rounded, &original)?;
        Ok(if scalar { ColumnarValue::Scalar(ScalarValue::try_from_array(&rounded, 0)?) } else { ColumnarValue::Array(rounded) })
    }
}

/// DataFusion's `date_trunc(unit, value)` over an array.
fn truncate(unit: &str, value: &ArrayRef, outer: &ScalarFunctionArgs) -> DfResult<ArrayRef> {
    let date_trunc = datafusion::functions::datetime::date_trunc();
    let fields = vec![Arc::new(Field::new("unit", DataType::Utf8, false)), Arc::new(Field::new("value", value.data_type().clone(), true))];
    let args = ScalarFunctionArgs {
        args: vec![ColumnarValue::Scalar(ScalarValue::Utf8(Some(unit.to_ascii_lowercase()))), ColumnarValue::Array(value.clone())],
        arg_fields: fields,
        number_rows: value.len(),
        return_field: Arc::new(Field::new("floor", value.data_type().clone(), true)),
        config_options: outer.config_options.clone(),
    };
    date_trunc.invoke_with_args(args)?.to_array(value.len())
}

/// One `unit` as an interval.
fn one(unit: &str) -> DfResult<IntervalMonthDayNano> {
    const NANOS_PER_SECOND: i64 = 1_000_000_000;
    Ok(match unit.to_ascii_uppercase().as_str() {
        "YEAR" => IntervalMonthDayNano::new(12, 0, 0),
        "QUARTER" => IntervalMonthDayNano::new(3, 0, 0),
        "MONTH" => IntervalMonthDayNano::new(1, 0, 0),
        "WEEK" => IntervalMonthDayNano::new(0, 7, 0),
        "DAY" => IntervalMonthDayNano::new(0, 1, 0),
        "HOUR" => IntervalMonthDayNano::new(0, 0, 3600 * NANOS_PER_SECOND),
        "MINUTE" => IntervalMonthDayNano::new(0, 0, 60 * NANOS_PER_SECOND),
        "SECOND" => IntervalMonthDayNano::new(0, 0, NANOS_PER_SECOND),
        "MILLISECOND" => IntervalMonthDayNano::new(0, 0, 1_000_000),
        "MICROSECOND" => IntervalMonthDayNano::new(0, 0, 1_000),
        other => return exec_err!("CEIL ... TO {other} is not supported"),
    })
}
