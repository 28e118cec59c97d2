//! Tests of the filesystem connector through DataFusion SQL.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::{
    ArrayRef, BinaryArray, Int32Array, Int64Array, RecordBatch, StringArray, Time64MicrosecondArray, TimestampMillisecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::execution::context::SessionContext;
use datafusion::parquet::arrow::ArrowWriter;
use futures::StreamExt;

use super::create;
use crate::engine::connector::roots::DataRoots;
use crate::engine::connector::roots::tests::TempDir;
use crate::engine::connector::{TableSpec, create_table};

/// The columns most tests use: every scalar kind a file format must carry.
fn typed_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("price", DataType::Decimal128(10, 2), true),
        Field::new("score", DataType::Float64, true),
        Field::new("ok", DataType::Boolean, true),
        Field::new("day", DataType::Date32, true),
        Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), true),
    ]))
}

fn spec(schema: SchemaRef, options: &[(&str, &str)]) -> TableSpec {
    TableSpec {
        name: "default_catalog.default_database.t".to_string(),
        schema,
        options: options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
    }
}

fn roots(tmp: &TempDir) -> DataRoots {
    DataRoots::new(vec![tmp.path().to_path_buf()]).unwrap()
}

/// A context with table `t` over `path` in `format`, plus extra options.
fn context(tmp: &TempDir, schema: SchemaRef, path: &str, format: &str, extra: &[(&str, &str)]) -> SessionContext {
    let mut options = vec![("connector", "filesystem"), ("path", path), ("format", format)];
    options.extend_from_slice(extra);
    let table = create_table(&spec(schema, &options), &roots(tmp)).unwrap();
    let ctx = SessionContext::new();
    ctx.register_table("t", table).unwrap();
    ctx
}

async fn query(ctx: &SessionContext, sql: &str) -> String {
    let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
    pretty_format_batches(&batches).unwrap().to_string()
}

async fn query_err(ctx: &SessionContext, sql: &str) -> String {
    match ctx.sql(sql).await {
        Ok(frame) => frame.collect().await.unwrap_err().to_string(),
        Err(e) => e.to_string(),
    }
}

const TYPED_ROWS: &str = "\
+----+------+--------+-------+-------+------------+-------------------------+
| id | name | price  | score | ok    | day        | ts                      |
+----+------+--------+-------+-------+------------+-------------------------+
| 1  | foo  | 12.50  | 1.5   | true  | 2024-01-01 | 2024-01-01T00:00:00     |
| 2  |      |        |       |       |            |                         |
| 3  | b,c  | -0.01  | 10000000000.0 | false | 1999-12-31 | 2024-02-29T12:34:56.789 |
+----+------+--------+-------+-------+------------+-------------------------+";

/// `TYPED_ROWS` compared without caring about column padding.
fn assert_typed_rows(actual: &str) {
    let squash = |s: &str| s.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>();
    let expected = squash(TYPED_ROWS);
    let actual = squash(actual);
    assert_eq!(actual[3..6], expected[3..6], "{actual:#?}");
}

#[tokio::test]
async fn bounded_csv_reads_every_visible_file() {
    let tmp = TempDir::new("fs-csv");
    let dir = tmp.path().join("in");
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("a.csv"), "1,foo,12.50,1.5,true,2024-01-01,2024-01-01 00:00:00\n2,,,,,,\n").unwrap();
    fs::write(dir.join("sub/b.csv"), "3,\"b,c\",-0.01,1e10,false,1999-12-31,2024-02-29 12:34:56.789\n").unwrap();
    fs::write(dir.join(".hidden.csv"), "9,hidden,,,,,\n").unwrap();
    fs::write(dir.join("_SUCCESS"), "garbage").unwrap();
    fs::write(dir.join(".part-x.csv.inprogress"), "partial").unwrap();
    let ctx = context(&tmp, typed_schema(), "in", "csv", &[]);

    assert_typed_rows(&query(&ctx, "SELECT * FROM t ORDER BY id").await);
    assert!(query(&ctx, "SELECT name FROM t WHERE id = 3").await.contains("| b,c  |"));
    assert!(query(&ctx, "SELECT count(*) AS n FROM t").await.contains("| 3 |"));
    assert!(query(&ctx, "SELECT sum(price) AS s FROM t").await.contains("12.49"));

    // One file as the path; a regex over the directory.
    let one = context(&tmp, typed_schema(), "in/a.csv", "csv", &[]);
    assert!(query(&one, "SELECT count(*) AS n FROM t").await.contains("| 2 |"));
    let filtered = context(&tmp, typed_schema(), "in", "csv", &[("source.path.regex-pattern", ".*/sub/.*\\.csv")]);
    assert!(query(&filtered, "SELECT id FROM t").await.contains("| 3  |"));
    assert!(!query(&filtered, "SELECT id FROM t").await.contains("| 1  |"));
    // A directory that does not exist yet is empty.
    let missing = context(&tmp, typed_schema(), "not-yet", "csv", &[]);
    assert!(query(&missing, "SELECT count(*) AS n FROM t").await.contains("| 0 |"));
}

