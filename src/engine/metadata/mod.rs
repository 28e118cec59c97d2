//! Metadata operations: JDBC `DatabaseMetaData`-style questions about a
//! session's catalog (HiveServer2's GetTables, GetColumns, ...), answered as
//! protocol-neutral result sets.
//!
//! The Kyuubi REST API runs these as operations next to statements; the
//! answer is one [`RecordBatch`] whose columns carry Hive's names, order and
//! types, so a handler only has to page and encode it. Catalogs are
//! DataFusion's catalogs, schemas are its schemas (Flink databases), and
//! types are described through [`crate::format::hive_type`]. Name patterns
//! are SQL LIKE patterns with `\` escapes, where a missing, empty or `%`
//! pattern matches everything, as HiveServer2 treats null.
//!
//! - [`relations`]: tables, columns and primary keys.
//! - [`types`]: type info, functions and (always empty) cross references.

mod batch;
mod relations;
mod types;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::SchemaProvider;
use datafusion::catalog::information_schema::{INFORMATION_SCHEMA, InformationSchemaProvider};

use super::SessionEngine;
use super::catalog::like_match;
use crate::error::Result;
use batch::{batch, text};

/// A JDBC DatabaseMetaData-style question about a session's catalog.
/// Patterns are SQL LIKE patterns (`%`, `_`, `\` escapes); None or "" or
/// "%" matches everything (as HiveServer2 treats null). A catalog is a name,
/// not a pattern: None or "" means every catalog.
#[derive(Debug, Clone)]
pub enum MetadataRequest {
    /// getTypeInfo: the Hive types the gateway produces.
    TypeInfo,
    /// getCatalogs: every catalog of the session.
    Catalogs,
    /// getTableTypes: "TABLE" and "VIEW".
    TableTypes,
    /// getSchemas: the databases of the matching catalogs.
    Schemas {
        /// The catalog to look in; None or "" for every catalog.
        catalog: Option<String>,
        /// LIKE pattern on the database name.
        schema_pattern: Option<String>,
    },
    /// getTables: tables and views.
    Tables {
        /// The catalog to look in; None or "" for every catalog.
        catalog: Option<String>,
        /// LIKE pattern on the database name.
        schema_pattern: Option<String>,
        /// LIKE pattern on the table name.
        table_pattern: Option<String>,
        /// Only these types ("TABLE", "VIEW", any case); None or empty for all.
        table_types: Option<Vec<String>>,
    },
    /// getColumns: the columns of the matching tables and views.
    Columns {
        /// The catalog to look in; None or "" for every catalog.
        catalog: Option<String>,
        /// LIKE pattern on the database name.
        schema_pattern: Option<String>,
        /// LIKE pattern on the table name.
        table_pattern: Option<String>,
        /// LIKE pattern on the column name.
        column_pattern: Option<String>,
    },
    /// getFunctions: the functions the session knows.
    Functions {
        /// The catalog to look in; None or "" for every catalog.
        catalog: Option<String>,
        /// LIKE pattern on the database name. The session's functions are
        /// system functions that belong to no database, so it does not
        /// narrow them (as in Kyuubi's Flink engine).
        schema_pattern: Option<String>,
        /// LIKE pattern on the function name, case-insensitive.
        function_pattern: Option<String>,
    },
    /// getPrimaryKeys: the `PRIMARY KEY (..) NOT ENFORCED` of a table.
    PrimaryKeys {
        /// The catalog of the table; None or "" for every catalog.
        catalog: Option<String>,
        /// The database of the table (a name, not a pattern); None or "" for every database.
        schema: Option<String>,
        /// The table name, exactly.
        table: String,
    },
    /// getCrossReference: foreign keys between two tables. Flink has none,
    /// so the answer is always empty.
    CrossReference {
        /// Catalog of the referenced (primary key) table.
        primary_catalog: Option<String>,
        /// Database of the referenced table.
        primary_schema: Option<String>,
        /// The referenced table.
        primary_table: Option<String>,
        /// Catalog of the referencing (foreign key) table.
        foreign_catalog: Option<String>,
        /// Database of the referencing table.
        foreign_schema: Option<String>,
        /// The referencing table.
        foreign_table: Option<String>,
    },
}

/// A value for [`MetadataRequest::describe`]: None and "" are "%"
/// (everything), control characters are escaped to keep one line.
fn shown(value: &Option<String>) -> String {
    match value.as_deref() {
        None | Some("") => "%".to_string(),
        Some(v) => v.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect(),
    }
}

impl MetadataRequest {
    /// A one-line description used as the operation's statement text, e.g.
    /// "GET_TABLES catalog=default_catalog schema=% table=t%".
    pub fn describe(&self) -> String {
        match self {
            MetadataRequest::TypeInfo => "GET_TYPE_INFO".to_string(),
            MetadataRequest::Catalogs => "GET_CATALOGS".to_string(),
            MetadataRequest::TableTypes => "GET_TABLE_TYPES".to_string(),
            MetadataRequest::Schemas { catalog, schema_pattern } => {
                format!("GET_SCHEMAS catalog={} schema={}", shown(catalog), shown(schema_pattern))
            }
            MetadataRequest::Tables { catalog, schema_pattern, table_pattern, table_types } => {
                let mut text = format!("GET_TABLES catalog={} schema={} table={}", shown(catalog), shown(schema_pattern), shown(table_pattern));
                if let Some(types) = table_types.as_ref().filter(|t| !t.is_empty()) {
                    let types: Vec<String> = types.iter().map(|t| shown(&Some(t.clone()))).collect();
                    text.push_str(&format!(" types={}", types.join(",")));
                }
                text
            }
            MetadataRequest::Columns { catalog, schema_pattern, table_pattern, column_pattern } => format!(
                "GET_COLUMNS catalog={} schema={} table={} column={}",
                shown(catalog),
                shown(schema_pattern),
                shown(table_pattern),
                shown(column_pattern)
            ),
            MetadataRequest::Functions { catalog, schema_pattern, function_pattern } => {
                format!("GET_FUNCTIONS catalog={} schema={} function={}", shown(catalog), shown(schema_pattern), shown(function_pattern))
            }
            MetadataRequest::PrimaryKeys { catalog, schema, table } => {
                format!("GET_PRIMARY_KEYS catalog={} schema={} table={}", shown(catalog), shown(schema), shown(&Some(table.clone())))
            }
            MetadataRequest::CrossReference { primary_catalog, primary_schema, primary_table, foreign_catalog, foreign_schema, foreign_table } => {
                format!(
                    "GET_CROSS_REFERENCE primary={}.{}.{} foreign={}.{}.{}",
                    shown(primary_catalog),
                    shown(primary_schema),
                    shown(primary_table),
                    shown(foreign_catalog),
                    shown(foreign_schema),
                    shown(foreign_table)
                )
            }
        }
    }
}

