//! The gateway core as one facade: what every protocol's handlers call.
//!
//! Everything here is protocol-neutral: handles are UUIDs, statuses are
//! [`OperationStatus`], results are Arrow batches in a [`ResultSet`]. Each
//! protocol module maps these to its own wire types.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::engine::connector::roots::DataRoots;
use crate::engine::dialect::{quote_ident, quote_literal};
use crate::engine::{complete, script, EngineShared, StatementOptions};
use crate::error::{GatewayError, Result};
use crate::job::batch::{Batch, BatchRegistry, Kill};
use crate::job::JobRegistry;
use crate::format::FormatOptions;
use crate::identity::{Authenticator, User};
use crate::metrics::{Gauges, Metrics};
use crate::operation::{LogFrom, Operation, OperationInfo, OperationStatus};
use crate::result::{FetchOutcome, Orientation, PageRequest, ResultLimits, ResultSet, Rows};
use crate::session::{Session, SessionLimits, SessionRegistry};
use crate::store::history::HistoryWriter;
use crate::store::MetadataStore;

/// What a fetch found.
#[derive(Debug)]
pub enum Fetched {
    /// The result is not established yet: ask again (from token 0).
    NotReady,
    /// A page, or the end, of an established result.
    Ready {
        /// The result (schema, shape).
        result: Arc<ResultSet>,
        /// The page or the end.
        outcome: FetchOutcome,
        /// How values are rendered for this session.
        format: FormatOptions,
    },
}

impl Fetched {
    /// Rows in the fetched page (none for NOT_READY and the end).
    pub fn rows(&self) -> u64 {
        match self {
            Fetched::Ready { outcome: FetchOutcome::Page { rows, .. }, .. } => rows.iter().map(|r| r.num_rows() as u64).sum(),
            _ => 0,
        }
    }
}

/// Longest a positional read waits for the first row of a page before it
/// answers an empty one (which such clients take as the end).
pub const READ_WAIT: Duration = Duration::from_secs(30);

/// Statement submission as a protocol hands it over.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The SQL text.
    pub statement: String,
    /// End the operation as TIMEOUT after this long.
    pub timeout: Option<Duration>,
    /// Properties for this statement only.
    pub config: BTreeMap<String, String>,
}

/// The gateway core.
pub struct Gateway {
    /// Live sessions.
    sessions: Arc<SessionRegistry>,
    /// Fired at shutdown: stops background tasks.
    shutdown: CancellationToken,
    /// Counters since start.
    metrics: Arc<Metrics>,
    /// Background jobs and data roots, shared by every session's engine.
    shared: Arc<EngineShared>,
    /// Who callers are: every protocol authenticates its requests here.
    auth: Arc<Authenticator>,
    /// Scripts users submitted as background applications.
    batches: BatchRegistry,
    /// Records what ran (jobs, queries) in the metadata store, when there is one.
    pub(crate) history: Option<HistoryWriter>,
}

/// Where the gateway keeps what must outlive it.
#[derive(Debug, Default)]
pub struct Durability {
    /// The metadata store: catalog objects and history. `None`: nothing survives a restart.
    pub store: Option<Arc<dyn MetadataStore>>,
    /// The directory of in-memory tables' rows. `None`: their rows stay in memory only.
    pub memory_data: Option<std::path::PathBuf>,
}

/// A batch as a protocol hands it over.
#[derive(Debug, Clone, Default)]
pub struct BatchSpec {
    /// A client-chosen id: submitting it again answers the existing batch.
    pub id: Option<Uuid>,
    /// The kind of application; only `SQL` runs here.
    pub kind: String,
    /// A name to list it by.
    pub name: Option<String>,
    /// A script file under a data root.
    pub resource: Option<String>,
    /// The script itself (an upload), with the name it was uploaded as.
    pub script: Option<(String, String)>,
    /// Properties for the script's engine, over the gateway defaults.
    pub conf: BTreeMap<String, String>,
    /// Script parameters: the text `${1}` is replaced by the first, `${2}` by
    /// the second, ... before the script is split into statements.
    pub args: Vec<String>,
}