#[tokio::test]
async fn large_files_stream_in_batches() {
    let tmp = TempDir::new("fs-stream");
    let dir = tmp.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    let lines: String = (0..100).map(|i| format!("{i},row {i}\n")).collect();
    fs::write(dir.join("big.csv"), &lines).unwrap();
    fs::write(dir.join("big.json"), (0..100).map(|i| format!("{{\"id\":{i}}}\n")).collect::<String>()).unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, true), Field::new("s", DataType::Utf8, true)]));
    for (format, pattern) in [("csv", ".*\\.csv"), ("json", ".*\\.json")] {
        let table = create(
            &spec(
                schema.clone(),
                &[("connector", "filesystem"), ("path", "in"), ("format", format), ("source.path.regex-pattern", pattern)],
            ),
            &roots(&tmp),
        )
        .unwrap();
        let ctx = SessionContext::new_with_config(datafusion::prelude::SessionConfig::new().with_batch_size(8));
        ctx.register_table("t", table).unwrap();
        let mut stream = ctx.sql("SELECT id FROM t").await.unwrap().execute_stream().await.unwrap();
        let (mut batches, mut rows) = (0, 0);
        while let Some(batch) = stream.next().await {
            let batch = batch.unwrap();
            assert!(batch.num_rows() <= 8);
            batches += 1;
            rows += batch.num_rows();
        }
        assert_eq!((batches, rows), (13, 100), "{format}");
    }
}

#[tokio::test]
async fn csv_options_and_parse_errors() {
    let tmp = TempDir::new("fs-csv-opts");
    let dir = tmp.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a.csv"), "# a comment\n1;'x;y';N/A\n2;z;7\n").unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("s", DataType::Utf8, true),
        Field::new("n", DataType::Int64, true),
    ]));
    let ctx = context(
        &tmp,
        schema.clone(),
        "in",
        "csv",
        &[
            ("csv.field-delimiter", ";"),
            ("csv.quote-character", "'"),
            ("csv.allow-comments", "true"),
            ("csv.null-literal", "N/A"),
        ],
    );
    let out = query(&ctx, "SELECT id, s, n FROM t ORDER BY id").await;
    assert!(out.contains("| 1  | x;y |   |") && out.contains("| 2  | z   | 7 |"), "{out}");

    fs::write(dir.join("b.csv"), "3;w;notanumber\n").unwrap();
    let options = [("csv.field-delimiter", ";"), ("csv.quote-character", "'"), ("csv.allow-comments", "true"), ("csv.null-literal", "N/A")];
    let strict = context(&tmp, schema.clone(), "in", "csv", &options);
    let err = query_err(&strict, "SELECT * FROM t").await;
    assert!(err.contains("b.csv") && err.contains("notanumber") && err.contains("column 'n'"), "{err}");

    let lenient = context(
        &tmp,
        schema,
        "in",
        "csv",
        &[
            ("csv.field-delimiter", ";"),
            ("csv.quote-character", "'"),
            ("csv.allow-comments", "true"),
            ("csv.null-literal", "N/A"),
            ("csv.ignore-parse-errors", "true"),
        ],
    );
    let out = query(&lenient, "SELECT id, n FROM t ORDER BY id").await;
    assert!(out.contains("| 3  |   |"), "{out}");
}

#[tokio::test]
async fn bounded_json_reads_lines() {
    let tmp = TempDir::new("fs-json");
    let dir = tmp.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.json"),
        concat!(
            r#"{"id":1,"name":"foo","price":12.50,"score":1.5,"ok":true,"day":"2024-01-01","ts":"2024-01-01 00:00:00","extra":1}"#,
            "\n\n",
            r#"{"id":2,"name":null}"#,
            "\n",
            r#"{"id":3,"name":"b,c","price":"-0.01","score":1e10,"ok":false,"day":"1999-12-31","ts":"2024-02-29T12:34:56.789"}"#,
            "\n"
        ),
    )
    .unwrap();
    let ctx = context(&tmp, typed_schema(), "in", "json", &[]);
    assert_typed_rows(&query(&ctx, "SELECT * FROM t ORDER BY id").await);
    assert!(query(&ctx, "SELECT count(*) AS n FROM t").await.contains("| 3 |"));

    fs::write(dir.join("b.json"), "{\"id\":4}\n{\"id\":\"five\"}\nnot json\n{\"name\":\"no id\"}\n").unwrap();
    let err = query_err(&ctx, "SELECT * FROM t").await;
    assert!(err.contains("b.json") && err.contains("line 2"), "{err}");
    let lenient = context(&tmp, typed_schema(), "in", "json", &[("json.ignore-parse-errors", "true")]);
    let out = query(&lenient, "SELECT id FROM t ORDER BY id").await;
    assert!(out.contains("| 4  |") && !out.contains("five"), "{out}");
    assert!(query(&lenient, "SELECT count(*) AS n FROM t").await.contains("| 4 |"));
}

