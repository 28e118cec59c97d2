//! Wire types of the ByteHouse-style API (serde + OpenAPI schema).
//!
//! Every answer is one envelope: `{"message": "Success", "error": {},
//! "data": ...}` on success (listings add `"meta": {"total", "offset",
//! "limit"}`; deletes and updates have no `data`), and on failure
//! `{"message": "<why>", "error": {"code": "<CODE>", "message": "<why>"}}`.
//! Query results are `{"columns": [{"name", "type"}], "rows": [[...]]}`
//! with every value a typed JSON value.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The `message` of every successful answer.
pub const SUCCESS: &str = "Success";

/// `error` of a successful answer: always `{}`.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct NoError {}

/// `error` of a failed answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable upper-case code clients branch on (`NOT_FOUND`, `DATABASE_NOT_EMPTY`, `NOT_IMPLEMENTED`, ...).
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
}

/// Every failure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BytehouseError {
    /// The same text as `error.message` (never `Success`).
    pub message: String,
    /// The code and the message.
    pub error: ErrorDetail,
}

/// Paging of a listing.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Meta {
    /// Items matching the filter, before paging.
    pub total: usize,
    /// Items skipped (the `offset` asked for).
    pub offset: usize,
    /// Most items answered (the `limit` asked for, clamped to 100).
    pub limit: usize,
}

/// A success without data (deletes, updates).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuccessResponse {
    /// `Success`.
    pub message: String,
    /// `{}`.
    pub error: NoError,
}

impl SuccessResponse {
    /// `{"message":"Success","error":{}}`.
    pub fn new() -> Self {
        SuccessResponse { message: SUCCESS.into(), error: NoError {} }
    }
}

impl Default for SuccessResponse {
    fn default() -> Self {
        Self::new()
    }
}

/// A success envelope type `$name` carrying `$data` (and, with `meta`, paging).
macro_rules! envelope {
    ($name:ident, $data:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Serialize, ToSchema)]
        pub struct $name {
            /// `Success`.
            pub message: String,
            /// `{}`.
            pub error: NoError,
            /// The answer.
            pub data: $data,
        }
        impl $name {
            /// The envelope around `data`.
            pub fn new(data: $data) -> Self {
                $name { message: SUCCESS.into(), error: NoError {}, data }
            }
        }
    };
    ($name:ident, $data:ty, meta, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Serialize, ToSchema)]
        pub struct $name {
            /// `Success`.
            pub message: String,
            /// `{}`.
            pub error: NoError,
            /// This page of items.
            pub data: $data,
            /// Total, offset and limit of the page.
            pub meta: Meta,
        }
        impl $name {
            /// The envelope around a page.
            pub fn new(data: $data, meta: Meta) -> Self {
                $name { message: SUCCESS.into(), error: NoError {}, data, meta }
            }
        }
    };
}

pub(crate) use envelope;

envelope!(DatabaseListResponse, Vec<DatabaseView>, meta, "A page of databases.");
envelope!(DatabaseResponse, DatabaseView, "One database.");
envelope!(TableListResponse, Vec<TableSummary>, meta, "A page of tables, views or materialized views.");
envelope!(TableResponse, TableView, "One table, view or materialized view.");
envelope!(QueryResponse, QueryResult, "A query's rows, or (switched to async) its id and state.");
envelope!(QueryStatusResponse, QueryStatus, "A query's state.");
envelope!(CheckTablesResponse, CheckTablesView, "What a query reads.");
envelope!(DialectListResponse, Vec<Dialect>, "The SQL dialects queries may be written in.");
envelope!(QueryStatisticResponse, QueryStatistic, "Figures of a query.");

/// A database (a Flink database of the session's current catalog).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseView {
    /// Its name, as paths name it.
    pub name: String,
    /// The catalog it belongs to (the query session's current catalog).
    pub catalog: String,
    /// The description given at creation (stored by the gateway).
    pub description: Option<String>,
    /// Relations it holds (tables, views, materialized tables): a non-empty database cannot be deleted.
    pub table_count: usize,
}

/// `POST /databases`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateDatabaseRequest {
    /// The new database's name (required).
    pub name: Option<String>,
    /// A description to store and show.
    pub description: Option<String>,
}

/// A relation in a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableSummary {
    /// Its name.
    pub name: String,
    /// The database holding it.
    pub database: String,
    /// `TABLE`, `VIEW` or `MATERIALIZED_VIEW` (a Flink materialized table).
    #[serde(rename = "type")]
    pub kind: String,
    /// The description (the table comment, or the stored description).
    pub description: Option<String>,
    /// How many columns it has.
    pub column_count: usize,
    /// Rows held, when counting costs nothing (in-memory tables); null otherwise.
    pub row_count: Option<u64>,
}

