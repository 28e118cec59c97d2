//! Flink's JSON functions over JSON text, with serde_json:
//!
//! - `is_json(s, 'VALUE' | 'SCALAR' | 'ARRAY' | 'OBJECT')`, made by the
//!   dialect layer of `s IS [NOT] JSON [kind]` (NULL is FALSE, as in Flink);
//! - `JSON_EXISTS(json, path)`: whether the path selects anything (FALSE for
//!   text that is not JSON, Flink's default `FALSE ON ERROR`);
//! - `JSON_VALUE(json, path)`: the one scalar the path selects, as `STRING`
//!   (a JSON null, nothing, several values, an object or an array are NULL:
//!   Flink's defaults `NULL ON EMPTY` / `NULL ON ERROR`);
//! - `JSON_QUERY(json, path)`: the object or array the path selects as JSON
//!   text, several selected values as an array; NULL for a single scalar
//!   (Flink's default `WITHOUT ARRAY WRAPPER` / `NULL ON ERROR`);
//! - `JSON_STRING(value)`: a value serialized as JSON;
//! - `json_object('NULL' | 'ABSENT', k1, v1, ...)` and `json_array('NULL' |
//!   'ABSENT', v1, ...)`, made by the dialect layer of `JSON_OBJECT([KEY] k
//!   VALUE v, .. [NULL | ABSENT] ON NULL)` and `JSON_ARRAY(v, .. [.. ON
//!   NULL])`. A value that is itself a `JSON_OBJECT` or `JSON_ARRAY` call is
//!   nested as JSON, not as a string, as in Flink: their results carry the
//!   field metadata [`RAW_JSON`], which the enclosing call reads.
//!
//! JSON text is written compactly (`{"k":1}`), as Flink's Jackson does.
//! Paths: an optional `lax` / `strict` mode (both behave as lax, which
//! gives the same answers under the default ON EMPTY / ON ERROR behaviour),
//! `$`, then `.key`, `.*`, `['key']` / `["key"]` (also after a dot), `[n]`
//! and `[*]`. `JSON_VALUE`'s `RETURNING`, `ON EMPTY` and `ON ERROR`
//! clauses are [`super::json_returning`]'s, where `strict` differs from
//! `lax`. Not supported: filters, `last`, ranges, and `JSON_QUERY`'s
//! `WRAPPER`, `ON EMPTY` and `ON ERROR` clauses.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, StringArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{arrays, check_count, to_strings};
use super::json_values::{Node, write_json};

