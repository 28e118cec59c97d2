//! Table properties with no DataFusion meaning: values a management API
//! accepts for a table (ordering keys, sampling key, TTL, a description,
//! column defaults, the types a client declared) that the engine cannot
//! apply but that must be stored and shown back.
//!
//! They live with the object's definition in the shared catalog and in the
//! metadata store (one change, written before it is answered), so they
//! survive restarts, follow a rename and go with a drop. A key is
//! `(catalog, database, table)`; [`DATABASE`] as the table part stands for
//! the database itself.

use std::collections::BTreeMap;

use crate::engine::catalog::TableKey;
use crate::engine::durable::definitions;
use crate::error::{GatewayError, Result};
use crate::gateway::Gateway;
use crate::identity::User;
use crate::store::CatalogChange;

/// The table part of a key whose properties belong to the database itself.
pub const DATABASE: &str = "";

/// Longest property key or value accepted, so one request cannot hold much memory.
const MAX_TEXT: usize = 64 * 1024;
/// Most properties one table keeps.
const MAX_PROPERTIES: usize = 1024;

impl Gateway {
    /// Replace the properties of `key` with `props`, durably. `caller` is
    /// who asked, for the log; the object keeps its owner.
    pub async fn set_table_properties(&self, caller: &User, key: TableKey, props: BTreeMap<String, String>) -> Result<()> {
        if props.len() > MAX_PROPERTIES {
            return Err(GatewayError::bad_request(format!("A table keeps at most {MAX_PROPERTIES} properties, not {}.", props.len())));
        }
        if let Some((k, _)) = props.iter().find(|(k, v)| k.len() > MAX_TEXT || v.len() > MAX_TEXT) {
            return Err(GatewayError::bad_request(format!("Property {k} is longer than {MAX_TEXT} bytes.")));
        }
        let access = self.iam().access(&caller.name, caller.active_role.as_deref())?;
        access.require(crate::identity::access::Action::Alter, &crate::identity::access::Target::Database(key.0.clone(), key.1.clone()))?;
        tracing::debug!(user = %caller, table = ?key, properties = props.len(), "table properties set");
        let catalog = &self.engine_shared().catalog;
        if key.2 == DATABASE {
            let mut meta = catalog.database_meta(&key.0, &key.1);
            let owner = if meta.owner.is_empty() { caller.name.clone() } else { meta.owner.clone() };
            let object = definitions::with_properties(definitions::database(&key.0, &key.1, &owner), &props);
            catalog.apply(&[CatalogChange::Put(object)]).await?;
            meta.owner = owner;
            meta.properties = props;
            catalog.set_database_meta(&key.0, &key.1, meta);
            return Ok(());
        }
        let Some(mut meta) = catalog.meta(&key) else {
            return Err(GatewayError::Sql(format!("Table {}.{}.{} has no definition to keep properties with.", key.0, key.1, key.2)));
        };
        meta.properties = props;
        if let Some(object) = definitions::of_meta(&key, &meta) {
            catalog.apply(&[CatalogChange::Put(object)]).await?;
        }
        catalog.update_meta(&key, |m| m.properties = meta.properties);
        Ok(())
    }

    /// The properties of `key` (empty when none were set).
    pub fn table_properties(&self, key: &TableKey) -> BTreeMap<String, String> {
        let catalog = &self.engine_shared().catalog;
        if key.2 == DATABASE {
            return catalog.database_meta(&key.0, &key.1).properties;
        }
        catalog.meta(key).map(|m| m.properties).unwrap_or_default()
    }
}
