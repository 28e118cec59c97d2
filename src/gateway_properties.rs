//! Table properties with no DataFusion meaning: values a management API
//! accepts for a table (ordering keys, sampling key, TTL, a description,
//! column defaults, the types a client declared) that the engine cannot
//! apply but that must be stored and shown back.
//!
//! Kept in memory for now, for the gateway's lifetime: the durable store
//! will take them over (same two functions, same keys). A key is
//! `(catalog, database, table)`; [`DATABASE`] as the table part holds the
//! properties of the database itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::engine::catalog::TableKey;
use crate::error::{GatewayError, Result};
use crate::gateway::Gateway;
use crate::identity::User;

/// The table part of a key whose properties belong to the database itself.
pub const DATABASE: &str = "";

/// Longest property key or value accepted, so one request cannot hold much memory.
const MAX_TEXT: usize = 64 * 1024;
/// Most properties one table keeps.
const MAX_PROPERTIES: usize = 1024;

/// The in-memory property store of a gateway.
#[derive(Debug, Default)]
pub struct PropertyStore {
    /// Properties by table key.
    tables: Mutex<HashMap<TableKey, BTreeMap<String, String>>>,
}

impl Gateway {
    /// Replace the properties of `key` with `props` (an empty map forgets
    /// them, as when the table is dropped). `caller` is who asked, for the log.
    pub fn set_table_properties(&self, caller: &User, key: (String, String, String), props: BTreeMap<String, String>) -> Result<()> {
        if props.len() > MAX_PROPERTIES {
            return Err(GatewayError::bad_request(format!("A table keeps at most {MAX_PROPERTIES} properties, not {}.", props.len())));
        }
        if let Some((k, _)) = props.iter().find(|(k, v)| k.len() > MAX_TEXT || v.len() > MAX_TEXT) {
            return Err(GatewayError::bad_request(format!("Property {k} is longer than {MAX_TEXT} bytes.")));
        }
        tracing::debug!(user = %caller, table = ?key, properties = props.len(), "table properties set");
        let mut tables = self.property_store().tables.lock().unwrap_or_else(|e| e.into_inner());
        if props.is_empty() {
            tables.remove(&key);
        } else {
            tables.insert(key, props);
        }
        Ok(())
    }

    /// The properties of `key` (empty when none were set).
    pub fn table_properties(&self, key: &(String, String, String)) -> BTreeMap<String, String> {
        self.property_store().tables.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned().unwrap_or_default()
    }

    /// Forget the properties of every table of `catalog.database` and of
    /// the database itself (it was dropped).
    pub fn forget_database_properties(&self, caller: &User, catalog: &str, database: &str) {
        tracing::debug!(user = %caller, catalog, database, "database properties forgotten");
        self.property_store().tables.lock().unwrap_or_else(|e| e.into_inner()).retain(|k, _| !(k.0 == catalog && k.1 == database));
    }
}
