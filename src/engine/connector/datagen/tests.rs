//! The `datagen` table through real SQL: registered in a `SessionContext`
//! and queried, bounded and unbounded.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use datafusion::arrow::array::{Array, AsArray, MapArray};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Field, Fields, Float32Type, Float64Type, Int8Type, Int32Type, Int64Type,
    Schema, Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType,
};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::SessionContext;
use futures::StreamExt;

use super::options::parse_duration;
use crate::engine::connector::{TableSpec, create_table};
use crate::error::GatewayError;

/// Generous: the machine running the tests may be busy.
const TIMEOUT: Duration = Duration::from_secs(60);

fn spec(fields: Vec<Field>, options: &[(&str, &str)]) -> TableSpec {
    let mut all: Vec<(String, String)> = vec![("connector".into(), "datagen".into())];
    all.extend(options.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    TableSpec {
        name: "default_catalog.default_database.t".into(),
        schema: Arc::new(Schema::new(fields)),
        options: all.into_iter().collect(),
    }
}

fn context(spec: &TableSpec) -> SessionContext {
    let ctx = SessionContext::new();
    ctx.register_table("t", create_table(spec, &crate::engine::connector::roots::DataRoots::none()).expect("table")).expect("register");
    ctx
}

/// All rows of `sql` over table `t`, as one batch.
async fn query(spec: &TableSpec, sql: &str) -> RecordBatch {
    let ctx = context(spec);
    let batches = tokio::time::timeout(TIMEOUT, async { ctx.sql(sql).await?.collect().await })
        .await
        .expect("query timed out")
        .expect("query");
    let schema = batches.first().map_or_else(|| Arc::new(Schema::empty()), |b| b.schema());
    concat_batches(&schema, &batches).expect("concat")
}

fn error(spec: &TableSpec) -> String {
    match create_table(spec, &crate::engine::connector::roots::DataRoots::none()) {
        Err(GatewayError::Sql(message)) => message,
        Err(other) => panic!("expected a SQL error, got {other:?}"),
        Ok(_) => panic!("expected an error"),
    }
}

fn i64s(batch: &RecordBatch, i: usize) -> Vec<i64> {
    batch.column(i).as_primitive::<Int64Type>().values().to_vec()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as i64
}

#[tokio::test]
async fn bounded_table_has_number_of_rows() {
    let spec = spec(
        vec![Field::new("id", DataType::Int64, true), Field::new("s", DataType::Utf8, true)],
        &[("number-of-rows", "1234"), ("rows-per-second", "1000000"), ("scan.parallelism", "4")],
    );
    let batch = query(&spec, "SELECT count(*), count(id), count(s) FROM t").await;
    for i in 0..3 {
        assert_eq!(i64s(&batch, i), vec![1234]);
    }
    let empty = query(&spec_with_rows("0"), "SELECT count(*) FROM t").await;
    assert_eq!(i64s(&empty, 0), vec![0]);
    let fastest = self::spec(
        vec![Field::new("v", DataType::Int32, true)],
        &[("number-of-rows", "20000"), ("rows-per-second", "9223372036854775807")],
    );
    assert_eq!(i64s(&query(&fastest, "SELECT count(*) FROM t").await, 0), vec![20000]);
}

fn spec_with_rows(rows: &str) -> TableSpec {
    spec(vec![Field::new("v", DataType::Int32, true)], &[("number-of-rows", rows)])
}

#[tokio::test]
async fn sequences_count_from_start_to_end() {
    let spec = spec(
        vec![
            Field::new("id", DataType::Int64, false),
            Field::new("s", DataType::Utf8, true),
            Field::new("d", DataType::Decimal128(10, 2), true),
            Field::new("f", DataType::Float32, true),
            Field::new("r", DataType::Int32, true),
        ],
        &[
            ("rows-per-second", "1000000"),
            ("fields.id.kind", "sequence"),
            ("fields.id.start", "1"),
            ("fields.id.end", "100"),
            ("fields.s.kind", "sequence"),
            ("fields.s.start", "-5"),
            ("fields.s.end", "1000"),
            ("fields.d.kind", "sequence"),
            ("fields.d.start", "7"),
            ("fields.f.kind", "sequence"),
            ("fields.f.start", "0"),
            ("fields.r.min", "1"),
            ("fields.r.max", "1"),
        ],
    );
    let batch = query(&spec, "SELECT id, s, d, f, r FROM t").await;
    assert_eq!(i64s(&batch, 0), (1..=100).collect::<Vec<_>>(), "the shortest sequence ends the table");
    let s = batch.column(1).as_string::<i32>();
    assert_eq!(
        s.iter().map(|v| v.unwrap().to_string()).collect::<Vec<_>>(),
        (-5..95).map(|v| v.to_string()).collect::<Vec<_>>()
    );
    let d = batch.column(2).as_primitive::<Decimal128Type>();
    assert_eq!(d.values().to_vec(), (7..107).map(|v| v * 100).collect::<Vec<i128>>());
    let f = batch.column(3).as_primitive::<Float32Type>();
    assert_eq!(f.values().to_vec(), (0..100).map(|v| v as f32).collect::<Vec<_>>());
    assert!(batch.column(4).as_primitive::<Int32Type>().values().iter().all(|v| *v == 1));

    // number-of-rows cuts a longer sequence short.
    let short = self::spec(
        vec![Field::new("id", DataType::Int64, true)],
        &[("number-of-rows", "10"), ("fields.id.kind", "sequence"), ("fields.id.start", "1"), ("fields.id.end", "100")],
    );
    assert_eq!(i64s(&query(&short, "SELECT id FROM t").await, 0), (1..=10).collect::<Vec<_>>());
}

#[tokio::test]
async fn open_sequence_stops_at_its_types_limit() {
    let spec =
        spec(vec![Field::new("b", DataType::Int8, true)], &[("fields.b.kind", "sequence"), ("fields.b.start", "120")]);
    let batch = query(&spec, "SELECT b FROM t").await;
    assert_eq!(batch.column(0).as_primitive::<Int8Type>().values().to_vec(), (120..=127).collect::<Vec<i8>>());
    let empty = self::spec(
        vec![Field::new("b", DataType::Int64, true)],
        &[("fields.b.kind", "sequence"), ("fields.b.start", "5"), ("fields.b.end", "4")],
    );
    assert_eq!(query(&empty, "SELECT b FROM t").await.num_rows(), 0);
}

#[tokio::test]
async fn null_rate_one_gives_only_nulls() {
    let spec = spec(
        vec![
            Field::new("v", DataType::Int32, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("l", DataType::List(Arc::new(Field::new("item", DataType::Int32, true))), true),
        ],
        &[
            ("number-of-rows", "50"),
            ("fields.v.null-rate", "1.0"),
            ("fields.s.null-rate", "1"),
            ("fields.l.null-rate", "1"),
        ],
    );
    let batch = query(&spec, "SELECT count(*), count(v), count(s), count(l) FROM t").await;
    assert_eq!([0, 1, 2, 3].map(|i| i64s(&batch, i)[0]), [50, 0, 0, 0]);
}

#[tokio::test]
async fn min_max_and_lengths_are_respected() {
    let spec = spec(
        vec![
            Field::new("i", DataType::Int32, true),
            Field::new("d", DataType::Float64, true),
            Field::new("dec", DataType::Decimal128(10, 2), true),
            Field::new("b", DataType::Int8, true),
            Field::new("f", DataType::Float32, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("vs", DataType::Utf8, true),
            Field::new("big", DataType::Decimal128(5, 2), true),
        ],
        &[
            ("number-of-rows", "2000"),
            ("rows-per-second", "1000000"),
            ("fields.i.min", "10"),
            ("fields.i.max", "20"),
            ("fields.d.min", "-1.5"),
            ("fields.d.max", "1.5"),
            ("fields.dec.min", "5"),
            ("fields.dec.max", "6"),
            ("fields.s.length", "7"),
            ("fields.vs.length", "5"),
            ("fields.vs.var-len", "TRUE"),
        ],
    );
    let batch = query(&spec, "SELECT i, d, dec, b, f, s, vs, big FROM t").await;
    let i = batch.column(0).as_primitive::<Int32Type>();
    assert!(i.values().iter().all(|v| (10..=20).contains(v)));
    assert!(i.values().contains(&10) && i.values().contains(&20), "both ends are reachable");
    assert!(batch.column(1).as_primitive::<Float64Type>().values().iter().all(|v| (-1.5..=1.5).contains(v)));
    assert!(batch.column(2).as_primitive::<Decimal128Type>().values().iter().all(|v| (500..=600).contains(v)));
    let b = batch.column(3).as_primitive::<Int8Type>();
    assert!(b.values().iter().any(|v| *v < 0) && b.values().iter().any(|v| *v > 0), "full TINYINT range");
    assert!(batch.column(4).as_primitive::<Float32Type>().values().iter().all(|v| v.is_finite() && *v > 0.0));
    let s = batch.column(5).as_string::<i32>();
    assert!(s.iter().all(|v| v.is_some_and(|v| v.len() == 7 && v.bytes().all(|c| c.is_ascii_hexdigit()))));
    let vs = batch.column(6).as_string::<i32>();
    assert!(vs.iter().all(|v| v.is_some_and(|v| (1..=5).contains(&v.len()))));
    assert!(vs.iter().any(|v| v.is_some_and(|v| v.len() < 5)), "var-len varies the length");
    // DECIMAL(5, 2) holds at most 999.99: Flink clamps the default range to it.
    assert!(batch.column(7).as_primitive::<Decimal128Type>().values().iter().all(|v| (0..=99_999).contains(v)));
}

#[test]
fn bad_options_are_refused_naming_them() {
    let fields = || vec![Field::new("v", DataType::Int32, true), Field::new("s", DataType::Utf8, false)];
    let message = error(&spec(fields(), &[("fields.v.foo", "1")]));
    assert_eq!(
        message,
        "Unsupported options found for 'datagen'.\n\nUnsupported options:\n\nfields.v.foo\n\nSupported options:\n\n\
         connector\nfields.s.kind\nfields.s.length\nfields.s.null-rate\nfields.s.var-len\nfields.v.kind\n\
         fields.v.max\nfields.v.min\nfields.v.null-rate\nnumber-of-rows\nrows-per-second\nscan.parallelism"
    );
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("fields.x.min", "1")], "\n\nfields.x.min\n\n"),
        (&[("fields.s.min", "1")], "\n\nfields.s.min\n\n"),
        (&[("Fields.v.min", "1")], "\n\nFields.v.min\n\n"),
        (&[("fields.v.kind", "zigzag")], "fields.v.kind"),
        (&[("fields.v.min", "abc")], "Could not parse value 'abc' for key 'fields.v.min'."),
        (&[("fields.v.min", "5"), ("fields.v.max", "1")], "'fields.v.min' (5)"),
        (&[("fields.v.null-rate", "1.5")], "'fields.v.null-rate'"),
        (&[("fields.s.null-rate", "0.5")], "'fields.s.null-rate'"),
        (&[("fields.v.kind", "sequence")], "Could not find required property 'fields.v.start'"),
        (
            &[("fields.v.kind", "sequence"), ("fields.v.start", "1"), ("fields.v.null-rate", "0.1")],
            "fields.v.null-rate",
        ),
        (&[("fields.v.kind", "sequence"), ("fields.v.start", "1"), ("fields.v.end", "1e99")], "'fields.v.end'"),
        (&[("fields.s.length", "-1")], "'fields.s.length'"),
        (&[("fields.s.length", "1000000000")], "fields.*.length"),
        (&[("fields.s.var-len", "yes")], "'fields.s.var-len'"),
        (&[("rows-per-second", "0")], "'rows-per-second'"),
        (&[("number-of-rows", "many")], "'number-of-rows'"),
    ];
    for (options, expected) in cases {
        let message = error(&spec(fields(), options));
        assert!(message.contains(expected), "{options:?}: {message}");
    }
    let typed = |dt: DataType, options: &[(&str, &str)]| error(&spec(vec![Field::new("x", dt, true)], options));
    assert!(typed(DataType::Int8, &[("fields.x.min", "300")]).contains("'fields.x.min' is out of range"));
    assert!(typed(DataType::Boolean, &[("fields.x.kind", "sequence"), ("fields.x.start", "1")]).contains("'x'"));
    assert!(
        typed(DataType::Timestamp(TimeUnit::Second, None), &[("fields.x.max-past", "5 parsecs")])
            .contains("'fields.x.max-past'")
    );
    assert!(typed(DataType::Float16, &[]).contains("'x'"));
}

