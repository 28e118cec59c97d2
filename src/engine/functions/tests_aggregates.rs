//! The aggregate functions against Flink 1.20's "System (Built-in)
//! Functions" (Aggregate Functions; JSON Functions for `JSON_ARRAYAGG` and
//! `JSON_OBJECTAGG`, written in Flink's syntax and rewritten by the dialect
//! layer), with a NULL case for each.

use datafusion::arrow::datatypes::DataType;
use datafusion::execution::context::SessionContext;

use super::tests::eval_in_zone;

/// The three products of Flink's JSON_ARRAYAGG / JSON_OBJECTAGG examples.
const ORDERS: &str = "(VALUES ('Apple', 2), ('Banana', 17), ('Orange', 0)) AS orders(product, cnt)";

/// Every case: an aggregate expression and its FROM clause, the expected text and type.
async fn check(cases: &[(&str, &str, &str, DataType)]) {
    for (expr, from, value, ty) in cases {
        assert_eq!(eval_in_zone(&format!("{expr} FROM {from}"), "UTC").await, (value.to_string(), ty.clone()), "{expr} FROM {from}");
    }
}

#[tokio::test]
async fn percentile_interpolates_as_flink_does() {
    use DataType::*;
    check(&[
        // PERCENTILE: "the exact percentile value ... interpolating the two closest values", DOUBLE.
        ("PERCENTILE(x, 0.5)", "(VALUES (1), (2), (3), (4)) t(x)", "2.5", Float64),
        ("PERCENTILE(x, 0.25)", "(VALUES (1.0), (2.0), (3.0), (4.0), (5.0)) t(x)", "2.0", Float64),
        ("PERCENTILE(x, 1.0)", "(VALUES (1), (7), (3)) t(x)", "7.0", Float64),
        ("PERCENTILE(x, 0.5)", "(VALUES (CAST(NULL AS INT))) t(x)", "NULL", Float64),
    ])
    .await;
}

#[tokio::test]
async fn json_arrayagg_and_json_objectagg() {
    use DataType::*;
    check(&[
        // Flink's examples: '["Apple","Banana","Orange"]' and '{"Apple":2,"Banana":17,"Orange":0}'.
        ("JSON_ARRAYAGG(product)", ORDERS, "[\"Apple\",\"Banana\",\"Orange\"]", Utf8),
        ("JSON_OBJECTAGG(KEY product VALUE cnt)", ORDERS, "{\"Apple\":2,\"Banana\":17,\"Orange\":0}", Utf8),
        ("JSON_OBJECTAGG(product VALUE cnt)", ORDERS, "{\"Apple\":2,\"Banana\":17,\"Orange\":0}", Utf8),
        // Defaults: ABSENT ON NULL for arrays, NULL ON NULL for objects.
        ("JSON_ARRAYAGG(x)", "(VALUES (1), (NULL), (3)) t(x)", "[1,3]", Utf8),
        ("JSON_ARRAYAGG(x NULL ON NULL)", "(VALUES (1), (NULL), (3)) t(x)", "[1,null,3]", Utf8),
        ("JSON_OBJECTAGG(KEY k VALUE v)", "(VALUES ('a', 1), ('b', NULL)) t(k, v)", "{\"a\":1,\"b\":null}", Utf8),
        ("JSON_OBJECTAGG(KEY k VALUE v ABSENT ON NULL)", "(VALUES ('a', 1), ('b', NULL)) t(k, v)", "{\"a\":1}", Utf8),
        // Only NULL values, and nested JSON constructors kept as JSON.
        ("JSON_ARRAYAGG(x)", "(VALUES (CAST(NULL AS INT))) t(x)", "[]", Utf8),
        ("JSON_ARRAYAGG(JSON_OBJECT(KEY 'p' VALUE product))", ORDERS, "[{\"p\":\"Apple\"},{\"p\":\"Banana\"},{\"p\":\"Orange\"}]", Utf8),
    ])
    .await;
}

#[tokio::test]
async fn json_objectagg_refuses_repeated_and_null_keys_and_merges_partitions() {
    let ctx = SessionContext::new();
    super::register(&ctx);
    let run = |sql: &str| {
        let ctx = ctx.clone();
        let sql = crate::engine::dialect::rewrite_expressions(sql, "UTC").unwrap();
        async move {
            let batches = ctx.sql(&sql).await?.collect().await?;
            Ok::<_, datafusion::error::DataFusionError>(datafusion::arrow::util::display::array_value_to_string(batches[0].column(0), 0)?)
        }
    };
    let repeated = run("SELECT JSON_OBJECTAGG(KEY k VALUE v) FROM (VALUES ('a', 1), ('a', 2)) t(k, v)").await.unwrap_err().to_string();
    assert!(repeated.contains("Key 'a' is already present"), "{repeated}");
    assert!(run("SELECT JSON_OBJECTAGG(KEY k VALUE v) FROM (VALUES (CAST(NULL AS STRING), 1)) t(k, v)").await.is_err());
    // Two inputs aggregate in two partitions, merged: every element, in either order.
    let merged = run("SELECT JSON_ARRAYAGG(x) FROM (SELECT 1 AS x UNION ALL SELECT 2 AS x)").await.unwrap();
    assert!(merged == "[1,2]" || merged == "[2,1]", "{merged}");
    let repeated = run("SELECT JSON_OBJECTAGG(KEY k VALUE 1) FROM (SELECT 'a' AS k UNION ALL SELECT 'a' AS k)").await;
    assert!(repeated.is_err(), "{repeated:?}");
}
