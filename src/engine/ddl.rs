//! Table and view DDL in Flink's syntax: `CREATE TABLE ... WITH (...)` over
//! the connectors, computed columns and watermarks, views, DROP and ALTER.
//!
//! A table without `WITH` options is an in-memory table
//! ([`MemoryTable`], its rows kept in the state directory): Flink would ask
//! for a connector, but a scratch table that INSERT can fill is what users
//! of a single gateway expect.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::DFSchema;
use datafusion::datasource::{provider_as_source, TableType, ViewTable};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{col, Expr, LogicalPlanBuilder, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

use super::catalog::{quoted, TableKey, TableMeta};
use super::connector::memory::MemoryTable;
use super::connector::{create_table, TableSpec};
use super::dialect::{ColumnKind, CreateTable, Name};
use super::durable::definitions;
use super::errors::from_datafusion;
use super::results::ok_result;
use super::{Prepared, SessionEngine};
use crate::error::{GatewayError, Result};
use crate::store::CatalogChange;

/// What `CREATE VIEW` declares besides the view's name.
pub struct ViewDefinition<'a> {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// `OR REPLACE`.
    pub or_replace: bool,
    /// `TEMPORARY`: the session's own.
    pub temporary: bool,
    /// Column names declared before `AS`.
    pub columns: &'a [String],
    /// The defining query.
    pub query: &'a str,
}

/// A connector table with computed columns: scans run the projection that
/// computes them; the table still lists as a table, not a view.
#[derive(Debug)]
struct ComputedTable {
    /// The projection over the connector table.
    view: ViewTable,
}

#[async_trait]
impl TableProvider for ComputedTable {
    fn schema(&self) -> SchemaRef {
        self.view.schema()
    }
    fn table_type(&self) -> TableType {
        TableType::Base
    }
    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DfResult<Vec<TableProviderFilterPushDown>> {
        self.view.supports_filters_pushdown(filters)
    }
    async fn scan(&self, state: &dyn Session, projection: Option<&Vec<usize>>, filters: &[Expr], limit: Option<usize>) -> DfResult<Arc<dyn ExecutionPlan>> {
        self.view.scan(state, projection, filters, limit).await
    }
}

/// Flink's DDL text for a table created through Flink DDL.
pub fn render_create_table(key: &TableKey, ddl: &CreateTable) -> String {
    let mut lines: Vec<String> = ddl
        .columns
        .iter()
        .map(|c| {
            let body = match &c.kind {
                ColumnKind::Physical(ty) => ty.sql(),
                ColumnKind::Computed { expr } => format!("AS {expr}"),
                ColumnKind::Metadata { ty, key, is_virtual } => {
                    format!("{} METADATA{}{}", ty.sql(), key.as_ref().map(|k| format!(" FROM '{k}'")).unwrap_or_default(), if *is_virtual { " VIRTUAL" } else { "" })
                }
            };
            let comment = c.comment.as_ref().map(|x| format!(" COMMENT '{}'", x.replace('\'', "''"))).unwrap_or_default();
            format!("  `{}` {body}{comment}", c.name)
        })
        .collect();
    if let Some(w) = &ddl.watermark {
        lines.push(format!("  WATERMARK FOR `{}` AS {}", w.column, w.expr));
    }
    if !ddl.primary_key.is_empty() {
        let cols: Vec<String> = ddl.primary_key.iter().map(|c| format!("`{c}`")).collect();
        lines.push(format!("  CONSTRAINT `PK_{}` PRIMARY KEY ({}) NOT ENFORCED", ddl.primary_key.join("_"), cols.join(", ")));
    }
    let mut text = format!("CREATE TABLE {} (\n{}\n)", quoted(key), lines.join(",\n"));
    if let Some(comment) = &ddl.comment {
        text.push_str(&format!("\nCOMMENT '{}'", comment.replace('\'', "''")));
    }
    if !ddl.partitioned_by.is_empty() {
        let cols: Vec<String> = ddl.partitioned_by.iter().map(|c| format!("`{c}`")).collect();
        text.push_str(&format!("\nPARTITIONED BY ({})", cols.join(", ")));
    }
    if !ddl.options.is_empty() {
        let options: Vec<String> = ddl.options.iter().map(|(k, v)| format!("  '{k}' = '{}'", v.replace('\'', "''"))).collect();
        text.push_str(&format!("\nWITH (\n{}\n)", options.join(",\n")));
    }
    text.push('\n');
    text
}

