//! Flink types: parsing, Arrow mapping, printing, and Arrow back to Flink.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, IntervalUnit, TimeUnit};

use super::*;
use crate::engine::dialect::cursor::Cursor;
use crate::engine::dialect::types::parse_type;

/// Parse a type written alone.
fn ty(text: &str) -> Result<FlinkType> {
    let mut c = Cursor::new(text)?;
    let ty = parse_type(&mut c)?;
    c.expect_end()?;
    Ok(ty)
}

/// Error text of a type.
fn ty_err(text: &str) -> String {
    match ty(text) {
        Err(e) => e.to_string(),
        Ok(t) => panic!("{text:?} parsed as {t:?}"),
    }
}

/// A nullable list of `item`.
fn list(item: DataType, nullable: bool) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, nullable)))
}

#[test]
fn parse_print_and_map() {
    use DataType as D;
    let ts = |unit, tz: Option<&str>| D::Timestamp(unit, tz.map(Into::into));
    let cases: Vec<(&str, &str, DataType)> = vec![
        ("STRING", "STRING", D::Utf8),
        ("string", "STRING", D::Utf8),
        ("VARCHAR(10)", "VARCHAR(10)", D::Utf8),
        ("VARCHAR", "VARCHAR(1)", D::Utf8),
        ("VARCHAR(2147483647)", "STRING", D::Utf8),
        ("CHAR(3)", "CHAR(3)", D::Utf8),
        ("CHARACTER VARYING(5)", "VARCHAR(5)", D::Utf8),
        ("BOOLEAN", "BOOLEAN", D::Boolean),
        ("TINYINT", "TINYINT", D::Int8),
        ("SMALLINT", "SMALLINT", D::Int16),
        ("INT", "INT", D::Int32),
        ("INTEGER", "INT", D::Int32),
        ("BIGINT", "BIGINT", D::Int64),
        ("FLOAT", "FLOAT", D::Float32),
        ("DOUBLE", "DOUBLE", D::Float64),
        ("DOUBLE PRECISION", "DOUBLE", D::Float64),
        ("DECIMAL", "DECIMAL(10, 0)", D::Decimal128(10, 0)),
        ("DEC(5, 2)", "DECIMAL(5, 2)", D::Decimal128(5, 2)),
        ("NUMERIC(38,10)", "DECIMAL(38, 10)", D::Decimal128(38, 10)),
        ("DECIMAL(7)", "DECIMAL(7, 0)", D::Decimal128(7, 0)),
        ("DATE", "DATE", D::Date32),
        ("TIME", "TIME(0)", D::Time64(TimeUnit::Nanosecond)),
        ("TIME(3) WITHOUT TIME ZONE", "TIME(3)", D::Time64(TimeUnit::Nanosecond)),
        ("TIMESTAMP", "TIMESTAMP(6)", ts(TimeUnit::Microsecond, None)),
        ("TIMESTAMP(0)", "TIMESTAMP(0)", ts(TimeUnit::Second, None)),
        ("TIMESTAMP(3)", "TIMESTAMP(3)", ts(TimeUnit::Millisecond, None)),
        ("TIMESTAMP(2)", "TIMESTAMP(2)", ts(TimeUnit::Millisecond, None)),
        ("TIMESTAMP(5) WITHOUT TIME ZONE", "TIMESTAMP(5)", ts(TimeUnit::Microsecond, None)),
        ("TIMESTAMP(9)", "TIMESTAMP(9)", ts(TimeUnit::Nanosecond, None)),
        ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)", ts(TimeUnit::Millisecond, Some("UTC"))),
        ("TIMESTAMP_LTZ", "TIMESTAMP_LTZ(6)", ts(TimeUnit::Microsecond, Some("UTC"))),
        ("timestamp_ltz(0)", "TIMESTAMP_LTZ(0)", ts(TimeUnit::Second, Some("UTC"))),
        ("BYTES", "BYTES", D::Binary),
        ("VARBINARY(4)", "VARBINARY(4)", D::Binary),
        ("BINARY(16)", "BINARY(16)", D::Binary),
        ("BINARY VARYING(8)", "VARBINARY(8)", D::Binary),
        ("ARRAY<INT>", "ARRAY<INT>", list(D::Int32, true)),
        ("INT ARRAY", "ARRAY<INT>", list(D::Int32, true)),
        ("ARRAY<INT NOT NULL>", "ARRAY<INT NOT NULL>", list(D::Int32, false)),
        ("ARRAY<ARRAY<INT>>", "ARRAY<ARRAY<INT>>", list(list(D::Int32, true), true)),
        ("ARRAY<ARRAY<ARRAY<INT>>>", "ARRAY<ARRAY<ARRAY<INT>>>", list(list(list(D::Int32, true), true), true)),
        (
            "MAP<STRING, INT>",
            "MAP<STRING, INT>",
            D::Map(
                Arc::new(Field::new(
                    "entries",
                    D::Struct(Fields::from(vec![
                        Field::new("key", D::Utf8, false),
                        Field::new("value", D::Int32, true),
                    ])),
                    false,
                )),
                false,
            ),
        ),
        (
            "ROW<a INT, B STRING NOT NULL>",
            "ROW<`a` INT, `b` STRING NOT NULL>",
            D::Struct(Fields::from(vec![Field::new("a", D::Int32, true), Field::new("b", D::Utf8, false)])),
        ),
        (
            "ROW(a INT, b STRING)",
            "ROW<`a` INT, `b` STRING>",
            D::Struct(Fields::from(vec![Field::new("a", D::Int32, true), Field::new("b", D::Utf8, true)])),
        ),
        (
            "ROW<`A b` INT 'it''s', c ARRAY<INT>>",
            "ROW<`A b` INT 'it''s', `c` ARRAY<INT>>",
            D::Struct(Fields::from(vec![
                Field::new("A b", D::Int32, true),
                Field::new("c", list(D::Int32, true), true),
            ])),
        ),
        ("ROW<>", "ROW<>", D::Struct(Fields::empty())),
        ("INT NOT NULL", "INT NOT NULL", D::Int32),
        ("ARRAY<INT> NOT NULL", "ARRAY<INT> NOT NULL", list(D::Int32, true)),
        ("INT NULL", "INT", D::Int32),
    ];
    for (text, sql, arrow) in cases {
        let t = ty(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(t.sql(), sql, "{text}");
        assert_eq!(t.to_arrow(), arrow, "{text}");
        assert_eq!(t.nullable(), !sql.ends_with(" NOT NULL"), "{text}");
    }
    let nested = ty("MAP<STRING, ARRAY<ROW<a ARRAY<INT>>>>").unwrap();
    assert_eq!(nested.sql(), "MAP<STRING, ARRAY<ROW<`a` ARRAY<INT>>>>");
}

