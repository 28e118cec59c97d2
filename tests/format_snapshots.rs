//! Snapshot tests of the result encoders: build record batches in code and
//! compare the exact text of the `logicalType` JSON, the JSON rows and the
//! PLAIN_TEXT rows against the expected wire output.
//!
//! Each snapshot shows one line per row. The helper also checks that writing
//! the whole batch at once equals those rows joined by `,`, and it renders
//! each row from a one-row slice, so offset handling in sliced arrays is
//! covered by every case.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, BooleanArray, Date32Array, Date64Array,
    Decimal32Array, Decimal64Array, Decimal128Array, Decimal256Array, DictionaryArray,
    DurationMicrosecondArray, DurationMillisecondArray, DurationNanosecondArray,
    DurationSecondArray, FixedSizeBinaryArray, FixedSizeListArray, Float16Array, Float32Array,
    Float64Array, Int8Array, Int16Array, Int32Array, Int64Array, Int64Builder,
    IntervalDayTimeArray, IntervalMonthDayNanoArray, IntervalYearMonthArray, LargeBinaryArray,
    LargeListArray, LargeStringArray, ListArray, ListViewArray, MapArray, MapBuilder, NullArray,
    RunArray, StringArray, StringBuilder, StringViewArray, StructArray, Time32MillisecondArray,
    Time32SecondArray, Time64MicrosecondArray, Time64NanosecondArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray, UInt8Array,
    UInt16Array, UInt32Array, UInt64Array, UnionArray,
};
use datafusion::arrow::buffer::{OffsetBuffer, ScalarBuffer};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Field, Fields, Int32Type, IntervalDayTime, IntervalMonthDayNano, Schema, UnionFields,
    i256,
};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use sluicegate::format::*;
use sluicegate::result::RowKind;

// ---------------------------------------------------------------- helpers

/// A batch with one nullable column named `c`.
fn column(array: impl Array + 'static) -> RecordBatch {
    columns(vec![("c", Arc::new(array) as ArrayRef)])
}

/// A batch of nullable columns.
fn columns(arrays: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter_with_nullable(
        arrays.into_iter().map(|(name, array)| (name, array, true)),
    )
    .unwrap()
}