impl SessionEngine {
    /// The shared database `key` is in.
    fn shared_schema(&self, key: &TableKey) -> Result<Arc<dyn datafusion::catalog::SchemaProvider>> {
        self.shared
            .catalog
            .catalog(&key.0)
            .and_then(|c| c.schema(&key.1))
            .ok_or_else(|| GatewayError::Sql(format!("Database {} does not exist in Catalog {}.", key.1, key.0)))
    }

    /// Register `provider` as `key`, with its Flink definition, in place of
    /// whatever `key` was (a replaced or renamed object). A TEMPORARY one
    /// is the session's own.
    pub(super) fn register(&self, key: &TableKey, provider: Arc<dyn TableProvider>, meta: TableMeta) -> Result<()> {
        let schema = self.shared_schema(key)?;
        if meta.temporary {
            self.temporary.register(key, provider, meta);
            return Ok(());
        }
        if schema.table_exist(&key.2) {
            // Another object (OR REPLACE): its data goes, unless it is this table's own.
            let old = self.detach(key)?;
            if old != meta.data_id {
                self.remove_data(old.as_deref());
            }
        }
        schema.register_table(key.2.clone(), provider).map_err(from_datafusion)?;
        self.shared.catalog.set_meta(key, Some(meta));
        Ok(())
    }

    /// Remove `key` (the session's temporary object of that name first),
    /// forget its definition and remove its rows' data.
    pub(super) fn deregister(&self, key: &TableKey) -> Result<()> {
        if self.temporary.deregister(key) {
            return Ok(());
        }
        self.deregister_shared(key)
    }

    /// Remove the shared object `key` and its data.
    fn deregister_shared(&self, key: &TableKey) -> Result<()> {
        let data_id = self.detach(key)?;
        self.remove_data(data_id.as_deref());
        Ok(())
    }

    /// Remove the shared object `key` but keep its data (a rename);
    /// answers its data id. The session's temporary objects are not touched.
    fn detach(&self, key: &TableKey) -> Result<Option<String>> {
        if let Ok(schema) = self.shared_schema(key) {
            schema.deregister_table(&key.2).map_err(from_datafusion)?;
        }
        let data_id = self.shared.catalog.meta(key).and_then(|m| m.data_id);
        self.shared.catalog.set_meta(key, None);
        self.forget_materialized(key);
        Ok(data_id)
    }

    /// Remove the data directory of a dropped in-memory table.
    pub(super) fn remove_data(&self, data_id: Option<&str>) {
        if let Some(dir) = data_id.and_then(|id| self.shared.memory_dir(id)) {
            MemoryTable::remove_data(&dir);
        }
    }

    /// A data id for a new in-memory table, when its rows are to be kept.
    pub(super) fn new_data_id(&self, temporary: bool) -> Option<String> {
        (!temporary && self.durable && self.shared.memory_data.is_some()).then(|| uuid::Uuid::new_v4().simple().to_string())
    }

    /// Whether `key` names one of the session's temporary objects.
    pub(super) fn is_temporary(&self, key: &TableKey) -> bool {
        self.temporary.contains(key)
    }

