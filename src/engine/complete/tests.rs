use proptest::prelude::*;

use super::*;

fn view() -> CatalogView {
    let table = |name: &str, columns: &[&str]| (name.to_string(), columns.iter().map(|c| c.to_string()).collect());
    CatalogView {
        catalogs: vec!["default_catalog".into(), "hive".into()],
        current_catalog: "default_catalog".into(),
        current_database: "default_database".into(),
        databases: vec!["default_database".into(), "sales".into()],
        tables: vec![
            table("orders", &["order_id", "customer", "amount", "order_time"]),
            table("items", &["item_id", "order_id", "product", "price"]),
            table("customers", &["customer_id", "name"]),
            table("straße", &["größe", "id"]),
        ],
    }
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Where a table name goes: tables, then databases and catalogs to qualify.
fn tables() -> Vec<String> {
    v(&["customers", "default_catalog", "default_database", "hive", "items", "orders", "sales", "straße"])
}

/// Where an expression goes: the expression keywords plus `extra`, then `columns`.
fn expr(extra: &[&str], columns: &[&str]) -> Vec<String> {
    let mut keywords = v(&["AVG", "CASE", "CAST", "COALESCE", "COUNT", "FALSE", "MAX", "MIN", "NOT", "NULL", "SUM", "TRUE"]);
    keywords.extend(v(extra));
    keywords.sort();
    keywords.extend(v(columns));
    keywords
}

const ORDERS: &[&str] = &["amount", "customer", "order_id", "order_time"];
const ITEMS: &[&str] = &["item_id", "order_id", "price", "product"];
const AFTER_TABLE: &[&str] = &["AS", "CROSS", "FULL", "GROUP", "INNER", "JOIN", "LEFT", "LIMIT", "ORDER", "RIGHT", "UNION", "WHERE"];

#[test]
fn candidates_by_position() {
    let orders_items = ["amount", "customer", "item_id", "order_id", "order_time", "price", "product"];
    // (statement, cursor in characters or None for the end, expected candidates)
    let cases: Vec<(&str, Option<usize>, Vec<String>)> = vec![
        // Statement start.
        ("", None, v(&[
            "ALTER", "BEGIN", "CREATE", "DESC", "DESCRIBE", "DROP", "END", "EXECUTE", "EXPLAIN", "INSERT", "RESET", "SELECT", "SET", "SHOW",
            "STOP", "USE", "VALUES", "WITH",
        ])),
        ("SEL", None, v(&["SELECT"])),
        ("s", None, v(&["SELECT", "SET", "SHOW", "STOP"])),
        ("SELECT 1; SEL", None, v(&["SELECT"])),
        // Only the statement under the cursor names the tables.
        ("SELECT * FROM items; SELECT p FROM orders", Some(29), v(&[])),
        ("SELECT * FROM items; SELECT p FROM items", Some(29), v(&["price", "product"])),
        ("-- note\nSEL", None, v(&["SELECT"])),
        // CREATE.
        ("CREATE TA", Some(9), v(&["TABLE"])),
        ("create ta", None, v(&["TABLE"])),
        ("CREATE TABLE", None, v(&[])),
        ("CREATE ", None, v(&["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "OR", "TABLE", "TEMPORARY", "VIEW"])),
        ("CREATE TEMPORARY ", None, v(&["FUNCTION", "SYSTEM", "TABLE", "VIEW"])),
        ("CREATE OR ", None, v(&["REPLACE"])),
        ("CREATE OR REPLACE ", None, v(&["TABLE"])),
        ("CREATE TABLE ", None, v(&["IF"])),
        ("CREATE TABLE IF ", None, v(&["NOT"])),
        ("CREATE TABLE IF NOT ", None, v(&["EXISTS"])),
        ("CREATE TABLE IF NOT EXISTS ", None, v(&[])),
        ("CREATE TABLE t ", None, v(&["AS", "LIKE", "WITH"])),
        ("CREATE TABLE t LIKE it", None, v(&["items"])),
        ("CREATE TABLE t (", None, v(&["CONSTRAINT", "PRIMARY", "WATERMARK"])),
        ("CREATE TABLE t (id BIG", None, v(&["BIGINT"])),
        ("CREATE TABLE t (id INT, ts TIMESTAMP(3), WATERMARK FOR ", None, v(&["id", "ts"])),
        ("CREATE TABLE t (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SEC", None, v(&["SECOND"])),
        ("CREATE TABLE t (id INT, PRIMARY KEY (", None, v(&["id"])),
        ("CREATE TABLE t (id INT, PRIMARY KEY (id) ", None, v(&["NOT"])),
        ("CREATE TABLE t (id INT) WITH ('connector' = 'kafka') ", None, v(&["AS", "COMMENT", "LIKE", "PARTITIONED"])),
        ("CREATE TABLE t (id INT) WITH (", None, v(&[])),
        ("CREATE VIEW v AS ", None, v(&["SELECT", "VALUES", "WITH"])),
        ("CREATE VIEW v AS SELECT * FROM ", None, tables()),
        ("CREATE FUNCTION f AS ", None, v(&[])),
        // DROP and ALTER.
        ("DROP ", None, v(&["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "TABLE", "TEMPORARY", "VIEW"])),
        ("DROP TABLE o", None, v(&["orders"])),
        ("DROP TABLE IF ", None, v(&["EXISTS"])),
        ("DROP TABLE IF EXISTS ", None, tables()),
        ("DROP CATALOG ", None, v(&["IF", "default_catalog", "hive"])),
        ("DROP MATERIALIZED ", None, v(&["TABLE"])),
        ("ALTER ", None, v(&["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "TABLE", "TEMPORARY", "VIEW"])),
        ("ALTER TABLE orders ", None, v(&["ADD", "DROP", "MODIFY", "RENAME", "RESET", "SET"])),
        ("ALTER MATERIALIZED ", None, v(&["TABLE"])),
        // SHOW.
        ("SHOW C", None, v(&["CATALOGS", "COLUMNS", "CREATE", "CURRENT"])),
        ("SHOW CURRENT ", None, v(&["CATALOG", "DATABASE"])),
        ("SHOW CURRENT D", None, v(&["DATABASE"])),
        ("SHOW CREATE ", None, v(&["CATALOG", "MATERIALIZED", "TABLE", "VIEW"])),
        ("SHOW CREATE TABLE ", None, tables()),
        ("SHOW COLUMNS FROM it", None, v(&["items"])),
        ("SHOW USER ", None, v(&["FUNCTIONS"])),
        ("SHOW MATERIALIZED ", None, v(&["TABLES"])),
        ("SHOW TABLES ", None, v(&["FROM", "ILIKE", "IN", "LIKE", "NOT"])),
        ("SHOW TABLES FROM ", None, v(&["default_catalog", "default_database", "hive", "sales"])),
        ("SHOW TABLES FROM default_catalog.", None, v(&["default_database", "sales"])),
        // USE, DESCRIBE, statement sets, EXPLAIN.
        ("USE ", None, v(&["CATALOG", "MODULES", "default_database", "sales"])),
        ("USE CATALOG ", None, v(&["default_catalog", "hive"])),
        ("use catalog h", None, v(&["hive"])),
        ("DESCRIBE ", None, tables()),
        ("DESC ord", None, v(&["orders"])),
        ("BEGIN ", None, v(&["STATEMENT"])),
        ("BEGIN STATEMENT ", None, v(&["SET"])),
        ("EXECUTE ", None, v(&["INSERT", "PLAN", "SELECT", "STATEMENT"])),
        ("EXECUTE STATEMENT SET ", None, v(&["BEGIN"])),
        ("EXECUTE STATEMENT SET BEGIN INSERT INTO ", None, tables()),
        ("EXPLAIN PLAN ", None, v(&["FOR"])),
        ("EXPLAIN PLAN FOR SELECT * FROM ", None, tables()),
        ("STOP ", None, v(&["JOB"])),
        ("SET ", None, v(&[])),
        ("SET 'a' = ", None, v(&[])),
        // Table names.
        ("SELECT * FROM ", None, tables()),
        ("SELECT * FROM ord", None, v(&["orders"])),
        ("select * from ORD", None, v(&["orders"])),
        ("SELECT * FROM orders o JOIN ", None, tables()),
        ("SELECT * FROM orders, ", None, tables()),
        ("INSERT ", None, v(&["INTO", "OVERWRITE"])),
        ("INSERT INTO ", None, tables()),
        ("UPDATE ", None, tables()),
        ("SELECT * FROM default_database.", None, v(&["customers", "items", "orders", "straße"])),
        ("SELECT * FROM default_catalog.", None, v(&["default_database", "sales"])),
        ("SELECT * FROM default_catalog.default_database.it", None, v(&["items"])),
        ("SELECT * FROM sales.", None, v(&[])),
        // Columns after a table or alias.
        ("SELECT o. FROM orders o", Some(9), v(ORDERS)),
        ("SELECT o.a FROM orders o", Some(10), v(&["amount"])),
        ("SELECT orders. FROM orders", Some(14), v(ORDERS)),
        ("SELECT items.p", None, v(&["price", "product"])),
        ("SELECT default_database.orders.am", None, v(&["amount"])),
        ("SELECT * FROM orders AS x WHERE x.c", None, v(&["customer"])),
        ("SELECT * FROM orders o JOIN items i ON o.order_id = i.", None, v(ITEMS)),
        ("SELECT * FROM orders o JOIN items FOR SYSTEM_TIME AS OF o.order_time AS i ON i.pr", None, v(&["price", "product"])),
        // Expressions.
        ("SELECT ", None, expr(&["DISTINCT"], &[])),
        ("SELECT  FROM orders", Some(7), expr(&["DISTINCT"], ORDERS)),
        ("SELECT * FROM orders o JOIN items i ON o.order_id = i.order_id WHERE ", None, expr(&[], &orders_items)),
        ("SELECT * FROM orders o JOIN items i ON o.order_id = i.order_id WHERE pr", None, v(&["price", "product"])),
        ("SELECT * FROM orders o JOIN items i ON o.order_id = i.order_id WHERE o.amount > 1 AND cu", None, v(&["customer"])),
        ("SELECT amount, c FROM orders", Some(16), v(&["CASE", "CAST", "COALESCE", "COUNT", "customer"])),
        ("SELECT COUNT( FROM orders", Some(13), expr(&["DISTINCT"], ORDERS)),
        ("SELECT * FROM orders GROUP BY ", None, expr(&[], ORDERS)),
        ("SELECT * FROM orders WHERE amount > ", None, expr(&[], ORDERS)),
        ("SELECT * FROM orders WHERE customer IN (", None, expr(&["SELECT"], ORDERS)),
        ("SELECT CASE ", None, expr(&["WHEN"], &[])),
        ("SELECT CAST(amount AS BIG", None, v(&["BIGINT"])),
        ("INSERT INTO orders (", None, v(ORDERS)),
        ("INSERT INTO orders (order_id, am", None, v(&["amount"])),
        ("UPDATE orders SET ", None, v(ORDERS)),
        ("SELECT window_start FROM TABLE(", None, v(&["CUMULATE", "HOP", "SESSION", "TUMBLE"])),
        ("SELECT window_s FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '1' MINUTE))", Some(15), v(&["window_start"])),
        // After an operand: the keywords of its clause.
        ("SELECT *", None, v(&["FROM"])),
        ("SELECT amount ", None, v(&["AS", "FROM"])),
        ("SELECT amount AS a ", None, v(&["FROM"])),
        ("SELECT * FROM orders ", None, v(AFTER_TABLE)),
        ("SELECT * FROM orders o ", None, v(&AFTER_TABLE[1..])),
        ("SELECT * FROM orders o JOIN items i ", None, v(&[
            "CROSS", "FULL", "GROUP", "INNER", "JOIN", "LEFT", "LIMIT", "ON", "ORDER", "RIGHT", "UNION", "WHERE",
        ])),
        ("SELECT * FROM orders JOIN items F", None, v(&["FOR", "FULL"])),
        ("SELECT * FROM orders WHERE amount ", None, v(&["AND", "BETWEEN", "GROUP", "IN", "IS", "LIKE", "LIMIT", "NOT", "OR", "ORDER", "UNION"])),
        ("SELECT * FROM orders WHERE amount > 10 ", None, v(&["AND", "GROUP", "LIMIT", "OR", "ORDER", "UNION"])),
        ("SELECT * FROM orders WHERE (amount > 1 ", None, v(&["AND", "OR"])),
        ("SELECT * FROM orders WHERE amount IS NOT ", None, v(&["FALSE", "NULL", "TRUE"])),
        ("SELECT * FROM orders WHERE amount NOT ", None, v(&["BETWEEN", "IN", "LIKE"])),
        ("SELECT * FROM orders GROUP ", None, v(&["BY"])),
        ("SELECT * FROM orders GROUP BY customer ", None, v(&["HAVING", "LIMIT", "ORDER", "UNION"])),
        ("SELECT * FROM orders ORDER BY amount ", None, v(&["ASC", "DESC", "LIMIT"])),
        ("SELECT * FROM orders LIMIT 10 ", None, v(&["OFFSET"])),
        ("SELECT * FROM orders UNION ", None, v(&["ALL", "SELECT"])),
        ("SELECT CASE WHEN amount > 1 ", None, v(&["AND", "ELSE", "END", "OR", "THEN", "WHEN"])),
        ("SELECT CAST(amount ", None, v(&["AS"])),
        ("SELECT * FROM (", None, v(&["SELECT", "VALUES", "WITH"])),
        ("SELECT * FROM orders WHERE order_time > INTERVAL '1' ", None, v(&["DAY", "HOUR", "MINUTE", "MONTH", "SECOND", "YEAR"])),
        ("INSERT INTO orders ", None, v(&["PARTITION", "SELECT", "VALUES", "WITH"])),
        ("WITH x ", None, v(&["AS"])),
        ("WITH x AS (SELECT 1) ", None, v(&["SELECT"])),
        // Nothing sensible.
        ("WITH ", None, v(&[])),
        ("SELECT * FROM orders LIMIT ", None, v(&[])),
        ("garbage words ", None, v(&[])),
        ("))) (( ,, ..", None, v(&[])),
        // Inside a string literal, a quoted name or a comment; right after a literal.
        ("SELECT * FROM orders WHERE customer = 'ab", None, v(&[])),
        ("SELECT 'abc' FROM orders", Some(10), v(&[])),
        ("SELECT 'abc'", None, v(&[])),
        ("SELECT * FROM `ord", None, v(&[])),
        ("SELECT * FROM orders -- wh", None, v(&[])),
        ("SELECT * FROM orders /* wh", None, v(&[])),
        ("SELECT * FROM orders /* wh */ WH", None, v(&["WHERE"])),
        ("SELECT * FROM orders -- c\nWH", None, v(&["WHERE"])),
        // Characters, not bytes; a cursor past the end is at the end.
        ("SELECT grö FROM straße", Some(10), v(&["größe"])),
        ("SELECT * FROM straße WHERE gr", None, v(&["größe"])),
        ("SELECT * FROM STRA", None, v(&["straße"])),
        ("SELECT 'ü', am FROM orders", Some(14), v(&["amount"])),
        ("SELECT * FROM ord", Some(1000), v(&["orders"])),
    ];
    let view = view();
    for (statement, position, expected) in cases {
        let position = position.unwrap_or_else(|| statement.chars().count());
        assert_eq!(candidates(statement, position, &view), expected, "{statement:?} at {position}");
    }
}

#[test]
fn an_empty_catalog_still_gives_keywords() {
    let empty = CatalogView::default();
    assert_eq!(candidates("SELECT * FROM ", 14, &empty), Vec::<String>::new());
    assert_eq!(candidates("SHOW CURRENT ", 13, &empty), v(&["CATALOG", "DATABASE"]));
    assert_eq!(candidates("SELECT o. FROM orders o", 9, &empty), Vec::<String>::new());
}

/// Statement-like text built from the words and symbols the rules react to.
fn sql_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "SELECT", "FROM", "WHERE", "JOIN", "ON", "AS", "CREATE", "TABLE", "SHOW", "USE", "CATALOG", "DROP", "IF", "NOT", "EXISTS", "INSERT",
        "INTO", "WITH", "CASE", "END", "BY", "GROUP", "CAST", "COUNT", "TUMBLE", "WATERMARK", "FOR", "PRIMARY", "KEY", "SET", "UPDATE", "o",
        "orders", "items", "default_database", "(", ")", ",", ".", "*", "=", ";", "'x'", "`q`", "1", "-- c\n", "/* c */", "'", "`", "ü",
    ]);
    prop::collection::vec(pieces, 0..16).prop_map(|p| p.join(" "))
}

proptest! {
    #[test]
    fn any_text_and_position_never_panics(statement in any::<String>(), position in 0usize..64) {
        let _ = candidates(&statement, position, &view());
    }

    #[test]
    fn statement_like_text_never_panics(statement in sql_like(), position in 0usize..160) {
        let _ = candidates(&statement, position, &view());
    }
}

#[tokio::test]
async fn completes_from_a_session_catalog() {
    use crate::engine::StatementOptions;

    let engine = crate::engine::test_engine();
    let options = StatementOptions::default();
    engine.execute("CREATE VIEW shipments AS SELECT 1 AS shipment_id, 'x' AS carrier", &options).await.expect("create view");
    let view = engine.catalog_view().await;
    assert_eq!(candidates("SELECT * FROM sh", 16, &view), v(&["shipments"]));
    assert_eq!(candidates("SELECT s.c FROM shipments s", 10, &view), v(&["carrier"]));
    assert!(candidates("USE ", 4, &view).contains(&view.current_database), "{view:?}");
    assert!(candidates("USE CATALOG ", 12, &view).contains(&view.current_catalog), "{view:?}");
}
