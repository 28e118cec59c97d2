//! The store on both backends: SQLite always; PostgreSQL when
//! `SLUICEGATE_TEST_POSTGRES_URL` names a server (CI starts one, and under
//! `CI` its absence is a failure, not a skip). Each test gets its own
//! SQLite file or PostgreSQL database.

use std::collections::BTreeMap;

use super::*;

/// A fresh, empty store location on every available backend.
async fn locations() -> Vec<StoreUrl> {
    let file = std::env::temp_dir().join(format!("sluicegate-store-{}", uuid::Uuid::new_v4().simple())).join("metadata.db");
    let mut urls = vec![StoreUrl::Sqlite(file)];
    match std::env::var("SLUICEGATE_TEST_POSTGRES_URL") {
        Ok(base) => {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let admin = sqlx::AnyPool::connect(&base).await.expect("PostgreSQL reachable");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.expect("create test database");
            admin.close().await;
            let (server, _) = base.rsplit_once('/').expect("URL with a database");
            urls.push(StoreUrl::Postgres(format!("{server}/{name}")));
        }
        Err(_) if std::env::var_os("CI").is_some() => panic!("CI must set SLUICEGATE_TEST_POSTGRES_URL (ci/postgres.sh starts a server)"),
        Err(_) => {}
    }
    urls
}

/// Removes a test's SQLite directory when the test is done with it.
struct Cleanup(StoreUrl);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let StoreUrl::Sqlite(file) = &self.0
            && let Some(dir) = file.parent()
        {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn object(key: (&str, &str, &str), kind: ObjectKind, definition: &str) -> CatalogObject {
    CatalogObject {
        key: (key.0.into(), key.1.into(), key.2.into()),
        kind,
        definition: definition.into(),
        properties: BTreeMap::from([("description".to_string(), format!("about {}", key.2))]),
        owner: "alice".into(),
        seq: 0,
        created_at: 0,
        updated_at: 0,
    }
}

fn names(objects: &[CatalogObject]) -> Vec<String> {
    objects.iter().map(|o| format!("{}.{}.{}", o.key.0, o.key.1, o.key.2)).collect()
}

#[tokio::test]
async fn objects_replay_in_definition_order_and_replace_keeps_creation_time() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        let db = object(("c", "d", ""), ObjectKind::Database, "CREATE DATABASE `c`.`d`");
        let t = object(("c", "d", "t"), ObjectKind::Table, "CREATE TABLE t (a INT)");
        let v = object(("c", "d", "v"), ObjectKind::View, "CREATE VIEW v AS SELECT * FROM t");
        store.apply(&[CatalogChange::Put(db), CatalogChange::Put(t.clone())]).await.unwrap();
        store.apply(&[CatalogChange::Put(v)]).await.unwrap();
        let first = store.objects().await.unwrap();
        assert_eq!(names(&first), ["c.d.", "c.d.t", "c.d.v"], "{}", store.backend());
        assert_eq!(first[1].properties["description"], "about t");
        assert_eq!(first[1].owner, "alice");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        // Replacing the table moves it after the view and keeps its creation time.
        let replaced = CatalogObject { definition: "CREATE TABLE t (a INT, b STRING)".into(), ..t };
        store.apply(&[CatalogChange::Put(replaced)]).await.unwrap();
        let second = store.objects().await.unwrap();
        assert_eq!(names(&second), ["c.d.", "c.d.v", "c.d.t"]);
        assert_eq!(second[2].definition, "CREATE TABLE t (a INT, b STRING)");
        assert_eq!(second[2].created_at, first[1].created_at);
        assert!(second[2].updated_at > first[1].updated_at);
        store.close().await;
    }
}

#[tokio::test]
async fn deletes_remove_one_object_a_database_or_a_catalog() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        let puts = [
            object(("c", "", ""), ObjectKind::Catalog, "CREATE CATALOG c WITH ('type' = 'generic_in_memory')"),
            object(("c", "d", ""), ObjectKind::Database, "CREATE DATABASE c.d"),
            object(("c", "d", "t"), ObjectKind::Table, "t"),
            object(("c", "d", "u"), ObjectKind::Table, "u"),
            object(("c", "e", ""), ObjectKind::Database, "CREATE DATABASE c.e"),
            object(("c", "e", "t"), ObjectKind::Table, "t"),
            object(("k", "d", "t"), ObjectKind::Table, "t"),
        ];
        store.apply(&puts.map(CatalogChange::Put)).await.unwrap();
        store.apply(&[CatalogChange::Delete(("c".into(), "d".into(), "u".into()))]).await.unwrap();
        assert_eq!(names(&store.objects().await.unwrap()), ["c..", "c.d.", "c.d.t", "c.e.", "c.e.t", "k.d.t"]);
        store.apply(&[CatalogChange::DeleteDatabase("c".into(), "d".into())]).await.unwrap();
        assert_eq!(names(&store.objects().await.unwrap()), ["c..", "c.e.", "c.e.t", "k.d.t"]);
        store.apply(&[CatalogChange::DeleteCatalog("c".into())]).await.unwrap();
        assert_eq!(names(&store.objects().await.unwrap()), ["k.d.t"]);
        store.close().await;
    }
}

