//! JSON values for the functions of [`super::json`]: a parsed document that
//! keeps its objects' key order (serde_json's own `Value` sorts keys, as
//! this crate builds it without `preserve_order`; Flink's Jackson keeps
//! them as written), and Arrow values written as JSON text.

use std::fmt;

use base64::Engine as _;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type};
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::common::exec_err;
use datafusion::error::Result as DfResult;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value with objects in document order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json read it.
    Number(serde_json::Number),
    /// A string.
    Text(String),
    /// An array.
    Array(Vec<Node>),
    /// An object's members, in document order.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// `text` parsed; `None` when it is not JSON.
    pub(super) fn parse(text: &str) -> Option<Node> {
        serde_json::from_str(text).ok()
    }

    /// The member `key` of an object (the last one, as Jackson keeps it).
    pub(super) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Compact JSON text of this value.
    pub(super) fn write(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Number(n) => out.push_str(&n.to_string()),
            Node::Text(s) => write_string(s, out),
            Node::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Node::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Compact JSON text of this value.
    pub(super) fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Builds a [`Node`] from serde_json's events.
struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Node::Null, Node::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            members.push((key, value));
        }
        Ok(Node::Object(members))
    }
}

/// `s` as a JSON string literal.
pub(super) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Row `row` of `array` written as JSON: numbers and booleans as such,
/// text, temporal values and anything else as strings, bytes as base64
/// (Jackson's way), arrays as arrays, rows and maps as objects. A `raw`
/// column holds JSON text already (a nested `JSON_OBJECT`/`JSON_ARRAY`).
pub(super) fn write_json(array: &ArrayRef, row: usize, raw: bool, out: &mut String) -> DfResult<()> {
    if array.is_null(row) {
        out.push_str("null");
        return Ok(());
    }
    match array.data_type() {
        DataType::Utf8 if raw => out.push_str(array.as_string::<i32>().value(row)),
        DataType::Utf8 => write_string(array.as_string::<i32>().value(row), out),
        DataType::LargeUtf8 => write_string(array.as_string::<i64>().value(row), out),
        DataType::Utf8View => write_string(array.as_string_view().value(row), out),
        DataType::Boolean => out.push_str(if array.as_boolean().value(row) { "true" } else { "false" }),
        DataType::Float64 | DataType::Float32 => {
            let v = match array.data_type() {
                DataType::Float64 => array.as_primitive::<Float64Type>().value(row),
                _ => f64::from(array.as_primitive::<Float32Type>().value(row)),
            };
            if !v.is_finite() {
                // Jackson writes NaN and Infinity as strings.
                write_string(&v.to_string().replace("inf", "Infinity"), out);
            } else {
                let mut bytes = Vec::new();
                crate::format::float::write_java_f64(v, &mut bytes);
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        t if t.is_numeric() => out.push_str(&array_value_to_string(array, row)?),
        DataType::Binary => write_string(&base64::engine::general_purpose::STANDARD.encode(array.as_binary::<i32>().value(row)), out),
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) => {
            let items = match array.data_type() {
                DataType::List(_) => array.as_list::<i32>().value(row),
                DataType::LargeList(_) => array.as_list::<i64>().value(row),
                _ => array.as_fixed_size_list().value(row),
            };
            out.push('[');
            for i in 0..items.len() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&items, i, false, out)?;
            }
            out.push(']');
        }
        DataType::Struct(fields) => {
            let columns = array.as_struct().columns();
            out.push('{');
            for (i, (field, column)) in fields.iter().zip(columns).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(field.name(), out);
                out.push(':');
                write_json(column, row, false, out)?;
            }
            out.push('}');
        }
        DataType::Map(_, _) => {
            let entries = array.as_map().value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            out.push('{');
            for i in 0..entries.len() {
                if i > 0 {
                    out.push(',');
                }
                if keys.is_null(i) {
                    return exec_err!("JSON: a map key is NULL");
                }
                write_string(&array_value_to_string(keys, i)?, out);
                out.push(':');
                write_json(values, i, false, out)?;
            }
            out.push('}');
        }
        _ => write_string(&array_value_to_string(array, row)?, out),
    }
    Ok(())
}
