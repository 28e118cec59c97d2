//! Flink expression syntax rewritten for DataFusion: the text produced,
//! then the value and type DataFusion computes from it (with the gateway's
//! functions registered), against Flink's documented results.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::execution::context::SessionContext;

use super::super::rewrite_expressions;

/// `SELECT expr` rewritten and run: its value as text and its type.
async fn eval(expr: &str) -> (String, DataType) {
    let ctx = SessionContext::new();
    crate::engine::functions::register(&ctx);
    let sql = rewrite_expressions(&format!("SELECT {expr}"), "Asia/Shanghai").unwrap();
    let batches = ctx.sql(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}")).collect().await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let column = batches[0].column(0);
    let text = if column.is_null(0) { "NULL".into() } else { array_value_to_string(column, 0).unwrap() };
    (text, column.data_type().clone())
}

#[test]
fn text_outside_constructs_is_copied_and_strings_are_left_alone() {
    let cases = [
        ("SELECT 'MAP[1, 2]', \"map\"[1], t.map[2] FROM t -- MAP[3]", "SELECT 'MAP[1, 2]', \"map\"[1], t.map[2] FROM t -- MAP[3]"),
        ("SELECT MAP['a', MAP['b', 1]]", "SELECT make_map('a', make_map('b', 1))"),
        ("SELECT CAST(x AS INT), CAST(y AS BYTES)", "SELECT CAST(x AS INT), arrow_cast(y, 'Binary')"),
        ("SELECT FLOOR(ts TO HOUR), CEIL(x), CEIL(ts TO days)", "SELECT floor_time('HOUR', ts), CEIL(x), ceil_time('DAY', ts)"),
        ("SELECT TIMESTAMPDIFF(DAY, a, b)", "SELECT timestampdiff('DAY', a, b)"),
        ("SELECT s IS JSON, f(s) IS NOT JSON OBJECT, (a || b) IS JSON ARRAY", "SELECT is_json(s, 'VALUE'), NOT is_json(f(s), 'OBJECT'), is_json((a || b), 'ARRAY')"),
        ("SELECT JSON_OBJECT(KEY 'k' VALUE 1, 'j' VALUE MAP['x', 2] ABSENT ON NULL)", "SELECT json_object('ABSENT', 'k', 1, 'j', make_map('x', 2))"),
        ("SELECT JSON_ARRAY(1, 'a'), JSON_ARRAY(NULL NULL ON NULL)", "SELECT json_array('ABSENT', 1, 'a'), json_array('NULL', NULL)"),
        ("SELECT JSON_OBJECTAGG(KEY k VALUE v), JSON_ARRAYAGG(x), JSON_ARRAYAGG(x NULL ON NULL)", "SELECT json_objectagg('NULL', k, v), json_arrayagg('ABSENT', x), json_arrayagg('NULL', x)"),
    ];
    for (flink, expected) in cases {
        assert_eq!(rewrite_expressions(flink, "UTC").unwrap(), expected);
    }
}

#[test]
fn malformed_constructs_are_errors_not_panics() {
    for bad in ["SELECT MAP['a']", "SELECT MAP['a', 1", "SELECT FLOOR(ts TO FORTNIGHT)", "SELECT CAST(x AS ROW<a WIBBLE>)", "SELECT JSON_OBJECT('k' 1)", "SELECT JSON_OBJECTAGG(k v)"] {
        assert!(rewrite_expressions(bad, "UTC").is_err(), "{bad}");
    }
    let deep = format!("SELECT {}1{}", "MAP[1, ".repeat(200), "]".repeat(200));
    assert!(rewrite_expressions(&deep, "UTC").is_err());
}

