//! The SQL engine: one DataFusion `SessionContext` per session, speaking
//! Flink's SQL dialect.
//!
//! [`SessionEngine::execute`] parses one statement ([`dialect`]) and turns it
//! into a [`Prepared`] result: its schema, how it presents itself
//! ([`ResultShape`]), and its rows, either a stream still to run (queries,
//! continuous queries) or a few rows already in memory (`OK`, a job id, a
//! listing). Commands run to completion here, so later statements of the
//! session see their effects; writes run as background jobs ([`crate::job`]).
//!
//! - [`dialect`]: Flink statements, types and scripts, on DataFusion's parser.
//! - [`catalog`], [`ddl`]: catalogs, databases, tables and views, Flink-named.
//! - [`durable`]: the one catalog every session shares, written to the
//!   metadata store before DDL answers and replayed at start; each
//!   session's TEMPORARY objects in front of it.
//! - [`connector`]: `datagen`, `filesystem`, `print`, `blackhole`, and
//!   in-memory tables whose rows are kept as Parquet parts.
//! - [`query`], [`continuous`]: queries, and aggregates over unbounded input
//!   emitted as a changelog.
//! - [`dml`], [`materialized`], [`script`]: INSERT jobs, statement sets,
//!   materialized tables, deployed scripts.
//! - [`statement`], [`settings`]: statement kinds of plain DataFusion SQL,
//!   session properties.
//! - [`functions`]: Flink's built-in functions DataFusion lacks.
//! - [`metadata`]: JDBC-style metadata result sets (tables, columns, keys,
//!   types, functions) for the Kyuubi API.
//! - [`errors`], [`results`], [`complete`]: error mapping, small results,
//!   completion.

mod authorize;
pub mod catalog;
pub mod complete;
pub mod connector;
pub mod continuous;
pub mod ddl;
pub mod dialect;
pub mod dml;
pub mod durable;
pub mod errors;
pub mod functions;
pub mod listing;
pub mod materialized;
pub mod metadata;
pub mod plan_tables;
mod pooled;
pub mod query;
pub mod results;
pub mod script;
pub mod settings;
pub mod statement;
pub mod typing;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::context::SessionContext;
use datafusion::execution::session_state::SessionStateBuilder;
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::error::{GatewayError, Result};
use crate::job::JobRegistry;
use crate::result::{ResultShape, Rows};
use connector::roots::DataRoots;
use dialect::FlinkStatement;
use errors::from_datafusion;
use results::{job_result, new_job_id, ok_result};
use settings::Properties;
use statement::StatementKind;

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
    /// What the statement's work prints (the job of an INSERT), if anything.
    pub log: Option<Arc<crate::operation::OperationLog>>,
}

/// Per-statement options.
#[derive(Debug, Clone, Default)]
pub struct StatementOptions {
    /// Properties for this statement only (`executionConfig`).
    pub config: BTreeMap<String, String>,
    /// Only session-configuring statements are allowed (SET, RESET, DDL, USE):
    /// queries and DML are refused before they run.
    pub configure_only: bool,
    /// Not a statement but a metadata request (the statement text only
    /// describes it): answered from the catalog as a result set.
    pub metadata: Option<metadata::MetadataRequest>,
    /// The one role the statement acts with (ByteHouse's `X-User-ActiveRole`);
    /// `None`: every role of the session's user.
    pub active_role: Option<String>,
}

/// What every session's engine shares with the others.
#[derive(Debug)]
pub struct EngineShared {
    /// Background jobs of the whole gateway (`SHOW JOBS` lists them all).
    pub jobs: Arc<JobRegistry>,
    /// Where file paths in table options may point.
    pub roots: DataRoots,
    /// The catalog every session reads and writes, and its store.
    pub catalog: Arc<durable::SharedCatalog>,
    /// Where in-memory tables keep their rows (one directory per table);
    /// `None` keeps them in memory only.
    pub memory_data: Option<std::path::PathBuf>,
    /// Roles and grants: what each statement's user may do.
    pub iam: Arc<crate::identity::iam::Iam>,
    /// Engine pools a statement may run on (`sluicegate.vw`).
    pub pools: Arc<crate::pool::Pools>,
}

impl EngineShared {
    /// Jobs, roots and a catalog made durable in `store` (in memory without
    /// one), in-memory tables' rows under `memory_data`.
    pub fn new(
        jobs: Arc<JobRegistry>,
        roots: DataRoots,
        store: Option<Arc<dyn crate::store::MetadataStore>>,
        memory_data: Option<std::path::PathBuf>,
        iam: Arc<crate::identity::iam::Iam>,
        pools: Arc<crate::pool::Pools>,
    ) -> Self {
        EngineShared { jobs, roots, catalog: Arc::new(durable::SharedCatalog::new(store)), memory_data, iam, pools }
    }

