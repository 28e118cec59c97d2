//! Rebuild the in-memory catalog from the store at start.
//!
//! Each stored object's definition runs as a statement of an engine that
//! does not write back, in the order the objects were stored. An object can
//! depend on one stored after it (a view over a table that was altered
//! later), so what fails is tried again while each pass makes progress;
//! what still fails is logged and left in the store, untouched, for an
//! operator to see.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::definitions::{DATA_ID, SCOPE_CATALOG, SCOPE_DATABASE, SUSPENDED};
use crate::engine::connector::memory::MemoryTable;
use crate::engine::dialect::{self, FlinkStatement};
use crate::engine::catalog::quoted;
use crate::engine::{EngineShared, SessionEngine, StatementOptions};
use crate::error::Result;
use crate::store::{CatalogObject, ObjectKey, ObjectKind};

/// The reason work still running when the gateway stopped is marked failed with.
pub const RESTART_REASON: &str = "gateway restarted";

/// What a replay did.
#[derive(Debug, Default)]
pub struct Restored {
    /// Objects recreated.
    pub objects: usize,
    /// Objects that could not be recreated, and why.
    pub failed: Vec<(ObjectKey, String)>,
    /// History records that were still running and are now failed.
    pub interrupted: u64,
}

/// Recreate every stored object in `shared`'s catalog; mark what was still
/// running when the gateway stopped as failed.
pub async fn replay(shared: &Arc<EngineShared>, defaults: Arc<BTreeMap<String, String>>) -> Result<Restored> {
    let Some(store) = shared.catalog.store().cloned() else {
        return Ok(Restored::default());
    };
    let engine = SessionEngine::new(defaults, BTreeMap::new(), shared.clone())?.replaying();
    let mut restored = Restored::default();
    let mut pending = store.objects().await?;
    loop {
        let mut failed = Vec::new();
        let tried = pending.len();
        for object in pending {
            match restore(&engine, &object).await {
                Ok(()) => restored.objects += 1,
                Err(e) => failed.push((object, e.to_string())),
            }
        }
        if failed.is_empty() || failed.len() == tried {
            restored.failed = failed.into_iter().map(|(o, e)| (o.key, e)).collect();
            break;
        }
        pending = failed.into_iter().map(|(o, _)| o).collect();
    }
    for (key, error) in &restored.failed {
        tracing::error!(object = %format!("{}.{}.{}", key.0, key.1, key.2), %error, "stored object could not be recreated");
    }
    remove_orphans(shared, &restored);
    restored.interrupted = store.fail_unfinished(RESTART_REASON).await?;
    Ok(restored)
}

/// Recreate one object.
async fn restore(engine: &SessionEngine, object: &CatalogObject) -> Result<()> {
    let options = StatementOptions::default();
    match object.kind {
        // The built-in database exists already.
        ObjectKind::Database if engine.database_exists(&object.key.0, &object.key.1) => return Ok(()),
        ObjectKind::View | ObjectKind::MaterializedTable => {
            if let (Some(catalog), Some(database)) = (object.properties.get(SCOPE_CATALOG), object.properties.get(SCOPE_DATABASE))
                && engine.database_exists(catalog, database)
            {
                engine.execute(&format!("USE {}.{}", dialect::quote_ident(catalog), dialect::quote_ident(database)), &options).await?;
            }
        }
        _ => {}
    }
    match (object.kind, object.properties.get(DATA_ID)) {
        // An in-memory table reads its rows back from its data directory.
        (ObjectKind::Table, Some(data_id)) => match dialect::parse(&object.definition)? {
            FlinkStatement::CreateTable(ddl) => {
                engine.create_table_with(ddl, Some(data_id.clone())).await?;
            }
            _ => return Err(crate::error::GatewayError::Internal(format!("stored table {} is not a CREATE TABLE", quoted(&object.key)))),
        },
        _ => {
            engine.execute(&object.definition, &options).await?;
        }
    }
    // The owner and management properties are not part of the definition.
    let properties = super::definitions::properties_of(&object.properties);
    let catalog = &engine.shared().catalog;
    match object.kind {
        ObjectKind::Database => catalog.set_database_meta(&object.key.0, &object.key.1, super::DatabaseMeta { owner: object.owner.clone(), properties }),
        ObjectKind::Catalog => {}
        _ => catalog.update_meta(&object.key, |meta| {
            meta.owner = object.owner.clone();
            meta.properties = properties;
        }),
    }
    if object.kind == ObjectKind::MaterializedTable && object.properties.get(SUSPENDED).is_some_and(|v| v == "true") {
        engine.execute(&format!("ALTER MATERIALIZED TABLE {} SUSPEND", quoted(&object.key)), &options).await?;
    }
    Ok(())
}

/// Remove data directories no stored table names: tables dropped while
/// their directory could not be removed, or written just before a crash
/// whose catalog change never became durable. Kept while some stored
/// object could not be recreated, since it may be one of those.
fn remove_orphans(shared: &EngineShared, restored: &Restored) {
    let Some(root) = &shared.memory_data else { return };
    if !restored.failed.is_empty() {
        return;
    }
    let live = shared.catalog.data_ids();
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !live.contains(&name) && entry.path().is_dir() {
            tracing::info!(dir = %entry.path().display(), "removing the data of a table that no longer exists");
            MemoryTable::remove_data(&entry.path());
        }
    }
}
