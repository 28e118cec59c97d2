//! The catalog survives restarts: every database, table, view, catalog and
//! materialized table a client heard `OK` for is there after a graceful
//! restart and after `kill -9`; what was dropped stays dropped; TEMPORARY
//! objects do not outlive their session. One catalog for every session and
//! protocol.

mod common;

use std::time::{Duration, Instant};

use common::binary::{open_session, spawn_binary, statement};
use common::{TestServer, start_server};
use serde_json::{Value, json};

/// The first field of every row, as text.
fn firsts(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            r[0].as_str()
                .map(str::to_string)
                .unwrap_or_else(|| r[0].to_string())
        })
        .collect()
}

/// Run `sql` in a fresh session and answer the first column of its rows.
async fn names(server: &TestServer, sql: &str) -> Vec<String> {
    let session = server.open_session("").await;
    firsts(&server.rows(&session, sql).await)
}

/// Run every statement in one session, each expected to succeed.
async fn run_all(server: &TestServer, session: &str, statements: &[&str]) {
    for sql in statements {
        let op = server.submit("", session, sql).await;
        let status = server
            .wait_status(session, &op, &["FINISHED", "ERROR"])
            .await;
        if status["status"] != "FINISHED" {
            let a = server
                .get(&format!("/sessions/{session}/operations/{op}/result/0"))
                .await;
            panic!("{sql}: {}", a.text);
        }
    }
}

/// Every kind of object, some of them altered or dropped after creation.
const CATALOG: &[&str] = &[
    "CREATE DATABASE shop",
    "USE shop",
    "CREATE TABLE orders (id INT NOT NULL, amount DECIMAL(10, 2), ts TIMESTAMP(3), doubled AS amount * 2, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (id) NOT ENFORCED) COMMENT 'all orders' WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
    "CREATE TABLE scratch (k STRING, v BIGINT)",
    "CREATE VIEW big_orders (order_id, total) AS SELECT id, amount FROM orders WHERE amount > 10",
    "CREATE TABLE old_name (x INT)",
    "ALTER TABLE old_name RENAME TO new_name",
    "ALTER TABLE orders SET ('number-of-rows' = '7')",
    "CREATE TABLE doomed (x INT)",
    "DROP TABLE doomed",
    "CREATE CATALOG lake WITH ('type' = 'generic_in_memory', 'default-database' = 'raw')",
    "CREATE DATABASE lake.curated",
    "CREATE TABLE lake.curated.events (e STRING)",
    "CREATE DATABASE gone",
    "DROP DATABASE gone",
    "CREATE TABLE copied AS SELECT 1 AS one, 'x' AS letter",
    "CREATE MATERIALIZED TABLE totals FRESHNESS = INTERVAL '1' HOUR AS SELECT COUNT(*) AS n FROM orders",
    "ALTER MATERIALIZED TABLE totals SUSPEND",
    "CREATE TEMPORARY VIEW passing AS SELECT 1 AS x",
];

/// What a client sees of the catalog: listings and definitions.
async fn snapshot(server: &TestServer) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for sql in [
        "SHOW CATALOGS",
        "SHOW DATABASES",
        "SHOW TABLES FROM shop",
        "SHOW VIEWS FROM shop",
        "SHOW DATABASES FROM lake",
        "SHOW TABLES FROM lake.curated",
        "SHOW CREATE TABLE shop.orders",
        "SHOW CREATE TABLE shop.new_name",
        "SHOW CREATE TABLE shop.copied",
        "SHOW CREATE VIEW shop.big_orders",
    ] {
        out.push((sql.to_string(), names(server, sql).await));
    }
    out
}

/// Assert the restored catalog is the one that was built, and works.
async fn check_restored(server: &TestServer, before: &[(String, Vec<String>)]) {
    assert_eq!(
        snapshot(server).await,
        before,
        "the catalog after the restart"
    );
    let session = server.open_session("").await;
    // The view's unqualified `orders` still means shop.orders; the altered option holds.
    let rows = server
        .rows(&session, "SELECT COUNT(*) FROM shop.orders")
        .await;
    assert_eq!(rows, vec![json!([7])]);
    let view = server
        .columns(&session, "SELECT * FROM shop.big_orders")
        .await;
    assert_eq!(view, vec!["order_id", "total"]);
    // Not durable: the session's own temporary view, and what was dropped.
    assert!(
        server
            .failure(&session, "SELECT * FROM shop.passing")
            .await
            .contains("passing")
    );
    assert!(
        server
            .failure(&session, "SELECT * FROM shop.doomed")
            .await
            .contains("doomed")
    );
    // A materialized table comes back suspended, and refreshes on demand.
    run_all(
        server,
        &session,
        &["ALTER MATERIALIZED TABLE shop.totals RESUME"],
    )
    .await;
    // The restored catalog takes new DDL.
    run_all(
        server,
        &session,
        &[
            "CREATE TABLE shop.after_restart (a INT)",
            "DROP TABLE shop.new_name",
        ],
    )
    .await;
}