fn json_rows(batch: &RecordBatch, kinds: Option<&[RowKind]>, opts: &FormatOptions) -> String {
    let mut out = Vec::new();
    write_json_rows(batch, kinds, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn text_rows(batch: &RecordBatch, kinds: Option<&[RowKind]>, opts: &FormatOptions) -> String {
    let mut out = Vec::new();
    write_plain_text_rows(batch, kinds, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Renders a batch the way the snapshots show it: the logical type of every
/// column, then one JSON row and one PLAIN_TEXT row per line.
fn render(batch: &RecordBatch, kinds: Option<&[RowKind]>, opts: &FormatOptions) -> String {
    let mut snapshot = String::new();
    for field in batch.schema().fields() {
        let logical = serde_json::to_string(&logical_type(field)).unwrap();
        snapshot.push_str(&format!("type {}: {logical}\n", field.name()));
    }
    let mut json_lines = Vec::new();
    let mut text_lines = Vec::new();
    for row in 0..batch.num_rows() {
        let one = batch.slice(row, 1);
        let kind = kinds.map(|k| &k[row..row + 1]);
        json_lines.push(json_rows(&one, kind, opts));
        text_lines.push(text_rows(&one, kind, opts));
    }
    // The whole batch at once must be exactly the rows joined by commas.
    assert_eq!(json_rows(batch, kinds, opts), json_lines.join(","));
    assert_eq!(text_rows(batch, kinds, opts), text_lines.join(","));
    for line in json_lines {
        // Every JSON row must also be valid JSON on its own.
        serde_json::from_str::<serde_json::Value>(&line).unwrap();
        snapshot.push_str(&format!("json {line}\n"));
    }
    for line in text_lines {
        serde_json::from_str::<serde_json::Value>(&line).unwrap();
        snapshot.push_str(&format!("text {line}\n"));
    }
    snapshot
}

/// Asserts the snapshot of `batch` in a UTC session.
#[track_caller]
fn assert_snapshot(batch: &RecordBatch, expected: &str) {
    assert_snapshot_with(batch, None, &FormatOptions::default(), expected);
}

#[track_caller]
fn assert_snapshot_with(
    batch: &RecordBatch,
    kinds: Option<&[RowKind]>,
    opts: &FormatOptions,
    expected: &str,
) {
    let actual = render(batch, kinds, opts);
    assert_eq!(
        actual.trim_end(),
        expected.trim(),
        "\n--- actual snapshot ---\n{actual}"
    );
}

fn type_json(data_type: DataType, nullable: bool) -> String {
    serde_json::to_string(&logical_type(&Field::new("c", data_type, nullable))).unwrap()
}

fn zone(name: &str) -> FormatOptions {
    FormatOptions::from_zone_name(name).unwrap()
}

// ---------------------------------------------------------------- scalars

#[test]
fn booleans() {
    assert_snapshot(
        &column(BooleanArray::from(vec![Some(true), Some(false), None])),
        r#"
type c: {"type":"BOOLEAN","nullable":true}
json {"kind":"INSERT","fields":[true]}
json {"kind":"INSERT","fields":[false]}
json {"kind":"INSERT","fields":[null]}
text {"kind":"INSERT","fields":["TRUE"]}
text {"kind":"INSERT","fields":["FALSE"]}
text {"kind":"INSERT","fields":[null]}
"#,
    );
}

#[test]
fn signed_integers() {
    let batch = columns(vec![
        (
            "i8",
            Arc::new(Int8Array::from(vec![Some(i8::MIN), None])) as ArrayRef,
        ),
        (
            "i16",
            Arc::new(Int16Array::from(vec![Some(i16::MAX), Some(0)])),
        ),
        ("i32", Arc::new(Int32Array::from(vec![Some(-45_536), None]))),
        (
            "i64",
            Arc::new(Int64Array::from(vec![
                Some(i64::MIN),
                Some(1_238_123_899_121),
            ])),
        ),
    ]);
    assert_snapshot(
        &batch,
        r#"
type i8: {"type":"TINYINT","nullable":true}
type i16: {"type":"SMALLINT","nullable":true}
type i32: {"type":"INTEGER","nullable":true}
type i64: {"type":"BIGINT","nullable":true}
json {"kind":"INSERT","fields":[-128,32767,-45536,-9223372036854775808]}
json {"kind":"INSERT","fields":[null,0,null,1238123899121]}
text {"kind":"INSERT","fields":["-128","32767","-45536","-9223372036854775808"]}
text {"kind":"INSERT","fields":[null,"0",null,"1238123899121"]}
"#,
    );
}

#[test]
fn unsigned_integers_are_widened() {
    let batch = columns(vec![
        ("u8", Arc::new(UInt8Array::from(vec![u8::MAX])) as ArrayRef),
        ("u16", Arc::new(UInt16Array::from(vec![u16::MAX]))),
        ("u32", Arc::new(UInt32Array::from(vec![u32::MAX]))),
        ("u64", Arc::new(UInt64Array::from(vec![u64::MAX]))),
    ]);
    assert_snapshot(
        &batch,
        r#"
type u8: {"type":"SMALLINT","nullable":true}
type u16: {"type":"INTEGER","nullable":true}
type u32: {"type":"BIGINT","nullable":true}
type u64: {"type":"DECIMAL","nullable":true,"precision":20,"scale":0}
json {"kind":"INSERT","fields":[255,65535,4294967295,18446744073709551615]}
text {"kind":"INSERT","fields":["255","65535","4294967295","18446744073709551615"]}
"#,
    );
}

#[test]
fn doubles_follow_java_and_non_finite_values_are_strings() {
    let values = [
        1.0,
        33.333,
        -0.5,
        0.001,
        1e-5,
        1e7,
        1e10,
        -0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut array: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
    array.push(None);
    assert_snapshot(
        &column(Float64Array::from(array)),
        r#"
type c: {"type":"DOUBLE","nullable":true}
json {"kind":"INSERT","fields":[1.0]}
json {"kind":"INSERT","fields":[33.333]}
json {"kind":"INSERT","fields":[-0.5]}
json {"kind":"INSERT","fields":[0.001]}
json {"kind":"INSERT","fields":[1.0E-5]}
json {"kind":"INSERT","fields":[1.0E7]}
json {"kind":"INSERT","fields":[1.0E10]}
json {"kind":"INSERT","fields":[-0.0]}
json {"kind":"INSERT","fields":["NaN"]}
json {"kind":"INSERT","fields":["Infinity"]}
json {"kind":"INSERT","fields":["-Infinity"]}
json {"kind":"INSERT","fields":[null]}
text {"kind":"INSERT","fields":["1.0"]}
text {"kind":"INSERT","fields":["33.333"]}
text {"kind":"INSERT","fields":["-0.5"]}
text {"kind":"INSERT","fields":["0.001"]}
text {"kind":"INSERT","fields":["1.0E-5"]}
text {"kind":"INSERT","fields":["1.0E7"]}
text {"kind":"INSERT","fields":["1.0E10"]}
text {"kind":"INSERT","fields":["-0.0"]}
text {"kind":"INSERT","fields":["NaN"]}
text {"kind":"INSERT","fields":["Infinity"]}
text {"kind":"INSERT","fields":["-Infinity"]}
text {"kind":"INSERT","fields":[null]}
"#,
    );
}

/// A Float16 column (via arrow's cast, so the test needs no `half` crate).
fn half_floats(values: Vec<f32>) -> ArrayRef {
    let half = cast(&Float32Array::from(values), &DataType::Float16).unwrap();
    assert!(half.as_any().is::<Float16Array>());
    half
}

#[test]
fn floats_print_their_own_shortest_digits() {
    let batch = columns(vec![
        (
            "f32",
            Arc::new(Float32Array::from(vec![33.333f32, f32::NAN, 1.0e10])) as ArrayRef,
        ),
        ("f16", half_floats(vec![1.5, f32::INFINITY, -2.0])),
    ]);
    assert_snapshot(
        &batch,
        r#"
type f32: {"type":"FLOAT","nullable":true}
type f16: {"type":"FLOAT","nullable":true}
json {"kind":"INSERT","fields":[33.333,1.5]}
json {"kind":"INSERT","fields":["NaN","Infinity"]}
json {"kind":"INSERT","fields":[1.0E10,-2.0]}
text {"kind":"INSERT","fields":["33.333","1.5"]}
text {"kind":"INSERT","fields":["NaN","Infinity"]}
text {"kind":"INSERT","fields":["1.0E10","-2.0"]}
"#,
    );
}

#[test]
fn decimals_strip_in_json_and_keep_scale_in_text() {
    let scale2 = Decimal128Array::from(vec![
        Some(150),
        Some(10_000),
        Some(0),
        Some(-150),
        Some(-5),
        Some(2025),
        None,
    ])
    .with_precision_and_scale(10, 2)
    .unwrap();
    assert_snapshot(
        &column(scale2),
        r#"
type c: {"type":"DECIMAL","nullable":true,"precision":10,"scale":2}
json {"kind":"INSERT","fields":[1.5]}
json {"kind":"INSERT","fields":[100]}
json {"kind":"INSERT","fields":[0]}
json {"kind":"INSERT","fields":[-1.5]}
json {"kind":"INSERT","fields":[-0.05]}
json {"kind":"INSERT","fields":[20.25]}
json {"kind":"INSERT","fields":[null]}
text {"kind":"INSERT","fields":["1.50"]}
text {"kind":"INSERT","fields":["100.00"]}
text {"kind":"INSERT","fields":["0.00"]}
text {"kind":"INSERT","fields":["-1.50"]}
text {"kind":"INSERT","fields":["-0.05"]}
text {"kind":"INSERT","fields":["20.25"]}
text {"kind":"INSERT","fields":[null]}
"#,
    );
}

#[test]
fn decimals_of_every_width() {
    let big = i256::from_string("-123456789012345678901234567890123456789012345").unwrap();
    let batch = columns(vec![
        (
            "d0",
            Arc::new(
                Decimal128Array::from(vec![100, -7])
                    .with_precision_and_scale(5, 0)
                    .unwrap(),
            ) as ArrayRef,
        ),
        (
            "d32",
            Arc::new(
                Decimal32Array::from(vec![12_345, -1])
                    .with_precision_and_scale(9, 3)
                    .unwrap(),
            ),
        ),
        (
            "d64",
            Arc::new(
                Decimal64Array::from(vec![123_456_789, 10])
                    .with_precision_and_scale(18, 6)
                    .unwrap(),
            ),
        ),
        (
            "d256",
            Arc::new(
                Decimal256Array::from(vec![big, i256::from_i128(-1200)])
                    .with_precision_and_scale(50, 4)
                    .unwrap(),
            ),
        ),
        (
            "neg",
            Arc::new(
                Decimal128Array::from(vec![123, 0])
                    .with_precision_and_scale(3, -2)
                    .unwrap(),
            ),
        ),
    ]);
    assert_snapshot(
        &batch,
        r#"
type d0: {"type":"DECIMAL","nullable":true,"precision":5,"scale":0}
type d32: {"type":"DECIMAL","nullable":true,"precision":9,"scale":3}
type d64: {"type":"DECIMAL","nullable":true,"precision":18,"scale":6}
type d256: {"type":"DECIMAL","nullable":true,"precision":38,"scale":4}
type neg: {"type":"DECIMAL","nullable":true,"precision":5,"scale":0}
json {"kind":"INSERT","fields":[100,12.345,123.456789,-12345678901234567890123456789012345678901.2345,12300]}
json {"kind":"INSERT","fields":[-7,-0.001,0.00001,-0.12,0]}
text {"kind":"INSERT","fields":["100","12.345","123.456789","-12345678901234567890123456789012345678901.2345","12300"]}
text {"kind":"INSERT","fields":["-7","-0.001","0.000010","-0.1200","0"]}
"#,
    );
}

#[test]
fn strings_are_escaped_and_unicode_is_kept() {
    let values = vec![
        Some("plain"),
        Some("say \"hi\""),
        Some("back\\slash"),
        Some("line\nbreak\ttab\r"),
        Some("bell\u{7}"),
        Some("emoji 😀"),
        Some("中文字符"),
        Some(""),
        None,
    ];
    let batch = columns(vec![
        (
            "utf8",
            Arc::new(StringArray::from(values.clone())) as ArrayRef,
        ),
        ("large", Arc::new(LargeStringArray::from(values.clone()))),
        ("view", Arc::new(StringViewArray::from(values))),
    ]);
    assert_snapshot(
        &batch,
        r#"
type utf8: {"type":"VARCHAR","nullable":true,"length":2147483647}
type large: {"type":"VARCHAR","nullable":true,"length":2147483647}
type view: {"type":"VARCHAR","nullable":true,"length":2147483647}
json {"kind":"INSERT","fields":["plain","plain","plain"]}
json {"kind":"INSERT","fields":["say \"hi\"","say \"hi\"","say \"hi\""]}
json {"kind":"INSERT","fields":["back\\slash","back\\slash","back\\slash"]}
json {"kind":"INSERT","fields":["line\nbreak\ttab\r","line\nbreak\ttab\r","line\nbreak\ttab\r"]}
json {"kind":"INSERT","fields":["bell\u0007","bell\u0007","bell\u0007"]}
json {"kind":"INSERT","fields":["emoji 😀","emoji 😀","emoji 😀"]}
json {"kind":"INSERT","fields":["中文字符","中文字符","中文字符"]}
json {"kind":"INSERT","fields":["","",""]}
json {"kind":"INSERT","fields":[null,null,null]}
text {"kind":"INSERT","fields":["plain","plain","plain"]}
text {"kind":"INSERT","fields":["say \"hi\"","say \"hi\"","say \"hi\""]}
text {"kind":"INSERT","fields":["back\\slash","back\\slash","back\\slash"]}
text {"kind":"INSERT","fields":["line\nbreak\ttab\r","line\nbreak\ttab\r","line\nbreak\ttab\r"]}
text {"kind":"INSERT","fields":["bell\u0007","bell\u0007","bell\u0007"]}
text {"kind":"INSERT","fields":["emoji 😀","emoji 😀","emoji 😀"]}
text {"kind":"INSERT","fields":["中文字符","中文字符","中文字符"]}
text {"kind":"INSERT","fields":["","",""]}
text {"kind":"INSERT","fields":[null,null,null]}
"#,
    );
}

#[test]
fn binary_is_base64_in_json_and_hex_in_text() {
    let values: Vec<Option<&[u8]>> = vec![Some(&[0x0a, 0x1b]), Some(b"hello"), Some(&[]), None];
    let fixed = FixedSizeBinaryArray::try_from_sparse_iter_with_size(
        vec![
            Some([0xffu8, 0x00]),
            Some([0x01, 0x02]),
            Some([0xab, 0xcd]),
            None,
        ]
        .into_iter(),
        2,
    )
    .unwrap();
    let batch = columns(vec![
        (
            "bin",
            Arc::new(BinaryArray::from(values.clone())) as ArrayRef,
        ),
        ("large", Arc::new(LargeBinaryArray::from(values.clone()))),
        ("view", Arc::new(BinaryViewArray::from(values))),
        ("fixed", Arc::new(fixed)),
    ]);
    assert_snapshot(
        &batch,
        r#"
type bin: {"type":"VARBINARY","nullable":true,"length":2147483647}
type large: {"type":"VARBINARY","nullable":true,"length":2147483647}
type view: {"type":"VARBINARY","nullable":true,"length":2147483647}
type fixed: {"type":"BINARY","nullable":true,"length":2}
json {"kind":"INSERT","fields":["Chs=","Chs=","Chs=","/wA="]}
json {"kind":"INSERT","fields":["aGVsbG8=","aGVsbG8=","aGVsbG8=","AQI="]}
json {"kind":"INSERT","fields":["","","","q80="]}
json {"kind":"INSERT","fields":[null,null,null,null]}
text {"kind":"INSERT","fields":["x'0a1b'","x'0a1b'","x'0a1b'","x'ff00'"]}
text {"kind":"INSERT","fields":["x'68656c6c6f'","x'68656c6c6f'","x'68656c6c6f'","x'0102'"]}
text {"kind":"INSERT","fields":["x''","x''","x''","x'abcd'"]}
text {"kind":"INSERT","fields":[null,null,null,null]}
"#,
    );
}

// ---------------------------------------------------------------- temporal

#[test]
fn dates() {
    let batch = columns(vec![
        (
            "d32",
            Arc::new(Date32Array::from(vec![
                Some(19_753),
                Some(-1),
                Some(0),
                None,
            ])) as ArrayRef,
        ),
        (
            "d64",
            Arc::new(Date64Array::from(vec![
                Some(1_706_659_200_000),
                Some(-1),
                Some(86_399_999),
                None,
            ])),
        ),
    ]);
    assert_snapshot(
        &batch,
        r#"
type d32: {"type":"DATE","nullable":true}
type d64: {"type":"DATE","nullable":true}
json {"kind":"INSERT","fields":["2024-01-31","2024-01-31"]}
json {"kind":"INSERT","fields":["1969-12-31","1969-12-31"]}
json {"kind":"INSERT","fields":["1970-01-01","1970-01-01"]}
json {"kind":"INSERT","fields":[null,null]}
text {"kind":"INSERT","fields":["2024-01-31","2024-01-31"]}
text {"kind":"INSERT","fields":["1969-12-31","1969-12-31"]}
text {"kind":"INSERT","fields":["1970-01-01","1970-01-01"]}
text {"kind":"INSERT","fields":[null,null]}
"#,
    );
}

/// 12:34:56 as seconds since midnight.
const NOON_ISH: i64 = (12 * 60 + 34) * 60 + 56;

#[test]
fn times_of_each_unit() {
    let batch = columns(vec![
        (
            "s",
            Arc::new(Time32SecondArray::from(vec![
                Some(NOON_ISH as i32),
                Some(0),
                None,
            ])) as ArrayRef,
        ),
        (
            "ms",
            Arc::new(Time32MillisecondArray::from(vec![
                Some(NOON_ISH as i32 * 1000 + 123),
                Some(0),
                None,
            ])),
        ),
        (
            "us",
            Arc::new(Time64MicrosecondArray::from(vec![
                Some(NOON_ISH * 1_000_000 + 120_000),
                Some(1),
                None,
            ])),
        ),
        (
            "ns",
            Arc::new(Time64NanosecondArray::from(vec![
                Some(NOON_ISH * 1_000_000_000),
                Some(86_399_999_999_999),
                None,
            ])),
        ),
    ]);
    assert_snapshot(
        &batch,
        r#"
type s: {"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":0}
type ms: {"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":3}
type us: {"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":6}
type ns: {"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":9}
json {"kind":"INSERT","fields":["12:34:56","12:34:56.123","12:34:56.12","12:34:56"]}
json {"kind":"INSERT","fields":["00:00:00","00:00:00","00:00:00.000001","23:59:59.999999999"]}
json {"kind":"INSERT","fields":[null,null,null,null]}
text {"kind":"INSERT","fields":["12:34:56","12:34:56.123","12:34:56.120000","12:34:56.000000000"]}
text {"kind":"INSERT","fields":["00:00:00","00:00:00.000","00:00:00.000001","23:59:59.999999999"]}
text {"kind":"INSERT","fields":[null,null,null,null]}
"#,
    );
}

/// 2024-01-31T12:34:56Z in seconds.
const INSTANT: i64 = 1_706_704_496;

#[test]
fn timestamps_of_each_unit() {
    let batch = columns(vec![
        (
            "s",
            Arc::new(TimestampSecondArray::from(vec![
                Some(INSTANT),
                Some(-1),
                None,
            ])) as ArrayRef,
        ),
        (
            "ms",
            Arc::new(TimestampMillisecondArray::from(vec![
                Some(INSTANT * 1000 + 123),
                Some(INSTANT * 1000),
                None,
            ])),
        ),
        (
            "us",
            Arc::new(TimestampMicrosecondArray::from(vec![
                Some(INSTANT * 1_000_000 + 123_400),
                Some(-1),
                None,
            ])),
        ),
        (
            "ns",
            Arc::new(TimestampNanosecondArray::from(vec![
                Some(INSTANT * 1_000_000_000 + 1),
                Some(0),
                None,
            ])),
        ),
    ]);
    assert_snapshot(
        &batch,
        r#"
type s: {"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":0}
type ms: {"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":3}
type us: {"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":6}
type ns: {"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":9}
json {"kind":"INSERT","fields":["2024-01-31T12:34:56","2024-01-31T12:34:56.123","2024-01-31T12:34:56.1234","2024-01-31T12:34:56.000000001"]}
json {"kind":"INSERT","fields":["1969-12-31T23:59:59","2024-01-31T12:34:56","1969-12-31T23:59:59.999999","1970-01-01T00:00:00"]}
json {"kind":"INSERT","fields":[null,null,null,null]}
text {"kind":"INSERT","fields":["2024-01-31 12:34:56","2024-01-31 12:34:56.123","2024-01-31 12:34:56.123400","2024-01-31 12:34:56.000000001"]}
text {"kind":"INSERT","fields":["1969-12-31 23:59:59","2024-01-31 12:34:56.000","1969-12-31 23:59:59.999999","1970-01-01 00:00:00.000000000"]}
text {"kind":"INSERT","fields":[null,null,null,null]}
"#,
    );
}

/// LTZ columns of every unit; the Arrow zone is irrelevant (values are
/// instants), only the session zone matters.
fn ltz_batch() -> RecordBatch {
    columns(vec![
        (
            "s",
            Arc::new(TimestampSecondArray::from(vec![Some(0), None]).with_timezone("UTC"))
                as ArrayRef,
        ),
        (
            "ms",
            Arc::new(
                TimestampMillisecondArray::from(vec![Some(123), None]).with_timezone("+02:00"),
            ),
        ),
        (
            "us",
            Arc::new(
                TimestampMicrosecondArray::from(vec![Some(INSTANT * 1_000_000), None])
                    .with_timezone("UTC"),
            ),
        ),
        (
            "ns",
            Arc::new(
                TimestampNanosecondArray::from(vec![Some(-1), None]).with_timezone("Europe/Berlin"),
            ),
        ),
    ])
}

#[test]
fn ltz_in_a_utc_session() {
    assert_snapshot(
        &ltz_batch(),
        r#"
type s: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":0}
type ms: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}
type us: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":6}
type ns: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":9}
json {"kind":"INSERT","fields":["1970-01-01T00:00:00Z","1970-01-01T00:00:00.123Z","2024-01-31T12:34:56Z","1969-12-31T23:59:59.999999999Z"]}
json {"kind":"INSERT","fields":[null,null,null,null]}
text {"kind":"INSERT","fields":["1970-01-01 00:00:00","1970-01-01 00:00:00.123","2024-01-31 12:34:56.000000","1969-12-31 23:59:59.999999999"]}
text {"kind":"INSERT","fields":[null,null,null,null]}
"#,
    );
}

#[test]
fn ltz_in_a_shanghai_session_is_shifted_and_keeps_the_z() {
    assert_snapshot_with(
        &ltz_batch(),
        None,
        &zone("Asia/Shanghai"),
        r#"
type s: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":0}
type ms: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}
type us: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":6}
type ns: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":9}
json {"kind":"INSERT","fields":["1970-01-01T08:00:00Z","1970-01-01T08:00:00.123Z","2024-01-31T20:34:56Z","1970-01-01T07:59:59.999999999Z"]}
json {"kind":"INSERT","fields":[null,null,null,null]}
text {"kind":"INSERT","fields":["1970-01-01 08:00:00","1970-01-01 08:00:00.123","2024-01-31 20:34:56.000000","1970-01-01 07:59:59.999999999"]}
text {"kind":"INSERT","fields":[null,null,null,null]}
"#,
    );
}

#[test]
fn ltz_follows_daylight_saving_and_fixed_offsets() {
    // 2024-01-01T12:00Z and 2024-07-01T12:00Z.
    let instants = vec![Some(1_704_110_400_000), Some(1_719_835_200_000)];
    let batch = column(TimestampMillisecondArray::from(instants).with_timezone("UTC"));
    assert_snapshot_with(
        &batch,
        None,
        &zone("America/New_York"),
        r#"
type c: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}
json {"kind":"INSERT","fields":["2024-01-01T07:00:00Z"]}
json {"kind":"INSERT","fields":["2024-07-01T08:00:00Z"]}
text {"kind":"INSERT","fields":["2024-01-01 07:00:00.000"]}
text {"kind":"INSERT","fields":["2024-07-01 08:00:00.000"]}
"#,
    );
    assert_snapshot_with(
        &batch,
        None,
        &zone("-05:30"),
        r#"
type c: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}
json {"kind":"INSERT","fields":["2024-01-01T06:30:00Z"]}
json {"kind":"INSERT","fields":["2024-07-01T06:30:00Z"]}
text {"kind":"INSERT","fields":["2024-01-01 06:30:00.000"]}
text {"kind":"INSERT","fields":["2024-07-01 06:30:00.000"]}
"#,
    );
}

#[test]
fn nested_ltz_is_not_shifted_in_json_but_is_in_text() {
    let ltz = TimestampMillisecondArray::from(vec![Some(0)]).with_timezone("UTC");
    let row = StructArray::from(vec![(
        Arc::new(Field::new("at", ltz.data_type().clone(), true)),
        Arc::new(ltz.clone()) as ArrayRef,
    )]);
    let batch = columns(vec![
        ("top", Arc::new(ltz) as ArrayRef),
        ("row", Arc::new(row)),
    ]);
    assert_snapshot_with(
        &batch,
        None,
        &zone("Asia/Shanghai"),
        r#"
type top: {"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}
type row: {"type":"ROW","nullable":true,"fields":[{"name":"at","fieldType":{"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}}]}
json {"kind":"INSERT","fields":["1970-01-01T08:00:00Z",{"at":"1970-01-01T00:00:00Z"}]}
text {"kind":"INSERT","fields":["1970-01-01 08:00:00.000","(1970-01-01 08:00:00.000)"]}
"#,
    );
}

#[test]
fn intervals_and_durations() {
    let batch = columns(vec![
        (
            "ym",
            Arc::new(IntervalYearMonthArray::from(vec![Some(14), Some(-3), None])) as ArrayRef,
        ),
        (
            "dt",
            Arc::new(IntervalDayTimeArray::from(vec![
                Some(IntervalDayTime::new(1, 7_384_005)),
                Some(IntervalDayTime::new(0, -1_500)),
                None,
            ])),
        ),
        (
            "mdn",
            Arc::new(IntervalMonthDayNanoArray::from(vec![
                Some(IntervalMonthDayNano::new(1, 2, 3_000_000)),
                Some(IntervalMonthDayNano::new(0, 0, 1_999_999)),
                None,
            ])),
        ),
        (
            "ds",
            Arc::new(DurationSecondArray::from(vec![
                Some(90),
                Some(-86_400),
                None,
            ])),
        ),
        (
            "dms",
            Arc::new(DurationMillisecondArray::from(vec![
                Some(93_784_005),
                Some(0),
                None,
            ])),
        ),
        (
            "dus",
            Arc::new(DurationMicrosecondArray::from(vec![
                Some(1_500),
                Some(-2_500),
                None,
            ])),
        ),
        (
            "dns",
            Arc::new(DurationNanosecondArray::from(vec![
                Some(5_000_000),
                Some(999_999),
                None,
            ])),
        ),
    ]);
    assert_snapshot(
        &batch,
        r#"
type ym: {"type":"INTERVAL_YEAR_MONTH","nullable":true,"precision":2,"resolution":"YEAR_TO_MONTH"}
type dt: {"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":3,"resolution":"DAY_TO_SECOND"}
type mdn: {"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":9,"resolution":"DAY_TO_SECOND"}
type ds: {"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":0,"resolution":"DAY_TO_SECOND"}
type dms: {"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":3,"resolution":"DAY_TO_SECOND"}
type dus: {"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":6,"resolution":"DAY_TO_SECOND"}
type dns: {"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":9,"resolution":"DAY_TO_SECOND"}
json {"kind":"INSERT","fields":[14,93784005,2764800003,90000,93784005,1,5]}
json {"kind":"INSERT","fields":[-3,-1500,1,-86400000,0,-2,0]}
json {"kind":"INSERT","fields":[null,null,null,null,null,null,null]}
text {"kind":"INSERT","fields":["+1-02","+1 02:03:04.005","+32 00:00:00.003","+0 00:01:30.000","+1 02:03:04.005","+0 00:00:00.001","+0 00:00:00.005"]}
text {"kind":"INSERT","fields":["-0-03","-0 00:00:01.500","+0 00:00:00.001","-1 00:00:00.000","+0 00:00:00.000","-0 00:00:00.002","+0 00:00:00.000"]}
text {"kind":"INSERT","fields":[null,null,null,null,null,null,null]}
"#,
    );
}

// ---------------------------------------------------------------- nested

#[test]
fn lists_of_every_layout() {
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1), Some(2), None]),
        Some(vec![]),
        None,
    ]);
    let large = LargeListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(3)]),
        None,
        Some(vec![Some(4), Some(5)]),
    ]);
    let fixed = FixedSizeListArray::from_iter_primitive::<Int32Type, _, _>(
        vec![
            Some(vec![Some(1), Some(2)]),
            Some(vec![None, Some(9)]),
            None,
        ],
        2,
    );
    let item = Arc::new(Field::new_list_field(DataType::Int32, true));
    let view = ListViewArray::new(
        item,
        ScalarBuffer::from(vec![2, 0, 0]),
        ScalarBuffer::from(vec![2, 3, 0]),
        Arc::new(Int32Array::from(vec![Some(7), None, Some(8), Some(9)])),
        None,
    );
    let batch = columns(vec![
        ("list", Arc::new(list) as ArrayRef),
        ("large", Arc::new(large)),
        ("fixed", Arc::new(fixed)),
        ("view", Arc::new(view)),
    ]);
    assert_snapshot(
        &batch,
        r#"
type list: {"type":"ARRAY","nullable":true,"elementType":{"type":"INTEGER","nullable":true}}
type large: {"type":"ARRAY","nullable":true,"elementType":{"type":"INTEGER","nullable":true}}
type fixed: {"type":"ARRAY","nullable":true,"elementType":{"type":"INTEGER","nullable":true}}
type view: {"type":"ARRAY","nullable":true,"elementType":{"type":"INTEGER","nullable":true}}
json {"kind":"INSERT","fields":[[1,2,null],[3],[1,2],[8,9]]}
json {"kind":"INSERT","fields":[[],null,[null,9],[7,null,8]]}
json {"kind":"INSERT","fields":[null,[4,5],null,[]]}
text {"kind":"INSERT","fields":["[1, 2, NULL]","[3]","[1, 2]","[8, 9]"]}
text {"kind":"INSERT","fields":["[]",null,"[NULL, 9]","[7, NULL, 8]"]}
text {"kind":"INSERT","fields":[null,"[4, 5]",null,"[]"]}
"#,
    );
}

