//! Each function against the value and type Flink's documentation gives
//! (the examples of "System (Built-in) Functions" where it has one), and
//! its NULL rule.

use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::execution::context::SessionContext;

/// `SELECT expr` in a context with the Flink functions: its value as text
/// (`NULL` for NULL) and its type.
pub(super) async fn eval(expr: &str) -> (String, DataType) {
    let ctx = SessionContext::new();
    super::register(&ctx);
    let batches = ctx.sql(&format!("SELECT {expr}")).await.unwrap_or_else(|e| panic!("{expr}: {e}")).collect().await.unwrap_or_else(|e| panic!("{expr}: {e}"));
    let column = batches[0].column(0);
    let text = if column.is_null(0) { "NULL".to_string() } else { array_value_to_string(column, 0).unwrap() };
    (text, column.data_type().clone())
}

/// Every case: expression, expected text, expected type.
pub(super) async fn check(cases: &[(&str, &str, DataType)]) {
    for (expr, value, ty) in cases {
        assert_eq!(eval(expr).await, (value.to_string(), ty.clone()), "{expr}");
    }
}

#[tokio::test]
async fn arithmetic_functions() {
    use DataType::*;
    check(&[
        // MOD keeps the operands' type; negative only when the dividend is.
        ("MOD(CAST(7 AS INT), CAST(3 AS INT))", "1", Int32),
        ("MOD(-7, 3)", "-1", Int64),
        ("MOD(7, -3)", "1", Int64),
        ("MOD(CAST(NULL AS INT), 3)", "NULL", Int64),
        // LOG(x) is ln(x); LOG(b, x) the logarithm to base b.
        ("LOG(E())", "1.0", Float64),
        ("LOG(10, 100)", "2.0", Float64),
        ("LOG(CAST(NULL AS DOUBLE))", "NULL", Float64),
        ("E()", "2.718281828459045", Float64),
        // Flink: BIN(4) is '100', BIN(12) is '1100'; negative numbers in two's complement.
        ("BIN(4)", "100", Utf8),
        ("BIN(12)", "1100", Utf8),
        ("BIN(-1)", &"1".repeat(64), Utf8),
        ("BIN(CAST(NULL AS INT))", "NULL", Utf8),
        ("CEILING(1.2)", "2.0", Float64),
        ("SIGN(-3.5)", "-1.0", Float64),
        // Flink: TRUNCATE(42.324, 2) is 42.32.
        ("TRUNCATE(42.324, 2)", "42.32", Float64),
    ])
    .await;
}

#[tokio::test]
async fn rand_integer_is_bounded_and_repeatable_with_a_seed() {
    let ctx = SessionContext::new();
    super::register(&ctx);
    let run = |sql: &'static str| {
        let ctx = ctx.clone();
        async move { datafusion::arrow::util::pretty::pretty_format_batches(&ctx.sql(sql).await.unwrap().collect().await.unwrap()).unwrap().to_string() }
    };
    let seeded = "SELECT RAND_INTEGER(42, 10) AS r FROM generate_series(1, 50)";
    assert_eq!(run(seeded).await, run(seeded).await);
    let batches = ctx.sql("SELECT min(r), max(r), count(DISTINCT r) FROM (SELECT RAND_INTEGER(10) AS r FROM generate_series(1, 1000))").await.unwrap().collect().await.unwrap();
    let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string();
    assert!(text.contains("| 0 ") && text.contains("| 9 ") && text.contains("| 10 "), "{text}");
    assert!(ctx.sql("SELECT RAND_INTEGER(0)").await.unwrap().collect().await.is_err());
}

