//! Every arm of [`hive_type`], against Hive's TTypeId names, TYPE_NAME
//! text, `java.sql.Types` codes and getColumns numbers.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, IntervalUnit, TimeUnit, UnionFields, UnionMode};

use super::*;

/// The (type_id, name, java_type) triple of a type.
fn id(dt: DataType) -> (&'static str, String, i32) {
    let t = hive_type(&dt);
    (t.type_id, t.name, t.java_type)
}

/// The (column_size, decimal_digits, radix) of a type.
fn sizes(dt: DataType) -> (Option<i32>, Option<i32>, Option<i32>) {
    let t = hive_type(&dt);
    (t.column_size, t.decimal_digits, t.radix)
}

fn s(text: &str) -> String {
    text.to_string()
}

#[test]
fn booleans_and_integers() {
    assert_eq!(id(DataType::Boolean), ("BOOLEAN_TYPE", s("BOOLEAN"), 16));
    assert_eq!(sizes(DataType::Boolean), (None, None, None));
    assert_eq!(id(DataType::Int8), ("TINYINT_TYPE", s("TINYINT"), -6));
    assert_eq!(sizes(DataType::Int8), (Some(3), Some(0), Some(10)));
    assert_eq!(id(DataType::Int16), ("SMALLINT_TYPE", s("SMALLINT"), 5));
    assert_eq!(sizes(DataType::Int16), (Some(5), Some(0), Some(10)));
    assert_eq!(id(DataType::Int32), ("INT_TYPE", s("INT"), 4));
    assert_eq!(sizes(DataType::Int32), (Some(10), Some(0), Some(10)));
    assert_eq!(id(DataType::Int64), ("BIGINT_TYPE", s("BIGINT"), -5));
    assert_eq!(sizes(DataType::Int64), (Some(19), Some(0), Some(10)));
}

#[test]
fn unsigned_integers_widen() {
    assert_eq!(id(DataType::UInt8), ("SMALLINT_TYPE", s("SMALLINT"), 5));
    assert_eq!(id(DataType::UInt16), ("INT_TYPE", s("INT"), 4));
    assert_eq!(id(DataType::UInt32), ("BIGINT_TYPE", s("BIGINT"), -5));
    let u64 = hive_type(&DataType::UInt64);
    assert_eq!((u64.type_id, u64.name.as_str(), u64.java_type), ("DECIMAL_TYPE", "DECIMAL(20,0)", 3));
    assert_eq!((u64.precision, u64.scale, u64.column_size, u64.decimal_digits, u64.radix), (20, 0, Some(20), Some(0), Some(10)));
}

#[test]
fn floats() {
    assert_eq!(id(DataType::Float16), ("FLOAT_TYPE", s("FLOAT"), 6));
    assert_eq!(id(DataType::Float32), ("FLOAT_TYPE", s("FLOAT"), 6));
    assert_eq!(sizes(DataType::Float32), (Some(7), Some(7), Some(10)));
    assert_eq!(id(DataType::Float64), ("DOUBLE_TYPE", s("DOUBLE"), 8));
    assert_eq!(sizes(DataType::Float64), (Some(15), Some(15), Some(10)));
}

#[test]
fn strings_and_times_of_day() {
    for dt in [DataType::Utf8, DataType::LargeUtf8, DataType::Utf8View, DataType::Time32(TimeUnit::Second), DataType::Time64(TimeUnit::Nanosecond)] {
        assert_eq!(id(dt.clone()), ("STRING_TYPE", s("STRING"), 12), "{dt}");
        assert_eq!(sizes(dt.clone()), (Some(i32::MAX), None, None), "{dt}");
        assert_eq!((hive_type(&dt).precision, hive_type(&dt).scale), (0, 0));
    }
}

#[test]
fn decimals_keep_their_qualifiers() {
    let t = hive_type(&DataType::Decimal128(10, 2));
    assert_eq!(
        t,
        HiveType {
            type_id: "DECIMAL_TYPE",
            name: s("DECIMAL(10,2)"),
            java_type: 3,
            precision: 10,
            scale: 2,
            column_size: Some(10),
            decimal_digits: Some(2),
            radix: Some(10),
        }
    );
    assert_eq!(hive_type(&DataType::Decimal256(38, 10)).name, "DECIMAL(38,10)");
    assert_eq!(hive_type(&DataType::Decimal32(5, 1)).name, "DECIMAL(5,1)");
    assert_eq!(hive_type(&DataType::Decimal64(12, 3)).name, "DECIMAL(12,3)");
    // Beyond Hive's range: capped like the Flink descriptors.
    assert_eq!(hive_type(&DataType::Decimal256(76, 0)).name, "DECIMAL(38,0)");
    assert_eq!(hive_type(&DataType::Decimal128(5, -2)).name, "DECIMAL(7,0)");
    assert_eq!(hive_type(&DataType::Decimal128(3, 5)).name, "DECIMAL(5,5)");
}