/// ROW<a INT NOT NULL, b STRING>.
fn struct_fields() -> Fields {
    Fields::from(vec![
        Field::new("a", DataType::Int32, false),
        Field::new("b", DataType::Utf8, true),
    ])
}

#[test]
fn list_of_struct() {
    let rows = StructArray::new(
        struct_fields(),
        vec![
            Arc::new(Int32Array::from(vec![1, 2, 3])) as ArrayRef,
            Arc::new(StringArray::from(vec![Some("x, y"), None, Some("q\"uote")])),
        ],
        Some(vec![true, true, false].into()),
    );
    let item = Arc::new(Field::new("item", DataType::Struct(struct_fields()), true));
    let list = ListArray::new(
        item,
        OffsetBuffer::from_lengths([2, 1, 0]),
        Arc::new(rows),
        Some(vec![true, true, false].into()),
    );
    assert_snapshot(
        &column(list),
        r#"
type c: {"type":"ARRAY","nullable":true,"elementType":{"type":"ROW","nullable":true,"fields":[{"name":"a","fieldType":{"type":"INTEGER","nullable":false}},{"name":"b","fieldType":{"type":"VARCHAR","nullable":true,"length":2147483647}}]}}
json {"kind":"INSERT","fields":[[{"a":1,"b":"x, y"},{"a":2,"b":null}]]}
json {"kind":"INSERT","fields":[[null]]}
json {"kind":"INSERT","fields":[null]}
text {"kind":"INSERT","fields":["[(1, x, y), (2, NULL)]"]}
text {"kind":"INSERT","fields":["[NULL]"]}
text {"kind":"INSERT","fields":[null]}
"#,
    );
}

