//! Flink's array and map functions that DataFusion lacks or answers
//! differently (Flink 1.20, "System (Built-in) Functions", Collection
//! Functions):
//!
//! - `ELEMENT(array)`: the sole element, NULL for an empty array, an error
//!   for more than one;
//! - `ARRAY_REMOVE(array, x)`: every element equal to `x` removed, a NULL
//!   `x` removing the NULL elements (DataFusion's `array_remove` removes the
//!   first only, its `array_remove_all` answers NULL for a NULL `x`);
//! - `ARRAY_POSITION(array, x)`: the 1-based position of the first `x` as
//!   `INT`, 0 when absent, NULL when either argument is (DataFusion answers
//!   `BIGINT UNSIGNED`, NULL when absent);
//! - `MAP_FROM_ARRAYS(keys, values)`: an error when the lengths differ; a
//!   later duplicate key wins (Flink builds it with `HashMap.put`);
//! - `MAP_UNION(m1, m2, ...)`: later maps win on equal keys, NULL when any
//!   map is;
//! - `ARRAY_CONCAT`, `ARRAY_JOIN`: DataFusion's, but NULL when any argument
//!   is NULL, as Flink (DataFusion skips a NULL array and ignores a NULL
//!   replacement text);
//! - `ARRAY_SLICE(array, start[, end])`: DataFusion's, with Flink's form
//!   without `end` (to the end of the array).
//!
//! Equality of elements and keys is Arrow's ordering comparator, so it
//! works for any element type, nested ones included, NULL equal to NULL.

