//! Wire types of the Kyuubi REST API v1, with Kyuubi's (Java bean) field
//! names. Requests ignore unknown fields and take absent fields as Kyuubi's
//! defaults; responses emit every field, `null` included, as Jackson does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::batch_model::*;

/// Every failure: exactly one key.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KyuubiError {
    /// What went wrong.
    pub message: String,
}

/// `GET /api/v1/version`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionInfo {
    /// The Kyuubi REST API level this gateway answers as.
    pub version: String,
}

/// `POST /api/v1/sessions`. Both fields may be absent.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionOpenRequest {
    /// TProtocolVersion as its integer (V1 = 0 ... V11 = 10); absent means V1,
    /// whose result sets are row-based.
    pub protocol_version: Option<i32>,
    /// Session configuration; `kyuubi.session.proxy.user` (or
    /// `hive.server2.proxy.user`) asks to act as another user.
    pub configs: Option<BTreeMap<String, String>>,
}

/// The handle of an opened session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionHandle {
    /// The session's UUID: the `{sessionHandle}` of later calls.
    pub identifier: String,
    /// `host:port` of the gateway that holds the session.
    pub kyuubi_instance: String,
}

/// A session in listings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionData {
    /// The session's UUID.
    pub identifier: String,
    /// Engine-side id (none: the engine is in-process).
    pub remote_id: String,
    /// The session user.
    pub user: String,
    /// The client's address at open.
    pub ip_addr: String,
    /// Effective session configuration.
    pub conf: BTreeMap<String, String>,
    /// Epoch milliseconds at open.
    pub create_time: i64,
    /// Milliseconds since open.
    pub duration: i64,
    /// Milliseconds since a request last named it.
    pub idle_time: i64,
    /// Failure text (empty).
    pub exception: String,
    /// `INTERACTIVE`.
    pub session_type: String,
    /// The gateway holding it.
    pub kyuubi_instance: String,
    /// The engine pool's id.
    pub engine_id: String,
    /// The engine pool's name.
    pub engine_name: String,
    /// The engine's address (the gateway itself).
    pub engine_url: String,
    /// The name given at open (`kyuubi.session.name`), or empty.
    pub session_name: String,
    /// Operations ever submitted in it.
    pub total_operations: u64,
}

/// `GET /api/v1/sessions/{sessionHandle}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KyuubiSessionEvent {
    /// The session's UUID.
    pub session_id: String,
    /// The protocol version (integer) it was opened with.
    pub client_version: i32,
    /// `INTERACTIVE`.
    pub session_type: String,
    /// The name given at open, or empty.
    pub session_name: String,
    /// Engine-side id (none).
    pub remote_session_id: String,
    /// The engine pool's id.
    pub engine_id: String,
    /// The engine pool's name.
    pub engine_name: String,
    /// The engine's address.
    pub engine_url: String,
    /// The session user.
    pub user: String,
    /// The client's address at open.
    pub client_ip: String,
    /// The gateway's address.
    pub server_ip: String,
    /// Effective session configuration.
    pub conf: BTreeMap<String, String>,
    /// Epoch milliseconds of this event (now).
    pub event_time: i64,
    /// Epoch milliseconds the engine side was opened.
    pub opened_time: i64,
    /// Epoch milliseconds at open.
    pub start_time: i64,
    /// Epoch milliseconds at close; -1 while open.
    pub end_time: i64,
    /// Operations ever submitted in it.
    pub total_operations: u64,
    /// Why it failed, if it did (never: failures are the operations').
    pub exception: Option<String>,
}

/// `GET /api/v1/sessions/{sessionHandle}/info/{infoType}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InfoDetail {
    /// The Hive GetInfo type's name, e.g. `CLI_SERVER_NAME`.
    pub info_type: String,
    /// Its value.
    pub info_value: String,
}

/// `GET /api/v1/sessions/count`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionOpenCount {
    /// Live sessions of the gateway.
    pub open_session_count: usize,
}

/// `GET /api/v1/sessions/execPool/statistic`: the runtime statements run on.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecPoolStatistic {
    /// Worker threads.
    pub exec_pool_size: usize,
    /// Tasks alive on the runtime (statements, streams, sessions' queues).
    pub exec_pool_active_count: usize,
    /// Tasks queued for a worker.
    pub exec_pool_work_queue_size: usize,
}