#[test]
fn struct_with_list_and_escaped_field_names() {
    let tags = ListArray::new(
        Arc::new(Field::new_list_field(DataType::Utf8, true)),
        OffsetBuffer::from_lengths([2, 0]),
        Arc::new(StringArray::from(vec!["a", "b\n"])),
        None,
    );
    let fields = Fields::from(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("ta\"gs", tags.data_type().clone(), true),
    ]);
    let row = StructArray::new(
        fields,
        vec![
            Arc::new(Int64Array::from(vec![Some(1), None])) as ArrayRef,
            Arc::new(tags),
        ],
        None,
    );
    assert_snapshot(
        &column(row),
        r#"
type c: {"type":"ROW","nullable":true,"fields":[{"name":"id","fieldType":{"type":"BIGINT","nullable":true}},{"name":"ta\"gs","fieldType":{"type":"ARRAY","nullable":true,"elementType":{"type":"VARCHAR","nullable":true,"length":2147483647}}}]}
json {"kind":"INSERT","fields":[{"id":1,"ta\"gs":["a","b\n"]}]}
json {"kind":"INSERT","fields":[{"id":null,"ta\"gs":[]}]}
text {"kind":"INSERT","fields":["(1, [a, b\n])"]}
text {"kind":"INSERT","fields":["(NULL, [])"]}
"#,
    );
}