#[tokio::test]
async fn string_functions() {
    use DataType::*;
    check(&[
        ("IS_ALPHA('abc')", "true", Boolean),
        ("IS_ALPHA('ab1')", "false", Boolean),
        // NULL and '' are FALSE, not NULL.
        ("IS_ALPHA(CAST(NULL AS STRING))", "false", Boolean),
        ("IS_DIGIT('123')", "true", Boolean),
        ("IS_DIGIT('')", "false", Boolean),
        ("IS_DIGIT('12a')", "false", Boolean),
        ("IS_DECIMAL('1.5')", "true", Boolean),
        ("IS_DECIMAL('-2e3')", "true", Boolean),
        ("IS_DECIMAL('abc')", "false", Boolean),
        ("IS_DECIMAL(CAST(NULL AS STRING))", "false", Boolean),
        ("LOCATE('a', 'banana')", "2", Int32),
        ("LOCATE('a', 'banana', 3)", "4", Int32),
        ("LOCATE('x', 'banana')", "0", Int32),
        ("LOCATE('é', 'café au lait')", "4", Int32),
        ("LOCATE(CAST(NULL AS STRING), 'banana')", "NULL", Int32),
        // Flink: SPLIT_INDEX('Jack,John,Mary', ',', 2) is 'Mary'.
        ("SPLIT_INDEX('Jack,John,Mary', ',', 2)", "Mary", Utf8),
        ("SPLIT_INDEX('Jack,John,Mary', ',', 3)", "NULL", Utf8),
        ("SPLIT_INDEX('Jack,John,Mary', ',', -1)", "NULL", Utf8),
        // Flink: TO_BASE64('hello world') is 'aGVsbG8gd29ybGQ=', and back.
        ("TO_BASE64('hello world')", "aGVsbG8gd29ybGQ=", Utf8),
        ("FROM_BASE64('aGVsbG8gd29ybGQ=')", "hello world", Utf8),
        ("FROM_BASE64('not base64!')", "NULL", Utf8),
        // Flink: REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 2) is 'bar'.
        ("REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 2)", "bar", Utf8),
        ("REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)')", "foothebar", Utf8),
        ("REGEXP_EXTRACT('foothebar', 'x(y)', 1)", "NULL", Utf8),
        ("REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 5)", "NULL", Utf8),
        ("REGEXP('abc', 'b')", "true", Boolean),
        ("REGEXP('abc', '^b')", "false", Boolean),
    ])
    .await;
}

#[tokio::test]
async fn conditional_functions() {
    use DataType::*;
    check(&[
        ("IF(1 < 2, 'a', 'b')", "a", Utf8),
        ("IF(1 > 2, 'a', 'b')", "b", Utf8),
        // A NULL condition takes the false value.
        ("IF(CAST(NULL AS BOOLEAN), 1, 2)", "2", Int64),
        // The branch not taken is not evaluated.
        ("IF(TRUE, 1, 1 / 0)", "1", Int64),
    ])
    .await;
}