/// `POST /api/v1/sessions/{sessionHandle}/operations/statement`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct StatementRequest {
    /// The SQL text.
    pub statement: String,
    /// `false` (or absent): answer once the result is established or the
    /// statement failed; `true`: answer the handle at once.
    pub run_async: bool,
    /// Seconds after which the statement ends as TIMEOUT; 0 = none.
    pub query_timeout: i64,
    /// Properties for this statement only. `kyuubi.operation.language`
    /// must be `SQL` when given.
    pub conf_overlay: Option<BTreeMap<String, String>>,
}

/// An operation's handle.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OperationHandle {
    /// The operation's UUID: the `{operationHandle}` of later calls.
    pub identifier: String,
}

/// `POST .../operations/schemas`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GetSchemasRequest {
    /// Catalog name; empty or absent = all.
    pub catalog_name: Option<String>,
    /// Database (schema) LIKE pattern.
    pub schema_name: Option<String>,
}

/// `POST .../operations/tables`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GetTablesRequest {
    /// Catalog name; empty or absent = all.
    pub catalog_name: Option<String>,
    /// Database LIKE pattern.
    pub schema_name: Option<String>,
    /// Table LIKE pattern.
    pub table_name: Option<String>,
    /// `TABLE` and/or `VIEW`; absent = both.
    pub table_types: Option<Vec<String>>,
}

/// `POST .../operations/columns`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GetColumnsRequest {
    /// Catalog name; empty or absent = all.
    pub catalog_name: Option<String>,
    /// Database LIKE pattern.
    pub schema_name: Option<String>,
    /// Table LIKE pattern.
    pub table_name: Option<String>,
    /// Column LIKE pattern.
    pub column_name: Option<String>,
}

/// `POST .../operations/functions`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GetFunctionsRequest {
    /// Catalog name; empty or absent = all.
    pub catalog_name: Option<String>,
    /// Database LIKE pattern.
    pub schema_name: Option<String>,
    /// Function LIKE pattern.
    pub function_name: Option<String>,
}

/// `POST .../operations/primaryKeys`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GetPrimaryKeysRequest {
    /// Catalog name; absent = the current one.
    pub catalog_name: Option<String>,
    /// Database name; absent = the current one.
    pub schema_name: Option<String>,
    /// Table name (required).
    pub table_name: Option<String>,
}

/// `POST .../operations/crossReference`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GetCrossReferenceRequest {
    /// Parent table's catalog.
    pub primary_catalog: Option<String>,
    /// Parent table's database.
    pub primary_schema: Option<String>,
    /// Parent table.
    pub primary_table: Option<String>,
    /// Child table's catalog.
    pub foreign_catalog: Option<String>,
    /// Child table's database.
    pub foreign_schema: Option<String>,
    /// Child table.
    pub foreign_table: Option<String>,
}

/// `GET /api/v1/operations/{operationHandle}/event`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KyuubiOperationEvent {
    /// The operation's UUID.
    pub statement_id: String,
    /// Engine-side id (none).
    pub remote_id: String,
    /// The statement text (or the metadata request).
    pub statement: String,
    /// Whether the client asked to run it asynchronously.
    pub should_run_async: bool,
    /// INITIALIZED, PENDING, RUNNING, FINISHED, TIMEOUT, CANCELED, CLOSED or ERROR.
    pub state: String,
    /// Epoch milliseconds of this event (now).
    pub event_time: i64,
    /// Epoch milliseconds at submission.
    pub create_time: i64,
    /// Epoch milliseconds it started running; 0 before.
    pub start_time: i64,
    /// Epoch milliseconds work ended; 0 before.
    pub complete_time: i64,
    /// The failure, for ERROR and TIMEOUT.
    pub exception: Option<String>,
    /// Its session.
    pub session_id: String,
    /// Its session's user.
    pub session_user: String,
    /// `INTERACTIVE`.
    pub session_type: String,
    /// The gateway holding it.
    pub kyuubi_instance: String,
    /// Rows produced and fetched so far.
    pub metrics: BTreeMap<String, String>,
    /// Progress report (not provided).
    pub progress: Option<serde_json::Value>,
}