#[test]
fn maps_with_string_and_numeric_keys() {
    let mut strings = MapBuilder::new(None, StringBuilder::new(), Int64Builder::new());
    strings.keys().append_value("k1");
    strings.values().append_value(1);
    strings.keys().append_value("k\"2");
    strings.values().append_null();
    strings.append(true).unwrap();
    strings.append(true).unwrap();
    strings.append(false).unwrap();
    let strings: MapArray = strings.finish();

    let mut numbers = MapBuilder::new(None, Int64Builder::new(), StringBuilder::new());
    numbers.keys().append_value(10);
    numbers.values().append_value("ten");
    numbers.append(true).unwrap();
    numbers.keys().append_value(-1);
    numbers.values().append_value("minus one");
    numbers.append(true).unwrap();
    numbers.append(true).unwrap();
    let numbers: MapArray = numbers.finish();

    let batch = columns(vec![
        ("s", Arc::new(strings) as ArrayRef),
        ("n", Arc::new(numbers)),
    ]);
    assert_snapshot(
        &batch,
        r#"
type s: {"type":"MAP","nullable":true,"keyType":{"type":"VARCHAR","nullable":false,"length":2147483647},"valueType":{"type":"BIGINT","nullable":true}}
type n: {"type":"MAP","nullable":true,"keyType":{"type":"BIGINT","nullable":false},"valueType":{"type":"VARCHAR","nullable":true,"length":2147483647}}
json {"kind":"INSERT","fields":[{"k1":1,"k\"2":null},{"10":"ten"}]}
json {"kind":"INSERT","fields":[{},{"-1":"minus one"}]}
json {"kind":"INSERT","fields":[null,{}]}
text {"kind":"INSERT","fields":["{k1=1, k\"2=NULL}","{10=ten}"]}
text {"kind":"INSERT","fields":["{}","{-1=minus one}"]}
text {"kind":"INSERT","fields":[null,"{}"]}
"#,
    );
}

