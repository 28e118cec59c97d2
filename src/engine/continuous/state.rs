//! Per-group aggregate state that only ever grows by inserts.
//!
//! Unbounded inputs are append-only, so no aggregate ever has to retract a
//! value: MIN and MAX keep one value, COUNT(DISTINCT) keeps the set of
//! distinct values, the others a running sum and count. Nothing keeps input
//! rows. Values for MIN, MAX and COUNT(DISTINCT) are held in arrow's row
//! format, whose byte order is the value order, so every comparable type
//! works the same way.

use std::collections::HashSet;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int64Array, UInt64Array};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type, UInt64Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::row::{RowConverter, Rows, SortField};
use datafusion::common::ScalarValue;

use crate::error::{GatewayError, Result};

/// The aggregate functions a continuous query can maintain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Function {
    /// `COUNT(*)` or `COUNT(x, ...)`: rows whose arguments are all non-null.
    Count,
    /// `COUNT(DISTINCT x, ...)`.
    CountDistinct,
    /// `SUM(x)`.
    Sum,
    /// `MIN(x)`.
    Min,
    /// `MAX(x)`.
    Max,
    /// `AVG(x)`.
    Avg,
}

impl Function {
    /// The SQL name, for messages.
    fn name(self) -> &'static str {
        match self {
            Function::Count => "COUNT",
            Function::CountDistinct => "COUNT(DISTINCT)",
            Function::Sum => "SUM",
            Function::Min => "MIN",
            Function::Max => "MAX",
            Function::Avg => "AVG",
        }
    }
}

/// How SUM and AVG add values up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numeric {
    /// Signed integers, wrapping on overflow like DataFusion's SUM.
    Int,
    /// Unsigned integers, wrapping likewise.
    UInt,
    /// Floating point.
    Float,
    /// Decimals as 128-bit unscaled values at the input's scale.
    Decimal {
        /// Scale of the summed values.
        scale: i8,
    },
}

impl Numeric {
    /// The type arguments are cast to before they are added up.
    fn input_type(self) -> DataType {
        match self {
            Numeric::Int => DataType::Int64,
            Numeric::UInt => DataType::UInt64,
            Numeric::Float => DataType::Float64,
            Numeric::Decimal { scale } => DataType::Decimal128(38, scale),
        }
    }
}

/// One aggregate of the query: what it computes and where its inputs are.
#[derive(Debug)]
pub(super) struct AggregateSpec {
    /// The function.
    function: Function,
    /// Columns of the input batch holding its arguments.
    args: Vec<usize>,
    /// Column of the input batch holding its `FILTER (WHERE ...)` condition.
    filter: Option<usize>,
    /// The result type DataFusion gives this aggregate.
    output: DataType,
    /// How SUM and AVG add up (unused by the others).
    numeric: Numeric,
    /// Encodes values for MIN, MAX and COUNT(DISTINCT).
    converter: Option<RowConverter>,
}