#[tokio::test]
async fn bounded_parquet_matches_columns_by_name() {
    let tmp = TempDir::new("fs-parquet");
    let dir = tmp.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    // The file has the columns in another order, one of another type, one missing.
    let file_schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, true),
        Field::new("id", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        file_schema.clone(),
        vec![Arc::new(StringArray::from(vec![Some("a"), None])) as ArrayRef, Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef],
    )
    .unwrap();
    let mut writer = ArrowWriter::try_new(fs::File::create(dir.join("a.parquet")).unwrap(), file_schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("missing", DataType::Float64, true),
    ]));
    let ctx = context(&tmp, schema, "in", "parquet", &[]);
    let out = query(&ctx, "SELECT id, name, missing FROM t ORDER BY id").await;
    assert!(out.contains("| 1  | a    |         |") && out.contains("| 2  |      |         |"), "{out}");
    assert!(query(&ctx, "SELECT count(*) AS n FROM t").await.contains("| 2 |"));

    fs::write(dir.join("b.parquet"), "not parquet").unwrap();
    let err = query_err(&ctx, "SELECT * FROM t").await;
    assert!(err.contains("b.parquet"), "{err}");
}

#[tokio::test]
async fn insert_then_select_for_every_format() {
    for format in ["csv", "json", "parquet"] {
        let tmp = TempDir::new("fs-insert");
        let ctx = context(&tmp, typed_schema(), "out", format, &[]);
        let sql = "INSERT INTO t VALUES \
            (1, 'foo', 12.50, 1.5, true, DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00'), \
            (2, NULL, NULL, NULL, NULL, NULL, NULL), \
            (3, 'b,c', -0.01, 1e10, false, DATE '1999-12-31', TIMESTAMP '2024-02-29 12:34:56.789')";
        let count = query(&ctx, sql).await;
        assert!(count.contains("| 3     |"), "{format}: {count}");
        assert_typed_rows(&query(&ctx, "SELECT * FROM t ORDER BY id").await);

        // One visible part file, named for its format, and no leftovers.
        let names: Vec<String> =
            fs::read_dir(tmp.path().join("out")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(names[0].starts_with("part-") && names[0].ends_with(&format!("-0-0.{format}")), "{names:?}");

        // A second insert adds a file; both are read.
        query(&ctx, "INSERT INTO t (id, name) VALUES (4, 'more')").await;
        assert!(query(&ctx, "SELECT count(*) AS n FROM t").await.contains("| 4 |"), "{format}");
        if format == "csv" {
            let text = fs::read_to_string(tmp.path().join("out").join(&names[0])).unwrap();
            assert!(text.starts_with("1,foo,12.50,1.5,true,2024-01-01,2024-01-01 00:00:00\n2,,,,,,\n"), "{text}");
        }
        if format == "json" {
            let text = fs::read_to_string(tmp.path().join("out").join(&names[0])).unwrap();
            assert!(text.starts_with(r#"{"id":1,"name":"foo","price":12.50,"score":1.5,"ok":true,"day":"2024-01-01","ts":"2024-01-01 00:00:00"}"#), "{text}");
        }
        let err = query_err(&ctx, "INSERT OVERWRITE t VALUES (5, NULL, NULL, NULL, NULL, NULL, NULL)").await;
        assert!(err.contains("not supported") || err.contains("OVERWRITE"), "{err}");
    }
}

#[tokio::test]
async fn instants_times_and_binary_round_trip() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("b", DataType::Binary, true),
        Field::new("z", DataType::Timestamp(TimeUnit::Millisecond, Some("+08:00".into())), true),
        Field::new("t", DataType::Time64(TimeUnit::Microsecond), true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int32Array::from(vec![1, 2])) as ArrayRef,
            Arc::new(BinaryArray::from(vec![Some(&b"\x00\xffhi"[..]), None])) as ArrayRef,
            Arc::new(TimestampMillisecondArray::from(vec![Some(1_704_067_200_123), None]).with_timezone("+08:00")) as ArrayRef,
            Arc::new(Time64MicrosecondArray::from(vec![Some(45_296_000_001), None])) as ArrayRef,
        ],
    )
    .unwrap();
    for format in ["csv", "json", "parquet"] {
        let tmp = TempDir::new("fs-roundtrip");
        let ctx = context(&tmp, schema.clone(), "out", format, &[]);
        ctx.register_batch("src", batch.clone()).unwrap();
        query(&ctx, "INSERT INTO t SELECT * FROM src").await;
        let expected = query(&ctx, "SELECT * FROM src ORDER BY id").await;
        assert_eq!(query(&ctx, "SELECT * FROM t ORDER BY id").await, expected, "{format}");
        if format != "parquet" {
            let dir = tmp.path().join("out");
            let file = fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
            let text = fs::read_to_string(file).unwrap();
            assert!(text.contains("AP9oaQ==") && text.contains("2024-01-01 00:00:00.123Z"), "{format}: {text}");
        }
    }
}