#[test]
fn dates_and_timestamps() {
    assert_eq!(id(DataType::Date32), ("DATE_TYPE", s("DATE"), 91));
    assert_eq!(id(DataType::Date64), ("DATE_TYPE", s("DATE"), 91));
    assert_eq!(sizes(DataType::Date32), (Some(10), None, None));
    let ts = DataType::Timestamp(TimeUnit::Millisecond, None);
    assert_eq!(id(ts.clone()), ("TIMESTAMP_TYPE", s("TIMESTAMP"), 93));
    assert_eq!(sizes(ts), (Some(29), Some(9), None));
    let ltz = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    assert_eq!(id(ltz.clone()), ("TIMESTAMPLOCALTZ_TYPE", s("TIMESTAMP WITH LOCAL TIME ZONE"), 2014));
    assert_eq!(sizes(ltz), (Some(29), Some(9), None));
}

#[test]
fn binaries() {
    for dt in [DataType::Binary, DataType::LargeBinary, DataType::FixedSizeBinary(4), DataType::BinaryView] {
        assert_eq!(id(dt.clone()), ("BINARY_TYPE", s("BINARY"), -2), "{dt}");
        assert_eq!(sizes(dt), (Some(i32::MAX), None, None));
    }
}

#[test]
fn nested_types_name_their_parts() {
    let item = Arc::new(Field::new("item", DataType::Int32, true));
    for dt in [
        DataType::List(item.clone()),
        DataType::LargeList(item.clone()),
        DataType::FixedSizeList(item.clone(), 3),
        DataType::ListView(item.clone()),
        DataType::LargeListView(item.clone()),
    ] {
        assert_eq!(id(dt.clone()), ("ARRAY_TYPE", s("ARRAY<INT>"), 2003), "{dt}");
        assert_eq!(sizes(dt), (None, None, None));
    }
    let entries = Fields::from(vec![Field::new("key", DataType::Utf8, false), Field::new("value", DataType::Int32, true)]);
    let map = DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false);
    assert_eq!(id(map), ("MAP_TYPE", s("MAP<STRING,INT>"), 2000));
    let malformed = DataType::Map(Arc::new(Field::new("entries", DataType::Int32, false)), false);
    assert_eq!(id(malformed), ("STRING_TYPE", s("STRING"), 12));
    let row = DataType::Struct(Fields::from(vec![
        Field::new("a", DataType::Int32, true),
        Field::new("b", DataType::Utf8, true),
        Field::new("c", DataType::List(Arc::new(Field::new("item", DataType::Decimal128(10, 2), true))), true),
    ]));
    assert_eq!(id(row), ("STRUCT_TYPE", s("STRUCT<a:INT,b:STRING,c:ARRAY<DECIMAL(10,2)>>"), 2002));
}

#[test]
fn null_intervals_and_durations() {
    assert_eq!(id(DataType::Null), ("NULL_TYPE", s("VOID"), 0));
    assert_eq!(sizes(DataType::Null), (None, None, None));
    assert_eq!(id(DataType::Interval(IntervalUnit::YearMonth)), ("INTERVAL_YEAR_MONTH_TYPE", s("INTERVAL_YEAR_MONTH"), 1111));
    assert_eq!(id(DataType::Interval(IntervalUnit::DayTime)), ("INTERVAL_DAY_TIME_TYPE", s("INTERVAL_DAY_TIME"), 1111));
    assert_eq!(id(DataType::Interval(IntervalUnit::MonthDayNano)), ("INTERVAL_DAY_TIME_TYPE", s("INTERVAL_DAY_TIME"), 1111));
    assert_eq!(id(DataType::Duration(TimeUnit::Second)), ("INTERVAL_DAY_TIME_TYPE", s("INTERVAL_DAY_TIME"), 1111));
}

#[test]
fn encodings_are_their_values_and_unions_are_text() {
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    assert_eq!(id(dict), ("STRING_TYPE", s("STRING"), 12));
    let ree = DataType::RunEndEncoded(Arc::new(Field::new("run_ends", DataType::Int32, false)), Arc::new(Field::new("values", DataType::Int64, true)));
    assert_eq!(id(ree), ("BIGINT_TYPE", s("BIGINT"), -5));
    let union = DataType::Union(UnionFields::try_new(vec![0], vec![Field::new("a", DataType::Int32, true)]).expect("union fields"), UnionMode::Dense);
    assert_eq!(id(union), ("STRING_TYPE", s("STRING"), 12));
}

#[test]
fn declared_character_types() {
    let c = HiveType::character(false, 3);
    assert_eq!((c.type_id, c.name.as_str(), c.java_type, c.precision, c.column_size), ("CHAR_TYPE", "CHAR(3)", 1, 3, Some(3)));
    let v = HiveType::character(true, 20);
    assert_eq!((v.type_id, v.name.as_str(), v.java_type, v.precision, v.column_size), ("VARCHAR_TYPE", "VARCHAR(20)", 12, 20, Some(20)));
    assert_eq!((v.decimal_digits, v.radix, v.scale), (None, None, 0));
}
