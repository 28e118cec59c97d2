//! Spark type names for every Arrow type, and Livy's two row shapes.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int32Array, Int64Array, ListArray,
    StringArray, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Int32Type, IntervalUnit, Schema, TimeUnit, UnionFields, UnionMode};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::{json, Value};

use super::*;

#[test]
fn every_arrow_type_has_a_spark_type() {
    use DataType as D;
    let item = Arc::new(Field::new("item", D::Int32, true));
    let entries = Arc::new(Field::new("entries", D::Struct(Fields::from(vec![Field::new("key", D::Utf8, false), Field::new("value", D::Float64, true)])), false));
    let cases: Vec<(DataType, Value)> = vec![
        (D::Null, json!("void")),
        (D::Boolean, json!("boolean")),
        (D::Int8, json!("byte")),
        (D::Int16, json!("short")),
        (D::UInt8, json!("short")),
        (D::Int32, json!("integer")),
        (D::UInt16, json!("integer")),
        (D::Int64, json!("long")),
        (D::UInt32, json!("long")),
        (D::UInt64, json!("decimal(20,0)")),
        (D::Float16, json!("float")),
        (D::Float32, json!("float")),
        (D::Float64, json!("double")),
        (D::Decimal32(5, 2), json!("decimal(5,2)")),
        (D::Decimal64(12, 0), json!("decimal(12,0)")),
        (D::Decimal128(10, 2), json!("decimal(10,2)")),
        (D::Decimal256(40, 3), json!("decimal(40,3)")),
        (D::Utf8, json!("string")),
        (D::LargeUtf8, json!("string")),
        (D::Utf8View, json!("string")),
        (D::Binary, json!("binary")),
        (D::LargeBinary, json!("binary")),
        (D::BinaryView, json!("binary")),
        (D::FixedSizeBinary(4), json!("binary")),
        (D::Date32, json!("date")),
        (D::Date64, json!("date")),
        (D::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), json!("timestamp")),
        (D::Timestamp(TimeUnit::Nanosecond, None), json!("timestamp_ntz")),
        (D::Time32(TimeUnit::Second), json!("string")),
        (D::Time64(TimeUnit::Nanosecond), json!("string")),
        (D::Interval(IntervalUnit::YearMonth), json!("interval year to month")),
        (D::Interval(IntervalUnit::DayTime), json!("interval day to second")),
        (D::Interval(IntervalUnit::MonthDayNano), json!("interval")),
        (D::Duration(TimeUnit::Millisecond), json!("interval day to second")),
        (D::List(item.clone()), json!({"type": "array", "elementType": "integer", "containsNull": true})),
        (D::LargeList(item.clone()), json!({"type": "array", "elementType": "integer", "containsNull": true})),
        (D::FixedSizeList(item.clone(), 2), json!({"type": "array", "elementType": "integer", "containsNull": true})),
        (D::ListView(item.clone()), json!({"type": "array", "elementType": "integer", "containsNull": true})),
        (D::LargeListView(item.clone()), json!({"type": "array", "elementType": "integer", "containsNull": true})),
        (
            D::Struct(Fields::from(vec![Field::new("a", D::Int64, false)])),
            json!({"type": "struct", "fields": [{"name": "a", "type": "long", "nullable": false, "metadata": {}}]}),
        ),
        (D::Map(entries, false), json!({"type": "map", "keyType": "string", "valueType": "double", "valueContainsNull": true})),
        (D::Dictionary(Box::new(D::Int32), Box::new(D::Utf8)), json!("string")),
        (D::RunEndEncoded(Arc::new(Field::new("r", D::Int32, false)), Arc::new(Field::new("v", D::Boolean, true))), json!("boolean")),
        (D::Union(UnionFields::from_iter([(0_i8, Arc::new(Field::new("u", D::Int32, true)))]), UnionMode::Dense), json!("string")),
    ];
    for (data_type, expected) in cases {
        assert_eq!(spark_type(&data_type), expected, "{data_type}");
    }
}

fn sample() -> RecordBatch {
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None]), None, Some(vec![])]);
    let decimal = Decimal128Array::from(vec![Some(12345), None, Some(-5)]).with_precision_and_scale(10, 2).unwrap();
    RecordBatch::try_from_iter([
        ("i", Arc::new(Int32Array::from(vec![Some(1), None, Some(3)])) as ArrayRef),
        ("l", Arc::new(Int64Array::from(vec![Some(1 << 40), Some(-1), None])) as ArrayRef),
        ("d", Arc::new(Float64Array::from(vec![Some(1.5), None, Some(0.25)])) as ArrayRef),
        ("b", Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])) as ArrayRef),
        ("s", Arc::new(StringArray::from(vec![Some("x\"y"), None, Some("é")])) as ArrayRef),
        ("dec", Arc::new(decimal) as ArrayRef),
        ("day", Arc::new(Date32Array::from(vec![Some(19_724), None, Some(0)])) as ArrayRef),
        ("bin", Arc::new(BinaryArray::from(vec![Some(&b"livy"[..]), None, Some(&b""[..])])) as ArrayRef),
        ("ts", Arc::new(TimestampMicrosecondArray::from(vec![Some(1_704_164_645_123_000), None, None])) as ArrayRef),
        ("arr", Arc::new(list) as ArrayRef),
    ])
    .unwrap()
}

#[test]
fn schema_is_a_spark_struct_type() {
    let schema = Schema::new(vec![Field::new("a", DataType::Int32, false), Field::new("b", DataType::Utf8, true)]);
    assert_eq!(
        spark_schema(&schema),
        json!({"type": "struct", "fields": [
            {"name": "a", "type": "integer", "nullable": false, "metadata": {}},
            {"name": "b", "type": "string", "nullable": true, "metadata": {}},
        ]})
    );
}

#[test]
fn rows_are_arrays_of_native_json_values() {
    let mut out = b"[".to_vec();
    write_livy_rows(&sample(), usize::MAX, &FormatOptions::default(), &mut out).unwrap();
    out.push(b']');
    let rows: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(rows[0], json!([1, 1_i64 << 40, 1.5, true, "x\"y", 123.45, "2024-01-02", "bGl2eQ==", rows[0][8].clone(), [1, null]]));
    assert!(rows[0][8].as_str().unwrap().starts_with("2024-01-02"), "{}", rows[0][8]);
    assert_eq!(rows[1], json!([null, -1, null, false, null, null, null, null, null, null]));
    assert_eq!(rows[2][5], json!(-0.05));
    assert_eq!(rows[2][9], json!([]));
}

#[test]
fn the_limit_caps_the_rows_written() {
    let mut out = b"[".to_vec();
    write_livy_rows(&sample(), 2, &FormatOptions::default(), &mut out).unwrap();
    out.push(b']');
    let rows: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let mut none = Vec::new();
    write_livy_rows(&sample(), 0, &FormatOptions::default(), &mut none).unwrap();
    assert!(none.is_empty());
}

#[test]
fn json_lines_leave_nulls_out_as_spark_does() {
    let mut out = Vec::new();
    write_json_lines(&sample(), usize::MAX, &FormatOptions::default(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<Value> = text.split('\n').map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "no trailing newline: {text:?}");
    assert_eq!(lines[0]["i"], 1);
    assert_eq!(lines[0]["s"], "x\"y");
    assert_eq!(lines[1], json!({"l": -1, "b": false}));
    assert_eq!(lines[2]["arr"], json!([]));
    let mut capped = Vec::new();
    write_json_lines(&sample(), 1, &FormatOptions::default(), &mut capped).unwrap();
    assert!(!capped.contains(&b'\n'));
}