#[test]
fn durations_read_like_flink() {
    assert_eq!(parse_duration("5 s"), Some(5_000_000_000));
    assert_eq!(parse_duration("5s"), Some(5_000_000_000));
    assert_eq!(parse_duration(" 1 min "), Some(60_000_000_000));
    assert_eq!(parse_duration("1000 ms"), Some(1_000_000_000));
    assert_eq!(parse_duration("1000"), Some(1_000_000_000));
    assert_eq!(parse_duration("2 HOURS"), Some(7_200_000_000_000));
    assert_eq!(parse_duration("3 d"), Some(259_200_000_000_000));
    assert_eq!(parse_duration("7 ns"), Some(7));
    assert_eq!(parse_duration("99999999999 days"), Some(i64::MAX));
    for bad in ["", "s", "-5 s", "1.5 s", "5 parsecs"] {
        assert_eq!(parse_duration(bad), None, "{bad}");
    }
}

#[tokio::test]
async fn unbounded_table_with_limit_ends() {
    let spec = spec(vec![Field::new("v", DataType::Int64, true), Field::new("s", DataType::Utf8, true)], &[]);
    let batch = query(&spec, "SELECT * FROM t LIMIT 5").await;
    assert_eq!(batch.num_rows(), 5);
}

#[tokio::test]
async fn unbounded_table_streams_its_first_rows() {
    let spec = spec(
        vec![Field::new("id", DataType::Int64, true), Field::new("v", DataType::Int32, true)],
        &[("fields.id.kind", "sequence"), ("fields.id.start", "0")],
    );
    let ctx = context(&spec);
    let frame = ctx.sql("SELECT id * 2 AS w FROM t WHERE id >= 0").await.expect("plan");
    let mut stream = frame.execute_stream().await.expect("execute");
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let batch =
            tokio::time::timeout(TIMEOUT, stream.next()).await.expect("rows in time").expect("no end").expect("batch");
        seen.extend(i64s(&batch, 0));
    }
    drop(stream);
    // Repartitioning may reorder batches: the values, not their order, are known.
    assert!(seen.iter().all(|w| *w >= 0 && w % 2 == 0), "{seen:?}");
}