impl Gateway {
    /// A gateway with no sessions; starts the idle-session sweeper.
    /// Catalog changes are made durable in `store` (kept in memory without
    /// one), the rows of in-memory tables under `memory_data`.
    /// Engine pools may use the built-in size presets and `pool_configs`.
    pub fn new(
        limits: SessionLimits,
        defaults: BTreeMap<String, String>,
        result_limits: ResultLimits,
        roots: DataRoots,
        auth: Authenticator,
        durable: Durability,
        pool_configs: &[crate::pool::PoolConfig],
    ) -> Arc<Self> {
        let metrics = Arc::new(Metrics::default());
        let history = durable.store.clone().map(HistoryWriter::start);
        let jobs = Arc::new(JobRegistry::default());
        if let Some(history) = &history {
            jobs.record_history(history.clone());
        }
        let auth = auth.with_store(durable.store.clone());
        let pools = Arc::new(crate::pool::Pools::new(durable.store.clone(), pool_configs));
        let shared = Arc::new(EngineShared::new(jobs, roots, durable.store, durable.memory_data, auth.iam().clone(), pools.clone()));
        let sessions = Arc::new(SessionRegistry::new(limits, defaults, result_limits, metrics.clone(), shared.clone()));
        let shutdown = CancellationToken::new();
        tokio::spawn(sessions.clone().run_expiry(shutdown.clone()));
        tokio::spawn(pools.run(shutdown.clone()));
        Arc::new(Gateway { sessions, shutdown, metrics, shared, auth: Arc::new(auth), batches: BatchRegistry::default(), history })
    }

