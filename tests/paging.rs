//! The token rules and the page shapes, over real queries.

mod common;

use common::{error_message, start_server, start_server_with};
use serde_json::{json, Value};
use sluicegate::api::flink::model::FetchResultsResponse;

fn data_len(page: &Value) -> usize {
    page["results"]["data"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_tokens_to_eos_in_both_formats() {
    let server = start_server_with(&[("sluicegate.result.page-rows", "1000")]).await;
    let s = server.open_session("").await;
    for format in ["JSON", "PLAIN_TEXT"] {
        let op = server.submit("", &s, "SELECT value AS v FROM generate_series(1, 2500)").await;
        let pages = server.pages("", &s, &op, &format!("rowFormat={format}")).await;
        let rows: usize = pages.iter().map(data_len).sum();
        assert_eq!(rows, 2500);
        assert!(pages.iter().all(|p| data_len(p) <= 1000));
        let last = pages.last().unwrap();
        assert_eq!(last["resultType"], "EOS");
        assert_eq!(last["results"]["data"], json!([]));
        assert!(last.get("nextResultUri").is_none());
        let first = &pages[0];
        assert_eq!(first["isQueryResult"], true);
        assert_eq!(first["resultKind"], "SUCCESS_WITH_CONTENT");
        assert_eq!(first["jobID"].as_str().unwrap().len(), 32);
        assert_eq!(first["results"]["rowFormat"], format);
        assert_eq!(first["results"]["columns"], json!([{ "name": "v", "logicalType": { "type": "BIGINT", "nullable": false }, "comment": null }]));
        // Without waitMs a page answers at once, so under load the first may be empty.
        let with_rows = pages.iter().find(|p| data_len(p) > 0).unwrap();
        let v0 = &with_rows["results"]["data"][0]["fields"][0];
        assert_eq!(v0, &if format == "JSON" { json!(1) } else { json!("1") });
        for page in &pages {
            serde_json::from_value::<FetchResultsResponse>(page.clone()).expect("page matches the spec type");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_of_previous_token_is_byte_identical_and_older_tokens_are_gone() {
    let server = start_server_with(&[("sluicegate.result.page-rows", "10")]).await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, "SELECT value FROM generate_series(1, 100)").await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
    let url = |t: u64| format!("/sessions/{s}/operations/{op}/result/{t}?rowFormat=PLAIN_TEXT");
    let mut token = 0;
    let mut first_rows = None;
    while first_rows.is_none() {
        let a = server.get(&url(token)).await;
        if data_len(&a.json) > 0 {
            first_rows = Some(a.text.clone());
        } else {
            token = a.json["nextResultUri"].as_str().unwrap().rsplit('/').next().unwrap().split('?').next().unwrap().parse().unwrap();
        }
    }
    let page = first_rows.unwrap();
    let retry = server.get(&url(token)).await;
    assert_eq!(retry.text, page, "token-1 returns the identical page");
    let next = server.get(&url(token + 1)).await;
    assert_eq!(next.status, 200);
    assert_ne!(next.text, page);
    let retry = server.get(&url(token + 1)).await;
    assert_eq!(retry.text, next.text);
    let gone = server.get(&url(token)).await;
    assert_eq!(gone.status, 410, "{}", gone.text);
    assert!(error_message(&gone).contains("gone"));
    let ahead = server.get(&url(token + 5)).await;
    assert_eq!(ahead.status, 404);
    assert!(error_message(&ahead).contains("ahead"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eos_is_repeatable_and_retry_after_eos_keeps_the_last_page() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, "VALUES (1), (2)").await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
    let p0 = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(p0.json["resultType"], "PAYLOAD");
    assert_eq!(data_len(&p0.json), 2);
    assert_eq!(p0.json["nextResultUri"], format!("/v4/sessions/{s}/operations/{op}/result/1?rowFormat=JSON"));
    for _ in 0..2 {
        let eos = server.get(&format!("/sessions/{s}/operations/{op}/result/1")).await;
        assert_eq!(eos.json["resultType"], "EOS", "{}", eos.text);
    }
    let retry = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(retry.text, p0.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_result_uri_carries_version_and_effective_format() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for (prefix, query, expected_tail) in [
        ("/v1", "?rowFormat=PLAIN_TEXT", "/result/1"),
        ("/v2", "", "/result/1?rowFormat=JSON"),
        ("/v3", "?rowFormat=plain_text", "/result/1?rowFormat=PLAIN_TEXT"),
        ("/v4", "?rowFormat=JSON", "/result/1?rowFormat=JSON"),
        ("", "?rowFormat=PLAIN_TEXT", "/result/1?rowFormat=PLAIN_TEXT"),
    ] {
        let op = server.submit(prefix, &s, "SELECT 'x' AS c").await;
        server.wait_status(&s, &op, &["FINISHED"]).await;
        let a = server.get(&format!("{prefix}/sessions/{s}/operations/{op}/result/0{query}")).await;
        assert_eq!(a.status, 200, "{}", a.text);
        let version = if prefix.is_empty() { "/v4" } else { prefix };
        assert_eq!(a.json["nextResultUri"], format!("{version}/sessions/{s}/operations/{op}{expected_tail}"));
        let expected_format = if prefix == "/v1" || !query.to_lowercase().contains("plain") { "JSON" } else { "PLAIN_TEXT" };
        assert_eq!(a.json["results"]["rowFormat"], expected_format, "{prefix}{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_points_at_token_zero_until_the_result_exists() {
    let server = start_server().await;
    let s = server.open_session("").await;
    // The first statement keeps the session's queue busy, so the second stays PENDING.
    let slow = server.submit("", &s, "CREATE TABLE slow AS SELECT count(*) AS c FROM generate_series(1, 100000000000)").await;
    server.wait_status(&s, &slow, &["RUNNING"]).await;
    let op = server.submit("", &s, "SELECT 1").await;
    for token in [0, 3] {
        let a = server.get(&format!("/v2/sessions/{s}/operations/{op}/result/{token}?rowFormat=PLAIN_TEXT")).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.json, json!({ "resultType": "NOT_READY", "nextResultUri": format!("/v2/sessions/{s}/operations/{op}/result/0?rowFormat=PLAIN_TEXT") }));
    }
    server.post(&format!("/sessions/{s}/operations/{slow}/cancel"), json!({})).await;
    server.wait_status(&s, &op, &["FINISHED"]).await;
    let a = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(a.json["resultType"], "PAYLOAD");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_rows_caps_a_page_and_wait_ms_long_polls() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, "SELECT value FROM generate_series(1, 50)").await;
    let pages = server.pages("", &s, &op, "rowFormat=JSON&maxRows=7&waitMs=1000").await;
    let sizes: Vec<usize> = pages.iter().map(data_len).collect();
    assert!(sizes.iter().all(|n| *n <= 7), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), 50);
    // With a long-poll nothing comes back empty while rows are being produced.
    assert!(sizes[..sizes.len() - 1].iter().all(|n| *n > 0), "{sizes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_results_have_flinks_shape() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let op = server.submit("", &s, "CREATE TABLE t (a INT, b VARCHAR)").await;
    let pages = server.pages("", &s, &op, "rowFormat=JSON").await;
    let p0 = &pages[0];
    assert_eq!(p0["resultType"], "PAYLOAD");
    assert_eq!(p0["isQueryResult"], false);
    assert_eq!(p0["resultKind"], "SUCCESS");
    assert!(p0.get("jobID").is_none());
    assert_eq!(
        p0["results"],
        json!({ "columns": [{ "name": "result", "logicalType": { "type": "VARCHAR", "nullable": true, "length": 2147483647 }, "comment": null }], "rowFormat": "JSON", "data": [{ "kind": "INSERT", "fields": ["OK"] }] })
    );
    assert_eq!(pages[1]["resultType"], "EOS");
    assert_eq!(pages[1]["isQueryResult"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_mid_poll_loses_nothing() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let slow = server.submit("", &s, "CREATE TABLE slow AS SELECT count(*) AS c FROM generate_series(1, 100000000000)").await;
    server.wait_status(&s, &slow, &["RUNNING"]).await;
    let op = server.submit("", &s, "VALUES (1), (2), (3)").await;
    // The client gives up on a long-poll while the result is not ready yet.
    let url = format!("{}/sessions/{s}/operations/{op}/result/0?waitMs=5000", server.base);
    let gave_up = server.http.get(&url).timeout(std::time::Duration::from_millis(100)).send().await;
    assert!(gave_up.is_err(), "the request timed out on the client side");
    server.post(&format!("/sessions/{s}/operations/{slow}/cancel"), json!({})).await;
    // It comes back, takes the page, "loses" the answer, and retries: same page.
    let first = server.get(&format!("/sessions/{s}/operations/{op}/result/0?waitMs=5000")).await;
    assert_eq!(data_len(&first.json), 3, "{}", first.text);
    let retry = server.get(&format!("/sessions/{s}/operations/{op}/result/0")).await;
    assert_eq!(retry.text, first.text);
    let end = server.get(&format!("/sessions/{s}/operations/{op}/result/1")).await;
    assert_eq!(end.json["resultType"], "EOS");
}
