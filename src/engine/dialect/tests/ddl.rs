//! CREATE TABLE / VIEW / MATERIALIZED TABLE.

use std::time::Duration;

use super::*;
use FlinkStatement as S;

/// The CreateTable of `sql`.
fn table(sql: &str) -> CreateTable {
    match p(sql) {
        S::CreateTable(t) => t,
        other => panic!("{sql:?} parsed as {other:?}"),
    }
}

/// An empty CreateTable named `name`, to fill in with struct update syntax.
fn blank(name: &str) -> CreateTable {
    CreateTable {
        name: n(name),
        temporary: false,
        if_not_exists: false,
        or_replace: false,
        columns: vec![],
        watermark: None,
        primary_key: vec![],
        comment: None,
        partitioned_by: vec![],
        options: BTreeMap::new(),
        like: None,
        as_query: None,
    }
}

/// A physical column.
fn physical(name: &str, kind: TypeKind, nullable: bool) -> ColumnDef {
    ColumnDef { name: name.into(), kind: ColumnKind::Physical(FlinkType { kind, nullable }), comment: None }
}

#[test]
fn full_create_table() {
    let sql = "
        -- the orders topic
        CREATE TEMPORARY TABLE IF NOT EXISTS Orders (
          order_id BIGINT NOT NULL COMMENT 'the id',
          `Price` DECIMAL(10, 2),
          qty INT, /* quantity; may be 0 */
          total AS `Price` * qty COMMENT 'computed',
          proc AS PROCTIME(),
          ts TIMESTAMP(3),
          meta_ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
          part INT METADATA,
          CONSTRAINT pk PRIMARY KEY (order_id) NOT ENFORCED,
          WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
        ) COMMENT 'orders' PARTITIONED BY (qty) WITH (
          'connector' = 'kafka',
          'Topic' = 'Orders' -- case kept
        ) ;";
    let expected = CreateTable {
        temporary: true,
        if_not_exists: true,
        columns: vec![
            ColumnDef { comment: Some("the id".into()), ..physical("order_id", TypeKind::BigInt, false) },
            physical("Price", TypeKind::Decimal { precision: 10, scale: 2 }, true),
            physical("qty", TypeKind::Int, true),
            ColumnDef {
                name: "total".into(),
                kind: ColumnKind::Computed { expr: "`Price` * qty".into() },
                comment: Some("computed".into()),
            },
            ColumnDef { name: "proc".into(), kind: ColumnKind::Computed { expr: "PROCTIME()".into() }, comment: None },
            physical("ts", TypeKind::Timestamp(3), true),
            ColumnDef {
                name: "meta_ts".into(),
                kind: ColumnKind::Metadata {
                    ty: FlinkType::new(TypeKind::TimestampLtz(3)),
                    key: Some("timestamp".into()),
                    is_virtual: true,
                },
                comment: None,
            },
            ColumnDef {
                name: "part".into(),
                kind: ColumnKind::Metadata { ty: FlinkType::new(TypeKind::Int), key: None, is_virtual: false },
                comment: None,
            },
        ],
        watermark: Some(Watermark {
            column: "ts".into(),
            expr: "ts - INTERVAL '5' SECOND".into(),
            delay: Duration::from_secs(5),
        }),
        primary_key: vec!["order_id".into()],
        comment: Some("orders".into()),
        partitioned_by: vec!["qty".into()],
        options: opts(&[("connector", "kafka"), ("Topic", "Orders")]),
        ..blank("orders")
    };
    assert_eq!(table(sql), expected);
}