#[test]
fn bad_types() {
    assert!(ty_err("FOO").contains("Unknown type: FOO at Line: 1, Column: 1"));
    assert!(ty_err("MULTISET<INT>").contains("Unsupported type: MULTISET"));
    assert!(ty_err("INT MULTISET").contains("Unsupported type: MULTISET"));
    assert!(ty_err("INTERVAL DAY").contains("Unsupported type: INTERVAL"));
    assert!(ty_err("DECIMAL(39)").contains("Decimal precision must be between 1 and 38"));
    assert!(ty_err("DECIMAL(5, 6)").contains("Decimal scale must be between 0 and the precision 5"));
    assert!(ty_err("VARCHAR(0)").contains("Length of VARCHAR must be between 1"));
    assert!(ty_err("VARCHAR(99999999999)").contains("Length of VARCHAR must be between 1"));
    assert!(ty_err("TIMESTAMP(10)").contains("Timestamp precision must be between 0 and 9"));
    assert!(ty_err("TIMESTAMP(3) WITH TIME ZONE").contains("Unsupported type: TIMESTAMP WITH TIME ZONE"));
    assert!(ty_err("ARRAY<INT").contains("Encountered \"<EOF>\""));
    assert!(ty_err("ARRAY<INT>>").contains("Unexpected '>'"));
    assert!(ty_err("MAP<INT>").contains("Expected: ','"));
    assert!(ty_err("ROW<a INT, a INT>").contains("Duplicate field name 'a'"));
    assert!(ty_err("ROW(a ARRAY<INT>>)").contains("Unexpected '>' in ROW(...)"));
    assert!(ty_err("ROW(a ARRAY<ARRAY<INT>>>)").contains("Expected: ')', found: >"));
    assert!(ty_err("'text'").contains("Expected: a data type"));
    let deep = format!("{}INT{}", "ARRAY<".repeat(10_000), ">".repeat(10_000));
    assert!(ty_err(&deep).contains("nested too deeply"));
}