/// A column of a table as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ColumnView {
    /// Column name.
    pub name: String,
    /// The ByteHouse type: as declared through this API, else derived from the stored type.
    #[serde(rename = "type")]
    pub bytehouse_type: String,
    /// The Flink SQL type the engine stores it as.
    pub flink_type: String,
    /// Whether values may be NULL.
    pub nullable: bool,
    /// The declared default (stored and shown; the engine does not apply it).
    pub default_value: Option<String>,
    /// The column comment.
    pub comment: Option<String>,
}

/// A partition key of a table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartitionKey {
    /// The partitioning column (`PARTITIONED BY`).
    pub column: String,
    /// ByteHouse's granularity (stored and shown, no engine meaning).
    pub granularity: Option<String>,
    /// ByteHouse's partition expression (stored and shown, no engine meaning).
    pub expression: Option<String>,
}

/// One table, view or materialized view.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableView {
    /// Its name.
    pub name: String,
    /// The database holding it.
    pub database: String,
    /// The catalog holding the database.
    pub catalog: String,
    /// `TABLE`, `VIEW` or `MATERIALIZED_VIEW`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The description (stored, or the table comment).
    pub description: Option<String>,
    /// Its columns in order.
    pub columns: Vec<ColumnView>,
    /// ByteHouse ordering keys (stored and shown, no engine meaning).
    pub order_by_keys: Vec<String>,
    /// `PRIMARY KEY (...) NOT ENFORCED` columns.
    pub primary_keys: Vec<String>,
    /// `PARTITIONED BY` columns, with the stored granularity and expression.
    pub partition_keys: Vec<PartitionKey>,
    /// ByteHouse sampling key (stored and shown).
    pub sampling_key: Option<String>,
    /// ByteHouse TTL as given (stored and shown, nothing expires).
    #[schema(value_type = Option<Object>)]
    pub ttl: Option<Value>,
    /// ByteHouse unique key as given (stored and shown).
    #[schema(value_type = Option<Object>)]
    pub unique_key: Option<Value>,
    /// ByteHouse cluster key as given (stored and shown).
    #[schema(value_type = Option<Object>)]
    pub cluster_key: Option<Value>,
    /// For views: the defining query.
    pub definition: Option<String>,
    /// Rows held, when counting costs nothing; null otherwise.
    pub row_count: Option<u64>,
}

/// A column of `POST /databases/{db}/tables`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ColumnSpec {
    /// Column name (required).
    pub name: Option<String>,
    /// ByteHouse type (required): `Int8`..`UInt64`, `Float32/64`, `String`, `FixedString(n)`, `Date`,
    /// `DateTime`, `DateTime64(p)`, `Decimal(p,s)`, `Bool`, `Nullable(T)`, `Array(T)`, `Map(K,V)`, `LowCardinality(T)`.
    #[serde(rename = "type")]
    pub bytehouse_type: Option<String>,
    /// Whether values may be NULL (also made so by `Nullable(T)`); default false.
    pub nullable: Option<bool>,
    /// A default to store and show (not applied by the engine).
    pub default_value: Option<String>,
    /// The column comment.
    pub comment: Option<String>,
}

/// `POST /databases/{db}/tables`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTableRequest {
    /// Table name (required).
    pub name: Option<String>,
    /// The table comment and description.
    pub description: Option<String>,
    /// Columns, at least one.
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    /// ByteHouse ordering keys: columns of the table (stored and shown).
    #[serde(default)]
    pub order_by_keys: Vec<String>,
    /// ByteHouse sampling key (stored and shown).
    pub sampling_key: Option<String>,
    /// Partition columns (`PARTITIONED BY`).
    #[serde(default)]
    pub partition_keys: Vec<PartitionKey>,
    /// Primary key columns (`PRIMARY KEY (...) NOT ENFORCED`).
    #[serde(default)]
    pub primary_keys: Vec<String>,
    /// ByteHouse TTL, any JSON (stored and shown).
    #[schema(value_type = Option<Object>)]
    pub ttl: Option<Value>,
    /// ByteHouse unique key, any JSON (stored and shown).
    #[schema(value_type = Option<Object>)]
    pub unique_key: Option<Value>,
    /// ByteHouse cluster key, any JSON (stored and shown).
    #[schema(value_type = Option<Object>)]
    pub cluster_key: Option<Value>,
}

/// `PATCH /databases/{db}/tables/{t}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTableRequest {
    /// A new description.
    pub description: Option<String>,
    /// A new TTL, any JSON (stored and shown).
    #[schema(value_type = Option<Object>)]
    pub ttl: Option<Value>,
    /// Remove the stored TTL.
    #[serde(rename = "isRemoveTTL")]
    pub is_remove_ttl: Option<bool>,
    /// Columns to add: refused with 501 (the engine has no ALTER TABLE ... ADD).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub add_columns: Vec<Value>,
    /// Columns to drop: refused with 501.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub drop_columns: Vec<Value>,
    /// Columns to change: refused with 501.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub modify_columns: Vec<Value>,
    /// Columns to rename: refused with 501.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub rename_columns: Vec<Value>,
}

