//! Functions answering from an argument's type rather than its values:
//!
//! - `TYPEOF(x [, force_serializable])`: Flink's text of the argument's
//!   type, nullability included (`INT NOT NULL`, `STRING`), rendered from
//!   the same logical type the gateway reports for a result column, so the
//!   two always agree; with `force_serializable` TRUE, the form a catalog
//!   persists (`VARCHAR(2147483647)` for `STRING`, `TIMESTAMP(p) WITH LOCAL
//!   TIME ZONE` for `TIMESTAMP_LTZ(p)`).
//! - `CURRENT_WATERMARK(rowtime)`: NULL of the rowtime column's type
//!   (`TIMESTAMP(p)` or `TIMESTAMP_LTZ(p)`), which is what Flink answers
//!   before the first watermark. The gateway's watermarks live only inside
//!   the state of a continuous window aggregate, which folds the rows after
//!   DataFusion has evaluated the expressions of its input, and other
//!   queries have none; handing the current one to this function would
//!   mean threading it into expression evaluation, so it is not done. A
//!   filter `WHERE rowtime > CURRENT_WATERMARK(rowtime)` thus keeps no row,
//!   and Flink's idiom `CURRENT_WATERMARK(ts) IS NULL OR ts > ...` keeps
//!   them all.
//!
//! The type is read at execution from the argument's field, after the
//! gateway has given literals Flink's types (`1` is `INT`, `'ab'`
//! `CHAR(2)`), not when the call is first planned.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{ScalarValue, exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::check_count;
use crate::engine::dialect::flink_type_of_field;

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::new_from_impl(TypeOf { signature: Signature::user_defined(Volatility::Immutable) }),
        ScalarUDF::new_from_impl(CurrentWatermark { signature: Signature::user_defined(Volatility::Volatile) }),
    ]
}

/// `CURRENT_WATERMARK`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CurrentWatermark {
    /// One timestamp argument; volatile, as a real watermark moves during a query.
    signature: Signature,
}

impl ScalarUDFImpl for CurrentWatermark {
    fn name(&self) -> &str {
        "current_watermark"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count("current_watermark", arg_types.len(), 1..=1)?;
        match &arg_types[0] {
            DataType::Timestamp(_, _) => Ok(arg_types.to_vec()),
            other => plan_err!(
                "Invalid argument: CURRENT_WATERMARK() must be called with a single rowtime attribute argument, but '{}' cannot be a time attribute.",
                crate::engine::dialect::flink_type_of(other)
            ),
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(arg_types[0].clone())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from(args.return_field.data_type())?))
    }
}

/// `TYPEOF`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct TypeOf {
    /// Any argument, then an optional BOOLEAN literal.
    signature: Signature,
}

impl ScalarUDFImpl for TypeOf {
    fn name(&self) -> &str {
        "typeof"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count("typeof", arg_types.len(), 1..=2)?;
        if arg_types.get(1).is_some_and(|t| !matches!(t, DataType::Boolean | DataType::Null)) {
            return plan_err!("Invalid input arguments. TYPEOF(<ANY>, <BOOLEAN NOT NULL>): force_serializable must be a BOOLEAN literal, not {}", arg_types[1]);
        }
        Ok(arg_types.to_vec())
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        // Flink declares the result `STRING` (nullable), though it is never NULL.
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let serializable = match args.args.get(1) {
            None => false,
            Some(ColumnarValue::Scalar(ScalarValue::Boolean(Some(b)))) => *b,
            Some(_) => return exec_err!("TYPEOF: force_serializable must be a BOOLEAN literal, TRUE or FALSE"),
        };
        let Some(field) = args.arg_fields.first() else { return exec_err!("TYPEOF takes an argument") };
        let summary = flink_type_of_field(field);
        let text = if serializable { serializable_text(&summary) } else { summary };
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(text))))
    }
}

/// A summary type text in the form Flink's `asSerializableString` gives:
/// the short names spelled out, `` `quoted` `` field names left alone.
fn serializable_text(summary: &str) -> String {
    let mut out = String::with_capacity(summary.len() + 16);
    let mut rest = summary;
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('`') {
            // A field name, `` doubled inside: copy it through its closing quote.
            let mut end = 0;
            let bytes = quoted.as_bytes();
            while end < bytes.len() {
                if bytes[end] == b'`' && bytes.get(end + 1) != Some(&b'`') {
                    break;
                }
                end += if bytes[end] == b'`' { 2 } else { 1 };
            }
            let end = (end + 1).min(quoted.len());
            out.push('`');
            out.push_str(&quoted[..end]);
            rest = &quoted[end..];
            continue;
        }
        let word_len = match rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            // Not a word: one character, whatever its width.
            Some(0) => rest.chars().next().map_or(1, char::len_utf8),
            Some(n) => n,
            None => rest.len(),
        };
        let (word, tail) = rest.split_at(word_len);
        match word {
            "STRING" => out.push_str("VARCHAR(2147483647)"),
            "BYTES" => out.push_str("VARBINARY(2147483647)"),
            "TIMESTAMP_LTZ" => {
                // TIMESTAMP_LTZ(p) → TIMESTAMP(p) WITH LOCAL TIME ZONE
                let close = tail.find(')').map_or(0, |c| c + 1);
                out.push_str("TIMESTAMP");
                out.push_str(&tail[..close]);
                out.push_str(" WITH LOCAL TIME ZONE");
                rest = &tail[close..];
                continue;
            }
            other => out.push_str(other),
        }
        rest = tail;
    }
    out
}

#[cfg(test)]
#[test]
fn serializable_text_spells_out_short_names_outside_quotes() {
    assert_eq!(serializable_text("ROW<`STRING` STRING NOT NULL, `a``b` BYTES> NOT NULL"), "ROW<`STRING` VARCHAR(2147483647) NOT NULL, `a``b` VARBINARY(2147483647)> NOT NULL");
    assert_eq!(serializable_text("ARRAY<TIMESTAMP_LTZ(3)>"), "ARRAY<TIMESTAMP(3) WITH LOCAL TIME ZONE>");
    assert_eq!(serializable_text("INT NOT NULL"), "INT NOT NULL");
}