#[tokio::test]
async fn every_object_survives_a_graceful_restart() {
    let server = start_server().await;
    let session = server.open_session("").await;
    run_all(&server, &session, CATALOG).await;
    let before = snapshot(&server).await;
    assert!(before[2].1.contains(&"orders".to_string()), "{before:?}");
    assert!(!before[2].1.contains(&"doomed".to_string()));
    let server = server.restart().await;
    check_restored(&server, &before).await;
    // Changes made after the first restart survive the next one.
    let server = server.restart().await;
    let tables = names(&server, "SHOW TABLES FROM shop").await;
    assert!(tables.contains(&"after_restart".to_string()), "{tables:?}");
    assert!(!tables.contains(&"new_name".to_string()), "{tables:?}");
}

#[tokio::test]
async fn sessions_share_one_catalog_and_temporary_objects_stay_private() {
    let server = start_server().await;
    let (a, b) = (server.open_session("").await, server.open_session("").await);
    run_all(
        &server,
        &a,
        &[
            "CREATE TABLE shared_t (x INT)",
            "CREATE TEMPORARY VIEW mine AS SELECT 1 AS x",
        ],
    )
    .await;
    let seen_by_b = firsts(&server.rows(&b, "SHOW TABLES").await);
    assert!(seen_by_b.contains(&"shared_t".to_string()), "{seen_by_b:?}");
    // B may create its own temporary view of the same name; neither is stored.
    run_all(
        &server,
        &b,
        &["CREATE TEMPORARY VIEW mine AS SELECT 2 AS x"],
    )
    .await;
    assert_eq!(
        server.rows(&a, "SELECT x FROM mine").await,
        vec![json!([1])]
    );
    assert_eq!(
        server.rows(&b, "SELECT x FROM mine").await,
        vec![json!([2])]
    );
    // The same catalog through another protocol: ByteHouse's database listing.
    run_all(&server, &a, &["CREATE DATABASE from_flink"]).await;
    let listed = server.get("/bytehouse/v1/databases").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert!(listed.text.contains("\"from_flink\""), "{}", listed.text);
    // Replacing a permanent table that a temporary one shadows replaces the permanent one.
    run_all(&server, &b, &["CREATE TABLE dup (x INT)", "CREATE TEMPORARY VIEW dup AS SELECT 'temp' AS x", "CREATE OR REPLACE TABLE dup AS SELECT 1 AS y"]).await;
    assert_eq!(server.rows(&b, "SELECT x FROM dup").await, vec![json!(["temp"])]);
    assert_eq!(server.columns(&a, "SELECT * FROM dup").await, vec!["y"]);
    // Closing A ends its temporary view; B's stays.
    assert_eq!(server.delete(&format!("/sessions/{a}")).await.status, 200);
    assert_eq!(
        server.rows(&b, "SELECT x FROM mine").await,
        vec![json!([2])]
    );
    let c = server.open_session("").await;
    assert!(
        server
            .failure(&c, "SELECT x FROM mine")
            .await
            .contains("mine")
    );
}

