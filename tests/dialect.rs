//! The Flink SQL dialect over REST: DDL with connectors, catalogs, SHOW and
//! DESCRIBE with Flink's column names, views, ALTER, EXPLAIN, comments.

mod common;

use common::start_server;
use serde_json::json;

#[tokio::test]
async fn catalogs_databases_and_current_names_as_flink_names_them() {
    let server = start_server().await;
    let s = server.open_session("").await;
    assert_eq!(server.columns(&s, "SHOW CURRENT CATALOG").await, vec!["current catalog name"]);
    assert_eq!(server.rows(&s, "SHOW CURRENT CATALOG;").await, vec![json!(["default_catalog"])]);
    assert_eq!(server.rows(&s, "show current database").await, vec![json!(["default_database"])]);
    assert_eq!(server.columns(&s, "SHOW CATALOGS").await, vec!["catalog name"]);
    assert!(server.rows(&s, "SHOW CATALOGS").await.contains(&json!(["default_catalog"])));
    assert_eq!(server.rows(&s, "CREATE DATABASE sales COMMENT 'team'").await, vec![json!(["OK"])]);
    assert_eq!(server.columns(&s, "SHOW DATABASES").await, vec!["database name"]);
    assert_eq!(server.rows(&s, "SHOW DATABASES").await, vec![json!(["default_database"]), json!(["sales"])]);
    assert!(server.failure(&s, "CREATE DATABASE sales").await.contains("already exists"));
    assert_eq!(server.rows(&s, "CREATE DATABASE IF NOT EXISTS sales").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "USE sales").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SHOW CURRENT DATABASE").await, vec![json!(["sales"])]);
    server.rows(&s, "CREATE TABLE orders (id BIGINT, amount DECIMAL(10, 2))").await;
    assert_eq!(server.rows(&s, "SHOW TABLES").await, vec![json!(["orders"])]);
    assert!(server.failure(&s, "DROP DATABASE sales").await.contains("in use"));
    server.rows(&s, "USE default_database").await;
    assert!(server.failure(&s, "DROP DATABASE sales").await.contains("not empty"));
    assert_eq!(server.rows(&s, "DROP DATABASE sales CASCADE").await, vec![json!(["OK"])]);
    assert!(server.failure(&s, "USE sales").await.contains("does not exist"));
    server.rows(&s, "CREATE CATALOG c2 WITH ('type' = 'generic_in_memory')").await;
    assert_eq!(server.rows(&s, "USE CATALOG c2").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SHOW CURRENT CATALOG").await, vec![json!(["c2"])]);
    assert_eq!(server.rows(&s, "SHOW DATABASES").await, vec![json!(["default"])]);
    assert!(server.failure(&s, "USE CATALOG nope").await.contains("nope"));
}

#[tokio::test]
async fn connector_tables_describe_and_show_create_with_flink_types() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let ddl = "CREATE TEMPORARY TABLE IF NOT EXISTS clicks (
        -- a comment
        id BIGINT NOT NULL COMMENT 'the key',
        name STRING, code CHAR(3), tag VARCHAR(10), ok BOOLEAN, t TINYINT, sm SMALLINT, i INT, f FLOAT, d DOUBLE,
        price DECIMAL(10, 2), day DATE, at TIME, ts TIMESTAMP(3), lts TIMESTAMP_LTZ(3), raw BYTES,
        tags ARRAY<STRING>, attrs MAP<STRING, INT>, point ROW<x INT, y INT>,
        doubled AS i * 2, pt AS PROCTIME(),
        PRIMARY KEY (id) NOT ENFORCED,
        WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
    ) COMMENT 'clicks' WITH ('connector' = 'datagen', 'number-of-rows' = '10' /*+ hint */);";
    assert_eq!(server.rows(&s, ddl).await, vec![json!(["OK"])]);
    assert_eq!(server.columns(&s, "DESCRIBE clicks").await, vec!["name", "type", "null", "key", "extras", "watermark"]);
    let described = server.rows(&s, "DESC clicks").await;
    let row = |name: &str| described.iter().find(|r| r[0] == name).cloned().unwrap_or_else(|| panic!("{name} in {described:?}"));
    assert_eq!(row("id"), json!(["id", "BIGINT", false, "PRI(id)", null, null]));
    assert_eq!(row("name"), json!(["name", "STRING", true, null, null, null]));
    assert_eq!(row("tag")[1], "VARCHAR(10)");
    assert_eq!(row("price")[1], "DECIMAL(10, 2)");
    assert_eq!(row("ts"), json!(["ts", "TIMESTAMP(3) *ROWTIME*", true, null, null, "ts - INTERVAL '5' SECOND"]));
    assert_eq!(row("lts")[1], "TIMESTAMP_LTZ(3)");
    assert_eq!(row("tags")[1], "ARRAY<STRING>");
    assert_eq!(row("attrs")[1], "MAP<STRING, INT>");
    assert_eq!(row("doubled")[4], "AS i * 2");
    assert_eq!(row("pt")[1], "TIMESTAMP_LTZ(3) *PROCTIME*");
    assert_eq!(server.rows(&s, "SHOW COLUMNS FROM clicks LIKE 'p%'").await.len(), 3);
    let create = server.rows(&s, "SHOW CREATE TABLE clicks").await;
    let text = create[0][0].as_str().unwrap();
    assert!(text.starts_with("CREATE TABLE `default_catalog`.`default_database`.`clicks` ("), "{text}");
    assert!(text.contains("'connector' = 'datagen'") && text.contains("WATERMARK FOR `ts`"), "{text}");
    // Ten generated rows, computed column included.
    let rows = server.rows(&s, "SELECT id, i, doubled FROM clicks").await;
    assert_eq!(rows.len(), 10);
    for r in &rows {
        assert_eq!(r[2].as_i64(), r[1].as_i64().map(|i| i * 2), "{r}");
    }
}