/// The field metadata key that marks a result as JSON text to nest as is.
pub(super) const RAW_JSON: &str = "sluicegate.raw_json";

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    ["is_json", "json_exists", "json_value", "json_query", "json_string", "json_object", "json_array"]
        .into_iter()
        .map(|name| ScalarUDF::new_from_impl(Json { name, signature: Signature::user_defined(Volatility::Immutable) }))
        .collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Json {
    /// The function's (lower-case) name.
    name: &'static str,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

impl ScalarUDFImpl for Json {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match self.name {
            // The form with clauses: type, ON EMPTY mode and default, ON ERROR mode and default.
            "json_value" if arg_types.len() == 7 => Ok(arg_types.iter().enumerate().map(|(i, t)| if i == 4 || i == 6 { t.clone() } else { DataType::Utf8 }).collect()),
            "is_json" | "json_exists" | "json_value" | "json_query" => to_strings(self.name, arg_types, 2..=2),
            "json_string" => {
                check_count(self.name, arg_types.len(), 1..=1)?;
                Ok(arg_types.to_vec())
            }
            // The ON NULL mode, then keys (text) and values (as they are).
            _ => {
                check_count(self.name, arg_types.len(), 1..=usize::MAX)?;
                let object = self.name == "json_object";
                if object && arg_types.len().is_multiple_of(2) {
                    return plan_err!("JSON_OBJECT takes keys and values in pairs");
                }
                Ok(arg_types.iter().enumerate().map(|(i, t)| if i == 0 || (object && i % 2 == 1) { DataType::Utf8 } else { t.clone() }).collect())
            }
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "is_json" | "json_exists" => DataType::Boolean,
            _ => DataType::Utf8,
        })
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> DfResult<FieldRef> {
        if self.name == "json_value" && args.arg_fields.len() == 7 {
            return Ok(Arc::new(Field::new(self.name, super::json_returning::returning_type(&args)?, true)));
        }
        let field = Field::new(self.name, self.return_type(&[])?, true);
        Ok(Arc::new(match self.name {
            "json_object" | "json_array" => field.with_nullable(false).with_metadata(HashMap::from([(RAW_JSON.to_string(), "true".to_string())])),
            _ => field,
        }))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let raw: Vec<bool> = args.arg_fields.iter().map(|f| f.metadata().contains_key(RAW_JSON)).collect();
        let arrays = arrays(&args.args, rows)?;
        let out: ArrayRef = match self.name {
            "is_json" => is_json(arrays[0].as_string::<i32>(), arrays[1].as_string::<i32>())?,
            "json_value" if arrays.len() == 7 => super::json_returning::json_value(&arrays, args.return_field.data_type())?,
            "json_exists" | "json_value" | "json_query" => query(self.name, arrays[0].as_string::<i32>(), arrays[1].as_string::<i32>())?,
            "json_string" => {
                let mut out = StringBuilder::with_capacity(rows, rows * 8);
                for row in 0..rows {
                    if arrays[0].is_null(row) {
                        out.append_null();
                        continue;
                    }
                    let mut text = String::new();
                    write_json(&arrays[0], row, false, &mut text)?;
                    out.append_value(text);
                }
                Arc::new(out.finish())
            }
            _ => construct(self.name == "json_object", &arrays, &raw, rows)?,
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// `s IS JSON kind`.
fn is_json(strings: &StringArray, kinds: &StringArray) -> DfResult<ArrayRef> {
    let mut out = Vec::with_capacity(strings.len());
    for i in 0..strings.len() {
        let value = strings.is_valid(i).then(|| Node::parse(strings.value(i))).flatten();
        let kind = if kinds.is_valid(i) { kinds.value(i) } else { "VALUE" };
        let matches = match (value, kind.to_ascii_uppercase().as_str()) {
            (None, _) => false,
            (Some(_), "VALUE") => true,
            (Some(v), "SCALAR") => !matches!(v, Node::Array(_) | Node::Object(_)),
            (Some(v), "ARRAY") => matches!(v, Node::Array(_)),
            (Some(v), "OBJECT") => matches!(v, Node::Object(_)),
            (_, other) => return exec_err!("IS JSON {other}: the kind must be VALUE, SCALAR, ARRAY or OBJECT"),
        };
        out.push(Some(matches));
    }
    Ok(Arc::new(BooleanArray::from(out)))
}

/// `JSON_EXISTS` / `JSON_VALUE` / `JSON_QUERY`, each distinct path parsed once per batch.
fn query(function: &str, documents: &StringArray, paths: &StringArray) -> DfResult<ArrayRef> {
    let mut parsed: Option<(&str, Vec<Step>)> = None;
    let mut exists = Vec::new();
    let mut text = StringBuilder::new();
    for i in 0..documents.len() {
        if documents.is_null(i) || paths.is_null(i) {
            exists.push(None);
            text.append_null();
            continue;
        }
        let path = paths.value(i);
        if parsed.as_ref().is_none_or(|(p, _)| *p != path) {
            match parse_path(path) {
                Some(steps) => parsed = Some((path, steps)),
                None => return exec_err!("{}: invalid JSON path '{path}'", function.to_uppercase()),
            }
        }
        let steps = parsed.as_ref().map(|(_, s)| s.as_slice()).unwrap_or_default();
        let Some(document) = Node::parse(documents.value(i)) else {
            exists.push(Some(false));
            text.append_null();
            continue;
        };
        let found = select(&document, steps);
        exists.push(Some(!found.is_empty()));
        let answer = match (function, found.as_slice()) {
            ("json_value", [Node::Text(s)]) => Some(s.clone()),
            ("json_value", [v @ (Node::Number(_) | Node::Bool(_))]) => Some(v.text()),
            ("json_query", [v @ (Node::Array(_) | Node::Object(_))]) => Some(v.text()),
            ("json_query", many) if many.len() > 1 => {
                let mut text = String::from("[");
                for (i, v) in many.iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    v.write(&mut text);
                }
                text.push(']');
                Some(text)
            }
            _ => None,
        };
        text.append_option(answer);
    }
    Ok(match function {
        "json_exists" => Arc::new(BooleanArray::from(exists)),
        _ => Arc::new(text.finish()),
    })
}

/// What `JSON_VALUE` finds in one document, for its ON EMPTY / ON ERROR clauses.
pub(super) enum Found {
    /// One scalar, as text.
    Value(String),
    /// Nothing, a JSON null, or (lax mode) an object, an array or several values.
    Empty,
    /// Text that is not JSON, or (strict mode) nothing or no scalar: the message.
    Error(String),
}

/// `JSON_VALUE`'s finding in each row; `None` where an argument is NULL.
pub(super) fn json_value_rows(documents: &StringArray, paths: &StringArray) -> DfResult<Vec<Option<Found>>> {
    let mut parsed: Option<(&str, Vec<Step>)> = None;
    let mut out = Vec::with_capacity(documents.len());
    for i in 0..documents.len() {
        if documents.is_null(i) || paths.is_null(i) {
            out.push(None);
            continue;
        }
        let path = paths.value(i);
        if parsed.as_ref().is_none_or(|(p, _)| *p != path) {
            match parse_path(path) {
                Some(steps) => parsed = Some((path, steps)),
                None => return exec_err!("JSON_VALUE: invalid JSON path '{path}'"),
            }
        }
        let steps = parsed.as_ref().map(|(_, s)| s.as_slice()).unwrap_or_default();
        let strict = path.trim_start().get(..6).is_some_and(|m| m.eq_ignore_ascii_case("strict"));
        let Some(document) = Node::parse(documents.value(i)) else {
            out.push(Some(Found::Error(format!("JSON_VALUE: not JSON: '{}'", documents.value(i)))));
            continue;
        };
        out.push(Some(match select(&document, steps).as_slice() {
            [Node::Text(s)] => Found::Value(s.clone()),
            [v @ (Node::Number(_) | Node::Bool(_))] => Found::Value(v.text()),
            [Node::Null] => Found::Empty,
            [] if strict => Found::Error(format!("No results for path: {path}")),
            [v] if strict => Found::Error(format!("Strict jsonpath mode requires scalar value, and the actual value is: '{}'", v.text())),
            many if strict && many.len() > 1 => Found::Error(format!("Strict jsonpath mode requires scalar value: the path {path} selects {} values", many.len())),
            _ => Found::Empty,
        }));
    }
    Ok(out)
}

/// A step of a JSON path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// `.key` or `['key']`.
    Key(String),
    /// `[n]`.
    Index(usize),
    /// `.*` or `[*]`.
    Any,
}

/// `path` as steps; `None` when it is not in the supported subset.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let path = path.trim();
    let path = ["lax", "strict"].iter().find_map(|m| path.strip_prefix(m).filter(|r| r.starts_with(char::is_whitespace))).map_or(path, str::trim_start);
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            if after.starts_with('[') {
                rest = after;
                continue;
            }
            if let Some(after) = after.strip_prefix('*') {
                steps.push(Step::Any);
                rest = after;
                continue;
            }
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = after[..end].trim();
            if key.is_empty() {
                return None;
            }
            steps.push(Step::Key(key.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']')?;
            let inside = after[..close].trim();
            let quoted = ['\'', '"'].iter().find_map(|q| inside.strip_prefix(*q).and_then(|s| s.strip_suffix(*q)));
            steps.push(match (quoted, inside) {
                (Some(key), _) => Step::Key(key.to_string()),
                (None, "*") => Step::Any,
                (None, n) => Step::Index(n.parse().ok()?),
            });
            rest = &after[close + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// What `steps` select in `document` (lax: a key on an array looks in its elements).
fn select<'a>(document: &'a Node, steps: &[Step]) -> Vec<&'a Node> {
    let mut current = vec![document];
    for step in steps {
        let mut next = Vec::new();
        for value in current {
            match (step, value) {
                (Step::Key(k), Node::Object(_)) => next.extend(value.get(k)),
                (Step::Key(k), Node::Array(a)) => next.extend(a.iter().filter_map(|e| e.get(k))),
                (Step::Index(n), Node::Array(a)) => next.extend(a.get(*n)),
                // Lax mode: a non-array is an array of itself.
                (Step::Index(0), v) => next.push(v),
                (Step::Any, Node::Array(a)) => next.extend(a.iter()),
                (Step::Any, Node::Object(o)) => next.extend(o.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        current = next;
    }
    current
}

/// `json_object(mode, k, v, ...)` / `json_array(mode, v, ...)`, written
/// in argument order.
fn construct(object: bool, arrays: &[ArrayRef], raw: &[bool], rows: usize) -> DfResult<ArrayRef> {
    let modes = arrays[0].as_string::<i32>();
    let mut out = StringBuilder::with_capacity(rows, rows * 16);
    let mut text = String::new();
    for row in 0..rows {
        let absent = modes.is_valid(row) && modes.value(row).eq_ignore_ascii_case("ABSENT");
        text.clear();
        text.push(if object { '{' } else { '[' });
        let mut first = true;
        let step = if object { 2 } else { 1 };
        for at in (1..arrays.len()).step_by(step) {
            let value_at = at + step - 1;
            let value = &arrays[value_at];
            if value.is_null(row) && absent {
                continue;
            }
            if !first {
                text.push(',');
            }
            first = false;
            if object {
                let keys = arrays[at].as_string::<i32>();
                if keys.is_null(row) {
                    return exec_err!("JSON_OBJECT: a key is NULL");
                }
                super::json_values::write_string(keys.value(row), &mut text);
                text.push(':');
            }
            write_json(value, row, raw[value_at], &mut text)?;
        }
        text.push(if object { '}' } else { ']' });
        out.append_value(&text);
    }
    Ok(Arc::new(out.finish()))
}
