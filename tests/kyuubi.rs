//! The Kyuubi REST API v1 over a real gateway: sessions, statements, the
//! operation event, log and rowset cursors, result metadata and values.

mod common;

use common::kyuubi::{basic, kyuubi_message};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn ping_version_and_unknown_routes() {
    let server = start_server().await;
    let ping = server.k(Method::GET, "/ping", None, None).await;
    assert_eq!((ping.status, ping.text.as_str(), ping.content_type.as_str()), (StatusCode::OK, "pong", "text/plain"));
    let version = server.k(Method::GET, "/version", None, None).await;
    assert_eq!(version.json, json!({"version": "1.13.0"}));
    let wrong_method = server.k(Method::POST, "/ping", Some(json!({})), None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(kyuubi_message(&wrong_method), "HTTP 405 Method Not Allowed");
    let unknown = server.k(Method::GET, "/nothing/here", None, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(kyuubi_message(&unknown), "HTTP 404 Not Found");
}

#[tokio::test]
async fn session_open_list_event_info_and_close() {
    let server = start_server().await;
    let alice = basic("alice", "");
    let auth = Some(alice.as_str());
    let opened = server.k(Method::POST, "/sessions", Some(json!({"configs": {"testConfig": "testValue"}})), auth).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    let handle = opened.json["identifier"].as_str().unwrap().to_string();
    let instance = server.base.trim_start_matches("http://");
    assert_eq!(opened.json["kyuubiInstance"], instance);

    let count = server.k(Method::GET, "/sessions/count", None, auth).await;
    assert_eq!(count.json, json!({"openSessionCount": 1}));
    let pool = server.k(Method::GET, "/sessions/execPool/statistic", None, auth).await;
    assert!(pool.json["execPoolSize"].as_u64().unwrap() >= 1, "{}", pool.text);
    assert!(pool.json["execPoolActiveCount"].is_u64() && pool.json["execPoolWorkQueueSize"].is_u64(), "{}", pool.text);

    let list = server.k(Method::GET, "/sessions", None, auth).await;
    let list = list.json.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["identifier"], handle.as_str());
    assert_eq!(list[0]["user"], "alice");
    assert_eq!(list[0]["sessionType"], "INTERACTIVE");
    assert_eq!(list[0]["conf"]["kyuubi.session.connection.url"], instance);
    assert_eq!(list[0]["conf"]["kyuubi.session.real.user"], "alice");
    assert_eq!(list[0]["ipAddr"], "127.0.0.1");

    let event = server.k(Method::GET, &format!("/sessions/{handle}"), None, auth).await;
    assert_eq!(event.status, StatusCode::OK);
    assert_eq!(event.json["sessionId"], handle.as_str());
    assert_eq!(event.json["conf"]["testConfig"], "testValue");
    assert_eq!(event.json["user"], "alice");
    assert_eq!(event.json["endTime"], -1);
    assert_eq!(event.json["clientVersion"], 0);
    assert!(event.json["exception"].is_null());

    let info = server.k(Method::GET, &format!("/sessions/{handle}/info/13"), None, auth).await;
    assert_eq!(info.json, json!({"infoType": "CLI_SERVER_NAME", "infoValue": "Apache Kyuubi"}));
    for bad in ["0", "str"] {
        let a = server.k(Method::GET, &format!("/sessions/{handle}/info/{bad}"), None, auth).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "info/{bad}: {}", a.text);
        kyuubi_message(&a);
    }
    for bad in ["0", "a|b|0", "5d4e2c38-7a8b-4c55-9a66-2f7d1f0b9e31"] {
        let a = server.k(Method::GET, &format!("/sessions/{bad}"), None, auth).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{bad}: {}", a.text);
    }

    let closed = server.k(Method::DELETE, &format!("/sessions/{handle}"), None, auth).await;
    assert_eq!((closed.status, closed.text.as_str()), (StatusCode::OK, ""));
    assert_eq!(server.k(Method::GET, "/sessions/count", None, auth).await.json, json!({"openSessionCount": 0}));
    assert_eq!(server.k(Method::GET, &format!("/sessions/{handle}"), None, auth).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.k(Method::GET, "/sessions", None, auth).await.json, json!([]));
    let again = server.k(Method::DELETE, &format!("/sessions/{handle}"), None, auth).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn statements_run_synchronously_or_not() {
    let server = start_server().await;
    let s = server.k_session(None, json!({})).await;
    // runAsync absent = false: the answer comes once the result is there.
    let op = server.k_run(None, &s, "SELECT 1 AS a, 'x' AS b").await;
    let event = server.k(Method::GET, &format!("/operations/{op}/event"), None, None).await;
    assert_eq!(event.json["state"], "FINISHED", "{}", event.text);
    assert_eq!(event.json["statementId"], op.as_str());
    assert_eq!(event.json["sessionId"], s.as_str());
    assert_eq!(event.json["sessionUser"], "anonymous");
    assert_eq!(event.json["statement"], "SELECT 1 AS a, 'x' AS b");
    assert_eq!(event.json["shouldRunAsync"], false);
    assert!(event.json["createTime"].as_i64().unwrap() > 0 && event.json["startTime"].as_i64().unwrap() >= event.json["createTime"].as_i64().unwrap());
    let meta = server.k(Method::GET, &format!("/operations/{op}/resultsetmetadata"), None, None).await;
    assert_eq!(meta.json["columns"][0], json!({"columnName": "a", "dataType": "INT_TYPE", "columnIndex": 0, "precision": 0, "scale": 0, "comment": ""}));
    assert_eq!(meta.json["columns"][1]["columnName"], "b");
    assert_eq!(meta.json["columns"][1]["columnIndex"], 1);
    let rowset = server.k_rowset(None, &op, "").await;
    assert_eq!(rowset.json, json!({"rows": [{"fields": [{"dataType": "I32_VAL", "value": 1}, {"dataType": "STRING_VAL", "value": "x"}]}], "rowCount": 1}));
    assert_eq!(server.k_rowset(None, &op, "").await.json, json!({"rows": [], "rowCount": 0}));

    // A synchronous failure fails the request itself.
    let failed = server.k_statement(None, &s, json!({"statement": "SELECT * FROM missing_table"})).await;
    assert_eq!(failed.status, StatusCode::NOT_FOUND, "{}", failed.text);
    assert!(kyuubi_message(&failed).starts_with("Error executing statement: "), "{}", failed.text);
    // Asynchronously, it shows as ERROR in the event.
    let a = server.k_statement(None, &s, json!({"statement": "SELECT * FROM missing_table", "runAsync": true})).await;
    let op = a.json["identifier"].as_str().unwrap().to_string();
    let event = server.k_wait(None, &op, &["ERROR"]).await;
    assert!(event["exception"].as_str().unwrap().contains("missing_table"), "{event}");
    assert_eq!(event["shouldRunAsync"], true);
    let rows = server.k_rowset(None, &op, "").await;
    assert_eq!(rows.status, StatusCode::NOT_FOUND);
    // Only SQL is spoken.
    let scala = server.k_statement(None, &s, json!({"statement": "1 + 1", "confOverlay": {"kyuubi.operation.language": "SCALA"}})).await;
    assert_eq!(scala.status, StatusCode::NOT_FOUND);
    assert!(kyuubi_message(&scala).contains("SCALA"));
    // The session lists its operations.
    let ops = server.k(Method::GET, &format!("/sessions/{s}/operations"), None, None).await;
    let states: Vec<&str> = ops.json.as_array().unwrap().iter().map(|o| o["state"].as_str().unwrap()).collect();
    assert!(states.contains(&"FINISHED") && states.contains(&"ERROR"), "{}", ops.text);
    assert!(ops.json[0]["exception"].is_string(), "listings carry the exception as text");
}

#[tokio::test]
async fn query_timeout_cancel_and_close() {
    let server = start_server().await;
    let s = server.k_session(None, json!({"configs": {"execution.runtime-mode": "streaming"}})).await;
    server.k_run(None, &s, "CREATE TABLE endless (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')").await;
    let timed = server.k_statement(None, &s, json!({"statement": "SELECT * FROM endless", "runAsync": true, "queryTimeout": 1})).await;
    let timed = timed.json["identifier"].as_str().unwrap().to_string();
    let event = server.k_wait(None, &timed, &["TIMEOUT"]).await;
    assert!(event["exception"].as_str().unwrap().contains("timeout"), "{event}");
    assert!(event["completeTime"].as_i64().unwrap() > 0);

    let op = server.k_statement(None, &s, json!({"statement": "SELECT * FROM endless", "runAsync": true})).await;
    let op = op.json["identifier"].as_str().unwrap().to_string();
    server.k_wait(None, &op, &["FINISHED"]).await;
    let cancel = server.k(Method::PUT, &format!("/operations/{op}"), Some(json!({"action": "CANCEL"})), None).await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text);
    server.k_wait(None, &op, &["CANCELED"]).await;
    let fake = server.k(Method::PUT, &format!("/operations/{op}"), Some(json!({"action": "fake"})), None).await;
    assert_eq!(fake.status, StatusCode::NOT_FOUND);
    let close = server.k(Method::PUT, &format!("/operations/{op}"), Some(json!({"action": "close"})), None).await;
    assert_eq!(close.status, StatusCode::OK);
    for path in [format!("/operations/{op}/event"), format!("/operations/{op}/rowset"), format!("/operations/{op}/log")] {
        assert_eq!(server.k(Method::GET, &path, None, None).await.status, StatusCode::NOT_FOUND, "{path} after close");
    }
    let again = server.k(Method::PUT, &format!("/operations/{op}"), Some(json!({"action": "close"})), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "closing a closed operation");
    let random = server.k(Method::GET, &format!("/operations/{}/event", uuid::Uuid::new_v4()), None, None).await;
    assert_eq!(random.status, StatusCode::NOT_FOUND);
}