    /// The data directory of the in-memory table `data_id`.
    pub fn memory_dir(&self, data_id: &str) -> Option<std::path::PathBuf> {
        self.memory_data.as_ref().map(|root| root.join(data_id))
    }
}

/// A session's SQL engine: its DataFusion context and its properties.
pub struct SessionEngine {
    /// Catalogs, tables, views and DataFusion options of the session.
    ctx: SessionContext,
    /// Gateway defaults plus the session's own properties.
    properties: Properties,
    /// Jobs, data roots and the shared catalog.
    shared: Arc<EngineShared>,
    /// The INSERTs of an open `BEGIN STATEMENT SET`, until `END`.
    statement_set: Mutex<Option<Vec<String>>>,
    /// Who stored objects are owned by: the session's user.
    owner: String,
    /// Whether DDL writes to the store; off while the store itself is replayed.
    durable: bool,
    /// The session's TEMPORARY tables and views, in front of the shared catalog.
    temporary: Arc<durable::temporary::TemporaryObjects>,
}

impl std::fmt::Debug for SessionEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionEngine").field("session_id", &self.ctx.session_id()).finish()
    }
}

/// Most stored jobs SHOW JOBS lists besides the live ones.
const SHOWN_JOB_HISTORY: usize = 100;

/// Flink's defaults for the names of the built-in catalog and database.
pub const DEFAULT_CATALOG: &str = "default_catalog";
/// See [`DEFAULT_CATALOG`].
pub const DEFAULT_DATABASE: &str = "default_database";

/// Whether a statement may run through configure-session: it sets up the
/// session (SET, RESET, DDL, USE) rather than reading or writing data.
fn configures_session(statement: &FlinkStatement) -> bool {
    use FlinkStatement as S;
    match statement {
        S::Query(_) | S::Insert { .. } | S::ShowCatalogs | S::ShowCurrentCatalog | S::ShowCurrentDatabase | S::ShowDatabases { .. } => false,
        S::ShowTables { .. } | S::ShowViews { .. } | S::ShowFunctions { .. } | S::ShowColumns { .. } | S::ShowCreateTable(_) | S::ShowCreateView(_) => false,
        S::ShowJobs | S::StopJob { .. } | S::Describe { .. } | S::Explain { .. } | S::ExecuteStatementSet(_) | S::Execute(_) => false,
        S::BeginStatementSet | S::End => false,
        S::CreateTable(ddl) => ddl.as_query.is_none(),
        S::Passthrough(_) => true,
        _ => true,
    }
}

impl SessionEngine {
    /// A fresh context with `defaults` overridden by the session's `overrides`.
    pub fn new(defaults: Arc<BTreeMap<String, String>>, overrides: BTreeMap<String, String>, shared: Arc<EngineShared>) -> Result<Self> {
        let properties = Properties::new(defaults, overrides)?;
        // The gateway's catalogs, not a fresh default catalog per session.
        let config = properties.datafusion_config()?.with_create_default_catalog_and_schema(false);
        let temporary = Arc::new(durable::temporary::TemporaryObjects::default());
        let catalogs = durable::temporary::SessionCatalogs { shared: shared.catalog.list.clone(), temporary: temporary.clone() };
        let state = SessionStateBuilder::new().with_config(config).with_default_features().with_catalog_list(Arc::new(catalogs)).build();
        let ctx = SessionContext::new_with_state(state);
        continuous::register_functions(&ctx);
        functions::register(&ctx);
        Ok(SessionEngine { ctx, properties, shared, statement_set: Mutex::new(None), owner: String::new(), durable: true, temporary })
    }

    /// The same engine with its stored objects owned by `owner`.
    pub fn owned_by(mut self, owner: &str) -> Self {
        self.owner = owner.to_string();
        self
    }

    /// An engine replaying the store: its DDL is not written back.
    pub(crate) fn replaying(mut self) -> Self {
        self.durable = false;
        self
    }

    /// Make a statement's catalog `changes` durable before they are made in memory.
    pub(crate) async fn persist(&self, changes: Vec<crate::store::CatalogChange>) -> Result<()> {
        if !self.durable {
            return Ok(());
        }
        self.shared.catalog.apply(&changes).await
    }

    /// Effective properties: defaults merged with the session's own.
    pub fn properties(&self) -> BTreeMap<String, String> {
        self.properties.effective()
    }

    /// How values are rendered for this session (its time zone).
    pub fn format_options(&self) -> crate::format::FormatOptions {
        self.properties.format()
    }

    /// Jobs and data roots this engine uses.
    pub fn shared(&self) -> &Arc<EngineShared> {
        &self.shared
    }