#[tokio::test]
async fn rows_per_second_paces_the_table() {
    let spec =
        spec(vec![Field::new("v", DataType::Int32, true)], &[("rows-per-second", "100"), ("number-of-rows", "20")]);
    let started = Instant::now();
    assert_eq!(query(&spec, "SELECT v FROM t").await.num_rows(), 20);
    assert!(started.elapsed() >= Duration::from_millis(90), "20 rows at 100/s took {:?}", started.elapsed());

    // Below 10 rows per second every row comes on its own, 1/rate apart.
    let slow =
        self::spec(vec![Field::new("v", DataType::Int32, true)], &[("rows-per-second", "5"), ("number-of-rows", "3")]);
    let started = Instant::now();
    assert_eq!(query(&slow, "SELECT v FROM t").await.num_rows(), 3);
    assert!(started.elapsed() >= Duration::from_millis(350), "3 rows at 5/s took {:?}", started.elapsed());
}

#[tokio::test]
async fn every_type_generates() {
    let item = |dt: DataType| Arc::new(Field::new("item", dt, true));
    let entries = |key: DataType, value: DataType| {
        let kv = Fields::from(vec![Field::new("key", key, false), Field::new("value", value, true)]);
        Arc::new(Field::new("entries", DataType::Struct(kv), false))
    };
    let row = Fields::from(vec![
        Field::new("a", DataType::Int32, true),
        Field::new("inner", DataType::Struct(Fields::from(vec![Field::new("c", DataType::Utf8, true)])), true),
    ]);
    let mut fields = vec![
        Field::new("utf8", DataType::Utf8, true),
        Field::new("large_utf8", DataType::LargeUtf8, true),
        Field::new("utf8_view", DataType::Utf8View, true),
        Field::new("bool", DataType::Boolean, true),
        Field::new("i8", DataType::Int8, true),
        Field::new("i16", DataType::Int16, true),
        Field::new("i32", DataType::Int32, false),
        Field::new("i64", DataType::Int64, true),
        Field::new("f32", DataType::Float32, true),
        Field::new("f64", DataType::Float64, true),
        Field::new("dec", DataType::Decimal128(38, 10), true),
        Field::new("date", DataType::Date32, true),
        Field::new("time", DataType::Time64(TimeUnit::Nanosecond), true),
        Field::new("bin", DataType::Binary, true),
        Field::new("bin_view", DataType::BinaryView, true),
        Field::new("list", DataType::List(item(DataType::Int32)), true),
        Field::new("nested", DataType::List(item(DataType::List(item(DataType::Utf8)))), true),
        Field::new("map", DataType::Map(entries(DataType::Utf8, DataType::List(item(DataType::Int64))), false), true),
        Field::new("bool_map", DataType::Map(entries(DataType::Boolean, DataType::Int32), false), true),
        Field::new("row", DataType::Struct(row), true),
    ];
    for unit in [TimeUnit::Second, TimeUnit::Millisecond, TimeUnit::Microsecond, TimeUnit::Nanosecond] {
        let unit_name = format!("{unit:?}").to_lowercase();
        fields.push(Field::new(format!("ts_{unit_name}"), DataType::Timestamp(unit, None), true));
        fields.push(Field::new(format!("ltz_{unit_name}"), DataType::Timestamp(unit, Some("UTC".into())), true));
    }
    let spec = spec(
        fields,
        &[
            ("number-of-rows", "40"),
            ("fields.list.length", "4"),
            ("fields.list.element.min", "1"),
            ("fields.list.element.max", "3"),
            ("fields.nested.element.element.length", "2"),
            ("fields.map.key.length", "6"),
            ("fields.map.value.element.null-rate", "0.5"),
            ("fields.bool_map.length", "5"),
            ("fields.row.a.min", "-1"),
            ("fields.row.a.max", "-1"),
            ("fields.row.inner.c.length", "3"),
            ("fields.row.inner.null-rate", "0.5"),
            ("fields.bin.length", "16"),
        ],
    );
    let batch = query(&spec, "SELECT * FROM t").await;
    assert_eq!(batch.num_rows(), 40);
    assert_eq!(batch.schema().fields().len(), spec.schema.fields().len());
    for (column, field) in batch.columns().iter().zip(spec.schema.fields()) {
        assert_eq!(column.data_type(), field.data_type(), "{}", field.name());
        assert_eq!(column.null_count(), 0, "{} has no null-rate", field.name());
    }
    let column = |name: &str| batch.column_by_name(name).expect(name).clone();
    let list = column("list");
    let list = list.as_list::<i32>();
    assert!((0..40).all(|i| list.value_length(i) == 4));
    assert!(list.values().as_primitive::<Int32Type>().values().iter().all(|v| (1..=3).contains(v)));
    let nested = column("nested");
    let inner = nested.as_list::<i32>().values().as_list::<i32>().values().as_string::<i32>().clone();
    assert!(inner.iter().all(|v| v.is_some_and(|v| v.len() == 2)));
    let map = column("map");
    let map: &MapArray = map.as_map();
    assert!(map.keys().as_string::<i32>().iter().all(|k| k.is_some_and(|k| k.len() == 6)));
    let bool_map = column("bool_map");
    let bool_map: &MapArray = bool_map.as_map();
    assert!((0..40).all(|i| (1..=2).contains(&bool_map.value_length(i))), "colliding keys are dropped");
    let row = column("row");
    let row = row.as_struct();
    assert!(row.column(0).as_primitive::<Int32Type>().values().iter().all(|v| *v == -1));
    assert!(row.column(1).null_count() > 0 && row.column(1).null_count() < 40);
    let time = column("time");
    assert!(time.as_primitive::<Time64NanosecondType>().values().iter().all(|v| (0..86_400_000_000_000).contains(v)));
    assert!(column("bin").as_binary::<i32>().iter().all(|v| v.is_some_and(|v| v.len() == 16)));
    // DataFusion can compute with all of it.
    let batch =
        query(&spec, "SELECT count(DISTINCT utf8), max(dec), min(ts_second), max(ltz_nanosecond), max(date) FROM t")
            .await;
    assert_eq!(batch.num_rows(), 1);
}

