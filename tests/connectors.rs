//! Connectors over REST: datagen, filesystem (csv, json, parquet; bounded,
//! monitored, as a sink; confined to the data roots), print and blackhole.

mod common;

use std::time::Duration;

use common::start_server;
use serde_json::json;

#[tokio::test]
async fn filesystem_tables_read_and_write_every_format() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "SET 'table.dml-sync' = 'true'").await;
    let input = server.data.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("a.csv"), "1,ann,2.50,2024-01-02 03:04:05.000\n2,bob,,2024-01-03 00:00:00.000\n").unwrap();
    std::fs::write(input.join(".hidden.csv"), "9,zed,0,2024-01-01 00:00:00.000\n").unwrap();
    let path = input.display();
    server
        .rows(&s, &format!("CREATE TABLE people (id INT, name STRING, score DECIMAL(5, 2), seen TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')"))
        .await;
    assert_eq!(
        server.rows(&s, "SELECT id, name, score, seen FROM people ORDER BY id").await,
        vec![json!([1, "ann", 2.5, "2024-01-02T03:04:05"]), json!([2, "bob", null, "2024-01-03T00:00:00"])]
    );
    for format in ["csv", "json", "parquet"] {
        let out = server.data.join(format!("out-{format}"));
        server
            .rows(&s, &format!("CREATE TABLE sink_{format} (id INT, name STRING, score DECIMAL(5, 2), seen TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = '{format}')", out.display()))
            .await;
        let answer = server.rows(&s, &format!("INSERT INTO sink_{format} SELECT * FROM people")).await;
        assert_eq!(answer.len(), 1, "a job id row: {answer:?}");
        assert_eq!(answer[0][0].as_str().unwrap().len(), 32);
        let files: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().filter(|f| !f.file_name().to_string_lossy().starts_with('.')).collect();
        assert!(!files.is_empty(), "{format}: no file written");
        assert_eq!(
            server.rows(&s, &format!("SELECT id, name FROM sink_{format} ORDER BY id")).await,
            vec![json!([1, "ann"]), json!([2, "bob"])],
            "{format} round trip"
        );
    }
    let csv = std::fs::read_dir(server.data.join("out-csv")).unwrap().flatten().next().unwrap().path();
    let text = std::fs::read_to_string(csv).unwrap();
    assert!(text.starts_with("1,ann,"), "Flink's csv has no header: {text}");
}

#[tokio::test]
async fn paths_outside_the_data_roots_are_refused() {
    let server = start_server().await;
    let s = server.open_session("").await;
    for path in ["/etc", "../../etc", "file:///etc/passwd"] {
        let sql = format!("CREATE TABLE x (a STRING) WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')");
        let message = server.failure(&s, &sql).await;
        assert!(message.contains("data root") || message.contains("outside"), "{path}: {message}");
    }
    assert!(server.failure(&s, "CREATE TABLE x (a STRING) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'avro')").await.contains("avro"));
    assert!(server.failure(&s, "CREATE TABLE x (a STRING) WITH ('connector' = 'filesystem', 'format' = 'csv')").await.contains("path"));
}

#[tokio::test]
async fn print_and_blackhole_sinks() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE src (id INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '5', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5', 'fields.name.length' = '3')").await;
    server.rows(&s, "CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'print', 'print-identifier' = 'seen')").await;
    server.rows(&s, "CREATE TABLE void (id INT, name STRING) WITH ('connector' = 'blackhole')").await;
    let op = server.submit("", &s, "INSERT INTO out SELECT * FROM src").await;
    let job = server.pages("", &s, &op, "rowFormat=JSON").await[0]["results"]["data"][0]["fields"][0].as_str().unwrap().to_string();
    server.wait_job(&s, &job, "FINISHED").await;
    let log = server.get(&format!("/sessions/{s}/operations/{op}/log")).await;
    assert_eq!(log.status, 200, "{}", log.text);
    // Besides the lifecycle lines (time-stamped INFO ...), the sink's own lines.
    let lines: Vec<String> = log.json["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).filter(|l| !l.contains(" INFO ")).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines[0].starts_with("seen> +I[1, "), "{lines:?}");
    let op = server.submit("", &s, "INSERT INTO void SELECT * FROM src").await;
    let job = server.pages("", &s, &op, "rowFormat=JSON").await[0]["results"]["data"][0]["fields"][0].as_str().unwrap().to_string();
    server.wait_job(&s, &job, "FINISHED").await;
    assert!(server.failure(&s, "SELECT * FROM out").await.contains("sink"));
}

#[tokio::test]
async fn monitored_directory_streams_each_new_file_once() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let dir = server.data.join("drop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("1.json"), "{\"n\": 1}\n{\"n\": 2}\n").unwrap();
    server
        .rows(&s, &format!("CREATE TABLE feed (n INT) WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json', 'source.monitor-interval' = '100 ms')", dir.display()))
        .await;
    let op = server.submit("", &s, "SELECT n FROM feed").await;
    let start = format!("/sessions/{s}/operations/{op}/result/0?rowFormat=JSON");
    let (first, next_uri) = server.follow_from(start, |rows| rows.len() >= 2).await;
    assert_eq!(first.iter().map(|r| r.1[0].clone()).collect::<Vec<_>>(), vec![json!(1), json!(2)]);
    std::fs::write(dir.join("2.json"), "{\"n\": 3}\n").unwrap();
    let status = server.status(&s, &op).await;
    assert_eq!(status["done"], false, "an unbounded query keeps running: {status}");
    let (next, _) = server.follow_from(next_uri.expect("never EOS"), |rows| rows.iter().any(|r| r.1[0] == 3)).await;
    assert_eq!(next.iter().map(|r| r.1[0].clone()).collect::<Vec<_>>(), vec![json!(3)], "each file is read once");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let a = server.post(&format!("/sessions/{s}/operations/{op}/cancel"), json!({})).await;
    assert_eq!(a.json, json!({ "status": "CANCELED" }));
}
