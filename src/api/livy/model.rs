//! Wire types of the Apache Livy REST API, with Livy's field names.
//!
//! Requests refuse unknown fields (Livy's Jackson mapper does: a misspelt
//! option is 400, not silently dropped) and accept Spark resource options
//! that mean nothing to this engine, so Livy clients send them unchanged.
//! Responses emit every key Livy sends, `null` included: clients index them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// Every failure, and the acknowledgements (`deleted`, `canceled`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LivyMessage {
    /// What happened.
    pub msg: String,
}

/// `GET /version`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LivyVersion {
    /// The Livy version answered as (clients compare it to enable kind `sql`).
    pub version: String,
    /// Who built it (the gateway).
    pub user: String,
    /// The gateway's version, standing for Livy's git revision.
    pub revision: String,
    /// The branch it was built from.
    pub branch: String,
    /// When it was built (empty: not recorded).
    pub date: String,
    /// Where it comes from.
    pub url: String,
}

/// `POST /sessions`: an interactive session. Every field is optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CreateSessionRequest {
    /// `sql`, `shared` (the default), or sparkmagic's `spark`/`pyspark`/`sparkr`.
    pub kind: Option<String>,
    /// Run as this user (the gateway's impersonation rules apply; `doAs` wins).
    pub proxy_user: Option<String>,
    /// A unique name the session can be named by instead of its id.
    pub name: Option<String>,
    /// Session properties (`datafusion.*`, Flink keys, `livy.rsc.sql.num-rows`).
    #[schema(value_type = Object)]
    pub conf: Option<BTreeMap<String, String>>,
    /// Close the session when no request named it this many seconds (0: the gateway's timeout).
    pub heartbeat_timeout_in_second: Option<i64>,
    /// Spark option, accepted and ignored.
    pub ttl: Option<String>,
    /// Spark option, accepted and ignored.
    pub idle_timeout: Option<String>,
    /// Spark option, accepted and ignored.
    pub jars: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub py_files: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub files: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub archives: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub driver_memory: Option<String>,
    /// Spark option, accepted and ignored.
    pub driver_cores: Option<i64>,
    /// Spark option, accepted and ignored.
    pub executor_memory: Option<String>,
    /// Spark option, accepted and ignored.
    pub executor_cores: Option<i64>,
    /// Spark option, accepted and ignored.
    pub num_executors: Option<i64>,
    /// Spark option, accepted and ignored.
    pub queue: Option<String>,
}

/// Where a session's application would show (nothing: the engine is in-process).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Always null.
    pub driver_log_url: Option<String>,
    /// Always null.
    pub spark_ui_url: Option<String>,
    /// Always null.
    pub executor_log_urls: Option<String>,
}

/// An interactive session as Livy shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// The integer id of later calls.
    pub id: u64,
    /// Its unique name, if given.
    pub name: Option<String>,
    /// Its application id (none: no cluster application).
    pub app_id: Option<String>,
    /// The authenticated user who created it.
    pub owner: Option<String>,
    /// The user it runs as when that differs from the owner.
    pub proxy_user: Option<String>,
    /// `idle`, `busy`, `shutting_down`, `dead`, ...
    pub state: String,
    /// The session kind.
    pub kind: String,
    /// Where its application would show.
    pub app_info: AppInfo,
    /// Its last log lines.
    pub log: Vec<String>,
    /// Livy's ttl (not used: null).
    pub ttl: Option<String>,
    /// Livy's idle timeout text (not used: null).
    pub idle_timeout: Option<String>,
    /// Spark option (null).
    pub driver_memory: Option<String>,
    /// Spark option (0).
    pub driver_cores: i64,
    /// Spark option (null).
    pub executor_memory: Option<String>,
    /// Spark option (0).
    pub executor_cores: i64,
    /// The conf it was created with.
    pub conf: BTreeMap<String, String>,
    /// Spark option (empty).
    pub archives: Vec<String>,
    /// Spark option (empty).
    pub files: Vec<String>,
    /// Its idle timeout in seconds (0: the gateway's).
    pub heartbeat_timeout_in_second: i64,
    /// Spark option (empty).
    pub jars: Vec<String>,
    /// Spark option (0).
    pub num_executors: i64,
    /// Spark option (empty).
    pub py_files: Vec<String>,
    /// Spark option (null).
    pub queue: Option<String>,
}