    /// Store `meta` as `key`, then register `provider` with it. A new
    /// object is the session user's; a redefined one keeps its owner and
    /// management properties.
    pub(super) async fn store_and_register(&self, key: &TableKey, provider: Arc<dyn TableProvider>, mut meta: TableMeta) -> Result<()> {
        if meta.owner.is_empty() {
            meta.owner = self.owner.clone();
        }
        if let Some(object) = definitions::of_meta(key, &meta) {
            self.persist(vec![CatalogChange::Put(object)]).await?;
        }
        self.register(key, provider, meta)
    }

    /// The physical schema a definition declares.
    fn physical_schema(ddl: &CreateTable) -> Result<SchemaRef> {
        let mut fields = Vec::new();
        for column in &ddl.columns {
            match &column.kind {
                ColumnKind::Physical(ty) => fields.push(Field::new(&column.name, ty.to_arrow(), ty.nullable() && !ddl.primary_key.contains(&column.name))),
                ColumnKind::Computed { .. } => {}
                ColumnKind::Metadata { .. } => {
                    return Err(GatewayError::Sql(format!(
                        "Metadata column `{}` is not supported: the connectors of this gateway expose no metadata.",
                        column.name
                    )));
                }
            }
        }
        Ok(Arc::new(Schema::new(fields)))
    }

    /// The provider for a definition: its connector (or memory, its rows in
    /// the data directory `data_id`), plus computed columns.
    pub(super) fn build_table(&self, key: &TableKey, ddl: &CreateTable, physical: SchemaRef, data_id: Option<&str>) -> Result<Arc<dyn TableProvider>> {
        for pk in &ddl.primary_key {
            if !ddl.columns.iter().any(|c| &c.name == pk) {
                return Err(GatewayError::Sql(format!("Invalid primary key 'PK_{pk}'. Column '{pk}' does not exist.")));
            }
        }
        let base: Arc<dyn TableProvider> = if ddl.options.is_empty() {
            match data_id.and_then(|id| self.shared.memory_dir(id)) {
                Some(dir) => Arc::new(MemoryTable::open(physical.clone(), dir).map_err(from_datafusion)?),
                None => Arc::new(MemoryTable::in_memory(physical.clone())),
            }
        } else {
            create_table(&TableSpec { name: quoted(key), schema: physical.clone(), options: ddl.options.clone() }, &self.shared.roots)?
        };
        let computed: Vec<_> = ddl.columns.iter().filter(|c| matches!(c.kind, ColumnKind::Computed { .. })).collect();
        let table = if computed.is_empty() {
            base
        } else {
            let df_schema = DFSchema::try_from_qualified_schema(key.2.as_str(), &physical).map_err(from_datafusion)?;
            let mut exprs = Vec::new();
            for column in &ddl.columns {
                match &column.kind {
                    ColumnKind::Computed { expr } => {
                        let parsed = self.ctx.parse_sql_expr(&self.flink_sql(expr)?, &df_schema).map_err(|e| {
                            GatewayError::Sql(format!("Invalid expression for computed column `{}`: {}", column.name, from_datafusion(e)))
                        })?;
                        exprs.push(parsed.alias(&column.name));
                    }
                    _ => exprs.push(col(datafusion::common::Column::new(Some(key.2.as_str()), &column.name))),
                }
            }
            let plan = LogicalPlanBuilder::scan(key.2.as_str(), provider_as_source(base), None)
                .and_then(|b| b.project(exprs))
                .and_then(|b| b.build())
                .map_err(from_datafusion)?;
            Arc::new(ComputedTable { view: ViewTable::new(plan, None) })
        };
        if let Some(w) = &ddl.watermark {
            let field = table.schema().field_with_name(&w.column).map(|f| f.data_type().clone()).map_err(|_| {
                GatewayError::Sql(format!("The rowtime attribute field '{}' is not defined in the table schema, at line 1", w.column))
            })?;
            if !matches!(field, DataType::Timestamp(..)) {
                return Err(GatewayError::Sql(format!(
                    "Invalid data type of time field for watermark definition. The field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the time field type is {}",
                    super::dialect::flink_type_of(&field)
                )));
            }
        }
        Ok(table)
    }

