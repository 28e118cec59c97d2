//! The ByteHouse-style management API (`/bytehouse/v1`): databases, tables,
//! views, envelopes and error shapes, paging, the 501 routes, bearer auth.
//! Queries are in `bytehouse_queries.rs`.

mod common;

use common::bytehouse::{bh_error, in_session, Headers};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn names(data: &Value) -> Vec<String> {
    data.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn databases_are_listed_paged_created_and_deleted() {
    let server = start_server().await;
    let none = Headers::default;
    let listed = server.bh(Method::GET, "/databases", None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(listed.json["message"], "Success");
    assert_eq!(listed.json["error"], json!({}));
    assert_eq!(listed.json["data"], json!([{"name": "default_database", "catalog": "default_catalog", "description": null, "tableCount": 0}]));
    assert_eq!(listed.json["meta"], json!({"total": 1, "offset": 0, "limit": 100}));

    let created = server.bh_ok(Method::POST, "/databases", Some(json!({"name": "sales", "description": "Sales data"})), none()).await;
    assert_eq!(created, json!({"name": "sales", "catalog": "default_catalog", "description": "Sales data", "tableCount": 0}));
    let again = server.bh(Method::POST, "/databases", Some(json!({"name": "sales"}))).await;
    assert_eq!(bh_error(&again, StatusCode::CONFLICT, "DATABASE_EXISTS"), "Database sales already exists.");
    let nameless = server.bh(Method::POST, "/databases", Some(json!({"description": "x"}))).await;
    assert_eq!(bh_error(&nameless, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "name is required.");
    let bad_json = server.bh(Method::POST, "/databases", Some(json!("{"))).await;
    bh_error(&bad_json, StatusCode::BAD_REQUEST, "BAD_REQUEST");
    for db in ["a1", "a2", "a3"] {
        server.bh_ok(Method::POST, "/databases", Some(json!({"name": db})), none()).await;
    }
    assert_eq!(server.bh_ok(Method::GET, "/databases/sales", None, none()).await["description"], "Sales data");

    // Paging and filtering.
    let page = server.bh(Method::GET, "/databases?offset=1&limit=2", None).await;
    assert_eq!(names(&page.json["data"]), vec!["a2", "a3"]);
    assert_eq!(page.json["meta"], json!({"total": 5, "offset": 1, "limit": 2}));
    let filtered = server.bh(Method::GET, "/databases?filter=SAL", None).await;
    assert_eq!(names(&filtered.json["data"]), vec!["sales"]);
    assert_eq!(filtered.json["meta"], json!({"total": 1, "offset": 0, "limit": 100}));
    let clamped = server.bh(Method::GET, "/databases?limit=500&offset=4", None).await;
    assert_eq!(clamped.json["meta"], json!({"total": 5, "offset": 4, "limit": 100}));
    assert_eq!(names(&clamped.json["data"]), vec!["sales"]);
    let negative = server.bh(Method::GET, "/databases?offset=-1", None).await;
    assert_eq!(bh_error(&negative, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "offset must be a non-negative integer, not '-1'.");
    bh_error(&server.bh(Method::GET, "/databases?limit=ten", None).await, StatusCode::BAD_REQUEST, "BAD_REQUEST");

    let unknown = server.bh(Method::GET, "/databases/nope", None).await;
    assert_eq!(bh_error(&unknown, StatusCode::NOT_FOUND, "DATABASE_NOT_FOUND"), "Database nope does not exist.");
    bh_error(&server.bh(Method::DELETE, "/databases/nope", None).await, StatusCode::NOT_FOUND, "DATABASE_NOT_FOUND");
    bh_error(&server.bh(Method::GET, "/databases/nope/tables", None).await, StatusCode::NOT_FOUND, "DATABASE_NOT_FOUND");

    let deleted = server.bh(Method::DELETE, "/databases/a1", None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.json, json!({"message": "Success", "error": {}}));
    assert_eq!(names(&server.bh(Method::GET, "/databases", None).await.json["data"]), vec!["a2", "a3", "default_database", "sales"]);
    // The session's current database cannot go.
    server.bh_sync("", "USE a2").await;
    let in_use = server.bh(Method::DELETE, "/databases/a2", None).await;
    bh_error(&in_use, StatusCode::CONFLICT, "DATABASE_IN_USE");
}

fn orders_table() -> Value {
    json!({
        "name": "orders",
        "description": "All orders",
        "columns": [
            {"name": "id", "type": "UInt32", "comment": "order id"},
            {"name": "customer", "type": "LowCardinality(String)"},
            {"name": "amount", "type": "Decimal(10, 2)", "nullable": true, "defaultValue": "0"},
            {"name": "placed", "type": "DateTime64(3)"},
            {"name": "day", "type": "Date"},
            {"name": "tags", "type": "Array(Nullable(String))"},
            {"name": "attrs", "type": "Map(String, Int64)"},
            {"name": "note", "type": "Nullable(FixedString(8))"},
            {"name": "paid", "type": "Bool"}
        ],
        "orderByKeys": ["day", "id"],
        "primaryKeys": ["id"],
        "partitionKeys": [{"column": "day", "granularity": "month"}],
        "samplingKey": "id",
        "ttl": {"column": "day", "interval": 30, "unit": "DAY"}
    })
}

#[tokio::test]
async fn tables_are_created_from_the_column_model_and_shown_with_both_types() {
    let server = start_server().await;
    let none = Headers::default;
    server.bh_ok(Method::POST, "/databases", Some(json!({"name": "shop"})), none()).await;
    let created = server.bh_ok(Method::POST, "/databases/shop/tables", Some(orders_table()), none()).await;
    assert_eq!(created["name"], "orders");
    assert_eq!(created["type"], "TABLE");
    assert_eq!(created["description"], "All orders");
    let columns: Vec<(String, String, String, bool)> = created["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().into(), c["type"].as_str().unwrap().into(), c["flinkType"].as_str().unwrap().into(), c["nullable"].as_bool().unwrap()))
        .collect();
    let expected = [
        ("id", "UInt32", "BIGINT", false),
        ("customer", "LowCardinality(String)", "STRING", false),
        ("amount", "Nullable(Decimal(10, 2))", "DECIMAL(10, 2)", true),
        ("placed", "DateTime64(3)", "TIMESTAMP(3)", false),
        ("day", "Date", "DATE", false),
        ("tags", "Array(Nullable(String))", "ARRAY<STRING>", false),
        ("attrs", "Map(String, Int64)", "MAP<STRING, BIGINT>", false),
        ("note", "Nullable(FixedString(8))", "CHAR(8)", true),
        ("paid", "Bool", "BOOLEAN", false),
    ];
    let expected: Vec<(String, String, String, bool)> = expected.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), *d)).collect();
    assert_eq!(columns, expected);
    assert_eq!(created["columns"][0]["comment"], "order id");
    assert_eq!(created["columns"][2]["defaultValue"], "0");
    assert_eq!(created["orderByKeys"], json!(["day", "id"]));
    assert_eq!(created["primaryKeys"], json!(["id"]));
    assert_eq!(created["partitionKeys"], json!([{"column": "day", "granularity": "month", "expression": null}]));
    assert_eq!(created["samplingKey"], "id");
    assert_eq!(created["ttl"], json!({"column": "day", "interval": 30, "unit": "DAY"}));
    assert_eq!(created["rowCount"], 0);
    // The engine has the Flink definition.
    let ddl = server.bh_sync("", "SHOW CREATE TABLE shop.orders").await;
    let text = ddl["rows"][0][0].as_str().unwrap();
    assert!(text.contains("`id` BIGINT NOT NULL COMMENT 'order id'") && text.contains("PRIMARY KEY (`id`) NOT ENFORCED"), "{text}");
    assert!(text.contains("COMMENT 'All orders'") && text.contains("PARTITIONED BY (`day`)"), "{text}");

    // Refusals.
    let mut unknown = orders_table();
    unknown["name"] = json!("bad");
    unknown["columns"][1]["type"] = json!("Array(Geo)");
    let answer = server.bh(Method::POST, "/databases/shop/tables", Some(unknown)).await;
    assert_eq!(bh_error(&answer, StatusCode::BAD_REQUEST, "UNKNOWN_TYPE"), "Unknown column type 'Geo' of column customer (declared 'Array(Geo)').");
    let mut bad_key = orders_table();
    bad_key["name"] = json!("bad");
    bad_key["orderByKeys"] = json!(["nope"]);
    let answer = server.bh(Method::POST, "/databases/shop/tables", Some(bad_key)).await;
    assert_eq!(bh_error(&answer, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "orderByKeys names nope, which is not a column of the table.");
    let taken = server.bh(Method::POST, "/databases/shop/tables", Some(orders_table())).await;
    bh_error(&taken, StatusCode::CONFLICT, "TABLE_EXISTS");
    let empty = server.bh(Method::POST, "/databases/shop/tables", Some(json!({"name": "e"}))).await;
    assert_eq!(bh_error(&empty, StatusCode::BAD_REQUEST, "BAD_REQUEST"), "columns must name at least one column.");
    bh_error(&server.bh(Method::POST, "/databases/nope/tables", Some(orders_table())).await, StatusCode::NOT_FOUND, "DATABASE_NOT_FOUND");

    // Rows are counted when that is free (in-memory tables); a sync INSERT
    // has landed when it answers.
    server.bh_sync("", "INSERT INTO shop.orders (id, customer, placed, day, tags, attrs, paid) VALUES (1, 'ann', TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01', ARRAY['a'], MAP['k', 1], TRUE)").await;
    assert_eq!(server.bh_ok(Method::GET, "/databases/shop/tables/orders", None, none()).await["rowCount"], 1);

    // Update: description and TTL are stored; column changes are not offered.
    let patched = server.bh(Method::PATCH, "/databases/shop/tables/orders", Some(json!({"description": "Orders v2", "ttl": {"interval": 7}}))).await;
    assert_eq!(patched.json, json!({"message": "Success", "error": {}}));
    let shown = server.bh_ok(Method::GET, "/databases/shop/tables/orders", None, none()).await;
    assert_eq!((shown["description"].clone(), shown["ttl"].clone()), (json!("Orders v2"), json!({"interval": 7})));
    server.bh_ok(Method::PATCH, "/databases/shop/tables/orders", Some(json!({"isRemoveTTL": true})), none()).await;
    assert_eq!(server.bh_ok(Method::GET, "/databases/shop/tables/orders", None, none()).await["ttl"], Value::Null);
    let add = server.bh(Method::PATCH, "/databases/shop/tables/orders", Some(json!({"addColumns": [{"name": "x", "type": "Int8"}]}))).await;
    assert!(bh_error(&add, StatusCode::NOT_IMPLEMENTED, "NOT_IMPLEMENTED").starts_with("addColumns is not supported"));
    bh_error(&server.bh(Method::PATCH, "/databases/shop/tables/nope", Some(json!({}))).await, StatusCode::NOT_FOUND, "TABLE_NOT_FOUND");

    // Views and listings.
    server.bh_sync("", "CREATE VIEW shop.big_orders AS SELECT id FROM shop.orders WHERE amount > 100").await;
    let tables = server.bh(Method::GET, "/databases/shop/tables", None).await;
    assert_eq!(tables.json["data"], json!([{"name": "orders", "database": "shop", "type": "TABLE", "description": "Orders v2", "columnCount": 9, "rowCount": 1}]));
    let all = server.bh(Method::GET, "/databases/shop/tables-and-views", None).await;
    assert_eq!(names(&all.json["data"]), vec!["big_orders", "orders"]);
    assert_eq!(all.json["data"][0]["type"], "VIEW");
    assert_eq!(all.json["meta"], json!({"total": 2, "offset": 0, "limit": 100}));
    let views = server.bh(Method::GET, "/databases/shop/materialized-views?filter=big", None).await;
    assert_eq!(names(&views.json["data"]), vec!["big_orders"]);
    let view = server.bh_ok(Method::GET, "/databases/shop/materialized-views/big_orders", None, none()).await;
    assert_eq!(view["type"], "VIEW");
    assert_eq!(view["definition"], "SELECT id FROM shop.orders WHERE amount > 100");
    assert_eq!(view["columns"][0]["flinkType"], "BIGINT");
    bh_error(&server.bh(Method::GET, "/databases/shop/materialized-views/orders", None).await, StatusCode::NOT_FOUND, "TABLE_NOT_FOUND");

    // A database with tables is not deleted.
    let refused = server.bh(Method::DELETE, "/databases/shop", None).await;
    assert_eq!(bh_error(&refused, StatusCode::CONFLICT, "DATABASE_NOT_EMPTY"), "Database shop still holds 2 table(s) (big_orders, orders): delete them first.");
    for t in ["big_orders", "orders"] {
        server.bh_ok(Method::DELETE, &format!("/databases/shop/tables/{t}"), None, none()).await;
    }
    bh_error(&server.bh(Method::GET, "/databases/shop/tables/orders", None).await, StatusCode::NOT_FOUND, "TABLE_NOT_FOUND");
    server.bh_ok(Method::DELETE, "/databases/shop", None, none()).await;
    bh_error(&server.bh(Method::GET, "/databases/shop", None).await, StatusCode::NOT_FOUND, "DATABASE_NOT_FOUND");
}

#[tokio::test]
async fn management_calls_run_in_the_named_query_session() {
    let server = start_server().await;
    // Management calls use the query session the header names (none: the caller's default one).
    server.bh_ok(Method::POST, "/databases", Some(json!({"name": "mine"})), in_session("s1")).await;
    let seen = server.bh_ok(Method::GET, "/databases/mine", None, in_session("s1")).await;
    assert_eq!(seen, json!({"name": "mine", "catalog": "default_catalog", "description": null, "tableCount": 0}));
    server.bh_sync("s1", "USE mine").await;
    let current = server.bh_sync("s1", "SHOW CURRENT DATABASE").await;
    assert_eq!(current["rows"], json!([["mine"]]));
    let other = server.bh_sync("s2", "SHOW CURRENT DATABASE").await;
    assert_eq!(other["rows"], json!([["default_database"]]));
}

#[tokio::test]
async fn unknown_paths_methods_and_data_loading_answer_the_envelope() {
    let server = start_server().await;
    let unknown = server.bh(Method::GET, "/nothing/here", None).await;
    assert_eq!(bh_error(&unknown, StatusCode::NOT_FOUND, "NOT_FOUND"), "No such path in the ByteHouse-style API (/bytehouse/v1).");
    bh_error(&server.bh(Method::PUT, "/databases", None).await, StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
    for (method, path) in [
        (Method::POST, "/metadata/subscription"),
        (Method::DELETE, "/metadata/subscription"),
        (Method::POST, "/connections"),
        (Method::GET, "/connections"),
        (Method::GET, "/connections/7/masked"),
        (Method::PUT, "/connections/7"),
        (Method::POST, "/import-jobs"),
        (Method::POST, "/import-jobs/3/start"),
        (Method::GET, "/import-jobs/3/executions"),
        (Method::GET, "/executions"),
        (Method::GET, "/executions/abc/logs"),
    ] {
        let answer = server.bh(method.clone(), path, None).await;
        let message = bh_error(&answer, StatusCode::NOT_IMPLEMENTED, "NOT_IMPLEMENTED");
        assert!(message.contains("not offered"), "{method} {path}: {message}");
    }
    assert!(bh_error(&server.bh(Method::GET, "/connections", None).await, StatusCode::NOT_IMPLEMENTED, "NOT_IMPLEMENTED").starts_with("Data loading is not offered"));
    // A method no resource API takes is refused as on every other path.
    let trace = server.bh(Method::TRACE, "/connections/7", None).await;
    bh_error(&trace, StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn bearer_keys_are_required_and_queries_are_their_owners() {
    let dir = std::env::temp_dir().join(format!("sg-bytehouse-keys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    let key = |user: &str| format!("Bearer {}", sluicegate::identity::keys_file::create_key(&keys, user, None).unwrap().1);
    let (alice, bob) = (key("alice"), key("bob"));
    let keys_path = keys.display().to_string();
    let server = start_server_with(&[("sluicegate.auth.mode", "bearer"), ("sluicegate.auth.keys-file", &keys_path)]).await;
    let missing = server.bh(Method::GET, "/databases", None).await;
    bh_error(&missing, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
    let wrong = server.bh_with(Method::GET, "/databases", None, Headers { auth: Some("Bearer sg_nope_nope"), ..Headers::default() }).await;
    bh_error(&wrong, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
    bh_error(&server.bh(Method::GET, "/connections", None).await, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
    let as_alice = || Headers { auth: Some(&alice), role: Some("Developer"), ..Headers::default() };
    let as_bob = || Headers { auth: Some(&bob), ..Headers::default() };
    let listed = server.bh_ok(Method::GET, "/databases", None, as_alice()).await;
    assert_eq!(names(&listed), vec!["default_database"]);
    let body = json!({"query": "SELECT 1 AS one", "queryID": "alice-1"});
    let answer = server.bh_ok(Method::POST, "/queries/sync", Some(body), as_alice()).await;
    assert_eq!(answer["rows"], json!([[1]]));
    assert_eq!(server.bh_ok(Method::GET, "/queries/alice-1/status", None, as_alice()).await["state"], "FINISHED");
    for path in ["/queries/alice-1/status", "/queries/alice-1/results", "/statistics/queries/alice-1"] {
        bh_error(&server.bh_with(Method::GET, path, None, as_bob()).await, StatusCode::NOT_FOUND, "QUERY_NOT_FOUND");
    }
    bh_error(&server.bh_with(Method::POST, "/queries/alice-1/kill", None, as_bob()).await, StatusCode::NOT_FOUND, "QUERY_NOT_FOUND");
    // Each user's query sessions are their own: Bob's current database is his session's.
    server.bh_ok(Method::POST, "/databases", Some(json!({"name": "alices"})), as_alice()).await;
    server.bh_sync_as(as_alice(), "USE alices").await;
    assert_eq!(server.bh_sync_as(as_bob(), "SHOW CURRENT DATABASE").await["rows"], json!([["default_database"]]));
    assert_eq!(server.bh_sync_as(as_alice(), "SHOW CURRENT DATABASE").await["rows"], json!([["alices"]]));
    std::fs::remove_dir_all(dir).ok();
}
