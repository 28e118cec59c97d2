//! Catalog statements in Flink's terms: catalogs hold databases, databases
//! hold tables and views. DataFusion calls databases schemas; this module
//! translates, and answers SHOW/DESCRIBE with Flink's column names.
//!
//! Tables created through Flink DDL keep their definition ([`TableMeta`]) so
//! that DESCRIBE and SHOW CREATE TABLE print the declared Flink types,
//! computed columns, keys and watermarks.

use std::sync::Arc;

use datafusion::catalog::{MemoryCatalogProvider, MemorySchemaProvider};
use datafusion::catalog::{CatalogProvider, TableProvider};
use datafusion::datasource::TableType;

use super::dialect::{flink_type_of, quote_ident, ColumnKind, CreateTable, Like, Name};
use super::durable::definitions;
use super::results::{listing, names, ok_result, Column};
use super::{Prepared, SessionEngine};
use crate::error::{GatewayError, Result};
use crate::store::CatalogChange;

/// A table's place: catalog, database, table.
pub type TableKey = (String, String, String);

/// What the gateway remembers of a table beyond its DataFusion provider.
#[derive(Debug, Clone, Default)]
pub struct TableMeta {
    /// The Flink DDL it was created with, for DESCRIBE and SHOW CREATE TABLE.
    pub ddl: Option<CreateTable>,
    /// For views: the defining query text.
    pub view_query: Option<String>,
    /// For views: the column names declared before `AS`, to store them again.
    pub view_columns: Vec<String>,
    /// For views: the catalog and database the query was written in, so
    /// its unqualified names mean the same after a restart.
    pub scope: Option<(String, String)>,
    /// TEMPORARY: the session's own, never stored.
    pub temporary: bool,
    /// For durable in-memory tables: the name of their data directory.
    pub data_id: Option<String>,
    /// Who created it.
    pub owner: String,
    /// Values a management API keeps for it that the engine does not apply
    /// (a description, ordering keys, a TTL), stored with it.
    pub properties: std::collections::BTreeMap<String, String>,
}

impl TableMeta {
    /// A table created with Flink DDL.
    pub fn table(ddl: CreateTable) -> Self {
        TableMeta { ddl: Some(ddl), ..TableMeta::default() }
    }
}

/// `` `a`.`b`.`c` `` as Flink prints identifiers.
pub fn quoted(key: &TableKey) -> String {
    format!("{}.{}.{}", quote_ident(&key.0), quote_ident(&key.1), quote_ident(&key.2))
}

/// SQL `LIKE` (or `ILIKE`) with `%` and `_`.
pub fn like_matches(like: &Like, text: &str) -> bool {
    like_match(&like.pattern, text, None, like.ilike) != like.not
}

/// SQL `LIKE` of `text` against `pattern`: `%` matches any run of
/// characters, `_` any one character, and `escape` (JDBC's `\`) makes the
/// character after it literal (a trailing escape is itself literal).
/// `case_insensitive` compares lower-cased text, as `ILIKE` does.
///
/// Greedy with one backtracking point (the last `%`), so the work is at
/// most pattern length times text length, never exponential.
pub fn like_match(pattern: &str, text: &str, escape: Option<char>, case_insensitive: bool) -> bool {
    /// One element of a parsed pattern.
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        /// `%`.
        Any,
        /// `_`.
        One,
        /// Any other (or escaped) character.
        Char(char),
    }
    let fold = |s: &str| if case_insensitive { s.to_lowercase() } else { s.to_string() };
    let (pattern, text) = (fold(pattern), fold(text));
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            c if Some(c) == escape => Token::Char(chars.next().unwrap_or(c)),
            '%' => Token::Any,
            '_' => Token::One,
            c => Token::Char(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `%` was, and the text position it currently stands for.
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::Any) => {
                resume = Some((p, t));
                p += 1;
            }
            Some(Token::One) => {
                p += 1;
                t += 1;
            }
            Some(Token::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match resume {
                // Let the last `%` swallow one more character and retry.
                Some((star, from)) => {
                    resume = Some((star, from + 1));
                    p = star + 1;
                    t = from + 1;
                }
                None => return false,
            },
        }
    }
    tokens.iter().skip(p).all(|token| *token == Token::Any)
}