/// An operation in listings (`exception` as text, no event time).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationData {
    /// The operation's UUID.
    pub identifier: String,
    /// Engine-side id (none).
    pub remote_id: String,
    /// The statement text.
    pub statement: String,
    /// Its state, as in the event.
    pub state: String,
    /// Epoch milliseconds at submission.
    pub create_time: i64,
    /// Epoch milliseconds it started running; 0 before.
    pub start_time: i64,
    /// Epoch milliseconds work ended; 0 before.
    pub complete_time: i64,
    /// The failure text, or empty.
    pub exception: String,
    /// Its session.
    pub session_id: String,
    /// Its session's user.
    pub session_user: String,
    /// `INTERACTIVE`.
    pub session_type: String,
    /// The gateway holding it.
    pub kyuubi_instance: String,
    /// Rows produced and fetched so far.
    pub metrics: BTreeMap<String, String>,
}

/// `PUT /api/v1/operations/{operationHandle}`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct OpActionRequest {
    /// `cancel` or `close` (any case).
    pub action: String,
}

/// One result column.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDesc {
    /// Its name.
    pub column_name: String,
    /// Hive TTypeId name (`INT_TYPE`, `STRING_TYPE`, `DECIMAL_TYPE`, ...).
    pub data_type: String,
    /// 0-based position.
    pub column_index: usize,
    /// DECIMAL precision or VARCHAR/CHAR length; 0 otherwise.
    pub precision: i32,
    /// DECIMAL scale; 0 otherwise.
    pub scale: i32,
    /// Column comment (empty).
    pub comment: String,
}

/// `GET /api/v1/operations/{operationHandle}/resultsetmetadata`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResultSetMetaData {
    /// The columns in order.
    pub columns: Vec<ColumnDesc>,
}

/// An operation's or a batch's log lines.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationLog {
    /// The lines of this read.
    pub log_row_set: Vec<String>,
    /// How many lines this read returned.
    pub row_count: usize,
}

/// One value of a row (documentation type: rows are written columnar).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The Thrift value-union member: `BOOL_VAL`, `BYTE_VAL`, `I16_VAL`,
    /// `I32_VAL`, `I64_VAL`, `DOUBLE_VAL`, `STRING_VAL`, `BINARY_VAL` (base64,
    /// protocol V6 and later).
    pub data_type: String,
    /// The value: a JSON boolean, integer, number or string; `null` for SQL NULL.
    #[schema(schema_with = scalar_value)]
    pub value: serde_json::Value,
}

/// A field's value as sent: a boolean, integer, number, string or null
/// (never an object or array: nested values travel as text).
fn scalar_value() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::Boolean, Type::Integer, Type::Number, Type::String, Type::Null]))
        .description(Some("The value: a JSON boolean, integer, number or string; `null` for SQL NULL."))
        .build()
}

/// One row.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Row {
    /// Its values in column order.
    pub fields: Vec<Field>,
}

/// `GET /api/v1/operations/{operationHandle}/rowset`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultRowSet {
    /// The rows of this page; none at the end.
    pub rows: Vec<Row>,
    /// How many rows this page holds.
    pub row_count: usize,
}

/// `GET /api/v1/admin/engine`: one entry per engine pool.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Engine {
    /// The engine's version (DataFusion's).
    pub version: String,
    /// The user it serves (every user: the pool is shared).
    pub user: String,
    /// `DATAFUSION_SQL`.
    pub engine_type: String,
    /// `SERVER`: one pool for the whole gateway.
    pub sharelevel: String,
    /// `default`.
    pub subdomain: String,
    /// Where it runs: the gateway itself.
    pub instance: String,
    /// The pool's name.
    pub namespace: String,
    /// Live figures: sessions, worker threads.
    pub attributes: BTreeMap<String, String>,
}

/// `GET /api/v1/admin/server`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerData {
    /// The gateway's name.
    pub node_name: String,
    /// Its namespace.
    pub namespace: String,
    /// `host:port`.
    pub instance: String,
    /// Host part.
    pub host: String,
    /// Port part.
    pub port: u16,
    /// Version and start time.
    pub attributes: BTreeMap<String, String>,
    /// `Running`.
    pub status: String,
}
