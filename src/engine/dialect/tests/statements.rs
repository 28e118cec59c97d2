//! Every non-DDL statement form, with comments, hints, case and `;` around.

use super::*;
use FlinkStatement as S;

/// Check a table of statements against their expected parse.
fn check(cases: Vec<(&str, FlinkStatement)>) {
    for (sql, expected) in cases {
        assert_eq!(p(sql), expected, "{sql:?}");
    }
}

#[test]
fn queries_are_classified_and_kept_as_written() {
    check(vec![
        ("SELECT 1", S::Query("SELECT 1".into())),
        ("select * from t;", S::Query("select * from t".into())),
        ("  -- leading\n/*+ hint */ SELECT a FROM t /* trailing */ ;  \n", S::Query("SELECT a FROM t".into())),
        ("SELECT 1 ;;", S::Query("SELECT 1".into())),
        ("WITH x AS (SELECT 1) SELECT * FROM x", S::Query("WITH x AS (SELECT 1) SELECT * FROM x".into())),
        ("values (1), (2);", S::Query("values (1), (2)".into())),
        ("(SELECT 1) UNION (SELECT 2)", S::Query("(SELECT 1) UNION (SELECT 2)".into())),
        ("SELECT /*+ BROADCAST(t) */ 'a;b' FROM t", S::Query("SELECT /*+ BROADCAST(t) */ 'a;b' FROM t".into())),
        (
            "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND));",
            S::Query("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))".into()),
        ),
        ("SELECT 'é' AS ü -- ;\n;", S::Query("SELECT 'é' AS ü".into())),
    ]);
}

#[test]
fn inserts_name_their_target() {
    check(vec![
        (
            "INSERT INTO db.T SELECT * FROM s",
            S::Insert { table: n("db.t"), sql: "INSERT INTO db.T SELECT * FROM s".into() },
        ),
        (
            "insert overwrite `Sink` values (1);",
            S::Insert { table: n("Sink"), sql: "insert overwrite `Sink` values (1)".into() },
        ),
        (
            "INSERT INTO c.d.t /*+ OPTIONS('k'='v') */ (a, b) SELECT 1, 2;",
            S::Insert { table: n("c.d.t"), sql: "INSERT INTO c.d.t /*+ OPTIONS('k'='v') */ (a, b) SELECT 1, 2".into() },
        ),
        ("INSERT INTO table SELECT 1", S::Insert { table: n("table"), sql: "INSERT INTO table SELECT 1".into() }),
        (
            "INSERT OVERWRITE TABLE t PARTITION (dt='1') SELECT 1",
            S::Insert { table: n("t"), sql: "INSERT OVERWRITE TABLE t PARTITION (dt='1') SELECT 1".into() },
        ),
    ]);
}

#[test]
fn drop_and_alter() {
    check(vec![
        ("DROP TABLE IF EXISTS cat.db.t", S::DropTable { name: n("cat.db.t"), if_exists: true, temporary: false }),
        ("drop temporary table t;", S::DropTable { name: n("t"), if_exists: false, temporary: true }),
        ("DROP TEMPORARY VIEW IF EXISTS v", S::DropView { name: n("v"), if_exists: true, temporary: true }),
        ("DROP VIEW `My View`", S::DropView { name: n("My View"), if_exists: false, temporary: false }),
        ("DROP DATABASE IF EXISTS c.d CASCADE", S::DropDatabase { name: n("c.d"), if_exists: true, cascade: true }),
        ("DROP DATABASE d RESTRICT", S::DropDatabase { name: n("d"), if_exists: false, cascade: false }),
        ("drop database d", S::DropDatabase { name: n("d"), if_exists: false, cascade: false }),
        ("DROP CATALOG IF EXISTS C1", S::DropCatalog { name: "c1".into(), if_exists: true }),
        ("DROP CATALOG c", S::DropCatalog { name: "c".into(), if_exists: false }),
        ("DROP MATERIALIZED TABLE IF EXISTS m", S::DropMaterializedTable { name: n("m"), if_exists: true }),
        ("DROP FUNCTION f", S::Passthrough("DROP FUNCTION f".into())),
        ("DROP TEMPORARY SYSTEM FUNCTION f", S::Passthrough("DROP TEMPORARY SYSTEM FUNCTION f".into())),
        ("ALTER TABLE t RENAME TO db.u", S::AlterTableRename { name: n("t"), new_name: n("db.u") }),
        (
            "ALTER TABLE t SET ('a'='b', 'C' = 'D');",
            S::AlterTableSet { name: n("t"), options: opts(&[("a", "b"), ("C", "D")]) },
        ),
        ("alter table t reset ('a', 'c')", S::AlterTableReset { name: n("t"), keys: vec!["a".into(), "c".into()] }),
        ("ALTER TABLE t ADD c INT", S::Passthrough("ALTER TABLE t ADD c INT".into())),
        ("ALTER VIEW v RENAME TO w", S::Passthrough("ALTER VIEW v RENAME TO w".into())),
    ]);
}

