//! Column types as Flink reports them for the same query: literals,
//! arithmetic widening and aggregate result types, nullability included,
//! with the values in both row formats.

mod common;

use common::{TestServer, start_server};
use serde_json::{Value, json};

/// The `logicalType` of every column of `sql`, and its one row as JSON and as PLAIN_TEXT fields.
async fn typed(server: &TestServer, session: &str, sql: &str) -> (Vec<Value>, Value, Value) {
    let op = server.submit("", session, sql).await;
    let pages = server.pages("", session, &op, "rowFormat=JSON").await;
    let types = pages[0]["results"]["columns"].as_array().unwrap().iter().map(|c| c["logicalType"].clone()).collect();
    let json_rows = server.rows(session, sql).await;
    let op = server.submit("", session, sql).await;
    let text = server.follow(session, &op, "PLAIN_TEXT", |_| false).await;
    assert_eq!((json_rows.len(), text.len()), (1, 1), "{sql}: one row expected");
    (types, json_rows[0].clone(), text[0].1.clone())
}

#[tokio::test]
async fn literals_have_flink_types() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let cases = [
        // An integer literal is INT when it fits, BIGINT otherwise; a string literal CHAR(n).
        ("SELECT 1 AS a, 'x' AS b", json!([{"type": "INTEGER", "nullable": false}, {"type": "CHAR", "nullable": false, "length": 1}]), json!([1, "x"]), json!(["1", "x"])),
        ("SELECT 3000000000 AS big, 'abc' AS s", json!([{"type": "BIGINT", "nullable": false}, {"type": "CHAR", "nullable": false, "length": 3}]), json!([3000000000i64, "abc"]), json!(["3000000000", "abc"])),
        ("SELECT 1.50 AS d", json!([{"type": "DECIMAL", "nullable": false, "precision": 3, "scale": 2}]), json!([1.50]), json!(["1.50"])),
        ("SELECT TRUE AS t", json!([{"type": "BOOLEAN", "nullable": false}]), json!([true]), json!(["TRUE"])),
        ("SELECT X'0102' AS b", json!([{"type": "BINARY", "nullable": false, "length": 2}]), json!(["AQI="]), json!(["x'0102'"])),
        // TINYINT + INT widens to INT, as in Flink.
        ("SELECT CAST(1 AS TINYINT) + 1 AS c", json!([{"type": "INTEGER", "nullable": false}]), json!([2]), json!(["2"])),
        ("SELECT CAST(1 AS BIGINT) + 1 AS c", json!([{"type": "BIGINT", "nullable": false}]), json!([2]), json!(["2"])),
    ];
    for (sql, types, row, text) in cases {
        let (got_types, got_row, got_text) = typed(&server, &s, sql).await;
        assert_eq!(Value::Array(got_types), types, "{sql}");
        assert_eq!((got_row, got_text), (row, text), "{sql}");
    }
}

#[tokio::test]
async fn aggregates_answer_in_flink_types() {
    let server = start_server().await;
    let s = server.open_session("").await;
    // Batch mode: one final row (streaming sends the same types as a changelog).
    server.rows(&s, "SET 'execution.runtime-mode' = 'batch'").await;
    let sql = "SELECT COUNT(*) AS n, SUM(x) AS s, AVG(x) AS a, SUM(y) AS sb, AVG(z) AS ad \
               FROM (VALUES (1, 3000000000, CAST(1 AS DOUBLE)), (2, 1, CAST(2 AS DOUBLE))) AS t(x, y, z)";
    let (types, row, text) = typed(&server, &s, sql).await;
    assert_eq!(
        types,
        vec![
            json!({"type": "BIGINT", "nullable": false}),
            json!({"type": "INTEGER", "nullable": true}),
            json!({"type": "INTEGER", "nullable": true}),
            json!({"type": "BIGINT", "nullable": true}),
            json!({"type": "DOUBLE", "nullable": true}),
        ]
    );
    // AVG of INT divides as integers: (1 + 2) / 2 = 1.
    assert_eq!((row, text), (json!([2, 3, 1, 3000000001i64, 1.5]), json!(["2", "3", "1", "3000000001", "1.5"])));
    // Names above the aggregate still resolve: HAVING and expressions over SUM.
    let rows = server.rows(&s, "SELECT k, SUM(v) + 1 AS s FROM (VALUES ('a', 1), ('a', 2), ('b', 5)) AS t(k, v) GROUP BY k HAVING SUM(v) > 3 ORDER BY k").await;
    assert_eq!(rows, vec![json!(["b", 6])]);
}

#[tokio::test]
async fn typeof_agrees_with_the_reported_column_types() {
    let server = start_server().await;
    let s = server.open_session("").await;
    // Flink 1.20 docs, TYPEOF; the literals typed as Flink types them (INT, CHAR(n)).
    let sql = "SELECT TYPEOF(1) AS i, TYPEOF('ab') AS c, TYPEOF(CAST(NULL AS STRING)) AS s, TYPEOF(3000000000) AS b, TYPEOF(x) AS col \
               FROM (VALUES (CAST(NULL AS INT))) AS t(x)";
    let (types, row, _) = typed(&server, &s, sql).await;
    assert_eq!(types[0], json!({"type": "VARCHAR", "nullable": true, "length": 2147483647}));
    assert_eq!(row, json!(["INT NOT NULL", "CHAR(2) NOT NULL", "STRING", "BIGINT NOT NULL", "INT"]));
}