#[tokio::test]
async fn a_reopened_store_keeps_everything_and_migrates_once() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        store.apply(&[CatalogChange::Put(object(("c", "d", "t"), ObjectKind::MaterializedTable, "CREATE MATERIALIZED TABLE t AS SELECT 1"))]).await.unwrap();
        store.close().await;
        let again = SqlStore::open(&url).await.unwrap();
        let objects = again.objects().await.unwrap();
        assert_eq!(names(&objects), ["c.d.t"]);
        assert_eq!(objects[0].kind, ObjectKind::MaterializedTable);
        assert!(migrations::migrate(&again.pool_for_tests()).await.unwrap().is_empty(), "nothing left to migrate");
        again.close().await;
    }
}

#[tokio::test]
async fn a_store_from_a_newer_gateway_is_refused() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)").execute(&store.pool_for_tests()).await.unwrap();
        store.close().await;
        let error = SqlStore::open(&url).await.unwrap_err().to_string();
        assert!(error.contains("schema version 9999"), "{error}");
    }
}

fn record(id: &str, kind: &str, state: &str, created_at: i64) -> HistoryRecord {
    HistoryRecord {
        id: id.into(),
        kind: kind.into(),
        owner: "bob".into(),
        statement: format!("SELECT '{id}'"),
        state: state.into(),
        created_at,
        ended_at: None,
        rows: 0,
        bytes: 0,
        error: None,
        properties: BTreeMap::from([("livy.id".to_string(), "7".to_string())]),
    }
}

#[tokio::test]
async fn history_is_upserted_listed_newest_first_and_unfinished_work_fails_on_restart() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        store.record(&[record("j1", "job", "RUNNING", 10), record("j2", "job", "RUNNING", 20)]).await.unwrap();
        store.record(&[record("b1", "livy-batch", "STARTING", 30)]).await.unwrap();
        let finished = HistoryRecord { state: "FINISHED".into(), ended_at: Some(25), rows: 42, bytes: 4200, ..record("j2", "job", "", 20) };
        store.record(std::slice::from_ref(&finished)).await.unwrap();
        assert_eq!(store.history("j2").await.unwrap().unwrap(), finished);
        assert_eq!(store.history("nope").await.unwrap(), None);
        let jobs: Vec<String> = store.list_history(Some("job"), 10).await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(jobs, ["j2", "j1"]);
        let newest: Vec<String> = store.list_history(None, 2).await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(newest, ["b1", "j2"]);
        assert_eq!(store.fail_unfinished("gateway restarted").await.unwrap(), 2);
        let j1 = store.history("j1").await.unwrap().unwrap();
        assert_eq!((j1.state.as_str(), j1.error.as_deref()), ("FAILED", Some("gateway restarted")));
        assert!(j1.ended_at.is_some());
        assert_eq!(store.history("b1").await.unwrap().unwrap().properties["livy.id"], "7");
        assert_eq!(store.history("j2").await.unwrap().unwrap().state, "FINISHED");
        store.close().await;
    }
}

#[test]
fn urls_parse_and_hide_passwords() {
    assert_eq!(StoreUrl::parse("sqlite:state/m.db").unwrap(), StoreUrl::Sqlite("state/m.db".into()));
    assert_eq!(StoreUrl::parse("sqlite:///tmp/m.db?mode=rwc").unwrap(), StoreUrl::Sqlite("/tmp/m.db".into()));
    assert!(StoreUrl::parse("sqlite:").is_err());
    assert!(StoreUrl::parse("mysql://x").unwrap_err().contains("unsupported metadata URL"));
    let pg = StoreUrl::parse("postgres://gw:secret@db:5432/meta").unwrap();
    assert_eq!(pg.redacted(), "postgres://gw@db:5432/meta");
}