impl SessionEngine {
    /// The current catalog and database.
    pub fn current(&self) -> (String, String) {
        let state = self.ctx.state();
        let options = &state.config().options().catalog;
        (options.default_catalog.clone(), options.default_schema.clone())
    }

    /// Complete a table name from the current catalog and database.
    pub fn table_key(&self, name: &Name) -> Result<TableKey> {
        let (catalog, database) = self.current();
        match name.as_slice() {
            [t] => Ok((catalog, database, t.clone())),
            [d, t] => Ok((catalog, d.clone(), t.clone())),
            [c, d, t] => Ok((c.clone(), d.clone(), t.clone())),
            _ => Err(GatewayError::Sql(format!("Invalid table name '{}': expected [catalog.][database.]table", name.join(".")))),
        }
    }

    /// Whether `catalog.database` exists.
    pub fn database_exists(&self, catalog: &str, database: &str) -> bool {
        self.ctx.catalog(catalog).is_some_and(|c| c.schema(database).is_some())
    }

    fn catalog(&self, name: &str) -> Result<Arc<dyn CatalogProvider>> {
        self.ctx.catalog(name).ok_or_else(|| GatewayError::Sql(format!("A catalog with name [{name}] does not exist.")))
    }

    /// The provider of a table or view, if it exists.
    pub async fn lookup(&self, key: &TableKey) -> Result<Option<Arc<dyn TableProvider>>> {
        let Some(schema) = self.catalog(&key.0)?.schema(&key.1) else {
            return Err(GatewayError::Sql(format!("Database {} does not exist in Catalog {}.", key.1, key.0)));
        };
        Ok(schema.table(&key.2).await.map_err(super::errors::from_datafusion)?)
    }

    /// The provider of an existing table or view, or Flink's error.
    pub async fn existing(&self, key: &TableKey) -> Result<Arc<dyn TableProvider>> {
        self.lookup(key)
            .await?
            .ok_or_else(|| GatewayError::Sql(format!("Table or view with identifier '{}' doesn't exist.", quoted(key))))
    }

    /// Whether `key` is a view. Tables created here know; for the others the
    /// provider tells (streaming connector tables call themselves views in
    /// DataFusion, so the definition wins).
    pub fn is_view(&self, key: &TableKey, provider: &Arc<dyn TableProvider>) -> bool {
        match self.meta(key) {
            Some(meta) => meta.view_query.is_some(),
            None => provider.table_type() == TableType::View,
        }
    }

    /// The Flink definition of a table, when it has one.
    pub fn meta(&self, key: &TableKey) -> Option<TableMeta> {
        self.temporary.meta(key).or_else(|| self.shared.catalog.meta(key))
    }

    /// Every definition the session sees: its temporary ones first.
    pub fn metas(&self) -> Vec<(TableKey, TableMeta)> {
        let mut all = self.temporary.metas();
        all.extend(self.shared.catalog.metas());
        all
    }

    pub(super) fn use_catalog(&self, name: &str) -> Result<Prepared> {
        self.catalog(name)?;
        let state = self.ctx.state_ref();
        state.write().config_mut().options_mut().catalog.default_catalog = name.to_string();
        Ok(ok_result())
    }

    pub(super) fn use_database(&self, name: &Name) -> Result<Prepared> {
        let (catalog, database) = match name.as_slice() {
            [d] => (self.current().0, d.clone()),
            [c, d] => (c.clone(), d.clone()),
            _ => return Err(GatewayError::Sql(format!("Invalid database name '{}'", name.join(".")))),
        };
        if self.catalog(&catalog)?.schema(&database).is_none() {
            return Err(GatewayError::Sql(format!("A database with name [{database}] does not exist in the catalog: [{catalog}].")));
        }
        let state = self.ctx.state_ref();
        let mut state = state.write();
        let options = &mut state.config_mut().options_mut().catalog;
        options.default_catalog = catalog;
        options.default_schema = database;
        Ok(ok_result())
    }

    fn database_of(&self, name: &Name) -> Result<(String, String)> {
        match name.as_slice() {
            [d] => Ok((self.current().0, d.clone())),
            [c, d] => Ok((c.clone(), d.clone())),
            _ => Err(GatewayError::Sql(format!("Invalid database name '{}'", name.join(".")))),
        }
    }