#[test]
fn arrow_to_flink() {
    use DataType as D;
    let cases: Vec<(DataType, &str)> = vec![
        (D::Utf8, "STRING"),
        (D::LargeUtf8, "STRING"),
        (D::Utf8View, "STRING"),
        (D::Boolean, "BOOLEAN"),
        (D::Int8, "TINYINT"),
        (D::Int16, "SMALLINT"),
        (D::Int32, "INT"),
        (D::Int64, "BIGINT"),
        (D::UInt32, "BIGINT"),
        (D::UInt64, "DECIMAL(20, 0)"),
        (D::Float32, "FLOAT"),
        (D::Float64, "DOUBLE"),
        (D::Binary, "BYTES"),
        (D::FixedSizeBinary(4), "BINARY(4)"),
        (D::Date32, "DATE"),
        (D::Time64(TimeUnit::Microsecond), "TIME(6)"),
        (D::Timestamp(TimeUnit::Millisecond, None), "TIMESTAMP(3)"),
        (D::Timestamp(TimeUnit::Microsecond, Some("+08:00".into())), "TIMESTAMP_LTZ(6)"),
        (D::Decimal128(10, 2), "DECIMAL(10, 2)"),
        (D::Interval(IntervalUnit::DayTime), "INTERVAL DAY(2) TO SECOND(3)"),
        (D::Interval(IntervalUnit::YearMonth), "INTERVAL YEAR(2) TO MONTH"),
        (D::Null, "NULL"),
        (D::Dictionary(Box::new(D::Int32), Box::new(D::Utf8)), "STRING"),
        (list(D::Int32, true), "ARRAY<INT>"),
        (list(D::Int32, false), "ARRAY<INT NOT NULL>"),
        (
            D::Struct(Fields::from(vec![Field::new("a", D::Int32, true), Field::new("b`c", D::Utf8, false)])),
            "ROW<`a` INT, `b``c` STRING NOT NULL>",
        ),
    ];
    for (arrow, sql) in cases {
        assert_eq!(flink_type_of(&arrow), sql, "{arrow:?}");
    }
}

#[test]
fn round_trips_where_arrow_keeps_the_type() {
    for text in [
        "STRING",
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "INT",
        "BIGINT",
        "FLOAT",
        "DOUBLE",
        "DECIMAL(10, 2)",
        "DATE",
        "TIMESTAMP(0)",
        "TIMESTAMP(3)",
        "TIMESTAMP(6)",
        "TIMESTAMP(9)",
        "TIMESTAMP_LTZ(3)",
        "BYTES",
        "ARRAY<INT>",
        "ARRAY<BIGINT NOT NULL>",
        "MAP<STRING, INT>",
        "MAP<STRING, ARRAY<DOUBLE>>",
        "ROW<`a` INT, `b` STRING>",
        "ROW<`a` ROW<`x` DATE NOT NULL>>",
    ] {
        let t = ty(text).unwrap();
        assert_eq!(t.sql(), text);
        assert_eq!(flink_type_of(&t.to_arrow()), text);
    }
}
