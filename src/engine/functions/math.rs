//! Flink's arithmetic functions DataFusion lacks or means differently.
//!
//! `RAND([seed])` replaces DataFusion's `rand` (an alias of `random()`,
//! which takes no seed): with a seed it is Java's `java.util.Random(seed)`
//! read by `nextDouble()`, so a seeded sequence is the one Flink gives.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int32Array, StringArray};
use datafusion::arrow::compute::kernels::numeric::rem;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::common::{ScalarValue, exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer;
use datafusion::logical_expr::{ColumnarValue, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{alias, arrays, check_count, is_integer};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    use datafusion::functions::math;
    let udf = |f: &'static str, args: std::ops::RangeInclusive<usize>, volatility| {
        ScalarUDF::new_from_impl(Math { name: f, args, signature: Signature::user_defined(volatility) })
    };
    vec![
        udf("mod", 2..=2, Volatility::Immutable),
        udf("log", 1..=2, Volatility::Immutable),
        udf("e", 0..=0, Volatility::Immutable),
        udf("bin", 1..=1, Volatility::Immutable),
        udf("rand_integer", 1..=2, Volatility::Volatile),
        udf("rand", 0..=1, Volatility::Volatile),
        alias(math::ceil(), "ceiling"),
        alias(math::signum(), "sign"),
        alias(math::trunc(), "truncate"),
    ]
}

/// One of the functions of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Math {
    /// The function's (lower-case) name.
    name: &'static str,
    /// How many arguments it takes.
    args: std::ops::RangeInclusive<usize>,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

impl ScalarUDFImpl for Math {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count(self.name, arg_types.len(), self.args.clone())?;
        let numeric = |t: &DataType| t.is_numeric() || matches!(t, DataType::Null);
        match self.name {
            // MOD keeps its operands' type, as `%` does: MOD(INT, INT) is an INT.
            "mod" => {
                if !arg_types.iter().all(numeric) {
                    return plan_err!("No match found for function signature MOD(<NUMERIC>, <NUMERIC>): got MOD({}, {})", arg_types[0], arg_types[1]);
                }
                let (l, r) = BinaryTypeCoercer::new(&arg_types[0], &Operator::Modulo, &arg_types[1]).get_input_types()?;
                Ok(vec![l, r])
            }
            "log" if arg_types.iter().all(numeric) => Ok(vec![DataType::Float64; arg_types.len()]),
            "bin" | "rand_integer" | "rand" if arg_types.iter().all(is_integer) => Ok(vec![DataType::Int64; arg_types.len()]),
            "e" => Ok(vec![]),
            name => plan_err!(
                "No match found for function signature {}({})",
                name.to_uppercase(),
                arg_types.iter().map(|_| if name == "log" { "<NUMERIC>" } else { "<INTEGER>" }).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "mod" => BinaryTypeCoercer::new(&arg_types[0], &Operator::Modulo, &arg_types[1]).get_result_type()?,
            "bin" => DataType::Utf8,
            "rand_integer" => DataType::Int32,
            _ => DataType::Float64,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        if self.name == "rand" && args.args.is_empty() {
            return Ok(ColumnarValue::Array(rand(None, rows)));
        }
        if self.name == "e" {
            return Ok(ColumnarValue::Scalar(ScalarValue::Float64(Some(std::f64::consts::E))));
        }
        let arrays = arrays(&args.args, rows)?;
        let out: ArrayRef = match (self.name, arrays.as_slice()) {
            ("mod", [a, b]) => rem(a, b)?,
            // LOG(x) is the natural logarithm; LOG(b, x) the logarithm of x to base b.
            ("log", [x]) => Arc::new(x.as_primitive::<Float64Type>().unary::<_, Float64Type>(f64::ln)),
            ("log", [base, x]) => Arc::new(datafusion::arrow::compute::binary::<_, _, _, Float64Type>(
                base.as_primitive::<Float64Type>(),
                x.as_primitive::<Float64Type>(),
                |b, x| x.ln() / b.ln(),
            )?),
            // Java's Long.toBinaryString: two's complement for negative numbers.
            ("bin", [n]) => Arc::new(n.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| format!("{:b}", v as u64))).collect::<StringArray>()),
            ("rand_integer", args) => rand_integer(args, rows)?,
            ("rand", args) => rand(args.first(), rows),
            (name, _) => return exec_err!("{name}: wrong arguments"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// `RAND_INTEGER([seed,] bound)`: integers in `[0, bound)`; with a seed,
/// the same sequence on every run of the statement.
fn rand_integer(args: &[ArrayRef], rows: usize) -> DfResult<ArrayRef> {
    let (seed, bound) = match args {
        [bound] => (None, bound),
        [seed, bound] => (Some(seed), bound),
        _ => return exec_err!("RAND_INTEGER takes a bound, or a seed and a bound"),
    };
    let bound = bound.as_primitive::<Int64Type>();
    let seed = match seed {
        Some(seed) => seed.as_primitive::<Int64Type>().iter().flatten().next().map(|s| s as u64),
        None => None,
    };
    let mut state = seed.unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        nanos ^ (std::process::id() as u64) << 32
    });
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        if bound.is_null(i) {
            out.push(None);
            continue;
        }
        let b = bound.value(i);
        if b <= 0 || b > i64::from(i32::MAX) + 1 {
            return exec_err!("RAND_INTEGER: the bound must be positive and at most 2147483648, not {b}");
        }
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out.push(Some((mix(state) % b as u64) as i32));
    }
    Ok(Arc::new(Int32Array::from(out)))
}

/// SplitMix64's output mix: turns a counter into well-spread bits, a fast
/// generator for seeded, repeatable sequences.
fn mix(state: u64) -> u64 {
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `RAND([seed])`: doubles in `[0, 1)`. A seed (its first non-NULL value
/// in the batch; NULL seeds give NULL) starts the sequence Flink's
/// `new java.util.Random(seed)` gives, once per batch.
fn rand(seed: Option<&ArrayRef>, rows: usize) -> ArrayRef {
    let seeds = seed.map(|s| s.as_primitive::<Int64Type>());
    let seed = match seeds {
        Some(seeds) => match seeds.iter().flatten().next() {
            Some(seed) => seed,
            None => return Arc::new(Float64Array::new_null(rows)),
        },
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0) ^ i64::from(std::process::id()) << 32,
    };
    let mut random = JavaRandom::new(seed);
    let out = (0..rows).map(|i| {
        let value = random.next_double();
        (!seeds.is_some_and(|s| s.is_null(i))).then_some(value)
    });
    Arc::new(out.collect::<Float64Array>())
}

/// Java's `java.util.Random`: a 48-bit linear congruential generator.
struct JavaRandom {
    /// The generator's 48-bit state.
    state: u64,
}

impl JavaRandom {
    /// Java's multiplier and the mask of the 48 state bits.
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    /// `new Random(seed)`.
    fn new(seed: i64) -> Self {
        JavaRandom { state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK }
    }

    /// `next(bits)`: the top `bits` of the next state.
    fn next(&mut self, bits: u32) -> u64 {
        self.state = (self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        self.state >> (48 - bits)
    }

    /// `nextDouble()`: 53 random bits as a fraction of 2^53.
    fn next_double(&mut self) -> f64 {
        let high = self.next(26);
        let low = self.next(27);
        ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}