    pub(super) async fn create_database(&self, name: &Name, if_not_exists: bool) -> Result<Prepared> {
        let (catalog, database) = self.database_of(name)?;
        let provider = self.catalog(&catalog)?;
        if provider.schema(&database).is_some() {
            if if_not_exists {
                return Ok(ok_result());
            }
            return Err(GatewayError::Sql(format!("Could not execute CREATE DATABASE: Database {database} already exists in Catalog {catalog}.")));
        }
        self.persist(vec![CatalogChange::Put(definitions::database(&catalog, &database, &self.owner))]).await?;
        provider
            .register_schema(&database, Arc::new(MemorySchemaProvider::new()))
            .map_err(super::errors::from_datafusion)?;
        let meta = super::durable::DatabaseMeta { owner: self.owner.clone(), properties: Default::default() };
        self.shared.catalog.set_database_meta(&catalog, &database, meta);
        Ok(ok_result())
    }

    pub(super) async fn drop_database(&self, name: &Name, if_exists: bool, cascade: bool) -> Result<Prepared> {
        let (catalog, database) = self.database_of(name)?;
        let provider = self.catalog(&catalog)?;
        let Some(schema) = provider.schema(&database) else {
            if if_exists {
                return Ok(ok_result());
            }
            return Err(GatewayError::Sql(format!("Could not execute DROP DATABASE: Database {database} does not exist in Catalog {catalog}.")));
        };
        if (catalog.clone(), database.clone()) == self.current() {
            return Err(GatewayError::Sql("Cannot drop a database which is currently in use.".into()));
        }
        if !cascade && !schema.table_names().is_empty() {
            return Err(GatewayError::Sql(format!("Could not execute DROP DATABASE: Database {database} in catalog {catalog} is not empty.")));
        }
        self.persist(vec![CatalogChange::DeleteDatabase(catalog.clone(), database.clone())]).await?;
        provider.deregister_schema(&database, cascade).map_err(super::errors::from_datafusion)?;
        for data_id in self.shared.catalog.forget_within(&catalog, Some(&database)) {
            self.remove_data(Some(&data_id));
        }
        Ok(ok_result())
    }

    pub(super) async fn create_catalog(&self, name: &str, options: &std::collections::BTreeMap<String, String>) -> Result<Prepared> {
        match options.get("type").map(String::as_str) {
            Some("generic_in_memory") => {}
            Some(other) => {
                return Err(GatewayError::Sql(format!("Could not find any factory for identifier '{other}' that implements 'CatalogFactory'. Available: generic_in_memory")));
            }
            None => return Err(GatewayError::Sql("Catalog options do not contain an option key 'type' for discovering a catalog.".into())),
        }
        if self.ctx.catalog(name).is_some() {
            return Err(GatewayError::Sql(format!("Catalog {name} already exists.")));
        }
        let catalog = MemoryCatalogProvider::new();
        let database = options.get("default-database").cloned().unwrap_or_else(|| "default".into());
        catalog
            .register_schema(&database, Arc::new(MemorySchemaProvider::new()))
            .map_err(super::errors::from_datafusion)?;
        self.persist(vec![CatalogChange::Put(definitions::catalog(name, options, &self.owner))]).await?;
        self.ctx.register_catalog(name, Arc::new(catalog));
        Ok(ok_result())
    }

    pub(super) async fn drop_catalog(&self, name: &str, if_exists: bool) -> Result<Prepared> {
        if self.ctx.catalog(name).is_none() {
            if if_exists {
                return Ok(ok_result());
            }
            return Err(GatewayError::Sql(format!("Catalog {name} does not exist.")));
        }
        if self.current().0 == name {
            return Err(GatewayError::Sql(format!("Cannot drop a catalog which is currently in use: {name}")));
        }
        self.persist(vec![CatalogChange::DeleteCatalog(name.to_string())]).await?;
        self.shared.catalog.list.deregister(name);
        for data_id in self.shared.catalog.forget_within(name, None) {
            self.remove_data(Some(&data_id));
        }
        Ok(ok_result())
    }

    pub(super) fn show_catalogs(&self) -> Result<Prepared> {
        let mut catalogs = self.ctx.catalog_names();
        catalogs.sort();
        names("catalog name", catalogs)
    }