#[tokio::test]
async fn rewritten_expressions_compute_flink_results() {
    use DataType::*;
    let cases: Vec<(&str, &str, DataType)> = vec![
        // Flink docs: MAP[value1, value2 [, value3, value4]*]; map[key] reads a value.
        ("MAP['k', 1, 'j', 2]['j']", "2", Int64),
        ("CAST('ab' AS BYTES)", "6162", Binary),
        // TIMESTAMP_LTZ from wall-clock text is read in the session zone (Asia/Shanghai here).
        ("CAST(CAST('1970-01-01 08:00:00' AS TIMESTAMP_LTZ(3)) AS BIGINT)", "0", Int64),
        ("CAST('2020-01-01 00:00:00.123456' AS TIMESTAMP(3))", "2020-01-01T00:00:00.123", Timestamp(TimeUnit::Millisecond, None)),
        ("CAST(ARRAY[1, 2] AS ARRAY<BIGINT>)[2]", "2", Int64),
        // Flink docs: FLOOR(TIMESTAMP '...' TO unit) rounds down, CEIL up; a DATE stays a DATE.
        ("FLOOR(TIMESTAMP '2020-03-04 05:06:07' TO HOUR)", "2020-03-04T05:00:00", Timestamp(TimeUnit::Nanosecond, None)),
        ("CEIL(TIMESTAMP '2020-03-04 05:06:07' TO DAY)", "2020-03-05T00:00:00", Timestamp(TimeUnit::Nanosecond, None)),
        ("CEIL(TIMESTAMP '2020-03-04 00:00:00' TO DAY)", "2020-03-04T00:00:00", Timestamp(TimeUnit::Nanosecond, None)),
        ("FLOOR(DATE '2020-03-04' TO MONTH)", "2020-03-01", Date32),
        ("CEIL(DATE '2020-03-04' TO YEAR)", "2021-01-01", Date32),
        ("FLOOR(CAST(NULL AS DATE) TO DAY)", "NULL", Date32),
    ];
    for (expr, value, ty) in cases {
        assert_eq!(eval(expr).await, (value.to_string(), ty), "{expr}");
    }
}

#[tokio::test]
async fn overlaps_is_the_sql_standard_predicate() {
    use DataType::*;
    // Flink 1.20 docs, Temporal Functions, "value1 OVERLAPS value2": the two examples, then
    // touching ends (Calcite's e0 >= s1), unsorted pairs, timestamps, and NULL.
    let cases: Vec<(&str, &str, DataType)> = vec![
        ("(TIME '02:55:00', INTERVAL '1' HOUR) OVERLAPS (TIME '03:30:00', INTERVAL '2' HOUR)", "true", Boolean),
        ("(TIME '09:00:00', TIME '10:00:00') OVERLAPS (TIME '10:15:00', INTERVAL '3' HOUR)", "false", Boolean),
        ("(DATE '2020-01-01', DATE '2020-01-10') OVERLAPS (DATE '2020-01-10', DATE '2020-01-20')", "true", Boolean),
        ("(TIMESTAMP '2020-01-10 00:00:00', TIMESTAMP '2020-01-01 00:00:00') OVERLAPS (TIMESTAMP '2020-01-05 00:00:00', INTERVAL '1' DAY)", "true", Boolean),
        ("(TIMESTAMP '2020-01-01 00:00:00', INTERVAL '1' DAY) OVERLAPS (TIMESTAMP '2020-01-03 00:00:00', INTERVAL '1' DAY)", "false", Boolean),
        ("(CAST(NULL AS TIMESTAMP), INTERVAL '1' DAY) OVERLAPS (TIMESTAMP '2020-01-03 00:00:00', INTERVAL '1' DAY)", "NULL", Boolean),
    ];
    for (expr, value, ty) in cases {
        assert_eq!(eval(expr).await, (value.to_string(), ty), "{expr}");
    }
    // A parenthesized expression that is not a pair stays as it was.
    assert_eq!(rewrite_expressions("SELECT (1 + 2) * 3, (a, b)", "UTC").unwrap(), "SELECT (1 + 2) * 3, (a, b)");
}

#[test]
fn json_value_clauses_become_arguments() {
    let cases = [
        ("SELECT JSON_VALUE(j, '$.a')", "SELECT JSON_VALUE(j, '$.a')"),
        ("SELECT JSON_VALUE(j, '$.a' RETURNING INT)", "SELECT json_value(j, '$.a', 'Int32', 'NULL', NULL, 'NULL', NULL)"),
        ("SELECT JSON_VALUE(j, p DEFAULT f(1, 2) ON EMPTY ERROR ON ERROR)", "SELECT json_value(j, p, 'Utf8', 'DEFAULT', f(1, 2), 'ERROR', NULL)"),
        ("SELECT JSON_VALUE(j, p RETURNING DOUBLE NULL ON EMPTY DEFAULT NULL ON ERROR)", "SELECT json_value(j, p, 'Float64', 'NULL', NULL, 'DEFAULT', NULL)"),
    ];
    for (flink, expected) in cases {
        assert_eq!(rewrite_expressions(flink, "UTC").unwrap(), expected);
    }
    for bad in ["SELECT JSON_VALUE(j, p RETURNING)", "SELECT JSON_VALUE(j, p ON EMPTY)", "SELECT JSON_VALUE(j, p RETURNING WIBBLE)"] {
        assert!(rewrite_expressions(bad, "UTC").is_err(), "{bad}");
    }
}