#[tokio::test]
async fn views_alter_drop_and_errors() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE t (k STRING, v INT)").await;
    server.rows(&s, "SET 'table.dml-sync' = 'true'").await;
    server.rows(&s, "INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5)").await;
    assert_eq!(server.rows(&s, "CREATE VIEW totals AS (SELECT k, SUM(v) AS total FROM t GROUP BY k)").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SELECT * FROM totals ORDER BY k").await, vec![json!(["a", 3]), json!(["b", 5])]);
    assert_eq!(server.columns(&s, "SHOW VIEWS").await, vec!["view name"]);
    assert_eq!(server.rows(&s, "SHOW VIEWS").await, vec![json!(["totals"])]);
    assert_eq!(server.rows(&s, "SHOW TABLES").await, vec![json!(["t"]), json!(["totals"])]);
    assert_eq!(server.rows(&s, "SHOW TABLES LIKE 'to%'").await, vec![json!(["totals"])]);
    assert!(server.rows(&s, "SHOW CREATE VIEW totals").await[0][0].as_str().unwrap().contains("SUM(v)"));
    assert!(server.failure(&s, "DROP TABLE totals").await.contains("DROP VIEW"));
    assert_eq!(server.rows(&s, "CREATE TEMPORARY VIEW IF NOT EXISTS totals AS SELECT 1").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "DROP VIEW totals").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "DROP VIEW IF EXISTS totals").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "ALTER TABLE t RENAME TO t2").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SELECT COUNT(*) FROM t2").await, vec![json!([3])]);
    assert!(server.failure(&s, "SELECT * FROM t").await.contains("t"));
    server.rows(&s, "CREATE TABLE g (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3')").await;
    assert_eq!(server.rows(&s, "ALTER TABLE g SET ('number-of-rows' = '7')").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SELECT COUNT(*) FROM g").await, vec![json!([7])]);
    assert!(server.failure(&s, "ALTER TABLE g SET ('no-such' = '1')").await.contains("no-such"));
    assert_eq!(server.rows(&s, "SELECT COUNT(*) FROM g").await, vec![json!([7])], "a refused ALTER leaves the table as it was");
    assert_eq!(server.rows(&s, "DROP TABLE IF EXISTS g").await, vec![json!(["OK"])]);
    assert!(server.failure(&s, "DROP TABLE g").await.contains("does not exist"));
    assert!(server.failure(&s, "CREATE TABLE x (a INT) WITH ('connector' = 'kafka')").await.contains("'kafka'"));
    assert!(server.failure(&s, "CREATE TABLE x (a INT) WITH ('connector' = 'datagen', 'rows-per-sec' = '1')").await.contains("rows-per-sec"));
    assert!(server.failure(&s, "CREATE TABLE x (a WIBBLE) WITH ('connector' = 'datagen')").await.contains("WIBBLE"));
}

