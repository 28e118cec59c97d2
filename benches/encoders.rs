//! Throughput of the row encoders (Flink JSON, PLAIN_TEXT, Kyuubi's rowset) on a typical 8192-row result batch
//! (BIGINT, INT, DOUBLE, VARCHAR(16), BOOLEAN, TIMESTAMP(3)). Criterion
//! reports rows per second via `Throughput::Elements`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, StringArray,
    TimestampMillisecondArray,
};
use datafusion::arrow::record_batch::RecordBatch;
use sluicegate::format::{FormatOptions, HiveRowMode, write_hive_rows, write_json_rows, write_plain_text_rows};

/// Rows per benchmark batch (DataFusion's default batch size).
const ROWS: usize = 8192;

/// Builds the benchmark batch with deterministic, varied values and a few
/// nulls so the null path is exercised too.
fn batch() -> RecordBatch {
    let ids: Int64Array = (0..ROWS as i64)
        .map(|i| Some(i * 7_919 - 1_000_000))
        .collect();
    let counts: Int32Array = (0..ROWS as i32)
        .map(|i| if i % 97 == 0 { None } else { Some(i % 10_000) })
        .collect();
    let prices: Float64Array = (0..ROWS).map(|i| Some(i as f64 * 0.37 + 0.5)).collect();
    let names: StringArray = (0..ROWS)
        .map(|i| Some(format!("customer-{:07}", i * 13 % 10_000_000)))
        .collect();
    let flags: BooleanArray = (0..ROWS).map(|i| Some(i % 3 == 0)).collect();
    let times: TimestampMillisecondArray = (0..ROWS as i64)
        .map(|i| Some(1_706_700_000_000 + i * 1_234))
        .collect();
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(ids)),
        ("count", Arc::new(counts)),
        ("price", Arc::new(prices)),
        ("name", Arc::new(names)),
        ("flag", Arc::new(flags)),
        ("ts", Arc::new(times)),
    ];
    RecordBatch::try_from_iter(columns).expect("benchmark batch is well formed")
}

fn encoders(c: &mut Criterion) {
    let batch = batch();
    let opts = FormatOptions::default();
    let mut group = c.benchmark_group("encoders");
    group.throughput(Throughput::Elements(ROWS as u64));
    let mut out = Vec::with_capacity(1 << 20);
    group.bench_function("json_8192x6", |b| {
        b.iter(|| {
            out.clear();
            write_json_rows(black_box(&batch), None, &opts, &mut out).expect("encodes");
            black_box(out.len())
        })
    });
    group.bench_function("plain_text_8192x6", |b| {
        b.iter(|| {
            out.clear();
            write_plain_text_rows(black_box(&batch), None, &opts, &mut out).expect("encodes");
            black_box(out.len())
        })
    });
    group.bench_function("kyuubi_rowset_8192x6", |b| {
        b.iter(|| {
            out.clear();
            write_hive_rows(black_box(&batch), HiveRowMode::RowBased, &opts, &mut out).expect("encodes");
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, encoders);
criterion_main!(benches);
