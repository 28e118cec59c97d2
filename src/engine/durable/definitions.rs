//! The durable form of each catalog object: the statement that recreates
//! it, fully qualified, plus what replay needs beside it (the database a
//! view's query was written in, whether a materialized table is suspended).

use std::collections::BTreeMap;

use crate::engine::catalog::{quoted, TableKey};
use crate::engine::ddl::render_create_table;
use crate::engine::dialect::{quote_ident, quote_literal, CreateTable};
use crate::store::{CatalogObject, ObjectKind};

/// Property: the catalog a view's or materialized table's query was written in.
pub const SCOPE_CATALOG: &str = "scope.catalog";
/// Property: the database a view's or materialized table's query was written in.
pub const SCOPE_DATABASE: &str = "scope.database";
/// Property: the data directory of an in-memory table.
pub const DATA_ID: &str = "data.id";
/// Prefix of the management properties among an object's stored properties.
pub const PROPERTY_PREFIX: &str = "prop.";
/// Property: a materialized table is not refreshed periodically.
pub const SUSPENDED: &str = "suspended";


/// An object with `definition`; the store numbers it and keeps its creation time.
fn object(key: TableKey, kind: ObjectKind, definition: String, properties: BTreeMap<String, String>, owner: &str) -> CatalogObject {
    CatalogObject { key, kind, definition, properties, owner: owner.to_string(), seq: 0, created_at: 0, updated_at: 0 }
}

/// Where a query was written: replay runs it from there.
fn scope(scope: &(String, String)) -> BTreeMap<String, String> {
    BTreeMap::from([(SCOPE_CATALOG.to_string(), scope.0.clone()), (SCOPE_DATABASE.to_string(), scope.1.clone())])
}

/// A catalog from `CREATE CATALOG name WITH (options)`.
pub fn catalog(name: &str, options: &BTreeMap<String, String>, owner: &str) -> CatalogObject {
    let options: Vec<String> = options.iter().map(|(k, v)| format!("{} = {}", quote_literal(k), quote_literal(v))).collect();
    let definition = format!("CREATE CATALOG {} WITH ({})", quote_ident(name), options.join(", "));
    object((name.to_string(), String::new(), String::new()), ObjectKind::Catalog, definition, BTreeMap::new(), owner)
}

/// A database.
pub fn database(catalog: &str, database: &str, owner: &str) -> CatalogObject {
    let definition = format!("CREATE DATABASE {}.{}", quote_ident(catalog), quote_ident(database));
    object((catalog.to_string(), database.to_string(), String::new()), ObjectKind::Database, definition, BTreeMap::new(), owner)
}

/// A table created with Flink DDL, as SHOW CREATE TABLE prints it, and
/// the data directory of its rows when it is an in-memory table.
pub fn table(key: &TableKey, ddl: &CreateTable, data_id: Option<&str>, owner: &str) -> CatalogObject {
    let properties = data_id.map(|id| BTreeMap::from([(DATA_ID.to_string(), id.to_string())])).unwrap_or_default();
    object(key.clone(), ObjectKind::Table, render_create_table(key, ddl), properties, owner)
}

/// A view: its column names (when declared) and its query, written in `scope`.
pub fn view(key: &TableKey, columns: &[String], query: &str, written_in: &(String, String), owner: &str) -> CatalogObject {
    let columns = if columns.is_empty() { String::new() } else { format!(" ({})", columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")) };
    let definition = format!("CREATE VIEW {}{columns} AS\n{query}", quoted(key));
    object(key.clone(), ObjectKind::View, definition, scope(written_in), owner)
}

/// What a materialized table is made of.
pub struct MaterializedDefinition<'a> {
    /// Where it lives.
    pub key: &'a TableKey,
    /// The query as the user wrote it.
    pub query: &'a str,
    /// The refresh period.
    pub freshness: Option<std::time::Duration>,
    /// Where the query was written.
    pub written_in: &'a (String, String),
    /// Suspended: not refreshed periodically.
    pub suspended: bool,
}

/// A materialized table.
pub fn materialized(def: &MaterializedDefinition<'_>, owner: &str) -> CatalogObject {
    let freshness = def.freshness.map(|f| format!(" FRESHNESS = INTERVAL '{}' SECOND", f.as_secs().max(1))).unwrap_or_default();
    let definition = format!("CREATE MATERIALIZED TABLE {}{freshness} AS\n{}", quoted(def.key), def.query);
    let mut properties = scope(def.written_in);
    if def.suspended {
        properties.insert(SUSPENDED.to_string(), "true".to_string());
    }
    object(def.key.clone(), ObjectKind::MaterializedTable, definition, properties, owner)
}

/// `object` with management `properties` beside its own.
pub fn with_properties(mut object: CatalogObject, properties: &BTreeMap<String, String>) -> CatalogObject {
    object.properties.extend(properties.iter().map(|(k, v)| (format!("{PROPERTY_PREFIX}{k}"), v.clone())));
    object
}

/// The management properties among stored ones.
pub fn properties_of(stored: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    stored.iter().filter_map(|(k, v)| k.strip_prefix(PROPERTY_PREFIX).map(|k| (k.to_string(), v.clone()))).collect()
}

/// The stored form of a table or view from its definition (`None`:
/// TEMPORARY, or not made with DDL here).
pub fn of_meta(key: &TableKey, meta: &crate::engine::catalog::TableMeta) -> Option<CatalogObject> {
    if meta.temporary {
        return None;
    }
    let object = if let Some(query) = &meta.view_query {
        let scope = meta.scope.clone().unwrap_or_else(|| (key.0.clone(), key.1.clone()));
        view(key, &meta.view_columns, query, &scope, &meta.owner)
    } else {
        table(key, meta.ddl.as_ref()?, meta.data_id.as_deref(), &meta.owner)
    };
    Some(with_properties(object, &meta.properties))
}