#[test]
fn databases_catalogs_and_use() {
    check(vec![
        (
            "CREATE DATABASE IF NOT EXISTS c.d COMMENT 'x' WITH ('k'='v')",
            S::CreateDatabase { name: n("c.d"), if_not_exists: true, comment: Some("x".into()) },
        ),
        ("create database d;", S::CreateDatabase { name: n("d"), if_not_exists: false, comment: None }),
        (
            "CREATE CATALOG MyCat WITH ('type' = 'generic_in_memory')",
            S::CreateCatalog { name: "mycat".into(), options: opts(&[("type", "generic_in_memory")]) },
        ),
        ("USE CATALOG `MyCat`", S::UseCatalog("MyCat".into())),
        ("use d;", S::UseDatabase(n("d"))),
        ("USE c.D", S::UseDatabase(n("c.d"))),
        ("USE catalog", S::UseDatabase(n("catalog"))),
        ("USE MODULES core", S::Passthrough("USE MODULES core".into())),
        ("CREATE FUNCTION f AS 'com.X'", S::Passthrough("CREATE FUNCTION f AS 'com.X'".into())),
        (
            "CREATE TEMPORARY SYSTEM FUNCTION f AS 'X'",
            S::Passthrough("CREATE TEMPORARY SYSTEM FUNCTION f AS 'X'".into()),
        ),
        (
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION 'x'",
            S::Passthrough("CREATE EXTERNAL TABLE t STORED AS CSV LOCATION 'x'".into()),
        ),
        ("UPDATE t SET a = 1", S::Passthrough("UPDATE t SET a = 1".into())),
        ("\"quoted\" stuff", S::Passthrough("\"quoted\" stuff".into())),
    ]);
}

#[test]
fn show_and_describe() {
    check(vec![
        ("SHOW CATALOGS", S::ShowCatalogs),
        ("show current catalog;", S::ShowCurrentCatalog),
        ("SHOW CURRENT DATABASE", S::ShowCurrentDatabase),
        ("SHOW DATABASES", S::ShowDatabases { catalog: None }),
        ("SHOW DATABASES IN Cat", S::ShowDatabases { catalog: Some("cat".into()) }),
        ("SHOW TABLES", S::ShowTables { from: None, like: None }),
        ("SHOW TABLES FROM c.db LIKE 'a%'", S::ShowTables { from: Some(n("c.db")), like: like(false, false, "a%") }),
        ("show tables in db not ilike '%X'", S::ShowTables { from: Some(n("db")), like: like(true, true, "%X") }),
        ("SHOW VIEWS NOT LIKE 'v_'", S::ShowViews { from: None, like: like(true, false, "v_") }),
        ("SHOW VIEWS IN db", S::ShowViews { from: Some(n("db")), like: None }),
        ("SHOW FUNCTIONS", S::ShowFunctions { user_only: false, like: None }),
        ("SHOW USER FUNCTIONS ILIKE 'f%'", S::ShowFunctions { user_only: true, like: like(false, true, "f%") }),
        ("SHOW COLUMNS FROM t", S::ShowColumns { table: n("t"), like: None }),
        ("SHOW COLUMNS IN db.t NOT LIKE '%id'", S::ShowColumns { table: n("db.t"), like: like(true, false, "%id") }),
        ("SHOW CREATE TABLE db.t", S::ShowCreateTable(n("db.t"))),
        ("SHOW CREATE VIEW v;", S::ShowCreateView(n("v"))),
        ("SHOW JOBS", S::ShowJobs),
        ("SHOW ALL", S::Passthrough("SHOW ALL".into())),
        ("SHOW MODULES", S::Passthrough("SHOW MODULES".into())),
        ("DESCRIBE t", S::Describe { name: n("t"), extended: false }),
        ("desc db.T;", S::Describe { name: n("db.t"), extended: false }),
        ("DESCRIBE EXTENDED t", S::Describe { name: n("t"), extended: true }),
        ("DESCRIBE extended", S::Describe { name: n("extended"), extended: false }),
        ("DESCRIBE JOB 'x'", S::Passthrough("DESCRIBE JOB 'x'".into())),
    ]);
}

