//! Size presets of engine pools (the management API's `configID`s): how
//! many partitions a query is planned with, how much memory its operators
//! may reserve, how many queries run at once and how many wait.
//!
//! Four presets are built in; operators add or replace presets with
//! `sluicegate.vw.config.<id>` = `name=..., partitions=N, memory=SIZE,
//! concurrency=N, queue=N`.

use std::collections::BTreeMap;

use serde::Serialize;

/// One size preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolConfig {
    /// The `configID` clients pick it by (> 0).
    pub id: i64,
    /// A name for listings (`xsmall`, `small`, ...).
    pub name: String,
    /// DataFusion's `target_partitions` for the pool's queries: the
    /// parallelism of one query.
    pub target_partitions: usize,
    /// Bytes the pool's running queries may reserve together (sorts, joins,
    /// aggregations); beyond it a query fails with "Resources exhausted"
    /// instead of the process running out of memory.
    pub memory_limit: usize,
    /// Queries running at once; later ones wait in the pool's queue.
    pub max_concurrent: usize,
    /// Queries waiting at once; beyond it a query is refused (limit exceeded).
    pub max_queued: usize,
}

const MIB: usize = 1024 * 1024;

/// The presets every gateway has.
pub fn built_in() -> Vec<PoolConfig> {
    let preset = |id, name: &str, target_partitions, memory_mib: usize, max_concurrent, max_queued| PoolConfig {
        id,
        name: name.into(),
        target_partitions,
        memory_limit: memory_mib * MIB,
        max_concurrent,
        max_queued,
    };
    vec![
        preset(1, "xsmall", 1, 512, 2, 16),
        preset(2, "small", 2, 2048, 4, 32),
        preset(3, "medium", 4, 8192, 8, 64),
        preset(4, "large", 8, 16384, 16, 128),
    ]
}

impl PoolConfig {
    /// Parse an operator's preset `id` from `name=..., partitions=N,
    /// memory=SIZE, concurrency=N, queue=N` (every part optional but
    /// `memory`; partitions, concurrency and queue default to 1, 1 and 16).
    pub fn parse(id: i64, text: &str) -> Result<Self, String> {
        if id <= 0 {
            return Err(format!("configuration ids are positive, not {id}"));
        }
        let mut config = PoolConfig { id, name: format!("config{id}"), target_partitions: 1, memory_limit: 0, max_concurrent: 1, max_queued: 16 };
        let count = |key: &str, value: &str| value.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| format!("{key} must be a positive integer, not '{value}'"));
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| format!("expected key=value, not '{part}'"))?;
            let value = value.trim();
            match key.trim() {
                "name" => config.name = value.to_string(),
                "partitions" => config.target_partitions = count("partitions", value)?,
                "memory" => config.memory_limit = crate::config::parse_bytes(value)?.max(1) as usize,
                "concurrency" => config.max_concurrent = count("concurrency", value)?,
                "queue" => config.max_queued = value.parse().map_err(|_| format!("queue must be a non-negative integer, not '{value}'"))?,
                other => return Err(format!("unknown key '{other}': use name, partitions, memory, concurrency or queue")),
            }
        }
        if config.memory_limit == 0 {
            return Err("memory=SIZE is required (e.g. memory=2 gb)".into());
        }
        Ok(config)
    }
}

/// The built-in presets with the operator's on top, by id.
pub fn merged(operator: &[PoolConfig]) -> BTreeMap<i64, PoolConfig> {
    let mut all: BTreeMap<i64, PoolConfig> = built_in().into_iter().map(|c| (c.id, c)).collect();
    all.extend(operator.iter().map(|c| (c.id, c.clone())));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_presets_parse_and_replace_built_ins() {
        let tiny = PoolConfig::parse(9, "name=tiny, partitions=1, memory=8 mb, concurrency=1, queue=0").unwrap();
        assert_eq!(tiny, PoolConfig { id: 9, name: "tiny".into(), target_partitions: 1, memory_limit: 8 * MIB, max_concurrent: 1, max_queued: 0 });
        let small = PoolConfig::parse(2, "memory=1gb").unwrap();
        let all = merged(&[tiny, small]);
        assert_eq!(all.len(), 5);
        assert_eq!(all[&2].memory_limit, 1024 * MIB);
        assert!(PoolConfig::parse(5, "partitions=2").unwrap_err().contains("memory"));
        assert!(PoolConfig::parse(5, "memory=1gb, partitions=0").unwrap_err().contains("positive"));
        assert!(PoolConfig::parse(0, "memory=1gb").is_err());
        assert!(PoolConfig::parse(5, "memory=1gb, color=red").unwrap_err().contains("unknown key"));
    }
}