// ---------------------------------------------------------------- encodings

#[test]
fn dictionary_and_run_end_columns_show_their_values() {
    let dict: DictionaryArray<Int32Type> = vec![Some("a"), Some("b"), None, Some("a")]
        .into_iter()
        .collect();
    let run = RunArray::<Int32Type>::try_new(
        &Int32Array::from(vec![2, 3, 4]),
        &Int64Array::from(vec![Some(7), None, Some(9)]),
    )
    .unwrap();
    let batch = columns(vec![
        ("dict", Arc::new(dict) as ArrayRef),
        ("run", Arc::new(run)),
    ]);
    assert_snapshot(
        &batch,
        r#"
type dict: {"type":"VARCHAR","nullable":true,"length":2147483647}
type run: {"type":"BIGINT","nullable":true}
json {"kind":"INSERT","fields":["a",7]}
json {"kind":"INSERT","fields":["b",7]}
json {"kind":"INSERT","fields":[null,null]}
json {"kind":"INSERT","fields":["a",9]}
text {"kind":"INSERT","fields":["a","7"]}
text {"kind":"INSERT","fields":["b","7"]}
text {"kind":"INSERT","fields":[null,null]}
text {"kind":"INSERT","fields":["a","9"]}
"#,
    );
}

#[test]
fn unions_become_display_text() {
    let fields = UnionFields::try_new(
        vec![0, 1],
        vec![
            Field::new("i", DataType::Int32, true),
            Field::new("s", DataType::Utf8, true),
        ],
    )
    .unwrap();
    let union = UnionArray::try_new(
        fields,
        ScalarBuffer::from(vec![0i8, 1]),
        None,
        vec![
            Arc::new(Int32Array::from(vec![Some(5), None])) as ArrayRef,
            Arc::new(StringArray::from(vec![None, Some("x")])),
        ],
    )
    .unwrap();
    assert_snapshot(
        &column(union),
        r#"
type c: {"type":"VARCHAR","nullable":true,"length":2147483647}
json {"kind":"INSERT","fields":["{i=5}"]}
json {"kind":"INSERT","fields":["{s=x}"]}
text {"kind":"INSERT","fields":["{i=5}"]}
text {"kind":"INSERT","fields":["{s=x}"]}
"#,
    );
}

#[test]
fn null_type_column() {
    assert_snapshot(
        &column(NullArray::new(2)),
        r#"
type c: {"type":"NULL"}
json {"kind":"INSERT","fields":[null]}
json {"kind":"INSERT","fields":[null]}
text {"kind":"INSERT","fields":[null]}
text {"kind":"INSERT","fields":[null]}
"#,
    );
}

// ---------------------------------------------------------------- framing

#[test]
fn row_kinds_are_written_per_row() {
    let batch = columns(vec![
        (
            "id",
            Arc::new(Int32Array::from(vec![1, 1, 2, 3])) as ArrayRef,
        ),
        (
            "name",
            Arc::new(StringArray::from(vec!["a", "a", "b", "c"])),
        ),
    ]);
    let kinds = [
        RowKind::Insert,
        RowKind::UpdateBefore,
        RowKind::UpdateAfter,
        RowKind::Delete,
    ];
    assert_snapshot_with(
        &batch,
        Some(&kinds),
        &FormatOptions::default(),
        r#"
type id: {"type":"INTEGER","nullable":true}
type name: {"type":"VARCHAR","nullable":true,"length":2147483647}
json {"kind":"INSERT","fields":[1,"a"]}
json {"kind":"UPDATE_BEFORE","fields":[1,"a"]}
json {"kind":"UPDATE_AFTER","fields":[2,"b"]}
json {"kind":"DELETE","fields":[3,"c"]}
text {"kind":"INSERT","fields":["1","a"]}
text {"kind":"UPDATE_BEFORE","fields":["1","a"]}
text {"kind":"UPDATE_AFTER","fields":["2","b"]}
text {"kind":"DELETE","fields":["3","c"]}
"#,
    );
}