#[tokio::test]
async fn inserting_into_a_file_path_fails_clearly() {
    let tmp = TempDir::new("fs-file-sink");
    fs::write(tmp.path().join("one.csv"), "1\n").unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Int32, true)]));
    let ctx = context(&tmp, schema, "one.csv", "csv", &[]);
    let err = query_err(&ctx, "INSERT INTO t VALUES (2)").await;
    assert!(err.contains("is a file"), "{err}");
    assert!(query(&ctx, "SELECT v FROM t").await.contains("| 1 |"));
}

#[tokio::test]
async fn parts_roll_over_by_size() {
    let tmp = TempDir::new("fs-roll");
    let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Int32, true)]));
    let table = create(
        &spec(
            schema,
            &[("connector", "filesystem"), ("path", "out"), ("format", "csv"), ("sink.rolling-policy.file-size", "1b")],
        ),
        &roots(&tmp),
    )
    .unwrap();
    let ctx = SessionContext::new_with_config(datafusion::prelude::SessionConfig::new().with_batch_size(2));
    ctx.register_table("t", table).unwrap();
    query(&ctx, "INSERT INTO t SELECT CAST(value AS INT) FROM generate_series(1, 6)").await;
    let files = fs::read_dir(tmp.path().join("out")).unwrap().count();
    assert!(files >= 3, "{files} files");
    assert!(query(&ctx, "SELECT sum(v) AS s FROM t").await.contains("| 21 |"));
}

/// Write `contents` to `dir/name` the way a careful producer does.
fn drop_file(dir: &Path, name: &str, contents: &str) {
    let temp = dir.join(format!(".{name}.tmp"));
    fs::write(&temp, contents).unwrap();
    fs::rename(temp, dir.join(name)).unwrap();
}

#[tokio::test]
async fn monitored_source_reads_new_files_once_and_keeps_going() {
    let tmp = TempDir::new("fs-monitor");
    let dir = tmp.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("b.csv"), "2,b\n").unwrap();
    fs::write(dir.join("a.csv"), "1,a\n").unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, true), Field::new("s", DataType::Utf8, true)]));
    let ctx = context(&tmp, schema.clone(), "in", "csv", &[("source.monitor-interval", "50 ms")]);
    let sink_ctx = context(&tmp, schema, "in", "csv", &[]);

    let mut stream = ctx.sql("SELECT id FROM t").await.unwrap().execute_stream().await.unwrap();
    let mut next_ids = async || -> Option<Vec<i32>> {
        let batch = tokio::time::timeout(Duration::from_secs(10), stream.next()).await.ok()??.unwrap();
        let ids = batch.column(0).as_any().downcast_ref::<Int32Array>().unwrap();
        Some(ids.values().to_vec())
    };
    // Present at start: in name order.
    assert_eq!(next_ids().await, Some(vec![1]));
    assert_eq!(next_ids().await, Some(vec![2]));

    // Hidden and in-progress files are never read; a file dropped later is.
    fs::write(dir.join(".c.csv.inprogress"), "99,partial").unwrap();
    fs::write(dir.join("_temporary"), "98,x\n").unwrap();
    drop_file(&dir, "c.csv", "3,c\n4,c\n");
    assert_eq!(next_ids().await, Some(vec![3, 4]));

    // Rows inserted through the sink show up, once.
    query(&sink_ctx, "INSERT INTO t VALUES (5, 'e')").await;
    assert_eq!(next_ids().await, Some(vec![5]));

    // Nothing new: the stream waits rather than ending or re-reading.
    let idle = tokio::time::timeout(Duration::from_millis(400), stream.next()).await;
    assert!(idle.is_err(), "expected no batch, got {idle:?}");
    drop_file(&dir, "d.csv", "6,d\n");
    let batch = tokio::time::timeout(Duration::from_secs(10), stream.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(batch.column(0).as_any().downcast_ref::<Int32Array>().unwrap().values().to_vec(), vec![6]);
    drop(stream);
}