    /// Parse, plan and establish one statement.
    pub async fn execute(&self, sql: &str, options: &StatementOptions) -> Result<Prepared> {
        if let Some(request) = &options.metadata {
            let batch = self.metadata(request).await?;
            return Ok(Prepared {
                schema: batch.schema(),
                shape: ResultShape { is_query: true, has_content: true, job_id: None },
                rows: PreparedRows::Materialized(vec![Rows::inserts(batch)]),
                kind: "metadata",
                log: None,
            });
        }
        let statement = dialect::parse(sql)?;
        self.authorize(&statement, options).await?;
        if options.configure_only && !configures_session(&statement) {
            return Err(GatewayError::Sql(format!(
                "Unsupported statement for configuring session: {}\nOnly SET, RESET, CREATE, DROP, ALTER and USE statements configure a session.",
                sql.trim()
            )));
        }
        // Waits here for a slot when the statement's pool is busy.
        let admission = self.admit(&statement, options).await?;
        let ctx = if options.config.is_empty() && admission.is_none() {
            self.ctx.clone()
        } else {
            let mut state = self.ctx.state();
            settings::apply_datafusion(state.config_mut().options_mut(), &options.config)?;
            if let Some(admission) = &admission {
                state = admission.state_for(state);
            }
            SessionContext::new_with_state(state)
        };
        if self.statement_set_open() {
            let outcome = match statement {
                FlinkStatement::Insert { sql, .. } => self.buffer_insert(sql),
                FlinkStatement::End => self.end_statement_set(&ctx).await,
                _ => Err(GatewayError::Sql(
                    "Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set or use 'END' statement to submit Statement Set.".into(),
                )),
            };
            return pooled::hold(outcome, admission);
        }
        pooled::hold(self.run(&ctx, statement, options).await, admission)
    }

    async fn run(&self, ctx: &SessionContext, statement: FlinkStatement, options: &StatementOptions) -> Result<Prepared> {
        use FlinkStatement as S;
        match statement {
            S::Query(sql) => self.query(ctx, &sql).await,
            S::Insert { table, sql } => self.insert(ctx, &table, &sql).await,
            S::Passthrough(sql) => self.passthrough(ctx, &sql, options).await,
            S::CreateTable(ddl) => self.create_table_statement(ddl).await,
            S::CreateView { name, temporary, if_not_exists, or_replace, columns, query, .. } => {
                self.create_view(&name, ddl::ViewDefinition { if_not_exists, or_replace, temporary, columns: &columns, query: &query }).await
            }
            S::DropTable { name, if_exists, .. } => self.drop_relation(&name, if_exists, false).await,
            S::DropView { name, if_exists, .. } => self.drop_relation(&name, if_exists, true).await,
            S::AlterTableRename { name, new_name } => self.rename_table(&name, &new_name).await,
            S::AlterTableSet { name, options } => self.alter_options(&name, &options, &[]).await,
            S::AlterTableReset { name, keys } => self.alter_options(&name, &BTreeMap::new(), &keys).await,
            S::CreateDatabase { name, if_not_exists, .. } => self.create_database(&name, if_not_exists).await,
            S::DropDatabase { name, if_exists, cascade } => self.drop_database(&name, if_exists, cascade).await,
            S::CreateCatalog { name, options } => self.create_catalog(&name, &options).await,
            S::DropCatalog { name, if_exists } => self.drop_catalog(&name, if_exists).await,
            S::UseCatalog(name) => self.use_catalog(&name),
            S::UseDatabase(name) => self.use_database(&name),
            S::ShowCatalogs => self.show_catalogs(),
            S::ShowCurrentCatalog => self.show_current_catalog(),
            S::ShowCurrentDatabase => self.show_current_database(),
            S::ShowDatabases { catalog } => self.show_databases(catalog.as_deref()),
            S::ShowTables { from, like } => self.show_tables(from.as_ref(), like.as_ref(), false).await,
            S::ShowViews { from, like } => self.show_tables(from.as_ref(), like.as_ref(), true).await,
            S::ShowFunctions { user_only, like } => self.show_functions(user_only, like.as_ref()),
            S::ShowColumns { table, like } => self.describe(&table, like.as_ref()).await,
            S::ShowCreateTable(name) => self.show_create(&name, false).await,
            S::ShowCreateView(name) => self.show_create(&name, true).await,
            S::ShowJobs => self.show_jobs().await,
            S::StopJob { id, .. } => {
                self.shared.jobs.stop(&id).await?;
                Ok(ok_result())
            }
            S::Describe { name, .. } => self.describe(&name, None).await,
            S::Explain { statement, .. } => self.explain(ctx, &statement).await,
            S::BeginStatementSet => self.begin_statement_set(),
            S::End => Err(GatewayError::Sql("No Statement Set to submit. 'END' statement should be used after 'BEGIN STATEMENT SET'.".into())),
            S::ExecuteStatementSet(inserts) => self.statement_set(ctx, inserts).await,
            S::Execute(inner) => Box::pin(self.execute(&inner, options)).await,
            S::Set(None) => self.list_settings(),
            S::Set(Some((key, value))) => {
                if key == crate::pool::POOL_PROPERTY && !value.trim().is_empty() {
                    self.shared.pools.resolve(&value)?;
                }
                self.properties.set(&self.ctx, &key, &value)?;
                Ok(Prepared { kind: "set", ..ok_result() })
            }
            S::Reset(key) => {
                self.properties.reset(&self.ctx, key.as_deref())?;
                Ok(Prepared { kind: "set", ..ok_result() })
            }
            S::CreateMaterializedTable(def) => self.create_materialized(def).await,
            S::AlterMaterializedTable { name, action } => self.alter_materialized(&name, &action).await,
            S::DropMaterializedTable { name, if_exists } => self.drop_materialized(&name, if_exists).await,
        }
    }