/// The data directories of in-memory tables under a server's state directory.
fn data_dirs(server: &TestServer) -> usize {
    std::fs::read_dir(server.state.join("data"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn in_memory_rows_survive_restarts() {
    let server = start_server().await;
    let s = server.open_session("").await;
    run_all(
        &server,
        &s,
        &[
            "SET 'table.dml-sync' = 'true'",
            "CREATE TABLE kept (id INT, name STRING)",
            "INSERT INTO kept VALUES (1, 'a'), (2, 'b')",
            "INSERT INTO kept VALUES (3, 'c')",
            "CREATE TABLE replaced (x INT)",
            "INSERT INTO replaced VALUES (1), (2), (3)",
            "INSERT OVERWRITE replaced VALUES (9)",
            "CREATE TABLE made AS SELECT id * 10 AS tens FROM kept",
            "CREATE TABLE moved (v DOUBLE)",
            "INSERT INTO moved VALUES (0.5)",
            "ALTER TABLE moved RENAME TO arrived",
            "CREATE TABLE dropped (x INT)",
            "INSERT INTO dropped VALUES (1)",
            "DROP TABLE dropped",
        ],
    )
    .await;
    assert_eq!(
        data_dirs(&server),
        4,
        "one directory per live in-memory table with rows"
    );
    let server = server.restart().await;
    let s = server.open_session("").await;
    assert_eq!(
        server
            .rows(&s, "SELECT id, name FROM kept ORDER BY id")
            .await,
        vec![json!([1, "a"]), json!([2, "b"]), json!([3, "c"])]
    );
    assert_eq!(
        server.rows(&s, "SELECT x FROM replaced").await,
        vec![json!([9])]
    );
    assert_eq!(
        server.rows(&s, "SELECT tens FROM made ORDER BY tens").await,
        vec![json!([10]), json!([20]), json!([30])]
    );
    assert_eq!(
        server.rows(&s, "SELECT v FROM arrived").await,
        vec![json!([0.5])]
    );
    assert!(
        server
            .failure(&s, "SELECT x FROM dropped")
            .await
            .contains("dropped")
    );
    // Rows added after a restart join the ones read back.
    run_all(
        &server,
        &s,
        &[
            "SET 'table.dml-sync' = 'true'",
            "INSERT INTO kept VALUES (4, 'd')",
            "DROP TABLE made",
        ],
    )
    .await;
    let server = server.restart().await;
    let s = server.open_session("").await;
    assert_eq!(
        server.rows(&s, "SELECT COUNT(*) FROM kept").await,
        vec![json!([4])]
    );
    assert_eq!(data_dirs(&server), 3, "a dropped table's rows are removed");
}

#[tokio::test]
async fn in_memory_rows_can_stay_in_memory() {
    let server = common::start_server_with(&[("sluicegate.memory-tables.persist", "false")]).await;
    let s = server.open_session("").await;
    run_all(
        &server,
        &s,
        &[
            "SET 'table.dml-sync' = 'true'",
            "CREATE TABLE scratch (x INT)",
            "INSERT INTO scratch VALUES (1)",
        ],
    )
    .await;
    assert_eq!(data_dirs(&server), 0);
    let server = server.restart().await;
    let s = server.open_session("").await;
    // The table is durable, its rows were not.
    assert_eq!(
        server.rows(&s, "SELECT x FROM scratch").await,
        Vec::<Value>::new()
    );
}

/// GET a ByteHouse path that must succeed; its `data`.
async fn bytehouse(server: &TestServer, path: &str) -> Value {
    let a = server.get(&format!("/bytehouse/v1{path}")).await;
    assert_eq!(a.status, 200, "{path}: {}", a.text);
    a.json["data"].clone()
}

#[tokio::test]
async fn management_properties_are_stored_with_their_objects() {
    let server = start_server().await;
    let created = server
        .post(
            "/bytehouse/v1/databases",
            json!({"name": "sales", "description": "Sales data"}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let table = json!({
        "name": "orders",
        "description": "All orders",
        "columns": [{"name": "id", "type": "Int64"}, {"name": "day", "type": "Date"}],
        "orderByKeys": ["day", "id"],
        "ttl": {"column": "day", "interval": 30, "unit": "DAY"}
    });
    let created = server
        .post("/bytehouse/v1/databases/sales/tables", table)
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let patched = server
        .call(
            reqwest::Method::PATCH,
            "/bytehouse/v1/databases/sales/tables/orders",
            Some(json!({"description": "Orders v2"})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let server = server.restart().await;
    assert_eq!(
        bytehouse(&server, "/databases/sales").await["description"],
        "Sales data"
    );
    let orders = bytehouse(&server, "/databases/sales/tables/orders").await;
    assert_eq!(orders["description"], "Orders v2");
    assert_eq!(orders["orderByKeys"], json!(["day", "id"]));
    assert_eq!(
        orders["ttl"],
        json!({"column": "day", "interval": 30, "unit": "DAY"})
    );
    // A rename through Flink SQL carries them; a drop takes them along.
    let s = server.open_session("").await;
    run_all(
        &server,
        &s,
        &["ALTER TABLE sales.orders RENAME TO sales.all_orders"],
    )
    .await;
    let server = server.restart().await;
    assert_eq!(
        bytehouse(&server, "/databases/sales/tables/all_orders").await["description"],
        "Orders v2"
    );
    let s = server.open_session("").await;
    run_all(
        &server,
        &s,
        &[
            "DROP TABLE sales.all_orders",
            "CREATE TABLE sales.all_orders (id BIGINT)",
        ],
    )
    .await;
    assert_eq!(
        bytehouse(&server, "/databases/sales/tables/all_orders").await["description"],
        Value::Null
    );
}

#[tokio::test]
async fn query_statistics_outlive_the_gateway() {
    let server = start_server().await;
    let body = json!({"query": "SELECT x FROM (VALUES (1), (2), (3)) AS t(x)", "queryID": "kept-stats"});
    let submitted = server.post("/bytehouse/v1/queries/async", body).await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    let deadline = Instant::now() + Duration::from_secs(30);
    while bytehouse(&server, "/queries/kept-stats/status").await["state"] != "FINISHED" {
        assert!(Instant::now() < deadline, "the query did not finish");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let live = bytehouse(&server, "/statistics/queries/kept-stats").await;
    assert_eq!(live["rowsProduced"], 3, "{live}");
    let server = server.restart().await;
    // The query itself is gone with the process; its statistics are not.
    assert_eq!(server.get("/bytehouse/v1/queries/kept-stats/status").await.status, 404);
    let stored = bytehouse(&server, "/statistics/queries/kept-stats").await;
    assert_eq!((stored["queryID"].clone(), stored["state"].clone(), stored["rowsProduced"].clone()), (json!("kept-stats"), json!("FINISHED"), json!(3)), "{stored}");
    assert_eq!(stored["submittedAt"], live["submittedAt"], "{stored}");
    let unknown = server.get("/bytehouse/v1/statistics/queries/never-ran").await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
}

#[tokio::test]
async fn acknowledged_ddl_survives_kill_9() {
    let root = std::env::temp_dir().join(format!("sluicegate-kill9-{}", std::process::id()));
    let (state, data) = (root.join("state"), root.join("data"));
    std::fs::create_dir_all(&data).unwrap();
    let http = reqwest::Client::new();
    let (mut child, base) = spawn_binary(&state, &data);
    let session = open_session(&http, &base).await;
    for sql in [
        "SET 'table.dml-sync' = 'true'",
        "CREATE DATABASE crash",
        "CREATE TABLE crash.t1 (a INT)",
        "INSERT INTO crash.t1 VALUES (1), (2)",
        "CREATE VIEW crash.v1 AS SELECT a FROM crash.t1",
        "CREATE TABLE crash.t2 (b STRING)",
        "DROP TABLE crash.t2",
        "INSERT INTO crash.t1 VALUES (3)",
        "CREATE TABLE crash.endless (x INT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')",
        "CREATE TABLE crash.hole (x INT) WITH ('connector' = 'blackhole')",
        "SET 'table.dml-sync' = 'false'",
    ] {
        statement(&http, &base, &session, sql).await;
    }
    // A job still running when the process dies.
    let running = statement(&http, &base, &session, "INSERT INTO crash.hole SELECT x FROM crash.endless").await;
    let running = running[0][0].as_str().expect("a job id").to_string();
    // Its start is recorded in the background, within moments.
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Each statement above was acknowledged; nothing gets to shut down cleanly.
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let (mut child, base) = spawn_binary(&state, &data);
    let session = open_session(&http, &base).await;
    let tables = statement(&http, &base, &session, "SHOW TABLES FROM crash").await;
    assert_eq!(tables, json!([["endless"], ["hole"], ["t1"], ["v1"]]));
    // The view still reads its table.
    let described = statement(&http, &base, &session, "DESCRIBE crash.v1").await;
    assert_eq!(described[0][0], "a", "{described}");
    assert_eq!(described[0][1], "INT", "{described}");
    // The rows of each acknowledged INSERT are there.
    let rows = statement(&http, &base, &session, "SELECT a FROM crash.v1 ORDER BY a").await;
    assert_eq!(rows, json!([[1], [2], [3]]));
    // Jobs of the previous run: the finished INSERTs, and the one the crash ended.
    let jobs = statement(&http, &base, &session, "SHOW JOBS").await;
    let states: Vec<(String, String)> = jobs.as_array().unwrap().iter().map(|j| (j[0].as_str().unwrap().to_string(), j[2].as_str().unwrap().to_string())).collect();
    assert_eq!(states.iter().filter(|(_, s)| s == "FINISHED").count(), 2, "{jobs}");
    assert!(states.contains(&(running.clone(), "FAILED".to_string())), "{jobs}");
    child.kill().ok();
    child.wait().ok();
    let _ = std::fs::remove_dir_all(&root);
}