#[tokio::test]
async fn set_reset_explain_functions_and_decimal_literals() {
    let server = start_server().await;
    let s = server.open_session("").await;
    assert_eq!(server.rows(&s, "SET 'execution.runtime-mode' = 'batch'").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "SET 'sql-client.execution.result-mode' = 'tableau'").await, vec![json!(["OK"])]);
    let listing = server.rows(&s, "SET").await;
    assert!(listing.contains(&json!(["execution.runtime-mode", "batch"])), "{listing:?}");
    assert!(listing.contains(&json!(["sql-client.execution.result-mode", "tableau"])), "{listing:?}");
    assert!(server.failure(&s, "SET 'execution.runtime-mode' = 'sideways'").await.contains("sideways"));
    assert!(server.failure(&s, "SET 'table.sql-dialect' = 'klingon'").await.contains("klingon"));
    assert!(server.rows(&s, "SET").await.contains(&json!(["execution.runtime-mode", "batch"])), "a refused SET changes nothing");
    assert_eq!(server.rows(&s, "RESET 'execution.runtime-mode'").await, vec![json!(["OK"])]);
    assert!(!server.rows(&s, "SET").await.iter().any(|r| r[0] == "execution.runtime-mode"));
    assert_eq!(server.columns(&s, "EXPLAIN SELECT 1").await, vec!["result"]);
    let plan = server.rows(&s, "EXPLAIN PLAN FOR SELECT 1 AS one").await;
    assert!(plan[0][0].as_str().unwrap().contains("logical_plan"), "{plan:?}");
    assert_eq!(server.columns(&s, "SHOW FUNCTIONS").await, vec!["function name"]);
    assert!(server.rows(&s, "SHOW FUNCTIONS").await.contains(&json!(["upper"])));
    assert!(server.rows(&s, "SHOW USER FUNCTIONS").await.is_empty());
    let op = server.submit("", &s, "SELECT 1.50 AS price").await;
    let pages = server.pages("", &s, &op, "rowFormat=JSON").await;
    assert_eq!(pages[0]["results"]["columns"][0]["logicalType"]["type"], "DECIMAL");
}

#[tokio::test]
async fn configure_session_runs_flink_ddl_and_refuses_queries() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for statement in ["CREATE TABLE src (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '4');", "USE CATALOG default_catalog;", "SET 'k' = 'v';"] {
        let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": statement })).await;
        assert_eq!(a.status, 200, "{statement}: {}", a.text);
    }
    assert_eq!(server.rows(&s, "SELECT COUNT(*) FROM src").await, vec![json!([4])]);
    let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": "SHOW TABLES;" })).await;
    assert_eq!(a.status, 400, "{}", a.text);
    // One statement per call, as Flink: a script is refused as a whole.
    let a = server.post(&format!("/sessions/{s}/configure-session"), json!({ "statement": "SET 'a' = '1'; SET 'b' = '2';" })).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert!(common::error_message(&a).contains("found: ;"), "{}", a.text);
    assert!(!server.rows(&s, "SET").await.iter().any(|r| r[0] == "a"), "nothing of a refused script applies");
}