    pub(super) fn show_databases(&self, catalog: Option<&str>) -> Result<Prepared> {
        let catalog = catalog.map(str::to_string).unwrap_or_else(|| self.current().0);
        let mut databases: Vec<String> = self.catalog(&catalog)?.schema_names().into_iter().filter(|d| d != "information_schema").collect();
        databases.sort();
        names("database name", databases)
    }

    /// Tables (`views == false`) or views of a database, filtered by `like`.
    pub(super) async fn show_tables(&self, from: Option<&Name>, like: Option<&Like>, views: bool) -> Result<Prepared> {
        let (catalog, database) = match from {
            Some(name) => self.database_of(name)?,
            None => self.current(),
        };
        let Some(schema) = self.catalog(&catalog)?.schema(&database) else {
            return Err(GatewayError::Sql(format!("Database {database} does not exist in Catalog {catalog}.")));
        };
        let mut out = Vec::new();
        for table in schema.table_names() {
            let key = (catalog.clone(), database.clone(), table.clone());
            let is_view = match schema.table(&table).await {
                Ok(Some(provider)) => self.is_view(&key, &provider),
                _ => false,
            };
            // Flink's SHOW TABLES lists views too; SHOW VIEWS only views.
            if (!views || is_view) && like.is_none_or(|l| like_matches(l, &table)) {
                out.push(table);
            }
        }
        out.sort();
        names(if views { "view name" } else { "table name" }, out)
    }

    pub(super) fn show_functions(&self, user_only: bool, like: Option<&Like>) -> Result<Prepared> {
        let mut out: Vec<String> = Vec::new();
        if !user_only {
            let state = self.ctx.state();
            out.extend(state.scalar_functions().keys().cloned());
            out.extend(state.aggregate_functions().keys().cloned());
            out.extend(state.window_functions().keys().cloned());
        }
        out.retain(|f| like.is_none_or(|l| like_matches(l, f)));
        out.sort();
        out.dedup();
        names("function name", out)
    }

    pub(super) fn show_current_catalog(&self) -> Result<Prepared> {
        names("current catalog name", [self.current().0])
    }

    pub(super) fn show_current_database(&self) -> Result<Prepared> {
        names("current database name", [self.current().1])
    }

