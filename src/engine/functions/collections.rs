//! Flink's functions over collections and argument lists:
//!
//! - `CARDINALITY(array | map)`: the number of elements or entries, as
//!   Flink's `INT` (DataFusion's `cardinality` answers `BIGINT UNSIGNED`);
//! - `ELT(index, e1, e2, ...)`: the `index`-th (1-based) expression, NULL
//!   when the index is NULL or out of range;
//! - `STR_TO_MAP(text[, listDelimiter, keyValueDelimiter])`: text split into
//!   a `MAP<STRING, STRING>` at the delimiters (default `,` and `=`), both
//!   regular expressions as in Flink; a pair without the key-value
//!   delimiter maps its text to NULL; a later duplicate key wins (Java's
//!   `HashMap.put`); empty text is the empty map.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int32Array, MapBuilder, MapFieldNames, StringBuilder, new_null_array};
use datafusion::arrow::compute::interleave;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::type_coercion::binary::type_union_resolution;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{arrays, check_count, is_integer, to_strings};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    ["cardinality", "elt", "str_to_map"]
        .into_iter()
        .map(|name| ScalarUDF::new_from_impl(Collection { name, signature: Signature::user_defined(Volatility::Immutable) }))
        .collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Collection {
    /// The function's (lower-case) name.
    name: &'static str,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

impl ScalarUDFImpl for Collection {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match self.name {
            "cardinality" => {
                check_count(self.name, arg_types.len(), 1..=1)?;
                match &arg_types[0] {
                    DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) | DataType::Map(_, _) | DataType::Null => Ok(arg_types.to_vec()),
                    other => plan_err!("No match found for function signature CARDINALITY(<{other}>): CARDINALITY takes an ARRAY, a MAP or a MULTISET"),
                }
            }
            "elt" => {
                check_count(self.name, arg_types.len(), 2..=usize::MAX)?;
                if !is_integer(&arg_types[0]) {
                    return plan_err!("No match found for function signature ELT(<INTEGER>, <ANY>...): the index is {}", arg_types[0]);
                }
                let Some(common) = type_union_resolution(&arg_types[1..]) else {
                    return plan_err!("ELT: the expressions must have a common type, not {}", arg_types[1..].iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
                };
                Ok(std::iter::once(DataType::Int64).chain(std::iter::repeat_n(common, arg_types.len() - 1)).collect())
            }
            _ => to_strings(self.name, arg_types, 1..=3),
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "cardinality" => DataType::Int32,
            "elt" => arg_types.get(1).cloned().unwrap_or(DataType::Null),
            _ => map_builder().finish().data_type().clone(),
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let out = match self.name {
            "cardinality" => cardinality(&arrays[0])?,
            "elt" => elt(&arrays)?,
            "str_to_map" => str_to_map(&arrays)?,
            name => return exec_err!("{name}: unknown function"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// `CARDINALITY` of a list or map array.
fn cardinality(values: &ArrayRef) -> DfResult<ArrayRef> {
    let lengths: Int32Array = match values.data_type() {
        DataType::List(_) => values.as_list::<i32>().iter().map(|v| v.map(|v| v.len() as i32)).collect(),
        DataType::LargeList(_) => values.as_list::<i64>().iter().map(|v| v.map(|v| v.len() as i32)).collect(),
        DataType::FixedSizeList(_, n) => {
            let list = values.as_fixed_size_list();
            (0..list.len()).map(|i| list.is_valid(i).then_some(*n)).collect()
        }
        DataType::Map(_, _) => {
            let map = values.as_map();
            map.value_offsets().windows(2).enumerate().map(|(i, w)| map.is_valid(i).then_some(w[1] - w[0])).collect()
        }
        DataType::Null => Int32Array::new_null(values.len()),
        other => return exec_err!("CARDINALITY: not a collection: {other}"),
    };
    Ok(Arc::new(lengths))
}

/// `ELT(index, e1, ...)`: row by row, take from the chosen expression
/// (or from a one-row NULL array when the index is NULL or out of range).
fn elt(arrays: &[ArrayRef]) -> DfResult<ArrayRef> {
    let index = arrays[0].as_primitive::<Int64Type>();
    let choices = &arrays[1..];
    let Some(first) = choices.first() else { return exec_err!("ELT takes an index and at least one expression") };
    let null = new_null_array(first.data_type(), 1);
    let sources: Vec<&dyn Array> = std::iter::once(null.as_ref()).chain(choices.iter().map(|a| a.as_ref())).collect();
    let picks: Vec<(usize, usize)> = (0..index.len())
        .map(|row| match index.is_valid(row).then(|| index.value(row)) {
            Some(n) if n >= 1 && n as u64 <= choices.len() as u64 => (n as usize, row),
            _ => (0, 0),
        })
        .collect();
    Ok(interleave(&sources, &picks)?)
}

/// A builder of `MAP<STRING, STRING>` with the field names DataFusion's
/// `MAP[...]` uses, so both kinds of map have the same type.
fn map_builder() -> MapBuilder<StringBuilder, StringBuilder> {
    let names = MapFieldNames { entry: "entries".into(), key: "key".into(), value: "value".into() };
    MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new())
}

/// A compiled delimiter, kept while the next row's pattern is the same.
fn compiled<'a>(cache: &'a mut Option<(String, regex::Regex)>, pattern: &str) -> DfResult<&'a regex::Regex> {
    if cache.as_ref().is_none_or(|(p, _)| p != pattern) {
        match regex::Regex::new(pattern) {
            Ok(re) => *cache = Some((pattern.to_string(), re)),
            Err(e) => return exec_err!("STR_TO_MAP: invalid delimiter '{pattern}': {e}"),
        }
    }
    match cache {
        Some((_, re)) => Ok(re),
        None => exec_err!("STR_TO_MAP: no delimiter"),
    }
}

/// `STR_TO_MAP(text[, listDelimiter, keyValueDelimiter])`.
fn str_to_map(arrays: &[ArrayRef]) -> DfResult<ArrayRef> {
    if arrays.len() == 2 {
        return exec_err!("STR_TO_MAP takes a text, or a text and both delimiters");
    }
    let text = arrays[0].as_string::<i32>();
    let delimiters = arrays.get(1).map(|a| a.as_string::<i32>()).zip(arrays.get(2).map(|a| a.as_string::<i32>()));
    let (mut list_cache, mut pair_cache) = (None, None);
    let mut out = map_builder();
    let mut entries: Vec<(&str, Option<&str>)> = Vec::new();
    for i in 0..text.len() {
        let (list, pair) = match delimiters {
            Some((l, p)) if l.is_null(i) || p.is_null(i) => (None, None),
            Some((l, p)) => (Some(l.value(i)), Some(p.value(i))),
            None => (Some(","), Some("=")),
        };
        let (Some(list), Some(pair)) = (list, pair) else {
            out.append(false)?;
            continue;
        };
        if text.is_null(i) {
            out.append(false)?;
            continue;
        }
        let value = text.value(i);
        entries.clear();
        if !value.is_empty() {
            let pair_re = compiled(&mut pair_cache, pair)?;
            for item in compiled(&mut list_cache, list)?.split(value) {
                let mut kv = pair_re.splitn(item, 2);
                let entry = match (kv.next(), kv.next()) {
                    (Some(k), Some(v)) => (k, Some(v)),
                    _ => (item, None),
                };
                match entries.iter_mut().find(|(k, _)| *k == entry.0) {
                    Some(existing) => existing.1 = entry.1,
                    None => entries.push(entry),
                }
            }
        }
        for (k, v) in &entries {
            out.keys().append_value(k);
            out.values().append_option(*v);
        }
        out.append(true)?;
    }
    Ok(Arc::new(out.finish()))
}