use std::cmp::Ordering;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array, Int64Array, ListArray, MapArray, StructArray, UInt32Array, make_comparator, new_null_array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::{SortOptions, concat, filter, is_null, nullif, take};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::type_coercion::binary::type_union_resolution;
use datafusion::logical_expr::{ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{arrays, check_count};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    use datafusion::functions_nested::{concat::array_concat_udf, extract::array_slice_udf, string::array_to_string_udf};
    let own = ["element", "array_remove", "array_position", "map_from_arrays", "map_union"]
        .into_iter()
        .map(|name| ScalarUDF::new_from_impl(Collection { name, signature: Signature::user_defined(Volatility::Immutable) }));
    let wrapped = [("array_concat", array_concat_udf(), Rule::NullIfAnyNull), ("array_join", array_to_string_udf(), Rule::NullIfAnyNull), ("array_slice", array_slice_udf(), Rule::SliceToEnd)]
        .into_iter()
        .map(|(name, inner, rule)| {
            let signature = match rule {
                Rule::NullIfAnyNull => inner.signature().clone(),
                Rule::SliceToEnd => Signature::user_defined(Volatility::Immutable),
            };
            ScalarUDF::new_from_impl(Wrapped { name, inner, rule, signature })
        });
    own.chain(wrapped).collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Collection {
    /// The function's (lower-case) name.
    name: &'static str,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

/// The element field of a list type, lists of any kind read as `List`.
fn element_field(name: &str, t: &DataType) -> DfResult<FieldRef> {
    match t {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => Ok(f.clone()),
        DataType::Null => Ok(Arc::new(Field::new_list_field(DataType::Null, true))),
        other => plan_err!("No match found for function signature {}(<{other}>): the argument must be an ARRAY", name.to_uppercase()),
    }
}

/// The list type of `element`, as DataFusion's array functions build it.
fn list_of(element: DataType) -> DataType {
    DataType::new_list(element, true)
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
            "element" => {
                check_count(self.name, arg_types.len(), 1..=1)?;
                Ok(vec![list_of(element_field(self.name, &arg_types[0])?.data_type().clone())])
            }
            "array_remove" | "array_position" => {
                check_count(self.name, arg_types.len(), 2..=2)?;
                let element = element_field(self.name, &arg_types[0])?.data_type().clone();
                let Some(common) = type_union_resolution(&[element.clone(), arg_types[1].clone()]) else {
                    return plan_err!("{}: the element {} and the array's elements {element} have no common type", self.name.to_uppercase(), arg_types[1]);
                };
                Ok(vec![list_of(common.clone()), common])
            }
            "map_from_arrays" => {
                check_count(self.name, arg_types.len(), 2..=2)?;
                let keys = element_field(self.name, &arg_types[0])?.data_type().clone();
                let values = element_field(self.name, &arg_types[1])?.data_type().clone();
                Ok(vec![list_of(keys), list_of(values)])
            }
            _ => {
                check_count(self.name, arg_types.len(), 1..=usize::MAX)?;
                let maps: Vec<&DataType> = arg_types.iter().filter(|t| !t.is_null()).collect();
                let Some(first) = maps.first() else { return plan_err!("MAP_UNION takes maps, not only NULLs") };
                if !matches!(first, DataType::Map(_, _)) || maps.iter().any(|t| t != first) {
                    return plan_err!("Invalid input arguments. MAP_UNION takes maps of one common map type, not {}", arg_types.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
                }
                Ok(vec![(*first).clone(); arg_types.len()])
            }
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "element" => element_field(self.name, &arg_types[0])?.data_type().clone(),
            "array_remove" => arg_types[0].clone(),
            "array_position" => DataType::Int32,
            "map_from_arrays" => map_type(element_field(self.name, &arg_types[0])?.data_type(), element_field(self.name, &arg_types[1])?.data_type()),
            _ => arg_types.iter().find(|t| !t.is_null()).cloned().unwrap_or(DataType::Null),
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let out = match self.name {
            "element" => element(&arrays[0])?,
            "array_remove" => array_remove(&arrays[0], &arrays[1])?,
            "array_position" => array_position(&arrays[0], &arrays[1])?,
            "map_from_arrays" => map_from_arrays(&arrays[0], &arrays[1], args.return_field.data_type())?,
            "map_union" => map_union(&arrays, args.return_field.data_type())?,
            name => return exec_err!("{name}: unknown function"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// `MAP<key, value>` with the field names DataFusion's `MAP[...]` uses.
pub(super) fn map_type(key: &DataType, value: &DataType) -> DataType {
    let entries = Fields::from(vec![Field::new("key", key.clone(), false), Field::new("value", value.clone(), true)]);
    DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
}

/// The list array of `array` (coerced to `List`, or all NULL).
fn list(array: &ArrayRef) -> DfResult<ListArray> {
    match array.data_type() {
        DataType::List(_) => Ok(array.as_list::<i32>().clone()),
        DataType::Null => Ok(ListArray::new_null(Arc::new(Field::new_list_field(DataType::Null, true)), array.len())),
        other => exec_err!("not an array: {other}"),
    }
}

/// Whether `a[i]` equals `b[j]`, NULL equal to NULL, for any type.
fn equality(a: &dyn Array, b: &dyn Array) -> DfResult<impl Fn(usize, usize) -> bool> {
    let compare = make_comparator(a, b, SortOptions::default())?;
    Ok(move |i, j| compare(i, j) == Ordering::Equal)
}

/// `ELEMENT(array)`.
fn element(array: &ArrayRef) -> DfResult<ArrayRef> {
    let lists = list(array)?;
    let offsets = lists.value_offsets();
    let mut picks = Vec::with_capacity(lists.len());
    for row in 0..lists.len() {
        let (start, end) = (offsets[row], offsets[row + 1]);
        picks.push(match end - start {
            _ if lists.is_null(row) => None,
            0 => None,
            1 => Some(start as u32),
            _ => return exec_err!("Array has more than one element."),
        });
    }
    Ok(take(lists.values(), &UInt32Array::from(picks), None)?)
}

/// `ARRAY_REMOVE(array, x)`: a mask over all elements, then the offsets recounted.
fn array_remove(array: &ArrayRef, needle: &ArrayRef) -> DfResult<ArrayRef> {
    let lists = list(array)?;
    let equal = equality(lists.values().as_ref(), needle.as_ref())?;
    let offsets = lists.value_offsets();
    let mut keep = vec![true; lists.values().len()];
    let mut lengths = Vec::with_capacity(lists.len());
    for row in 0..lists.len() {
        let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
        let mut kept = 0;
        for (at, keep) in keep.iter_mut().enumerate().take(end).skip(start) {
            *keep = lists.is_valid(row) && !equal(at, row);
            kept += usize::from(*keep);
        }
        lengths.push(kept);
    }
    let values = filter(lists.values(), &BooleanArray::from(keep))?;
    let field = match lists.data_type() {
        DataType::List(f) => f.clone(),
        _ => Arc::new(Field::new_list_field(values.data_type().clone(), true)),
    };
    Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::from_lengths(lengths), values, lists.nulls().cloned())?))
}

/// `ARRAY_POSITION(array, x)`.
fn array_position(array: &ArrayRef, needle: &ArrayRef) -> DfResult<ArrayRef> {
    let lists = list(array)?;
    let equal = equality(lists.values().as_ref(), needle.as_ref())?;
    let offsets = lists.value_offsets();
    let positions: Int32Array = (0..lists.len())
        .map(|row| {
            if lists.is_null(row) || needle.is_null(row) {
                return None;
            }
            let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
            Some((start..end).position(|at| equal(at, row)).map_or(0, |p| p as i32 + 1))
        })
        .collect();
    Ok(Arc::new(positions))
}

/// A map array of type `map_type` whose row `r` holds the entries
/// `(keys[k], values[v])` for the index pairs of `rows[r]` (`None`: NULL).
fn build_map(keys: &ArrayRef, values: &ArrayRef, rows: &[Option<Vec<(u32, u32)>>], map_type: &DataType) -> DfResult<ArrayRef> {
    let DataType::Map(entries_field, ordered) = map_type else { return exec_err!("not a map type: {map_type}") };
    let DataType::Struct(fields) = entries_field.data_type() else { return exec_err!("not a map type: {map_type}") };
    let pairs: Vec<(u32, u32)> = rows.iter().flatten().flatten().copied().collect();
    let key_picks = UInt32Array::from(pairs.iter().map(|p| p.0).collect::<Vec<_>>());
    let value_picks = UInt32Array::from(pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    let (keys, values) = (take(keys, &key_picks, None)?, take(values, &value_picks, None)?);
    if keys.null_count() > 0 {
        return exec_err!("A map key must not be NULL");
    }
    let entries = StructArray::try_new(fields.clone(), vec![keys, values], None)?;
    let offsets = OffsetBuffer::from_lengths(rows.iter().map(|r| r.as_ref().map_or(0, Vec::len)));
    let nulls = rows.iter().map(Option::is_some).collect::<Vec<_>>();
    Ok(Arc::new(MapArray::try_new(entries_field.clone(), offsets, entries, Some(nulls.into()), *ordered)?))
}

/// Add `(key, value)` to `entries`, a later equal key replacing the value in place.
fn put(entries: &mut Vec<(u32, u32)>, pair: (u32, u32), equal: &dyn Fn(usize, usize) -> bool) {
    match entries.iter_mut().find(|(k, _)| equal(*k as usize, pair.0 as usize)) {
        Some(existing) => existing.1 = pair.1,
        None => entries.push(pair),
    }
}

/// `MAP_FROM_ARRAYS(keys, values)`.
fn map_from_arrays(keys: &ArrayRef, values: &ArrayRef, map_type: &DataType) -> DfResult<ArrayRef> {
    let (keys, values) = (list(keys)?, list(values)?);
    let equal = equality(keys.values().as_ref(), keys.values().as_ref())?;
    let (key_offsets, value_offsets) = (keys.value_offsets(), values.value_offsets());
    let mut rows = Vec::with_capacity(keys.len());
    for row in 0..keys.len() {
        if keys.is_null(row) || values.is_null(row) {
            rows.push(None);
            continue;
        }
        let (k, v) = (key_offsets[row] as u32..key_offsets[row + 1] as u32, value_offsets[row] as u32..value_offsets[row + 1] as u32);
        if k.len() != v.len() {
            return exec_err!("Invalid function MAP_FROM_ARRAYS call:\nThe length of the keys array {} is not equal to the length of the values array {}", k.len(), v.len());
        }
        let mut entries = Vec::with_capacity(k.len());
        for pair in k.zip(v) {
            put(&mut entries, pair, &equal);
        }
        rows.push(Some(entries));
    }
    let (key_type, value_type) = match map_type {
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => (kv[0].data_type().clone(), kv[1].data_type().clone()),
            _ => return exec_err!("not a map type: {map_type}"),
        },
        _ => return exec_err!("not a map type: {map_type}"),
    };
    // NULL-typed element lists (`ARRAY[]`) are cast to the map's types.
    let cast = |a: &ArrayRef, t: &DataType| datafusion::arrow::compute::cast(a, t);
    build_map(&cast(keys.values(), &key_type)?, &cast(values.values(), &value_type)?, &rows, map_type)
}

/// `MAP_UNION(m1, ...)`: all entries concatenated, then each row's picked
/// from its maps in argument order.
fn map_union(maps: &[ArrayRef], map_type: &DataType) -> DfResult<ArrayRef> {
    let rows = maps.first().map_or(0, |m| m.len());
    if maps.iter().any(|m| m.data_type().is_null()) {
        return Ok(new_null_array(map_type, rows));
    }
    let maps: Vec<&MapArray> = maps.iter().map(|m| m.as_map()).collect();
    let keys = concat(&maps.iter().map(|m| m.keys().as_ref()).collect::<Vec<_>>())?;
    let values = concat(&maps.iter().map(|m| m.values().as_ref()).collect::<Vec<_>>())?;
    let equal = equality(keys.as_ref(), keys.as_ref())?;
    let bases: Vec<u32> = maps.iter().scan(0u32, |base, m| Some(std::mem::replace(base, *base + m.keys().len() as u32))).collect();
    let mut out = Vec::with_capacity(rows);
    for row in 0..rows {
        if maps.iter().any(|m| m.is_null(row)) {
            out.push(None);
            continue;
        }
        let mut entries = Vec::new();
        for (map, base) in maps.iter().zip(&bases) {
            let offsets = map.value_offsets();
            for at in offsets[row] as u32..offsets[row + 1] as u32 {
                put(&mut entries, (base + at, base + at), &equal);
            }
        }
        out.push(Some(entries));
    }
    build_map(&keys, &values, &out, map_type)
}

/// How a wrapped DataFusion function is changed.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Rule {
    /// The result is NULL where any argument is.
    NullIfAnyNull,
    /// A missing `end` argument means the end of the array.
    SliceToEnd,
}

/// A DataFusion function under a Flink name, with Flink's NULL rule or
/// argument form.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Wrapped {
    /// The Flink name.
    name: &'static str,
    /// The DataFusion function doing the work.
    inner: Arc<ScalarUDF>,
    /// What is changed.
    rule: Rule,
    /// The inner function's signature, or user-defined for `SliceToEnd`.
    signature: Signature,
}

impl ScalarUDFImpl for Wrapped {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match self.rule {
            Rule::NullIfAnyNull => self.inner.inner().coerce_types(arg_types),
            Rule::SliceToEnd => {
                check_count(self.name, arg_types.len(), 2..=3)?;
                let element = element_field(self.name, &arg_types[0])?.data_type().clone();
                if arg_types[1..].iter().any(|t| !super::is_integer(t)) {
                    return plan_err!("No match found for function signature ARRAY_SLICE(<ARRAY>, <INTEGER>[, <INTEGER>])");
                }
                Ok(std::iter::once(list_of(element)).chain(arg_types[1..].iter().map(|_| DataType::Int64)).collect())
            }
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        exec_err!("{}: return_field_from_args is used instead", self.name)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> DfResult<FieldRef> {
        if self.rule == Rule::SliceToEnd && args.arg_fields.len() == 2 {
            let fields = [args.arg_fields.to_vec(), vec![Arc::new(Field::new("end", DataType::Int64, false))]].concat();
            let scalars = [args.scalar_arguments.to_vec(), vec![None]].concat();
            return self.inner.return_field_from_args(ReturnFieldArgs { arg_fields: &fields, scalar_arguments: &scalars });
        }
        let any_nullable = args.arg_fields.iter().any(|f| f.is_nullable());
        let field = self.inner.return_field_from_args(args)?;
        let nullable = field.is_nullable() || any_nullable;
        Ok(Arc::new(field.as_ref().clone().with_nullable(nullable)))
    }

    fn invoke_with_args(&self, mut args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        if self.rule == Rule::SliceToEnd {
            if args.args.len() == 2 {
                // Each row's own length as `end` (DataFusion refuses an end past it).
                let lists = list(&args.args[0].to_array(args.number_rows)?)?;
                let lengths: Int64Array = lists.value_offsets().windows(2).map(|w| Some(i64::from(w[1] - w[0]))).collect();
                args.args.push(ColumnarValue::Array(Arc::new(lengths)));
                args.arg_fields.push(Arc::new(Field::new("end", DataType::Int64, false)));
            }
            return self.inner.invoke_with_args(args);
        }
        let (inputs, rows) = (args.args.clone(), args.number_rows);
        let mut out = self.inner.invoke_with_args(args)?.to_array(rows)?;
        for input in inputs {
            out = match input {
                ColumnarValue::Scalar(s) if s.is_null() => new_null_array(out.data_type(), rows),
                ColumnarValue::Scalar(_) => out,
                ColumnarValue::Array(a) if a.null_count() == 0 => out,
                ColumnarValue::Array(a) => nullif(&out, &is_null(&a)?)?,
            };
        }
        Ok(ColumnarValue::Array(out))
    }
}