fn ints(rows: Vec<Vec<Value>>) -> Vec<i64> {
    rows.into_iter().map(|r| r[0].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn rowset_cursor_next_first_prior() {
    let server = start_server().await;
    let s = server.k_session(None, json!({})).await;
    let op = server.k_run(None, &s, "SELECT CAST(value AS INT) AS v FROM generate_series(0, 34)").await;
    let page = |q: &'static str| {
        let (server, op) = (&server, op.clone());
        async move { ints(server.k_values(None, &op, q).await) }
    };
    assert_eq!(page("maxrows=10").await, (0..10).collect::<Vec<_>>());
    assert_eq!(page("maxrows=10&fetchorientation=FETCH_NEXT").await, (10..20).collect::<Vec<_>>());
    assert_eq!(page("maxrows=10&fetchorientation=FETCH_NEXT").await, (20..30).collect::<Vec<_>>());
    assert_eq!(page("maxrows=10&fetchorientation=FETCH_PRIOR").await, (10..20).collect::<Vec<_>>());
    assert_eq!(page("maxrows=10&fetchorientation=FETCH_FIRST").await, (0..10).collect::<Vec<_>>());
    assert_eq!(page("maxrows=10&fetchorientation=FETCH_PRIOR").await, (0..10).collect::<Vec<_>>());
    assert_eq!(page("maxrows=100").await, (10..35).collect::<Vec<_>>());
    assert!(page("maxrows=10").await.is_empty());

    for (query, status) in [("fetchorientation=FETCH_LAST", StatusCode::NOT_FOUND), ("fetchorientation=SIDEWAYS", StatusCode::NOT_FOUND), ("maxrows=abc", StatusCode::NOT_FOUND)] {
        let a = server.k_rowset(None, &op, query).await;
        assert_eq!(a.status, status, "{query}: {}", a.text);
        kyuubi_message(&a);
    }
    let over = server.k_rowset(None, &op, "maxrows=10000").await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    assert_eq!(kyuubi_message(&over), "Max rows for fetching results operation should not exceed the limit: 5000");
}

#[tokio::test]
async fn rows_beyond_the_rewind_bound_are_refused_by_name() {
    let server = start_server_with(&[("sluicegate.result.rewind-rows", "10")]).await;
    let s = server.k_session(None, json!({})).await;
    let op = server.k_run(None, &s, "SELECT value FROM generate_series(1, 100)").await;
    for _ in 0..5 {
        assert_eq!(server.k_values(None, &op, "maxrows=10").await.len(), 10);
    }
    let first = server.k_rowset(None, &op, "maxrows=10&fetchorientation=FETCH_FIRST").await;
    assert_eq!(first.status, StatusCode::GONE, "{}", first.text);
    assert!(kyuubi_message(&first).contains("sluicegate.result.rewind-rows"), "{}", first.text);
    // Reading on is unaffected.
    assert_eq!(ints(server.k_values(None, &op, "maxrows=10").await), (51..61).collect::<Vec<_>>());
}

#[tokio::test]
async fn operation_log_cursor() {
    let server = start_server().await;
    let s = server.k_session(None, json!({})).await;
    let op = server.k_run(None, &s, "SELECT 1").await;
    server.k_values(None, &op, "").await;
    let log = |q: &'static str| {
        let (server, op) = (&server, op.clone());
        async move { server.k(Method::GET, &format!("/operations/{op}/log?{q}"), None, None).await }
    };
    let first = log("maxrows=1").await;
    assert_eq!(first.json["rowCount"], 1, "{}", first.text);
    assert!(first.json["logRowSet"][0].as_str().unwrap().contains("INFO Executing statement: SELECT 1"), "{}", first.text);
    let rest = log("maxrows=100&fetchorientation=FETCH_NEXT").await;
    let lines: Vec<&str> = rest.json["logRowSet"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(!lines.is_empty() && lines.iter().any(|l| l.contains("Finished: 1 row(s)")), "{}", rest.text);
    assert_eq!(rest.json["rowCount"], lines.len());
    assert_eq!(log("fetchorientation=FETCH_NEXT").await.json, json!({"logRowSet": [], "rowCount": 0}));
    assert_eq!(log("maxrows=1&fetchorientation=FETCH_FIRST").await.json["logRowSet"], first.json["logRowSet"]);
    let prior = log("fetchorientation=FETCH_PRIOR").await;
    assert_eq!(prior.status, StatusCode::BAD_REQUEST);
    assert_eq!(kyuubi_message(&prior), "FETCH_PRIOR in operation log is not supported");

    // A failure is logged.
    let a = server.k_statement(None, &s, json!({"statement": "SELEC 1", "runAsync": true})).await;
    let failed = a.json["identifier"].as_str().unwrap().to_string();
    server.k_wait(None, &failed, &["ERROR"]).await;
    let log = server.k(Method::GET, &format!("/operations/{failed}/log"), None, None).await;
    assert!(log.json["logRowSet"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains(" ERROR ")), "{}", log.text);
}

#[tokio::test]
async fn hive_type_names_and_value_unions_for_every_type() {
    let server = start_server().await;
    let sql = "SELECT CAST(1 AS TINYINT) AS t, CAST(2 AS SMALLINT) AS s, CAST(3 AS INT) AS i, CAST(4 AS BIGINT) AS b, \
               CAST(1.5 AS FLOAT) AS f, CAST(2.5 AS DOUBLE) AS d, CAST('kyuubi' AS STRING) AS str, CAST(1.25 AS DECIMAL(5, 2)) AS dec, \
               DATE '2024-01-02' AS dt, TIMESTAMP '2024-01-02 03:04:05.123' AS ts, TRUE AS bool, X'6B7975756269' AS bin, \
               CAST(NULL AS INT) AS n";
    let expected_types = [
        ("TINYINT_TYPE", "BYTE_VAL", json!(1)),
        ("SMALLINT_TYPE", "I16_VAL", json!(2)),
        ("INT_TYPE", "I32_VAL", json!(3)),
        ("BIGINT_TYPE", "I64_VAL", json!(4)),
        ("FLOAT_TYPE", "DOUBLE_VAL", json!(1.5)),
        ("DOUBLE_TYPE", "DOUBLE_VAL", json!(2.5)),
        ("STRING_TYPE", "STRING_VAL", json!("kyuubi")),
        ("DECIMAL_TYPE", "STRING_VAL", json!("1.25")),
        ("DATE_TYPE", "STRING_VAL", json!("2024-01-02")),
        ("TIMESTAMP_TYPE", "STRING_VAL", json!("2024-01-02 03:04:05.123")),
        ("BOOLEAN_TYPE", "BOOL_VAL", json!(true)),
        ("BINARY_TYPE", "STRING_VAL", json!("kyuubi")),
        ("INT_TYPE", "I32_VAL", Value::Null),
    ];
    for (protocol, binary) in [(None, ("STRING_VAL", json!("kyuubi"))), (Some(9), ("BINARY_VAL", json!("a3l1dWJp")))] {
        let body = protocol.map_or(json!({}), |p| json!({"protocolVersion": p}));
        let s = server.k_session(None, body).await;
        let op = server.k_run(None, &s, sql).await;
        let meta = server.k(Method::GET, &format!("/operations/{op}/resultsetmetadata"), None, None).await;
        let columns = meta.json["columns"].as_array().unwrap();
        let rowset = server.k_rowset(None, &op, "").await;
        let fields = rowset.json["rows"][0]["fields"].as_array().unwrap().clone();
        for (index, (type_id, member, value)) in expected_types.iter().enumerate() {
            let (member, value) = if *type_id == "BINARY_TYPE" { (binary.0, &binary.1) } else { (*member, value) };
            assert_eq!(columns[index]["dataType"], *type_id, "column {index}: {}", meta.text);
            assert_eq!(columns[index]["columnIndex"], index);
            assert_eq!(fields[index], json!({"dataType": member, "value": value}), "column {index} with protocol {protocol:?}");
        }
        assert_eq!(columns[7]["precision"], 5);
        assert_eq!(columns[7]["scale"], 2);
    }
}

/// Run a metadata operation and read its whole result as (column names, rows of values).
async fn metadata(server: &TestServer, s: &str, kind: &str, body: Value) -> (Vec<String>, Vec<Vec<Value>>) {
    let a = server.k(Method::POST, &format!("/sessions/{s}/operations/{kind}"), Some(body), None).await;
    assert_eq!(a.status, StatusCode::OK, "{kind}: {}", a.text);
    let op = a.json["identifier"].as_str().unwrap().to_string();
    server.k_wait(None, &op, &["FINISHED"]).await;
    let meta = server.k(Method::GET, &format!("/operations/{op}/resultsetmetadata"), None, None).await;
    let names = meta.json["columns"].as_array().unwrap().iter().map(|c| c["columnName"].as_str().unwrap().to_string()).collect();
    (names, server.k_values(None, &op, "maxrows=1000").await)
}

#[tokio::test]
async fn metadata_operations_answer_jdbc_result_sets() {
    let server = start_server().await;
    let s = server.k_session(None, json!({})).await;
    server.k_run(None, &s, "CREATE TABLE orders (id INT NOT NULL, item STRING, price DECIMAL(10, 2), PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen', 'number-of-rows' = '3')").await;
    server.k_run(None, &s, "CREATE VIEW cheap AS SELECT id FROM orders WHERE price < 10").await;

    let (names, rows) = metadata(&server, &s, "catalogs", json!({})).await;
    assert_eq!(names, vec!["TABLE_CAT"]);
    assert!(rows.contains(&vec![json!("default_catalog")]), "{rows:?}");
    let (names, rows) = metadata(&server, &s, "tableTypes", json!({})).await;
    assert_eq!((names, rows), (vec!["TABLE_TYPE".to_string()], vec![vec![json!("TABLE")], vec![json!("VIEW")]]));

    let (names, rows) = metadata(&server, &s, "tables", json!({"catalogName": "default_catalog", "schemaName": "default%", "tableName": "%"})).await;
    assert_eq!(&names[..4], ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"]);
    let found: Vec<(Value, Value)> = rows.iter().map(|r| (r[2].clone(), r[3].clone())).collect();
    assert_eq!(found, vec![(json!("orders"), json!("TABLE")), (json!("cheap"), json!("VIEW"))]);
    let (_, views) = metadata(&server, &s, "tables", json!({"tableName": "ch_ap", "tableTypes": ["VIEW"]})).await;
    assert_eq!(views.len(), 1);
    let (_, none) = metadata(&server, &s, "tables", json!({"catalogName": "no_such_catalog"})).await;
    assert!(none.is_empty());

    let (names, rows) = metadata(&server, &s, "columns", json!({"tableName": "orders"})).await;
    let at = |name: &str| names.iter().position(|n| n == name).unwrap();
    assert_eq!(names.len(), 23);
    let columns: Vec<(Value, Value, Value, Value, Value)> =
        rows.iter().map(|r| (r[at("COLUMN_NAME")].clone(), r[at("DATA_TYPE")].clone(), r[at("TYPE_NAME")].clone(), r[at("ORDINAL_POSITION")].clone(), r[at("IS_NULLABLE")].clone())).collect();
    assert_eq!(
        columns,
        vec![
            (json!("id"), json!(4), json!("INT"), json!(1), json!("NO")),
            (json!("item"), json!(12), json!("STRING"), json!(2), json!("YES")),
            (json!("price"), json!(3), json!("DECIMAL(10,2)"), json!(3), json!("YES")),
        ]
    );
    let (names, rows) = metadata(&server, &s, "primaryKeys", json!({"tableName": "orders"})).await;
    assert_eq!(names[3], "COLUMN_NAME");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0][3].clone(), rows[0][4].clone()), (json!("id"), json!(1)));
    let (_, cross) = metadata(&server, &s, "crossReference", json!({"primaryTable": "orders", "foreignTable": "cheap"})).await;
    assert!(cross.is_empty());
    let (_, functions) = metadata(&server, &s, "functions", json!({"functionName": "MOD"})).await;
    assert!(functions.iter().any(|r| r[2] == "MOD"), "{functions:?}");
    let (names, types) = metadata(&server, &s, "typeInfo", json!({})).await;
    assert_eq!(names.len(), 18);
    assert!(types.iter().any(|r| r[0] == "BIGINT" && r[1] == -5), "{types:?}");
    let missing = server.k(Method::POST, &format!("/sessions/{s}/operations/primaryKeys"), Some(json!({})), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
