//! Flink's conditional functions DataFusion lacks: `IF(cond, a, b)`.

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::kernels::zip::zip;
use datafusion::arrow::compute::prep_null_mask_filter;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::type_coercion::binary::comparison_coercion;
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, when};

use super::{arrays, check_count};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    vec![ScalarUDF::new_from_impl(If { signature: Signature::user_defined(Volatility::Immutable) })]
}

/// `IF(condition, true_value, false_value)`: `true_value` where the
/// condition is TRUE, else `false_value` (a NULL condition picks
/// `false_value`). Planned as the `CASE` it stands for, so the branch not
/// taken is not evaluated.
#[derive(Debug, PartialEq, Eq, Hash)]
struct If {
    /// Three arguments; coerced in `coerce_types`.
    signature: Signature,
}

impl ScalarUDFImpl for If {
    fn name(&self) -> &str {
        "if"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count("if", arg_types.len(), 3..=3)?;
        let Some(common) = comparison_coercion(&arg_types[1], &arg_types[2]) else {
            return plan_err!("IF: the two values must have a common type, not {} and {}", arg_types[1], arg_types[2]);
        };
        Ok(vec![DataType::Boolean, common.clone(), common])
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(arg_types.get(1).cloned().unwrap_or(DataType::Null))
    }

    fn simplify(&self, args: Vec<Expr>, _info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        let Ok([condition, yes, no]) = <[Expr; 3]>::try_from(args) else {
            return plan_err!("IF takes a condition and two values");
        };
        Ok(ExprSimplifyResult::Simplified(when(condition, yes).otherwise(no)?))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        // Reached only where the plan was not simplified (continuous queries).
        let arrays = arrays(&args.args, args.number_rows)?;
        let [condition, yes, no] = arrays.as_slice() else {
            return exec_err!("IF takes a condition and two values");
        };
        let Some(condition) = condition.as_boolean_opt() else {
            return exec_err!("IF: the condition must be a BOOLEAN, not {}", condition.data_type());
        };
        // NULL picks the false value: only valid TRUE rows take the true one.
        // (`prep_null_mask_filter` requires a null buffer to be present.)
        let mask = if condition.null_count() == 0 { condition.clone() } else { prep_null_mask_filter(condition) };
        Ok(ColumnarValue::Array(zip(&mask, yes, no)?))
    }
}
