//! Flink connectors as DataFusion tables: `datagen`, `filesystem`, `print`
//! and `blackhole`, configured with Flink's option names and defaults.
//!
//! [`create_table`] turns the `WITH (...)` options of a `CREATE TABLE` into a
//! table provider; unknown connectors and options are refused with an error
//! naming them.
//!
//! - [`datagen`]: generated rows, bounded or unbounded, at a set rate.
//! - [`roots`]: the directories file paths in options must stay inside.
//! - [`filesystem`]: files in a directory as a bounded or monitored source and
//!   as a sink.
//! - [`sinks`]: the `print` and `blackhole` sinks and the operation log.

pub mod datagen;
pub mod filesystem;
pub mod memory;
pub mod roots;
mod row_text;
pub mod sinks;

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;

use crate::error::{GatewayError, Result};
use roots::DataRoots;

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

/// Build the table for `spec`; file paths in its options must lie inside `roots`.
pub fn create_table(spec: &TableSpec, roots: &DataRoots) -> Result<Arc<dyn TableProvider>> {
    let Some(connector) = spec.options.get("connector") else {
        return Err(GatewayError::Sql(format!("Table options do not contain an option key 'connector' for discovering a connector. Table: {}", spec.name)));
    };
    match connector.as_str() {
        "datagen" => datagen::create(spec),
        "filesystem" => filesystem::create(spec, roots),
        "print" => sinks::print(spec),
        "blackhole" => sinks::blackhole(spec),
        _ => Err(GatewayError::Sql(format!(
            "Could not find any factory for identifier '{connector}' that implements 'DynamicTableFactory'.\nAvailable factory identifiers are:\n\nblackhole\ndatagen\nfilesystem\nprint"
        ))),
    }
}

/// Refuse options a connector does not know, with Flink's message: the
/// unknown keys, then every key the connector supports, both sorted.
pub(crate) fn check_supported_options<'a>(
    connector: &str,
    options: impl IntoIterator<Item = &'a String>,
    supported: &[&str],
) -> Result<()> {
    let mut unknown: Vec<&str> = options.into_iter().map(String::as_str).filter(|key| !supported.contains(key)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort_unstable();
    let mut known = supported.to_vec();
    known.sort_unstable();
    known.dedup();
    Err(GatewayError::Sql(format!(
        "Unsupported options found for '{connector}'.\n\nUnsupported options:\n\n{}\n\nSupported options:\n\n{}",
        unknown.join("\n"),
        known.join("\n")
    )))
}
