//! The JSON functions (with the dialect layer's rewrite of `IS JSON`,
//! `JSON_OBJECT` and `JSON_ARRAY`) against the examples of Flink's
//! "System (Built-in) Functions" page (Flink 1.19/1.20), plus a NULL
//! argument for each. Flink writes JSON compactly, as Jackson does; the
//! page's spacing (`'{ "b": 1 }'`) is only for reading.

use datafusion::arrow::datatypes::DataType;

use super::tests::eval_in_zone;

/// Every case: expression (rewritten by the dialect layer), expected text, expected type.
async fn check(cases: &[(&str, &str, DataType)]) {
    for (expr, value, ty) in cases {
        assert_eq!(eval_in_zone(expr, "UTC").await, (value.to_string(), ty.clone()), "{expr}");
    }
}

#[tokio::test]
async fn is_json_and_json_exists() {
    use DataType::*;
    check(&[
        // Flink's examples of IS JSON.
        ("'1' IS JSON", "true", Boolean),
        ("'[]' IS JSON", "true", Boolean),
        ("'{}' IS JSON", "true", Boolean),
        ("'\"abc\"' IS JSON", "true", Boolean),
        ("'abc' IS JSON", "false", Boolean),
        ("CAST(NULL AS STRING) IS JSON", "false", Boolean),
        ("'1' IS JSON SCALAR", "true", Boolean),
        ("'1' IS JSON ARRAY", "false", Boolean),
        ("'1' IS JSON OBJECT", "false", Boolean),
        ("'{}' IS JSON SCALAR", "false", Boolean),
        ("'{}' IS JSON ARRAY", "false", Boolean),
        ("'{}' IS JSON OBJECT", "true", Boolean),
        ("'abc' IS NOT JSON", "true", Boolean),
        // Flink's examples of JSON_EXISTS.
        ("JSON_EXISTS('{\"a\": true}', '$.a')", "true", Boolean),
        ("JSON_EXISTS('{\"a\": true}', '$.b')", "false", Boolean),
        ("JSON_EXISTS('{\"a\": [{ \"b\": 1 }]}', '$.a[0].c')", "false", Boolean),
        ("JSON_EXISTS('{\"a\": [{ \"b\": 1 }]}', '$.a[0].b')", "true", Boolean),
        ("JSON_EXISTS('not json', '$')", "false", Boolean),
        ("JSON_EXISTS(CAST(NULL AS STRING), '$.a')", "NULL", Boolean),
    ])
    .await;
}

#[tokio::test]
async fn json_value_and_json_query() {
    use DataType::*;
    check(&[
        // Flink's examples of JSON_VALUE (without RETURNING): "true", and 0.998 for a quoted key.
        ("JSON_VALUE('{\"a\": true}', '$.a')", "true", Utf8),
        ("JSON_VALUE('{\"a.b\": [0.998,0.996]}', '$.[\"a.b\"][0]')", "0.998", Utf8),
        ("JSON_VALUE('{\"a\": \"x\"}', 'lax $.a')", "x", Utf8),
        // Nothing selected, an object, or JSON null: NULL (NULL ON EMPTY / NULL ON ERROR).
        ("JSON_VALUE('{\"a\": true}', 'lax $.b')", "NULL", Utf8),
        ("JSON_VALUE('{\"a\": {\"b\": 1}}', '$.a')", "NULL", Utf8),
        ("JSON_VALUE('{\"a\": null}', '$.a')", "NULL", Utf8),
        ("JSON_VALUE(CAST(NULL AS STRING), '$.a')", "NULL", Utf8),
        // Flink's examples of JSON_QUERY.
        ("JSON_QUERY('{ \"a\": { \"b\": 1 } }', '$.a')", "{\"b\":1}", Utf8),
        ("JSON_QUERY('[1, 2]', '$')", "[1,2]", Utf8),
        ("JSON_QUERY(CAST(NULL AS STRING), '$')", "NULL", Utf8),
        ("JSON_QUERY('{\"a\":[{\"c\":\"c1\"},{\"c\":\"c2\"}]}', 'lax $.a[*].c')", "[\"c1\",\"c2\"]", Utf8),
        // Scalars must be wrapped to be returned.
        ("JSON_QUERY('1', '$')", "NULL", Utf8),
        // Key order is kept, as Jackson keeps it.
        ("JSON_QUERY('{\"z\": 1, \"a\": [true, null]}', '$')", "{\"z\":1,\"a\":[true,null]}", Utf8),
    ])
    .await;
}

