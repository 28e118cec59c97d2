//! Background jobs: INSERT answers a job id at once and runs on; SHOW JOBS,
//! STOP JOB, statement sets, materialized tables (v3 refresh), deployed
//! scripts (v4), and statement completion.

mod common;

use common::{error_message, start_server};
use serde_json::{json, Value};

/// The job id a DML statement answered.
async fn job_of(server: &common::TestServer, s: &str, sql: &str) -> String {
    let op = server.submit("", s, sql).await;
    let pages = server.pages("", s, &op, "rowFormat=JSON").await;
    assert_eq!(pages[0]["results"]["columns"][0]["name"], "job id", "{sql}: {}", pages[0]);
    assert_eq!(pages[0]["resultKind"], "SUCCESS_WITH_CONTENT");
    assert_eq!(pages[0]["isQueryResult"], false);
    let id = pages[0]["results"]["data"][0]["fields"][0].as_str().unwrap().to_string();
    assert_eq!(pages[0]["jobID"], Value::String(id.clone()));
    id
}

#[tokio::test]
async fn insert_runs_as_a_job_listed_and_stopped() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE endless (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100')").await;
    server.rows(&s, "CREATE TABLE void (id BIGINT) WITH ('connector' = 'blackhole')").await;
    let job = job_of(&server, &s, "INSERT INTO void SELECT id FROM endless").await;
    assert_eq!(server.columns(&s, "SHOW JOBS").await, vec!["job id", "job name", "status", "start time"]);
    let jobs = server.rows(&s, "SHOW JOBS").await;
    let row = jobs.iter().find(|j| j[0] == json!(job)).unwrap_or_else(|| panic!("{jobs:?}"));
    assert_eq!(row[1], "insert-into_default_catalog.default_database.void");
    assert_eq!(row[2], "RUNNING");
    assert!(row[3].as_str().unwrap().ends_with('Z'));
    // The session is not blocked by its running job.
    assert_eq!(server.rows(&s, "SELECT 1").await, vec![json!([1])]);
    assert_eq!(server.rows(&s, &format!("STOP JOB '{job}'")).await, vec![json!(["OK"])]);
    server.wait_job(&s, &job, "CANCELED").await;
    assert!(server.failure(&s, "STOP JOB 'ffffffffffffffffffffffffffffffff'").await.contains("ffff"));
    // A finished job and a failed one.
    server.rows(&s, "CREATE TABLE t (id BIGINT)").await;
    let done = job_of(&server, &s, "INSERT INTO t VALUES (1), (2)").await;
    server.wait_job(&s, &done, "FINISHED").await;
    assert_eq!(server.rows(&s, "SELECT COUNT(*) FROM t").await, vec![json!([2])]);
    // Jobs outlive the session that started them.
    let other = server.open_session("").await;
    server.rows(&other, "CREATE TABLE e2 (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')").await;
    server.rows(&other, "CREATE TABLE v2 (id BIGINT) WITH ('connector' = 'blackhole')").await;
    let lasting = job_of(&server, &other, "INSERT INTO v2 SELECT * FROM e2").await;
    server.delete(&format!("/sessions/{other}")).await;
    server.wait_job(&s, &lasting, "RUNNING").await;
    server.rows(&s, &format!("STOP JOB '{lasting}'")).await;
}