/// Whether `name` matches a request pattern: None, "" and "%" match
/// everything; otherwise SQL LIKE with `\` escapes, case-sensitive like
/// the names themselves.
fn pattern_matches(pattern: Option<&str>, name: &str) -> bool {
    match pattern {
        None | Some("") | Some("%") => true,
        Some(p) => like_match(p, name, Some('\\'), false),
    }
}

/// Whether `name` is the requested catalog (None or "" is every catalog).
fn catalog_matches(catalog: Option<&str>, name: &str) -> bool {
    catalog.is_none_or(|c| c.is_empty() || c == name)
}

/// One database of the session, with where it lives.
struct Database {
    /// Its catalog's name.
    catalog: String,
    /// Its name.
    name: String,
    /// Its provider, to list and open tables.
    provider: Arc<dyn SchemaProvider>,
}

impl SessionEngine {
    /// The result set of a metadata request over this session's catalog:
    /// the rows and their schema.
    pub async fn metadata(&self, request: &MetadataRequest) -> Result<RecordBatch> {
        use MetadataRequest as M;
        match request {
            M::TypeInfo => types::type_info(),
            M::Catalogs => batch(vec![text("TABLE_CAT", self.catalogs(None))]),
            M::TableTypes => batch(vec![text("TABLE_TYPE", ["TABLE".to_string(), "VIEW".to_string()])]),
            M::Schemas { catalog, schema_pattern } => {
                let databases = self.databases(catalog.as_deref(), schema_pattern.as_deref());
                batch(vec![
                    text("TABLE_SCHEM", databases.iter().map(|d| d.name.clone())),
                    text("TABLE_CATALOG", databases.iter().map(|d| d.catalog.clone())),
                ])
            }
            M::Tables { catalog, schema_pattern, table_pattern, table_types } => {
                self.tables_metadata(catalog.as_deref(), schema_pattern.as_deref(), table_pattern.as_deref(), table_types.as_deref()).await
            }
            M::Columns { catalog, schema_pattern, table_pattern, column_pattern } => {
                self.columns_metadata(catalog.as_deref(), schema_pattern.as_deref(), table_pattern.as_deref(), column_pattern.as_deref()).await
            }
            M::Functions { catalog, function_pattern, .. } => self.functions_metadata(catalog.as_deref(), function_pattern.as_deref()),
            M::PrimaryKeys { catalog, schema, table } => self.primary_keys_metadata(catalog.as_deref(), schema.as_deref(), table).await,
            M::CrossReference { .. } => types::cross_reference(),
        }
    }

    /// The names of the requested catalogs (None or "" for all), sorted.
    fn catalogs(&self, catalog: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = self.ctx.catalog_names().into_iter().filter(|n| catalog_matches(catalog, n)).collect();
        names.sort();
        names
    }

    /// The databases of the requested catalogs whose names match
    /// `schema_pattern`, ordered by catalog and name. DataFusion's
    /// `information_schema` is left out unless the session's properties
    /// enable it: the gateway turns it on internally for every session, and
    /// Flink's SHOW DATABASES never lists it, so only an explicit
    /// `datafusion.catalog.information_schema = true` shows it here.
    fn databases(&self, catalog: Option<&str>, schema_pattern: Option<&str>) -> Vec<Database> {
        let information_schema = self.information_schema();
        let mut out = Vec::new();
        for catalog_name in self.catalogs(catalog) {
            let Some(provider) = self.ctx.catalog(&catalog_name) else { continue };
            let mut names: Vec<String> = provider.schema_names().into_iter().filter(|n| n != INFORMATION_SCHEMA).collect();
            if information_schema.is_some() {
                names.push(INFORMATION_SCHEMA.to_string());
            }
            names.sort();
            for name in names.into_iter().filter(|n| pattern_matches(schema_pattern, n)) {
                let schema = match &information_schema {
                    Some(info) if name == INFORMATION_SCHEMA => Some(info.clone()),
                    _ => provider.schema(&name),
                };
                if let Some(schema) = schema {
                    out.push(Database { catalog: catalog_name.clone(), name, provider: schema });
                }
            }
        }
        out
    }

    /// DataFusion's `information_schema`, when the session's properties
    /// enable it and DataFusion has it on.
    fn information_schema(&self) -> Option<Arc<dyn SchemaProvider>> {
        let asked = self.properties.get("datafusion.catalog.information_schema").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let state = self.ctx.state_ref();
        let state = state.read();
        (asked && state.config().options().catalog.information_schema)
            .then(|| Arc::new(InformationSchemaProvider::new(state.catalog_list().clone())) as Arc<dyn SchemaProvider>)
    }
}
