//! The SQL engine: one DataFusion `SessionContext` per session.
//!
//! [`SessionEngine::execute`] turns one statement into a [`Prepared`] result:
//! its schema, how it presents itself ([`ResultShape`]), and its rows, either
//! a stream still to run (queries, SHOW, EXPLAIN) or a few rows already in
//! memory (`OK`, a job id, a settings list). Commands and DML run to
//! completion here, so later statements of the session see their effects.
//!
//! - [`statement`]: statement kinds and the `SET`/`RESET` syntax.
//! - [`settings`]: session properties and how they reach DataFusion.
//! - [`errors`]: DataFusion errors as gateway errors.

pub mod complete;
pub mod connector;
pub mod continuous;
pub mod dialect;
pub mod errors;
pub mod settings;
pub mod statement;

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::context::SessionContext;
use futures::StreamExt;
use futures::stream::BoxStream;
use uuid::Uuid;

use crate::error::{GatewayError, Result};
use crate::result::{ResultShape, Rows};
use errors::from_datafusion;
use settings::Properties;
use statement::{Setting, StatementKind};

/// Rows still to be produced.
pub type RowStream = BoxStream<'static, Result<Rows>>;

/// The rows of a prepared statement.
pub enum PreparedRows {
    /// Produced as the stream is driven (and back-pressured by the ring).
    Stream(RowStream),
    /// Already in memory: a handful of rows.
    Materialized(Vec<Rows>),
}

/// A statement whose result is established.
pub struct Prepared {
    /// Columns of the result.
    pub schema: SchemaRef,
    /// How the result presents itself.
    pub shape: ResultShape,
    /// The rows.
    pub rows: PreparedRows,
    /// The statement kind, for metrics: `query`, `show`, `dml`, `command` or `set`.
    pub kind: &'static str,
}

/// Per-statement options.
#[derive(Debug, Clone, Default)]
pub struct StatementOptions {
    /// Properties for this statement only (`executionConfig`).
    pub config: BTreeMap<String, String>,
    /// Only session-configuring statements are allowed (SET, RESET, DDL, USE):
    /// queries and DML are refused before they run.
    pub configure_only: bool,
}

/// A session's SQL engine: its DataFusion context and its properties.
pub struct SessionEngine {
    /// Catalogs, tables, views and DataFusion options of the session.
    ctx: SessionContext,
    /// Gateway defaults plus the session's own properties.
    properties: Properties,
}

impl std::fmt::Debug for SessionEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionEngine").field("session_id", &self.ctx.session_id()).finish()
    }
}

impl SessionEngine {
    /// A fresh context with `defaults` overridden by the session's `overrides`.
    pub fn new(defaults: Arc<BTreeMap<String, String>>, overrides: BTreeMap<String, String>) -> Result<Self> {
        let properties = Properties::new(defaults, overrides)?;
        let ctx = SessionContext::new_with_config(properties.datafusion_config()?);
        Ok(SessionEngine { ctx, properties })
    }

    /// Effective properties: defaults merged with the session's own.
    pub fn properties(&self) -> BTreeMap<String, String> {
        self.properties.effective()
    }

    /// How values are rendered for this session (its time zone).
    pub fn format_options(&self) -> crate::format::FormatOptions {
        self.properties.format()
    }