#[tokio::test]
async fn statement_sets_buffer_inserts_until_end() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE a (n INT)").await;
    server.rows(&s, "CREATE TABLE b (n INT)").await;
    assert!(server.failure(&s, "END").await.contains("No Statement Set to submit"));
    assert_eq!(server.rows(&s, "BEGIN STATEMENT SET;").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "INSERT INTO a VALUES (1)").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "INSERT INTO b VALUES (2), (3)").await, vec![json!(["OK"])]);
    assert!(server.failure(&s, "SELECT 1").await.contains("Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set"));
    let job = job_of(&server, &s, "END;").await;
    server.wait_job(&s, &job, "FINISHED").await;
    assert_eq!(server.rows(&s, "SELECT (SELECT COUNT(*) FROM a) AS x, (SELECT COUNT(*) FROM b) AS y").await, vec![json!([1, 2])]);
    let job = job_of(&server, &s, "EXECUTE STATEMENT SET BEGIN INSERT INTO a VALUES (4); INSERT INTO b VALUES (5); END;").await;
    server.wait_job(&s, &job, "FINISHED").await;
    assert_eq!(server.rows(&s, "SELECT SUM(n) FROM a").await, vec![json!([5])]);
    // CTAS into a connector table is a job too.
    let out = server.data.join("ctas");
    let job = job_of(&server, &s, &format!("CREATE TABLE copy WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json') AS (SELECT n FROM b)", out.display())).await;
    server.wait_job(&s, &job, "FINISHED").await;
    assert_eq!(server.rows(&s, "SELECT n FROM copy ORDER BY n").await, vec![json!([2]), json!([3]), json!([5])]);
    let job = job_of(&server, &s, &format!("CREATE OR REPLACE TABLE copy WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json') AS SELECT n FROM a", out.with_extension("2").display())).await;
    server.wait_job(&s, &job, "FINISHED").await;
    assert_eq!(server.rows(&s, "SELECT n FROM copy ORDER BY n").await, vec![json!([1]), json!([4])]);
}