#[tokio::test]
async fn wrong_arguments_are_plan_errors() {
    let ctx = SessionContext::new();
    super::register(&ctx);
    for sql in ["SELECT MOD(1)", "SELECT MOD('a', 1)", "SELECT BIN(1.5)", "SELECT SPLIT_INDEX('a', ',', 'x')", "SELECT LOCATE('a')"] {
        let error = match ctx.sql(sql).await {
            Ok(frame) => frame.collect().await.err().map(|e| e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        let error = error.unwrap_or_else(|| panic!("{sql} should fail"));
        assert!(error.contains("No match found for function signature") || error.contains("Invalid number of arguments"), "{sql}: {error}");
    }
    assert!(super::names().contains(&"split_index".to_string()));
}

/// `SELECT expr` (rewritten by the dialect layer) in a context whose session zone is `zone`.
pub(super) async fn eval_in_zone(expr: &str, zone: &str) -> (String, DataType) {
    let mut config = datafusion::prelude::SessionConfig::new();
    config.options_mut().execution.time_zone = Some(zone.to_string());
    let ctx = SessionContext::new_with_config(config);
    super::register(&ctx);
    let sql = crate::engine::dialect::rewrite_expressions(&format!("SELECT {expr}"), zone).unwrap();
    let batches = ctx.sql(&sql).await.unwrap_or_else(|e| panic!("{expr}: {e}")).collect().await.unwrap_or_else(|e| panic!("{expr}: {e}"));
    let column = batches[0].column(0);
    let text = if column.is_null(0) { "NULL".to_string() } else { array_value_to_string(column, 0).unwrap() };
    (text, column.data_type().clone())
}

#[tokio::test]
async fn clock_functions_answer_in_the_session_zone_with_flink_types() {
    use datafusion::arrow::datatypes::TimeUnit;
    // The wall clock runs ahead of the instant by the zone's offset; both are read once per query.
    let ahead = "arrow_cast(LOCALTIMESTAMP, 'Int64') - arrow_cast(CURRENT_TIMESTAMP, 'Int64')";
    assert_eq!(eval_in_zone(ahead, "+05:00").await.0, (5 * 3600 * 1000).to_string());
    assert_eq!(eval_in_zone(ahead, "UTC").await.0, "0");
    assert_eq!(eval_in_zone("CURRENT_DATE = CAST(LOCALTIMESTAMP AS DATE)", "+14:00").await.0, "true");
    assert_eq!(eval_in_zone("NOW() = CURRENT_TIMESTAMP", "Asia/Shanghai").await.0, "true");
    let types = [
        ("CURRENT_TIMESTAMP", DataType::Timestamp(TimeUnit::Millisecond, Some("+00:00".into()))),
        ("CURRENT_ROW_TIMESTAMP()", DataType::Timestamp(TimeUnit::Millisecond, Some("+00:00".into()))),
        ("LOCALTIMESTAMP", DataType::Timestamp(TimeUnit::Millisecond, None)),
        ("CURRENT_DATE", DataType::Date32),
        ("CURRENT_TIME", DataType::Time32(TimeUnit::Second)),
        ("LOCALTIME", DataType::Time32(TimeUnit::Second)),
    ];
    for (expr, ty) in types {
        assert_eq!(eval_in_zone(expr, "Asia/Shanghai").await.1, ty, "{expr}");
    }
}

/// The error `sql` fails with, planning or running.
pub(super) async fn error(sql: &str) -> String {
    let ctx = SessionContext::new();
    super::register(&ctx);
    let failure = match ctx.sql(sql).await {
        Ok(frame) => frame.collect().await.err(),
        Err(e) => Some(e),
    };
    failure.map(|e| e.to_string()).unwrap_or_else(|| panic!("{sql} should fail"))
}

#[tokio::test]
async fn typeof_names_the_argument_type_with_its_nullability() {
    use DataType::*;
    // Flink 1.20 docs, TYPEOF: "the string representation of the input expression's data type";
    // a summary string by default, the catalog's serializable form with force_serializable TRUE.
    check(&[
        ("TYPEOF(CAST(1 AS INT))", "INT NOT NULL", Utf8),
        ("TYPEOF(CAST(NULL AS STRING))", "STRING", Utf8),
        ("TYPEOF(NULL)", "NULL", Utf8),
        ("TYPEOF(CAST(1.5 AS DECIMAL(10, 2)))", "DECIMAL(10, 2) NOT NULL", Utf8),
        ("TYPEOF([1, 2])", "ARRAY<BIGINT> NOT NULL", Utf8),
        ("TYPEOF(CAST(NULL AS DOUBLE) + 1)", "DOUBLE", Utf8),
        ("TYPEOF(CAST(NULL AS STRING), TRUE)", "VARCHAR(2147483647)", Utf8),
        ("TYPEOF(CAST(NULL AS STRING), FALSE)", "STRING", Utf8),
        ("TYPEOF(x) FROM (VALUES (1), (NULL)) t(x)", "BIGINT", Utf8),
    ])
    .await;
    let ctx = SessionContext::new();
    super::register(&ctx);
    assert!(ctx.sql("SELECT TYPEOF(1, 'yes')").await.is_err());
}

#[tokio::test]
async fn current_watermark_is_null_of_the_rowtime_type() {
    use datafusion::arrow::datatypes::TimeUnit::Millisecond;
    use DataType::*;
    // Flink 1.20 docs, CURRENT_WATERMARK(rowtime): the rowtime's type, NULL before any watermark
    // (always, here: see the function's documentation).
    check(&[
        ("CURRENT_WATERMARK(arrow_cast(TIMESTAMP '2020-01-01 00:00:00', 'Timestamp(Millisecond, None)'))", "NULL", Timestamp(Millisecond, None)),
        ("CURRENT_WATERMARK(arrow_cast(NULL, 'Timestamp(Millisecond, Some(\"UTC\"))'))", "NULL", Timestamp(Millisecond, Some("UTC".into()))),
        ("CURRENT_WATERMARK(ts) IS NULL FROM (VALUES (TIMESTAMP '2020-01-01 00:00:00')) t(ts)", "true", Boolean),
    ])
    .await;
    let ctx = SessionContext::new();
    super::register(&ctx);
    let error = ctx.sql("SELECT CURRENT_WATERMARK(1)").await.unwrap_err().to_string();
    assert!(error.contains("cannot be a time attribute"), "{error}");
}
