//! Flink connectors as DataFusion tables: `datagen`, `filesystem`, `print`
//! and `blackhole`, configured with Flink's option names and defaults.
//!
//! [`create_table`] turns the `WITH (...)` options of a `CREATE TABLE` into a
//! table provider; unknown connectors and options are refused with an error
//! naming them.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;

use crate::error::{GatewayError, Result};

/// What a connector table is built from.
#[derive(Debug, Clone)]
pub struct TableSpec {
    /// Fully qualified name, for messages (`default_catalog.default_database.t`).
    pub name: String,
    /// The physical columns (computed columns are not part of it).
    pub schema: SchemaRef,
    /// The `WITH (...)` options, keys as written (`connector`, `rows-per-second`, ...).
    pub options: BTreeMap<String, String>,
}

/// Build the table for `spec`.
pub fn create_table(spec: &TableSpec) -> Result<Arc<dyn TableProvider>> {
    let Some(connector) = spec.options.get("connector") else {
        return Err(GatewayError::Sql(format!("Table options do not contain an option key 'connector' for discovering a connector. Table: {}", spec.name)));
    };
    Err(GatewayError::Sql(format!(
        "Could not find any factory for identifier '{connector}' that implements 'DynamicTableFactory'.\nAvailable factory identifiers are:\n\nblackhole\ndatagen\nfilesystem\nprint"
    )))
}
