//! Flink's aggregate functions that DataFusion lacks or names differently
//! (Flink 1.20, "System (Built-in) Functions", Aggregate Functions and
//! JSON Functions):
//!
//! - `PERCENTILE(expr, p)`: DataFusion's `percentile_cont(expr, p)`, the
//!   exact percentile interpolated between the two closest values, as
//!   `DOUBLE` (Flink's array of percentages and `frequency` argument are
//!   not supported);
//! - `json_arrayagg('ABSENT' | 'NULL', v)` and `json_objectagg('NULL' |
//!   'ABSENT', k, v)`, made by the dialect layer of `JSON_ARRAYAGG(v [..
//!   ON NULL])` and `JSON_OBJECTAGG([KEY] k VALUE v [.. ON NULL])`: the
//!   values as a JSON array, the pairs as a JSON object, in arrival order,
//!   written as `JSON_ARRAY` / `JSON_OBJECT` write them (a nested
//!   `JSON_OBJECT` / `JSON_ARRAY` value stays JSON). Flink's defaults:
//!   arrays drop NULLs, objects keep them; a NULL or repeated key is an
//!   error. The result is `STRING NOT NULL`, `[]` / `{}` for no rows.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{ScalarValue, exec_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility};

use super::check_count;
use super::json::RAW_JSON;
use super::json_values::{write_json, write_string};

/// The aggregate functions of this file.
pub(super) fn all() -> Vec<AggregateUDF> {
    let percentile = datafusion::functions_aggregate::percentile_cont::percentile_cont_udaf().as_ref().clone().with_aliases(["percentile"]);
    let json = [("json_arrayagg", false), ("json_objectagg", true)]
        .into_iter()
        .map(|(name, object)| AggregateUDF::new_from_impl(JsonAgg { name, object, signature: Signature::user_defined(Volatility::Immutable) }));
    std::iter::once(percentile).chain(json).collect()
}

/// `json_arrayagg` or `json_objectagg`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct JsonAgg {
    /// The function's (lower-case) name.
    name: &'static str,
    /// Whether it builds an object from key-value pairs.
    object: bool,
    /// The ON NULL mode, (a key,) a value: coerced in `coerce_types`.
    signature: Signature,
}

impl AggregateUDFImpl for JsonAgg {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let wanted = if self.object { 3 } else { 2 };
        check_count(self.name, arg_types.len(), wanted..=wanted)?;
        // The mode and the key are text; the value stays as it is, to be written as JSON.
        Ok(arg_types.iter().enumerate().map(|(i, t)| if i + 1 < wanted { DataType::Utf8 } else { t.clone() }).collect())
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn is_nullable(&self) -> bool {
        false
    }

    fn accumulator(&self, args: AccumulatorArgs) -> DfResult<Box<dyn Accumulator>> {
        let raw = args.expr_fields.last().is_some_and(|f| f.metadata().contains_key(RAW_JSON));
        Ok(Box::new(JsonAccumulator { object: self.object, raw, items: String::new(), keys: HashSet::new() }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> DfResult<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(format_state_name(args.name, "items"), DataType::Utf8, true)),
            Arc::new(Field::new(format_state_name(args.name, "keys"), DataType::new_list(DataType::Utf8, true), true)),
        ])
    }
}

/// The JSON written so far for one group.
#[derive(Debug)]
struct JsonAccumulator {
    /// Whether the result is an object.
    object: bool,
    /// Whether values are JSON text to nest as is.
    raw: bool,
    /// The members or elements so far, comma-separated, without brackets.
    items: String,
    /// The object's keys so far, to refuse a repeated one as Flink does.
    keys: HashSet<String>,
}

impl JsonAccumulator {
    /// Append one written member or element.
    fn push(&mut self, item: &str) {
        if !self.items.is_empty() {
            self.items.push(',');
        }
        self.items.push_str(item);
    }

    /// Record `key`, refusing one already present.
    fn claim(&mut self, key: &str) -> DfResult<()> {
        if !self.keys.insert(key.to_string()) {
            return exec_err!("JSON_OBJECTAGG: Key '{key}' is already present.");
        }
        Ok(())
    }
}

impl Accumulator for JsonAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let Some((value, rest)) = values.split_last() else { return exec_err!("JSON aggregate without arguments") };
        let modes = rest[0].as_string::<i32>();
        let mut item = String::new();
        for row in 0..value.len() {
            let absent = modes.is_valid(row) && modes.value(row).eq_ignore_ascii_case("ABSENT");
            if absent && value.is_null(row) {
                continue;
            }
            item.clear();
            if self.object {
                let keys = rest[1].as_string::<i32>();
                if keys.is_null(row) {
                    return exec_err!("JSON_OBJECTAGG: a key is NULL");
                }
                self.claim(keys.value(row))?;
                write_string(keys.value(row), &mut item);
                item.push(':');
            }
            write_json(value, row, self.raw, &mut item)?;
            self.push(&item);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        let (open, close) = if self.object { ('{', '}') } else { ('[', ']') };
        Ok(ScalarValue::Utf8(Some(format!("{open}{}{close}", self.items))))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.items.capacity() + self.keys.iter().map(|k| k.capacity() + 24).sum::<usize>()
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        let keys: Vec<ScalarValue> = self.keys.iter().map(|k| ScalarValue::Utf8(Some(k.clone()))).collect();
        Ok(vec![ScalarValue::Utf8(Some(self.items.clone())), ScalarValue::List(ScalarValue::new_list_nullable(&keys, &DataType::Utf8))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let [items, keys] = states else { return exec_err!("JSON aggregate: malformed state") };
        let items: &StringArray = items.as_string::<i32>();
        let keys = keys.as_list::<i32>();
        for row in 0..items.len() {
            if keys.is_valid(row) {
                let partial = keys.value(row);
                for key in partial.as_string::<i32>().iter().flatten() {
                    self.claim(key)?;
                }
            }
            if items.is_valid(row) && !items.value(row).is_empty() {
                self.push(items.value(row));
            }
        }
        Ok(())
    }
}