/// `GET /sessions`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionList {
    /// The offset asked for.
    pub from: usize,
    /// How many sessions the caller may see in all.
    pub total: usize,
    /// The page.
    pub sessions: Vec<SessionView>,
}

/// `GET /sessions/{id}/state` and `GET /batches/{id}/state`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StateView {
    /// The id.
    pub id: u64,
    /// Its state.
    pub state: String,
}

/// `GET /sessions/{id}/log` and `GET /batches/{id}/log`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LogView {
    /// The id.
    pub id: u64,
    /// The first line returned.
    pub from: usize,
    /// How many lines are kept in all.
    pub total: usize,
    /// The lines.
    pub log: Vec<String>,
}

/// `POST /sessions/{id}/statements`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CreateStatementRequest {
    /// The code: SQL (kind `sql`), or a sparkmagic `%%sql` snippet.
    pub code: Option<String>,
    /// `sql`, `spark`, `pyspark`, `sparkr`; absent: the session's kind.
    pub kind: Option<String>,
}

/// A statement as Livy shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatementView {
    /// Its id in the session (= `output.execution_count`).
    pub id: u64,
    /// The code as submitted.
    pub code: String,
    /// `waiting`, `running`, `available`, `cancelling`, `cancelled`.
    pub state: String,
    /// Null until available: `{"status":"ok","execution_count","data"}` or
    /// `{"status":"error","execution_count","ename","evalue","traceback"}`.
    #[schema(value_type = Option<Object>)]
    pub output: Option<Value>,
    /// 1 once ended; while its rows are read, the share of the (capped) output
    /// gathered so far (below 1); 0 while it runs without rows yet.
    pub progress: f64,
    /// Epoch ms it started running (0: not yet).
    pub started: i64,
    /// Epoch ms it ended (0: not yet).
    pub completed: i64,
}

/// `GET /sessions/{id}/statements`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatementList {
    /// Statements kept in the session.
    pub total_statements: usize,
    /// The page.
    pub statements: Vec<StatementView>,
}

/// `POST /sessions/{id}/completion`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CompletionRequest {
    /// The SQL typed so far.
    pub code: Option<String>,
    /// `sql` (the only kind completed).
    pub kind: Option<String>,
    /// Cursor position in `code` (characters; default: its end).
    pub cursor: Option<i64>,
}

/// Completion candidates.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CompletionView {
    /// What could follow at the cursor.
    pub candidates: Vec<String>,
}

/// `POST /batches`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CreateBatchRequest {
    /// A `.sql` script under a data root (a path or `file:` URI). Required.
    pub file: Option<String>,
    /// Run as this user (`doAs` wins).
    pub proxy_user: Option<String>,
    /// Spark option, accepted and ignored.
    pub class_name: Option<String>,
    /// Script parameters: `${1}`, `${2}`, ... in the script are replaced by them.
    pub args: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub jars: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub py_files: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub files: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub driver_memory: Option<String>,
    /// Spark option, accepted and ignored.
    pub driver_cores: Option<i64>,
    /// Spark option, accepted and ignored.
    pub executor_memory: Option<String>,
    /// Spark option, accepted and ignored.
    pub executor_cores: Option<i64>,
    /// Spark option, accepted and ignored.
    pub num_executors: Option<i64>,
    /// Spark option, accepted and ignored.
    pub archives: Option<Vec<String>>,
    /// Spark option, accepted and ignored.
    pub queue: Option<String>,
    /// A name to list it by.
    pub name: Option<String>,
    /// Properties of the script's engine.
    #[schema(value_type = Object)]
    pub conf: Option<BTreeMap<String, String>>,
}

/// A batch as Livy shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchView {
    /// The integer id of later calls.
    pub id: u64,
    /// Its name, if given.
    pub name: Option<String>,
    /// The authenticated user who submitted it.
    pub owner: Option<String>,
    /// The user it runs as when that differs from the owner.
    pub proxy_user: Option<String>,
    /// `starting`, `running`, `success`, `dead`, `killed`.
    pub state: String,
    /// The job running it.
    pub app_id: Option<String>,
    /// Where its application would show.
    pub app_info: AppInfo,
    /// Its last log lines.
    pub log: Vec<String>,
}

/// `GET /batches`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchList {
    /// The offset asked for.
    pub from: usize,
    /// How many batches the caller may see in all.
    pub total: usize,
    /// The page (Livy's key is `sessions`).
    pub sessions: Vec<BatchView>,
}