impl AggregateSpec {
    /// Describe an aggregate; `arg_types` are the types of its arguments,
    /// `output` the result type of the plan. Errors name what is not supported.
    pub(super) fn new(function: Function, args: Vec<usize>, arg_types: &[DataType], filter: Option<usize>, output: DataType) -> Result<Self> {
        let unsupported = |what: &str| GatewayError::Sql(format!("{what} is not supported in a continuous query."));
        let first = arg_types.first().cloned().unwrap_or(DataType::Null);
        let numeric = match (function, &output) {
            (Function::Sum, DataType::Int64) => Numeric::Int,
            (Function::Sum, DataType::UInt64) => Numeric::UInt,
            (Function::Sum | Function::Avg, DataType::Float64) => Numeric::Float,
            (Function::Sum, DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s)) => Numeric::Decimal { scale: *s },
            (Function::Avg, DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..)) => match first {
                DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => Numeric::Decimal { scale: s },
                other => return Err(unsupported(&format!("AVG over {other}"))),
            },
            (Function::Sum | Function::Avg, other) => return Err(unsupported(&format!("{} returning {other}", function.name()))),
            _ => Numeric::Int,
        };
        let converter = match function {
            Function::Min | Function::Max | Function::CountDistinct => {
                let fields = arg_types.iter().map(|t| SortField::new(t.clone())).collect();
                Some(RowConverter::new(fields).map_err(|e| unsupported(&format!("{} over {first} ({e})", function.name())))?)
            }
            _ => None,
        };
        if matches!(function, Function::Sum | Function::Avg | Function::Min | Function::Max) && args.len() != 1 {
            return Err(GatewayError::Sql(format!("{} takes exactly one argument.", function.name())));
        }
        Ok(AggregateSpec { function, args, filter, output, numeric, converter })
    }

    /// The empty state of one group.
    pub(super) fn new_state(&self) -> State {
        match self.function {
            Function::Count => State::Count(0),
            Function::CountDistinct => State::Distinct(HashSet::new()),
            Function::Min | Function::Max => State::Extreme(None),
            Function::Sum | Function::Avg => State::Sum(Sum::empty(self.numeric), 0),
        }
    }

    /// This aggregate's view of one input batch.
    pub(super) fn prepare(&self, batch: &RecordBatch) -> Result<Prepared> {
        let columns: Vec<ArrayRef> = self.args.iter().map(|&i| batch.column(i).clone()).collect();
        let filter = match self.filter {
            Some(i) => Some(batch.column(i).as_boolean_opt().cloned().ok_or_else(|| GatewayError::Internal("FILTER is not a boolean".into()))?),
            None => None,
        };
        let valid = columns.iter().fold(None, |acc: Option<NullBuffer>, c| NullBuffer::union(acc.as_ref(), c.logical_nulls().as_ref()));
        let values = match (self.function, &self.converter) {
            (Function::Count, _) => Values::None,
            (_, Some(converter)) => Values::Rows(converter.convert_columns(&columns).map_err(internal)?),
            (_, None) => {
                let column = cast(&columns[0], &self.numeric.input_type()).map_err(|e| GatewayError::Sql(format!("{e}")))?;
                match self.numeric {
                    Numeric::Int => Values::Int(column.as_primitive::<Int64Type>().clone()),
                    Numeric::UInt => Values::UInt(column.as_primitive::<UInt64Type>().clone()),
                    Numeric::Float => Values::Float(column.as_primitive::<Float64Type>().clone()),
                    Numeric::Decimal { .. } => Values::Decimal(column.as_primitive::<Decimal128Type>().clone()),
                }
            }
        };
        Ok(Prepared { values, valid, filter })
    }

    /// The value of `state` as this aggregate's result type.
    pub(super) fn evaluate(&self, state: &State) -> Result<ScalarValue> {
        let value = match state {
            State::Count(n) => ScalarValue::Int64(Some(*n)),
            State::Distinct(set) => ScalarValue::Int64(Some(i64::try_from(set.len()).unwrap_or(i64::MAX))),
            State::Extreme(None) => ScalarValue::try_new_null(&self.output).map_err(internal)?,
            State::Extreme(Some(bytes)) => {
                let converter = self.converter.as_ref().ok_or_else(|| GatewayError::Internal("MIN/MAX without a converter".into()))?;
                let parser = converter.parser();
                let arrays = converter.convert_rows([parser.parse(bytes)]).map_err(internal)?;
                ScalarValue::try_from_array(&arrays[0], 0).map_err(internal)?
            }
            State::Sum(sum, count) => self.finish_sum(sum, *count)?,
        };
        if value.data_type() == self.output {
            Ok(value)
        } else {
            value.cast_to(&self.output).map_err(|e| GatewayError::Sql(format!("{e}")))
        }
    }

    /// SUM or AVG from a running sum and count.
    fn finish_sum(&self, sum: &Sum, count: i64) -> Result<ScalarValue> {
        let avg = self.function == Function::Avg;
        Ok(match (sum, avg) {
            (Sum::Int(s), false) => ScalarValue::Int64(*s),
            (Sum::UInt(s), false) => ScalarValue::UInt64(*s),
            (Sum::Float(s), false) => ScalarValue::Float64(*s),
            (Sum::Decimal(s), false) => {
                let Numeric::Decimal { scale } = self.numeric else { return Err(GatewayError::Internal("decimal sum without scale".into())) };
                ScalarValue::Decimal128(*s, 38, scale)
            }
            (Sum::Float(s), true) => ScalarValue::Float64(s.filter(|_| count > 0).map(|s| s / count as f64)),
            (Sum::Decimal(s), true) => {
                let (Numeric::Decimal { scale }, DataType::Decimal32(_, out) | DataType::Decimal64(_, out) | DataType::Decimal128(_, out)) = (self.numeric, &self.output) else {
                    return Err(GatewayError::Internal("decimal average without scales".into()));
                };
                // As DataFusion: rescale the sum to the output scale, then
                // divide, truncating toward zero.
                let rescale = u32::try_from(i16::from(*out) - i16::from(scale)).unwrap_or(0);
                let mul = 10i128.checked_pow(rescale).ok_or_else(|| overflow("AVG"))?;
                let avg = match s.filter(|_| count > 0) {
                    Some(s) => Some(s.checked_mul(mul).ok_or_else(|| overflow("AVG"))? / i128::from(count)),
                    None => None,
                };
                ScalarValue::Decimal128(avg, 38, *out)
            }
            (_, true) => return Err(GatewayError::Internal("AVG over integers is summed as floats".into())),
        })
    }

    /// Fold row `row` of a prepared batch into `state`.
    pub(super) fn update(&self, state: &mut State, input: &Prepared, row: usize) -> Result<()> {
        if let Some(filter) = &input.filter
            && !(filter.is_valid(row) && filter.value(row))
        {
            return Ok(());
        }
        if input.valid.as_ref().is_some_and(|nulls| nulls.is_null(row)) {
            return Ok(());
        }
        match (state, &input.values) {
            (State::Count(n), _) => *n += 1,
            (State::Distinct(set), Values::Rows(rows)) => {
                let value = rows.row(row);
                if !set.contains(value.as_ref()) {
                    set.insert(value.as_ref().into());
                }
            }
            (State::Extreme(current), Values::Rows(rows)) => {
                let value = rows.row(row);
                let better = match current {
                    None => true,
                    Some(current) if self.function == Function::Min => value.as_ref() < &current[..],
                    Some(current) => value.as_ref() > &current[..],
                };
                if better {
                    *current = Some(value.as_ref().into());
                }
            }
            (State::Sum(sum, count), values) => {
                *count += 1;
                match (sum, values) {
                    (Sum::Int(s), Values::Int(a)) => *s = Some(s.unwrap_or(0).wrapping_add(a.value(row))),
                    (Sum::UInt(s), Values::UInt(a)) => *s = Some(s.unwrap_or(0).wrapping_add(a.value(row))),
                    (Sum::Float(s), Values::Float(a)) => *s = Some(s.unwrap_or(0.0) + a.value(row)),
                    (Sum::Decimal(s), Values::Decimal(a)) => *s = Some(s.unwrap_or(0).checked_add(a.value(row)).ok_or_else(|| overflow("SUM"))?),
                    _ => return Err(GatewayError::Internal("aggregate state does not match its input".into())),
                }
            }
            _ => return Err(GatewayError::Internal("aggregate state does not match its input".into())),
        }
        Ok(())
    }
}

