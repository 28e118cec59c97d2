//! The pool registry without a store: definitions, admission, suspension.

use super::*;

fn definition(name: &str, config_id: i64) -> StoredPool {
    StoredPool {
        name: name.into(),
        number: 0,
        description: String::new(),
        config_id,
        status: "up".into(),
        auto_suspend: 0,
        auto_resume: false,
        owner: String::new(),
        created_at: 0,
        modified_at: 0,
    }
}

#[tokio::test]
async fn names_presets_and_ids_are_checked() {
    let pools = Pools::new(None, &[]);
    for bad in ["", "Etl", "9etl", "etl_", "etl-1", &"a".repeat(32)] {
        assert!(matches!(pools.create("alice", definition(bad, 1)).await, Err(GatewayError::BadRequest(_))), "{bad:?}");
    }
    assert!(pools.create("alice", definition("etl", 99)).await.unwrap_err().to_string().contains("configuration 99 does not exist"));
    let etl = pools.create("alice", definition("etl", 1)).await.unwrap();
    assert_eq!((etl.id.as_str(), etl.definition.owner.as_str(), etl.config.name.as_str()), ("vw-1-etl", "alice", "xsmall"));
    assert!(matches!(pools.create("bob", definition("etl", 2)).await, Err(GatewayError::Conflict(_))));
    let adhoc = pools.create("bob", definition("adhoc", 2)).await.unwrap();
    assert_eq!(adhoc.id, "vw-2-adhoc");
    assert_eq!(pools.resolve("vw-2-adhoc").unwrap(), "adhoc");
    assert!(matches!(pools.resolve("nope"), Err(GatewayError::NotFound(_))));
    let names: Vec<String> = pools.list().into_iter().map(|p| p.definition.name).collect();
    assert_eq!(names, ["adhoc", "etl"]);
}

#[tokio::test]
async fn a_pool_that_is_down_refuses_or_resumes() {
    let pools = Pools::new(None, &[]);
    pools.create("alice", StoredPool { status: "down".into(), ..definition("etl", 1) }).await.unwrap();
    let refused = pools.admit("etl").await.unwrap_err();
    assert!(matches!(refused, GatewayError::Conflict(ref m) if m.contains("is down")), "{refused:?}");
    pools.update("etl", PoolPatch { auto_resume: Some(true), ..PoolPatch::default() }).await.unwrap();
    let admission = pools.admit("vw-1-etl").await.unwrap();
    assert_eq!(pools.get("etl").unwrap().definition.status, "up");
    assert_eq!(pools.get("etl").unwrap().running, 1);
    assert!(matches!(pools.delete("etl").await, Err(GatewayError::Conflict(_))), "a pool in use is not deleted");
    drop(admission);
    pools.flush_usage().await;
    let usage = pools.usage(Some("etl"), 0, i64::MAX).await.unwrap();
    assert_eq!(usage.iter().map(|(_, m)| m.queries).sum::<i64>(), 1);
    pools.delete("etl").await.unwrap();
    assert!(pools.list().is_empty());
}

#[tokio::test]
async fn idle_pools_go_down_after_their_minutes() {
    let pools = Pools::new(None, &[]);
    pools.create("alice", StoredPool { auto_suspend: 2, ..definition("etl", 1) }).await.unwrap();
    pools.create("alice", definition("forever", 1)).await.unwrap();
    let start = Instant::now();
    let next = pools.suspend_idle(start).await.expect("a deadline");
    assert!(next - start <= Duration::from_secs(120) && next - start > Duration::from_secs(119), "{:?}", next - start);
    // A running query holds the pool up however long it runs.
    let admission = pools.admit("etl").await.unwrap();
    assert_eq!(pools.suspend_idle(start + Duration::from_secs(600)).await, None);
    drop(admission);
    let ended = Instant::now();
    pools.suspend_idle(ended + Duration::from_secs(119)).await;
    assert_eq!(pools.get("etl").unwrap().definition.status, "up");
    pools.suspend_idle(ended + Duration::from_secs(121)).await;
    assert_eq!(pools.get("etl").unwrap().definition.status, "down");
    assert_eq!(pools.get("forever").unwrap().definition.status, "up");
}

#[tokio::test]
async fn a_new_preset_applies_to_later_queries() {
    let pools = Pools::new(None, &[PoolConfig::parse(9, "name=tiny, memory=1mb, concurrency=1, queue=0").unwrap()]);
    pools.create("alice", definition("etl", 9)).await.unwrap();
    let first = pools.admit("etl").await.unwrap();
    assert!(matches!(pools.admit("etl").await, Err(GatewayError::LimitExceeded(_))), "queue 0: the second query is refused");
    pools.update("etl", PoolPatch { config_id: Some(1), ..PoolPatch::default() }).await.unwrap();
    let second = pools.admit("etl").await.unwrap();
    assert_eq!((first.config().name.as_str(), second.config().name.as_str()), ("tiny", "xsmall"));
}
