//! Every metadata request against a session with known tables and a view:
//! exact rows, column names and nullability, LIKE filtering, table types,
//! unknown catalogs and primary keys.

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::array_value_to_string;

use super::MetadataRequest as M;
use crate::engine::{SessionEngine, StatementOptions, test_engine};

/// A session with two datagen tables (one keyed), a typed memory table, a
/// view and a second database.
async fn engine() -> SessionEngine {
    let engine = test_engine();
    for sql in [
        "CREATE TABLE t (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector'='datagen', 'number-of-rows'='3')",
        "CREATE TABLE t2 (x BIGINT) COMMENT 'second' WITH ('connector'='datagen', 'number-of-rows'='3')",
        "CREATE TABLE typed (code CHAR(3) COMMENT 'iso code', label VARCHAR(10), amount DECIMAL(10, 2), ts TIMESTAMP_LTZ(3), flag BOOLEAN NOT NULL, b INT, a INT, PRIMARY KEY (b, a) NOT ENFORCED)",
        "CREATE VIEW v AS SELECT id, name FROM t",
        "CREATE DATABASE db2",
        "CREATE TABLE db2.other (y DOUBLE)",
    ] {
        engine.execute(sql, &StatementOptions::default()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    engine
}

/// The answer to `request`, which must succeed.
async fn answer(engine: &SessionEngine, request: M) -> RecordBatch {
    engine.metadata(&request).await.unwrap_or_else(|e| panic!("{request:?}: {e}"))
}

/// Every cell as text, NULL as "NULL".
fn rows(batch: &RecordBatch) -> Vec<Vec<String>> {
    (0..batch.num_rows())
        .map(|row| {
            batch
                .columns()
                .iter()
                .map(|c| if c.is_null(row) { "NULL".to_string() } else { array_value_to_string(c, row).unwrap_or_else(|e| e.to_string()) })
                .collect()
        })
        .collect()
}

/// The cells of one column.
fn column(batch: &RecordBatch, name: &str) -> Vec<String> {
    let index = batch.schema().index_of(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    rows(batch).into_iter().map(|mut r| r.swap_remove(index)).collect()
}

/// Column names with `?` after the nullable ones and their Arrow type.
fn schema(batch: &RecordBatch) -> Vec<String> {
    batch.schema().fields().iter().map(|f| format!("{}{}:{}", f.name(), if f.is_nullable() { "?" } else { "" }, f.data_type())).collect()
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn tables(catalog: Option<&str>, schema: Option<&str>, table: Option<&str>, types: Option<&[&str]>) -> M {
    M::Tables {
        catalog: catalog.map(str::to_string),
        schema_pattern: schema.map(str::to_string),
        table_pattern: table.map(str::to_string),
        table_types: types.map(v),
    }
}

#[tokio::test]
async fn catalogs_table_types_and_schemas() {
    let engine = engine().await;
    let catalogs = answer(&engine, M::Catalogs).await;
    assert_eq!(schema(&catalogs), v(&["TABLE_CAT:Utf8"]));
    assert_eq!(rows(&catalogs), vec![v(&["default_catalog"])]);

    let types = answer(&engine, M::TableTypes).await;
    assert_eq!(schema(&types), v(&["TABLE_TYPE:Utf8"]));
    assert_eq!(rows(&types), vec![v(&["TABLE"]), v(&["VIEW"])]);

    let schemas = answer(&engine, M::Schemas { catalog: None, schema_pattern: None }).await;
    assert_eq!(schema(&schemas), v(&["TABLE_SCHEM:Utf8", "TABLE_CATALOG:Utf8"]));
    assert_eq!(rows(&schemas), vec![v(&["db2", "default_catalog"]), v(&["default_database", "default_catalog"])]);
    let like = answer(&engine, M::Schemas { catalog: some("default_catalog"), schema_pattern: some("default%") }).await;
    assert_eq!(rows(&like), vec![v(&["default_database", "default_catalog"])]);
    let one = answer(&engine, M::Schemas { catalog: some(""), schema_pattern: some("db_") }).await;
    assert_eq!(rows(&one), vec![v(&["db2", "default_catalog"])]);
    let unknown = answer(&engine, M::Schemas { catalog: some("nope"), schema_pattern: None }).await;
    assert_eq!((unknown.num_rows(), schema(&unknown)), (0, v(&["TABLE_SCHEM:Utf8", "TABLE_CATALOG:Utf8"])));
}

#[tokio::test]
async fn information_schema_only_when_the_session_asks_for_it() {
    let engine = engine().await;
    let names = |b: RecordBatch| column(&b, "TABLE_SCHEM");
    assert_eq!(names(answer(&engine, M::Schemas { catalog: None, schema_pattern: None }).await), v(&["db2", "default_database"]));
    engine.execute("SET 'datafusion.catalog.information_schema' = 'true'", &StatementOptions::default()).await.expect("set");
    assert_eq!(names(answer(&engine, M::Schemas { catalog: None, schema_pattern: None }).await), v(&["db2", "default_database", "information_schema"]));
    let info = answer(&engine, tables(None, Some("information\\_schema"), Some("tables"), None)).await;
    assert_eq!(rows(&info).into_iter().map(|r| r[..4].to_vec()).collect::<Vec<_>>(), vec![v(&["default_catalog", "information_schema", "tables", "VIEW"])]);
}

#[tokio::test]
async fn tables_in_jdbc_order_with_types_and_patterns() {
    let engine = engine().await;
    let all = answer(&engine, tables(None, None, None, None)).await;
    assert_eq!(
        schema(&all),
        v(&[
            "TABLE_CAT:Utf8",
            "TABLE_SCHEM:Utf8",
            "TABLE_NAME:Utf8",
            "TABLE_TYPE:Utf8",
            "REMARKS?:Utf8",
            "TYPE_CAT?:Utf8",
            "TYPE_SCHEM?:Utf8",
            "TYPE_NAME?:Utf8",
            "SELF_REFERENCING_COL_NAME?:Utf8",
            "REF_GENERATION?:Utf8",
        ])
    );
    let row = |s: &str, t: &str, kind: &str, remarks: &str| {
        let mut r = v(&["default_catalog", s, t, kind, remarks]);
        r.extend(v(&["NULL"; 5]));
        r
    };
    assert_eq!(
        rows(&all),
        vec![
            row("db2", "other", "TABLE", "NULL"),
            row("default_database", "t", "TABLE", "NULL"),
            row("default_database", "t2", "TABLE", "second"),
            row("default_database", "typed", "TABLE", "NULL"),
            row("default_database", "v", "VIEW", "NULL"),
        ]
    );
    let name = |b: RecordBatch| column(&b, "TABLE_NAME");
    assert_eq!(name(answer(&engine, tables(Some("default_catalog"), Some("%"), Some("t%"), None)).await), v(&["t", "t2", "typed"]));
    assert_eq!(name(answer(&engine, tables(None, None, Some("t_"), None)).await), v(&["t2"]));
    assert_eq!(name(answer(&engine, tables(None, Some("default\\_database"), Some("_"), None)).await), v(&["t", "v"]));
    assert_eq!(name(answer(&engine, tables(None, None, None, Some(&["view"]))).await), v(&["v"]));
    assert_eq!(name(answer(&engine, tables(None, Some("db%"), None, Some(&["TABLE", "VIEW"]))).await), v(&["other"]));
    assert_eq!(name(answer(&engine, tables(None, None, None, Some(&[]))).await).len(), 5);
    assert_eq!(name(answer(&engine, tables(None, None, None, Some(&["SYSTEM TABLE"]))).await), Vec::<String>::new());
    let unknown = answer(&engine, tables(Some("nope"), None, None, None)).await;
    assert_eq!((unknown.num_rows(), unknown.num_columns()), (0, 10));
}

#[tokio::test]
async fn columns_with_hive_types_and_declared_lengths() {
    let engine = engine().await;
    let request = |table: &str, column: Option<&str>| M::Columns {
        catalog: some("default_catalog"),
        schema_pattern: some("default_database"),
        table_pattern: some(table),
        column_pattern: column.map(str::to_string),
    };
    let t = answer(&engine, request("t", None)).await;
    assert_eq!(
        schema(&t),
        v(&[
            "TABLE_CAT:Utf8",
            "TABLE_SCHEM:Utf8",
            "TABLE_NAME:Utf8",
            "COLUMN_NAME:Utf8",
            "DATA_TYPE:Int32",
            "TYPE_NAME:Utf8",
            "COLUMN_SIZE?:Int32",
            "BUFFER_LENGTH?:Int32",
            "DECIMAL_DIGITS?:Int32",
            "NUM_PREC_RADIX?:Int32",
            "NULLABLE:Int32",
            "REMARKS?:Utf8",
            "COLUMN_DEF?:Utf8",
            "SQL_DATA_TYPE?:Int32",
            "SQL_DATETIME_SUB?:Int32",
            "CHAR_OCTET_LENGTH?:Int32",
            "ORDINAL_POSITION:Int32",
            "IS_NULLABLE:Utf8",
            "SCOPE_CATALOG?:Utf8",
            "SCOPE_SCHEMA?:Utf8",
            "SCOPE_TABLE?:Utf8",
            "SOURCE_DATA_TYPE?:Int16",
            "IS_AUTO_INCREMENT:Utf8",
        ])
    );
    let full = |name: &str, java: &str, ty: &str, size: &str, digits: &str, radix: &str, nullable: bool, remarks: &str, pos: &str| {
        let mut r = v(&["default_catalog", "default_database"]);
        r.extend(v(&[name, java, ty, size, "NULL", digits, radix, if nullable { "1" } else { "0" }, remarks, "NULL", "NULL", "NULL", "NULL", pos]));
        r.extend(v(&[if nullable { "YES" } else { "NO" }, "NULL", "NULL", "NULL", "NULL", "NO"]));
        r
    };
    let with_table = |table: &str, mut r: Vec<String>| {
        r.insert(2, table.to_string());
        r
    };
    assert_eq!(
        rows(&t),
        vec![
            with_table("t", full("id", "4", "INT", "10", "0", "10", false, "NULL", "1")),
            with_table("t", full("name", "12", "STRING", "2147483647", "NULL", "NULL", true, "NULL", "2")),
        ]
    );
    let typed = answer(&engine, request("typed", None)).await;
    let brief: Vec<Vec<String>> = rows(&typed).into_iter().map(|r| [3, 4, 5, 6, 8, 10, 11, 16].iter().map(|&i| r[i].clone()).collect()).collect();
    assert_eq!(
        brief,
        vec![
            v(&["code", "1", "CHAR(3)", "3", "NULL", "1", "iso code", "1"]),
            v(&["label", "12", "VARCHAR(10)", "10", "NULL", "1", "NULL", "2"]),
            v(&["amount", "3", "DECIMAL(10,2)", "10", "2", "1", "NULL", "3"]),
            v(&["ts", "2014", "TIMESTAMP WITH LOCAL TIME ZONE", "29", "9", "1", "NULL", "4"]),
            v(&["flag", "16", "BOOLEAN", "NULL", "NULL", "0", "NULL", "5"]),
            v(&["b", "4", "INT", "10", "0", "0", "NULL", "6"]),
            v(&["a", "4", "INT", "10", "0", "0", "NULL", "7"]),
        ]
    );
    // Column and table patterns; a view's columns come from its query.
    let names = |b: RecordBatch| rows(&b).into_iter().map(|r| format!("{}.{}", r[2], r[3])).collect::<Vec<_>>();
    assert_eq!(names(answer(&engine, request("t%", Some("%a%"))).await), v(&["t.name", "typed.label", "typed.amount", "typed.flag", "typed.a"]));
    assert_eq!(names(answer(&engine, request("v", Some("_d"))).await), v(&["v.id"]));
    let everywhere = answer(&engine, M::Columns { catalog: None, schema_pattern: None, table_pattern: some("other"), column_pattern: None }).await;
    assert_eq!(column(&everywhere, "TYPE_NAME"), v(&["DOUBLE"]));
    assert_eq!(column(&everywhere, "TABLE_SCHEM"), v(&["db2"]));
    let unknown = answer(&engine, M::Columns { catalog: some("nope"), schema_pattern: None, table_pattern: None, column_pattern: None }).await;
    assert_eq!((unknown.num_rows(), unknown.num_columns()), (0, 23));
}

#[tokio::test]
async fn primary_keys_from_the_ddl() {
    let engine = engine().await;
    let keys = |catalog: Option<&str>, schema: Option<&str>, table: &str| M::PrimaryKeys { catalog: catalog.map(str::to_string), schema: schema.map(str::to_string), table: table.to_string() };
    let t = answer(&engine, keys(None, None, "t")).await;
    assert_eq!(schema(&t), v(&["TABLE_CAT:Utf8", "TABLE_SCHEM:Utf8", "TABLE_NAME:Utf8", "COLUMN_NAME:Utf8", "KEY_SEQ:Int32", "PK_NAME:Utf8"]));
    assert_eq!(rows(&t), vec![v(&["default_catalog", "default_database", "t", "id", "1", "PK_id"])]);
    // Ordered by column name; KEY_SEQ is the position in the key.
    let typed = answer(&engine, keys(Some("default_catalog"), Some("default_database"), "typed")).await;
    assert_eq!(
        rows(&typed),
        vec![v(&["default_catalog", "default_database", "typed", "a", "2", "PK_b_a"]), v(&["default_catalog", "default_database", "typed", "b", "1", "PK_b_a"])]
    );
    for request in [keys(None, None, "t2"), keys(None, None, "v"), keys(None, None, "missing"), keys(Some("nope"), None, "t"), keys(None, Some("db2"), "t"), keys(None, None, "T")] {
        let answer = answer(&engine, request.clone()).await;
        assert_eq!((answer.num_rows(), answer.num_columns()), (0, 6), "{request:?}");
    }
}

#[tokio::test]
async fn functions_the_session_knows() {
    let engine = engine().await;
    let functions = |catalog: Option<&str>, pattern: Option<&str>| M::Functions { catalog: catalog.map(str::to_string), schema_pattern: None, function_pattern: pattern.map(str::to_string) };
    let upper = answer(&engine, functions(None, Some("upper"))).await;
    assert_eq!(
        schema(&upper),
        v(&["FUNCTION_CAT?:Utf8", "FUNCTION_SCHEM?:Utf8", "FUNCTION_NAME:Utf8", "REMARKS?:Utf8", "FUNCTION_TYPE:Int32", "SPECIFIC_NAME:Utf8"])
    );
    let row = rows(&upper);
    assert_eq!(row.len(), 1);
    assert_eq!([&row[0][..3], &row[0][4..]].concat(), v(&["NULL", "NULL", "UPPER", "1", "UPPER"]));
    assert_eq!(column(&answer(&engine, functions(Some("default_catalog"), Some("COUN_"))).await, "FUNCTION_NAME"), v(&["COUNT"]));
    let window = column(&answer(&engine, functions(None, Some("row\\_num%"))).await, "FUNCTION_NAME");
    assert_eq!(window, v(&["ROW_NUMBER"]));
    let all = column(&answer(&engine, functions(None, None)).await, "FUNCTION_NAME");
    assert!(all.len() > 100 && all.windows(2).all(|w| w[0] < w[1]), "{all:?}");
    assert!(all.iter().all(|f| *f == f.to_uppercase()));
    assert_eq!(answer(&engine, functions(Some("nope"), None)).await.num_rows(), 0);
}

#[tokio::test]
async fn type_info_and_cross_reference() {
    let engine = engine().await;
    let info = answer(&engine, M::TypeInfo).await;
    assert_eq!(info.num_columns(), 18);
    assert_eq!(schema(&info)[..9], v(&["TYPE_NAME:Utf8", "DATA_TYPE:Int32", "PRECISION?:Int32", "LITERAL_PREFIX?:Utf8", "LITERAL_SUFFIX?:Utf8", "CREATE_PARAMS?:Utf8", "NULLABLE:Int16", "CASE_SENSITIVE:Boolean", "SEARCHABLE:Int16"]));
    assert_eq!(
        column(&info, "TYPE_NAME"),
        v(&[
            "TINYINT", "BIGINT", "BINARY", "VOID", "CHAR", "DECIMAL", "INT", "SMALLINT", "FLOAT", "DOUBLE", "STRING", "VARCHAR", "BOOLEAN", "DATE", "TIMESTAMP",
            "INTERVAL_YEAR_MONTH", "INTERVAL_DAY_TIME", "MAP", "STRUCT", "ARRAY", "TIMESTAMP WITH LOCAL TIME ZONE",
        ])
    );
    let int = rows(&info).into_iter().find(|r| r[0] == "INT").expect("INT row");
    assert_eq!(int, v(&["INT", "4", "10", "NULL", "NULL", "NULL", "1", "false", "3", "false", "false", "false", "NULL", "0", "0", "NULL", "NULL", "10"]));
    let string = rows(&info).into_iter().find(|r| r[0] == "STRING").expect("STRING row");
    assert_eq!(string, v(&["STRING", "12", "NULL", "'", "'", "NULL", "1", "true", "3", "true", "false", "false", "NULL", "0", "0", "NULL", "NULL", "NULL"]));

    let cross = answer(
        &engine,
        M::CrossReference { primary_catalog: None, primary_schema: None, primary_table: some("t"), foreign_catalog: None, foreign_schema: None, foreign_table: some("v") },
    )
    .await;
    assert_eq!(cross.num_rows(), 0);
    assert_eq!(
        cross.schema().fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>(),
        [
            "PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ",
            "UPDATE_RULE", "DELETE_RULE", "FK_NAME", "PK_NAME", "DEFERRABILITY",
        ]
    );
}

#[test]
fn descriptions_are_one_line() {
    assert_eq!(tables(Some("default_catalog"), Some("%"), Some("t%"), None).describe(), "GET_TABLES catalog=default_catalog schema=% table=t%");
    assert_eq!(tables(None, Some(""), Some("a\nb"), Some(&["TABLE", "VIEW"])).describe(), "GET_TABLES catalog=% schema=% table=a\\nb types=TABLE,VIEW");
    assert_eq!(M::TypeInfo.describe(), "GET_TYPE_INFO");
    assert_eq!(M::Catalogs.describe(), "GET_CATALOGS");
    assert_eq!(M::TableTypes.describe(), "GET_TABLE_TYPES");
    assert_eq!(M::Schemas { catalog: None, schema_pattern: some("d%") }.describe(), "GET_SCHEMAS catalog=% schema=d%");
    assert_eq!(
        M::Columns { catalog: some("c"), schema_pattern: None, table_pattern: some("t"), column_pattern: some("x_") }.describe(),
        "GET_COLUMNS catalog=c schema=% table=t column=x_"
    );
    assert_eq!(M::Functions { catalog: None, schema_pattern: None, function_pattern: some("up%") }.describe(), "GET_FUNCTIONS catalog=% schema=% function=up%");
    assert_eq!(M::PrimaryKeys { catalog: some("c"), schema: some("d"), table: "t".into() }.describe(), "GET_PRIMARY_KEYS catalog=c schema=d table=t");
    assert_eq!(
        M::CrossReference { primary_catalog: some("c"), primary_schema: some("d"), primary_table: some("p"), foreign_catalog: None, foreign_schema: None, foreign_table: some("f") }
            .describe(),
        "GET_CROSS_REFERENCE primary=c.d.p foreign=%.%.f"
    );
}