    /// Parse, plan and establish one statement.
    pub async fn execute(&self, sql: &str, options: &StatementOptions) -> Result<Prepared> {
        if let Some(setting) = statement::parse_setting(sql)? {
            return self.apply_setting(setting);
        }
        let ctx = if options.config.is_empty() {
            self.ctx.clone()
        } else {
            let mut state = self.ctx.state();
            settings::apply_datafusion(state.config_mut().options_mut(), &options.config)?;
            SessionContext::new_with_state(state)
        };
        let state = ctx.state();
        let dialect = state.config().options().sql_parser.dialect;
        let parsed = state.sql_to_statement(sql, &dialect).map_err(from_datafusion)?;
        let kind = statement::kind_of(&parsed);
        if options.configure_only && matches!(kind, StatementKind::Query | StatementKind::Dml | StatementKind::Show) {
            return Err(GatewayError::Sql(format!(
                "Unsupported statement for configuring session: {}\nOnly SET, RESET, CREATE, DROP, ALTER and USE statements configure a session.",
                sql.trim()
            )));
        }
        let plan = state.statement_to_plan(parsed).await.map_err(from_datafusion)?;
        let frame = ctx.execute_logical_plan(plan).await.map_err(from_datafusion)?;
        match kind {
            StatementKind::Query | StatementKind::Show => {
                let is_query = kind == StatementKind::Query;
                let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
                let stream = frame.execute_stream().await.map_err(from_datafusion)?;
                let rows = stream.map(|batch| batch.map(Rows::inserts).map_err(from_datafusion)).boxed();
                Ok(Prepared {
                    schema,
                    shape: ResultShape {
                        is_query,
                        has_content: true,
                        job_id: is_query.then(new_job_id),
                    },
                    rows: PreparedRows::Stream(rows),
                    kind: if is_query { "query" } else { "show" },
                })
            }
            StatementKind::Dml => {
                frame.collect().await.map_err(from_datafusion)?;
                let job_id = new_job_id();
                Ok(Prepared {
                    kind: "dml",
                    ..single_column("job id", vec![Some(job_id.clone())], ResultShape {
                        is_query: false,
                        has_content: true,
                        job_id: Some(job_id),
                    })
                })
            }
            StatementKind::Command => {
                frame.collect().await.map_err(from_datafusion)?;
                Ok(Prepared { kind: "command", ..ok_result() })
            }
        }
    }

    fn apply_setting(&self, setting: Setting) -> Result<Prepared> {
        match setting {
            Setting::List => {
                let props = self.properties.effective();
                let schema = Arc::new(Schema::new(vec![
                    Field::new("key", DataType::Utf8, true),
                    Field::new("value", DataType::Utf8, true),
                ]));
                let keys: ArrayRef = Arc::new(StringArray::from_iter_values(props.keys()));
                let values: ArrayRef = Arc::new(StringArray::from_iter_values(props.values()));
                let batch = RecordBatch::try_new(schema.clone(), vec![keys, values])
                    .map_err(|e| GatewayError::Internal(e.to_string()))?;
                Ok(Prepared {
                    schema,
                    shape: ResultShape { is_query: false, has_content: true, job_id: None },
                    rows: PreparedRows::Materialized(vec![Rows::inserts(batch)]),
                    kind: "set",
                })
            }
            Setting::Set(key, value) => {
                self.properties.set(&self.ctx, &key, &value)?;
                Ok(ok_result())
            }
            Setting::Reset(key) => {
                self.properties.reset(&self.ctx, Some(&key))?;
                Ok(ok_result())
            }
            Setting::ResetAll => {
                self.properties.reset(&self.ctx, None)?;
                Ok(ok_result())
            }
        }
    }

    /// Names known to the session's catalog (catalogs, schemas, tables, columns),
    /// for statement completion.
    pub async fn catalog_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for catalog_name in self.ctx.catalog_names() {
            let Some(catalog) = self.ctx.catalog(&catalog_name) else { continue };
            for schema_name in catalog.schema_names() {
                let Some(schema) = catalog.schema(&schema_name) else { continue };
                for table_name in schema.table_names() {
                    if let Ok(Some(table)) = schema.table(&table_name).await {
                        names.extend(table.schema().fields().iter().map(|f| f.name().clone()));
                    }
                    names.push(table_name);
                }
                names.push(schema_name);
            }
            names.push(catalog_name);
        }
        names.sort();
        names.dedup();
        names
    }
}

/// A fresh 32-hex-digit job id.
fn new_job_id() -> String {
    Uuid::new_v4().simple().to_string()
}

/// The acknowledgement of a command: one `result` column holding `OK`.
fn ok_result() -> Prepared {
    single_column("result", vec![Some("OK".to_string())], ResultShape { is_query: false, has_content: false, job_id: None })
}

/// A one-column string result held in memory.
fn single_column(name: &str, values: Vec<Option<String>>, shape: ResultShape) -> Prepared {
    let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, true)]));
    let column: ArrayRef = Arc::new(StringArray::from(values));
    let rows = match RecordBatch::try_new(schema.clone(), vec![column]) {
        Ok(batch) => vec![Rows::inserts(batch)],
        Err(_) => Vec::new(),
    };
    Prepared { schema, shape, rows: PreparedRows::Materialized(rows), kind: "set" }
}