#[test]
fn explain_execute_and_statement_sets() {
    let set_body = "INSERT INTO a SELECT 1; insert into b select 2;";
    check(vec![
        ("EXPLAIN SELECT 1", S::Explain { details: vec![], statement: "SELECT 1".into() }),
        ("explain plan for select 1;", S::Explain { details: vec![], statement: "select 1".into() }),
        (
            "EXPLAIN ESTIMATED_COST, changelog_mode INSERT INTO t SELECT 1",
            S::Explain {
                details: vec!["ESTIMATED_COST".into(), "CHANGELOG_MODE".into()],
                statement: "INSERT INTO t SELECT 1".into(),
            },
        ),
        (
            "EXPLAIN JSON_EXECUTION_PLAN, PLAN_ADVICE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END;",
            S::Explain {
                details: vec!["JSON_EXECUTION_PLAN".into(), "PLAN_ADVICE".into()],
                statement: "STATEMENT SET BEGIN INSERT INTO a SELECT 1; END".into(),
            },
        ),
        ("EXPLAIN ANALYZE SELECT 1", S::Passthrough("EXPLAIN ANALYZE SELECT 1".into())),
        ("BEGIN STATEMENT SET;", S::BeginStatementSet),
        ("begin statement set", S::BeginStatementSet),
        ("END;", S::End),
        ("end", S::End),
        (
            &format!("EXECUTE STATEMENT SET BEGIN {set_body} END;"),
            S::ExecuteStatementSet(vec!["INSERT INTO a SELECT 1".into(), "insert into b select 2".into()]),
        ),
        (
            "execute statement set\nbegin\n  -- first\n  INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t;\nEND",
            S::ExecuteStatementSet(vec!["INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t".into()]),
        ),
        ("EXECUTE INSERT INTO a SELECT 1;", S::Execute("INSERT INTO a SELECT 1".into())),
        ("EXECUTE SELECT 1", S::Execute("SELECT 1".into())),
        ("EXECUTE my_plan(1)", S::Passthrough("EXECUTE my_plan(1)".into())),
        ("BEGIN", S::Passthrough("BEGIN".into())),
    ]);
}

#[test]
fn set_reset_and_jobs() {
    let set = |k: &str, v: &str| S::Set(Some((k.into(), v.into())));
    check(vec![
        ("SET", S::Set(None)),
        ("set;", S::Set(None)),
        ("SET 'table.local-time-zone' = 'Asia/Shanghai';", set("table.local-time-zone", "Asia/Shanghai")),
        ("set execution.runtime-mode = batch", set("execution.runtime-mode", "batch")),
        ("SET table.exec.mini-batch.size=5000", set("table.exec.mini-batch.size", "5000")),
        ("SET k = Asia/Shanghai", set("k", "Asia/Shanghai")),
        ("SET 'k' = 'it''s = ok'", set("k", "it's = ok")),
        ("/* c */ SET `a.b` = 'x'", set("a.b", "x")),
        ("SET 'ключ' = 'значение'", set("ключ", "значение")),
        ("SET 'k' = 'C:\\dir'", set("k", "C:\\dir")),
        ("SET \"k\" = \"v w\"", set("k", "v w")),
        ("SET k = 1 h", set("k", "1 h")),
        ("RESET", S::Reset(None)),
        ("reset ;", S::Reset(None)),
        ("RESET 'k'", S::Reset(Some("k".into()))),
        ("RESET a.b-c", S::Reset(Some("a.b-c".into()))),
        (
            "STOP JOB 'abc' WITH SAVEPOINT WITH DRAIN",
            S::StopJob { id: "abc".into(), with_savepoint: true, with_drain: true },
        ),
        ("stop job 'x';", S::StopJob { id: "x".into(), with_savepoint: false, with_drain: false }),
        ("STOP JOB 'x' WITH DRAIN", S::StopJob { id: "x".into(), with_savepoint: false, with_drain: true }),
    ]);
}