    /// Plain DataFusion SQL that the Flink dialect has no form for.
    async fn passthrough(&self, ctx: &SessionContext, sql: &str, options: &StatementOptions) -> Result<Prepared> {
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
                    shape: ResultShape { is_query, has_content: true, job_id: is_query.then(new_job_id) },
                    rows: PreparedRows::Stream(rows),
                    kind: if is_query { "query" } else { "show" },
                    log: None,
                })
            }
            StatementKind::Dml => {
                frame.collect().await.map_err(from_datafusion)?;
                Ok(job_result(&new_job_id()))
            }
            StatementKind::Command => {
                frame.collect().await.map_err(from_datafusion)?;
                Ok(ok_result())
            }
        }
    }

    /// `SET` alone: every effective property, sorted by key.
    fn list_settings(&self) -> Result<Prepared> {
        let props = self.properties.effective();
        let mut listing = results::listing(vec![
            results::Column::Text("key", props.keys().cloned().map(Some).collect()),
            results::Column::Text("value", props.values().cloned().map(Some).collect()),
        ])?;
        listing.kind = "set";
        Ok(listing)
    }

    /// What completion needs of the session's catalog: all catalogs, the
    /// databases of the current catalog, and the tables of the current
    /// database with their columns.
    pub async fn catalog_view(&self) -> complete::CatalogView {
        let (current_catalog, current_database) = self.current();
        let mut view = complete::CatalogView { catalogs: self.ctx.catalog_names(), current_catalog, current_database, ..complete::CatalogView::default() };
        let Some(catalog) = self.ctx.catalog(&view.current_catalog) else { return view };
        view.databases = catalog.schema_names();
        let Some(schema) = catalog.schema(&view.current_database) else { return view };
        for table_name in schema.table_names() {
            let columns = match schema.table(&table_name).await {
                Ok(Some(table)) => table.schema().fields().iter().map(|f| f.name().clone()).collect(),
                _ => Vec::new(),
            };
            view.tables.push((table_name, columns));
        }
        view
    }

    /// SHOW JOBS: every running and recently finished job, and the stored
    /// history of the latest jobs before them (those of earlier runs of the
    /// gateway too: a job that was running when it stopped reads FAILED).
    async fn show_jobs(&self) -> Result<Prepared> {
        let mut jobs: Vec<crate::store::HistoryRecord> = self.shared.jobs.list().iter().map(|j| j.history()).collect();
        if let Some(store) = self.shared.catalog.store() {
            let live: std::collections::BTreeSet<String> = jobs.iter().map(|j| j.id.clone()).collect();
            jobs.extend(store.list_history(Some("job"), SHOWN_JOB_HISTORY).await?.into_iter().filter(|r| !live.contains(&r.id)));
        }
        jobs.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let time = |ms: i64| chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        results::listing(vec![
            results::Column::Text("job id", jobs.iter().map(|j| Some(j.id.clone())).collect()),
            results::Column::Text("job name", jobs.iter().map(|j| Some(j.statement.clone())).collect()),
            results::Column::Text("status", jobs.iter().map(|j| Some(j.state.clone())).collect()),
            results::Column::Text("start time", jobs.iter().map(|j| Some(time(j.created_at))).collect()),
        ])
    }
}

/// An engine with default properties, no data roots and its own job
/// registry, for unit tests.
#[cfg(test)]
pub fn test_engine() -> SessionEngine {
    let iam = Arc::new(crate::identity::iam::Iam::new(None, Default::default(), 0));
    let pools = Arc::new(crate::pool::Pools::new(None, &[]));
    let shared = Arc::new(EngineShared::new(Arc::new(JobRegistry::default()), DataRoots::none(), None, None, iam, pools));
    SessionEngine::new(Arc::new(BTreeMap::new()), BTreeMap::new(), shared).expect("engine")
}
