//! `JSON_VALUE` with its clauses, as the dialect layer writes it:
//! `json_value(json, path, '<arrow type>', empty_mode, empty_default,
//! error_mode, error_default)`, each mode `'NULL'`, `'ERROR'` or
//! `'DEFAULT'` (Flink 1.20, JSON Functions, after Calcite's `JSON_VALUE`):
//!
//! - a scalar found is cast to the `RETURNING` type; a value that does not
//!   cast is an error, handled by the ON ERROR clause;
//! - nothing found, a JSON null, or in lax mode an object or array, is
//!   empty: ON EMPTY gives NULL, the default, or the error "Empty result
//!   of JSON_VALUE function is not allowed";
//! - text that is not JSON, or in strict mode a missing or non-scalar
//!   value, is an error: ON ERROR gives NULL, the default, or the error;
//! - a NULL document or path is NULL whatever the clauses.

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray, new_null_array};
use datafusion::arrow::compute::{CastOptions, cast, cast_with_options, interleave};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{ScalarValue, exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::ReturnFieldArgs;

use super::json::{Found, json_value_rows};

/// The `RETURNING` type: the third argument, an Arrow type name literal.
pub(super) fn returning_type(args: &ReturnFieldArgs) -> DfResult<DataType> {
    match args.scalar_arguments.get(2) {
        Some(Some(ScalarValue::Utf8(Some(name)))) => match name.parse::<DataType>() {
            Ok(t) => Ok(t),
            Err(e) => plan_err!("JSON_VALUE: RETURNING {name}: {e}"),
        },
        _ => plan_err!("JSON_VALUE: the RETURNING type must be a literal"),
    }
}

/// Where a row's answer comes from, as indices into the sources of `json_value`.
const FOUND: usize = 0;
/// The ON EMPTY default.
const EMPTY_DEFAULT: usize = 1;
/// The ON ERROR default.
const ERROR_DEFAULT: usize = 2;
/// A one-row NULL.
const NULL: usize = 3;

/// `json_value` with clauses over arrays of the seven arguments.
pub(super) fn json_value(arrays: &[ArrayRef], to: &DataType) -> DfResult<ArrayRef> {
    let found = json_value_rows(arrays[0].as_string::<i32>(), arrays[1].as_string::<i32>())?;
    let texts: StringArray = found.iter().map(|f| match f {
        Some(Found::Value(s)) => Some(s.as_str()),
        _ => None,
    }).collect();
    // A safe cast leaves NULL where a value does not convert: an error for ON ERROR.
    let values = cast_with_options(&texts, to, &CastOptions { safe: true, ..Default::default() })?;
    let sources = [values, cast(&arrays[4], to)?, cast(&arrays[6], to)?, new_null_array(to, 1)];
    let (empty_modes, error_modes) = (arrays[3].as_string::<i32>(), arrays[5].as_string::<i32>());
    let mode = |modes: &StringArray, row: usize| if modes.is_valid(row) { modes.value(row).to_ascii_uppercase() } else { "NULL".to_string() };
    let mut picks = Vec::with_capacity(found.len());
    for (row, f) in found.iter().enumerate() {
        let error = match f {
            None => {
                picks.push((NULL, 0));
                continue;
            }
            Some(Found::Value(_)) if sources[FOUND].is_valid(row) => {
                picks.push((FOUND, row));
                continue;
            }
            Some(Found::Value(v)) => format!("JSON_VALUE: '{v}' cannot be cast to {to}"),
            Some(Found::Empty) => {
                picks.push(match mode(empty_modes, row).as_str() {
                    "ERROR" => return exec_err!("Empty result of JSON_VALUE function is not allowed"),
                    "DEFAULT" => (EMPTY_DEFAULT, row),
                    _ => (NULL, 0),
                });
                continue;
            }
            Some(Found::Error(message)) => message.clone(),
        };
        picks.push(match mode(error_modes, row).as_str() {
            "ERROR" => return exec_err!("{error}"),
            "DEFAULT" => (ERROR_DEFAULT, row),
            _ => (NULL, 0),
        });
    }
    let sources: Vec<&dyn Array> = sources.iter().map(|a| a.as_ref()).collect();
    Ok(interleave(&sources, &picks)?)
}
