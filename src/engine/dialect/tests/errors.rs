//! Errors: incomplete input, bad forms, and hostile input that must not panic.

use proptest::prelude::*;

use super::*;

#[test]
fn incomplete_statements_report_eof() {
    for sql in [
        "",
        "  ; -- nothing",
        "CREATE TABLE",
        "CREATE TABLE t (a INT",
        "CREATE TABLE t (a INT, PRIMARY KEY (a)",
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts -",
        "DROP TABLE",
        "DROP DATABASE IF EXISTS",
        "SHOW COLUMNS FROM",
        "SHOW TABLES LIKE",
        "SET 'k' =",
        "SET 'k'",
        "INSERT INTO t",
        "INSERT",
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1;",
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1",
        "EXECUTE STATEMENT SET",
        "CREATE VIEW v AS",
        "ALTER TABLE t RENAME TO",
        "ALTER TABLE t SET ('a' = ",
        "SELECT 'abc",
        "SELECT 1 /* open",
        "STOP JOB",
        "CREATE VIEW v AS (((SELECT 1)",
        "CREATE TABLE t AS SELECT f(1",
        "EXPLAIN",
        "CREATE CATALOG c WITH",
    ] {
        let message = err(sql);
        assert!(message.contains("Encountered \"<EOF>\""), "{sql:?}: {message}");
        assert!(message.starts_with("SQL parse error: "), "{sql:?}: {message}");
    }
}

#[test]
fn bad_forms_name_the_token_and_place() {
    let cases = [
        ("DROP TABLE t extra", "SQL parse error: Expected: end of statement, found: extra at Line: 1, Column: 14"),
        ("SHOW TABLES\n  FROM db LIKE x", "Expected: a string literal, found: x at Line: 2, Column: 16"),
        ("SELECT 1; SELECT 2", "only single statement supported, found ';' at Line: 1, Column: 9"),
        ("INSERT INTO t SELECT 1; DROP TABLE t", "only single statement supported"),
        ("INSERT t SELECT 1", "Expected: INTO or OVERWRITE, found: t"),
        ("SET 'k' 'v'", "Expected: '=', found: 'v'"),
        ("SET = 'v'", "Expected: a configuration key, found: ="),
        ("SET 'k' = 'v' 'w'", "Expected: end of statement, found: 'w'"),
        ("SET a b = c", "Expected: '=', found: b"),
        ("RESET 'a' 'b'", "Expected: end of statement, found: 'b'"),
        ("SET 'a' = 'b'; SET 'c' = 'd'", "Expected: end of statement, found: ;"),
        ("STOP JOB abc", "Expected: a string literal, found: abc"),
        ("STOP JOB 'x' WITH SAVEPOINT WITH SAVEPOINT", "Expected: end of statement"),
        ("SHOW COLUMNS t", "Expected: FROM or IN, found: t"),
        ("USE a.b.c", "Database name 'a.b.c' has too many parts"),
        ("CREATE DATABASE a.b.c", "Database name 'a.b.c' has too many parts"),
        ("CREATE CATALOG IF NOT EXISTS c WITH ('type'='x')", "CREATE CATALOG IF NOT EXISTS is not supported"),
        ("ALTER TABLE IF EXISTS t RENAME TO u", "ALTER TABLE IF EXISTS is not supported"),
        ("EXPLAIN DROP TABLE t", "Expected: a query, INSERT or STATEMENT SET, found: DROP"),
        ("EXPLAIN ESTIMATED_COST, SELECT 1", "Expected: an EXPLAIN detail"),
        ("EXPLAIN INSERT INTO t", "Encountered \"<EOF>\""),
        ("BEGIN STATEMENT SET now", "Expected: end of statement, found: now"),
        ("END now", "Expected: end of statement, found: now"),
        ("EXECUTE STATEMENT SET BEGIN END", "Expected: INSERT, found: END"),
        ("EXECUTE STATEMENT SET INSERT INTO t SELECT 1; END", "Expected: BEGIN, found: INSERT"),
        ("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END; SELECT 1", "Expected: end of statement, found: ;"),
        ("CREATE VIEW v AS SELECT 1)", "Unbalanced ')' at Line: 1, Column: 26"),
        ("DROP TABLE 't'", "Expected: an identifier, found: 't'"),
    ];
    for (sql, expected) in cases {
        let message = err(sql);
        assert!(message.contains(expected), "{sql:?}: {message}");
    }
}