/// A running sum; `None` until a non-null value arrives (SUM of no values is NULL).
#[derive(Debug, Clone)]
pub(super) enum Sum {
    /// Signed integer sum.
    Int(Option<i64>),
    /// Unsigned integer sum.
    UInt(Option<u64>),
    /// Floating point sum.
    Float(Option<f64>),
    /// Unscaled decimal sum.
    Decimal(Option<i128>),
}

impl Sum {
    /// No values yet.
    fn empty(numeric: Numeric) -> Self {
        match numeric {
            Numeric::Int => Sum::Int(None),
            Numeric::UInt => Sum::UInt(None),
            Numeric::Float => Sum::Float(None),
            Numeric::Decimal { .. } => Sum::Decimal(None),
        }
    }
}

/// One group's state for one aggregate.
#[derive(Debug, Clone)]
pub(super) enum State {
    /// Rows counted.
    Count(i64),
    /// The distinct argument values seen, row-encoded.
    Distinct(HashSet<Box<[u8]>>),
    /// The smallest (MIN) or largest (MAX) value seen, row-encoded.
    Extreme(Option<Box<[u8]>>),
    /// The running sum and the number of values in it (for AVG).
    Sum(Sum, i64),
}

/// Argument values of one batch, in the form the aggregate folds.
pub(super) enum Values {
    /// Only validity matters (COUNT).
    None,
    /// Row-encoded values (MIN, MAX, COUNT DISTINCT).
    Rows(Rows),
    /// Cast for a signed sum.
    Int(Int64Array),
    /// Cast for an unsigned sum.
    UInt(UInt64Array),
    /// Cast for a floating point sum.
    Float(Float64Array),
    /// Cast for a decimal sum.
    Decimal(Decimal128Array),
}

/// One aggregate's view of one input batch.
pub(super) struct Prepared {
    /// The argument values.
    values: Values,
    /// Rows where any argument is null are skipped (all aggregates ignore NULL).
    valid: Option<NullBuffer>,
    /// Rows the `FILTER (WHERE ...)` clause rejects are skipped.
    filter: Option<BooleanArray>,
}

/// An arrow failure that is not the user's doing.
fn internal(e: impl std::fmt::Display) -> GatewayError {
    GatewayError::Internal(e.to_string())
}

/// The error for a sum that no longer fits its type.
fn overflow(function: &str) -> GatewayError {
    GatewayError::Sql(format!("Arithmetic overflow in {function}."))
}
