//! Property tests: request parsing and the row encoders never panic, and the
//! encoders always produce valid JSON with one entry per row and column.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, StringArray, TimestampMillisecondArray};
use datafusion::arrow::datatypes::Int64Type;
use datafusion::arrow::record_batch::RecordBatch;
use proptest::prelude::*;
use sluicegate::api::flink::filters::parse_fetch_query;
use sluicegate::api::flink::model::{ExecuteStatementRequest, OpenSessionRequest};
use sluicegate::api::http::parse_json;
use sluicegate::engine::statement::parse_setting;
use sluicegate::format::{write_json_rows, write_plain_text_rows, FormatOptions};
use sluicegate::result::RowKind;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn fetch_queries_never_panic(raw in ".{0,64}") {
        let _ = parse_fetch_query(&raw);
    }

    #[test]
    fn request_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_json::<ExecuteStatementRequest>(&bytes, "ExecuteStatementRequestBody");
        let _ = parse_json::<OpenSessionRequest>(&bytes, "OpenSessionRequestBody");
    }

    #[test]
    fn json_shaped_bodies_parse_or_fail_cleanly(statement in ".{0,40}", timeout in any::<Option<i64>>(), n in any::<f64>(), flag in any::<bool>()) {
        let body = serde_json::json!({ "statement": statement, "executionTimeout": timeout, "executionConfig": { "a": n, "b": flag, "c": "x" } });
        let parsed = parse_json::<ExecuteStatementRequest>(body.to_string().as_bytes(), "ExecuteStatementRequestBody");
        let parsed = parsed.expect("a well-typed body parses");
        prop_assert_eq!(parsed.statement, statement);
        prop_assert_eq!(parsed.execution_config.unwrap()["b"].clone(), flag.to_string());
    }

    #[test]
    fn settings_syntax_never_panics(sql in "(SET|RESET|set|/\\*c\\*/ SET)?[ 'a-z.=0-9\"`;-]{0,40}") {
        let _ = parse_setting(&sql);
    }

    #[test]
    fn encoders_emit_valid_json_for_any_rows(rows in proptest::collection::vec(
        (any::<Option<i64>>(), proptest::option::of(".{0,12}"), any::<Option<f64>>(), any::<Option<bool>>(),
         proptest::option::of(-9_000_000_000_000i64..9_000_000_000_000i64),
         proptest::option::of(proptest::collection::vec(any::<Option<i64>>(), 0..4))),
        0..40)) {
        let n = rows.len();
        let ints: ArrayRef = Arc::new(Int64Array::from(rows.iter().map(|r| r.0).collect::<Vec<_>>()));
        let strings: ArrayRef = Arc::new(StringArray::from(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>()));
        let floats: ArrayRef = Arc::new(Float64Array::from(rows.iter().map(|r| r.2).collect::<Vec<_>>()));
        let bools: ArrayRef = Arc::new(BooleanArray::from(rows.iter().map(|r| r.3).collect::<Vec<_>>()));
        let stamps: ArrayRef = Arc::new(TimestampMillisecondArray::from(rows.iter().map(|r| r.4).collect::<Vec<_>>()));
        let lists: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(rows.iter().map(|r| r.5.clone())));
        let batch = RecordBatch::try_from_iter([("i", ints), ("s", strings), ("f", floats), ("b", bools), ("t", stamps), ("l", lists)]).unwrap();
        let kinds: Vec<RowKind> = (0..n).map(|i| [RowKind::Insert, RowKind::UpdateBefore, RowKind::UpdateAfter, RowKind::Delete][i % 4]).collect();
        let options = FormatOptions::from_zone_name("Asia/Shanghai").unwrap();
        for plain in [false, true] {
            let mut out = b"[".to_vec();
            if plain {
                write_plain_text_rows(&batch, Some(&kinds), &options, &mut out).unwrap();
            } else {
                write_json_rows(&batch, Some(&kinds), &options, &mut out).unwrap();
            }
            out.push(b']');
            let parsed: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
            let parsed = parsed.as_array().unwrap();
            prop_assert_eq!(parsed.len(), n);
            for (i, row) in parsed.iter().enumerate() {
                prop_assert_eq!(row["kind"].as_str().unwrap(), kinds[i].name());
                let fields = row["fields"].as_array().unwrap();
                prop_assert_eq!(fields.len(), 6);
                if plain {
                    prop_assert!(fields.iter().all(|f| f.is_string() || f.is_null()));
                    prop_assert_eq!(fields[0].clone(), rows[i].0.map_or(serde_json::Value::Null, |v| v.to_string().into()));
                } else {
                    prop_assert_eq!(fields[0].clone(), rows[i].0.map_or(serde_json::Value::Null, Into::into));
                    prop_assert_eq!(fields[1].clone(), rows[i].1.clone().map_or(serde_json::Value::Null, Into::into));
                    prop_assert_eq!(fields[3].clone(), rows[i].3.map_or(serde_json::Value::Null, Into::into));
                }
            }
        }
    }
}