#[tokio::test]
async fn json_string_object_and_array() {
    use DataType::*;
    check(&[
        // Flink's examples of JSON_STRING.
        ("JSON_STRING(CAST(NULL AS INT))", "NULL", Utf8),
        ("JSON_STRING(1)", "1", Utf8),
        ("JSON_STRING(TRUE)", "true", Utf8),
        ("JSON_STRING('Hello, World!')", "\"Hello, World!\"", Utf8),
        ("JSON_STRING(make_array(1, 2))", "[1,2]", Utf8),
        ("JSON_STRING(1.5e0)", "1.5", Utf8),
        // Flink's examples of JSON_OBJECT.
        ("JSON_OBJECT()", "{}", Utf8),
        ("JSON_OBJECT('K1' VALUE 'V1', 'K2' VALUE 'V2')", "{\"K1\":\"V1\",\"K2\":\"V2\"}", Utf8),
        ("JSON_OBJECT(KEY 'K1' VALUE CAST(NULL AS STRING) NULL ON NULL)", "{\"K1\":null}", Utf8),
        ("JSON_OBJECT(KEY 'K1' VALUE CAST(NULL AS STRING) ABSENT ON NULL)", "{}", Utf8),
        ("JSON_OBJECT(KEY 'K1' VALUE JSON_OBJECT(KEY 'K2' VALUE 'V'))", "{\"K1\":{\"K2\":\"V\"}}", Utf8),
        ("JSON_OBJECT(KEY 'K2' VALUE 1, KEY 'K1' VALUE MAP['x', 2])", "{\"K2\":1,\"K1\":{\"x\":2}}", Utf8),
        // Flink's examples of JSON_ARRAY.
        ("JSON_ARRAY()", "[]", Utf8),
        ("JSON_ARRAY(1, '2')", "[1,\"2\"]", Utf8),
        ("JSON_ARRAY(CAST(NULL AS STRING) NULL ON NULL)", "[null]", Utf8),
        ("JSON_ARRAY(CAST(NULL AS STRING) ABSENT ON NULL)", "[]", Utf8),
        ("JSON_ARRAY(JSON_ARRAY(1))", "[[1]]", Utf8),
        // A string holding JSON is still a string.
        ("JSON_ARRAY('[1]')", "[\"[1]\"]", Utf8),
    ])
    .await;
}

#[tokio::test]
async fn json_value_with_returning_on_empty_and_on_error() {
    use DataType::*;
    check(&[
        // Flink's examples of JSON_VALUE with clauses.
        ("JSON_VALUE('{\"a\": true}', '$.a' RETURNING BOOLEAN)", "true", Boolean),
        ("JSON_VALUE('{\"a\": true}', 'lax $.b' DEFAULT FALSE ON EMPTY)", "false", Utf8),
        ("JSON_VALUE('{\"a\": true}', 'strict $.b' DEFAULT FALSE ON ERROR)", "false", Utf8),
        ("JSON_VALUE('{\"a.b\": [0.998,0.996]}', '$.[\"a.b\"][0]' RETURNING DOUBLE)", "0.998", Float64),
        ("JSON_VALUE('{\"contains blank\": \"right\"}', 'strict $.[\"contains blank\"]' NULL ON EMPTY DEFAULT 'wrong' ON ERROR)", "right", Utf8),
        // Empty (nothing, JSON null, lax non-scalar) and error (not JSON, a value that does not cast).
        ("JSON_VALUE('{\"a\": null}', '$.a' RETURNING INT DEFAULT 7 ON EMPTY)", "7", Int32),
        ("JSON_VALUE('{\"a\": [1]}', 'lax $.a' RETURNING INT DEFAULT 7 ON EMPTY DEFAULT 8 ON ERROR)", "7", Int32),
        ("JSON_VALUE('{\"a\": [1]}', 'strict $.a' RETURNING INT DEFAULT 7 ON EMPTY DEFAULT 8 ON ERROR)", "8", Int32),
        ("JSON_VALUE('not json', '$.a' RETURNING INT DEFAULT 8 ON ERROR)", "8", Int32),
        ("JSON_VALUE('{\"a\": \"x\"}', '$.a' RETURNING INT DEFAULT 8 ON ERROR)", "8", Int32),
        ("JSON_VALUE('{\"a\": \"x\"}', '$.a' RETURNING INT)", "NULL", Int32),
        ("JSON_VALUE('{\"a\": 5}', '$.a' RETURNING BIGINT DEFAULT NULL ON EMPTY)", "5", Int64),
        // A NULL document is NULL whatever the clauses.
        ("JSON_VALUE(CAST(NULL AS STRING), '$.a' RETURNING INT DEFAULT 1 ON EMPTY DEFAULT 2 ON ERROR)", "NULL", Int32),
    ])
    .await;
    let ctx = datafusion::execution::context::SessionContext::new();
    super::register(&ctx);
    for (flink, message) in [
        ("SELECT JSON_VALUE('{}', '$.a' ERROR ON EMPTY)", "Empty result of JSON_VALUE function is not allowed"),
        ("SELECT JSON_VALUE('[', '$.a' ERROR ON ERROR)", "not JSON"),
    ] {
        let sql = crate::engine::dialect::rewrite_expressions(flink, "UTC").unwrap();
        let error = ctx.sql(&sql).await.unwrap().collect().await.unwrap_err().to_string();
        assert!(error.contains(message), "{flink}: {error}");
    }
}