#[test]
fn whole_batch_output_is_comma_joined_without_brackets() {
    let batch = column(Int32Array::from(vec![1, 2]));
    let opts = FormatOptions::default();
    assert_eq!(
        json_rows(&batch, None, &opts),
        r#"{"kind":"INSERT","fields":[1]},{"kind":"INSERT","fields":[2]}"#
    );
    assert_eq!(
        text_rows(&batch, None, &opts),
        r#"{"kind":"INSERT","fields":["1"]},{"kind":"INSERT","fields":["2"]}"#
    );
    // Appends to what is already in the buffer.
    let mut out = b"[".to_vec();
    write_json_rows(&batch, None, &opts, &mut out).unwrap();
    assert_eq!(
        out,
        br#"[{"kind":"INSERT","fields":[1]},{"kind":"INSERT","fields":[2]}"#
    );
}

#[test]
fn empty_and_column_less_batches() {
    let opts = FormatOptions::default();
    let empty = column(Int32Array::from(Vec::<i32>::new()));
    assert_eq!(json_rows(&empty, None, &opts), "");
    assert_eq!(text_rows(&empty, Some(&[]), &opts), "");
    let no_columns = RecordBatch::try_new_with_options(
        Arc::new(Schema::empty()),
        vec![],
        &RecordBatchOptions::new().with_row_count(Some(2)),
    )
    .unwrap();
    assert_eq!(
        json_rows(&no_columns, None, &opts),
        r#"{"kind":"INSERT","fields":[]},{"kind":"INSERT","fields":[]}"#
    );
}

#[test]
fn mismatched_kinds_are_rejected_and_leave_the_buffer_alone() {
    let batch = column(Int32Array::from(vec![1, 2]));
    let mut out = b"keep".to_vec();
    let err = write_json_rows(
        &batch,
        Some(&[RowKind::Insert]),
        &FormatOptions::default(),
        &mut out,
    );
    assert!(
        matches!(
            err,
            Err(FormatError::KindCountMismatch { rows: 2, kinds: 1 })
        ),
        "{err:?}"
    );
    let err = write_plain_text_rows(&batch, Some(&[]), &FormatOptions::default(), &mut out);
    assert!(
        matches!(
            err,
            Err(FormatError::KindCountMismatch { rows: 2, kinds: 0 })
        ),
        "{err:?}"
    );
    assert_eq!(out, b"keep");
}

#[test]
fn invalid_values_are_errors_not_panics() {
    // A TIME beyond one day, after a valid row: the partial output is undone.
    let batch = column(Time32SecondArray::from(vec![1, 86_400]));
    let mut out = b"keep".to_vec();
    let err = write_json_rows(&batch, None, &FormatOptions::default(), &mut out).unwrap_err();
    assert!(
        matches!(err, FormatError::InvalidValue { what: "TIME", .. }),
        "{err:?}"
    );
    let err = write_plain_text_rows(&batch, None, &FormatOptions::default(), &mut out).unwrap_err();
    assert!(
        matches!(err, FormatError::InvalidValue { what: "TIME", .. }),
        "{err:?}"
    );
    assert_eq!(out, b"keep");
    assert!(err.to_string().contains("86400"), "{err}");
}

// ---------------------------------------------------------------- options