#[tokio::test]
async fn materialized_tables_refresh_on_demand_through_v3_and_on_freshness() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE src (k STRING, v INT)").await;
    server.rows(&s, "SET 'table.dml-sync' = 'true'").await;
    server.rows(&s, "INSERT INTO src VALUES ('a', 1), ('b', 2)").await;
    assert_eq!(server.rows(&s, "CREATE MATERIALIZED TABLE totals FRESHNESS = INTERVAL '1' SECOND AS SELECT k, SUM(v) AS total FROM src GROUP BY k").await, vec![json!(["OK"])]);
    let wait_total = |expected: Vec<Value>| {
        let (server, s) = (&server, s.clone());
        async move {
            let start = std::time::Instant::now();
            loop {
                let rows = server.rows(&s, "SELECT * FROM totals ORDER BY k").await;
                if rows == expected {
                    return;
                }
                assert!(start.elapsed() < std::time::Duration::from_secs(20), "{rows:?} != {expected:?}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    wait_total(vec![json!(["a", 1]), json!(["b", 2])]).await;
    server.rows(&s, "INSERT INTO src VALUES ('a', 10)").await;
    wait_total(vec![json!(["a", 11]), json!(["b", 2])]).await;
    server.rows(&s, "ALTER MATERIALIZED TABLE totals SUSPEND").await;
    server.rows(&s, "INSERT INTO src VALUES ('c', 3)").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(server.rows(&s, "SELECT COUNT(*) FROM totals").await, vec![json!([2])], "suspended: not refreshed");
    // v3 refresh: an operation whose result is the job id and cluster info.
    let a = server.post(&format!("/v3/sessions/{s}/materialized-tables/`default_catalog`.`default_database`.`totals`/refresh"), json!({ "isPeriodic": false })).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let op = a.json["operationHandle"].as_str().unwrap().to_string();
    let pages = server.pages("/v3", &s, &op, "rowFormat=JSON").await;
    let columns: Vec<&str> = pages[0]["results"]["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(columns, ["job id", "cluster info"]);
    assert_eq!(pages[0]["results"]["data"][0]["fields"][1], json!({ "execution.target": "local" }));
    wait_total(vec![json!(["a", 11]), json!(["b", 2]), json!(["c", 3])]).await;
    let missing = server.post(&format!("/v3/sessions/{s}/materialized-tables/nope/refresh"), json!({})).await;
    let op = missing.json["operationHandle"].as_str().unwrap().to_string();
    assert_eq!(server.wait_status(&s, &op, &["ERROR"]).await["status"], "ERROR");
    let v4 = server.post(&format!("/v4/sessions/{s}/materialized-tables/totals/refresh"), json!({})).await;
    assert_eq!(v4.status, 404, "refresh is v3 only");
    assert_eq!(server.rows(&s, "ALTER MATERIALIZED TABLE totals RESUME").await, vec![json!(["OK"])]);
    assert_eq!(server.rows(&s, "DROP MATERIALIZED TABLE totals").await, vec![json!(["OK"])]);
    assert!(server.failure(&s, "SELECT * FROM totals").await.contains("totals"));
}

#[tokio::test]
async fn scripts_run_as_one_background_application() {
    let server = start_server().await;
    let s = server.open_session("").await;
    let out = server.data.join("script-out");
    let script = format!(
        "CREATE TEMPORARY TABLE gen (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '20');\n\
         CREATE TABLE sink (n INT) WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'csv');\n\
         INSERT INTO sink SELECT n FROM gen;",
        out.display()
    );
    let a = server.post(&format!("/v4/sessions/{s}/scripts"), json!({ "script": script, "executionConfig": {} })).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let cluster = a.json["clusterID"].as_str().unwrap().to_string();
    server.wait_job(&s, &cluster, "FINISHED").await;
    let written: usize = std::fs::read_dir(&out).unwrap().flatten().map(|f| std::fs::read_to_string(f.path()).unwrap().lines().count()).sum();
    assert_eq!(written, 20);
    // The script's permanent table is in the gateway's catalog; its temporary one was its own.
    assert_eq!(server.rows(&s, "SHOW TABLES").await, vec![json!(["sink"])]);
    std::fs::write(server.data.join("job.sql"), "SELECT 1;").unwrap();
    let by_uri = server.post(&format!("/v4/sessions/{s}/scripts"), json!({ "scriptUri": "job.sql" })).await;
    assert_eq!(by_uri.status, 200, "{}", by_uri.text);
    for (body, message) in [
        (json!({}), "Please specify script content or uri."),
        (json!({ "script": "SELECT 1", "scriptUri": "x" }), "not both"),
        (json!({ "scriptUri": "/etc/passwd" }), "/etc/passwd"),
        (json!({ "script": "SELEC 1" }), "SELEC"),
    ] {
        let a = server.post(&format!("/v4/sessions/{s}/scripts"), body.clone()).await;
        if a.status == 200 {
            // A statement that fails inside the script fails the application.
            let id = a.json["clusterID"].as_str().unwrap().to_string();
            server.wait_job(&s, &id, "FAILED").await;
            continue;
        }
        assert_eq!(a.status, 400, "{body}: {}", a.text);
        assert!(error_message(&a).contains(message), "{body}: {}", a.text);
    }
    let v3 = server.post(&format!("/v3/sessions/{s}/scripts"), json!({ "script": "SELECT 1" })).await;
    assert_eq!(v3.status, 404, "scripts are v4 only");
}

#[tokio::test]
async fn completion_follows_the_grammar_and_the_catalog() {
    let server = start_server().await;
    let s = server.open_session("").await;
    server.rows(&s, "CREATE TABLE orders (order_id BIGINT, amount INT)").await;
    let complete = |statement: &str, position: usize| {
        let (server, s) = (&server, s.clone());
        let body = json!({ "statement": statement, "position": position });
        async move {
            let a = server.call(reqwest::Method::GET, &format!("/sessions/{s}/complete-statement"), Some(body)).await;
            assert_eq!(a.status, 200, "{}", a.text);
            a.json["candidates"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(complete("CREATE TA", 9).await, vec!["TABLE"]);
    assert_eq!(complete("SELECT * FROM ord", 17).await, vec!["orders"]);
    assert!(complete("SELECT ord FROM orders", 10).await.contains(&"order_id".to_string()));
    assert_eq!(complete("SHOW CURRENT ", 13).await, vec!["CATALOG", "DATABASE"]);
}