#[test]
fn primary_keys() {
    let t = table("create table t (id INT PRIMARY KEY NOT ENFORCED, v STRING) with ('connector'='x')");
    assert_eq!(t.primary_key, vec!["id".to_string()]);
    assert_eq!(t.columns[0], physical("id", TypeKind::Int, false), "key columns are NOT NULL");
    let t = table("CREATE TABLE t (a INT, b INT CONSTRAINT k PRIMARY KEY NOT ENFORCED COMMENT 'c')");
    assert_eq!(t.primary_key, vec!["b".to_string()]);
    assert_eq!(t.columns[1].comment.as_deref(), Some("c"));
    let t = table("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b) NOT ENFORCED)");
    assert_eq!(t.primary_key, vec!["a".to_string(), "b".to_string()]);

    let enforced = "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. ENFORCED/NOT ENFORCED controls if the \
        constraint checks are performed on the incoming/outgoing data. Flink does not own the data therefore the only \
        supported mode is the NOT ENFORCED mode";
    for sql in [
        "CREATE TABLE t (a INT, PRIMARY KEY (a)) WITH ('connector'='x')",
        "CREATE TABLE t (a INT, PRIMARY KEY (a) ENFORCED)",
        "CREATE TABLE t (a INT PRIMARY KEY)",
    ] {
        assert_eq!(err(sql), format!("SQL parse error: {enforced}"), "{sql}");
    }
    assert!(
        err("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a) NOT ENFORCED, PRIMARY KEY (b) NOT ENFORCED)")
            .contains("Duplicate primary key")
    );
    assert!(err("CREATE TABLE t (a INT, PRIMARY KEY (x) NOT ENFORCED)").contains("'x' is not defined"));
    assert!(err("CREATE TABLE t (a AS 1, PRIMARY KEY (a) NOT ENFORCED)").contains("not a physical column"));
}

#[test]
fn watermarks() {
    let delay = |expr: &str| {
        let t = table(&format!("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS {expr})"));
        let w = t.watermark.expect("watermark");
        assert_eq!(w.expr, expr);
        w.delay
    };
    assert_eq!(delay("ts"), Duration::ZERO);
    assert_eq!(delay("ts - INTERVAL '5' SECOND"), Duration::from_secs(5));
    assert_eq!(delay("ts - INTERVAL '0.5' SECOND"), Duration::from_millis(500));
    assert_eq!(delay("ts - interval '1' minute"), Duration::from_secs(60));
    assert_eq!(delay("ts - INTERVAL '2' HOURS"), Duration::from_secs(7200));
    assert_eq!(delay("ts - INTERVAL '1' DAY"), Duration::from_secs(86_400));
    assert_eq!(delay("ts - INTERVAL '100' MILLISECOND"), Duration::from_millis(100));
    assert_eq!(delay("ts - INTERVAL '3' SECONDS"), Duration::from_secs(3));
    assert_eq!(delay("(ts - INTERVAL '3' SECOND)"), Duration::from_secs(3));
    assert_eq!(delay("ts - INTERVAL 7 SECOND"), Duration::from_secs(7));
    for bad in [
        "ts + INTERVAL '1' SECOND",
        "other - INTERVAL '1' SECOND",
        "ts - INTERVAL '1' YEAR",
        "ts - INTERVAL 'x' SECOND",
        "ts - INTERVAL '-1' SECOND",
        "ts - INTERVAL '1:30' MINUTE TO SECOND",
        "CURRENT_TIMESTAMP",
    ] {
        let sql = format!("CREATE TABLE t (ts TIMESTAMP(3), other TIMESTAMP(3), WATERMARK FOR ts AS {bad})");
        assert!(err(&sql).contains("Unsupported watermark expression"), "{bad}: {}", err(&sql));
    }
    assert!(err("CREATE TABLE t (a INT, WATERMARK FOR ts AS ts)").contains("'ts' is not defined"));
    assert!(
        err("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS ts)")
            .contains("Multiple WATERMARK")
    );
    // With LIKE, the column may come from the source table.
    let t = table("CREATE TABLE t (WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) LIKE src");
    assert_eq!(t.like, Some(n("src")));
}