#[test]
fn zone_names() {
    let shanghai_midnight = |name: &str| {
        let batch = column(TimestampSecondArray::from(vec![0]).with_timezone("UTC"));
        text_rows(&batch, None, &zone(name))
    };
    for (name, expected) in [
        ("default", "1970-01-01 00:00:00"),
        ("", "1970-01-01 00:00:00"),
        ("UTC", "1970-01-01 00:00:00"),
        ("Z", "1970-01-01 00:00:00"),
        ("+08:00", "1970-01-01 08:00:00"),
        ("+0800", "1970-01-01 08:00:00"),
        ("-3", "1969-12-31 21:00:00"),
        ("GMT+8", "1970-01-01 08:00:00"),
        ("UTC-05:30", "1969-12-31 18:30:00"),
        ("Asia/Shanghai", "1970-01-01 08:00:00"),
        ("Asia/Kolkata", "1970-01-01 05:30:00"),
    ] {
        assert_eq!(
            shanghai_midnight(name),
            format!(r#"{{"kind":"INSERT","fields":["{expected}"]}}"#),
            "zone {name:?}"
        );
    }
    for bad in ["Mars/Olympus", "+25:00", "+08:0", "GMT+x", "UTC+"] {
        let err = FormatOptions::from_zone_name(bad).unwrap_err();
        assert!(
            matches!(&err, FormatError::UnknownTimeZone(name) if name == bad),
            "{bad}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------- logical types

#[test]
fn logical_types_of_every_arrow_type() {
    use datafusion::arrow::datatypes::{IntervalUnit, TimeUnit, UnionMode};
    let item = |t: DataType| Arc::new(Field::new_list_field(t, false));
    let cases: Vec<(DataType, bool, &str)> = vec![
        (DataType::Null, true, r#"{"type":"NULL"}"#),
        (
            DataType::Boolean,
            false,
            r#"{"type":"BOOLEAN","nullable":false}"#,
        ),
        (
            DataType::Int8,
            false,
            r#"{"type":"TINYINT","nullable":false}"#,
        ),
        (
            DataType::Int16,
            true,
            r#"{"type":"SMALLINT","nullable":true}"#,
        ),
        (
            DataType::Int32,
            false,
            r#"{"type":"INTEGER","nullable":false}"#,
        ),
        (
            DataType::Int64,
            true,
            r#"{"type":"BIGINT","nullable":true}"#,
        ),
        (
            DataType::UInt8,
            true,
            r#"{"type":"SMALLINT","nullable":true}"#,
        ),
        (
            DataType::UInt16,
            true,
            r#"{"type":"INTEGER","nullable":true}"#,
        ),
        (
            DataType::UInt32,
            true,
            r#"{"type":"BIGINT","nullable":true}"#,
        ),
        (
            DataType::UInt64,
            false,
            r#"{"type":"DECIMAL","nullable":false,"precision":20,"scale":0}"#,
        ),
        (
            DataType::Float16,
            true,
            r#"{"type":"FLOAT","nullable":true}"#,
        ),
        (
            DataType::Float32,
            true,
            r#"{"type":"FLOAT","nullable":true}"#,
        ),
        (
            DataType::Float64,
            true,
            r#"{"type":"DOUBLE","nullable":true}"#,
        ),
        (
            DataType::Utf8,
            false,
            r#"{"type":"VARCHAR","nullable":false,"length":2147483647}"#,
        ),
        (
            DataType::LargeUtf8,
            true,
            r#"{"type":"VARCHAR","nullable":true,"length":2147483647}"#,
        ),
        (
            DataType::Utf8View,
            true,
            r#"{"type":"VARCHAR","nullable":true,"length":2147483647}"#,
        ),
        (
            DataType::Binary,
            true,
            r#"{"type":"VARBINARY","nullable":true,"length":2147483647}"#,
        ),
        (
            DataType::LargeBinary,
            true,
            r#"{"type":"VARBINARY","nullable":true,"length":2147483647}"#,
        ),
        (
            DataType::BinaryView,
            true,
            r#"{"type":"VARBINARY","nullable":true,"length":2147483647}"#,
        ),
        (
            DataType::FixedSizeBinary(16),
            true,
            r#"{"type":"BINARY","nullable":true,"length":16}"#,
        ),
        (
            DataType::Decimal32(9, 2),
            true,
            r#"{"type":"DECIMAL","nullable":true,"precision":9,"scale":2}"#,
        ),
        (
            DataType::Decimal64(18, 0),
            true,
            r#"{"type":"DECIMAL","nullable":true,"precision":18,"scale":0}"#,
        ),
        (
            DataType::Decimal128(38, 10),
            true,
            r#"{"type":"DECIMAL","nullable":true,"precision":38,"scale":10}"#,
        ),
        (
            DataType::Decimal256(76, 40),
            true,
            r#"{"type":"DECIMAL","nullable":true,"precision":38,"scale":38}"#,
        ),
        (
            DataType::Decimal128(3, 5),
            true,
            r#"{"type":"DECIMAL","nullable":true,"precision":5,"scale":5}"#,
        ),
        (
            DataType::Decimal128(3, -2),
            true,
            r#"{"type":"DECIMAL","nullable":true,"precision":5,"scale":0}"#,
        ),
        (DataType::Date32, true, r#"{"type":"DATE","nullable":true}"#),
        (
            DataType::Date64,
            false,
            r#"{"type":"DATE","nullable":false}"#,
        ),
        (
            DataType::Time32(TimeUnit::Second),
            true,
            r#"{"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":0}"#,
        ),
        (
            DataType::Time32(TimeUnit::Millisecond),
            true,
            r#"{"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":3}"#,
        ),
        (
            DataType::Time64(TimeUnit::Microsecond),
            true,
            r#"{"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":6}"#,
        ),
        (
            DataType::Time64(TimeUnit::Nanosecond),
            true,
            r#"{"type":"TIME_WITHOUT_TIME_ZONE","nullable":true,"precision":9}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Second, None),
            true,
            r#"{"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":0}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Millisecond, None),
            false,
            r#"{"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":false,"precision":3}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Microsecond, None),
            true,
            r#"{"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":6}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            true,
            r#"{"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":9}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            true,
            r#"{"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":0}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Millisecond, Some("+08:00".into())),
            true,
            r#"{"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":3}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Microsecond, Some("Asia/Shanghai".into())),
            true,
            r#"{"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":true,"precision":6}"#,
        ),
        (
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            false,
            r#"{"type":"TIMESTAMP_WITH_LOCAL_TIME_ZONE","nullable":false,"precision":9}"#,
        ),
        (
            DataType::Interval(IntervalUnit::YearMonth),
            true,
            r#"{"type":"INTERVAL_YEAR_MONTH","nullable":true,"precision":2,"resolution":"YEAR_TO_MONTH"}"#,
        ),
        (
            DataType::Interval(IntervalUnit::DayTime),
            true,
            r#"{"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":3,"resolution":"DAY_TO_SECOND"}"#,
        ),
        (
            DataType::Interval(IntervalUnit::MonthDayNano),
            true,
            r#"{"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":9,"resolution":"DAY_TO_SECOND"}"#,
        ),
        (
            DataType::Duration(TimeUnit::Second),
            true,
            r#"{"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":0,"resolution":"DAY_TO_SECOND"}"#,
        ),
        (
            DataType::Duration(TimeUnit::Microsecond),
            true,
            r#"{"type":"INTERVAL_DAY_TIME","nullable":true,"precision":2,"fractionalPrecision":6,"resolution":"DAY_TO_SECOND"}"#,
        ),
        (
            DataType::List(item(DataType::Int64)),
            true,
            r#"{"type":"ARRAY","nullable":true,"elementType":{"type":"BIGINT","nullable":false}}"#,
        ),
        (
            DataType::LargeList(item(DataType::Utf8)),
            true,
            r#"{"type":"ARRAY","nullable":true,"elementType":{"type":"VARCHAR","nullable":false,"length":2147483647}}"#,
        ),
        (
            DataType::FixedSizeList(item(DataType::Float64), 3),
            true,
            r#"{"type":"ARRAY","nullable":true,"elementType":{"type":"DOUBLE","nullable":false}}"#,
        ),
        (
            DataType::ListView(item(DataType::Boolean)),
            true,
            r#"{"type":"ARRAY","nullable":true,"elementType":{"type":"BOOLEAN","nullable":false}}"#,
        ),
        (
            DataType::LargeListView(item(DataType::Date32)),
            true,
            r#"{"type":"ARRAY","nullable":true,"elementType":{"type":"DATE","nullable":false}}"#,
        ),
        (
            DataType::Struct(struct_fields()),
            false,
            r#"{"type":"ROW","nullable":false,"fields":[{"name":"a","fieldType":{"type":"INTEGER","nullable":false}},{"name":"b","fieldType":{"type":"VARCHAR","nullable":true,"length":2147483647}}]}"#,
        ),
        (
            DataType::Struct(Fields::empty()),
            true,
            r#"{"type":"ROW","nullable":true,"fields":[]}"#,
        ),
        (
            DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8)),
            false,
            r#"{"type":"VARCHAR","nullable":false,"length":2147483647}"#,
        ),
        (
            DataType::RunEndEncoded(
                Arc::new(Field::new("run_ends", DataType::Int32, false)),
                Arc::new(Field::new("values", DataType::Float32, true)),
            ),
            true,
            r#"{"type":"FLOAT","nullable":true}"#,
        ),
        (
            DataType::Union(
                UnionFields::try_new(vec![0], vec![Field::new("i", DataType::Int32, true)])
                    .unwrap(),
                UnionMode::Dense,
            ),
            true,
            r#"{"type":"VARCHAR","nullable":true,"length":2147483647}"#,
        ),
    ];
    for (data_type, nullable, expected) in cases {
        assert_eq!(
            type_json(data_type.clone(), nullable),
            expected,
            "{data_type}"
        );
    }
}

#[test]
fn logical_type_of_nested_map_and_list_of_struct() {
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("key", DataType::Utf8, false),
            Field::new(
                "value",
                DataType::List(Arc::new(Field::new(
                    "item",
                    DataType::Struct(struct_fields()),
                    true,
                ))),
                true,
            ),
        ])),
        false,
    );
    let map = DataType::Map(Arc::new(entries), false);
    assert_eq!(
        type_json(map, true),
        concat!(
            r#"{"type":"MAP","nullable":true,"keyType":{"type":"VARCHAR","nullable":false,"length":2147483647},"#,
            r#""valueType":{"type":"ARRAY","nullable":true,"elementType":{"type":"ROW","nullable":true,"#,
            r#""fields":[{"name":"a","fieldType":{"type":"INTEGER","nullable":false}},"#,
            r#"{"name":"b","fieldType":{"type":"VARCHAR","nullable":true,"length":2147483647}}]}}}"#,
        )
    );
}

#[test]
fn logical_types_parse_back_from_flink_json() {
    // Flink's own output for a ROW with a described field round-trips.
    let flink = r#"{"type":"ROW","nullable":true,"fields":[{"name":"a","fieldType":{"type":"CHAR","nullable":false,"length":3},"description":"d"}]}"#;
    let parsed: LogicalType = serde_json::from_str(flink).unwrap();
    assert_eq!(
        parsed.fields.as_ref().unwrap()[0].description.as_deref(),
        Some("d")
    );
    assert_eq!(serde_json::to_string(&parsed).unwrap(), flink);
}