#[tokio::test]
async fn timestamps_fall_within_max_past() {
    let spec = spec(
        vec![
            Field::new("ts", DataType::Timestamp(TimeUnit::Millisecond, None), true),
            Field::new("ltz", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), true),
            Field::new("now", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
            Field::new("d", DataType::Date32, true),
        ],
        &[
            ("number-of-rows", "500"),
            ("rows-per-second", "1000000"),
            ("fields.ts.max-past", "5 s"),
            ("fields.ltz.max-past", "1 min"),
            ("fields.d.max-past", "3 d"),
        ],
    );
    let before = now_ms();
    let batch = query(&spec, "SELECT ts, ltz, now, d FROM t").await;
    let after = now_ms();
    let ts = batch.column(0).as_primitive::<TimestampMillisecondType>();
    assert!(ts.values().iter().all(|v| (before - 5_000..=after).contains(v)));
    assert!(ts.values().iter().any(|v| *v < before - 1_000), "values spread over the past");
    let ltz = batch.column(1).as_primitive::<TimestampMicrosecondType>();
    assert!(ltz.values().iter().all(|v| (before - 60_000..=after).contains(&(v / 1000))));
    let now = batch.column(2).as_primitive::<TimestampNanosecondType>();
    assert!(now.values().iter().all(|v| (before..=after).contains(&(v / 1_000_000))));
    let days = batch.column(3).as_primitive::<Date32Type>();
    let (first, last) = ((before / 86_400_000 - 3) as i32, (after / 86_400_000) as i32);
    assert!(days.values().iter().all(|v| (first..=last).contains(v)));
}

#[tokio::test]
async fn a_stalled_consumer_holds_generation_back() {
    use super::{DatagenPartition, options};
    use datafusion::execution::TaskContext;
    use datafusion::physical_plan::streaming::PartitionStream;

    let spec = spec(vec![Field::new("v", DataType::Int32, true)], &[("rows-per-second", "100")]);
    let settings = Arc::new(options::read(&spec).expect("options"));
    let partition = DatagenPartition { schema: spec.schema.clone(), settings };
    let mut stream = partition.execute(Arc::new(TaskContext::default()));
    let mut next = async || stream.next().await.expect("unbounded").expect("batch").num_rows();
    assert_eq!(next().await, 1, "the first row is due at once");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The rows missed while nobody polled are made up for one second's worth at most.
    assert_eq!(next().await, 100);
    assert!(next().await <= 20, "then the pace resumes");
}
