//! Flink's clock functions, in the session time zone and Flink's types:
//!
//! | function | Flink type | value |
//! |---|---|---|
//! | `CURRENT_TIMESTAMP`, `NOW()` | `TIMESTAMP_LTZ(3) NOT NULL` | the instant |
//! | `CURRENT_ROW_TIMESTAMP()` | `TIMESTAMP_LTZ(3) NOT NULL` | the instant, per row |
//! | `LOCALTIMESTAMP` | `TIMESTAMP(3) NOT NULL` | wall clock in the session zone |
//! | `CURRENT_DATE` | `DATE NOT NULL` | date in the session zone |
//! | `CURRENT_TIME`, `LOCALTIME` | `TIME(0) NOT NULL` | wall time in the session zone |
//!
//! DataFusion's `now()` and `current_date()` answer in UTC as nanosecond
//! timestamps. As in Flink's batch mode, all but `CURRENT_ROW_TIMESTAMP`
//! are fixed once per query (the plan's start time); where a plan is not
//! simplified (continuous queries) they are read for every batch, the
//! nearest to Flink's per-record evaluation in streaming mode.

use std::sync::Arc;

use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::config::ConfigOptions;
use datafusion::common::{ScalarValue, exec_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

/// The zone label of instants: fixed, so a plan's types do not depend on
/// the session; the encoders show every instant in the session zone.
const INSTANT_ZONE: &str = "+00:00";

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    use Reading::*;
    [(Instant, "current_timestamp", &["now"][..]), (RowInstant, "current_row_timestamp", &[]), (WallClock, "localtimestamp", &[]), (Date, "current_date", &[]), (Time, "current_time", &["localtime"])]
        .into_iter()
        .map(|(reading, name, aliases)| {
            // Volatile, though all but CURRENT_ROW_TIMESTAMP are fixed per query:
            // DataFusion's constant folding evaluates Stable functions by calling
            // them, before `simplify` is asked, and each call would read the
            // clock anew (so CURRENT_TIMESTAMP and LOCALTIMESTAMP in one query
            // could be a millisecond apart). Volatile keeps them for `simplify`,
            // which answers the query's start time for every one of them.
            ScalarUDF::new_from_impl(Clock { reading, name, signature: Signature::nullary(Volatility::Volatile) }).with_aliases(aliases.iter().copied())
        })
        .collect()
}

/// What a clock function reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reading {
    /// The instant, fixed per query.
    Instant,
    /// The instant, read per row (batch).
    RowInstant,
    /// The session zone's wall clock.
    WallClock,
    /// The session zone's date.
    Date,
    /// The session zone's time of day, to the second.
    Time,
}

/// One clock function.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Clock {
    /// What it reads.
    reading: Reading,
    /// Its (lower-case) name.
    name: &'static str,
    /// No arguments.
    signature: Signature,
}

impl Clock {
    /// The value at `nanos` since the epoch in the session zone of `config`.
    fn at(&self, nanos: i64, config: &ConfigOptions) -> DfResult<ScalarValue> {
        let zone_name = config.execution.time_zone.clone().filter(|z| !z.trim().is_empty()).unwrap_or_else(|| "+00:00".into());
        let millis = nanos.div_euclid(1_000_000);
        Ok(match self.reading {
            // An instant's zone label does not move it; rows render in the session zone.
            Reading::Instant | Reading::RowInstant => ScalarValue::TimestampMillisecond(Some(millis), Some(INSTANT_ZONE.into())),
            wall => {
                let zone: Tz = zone_name.parse().map_err(|e| datafusion::error::DataFusionError::Execution(format!("{}: time zone '{zone_name}': {e}", self.name)))?;
                let local = chrono::DateTime::from_timestamp_millis(millis).map(|t| t.with_timezone(&zone).naive_local());
                let Some(local) = local else { return exec_err!("{}: the clock is out of range", self.name) };
                let local_millis = local.and_utc().timestamp_millis();
                match wall {
                    Reading::WallClock => ScalarValue::TimestampMillisecond(Some(local_millis), None),
                    Reading::Date => ScalarValue::Date32(Some(local_millis.div_euclid(86_400_000) as i32)),
                    _ => ScalarValue::Time32Second(Some((local_millis.rem_euclid(86_400_000) / 1000) as i32)),
                }
            }
        })
    }
}

impl ScalarUDFImpl for Clock {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.reading {
            Reading::Instant | Reading::RowInstant => DataType::Timestamp(TimeUnit::Millisecond, Some(INSTANT_ZONE.into())),
            Reading::WallClock => DataType::Timestamp(TimeUnit::Millisecond, None),
            Reading::Date => DataType::Date32,
            Reading::Time => DataType::Time32(TimeUnit::Second),
        })
    }

    fn return_field_from_args(&self, _args: ReturnFieldArgs) -> DfResult<FieldRef> {
        Ok(Arc::new(Field::new(self.name, self.return_type(&[])?, false)))
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        match (self.reading, info.query_execution_start_time().and_then(|t| t.timestamp_nanos_opt())) {
            (Reading::RowInstant, _) | (_, None) => Ok(ExprSimplifyResult::Original(args)),
            (_, Some(nanos)) => Ok(ExprSimplifyResult::Simplified(Expr::Literal(self.at(nanos, info.config_options())?, None))),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0);
        Ok(ColumnarValue::Scalar(self.at(nanos, &args.config_options)?))
    }
}