#[tokio::test]
async fn monitored_source_fails_on_a_bad_file_naming_it() {
    let tmp = TempDir::new("fs-monitor-bad");
    let dir = tmp.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, true)]));
    let ctx = context(&tmp, schema, "in", "csv", &[("source.monitor-interval", "20ms")]);
    let mut stream = ctx.sql("SELECT id FROM t").await.unwrap().execute_stream().await.unwrap();
    drop_file(&dir, "bad.csv", "x\n");
    let err = tokio::time::timeout(Duration::from_secs(10), stream.next()).await.unwrap().unwrap().unwrap_err();
    assert!(err.to_string().contains("bad.csv"), "{err}");
}

#[test]
fn option_errors_name_the_options() {
    let tmp = TempDir::new("fs-options");
    let roots = roots(&tmp);
    let schema = typed_schema();
    let make = |options: &[(&str, &str)]| create(&spec(schema.clone(), options), &roots).map(|_| ()).unwrap_err().to_string();

    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "csv"), ("csv.field-delimeter", ";"), ("bogus", "1")]);
    assert!(err.starts_with("Unsupported options found for 'filesystem'.\n\nUnsupported options:\n\nbogus\ncsv.field-delimeter\n\nSupported options:\n\n"), "{err}");
    assert!(err.contains("\ncsv.field-delimiter\n") && err.contains("\nsource.monitor-interval\n"), "{err}");
    // Another format's options are not this one's.
    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "json"), ("csv.field-delimiter", ";")]);
    assert!(err.contains("Unsupported options:\n\ncsv.field-delimiter\n"), "{err}");

    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "avro")]);
    assert!(err.contains("'avro'"), "{err}");
    let err = make(&[("connector", "filesystem"), ("format", "csv")]);
    assert_eq!(err, "One or more required options are missing.\n\nMissing required options are:\n\npath");
    let err = make(&[("connector", "filesystem")]);
    assert!(err.ends_with("format\npath"), "{err}");
    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "csv"), ("source.monitor-interval", "often")]);
    assert_eq!(err, "Could not parse value 'often' for key 'source.monitor-interval'.");
    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "csv"), ("csv.field-delimiter", ";;")]);
    assert!(err.contains("csv.field-delimiter"), "{err}");
    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "csv"), ("source.path.regex-pattern", "(")]);
    assert!(err.contains("source.path.regex-pattern"), "{err}");
    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "json"), ("json.timestamp-format.standard", "RFC")]);
    assert!(err.contains("'RFC'"), "{err}");
    let err = make(&[("connector", "filesystem"), ("path", "x"), ("format", "parquet"), ("parquet.compression", "FAST")]);
    assert!(err.contains("parquet.compression"), "{err}");
    let err = make(&[("connector", "filesystem"), ("path", "../outside"), ("format", "csv")]);
    assert!(err.contains("../outside") && err.contains("outside the data directories"), "{err}");

    let nested = Arc::new(Schema::new(vec![Field::new_list("l", Field::new_list_field(DataType::Int32, true), true)]));
    let err = create(&spec(nested, &[("connector", "filesystem"), ("path", "x"), ("format", "csv")]), &roots).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("column 'l'"), "{err}");

    for ok in [
        vec![("connector", "filesystem"), ("path", "x"), ("format", "parquet"), ("parquet.compression", "gzip")],
        vec![("connector", "filesystem"), ("path", "file:x"), ("format", "csv"), ("csv.disable-quote-character", "true")],
        vec![
            ("connector", "filesystem"),
            ("path", "x"),
            ("format", "json"),
            ("json.timestamp-format.standard", "ISO-8601"),
            ("sink.rolling-policy.file-size", "1MB"),
            ("sink.rolling-policy.rollover-interval", "10 s"),
            ("partition.default-name", "__DEFAULT__"),
        ],
    ] {
        create(&spec(schema.clone(), &ok), &roots).unwrap();
    }
    let err = create_table(&spec(schema.clone(), &[("connector", "kafka")]), &roots).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("'kafka'"), "{err}");
}