#[test]
fn ctas_rtas_and_like() {
    assert_eq!(
        table("CREATE TABLE t WITH ('connector'='x') AS SELECT 1"),
        CreateTable { options: opts(&[("connector", "x")]), as_query: Some("SELECT 1".into()), ..blank("t") }
    );
    let t = table("CREATE TABLE t (a INT) WITH ('k'='v') AS (SELECT 1 AS a);");
    assert_eq!(t.as_query.as_deref(), Some("SELECT 1 AS a"));
    assert_eq!(t.columns.len(), 1);
    let t = table("CREATE OR REPLACE TABLE db.t AS ((SELECT 1))");
    assert!(t.or_replace);
    assert_eq!(t.as_query.as_deref(), Some("SELECT 1"));
    let t = table("CREATE TABLE t AS (SELECT 1) UNION (SELECT 2)");
    assert_eq!(t.as_query.as_deref(), Some("(SELECT 1) UNION (SELECT 2)"));
    let t = table("CREATE TABLE t AS WITH x AS (SELECT 1) SELECT * FROM x");
    assert_eq!(t.as_query.as_deref(), Some("WITH x AS (SELECT 1) SELECT * FROM x"));
    let t = table("CREATE TABLE t (x INT) WITH ('a'='b') LIKE c.d.src (EXCLUDING OPTIONS)");
    assert_eq!(t.like, Some(n("c.d.src")));
    let t = table("CREATE TABLE t LIKE src");
    assert_eq!(t.like, Some(n("src")));
    // Columns without options are fine (a table for DataFusion to hold).
    let t = table("CREATE TABLE t (a STRING)");
    assert_eq!(t.columns, vec![physical("a", TypeKind::Varchar(MAX_LENGTH), true)]);

    assert!(err("CREATE OR REPLACE TABLE t (a INT) WITH ('k'='v')").contains("only supported with AS"));
    assert!(err("CREATE TABLE t AS DROP TABLE x").contains("Expected: a query"));
    assert!(err("CREATE TABLE t AS SELECT 1; SELECT 2").contains("only single statement supported"));
    assert!(err("CREATE TABLE t LIKE s AS SELECT 1").contains("both LIKE and AS"));
}

#[test]
fn create_table_errors() {
    assert!(err("CREATE TABLE t").contains("Encountered \"<EOF>\""));
    assert!(err("CREATE TABLE t;").contains("Encountered \"<EOF>\""));
    assert!(err("CREATE TABLE t COMMENT 'x'").contains("Expected: '(', WITH, LIKE or AS"));
    assert!(err("CREATE TABLE t (a INT").contains("Encountered \"<EOF>\""));
    assert!(err("CREATE TABLE t (a FOO)").contains("Unknown type: FOO"));
    assert!(err("CREATE TABLE t (a INT, a INT)").contains("'a' is defined more than once"));
    assert!(err("CREATE TABLE t (a INT) PARTITIONED BY (b)").contains("Partition column 'b'"));
    assert!(err("CREATE TABLE t (a INT) WITH ('k')").contains("Expected: '='"));
    assert!(err("CREATE TABLE t (a INT) WITH ('k' = 1)").contains("Expected: a string literal, found: 1"));
    assert!(err("CREATE TABLE t (a INT) WITH ('k' = 'v') extra").contains("Expected: end of statement, found: extra"));
    assert!(err("CREATE TABLE t ()").contains("Expected: an identifier, found: )"));
    assert!(err("CREATE TABLE t (a AS )").contains("Expected: an expression"));
}

#[test]
fn create_view() {
    assert_eq!(
        p("CREATE TEMPORARY VIEW IF NOT EXISTS v (a, B) COMMENT 'c' AS (SELECT 1, 2);"),
        S::CreateView {
            name: n("v"),
            temporary: true,
            if_not_exists: true,
            or_replace: false,
            columns: vec!["a".into(), "b".into()],
            query: "SELECT 1, 2".into(),
            comment: Some("c".into()),
        }
    );
    assert_eq!(
        p("create or replace view db.v as select * from t"),
        S::CreateView {
            name: n("db.v"),
            temporary: false,
            if_not_exists: false,
            or_replace: true,
            columns: vec![],
            query: "select * from t".into(),
            comment: None,
        }
    );
    assert!(err("CREATE VIEW v AS").contains("Encountered \"<EOF>\""));
    assert!(err("CREATE VIEW v AS DROP TABLE t").contains("Expected: a query"));
}