    /// Check `key` is free among the session's temporary objects
    /// (`temporary`) or the shared ones: a temporary object may shadow a
    /// permanent one. `Ok(false)` when it exists and IF NOT EXISTS says to
    /// skip; with OR REPLACE an existing object is replaced when the new one
    /// is registered.
    pub(super) async fn check_free(&self, key: &TableKey, temporary: bool, if_not_exists: bool, or_replace: bool, what: &str) -> Result<bool> {
        let taken = if temporary { self.shared_schema(key).map(|_| self.temporary.contains(key))? } else { self.shared_schema(key)?.table_exist(&key.2) };
        if or_replace || !taken {
            return Ok(true);
        }
        if if_not_exists {
            return Ok(false);
        }
        Err(GatewayError::Sql(format!(
            "Could not execute {what} in path {}: Table (or view) {} already exists in Catalog {}.",
            quoted(key),
            key.2,
            key.0
        )))
    }

    pub(super) async fn create_table_statement(&self, ddl: CreateTable) -> Result<Prepared> {
        self.create_table_with(ddl, None).await
    }

    /// CREATE TABLE; an in-memory table's rows are (or go) in `data_id`,
    /// a fresh one when `None`.
    pub(crate) async fn create_table_with(&self, ddl: CreateTable, data_id: Option<String>) -> Result<Prepared> {
        let key = self.table_key(&ddl.name)?;
        let mut ddl = ddl;
        if let Some(like) = ddl.like.clone() {
            let source = self.table_key(&like)?;
            let Some(TableMeta { ddl: Some(base), .. }) = self.meta(&source) else {
                return Err(GatewayError::Sql(format!("Source table {} of LIKE is not a table created with Flink DDL.", quoted(&source))));
            };
            let mut columns = base.columns.clone();
            columns.extend(ddl.columns.drain(..));
            let mut options = base.options.clone();
            options.extend(ddl.options.clone());
            ddl.columns = columns;
            ddl.options = options;
            ddl.watermark = ddl.watermark.or(base.watermark.clone());
        }
        if ddl.as_query.is_some() {
            return self.create_table_as(key, ddl).await;
        }
        if ddl.columns.is_empty() {
            return Err(GatewayError::Sql(format!("Table {} declares no columns.", quoted(&key))));
        }
        if !self.check_free(&key, ddl.temporary, ddl.if_not_exists, ddl.or_replace, "CreateTable").await? {
            return Ok(ok_result());
        }
        let physical = Self::physical_schema(&ddl)?;
        let temporary = ddl.temporary;
        let data_id = if ddl.options.is_empty() { data_id.or_else(|| self.new_data_id(temporary)) } else { None };
        let table = self.build_table(&key, &ddl, physical, data_id.as_deref())?;
        self.store_and_register(&key, table, TableMeta { temporary, data_id, ..TableMeta::table(ddl) }).await?;
        Ok(ok_result())
    }

    pub(super) async fn create_view(&self, name: &Name, view: ViewDefinition<'_>) -> Result<Prepared> {
        let ViewDefinition { if_not_exists, or_replace, temporary, columns, query } = view;
        let key = self.table_key(name)?;
        if !self.check_free(&key, temporary, if_not_exists, or_replace, "CreateView").await? {
            return Ok(ok_result());
        }
        let sql = self.flink_sql(query)?;
        let mut plan = self.ctx.state().create_logical_plan(&sql).await.map_err(from_datafusion)?;
        if !columns.is_empty() {
            let fields = plan.schema().columns();
            if fields.len() != columns.len() {
                return Err(GatewayError::Sql(format!("View {} names {} columns but its query has {}.", quoted(&key), columns.len(), fields.len())));
            }
            let exprs: Vec<Expr> = fields.into_iter().zip(columns).map(|(c, n)| col(c).alias(n)).collect();
            plan = LogicalPlanBuilder::from(plan).project(exprs).and_then(|b| b.build()).map_err(from_datafusion)?;
        }
        let view = ViewTable::new(plan, Some(query.to_string()));
        let meta = TableMeta { view_query: Some(query.to_string()), view_columns: columns.to_vec(), scope: Some(self.current()), temporary, ..TableMeta::default() };
        self.store_and_register(&key, Arc::new(view), meta).await?;
        Ok(ok_result())
    }