/// `POST /queries/sync` and `POST /queries/async`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryRequest {
    /// SQL (required): one statement or several separated by `;` (`USE db` included); the last one's result is answered.
    pub query: Option<String>,
    /// `ansi_sql` (default) or `flink_sql`; both run on the gateway's Flink SQL dialect. Others are 400.
    pub mode: Option<String>,
    /// Virtual warehouse (its `vwID` or name) every statement of the query runs on; absent: the query session's `sluicegate.vw`, else the shared engine. Unknown: 404 `VW_NOT_FOUND`.
    #[serde(rename = "vwID")]
    pub vw_id: Option<String>,
    /// The query's id: client-chosen (a live query's id is 409) or a generated UUID.
    #[serde(rename = "queryID")]
    pub query_id: Option<String>,
    /// Sync only: still running after this many seconds, the answer is the query's id and state (`async: true`) instead of rows.
    pub async_mode_switch_after_in_sec: Option<u64>,
    /// Sync only: most rows answered (0 or absent: all).
    pub max_rows_return: Option<u64>,
}

/// A result column.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryColumn {
    /// Column name.
    pub name: String,
    /// Its Flink SQL type.
    #[serde(rename = "type")]
    pub column_type: String,
}

/// A query's rows (or, when it went async, only its id and state).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    /// The query's id (status, results, kill).
    #[serde(rename = "queryID")]
    pub query_id: String,
    /// `RUNNING`, `FINISHED`, `FAILED` or `CANCELLED`.
    pub state: String,
    /// True when a sync query was switched to async (no columns or rows then: read them from `/queries/{id}/results`).
    #[serde(rename = "async")]
    pub is_async: bool,
    /// Result columns.
    pub columns: Vec<QueryColumn>,
    /// Rows, each an array of typed JSON values in column order.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub rows: Vec<Value>,
    /// Rows in `rows`.
    pub row_count: usize,
    /// The token of the following rows (`/queries/{id}/results?token=`); null once every row was answered.
    pub next_token: Option<u64>,
}

/// A query's state.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryStatus {
    /// The query's id.
    #[serde(rename = "queryID")]
    pub query_id: String,
    /// `RUNNING` (also while rows are still produced), `FINISHED` (rows ready), `FAILED`, `CANCELLED`.
    pub state: String,
    /// The SQL of the statement whose result the query answers.
    pub query: String,
    /// The mode it was submitted in.
    pub mode: String,
    /// Submitted as `sync` or `async`.
    pub kind: String,
    /// Every row has been produced.
    pub complete: bool,
    /// Submission time, RFC 3339.
    pub submitted_at: String,
    /// Start time, RFC 3339, once started.
    pub started_at: Option<String>,
    /// End time, RFC 3339, once every row was produced or it stopped.
    pub ended_at: Option<String>,
    /// Milliseconds since submission, frozen at the end.
    pub elapsed_ms: u64,
    /// Rows produced so far.
    pub rows: u64,
    /// The failure, for `FAILED`.
    pub error: Option<String>,
}

/// `POST /queries/check-tables`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckTablesRequest {
    /// The query (required); with several statements, the last one is checked after the others ran.
    pub query: Option<String>,
    /// Accepted and ignored (the caller is the authenticated user).
    #[schema(value_type = Option<Object>)]
    pub user_info: Option<Value>,
}

/// A relation a query reads.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct TableRef {
    /// Catalog.
    pub catalog: String,
    /// Database.
    pub database: String,
    /// Name.
    pub name: String,
}

/// What a query reads.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckTablesView {
    /// Tables scanned (also those a view reads).
    pub tables: Vec<TableRef>,
    /// Views named by the query or by its views.
    pub views: Vec<TableRef>,
    /// Materialized tables scanned.
    pub materialized_views: Vec<TableRef>,
}

/// A SQL dialect.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dialect {
    /// The `mode` value.
    pub name: String,
    /// What it means here.
    pub description: String,
}

/// Figures of a query.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryStatistic {
    /// The query's id.
    #[serde(rename = "queryID")]
    pub query_id: String,
    /// As in its status.
    pub state: String,
    /// Rows produced so far.
    pub rows_produced: u64,
    /// Rows answered to the client so far.
    pub rows_returned: u64,
    /// Bytes of JSON rows answered so far.
    pub bytes_returned: u64,
    /// Rows waiting to be read.
    pub buffered_rows: u64,
    /// Estimated (Arrow) bytes waiting to be read.
    pub buffered_bytes: u64,
    /// Submission time, RFC 3339.
    pub submitted_at: String,
    /// Start time, RFC 3339.
    pub started_at: Option<String>,
    /// End time, RFC 3339.
    pub ended_at: Option<String>,
    /// Milliseconds since submission, frozen at the end.
    pub elapsed_ms: u64,
}