#[test]
fn statement_sets_take_only_inserts() {
    let only_insert = "SQL parse error: Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set or use 'END' \
        statement to submit Statement Set.";
    for sql in [
        "EXECUTE STATEMENT SET BEGIN SELECT 1; END",
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; CREATE TABLE x AS SELECT 1; END",
        "EXPLAIN STATEMENT SET BEGIN DROP TABLE t; END",
    ] {
        assert_eq!(err(sql), only_insert, "{sql}");
    }
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    let deep_expr = format!("CREATE TABLE t (a AS {}1{})", "(".repeat(10_000), ")".repeat(10_000));
    assert!(err(&deep_expr).contains("nests brackets more than 10 deep"), "{}", err(&deep_expr));
    for (open, close) in
        [("- ", ""), ("NOT ", ""), ("f(", ")"), ("ARRAY[", "]"), ("CASE WHEN ", " THEN 1 END"), ("CAST(", " AS INT)")]
    {
        let sql = format!("CREATE TABLE t (a AS {}1{})", open.repeat(10_000), close.repeat(10_000));
        assert!(parse(&sql).is_err(), "{open}");
        let sql = format!(
            "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS {}ts{})",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        assert!(parse(&sql).is_err(), "{open}");
    }
    let deep_type = format!("CREATE TABLE t (a {}INT{})", "ROW<a ".repeat(10_000), ">".repeat(10_000));
    assert!(err(&deep_type).contains("nested too deeply"));
    let deep_query = format!("CREATE TABLE t WITH ('a'='b') AS {}SELECT 1{}", "(".repeat(10_000), ")".repeat(10_000));
    match p(&deep_query) {
        FlinkStatement::CreateTable(t) => assert_eq!(t.as_query.as_deref(), Some("SELECT 1")),
        other => panic!("{other:?}"),
    }
    let opened = format!("SELECT {}", "(".repeat(10_000));
    assert!(matches!(p(&opened), FlinkStatement::Query(_)));
    for sql in ["CREATE TABLE t ((((", "CREATE TABLE t ))))", "SET ((((", "CREATE VIEW v AS (SELECT 1))"] {
        assert!(parse(sql).is_err(), "{sql}");
    }
    assert!(matches!(p("SHOW (("), FlinkStatement::Passthrough(_)));
    // Every prefix of real statements either parses or fails cleanly.
    for sql in [
        "CREATE TEMPORARY TABLE IF NOT EXISTS `Orders` (id BIGINT NOT NULL COMMENT 'é', m MAP<STRING, ARRAY<ROW<a INT>>>, \
         t AS PROCTIME(), ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL, PRIMARY KEY (id) NOT ENFORCED, \
         WATERMARK FOR ts AS ts - INTERVAL '0.5' SECOND) COMMENT 'c' PARTITIONED BY (id) WITH ('k' = 'v') LIKE s (EXCLUDING ALL);",
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 'x;y'; END;",
        "CREATE MATERIALIZED TABLE m (PRIMARY KEY (a) NOT ENFORCED) WITH ('a'='b') FRESHNESS = INTERVAL '1' HOUR \
         REFRESH_MODE = FULL AS (SELECT 1)",
        "EXPLAIN ESTIMATED_COST, CHANGELOG_MODE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END",
        "ALTER MATERIALIZED TABLE m REFRESH PARTITION (ds = '1')",
        "SET 'k' = 'v'; STOP JOB 'j' WITH SAVEPOINT WITH DRAIN; SHOW TABLES FROM db NOT ILIKE 'x'",
    ] {
        for (end, _) in sql.char_indices() {
            let _ = parse(&sql[..end]);
            let _ = split_statements(&sql[..end]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(sql in "[a-zA-Z0-9_ ,;()<>'`\"=.*+/\n-]{0,120}") {
        let _ = parse(&sql);
        let _ = split_statements(&sql);
    }

    #[test]
    fn arbitrary_keyword_soup_never_panics(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "CREATE", "TABLE", "VIEW", "MATERIALIZED", "DROP", "ALTER", "SHOW", "EXECUTE", "STATEMENT", "SET",
                "BEGIN", "END", "INSERT", "INTO", "SELECT", "AS", "WITH", "(", ")", "<", ">", ">>", ",", ";", "'x'",
                "t", "INT", "ARRAY", "ROW", "MAP", "PRIMARY", "KEY", "NOT", "ENFORCED", "WATERMARK", "FOR", "INTERVAL",
                "'5'", "SECOND", "-", "=", "LIKE", "EXPLAIN", "RESET", "FRESHNESS", "REFRESH_MODE", "METADATA", "FROM",
            ]),
            0..40,
        )
    ) {
        let sql = words.join(" ");
        let _ = parse(&sql);
        let _ = split_statements(&sql);
    }
}

#[test]
fn bad_nested_expressions_fail_fast() {
    // sqlparser retries these constructs as function calls when they fail,
    // which costs exponentially in their nesting: the nesting bound keeps a
    // failing parse quick.
    for (open, close) in [
        ("CAST(", " AS INT)"),
        ("POSITION(", ")"),
        ("ARRAY[", "]"),
        ("SUBSTRING(", ")"),
        ("CEIL(", ")"),
        ("POSITION(CAST(", " AS INT))"),
    ] {
        for depth in [5, 10, 11, 50] {
            let sql = format!("CREATE TABLE t (a AS {}1 +{}, b INT)", open.repeat(depth), close.repeat(depth));
            let started = std::time::Instant::now();
            assert!(parse(&sql).is_err(), "{sql}");
            assert!(started.elapsed() < std::time::Duration::from_secs(2), "{open} x {depth}: {:?}", started.elapsed());
        }
    }
    let ok = format!("CREATE TABLE t (a AS {}1{}, b INT)", "CAST(".repeat(10), " AS INT)".repeat(10));
    assert!(matches!(p(&ok), FlinkStatement::CreateTable(_)));
    let too_deep = format!("CREATE TABLE t (a AS {}1{})", "(".repeat(11), ")".repeat(11));
    assert!(err(&too_deep).contains("the expression nests brackets more than 10 deep at Line: 1, Column: 32"));
}