#[tokio::test]
async fn identity_rows_are_numbered_changed_and_kept() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.user_number("alice").await.unwrap(), 1);
        assert_eq!(store.user_number("bob").await.unwrap(), 2);
        assert_eq!(store.user_number("alice").await.unwrap(), 1, "a user keeps its number");
        let key = StoredKey { id: "k1".into(), owner: "alice".into(), secret_sha256: "ab".repeat(32), comment: "c".into(), enabled: true, expires_at: 0, created_at: 5 };
        store.change_identity(&IdentityChange::PutKey(key.clone())).await.unwrap();
        store.change_identity(&IdentityChange::PutKey(StoredKey { enabled: false, expires_at: 9, ..key.clone() })).await.unwrap();
        store.change_identity(&IdentityChange::Assign("bob".into(), "ReadOnly".into())).await.unwrap();
        store.change_identity(&IdentityChange::Assign("bob".into(), "ReadOnly".into())).await.unwrap();
        store.change_identity(&IdentityChange::Assign("bob".into(), "analyst".into())).await.unwrap();
        store.change_identity(&IdentityChange::Unassign("bob".into(), "analyst".into())).await.unwrap();
        let grant = StoredGrant { role: "analyst".into(), object_type: "Database".into(), resource: "c.d".into(), action: "SELECT".into(), grant_option: false };
        store.change_identity(&IdentityChange::Grant(grant.clone())).await.unwrap();
        store.change_identity(&IdentityChange::Grant(StoredGrant { grant_option: true, ..grant.clone() })).await.unwrap();
        store.close().await;
        let again = SqlStore::open(&url).await.unwrap();
        let rows = again.identity().await.unwrap();
        assert_eq!(rows.users, [("alice".to_string(), 1), ("bob".to_string(), 2)], "{}", again.backend());
        assert_eq!(rows.keys, [StoredKey { enabled: false, expires_at: 9, ..key }]);
        assert_eq!(rows.assignments, [("bob".to_string(), "ReadOnly".to_string())]);
        assert_eq!(rows.grants, [StoredGrant { grant_option: true, ..grant.clone() }]);
        again.change_identity(&IdentityChange::Revoke(grant)).await.unwrap();
        again.change_identity(&IdentityChange::DeleteKey("k1".into())).await.unwrap();
        let rows = again.identity().await.unwrap();
        assert!(rows.grants.is_empty() && rows.keys.is_empty());
        again.close().await;
    }
}

#[tokio::test]
async fn engine_pools_and_their_usage_are_kept() {
    for url in locations().await {
        let _cleanup = Cleanup(url.clone());
        let store = SqlStore::open(&url).await.unwrap();
        let pool = StoredPool {
            name: "etl".into(),
            number: 1,
            description: "nightly".into(),
            config_id: 2,
            status: "up".into(),
            auto_suspend: 5,
            auto_resume: true,
            owner: "alice".into(),
            created_at: 10,
            modified_at: 10,
        };
        store.change_pool(&PoolChange::Put(pool.clone())).await.unwrap();
        // A replace keeps the number and creation time, changes the rest.
        let changed = StoredPool { status: "down".into(), number: 7, created_at: 99, modified_at: 20, ..pool.clone() };
        store.change_pool(&PoolChange::Put(changed)).await.unwrap();
        store.add_pool_usage(&[("etl".into(), PoolMinute { minute: 60_000, busy_ms: 500, queries: 1 })]).await.unwrap();
        store.add_pool_usage(&[("etl".into(), PoolMinute { minute: 60_000, busy_ms: 250, queries: 2 }), ("adhoc".into(), PoolMinute { minute: 120_000, busy_ms: 9, queries: 1 })]).await.unwrap();
        store.close().await;
        let again = SqlStore::open(&url).await.unwrap();
        assert_eq!(again.pools().await.unwrap(), [StoredPool { status: "down".into(), modified_at: 20, ..pool }], "{}", again.backend());
        assert_eq!(again.pool_usage(Some("etl"), 0, 180_000).await.unwrap(), [("etl".to_string(), PoolMinute { minute: 60_000, busy_ms: 750, queries: 3 })]);
        assert_eq!(again.pool_usage(None, 100_000, 180_000).await.unwrap(), [("adhoc".to_string(), PoolMinute { minute: 120_000, busy_ms: 9, queries: 1 })]);
        again.change_pool(&PoolChange::Delete("etl".into())).await.unwrap();
        assert!(again.pools().await.unwrap().is_empty());
        again.close().await;
    }
}