    /// DROP TABLE (`view == false`) or DROP VIEW.
    pub(super) async fn drop_relation(&self, name: &Name, if_exists: bool, view: bool) -> Result<Prepared> {
        let key = self.table_key(name)?;
        let Some(provider) = self.lookup(&key).await? else {
            if if_exists {
                return Ok(ok_result());
            }
            let what = if view { "View" } else { "Table" };
            return Err(GatewayError::Sql(format!("{what} with identifier '{}' does not exist.", quoted(&key))));
        };
        let is_view = self.is_view(&key, &provider);
        if is_view != view {
            let (is, use_) = if is_view { ("a view", "DROP VIEW") } else { ("a table", "DROP TABLE") };
            return Err(GatewayError::Sql(format!("{} is {is}; use {use_}.", quoted(&key))));
        }
        if !self.is_temporary(&key) {
            self.persist(vec![CatalogChange::Delete(key.clone())]).await?;
        }
        self.deregister(&key)?;
        Ok(ok_result())
    }

    pub(super) async fn rename_table(&self, name: &Name, new_name: &Name) -> Result<Prepared> {
        let key = self.table_key(name)?;
        let provider = self.existing(&key).await?;
        let mut target = self.table_key(new_name)?;
        if new_name.len() == 1 {
            target = (key.0.clone(), key.1.clone(), new_name[0].clone());
        }
        if self.lookup(&target).await?.is_some() {
            return Err(GatewayError::Sql(format!("Could not execute ALTER TABLE RENAME: table {} already exists.", quoted(&target))));
        }
        let mut meta = self.meta(&key).unwrap_or_default();
        if let Some(ddl) = meta.ddl.as_mut() {
            ddl.name = vec![target.0.clone(), target.1.clone(), target.2.clone()];
        }
        let mut changes: Vec<_> = (!meta.temporary).then(|| CatalogChange::Delete(key.clone())).into_iter().collect();
        changes.extend(definitions::of_meta(&target, &meta).map(CatalogChange::Put));
        self.persist(changes).await?;
        if meta.temporary {
            self.deregister(&key)?;
        } else {
            self.detach(&key)?;
        }
        self.register(&target, provider, meta)?;
        Ok(ok_result())
    }

    /// ALTER TABLE SET (`set`) or RESET (`reset`) of connector options: the
    /// table is rebuilt with the new options, which are checked first.
    pub(super) async fn alter_options(&self, name: &Name, set: &std::collections::BTreeMap<String, String>, reset: &[String]) -> Result<Prepared> {
        let key = self.table_key(name)?;
        self.existing(&key).await?;
        let meta = self.meta(&key).unwrap_or_default();
        let Some(mut ddl) = meta.ddl.clone() else {
            return Err(GatewayError::Sql(format!("ALTER TABLE SET/RESET needs a table created with connector options; {} has none.", quoted(&key))));
        };
        for k in reset {
            if k == "connector" {
                return Err(GatewayError::Sql("ALTER TABLE RESET does not support changing 'connector'".into()));
            }
            ddl.options.remove(k);
        }
        ddl.options.extend(set.clone());
        let table = self.build_table(&key, &ddl, Self::physical_schema(&ddl)?, meta.data_id.as_deref())?;
        self.store_and_register(&key, table, TableMeta { ddl: Some(ddl), ..meta }).await?;
        Ok(ok_result())
    }
}