#[test]
fn materialized_tables() {
    let sql = "CREATE MATERIALIZED TABLE IF NOT EXISTS c.d.m (CONSTRAINT k PRIMARY KEY (id) NOT ENFORCED)
        COMMENT 'daily' PARTITIONED BY (ds) WITH ('format' = 'json')
        FRESHNESS = INTERVAL '1' MINUTE REFRESH_MODE = continuous
        AS SELECT id, ds FROM src;";
    assert_eq!(
        p(sql),
        S::CreateMaterializedTable(CreateMaterializedTable {
            name: n("c.d.m"),
            freshness: Some(Duration::from_secs(60)),
            refresh_mode: Some("CONTINUOUS".into()),
            options: opts(&[("format", "json")]),
            comment: Some("daily".into()),
            query: "SELECT id, ds FROM src".into(),
        })
    );
    assert_eq!(
        p("create materialized table m refresh_mode = FULL as (select 1)"),
        S::CreateMaterializedTable(CreateMaterializedTable {
            name: n("m"),
            freshness: None,
            refresh_mode: Some("FULL".into()),
            options: BTreeMap::new(),
            comment: None,
            query: "select 1".into(),
        })
    );
    let alter = |sql: &str| match p(sql) {
        S::AlterMaterializedTable { name, action } => {
            assert_eq!(name, n("m"));
            action
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(alter("ALTER MATERIALIZED TABLE m SUSPEND"), MaterializedAction::Suspend);
    assert_eq!(alter("alter materialized table m resume;"), MaterializedAction::Resume);
    assert_eq!(alter("ALTER MATERIALIZED TABLE m RESUME WITH ('k' = 'v')"), MaterializedAction::Resume);
    assert_eq!(alter("ALTER MATERIALIZED TABLE m REFRESH"), MaterializedAction::Refresh { partition: BTreeMap::new() });
    assert_eq!(
        alter("ALTER MATERIALIZED TABLE m REFRESH PARTITION (ds = '2024-06-28', Hr = 1)"),
        MaterializedAction::Refresh { partition: opts(&[("ds", "2024-06-28"), ("hr", "1")]) }
    );
    assert!(err("ALTER MATERIALIZED TABLE m STOP").contains("Expected: SUSPEND, RESUME or REFRESH, found: STOP"));
    assert!(err("CREATE MATERIALIZED TABLE m FRESHNESS = 5 AS SELECT 1").contains("Expected: INTERVAL, found: 5"));
    assert!(
        err("CREATE MATERIALIZED TABLE m FRESHNESS = INTERVAL '1' YEAR AS SELECT 1").contains("Unsupported FRESHNESS")
    );
    for (interval, secs) in [("'30' SECOND", 30), ("'2' HOURS", 7200), ("'1' day", 86_400), ("5 MINUTE", 300)] {
        match p(&format!("CREATE MATERIALIZED TABLE m FRESHNESS = INTERVAL {interval} AS SELECT 1")) {
            S::CreateMaterializedTable(m) => assert_eq!(m.freshness, Some(Duration::from_secs(secs))),
            other => panic!("{other:?}"),
        }
    }
    assert!(err("CREATE MATERIALIZED TABLE m REFRESH_MODE = SOMETIMES AS SELECT 1").contains("FULL or CONTINUOUS"));
    assert!(err("CREATE MATERIALIZED TABLE m (PRIMARY KEY (a)) AS SELECT 1").contains("NOT ENFORCED"));
    assert!(err("CREATE MATERIALIZED TABLE m AS").contains("Encountered \"<EOF>\""));
}