    /// DESCRIBE / SHOW COLUMNS: name, type, null, key, extras, watermark.
    pub(super) async fn describe(&self, name: &Name, like: Option<&Like>) -> Result<Prepared> {
        let key = self.table_key(name)?;
        let provider = self.existing(&key).await?;
        // A CTAS table declares no columns: its schema is the query's.
        let ddl = self.meta(&key).and_then(|m| m.ddl).filter(|d| !d.columns.is_empty());
        let mut rows: Vec<[Option<String>; 5]> = Vec::new();
        let mut nulls = Vec::new();
        match ddl {
            Some(ddl) => {
                let rowtime = ddl.watermark.as_ref().map(|w| w.column.clone());
                for column in &ddl.columns {
                    let key_text = ddl.primary_key.contains(&column.name).then(|| format!("PRI({})", ddl.primary_key.join(", ")));
                    let watermark = ddl.watermark.as_ref().filter(|w| w.column == column.name).map(|w| w.expr.clone());
                    let rowtime_mark = if rowtime.as_deref() == Some(column.name.as_str()) { " *ROWTIME*" } else { "" };
                    let (ty, nullable, extras) = match &column.kind {
                        ColumnKind::Physical(ty) => (format!("{}{rowtime_mark}", ty.sql().trim_end_matches(" NOT NULL")), ty.nullable(), None),
                        ColumnKind::Computed { expr } => {
                            let field = provider.schema().field_with_name(&column.name).ok().cloned();
                            let ty = field.as_ref().map(|f| flink_type_of(f.data_type())).unwrap_or_else(|| "STRING".into());
                            let proctime = expr.to_uppercase().replace(' ', "") == "PROCTIME()";
                            let ty = if proctime { "TIMESTAMP_LTZ(3) *PROCTIME*".to_string() } else { format!("{ty}{rowtime_mark}") };
                            (ty, !proctime, Some(format!("AS {expr}")))
                        }
                        ColumnKind::Metadata { ty, key, is_virtual } => {
                            let mut extras = "METADATA".to_string();
                            if let Some(k) = key {
                                extras.push_str(&format!(" FROM '{k}'"));
                            }
                            if *is_virtual {
                                extras.push_str(" VIRTUAL");
                            }
                            (ty.sql().trim_end_matches(" NOT NULL").to_string(), ty.nullable(), Some(extras))
                        }
                    };
                    rows.push([Some(column.name.clone()), Some(ty), key_text, extras, watermark]);
                    nulls.push(Some(nullable && !ddl.primary_key.contains(&column.name)));
                }
            }
            None => {
                for field in provider.schema().fields() {
                    rows.push([Some(field.name().clone()), Some(flink_type_of(field.data_type())), None, None, None]);
                    nulls.push(Some(field.is_nullable()));
                }
            }
        }
        let keep: Vec<bool> = rows.iter().map(|r| like.is_none_or(|l| like_matches(l, r[0].as_deref().unwrap_or_default()))).collect();
        let pick = |i: usize| rows.iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r[i].clone()).collect::<Vec<_>>();
        let nulls: Vec<Option<bool>> = nulls.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(n, _)| n).collect();
        listing(vec![
            Column::Text("name", pick(0)),
            Column::Text("type", pick(1)),
            Column::Flag("null", nulls),
            Column::Text("key", pick(2)),
            Column::Text("extras", pick(3)),
            Column::Text("watermark", pick(4)),
        ])
    }

    /// SHOW CREATE TABLE / VIEW: the DDL that makes it again.
    pub(super) async fn show_create(&self, name: &Name, view: bool) -> Result<Prepared> {
        let key = self.table_key(name)?;
        let provider = self.existing(&key).await?;
        let meta = self.meta(&key);
        let is_view = self.is_view(&key, &provider);
        if view && !is_view {
            return Err(GatewayError::Sql(format!("{} is a table; use SHOW CREATE TABLE.", quoted(&key))));
        }
        if !view && is_view && meta.as_ref().is_none_or(|m| m.ddl.is_none()) {
            return Err(GatewayError::Sql(format!("SHOW CREATE TABLE is only supported for tables, but {} is a view. Please use SHOW CREATE VIEW instead.", quoted(&key))));
        }
        let text = match meta {
            Some(TableMeta { view_query: Some(query), .. }) => format!("CREATE VIEW {} AS\n{query}\n", quoted(&key)),
            Some(TableMeta { ddl: Some(ddl), .. }) if !ddl.columns.is_empty() => super::ddl::render_create_table(&key, &ddl),
            _ => {
                let columns: Vec<String> = provider
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| format!("  `{}` {}{}", f.name(), flink_type_of(f.data_type()), if f.is_nullable() { "" } else { " NOT NULL" }))
                    .collect();
                format!("CREATE TABLE {} (\n{}\n)\n", quoted(&key), columns.join(",\n"))
            }
        };
        names("result", [text])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let like = |pattern: &str, not: bool, ilike: bool| Like { not, ilike, pattern: pattern.into() };
        assert!(like_matches(&like("ord%", false, false), "orders"));
        assert!(!like_matches(&like("ord%", false, false), "Orders"));
        assert!(like_matches(&like("ORD%", false, true), "orders"));
        assert!(like_matches(&like("o_ders", false, false), "orders"));
        assert!(!like_matches(&like("o_ders", true, false), "orders"));
        assert!(like_matches(&like("%", false, false), ""));
    }

    #[test]
    fn like_with_escapes_and_backtracking() {
        let m = |pattern: &str, text: &str| like_match(pattern, text, Some('\\'), false);
        assert!(m("t%", "t"));
        assert!(m("%_x", "abx"));
        assert!(!m("%_x", "x"));
        assert!(m("a%b%c", "aXbYbZc"));
        assert!(!m("a%b%c", "aXbYbZ"));
        assert!(m("%ab", "aab"));
        assert!(m("my\\_t", "my_t"));
        assert!(!m("my\\_t", "myxt"));
        assert!(m("100\\%", "100%"));
        assert!(!m("100\\%", "1000"));
        assert!(m("a\\", "a\\"));
        assert!(!m("ABC", "abc"));
        assert!(like_match("ABC%", "abcd", Some('\\'), true));
        // Many `%` against a long miss finishes at once instead of exploring
        // every split (the recursive matcher took exponential time here).
        let text = "a".repeat(2000);
        assert!(!m(&"%a".repeat(40).chars().chain("b".chars()).collect::<String>(), &text));
    }
}