    /// `sqlite` or `postgres`, or `memory` when nothing is durable.
    pub fn store_backend(&self) -> &'static str {
        self.shared.catalog.store().map_or("memory", |s| s.backend())
    }

    /// Keys, roles and grants.
    pub fn iam(&self) -> &Arc<crate::identity::iam::Iam> {
        self.auth.iam()
    }

    /// Engine pools (virtual warehouses).
    pub fn pools(&self) -> &Arc<crate::pool::Pools> {
        &self.shared.pools
    }

    /// The caller of a request carrying this `Authorization` header.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<User> {
        self.auth.authenticate(authorization)
    }

    /// The authenticator (mode, challenge, reload).
    pub fn authenticator(&self) -> &Authenticator {
        &self.auth
    }

    /// Deploy a script (inline, or read from `script_uri` under a data root)
    /// as one background application; answers its cluster id.
    pub fn deploy_script(&self, user: &User, session: Uuid, script: Option<String>, script_uri: Option<String>, config: BTreeMap<String, String>) -> Result<String> {
        let session = self.session(user, session)?;
        let text = match (script, script_uri) {
            (Some(_), Some(_)) => {
                return Err(GatewayError::bad_request("Please specify either the script uri or the script content, but not both."));
            }
            (None, None) => return Err(GatewayError::bad_request("Please specify script content or uri.")),
            (Some(text), None) => text,
            (None, Some(uri)) => script::read_uri(&self.shared, &uri)?,
        };
        let mut properties = session.engine().properties();
        properties.extend(config);
        script::deploy(&self.shared, Arc::new(self.sessions.defaults().clone()), properties, &text, &user.name)
    }

    /// Refresh a materialized table: runs as an operation of the session whose
    /// result is the refresh job's id.
    pub fn refresh_materialized_table(&self, user: &User, session: Uuid, identifier: &str, partitions: &BTreeMap<String, String>) -> Result<Uuid> {
        let mut statement = format!("ALTER MATERIALIZED TABLE {identifier} REFRESH");
        if !partitions.is_empty() {
            let parts: Vec<String> = partitions.iter().map(|(k, v)| format!("{} = {}", quote_ident(k), quote_literal(v))).collect();
            statement.push_str(&format!(" PARTITION ({})", parts.join(", ")));
        }
        self.submit(user, session, Submission { statement, ..Submission::default() })
    }

    /// Jobs, roots and the shared catalog of every session's engine.
    pub(crate) fn engine_shared(&self) -> &Arc<EngineShared> {
        &self.shared
    }

    /// Counters since start.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Counters and live gauges in the Prometheus text format.
    pub fn render_metrics(&self) -> String {
        let mut gauges = Gauges::default();
        for status in OperationStatus::ALL {
            gauges.operations.insert(status.name(), 0);
        }
        for session in self.sessions.all() {
            gauges.sessions += 1;
            for info in session.operation_infos() {
                *gauges.operations.entry(info.status.name()).or_default() += 1;
                gauges.ring_rows += info.buffered_rows;
                gauges.ring_bytes += info.buffered_bytes;
            }
        }
        self.metrics.render(&gauges)
    }

    /// Refuse new sessions, cancel running operations, stop background tasks.
    pub fn shut_down(&self) {
        self.shutdown.cancel();
        self.shared.catalog.closed.cancel();
        self.sessions.shut_down();
        self.shared.jobs.shut_down();
    }

    /// Read the stored keys, roles and grants, and recreate the stored
    /// catalog; run once, before serving.
    pub async fn restore(&self) -> Result<crate::engine::durable::replay::Restored> {
        self.auth.iam().load().await?;
        self.shared.pools.load().await?;
        crate::engine::durable::replay::replay(&self.shared, Arc::new(self.sessions.defaults().clone())).await
    }

    /// Live sessions.
    pub fn sessions(&self) -> &SessionRegistry {
        &self.sessions
    }

    pub(crate) fn session(&self, user: &User, handle: Uuid) -> Result<Arc<Session>> {
        self.sessions.get(user, handle)
    }

    /// Open a session for `user`, or, when `proxy_user` names someone else,
    /// for that user if `user` may act for them (403 otherwise).
    pub fn open_session(&self, user: &User, proxy_user: Option<&str>, name: Option<String>, properties: BTreeMap<String, String>) -> Result<Uuid> {
        let owner = self.auth.impersonate(user, proxy_user)?;
        Ok(self.sessions.open(owner, name, properties)?.handle)
    }

    /// Effective properties of a session.
    pub fn session_properties(&self, user: &User, session: Uuid) -> Result<BTreeMap<String, String>> {
        Ok(self.session(user, session)?.engine().properties())
    }

    /// Let a session stay unused `timeout` before it is closed (zero: never),
    /// instead of the gateway's idle timeout.
    pub fn set_session_idle_timeout(&self, user: &User, session: Uuid, timeout: Duration) -> Result<()> {
        self.sessions.set_idle_timeout(user, session, timeout)
    }

    /// Keep a session alive.
    pub fn heartbeat(&self, user: &User, session: Uuid) -> Result<()> {
        self.session(user, session).map(|_| ())
    }

    /// Close a session and everything it runs.
    pub fn close_session(&self, user: &User, session: Uuid) -> Result<()> {
        self.sessions.close(user, session)
    }

    /// Submit a statement; returns its operation handle at once.
    pub fn submit(&self, user: &User, session: Uuid, submission: Submission) -> Result<Uuid> {
        let options = StatementOptions { config: submission.config, active_role: user.active_role.clone(), ..StatementOptions::default() };
        let op = self.session(user, session)?.submit(submission.statement, submission.timeout, options)?;
        Ok(op.handle)
    }

    /// Answer a metadata request (catalogs, tables, columns, ...) as an
    /// operation of the session, in order with its statements.
    pub fn submit_metadata(&self, user: &User, session: Uuid, request: crate::engine::metadata::MetadataRequest) -> Result<Uuid> {
        let statement = request.describe();
        let options = StatementOptions { metadata: Some(request), ..StatementOptions::default() };
        Ok(self.session(user, session)?.submit(statement, None, options)?.handle)
    }

    /// Run a session-configuring statement (SET, RESET, DDL, USE) to completion.
    pub async fn configure_session(&self, user: &User, session: Uuid, statement: String, timeout: Option<Duration>) -> Result<()> {
        let session = self.session(user, session)?;
        let options = StatementOptions { configure_only: true, active_role: user.active_role.clone(), ..StatementOptions::default() };
        let op = session.submit(statement, timeout, options)?;
        op.done_token().cancelled().await;
        let outcome = op.fetchable_result().map(|_| ());
        session.close_operation(op.handle).ok();
        outcome
    }

    /// Completion candidates at a cursor position.
    pub async fn complete_statement(&self, user: &User, session: Uuid, statement: &str, position: usize) -> Result<Vec<String>> {
        let session = self.session(user, session)?;
        let catalog = session.engine().catalog_view().await;
        Ok(complete::candidates(statement, position, &catalog))
    }

    /// Status and progress of an operation.
    pub fn operation_info(&self, user: &User, session: Uuid, operation: Uuid) -> Result<OperationInfo> {
        Ok(self.session(user, session)?.operation(operation)?.info())
    }

    /// What an operation printed: its kept log lines and how many were dropped.
    pub fn operation_log(&self, user: &User, session: Uuid, operation: Uuid) -> Result<(Vec<String>, u64)> {
        let log = self.session(user, session)?.operation(operation)?.log();
        Ok((log.lines(), log.dropped()))
    }

    /// Cancel an operation (running, or finished but still streaming).
    pub fn cancel_operation(&self, user: &User, session: Uuid, operation: Uuid) -> Result<OperationStatus> {
        self.session(user, session)?.operation(operation)?.request_cancel()
    }

    /// Close an operation and release its result.
    pub fn close_operation(&self, user: &User, session: Uuid, operation: Uuid) -> Result<OperationStatus> {
        self.session(user, session)?.close_operation(operation)?;
        Ok(OperationStatus::Closed)
    }

    /// Fetch the page at `token`.
    pub async fn fetch(&self, user: &User, session: Uuid, operation: Uuid, token: u64, request: PageRequest) -> Result<Fetched> {
        let session = self.session(user, session)?;
        let op = session.operation(operation)?;
        let deadline = request.wait.map(|wait| Instant::now() + wait);
        // A long-poll first waits for the result to be established, then for rows.
        let result = loop {
            let changed = op.changed().notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(result) = op.fetchable_result()? {
                break result;
            }
            match deadline {
                Some(deadline) if Instant::now() < deadline => {
                    let _ = tokio::time::timeout_at(deadline.into(), changed).await;
                }
                _ => return Ok(Fetched::NotReady),
            }
        };
        let request = PageRequest { wait: deadline.map(|d| d.saturating_duration_since(Instant::now())), ..request };
        let format = session.engine().format_options();
        let outcome = result.fetch(token, request).await?;
        // The operation may have failed or been stopped while we waited.
        op.fetchable_result()?;
        Ok(Fetched::Ready { result, outcome, format })
    }

    /// An operation `user` may use, found by its handle alone, for protocols
    /// whose URLs do not name the session. Another user's reads as unknown.
    pub fn find_operation(&self, user: &User, operation: Uuid) -> Result<(Arc<Session>, Arc<Operation>)> {
        // A scan over the caller's sessions: their operations are few.
        for session in self.sessions.visible_to(user) {
            if let Some(op) = session.peek_operation(operation) {
                op.touch();
                session.touch();
                return Ok((session, op));
            }
        }
        Err(GatewayError::OperationNotFound(operation))
    }

    /// Submit a statement and wait until its result is established or it
    /// ended (clients that run statements synchronously).
    pub async fn submit_and_wait(&self, user: &User, session: Uuid, submission: Submission) -> Result<Uuid> {
        let handle = self.submit(user, session, submission)?;
        let (_, op) = self.find_operation(user, handle)?;
        op.settled().await;
        Ok(handle)
    }

    /// Read rows of a finished operation by position (FETCH_NEXT / FIRST /
    /// PRIOR), waiting up to [`READ_WAIT`] for the first row of the page.
    pub async fn read_rows(&self, user: &User, operation: Uuid, orientation: Orientation, max_rows: usize) -> Result<(Arc<ResultSet>, Vec<Rows>, FormatOptions)> {
        let (session, op) = self.find_operation(user, operation)?;
        let result = self.established(&op)?;
        let rows = result.read(orientation, max_rows, READ_WAIT).await?;
        // The operation may have failed or been stopped while we waited.
        op.fetchable_result()?;
        Ok((result, rows, session.engine().format_options()))
    }

    /// The result of a finished operation (its schema, its shape).
    pub fn result_of(&self, user: &User, operation: Uuid) -> Result<Arc<ResultSet>> {
        let (_, op) = self.find_operation(user, operation)?;
        self.established(&op)
    }

    fn established(&self, op: &Operation) -> Result<Arc<ResultSet>> {
        match op.fetchable_result()? {
            Some(result) => Ok(result),
            None => Err(GatewayError::Conflict(format!("Expected state FINISHED, but found {}", op.status()))),
        }
    }

    /// Up to `max` lines of an operation's log from `from`.
    pub fn read_log(&self, user: &User, operation: Uuid, from: LogFrom, max: usize) -> Result<Vec<String>> {
        let (_, op) = self.find_operation(user, operation)?;
        Ok(op.log().read(from, max))
    }

    /// Worker threads of the runtime statements run on, tasks alive on it,
    /// and tasks queued for a worker.
    pub fn runtime_load(&self) -> (usize, usize, usize) {
        let metrics = tokio::runtime::Handle::current().metrics();
        (metrics.num_workers(), metrics.num_alive_tasks(), metrics.global_queue_depth())
    }

    /// Submit a batch for `user` (or, with `proxy_user`, for that user when
    /// allowed). Answers the batch and whether its id was already taken (the
    /// existing batch is answered, nothing runs twice).
    pub fn submit_batch(&self, user: &User, proxy_user: Option<&str>, spec: BatchSpec) -> Result<(Arc<Batch>, bool)> {
        let owner = self.auth.impersonate(user, proxy_user)?;
        let kind = spec.kind.to_ascii_uppercase();
        if kind != "SQL" {
            return Err(GatewayError::bad_request(format!("{} is not in the supported batch types: [SQL]", spec.kind)));
        }
        if let Some(existing) = spec.id.and_then(|id| self.batches.existing(id)) {
            return if owner.may_access(&existing.owner) {
                Ok((existing, true))
            } else {
                Err(GatewayError::Conflict(format!("Batch id {} is taken by another user's batch.", existing.id)))
            };
        }
        let (resource, text) = match (spec.script, spec.resource) {
            (Some((name, text)), _) => (name, text),
            (None, Some(resource)) if !resource.trim().is_empty() => {
                let text = script::read_uri(&self.shared, &resource).map_err(as_bad_request)?;
                (resource, text)
            }
            _ => return Err(GatewayError::bad_request("The batch needs a resource: a SQL script under a data root, or an uploaded resourceFile.")),
        };
        let text = bind_args(&text, &spec.args);
        let job_id = script::deploy(&self.shared, Arc::new(self.sessions.defaults().clone()), spec.conf.clone(), &text, &owner.name).map_err(as_bad_request)?;
        let job = self.shared.jobs.get(&job_id)?;
        let batch = Batch {
            id: spec.id.unwrap_or_else(Uuid::new_v4),
            owner,
            kind,
            name: spec.name,
            resource,
            conf: spec.conf,
            created: std::time::SystemTime::now(),
            job,
        };
        tracing::info!(batch = %batch.id, user = %batch.owner, job = %job_id, "batch submitted");
        match self.batches.insert(batch) {
            Ok(batch) => Ok((batch, false)),
            // Submitted twice at the same moment: the other one won; stop ours.
            Err(existing) => {
                if let Ok(job) = self.shared.jobs.get(&job_id) {
                    tokio::spawn(async move { job.stop().await });
                }
                Ok((existing, true))
            }
        }
    }

    /// The batches `user` may see, oldest first.
    pub fn batches(&self, user: &User) -> Vec<Arc<Batch>> {
        self.batches.visible_to(user)
    }

    /// One batch `user` may see.
    pub fn batch(&self, user: &User, id: Uuid) -> Result<Arc<Batch>> {
        self.batches.get(user, id)
    }

    /// Stop a batch `user` may see.
    pub async fn kill_batch(&self, user: &User, id: Uuid) -> Result<Kill> {
        self.batches.kill(user, id).await
    }
}

/// `script` with `${1}`, `${2}`, ... replaced by `args`, as text (the
/// script is the submitter's own, so nothing is quoted); other text is left alone.
fn bind_args(script: &str, args: &[String]) -> String {
    let mut text = script.to_string();
    for (n, arg) in args.iter().enumerate() {
        text = text.replace(&format!("${{{}}}", n + 1), arg);
    }
    text
}

/// A refused batch resource or script is the request's fault.
fn as_bad_request(error: GatewayError) -> GatewayError {
    match error {
        GatewayError::Sql(message) => GatewayError::BadRequest(message),
        other => other,
    }
}
