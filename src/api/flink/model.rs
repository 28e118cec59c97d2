//! Wire types of the Flink SQL Gateway REST API, as really sent.
//!
//! They carry the OpenAPI schema (utoipa) and the serde shape together, so the
//! served spec cannot drift from what is sent. Requests ignore unknown fields
//! and accept numbers and booleans where a string map is expected.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::format::LogicalType;

/// `GET /api_versions`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiVersionsResponse {
    /// Supported versions, ascending: `["V1","V2","V3","V4"]`.
    pub versions: Vec<String>,
}

/// `GET /info`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InfoResponse {
    /// The protocol's product name, `Apache Flink`, which Flink clients expect.
    pub product_name: String,
    /// The gateway's own version.
    pub version: String,
}

/// `POST /sessions`. The whole body may be absent.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenSessionRequest {
    /// Stored only.
    #[serde(default)]
    pub session_name: Option<String>,
    /// Session properties over the gateway defaults (numbers and booleans are accepted as strings).
    #[serde(default, deserialize_with = "lenient_map")]
    pub properties: Option<BTreeMap<String, String>>,
}

/// `POST /sessions` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenSessionResponse {
    /// The new session's handle, a lower-case UUID.
    #[schema(format = "uuid")]
    pub session_handle: String,
}

/// `GET /sessions/:s`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionPropertiesResponse {
    /// Effective properties: gateway defaults merged with the session's own.
    pub properties: BTreeMap<String, String>,
}

/// The status of a session or operation after close or cancel.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatusResponse {
    /// `CLOSED` or `CANCELED`.
    pub status: OperationStatusName,
}

/// An empty answer: `{}`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct EmptyResponse {}

/// `POST /sessions/:s/configure-session`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigureSessionRequest {
    /// One SET, RESET, CREATE, DROP, ALTER or USE statement; a trailing `;` is fine.
    #[schema(min_length = 1, pattern = r"\S")]
    pub statement: String,
    /// Milliseconds before the statement ends as TIMEOUT; zero, negative or null means none.
    #[serde(default)]
    pub execution_timeout: Option<i64>,
}

/// `GET /sessions/:s/complete-statement` (a GET with a JSON body).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct CompleteStatementRequest {
    /// The statement typed so far.
    pub statement: String,
    /// Cursor offset in characters.
    #[schema(minimum = 0)]
    pub position: i64,
}

/// `GET /sessions/:s/complete-statement` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CompleteStatementResponse {
    /// Keywords and catalog names that complete the word at the cursor.
    pub candidates: Vec<String>,
}

/// `POST /sessions/:s/statements`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteStatementRequest {
    /// One SQL statement; a trailing `;` is fine.
    #[schema(min_length = 1, pattern = r"\S")]
    pub statement: String,
    /// Milliseconds before the operation ends as TIMEOUT; zero, negative or null means none.
    #[serde(default)]
    pub execution_timeout: Option<i64>,
    /// Properties for this statement only (numbers and booleans are accepted as strings).
    #[serde(default, deserialize_with = "lenient_map")]
    pub execution_config: Option<BTreeMap<String, String>>,
}

/// `POST /sessions/:s/statements` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteStatementResponse {
    /// The operation's handle, a lower-case UUID.
    #[schema(format = "uuid")]
    pub operation_handle: String,
}

/// Operation statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationStatusName {
    /// Created.
    Initialized,
    /// Queued behind earlier statements of the session.
    Pending,
    /// Being planned or executed.
    Running,
    /// The result is established and fetchable (rows may still be coming).
    Finished,
    /// Stopped by a client.
    Canceled,
    /// Closed.
    Closed,
    /// Failed; fetching the result returns the error.
    Error,
    /// Exceeded its `executionTimeout`.
    Timeout,
}

/// `GET .../operations/:o/status`: Flink's `status`, plus progress that
/// Flink clients ignore.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatusResponse {
    /// The operation status.
    pub status: OperationStatusName,
    /// Rows the statement produced so far.
    pub rows_produced: u64,
    /// Rows handed out in result pages so far.
    pub rows_fetched: u64,
    /// Rows buffered, waiting to be fetched.
    pub buffered_rows: u64,
    /// Estimated bytes buffered, waiting to be fetched.
    pub buffered_bytes: u64,
    /// Milliseconds since submission (frozen when work ended).
    pub elapsed_ms: u64,
    /// No more rows will be produced.
    pub done: bool,
    /// Why the operation failed, for ERROR and TIMEOUT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Kinds of result page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResultType {
    /// The result is not established yet; follow `nextResultUri` (token 0).
    NotReady,
    /// Rows (possibly none: that is not the end).
    Payload,
    /// The end: no more rows, no `nextResultUri`.
    Eos,
}

/// Whether a result carries rows worth showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResultKind {
    /// A bare acknowledgement (`OK`).
    Success,
    /// Rows to show.
    SuccessWithContent,
}

/// Row encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RowFormat {
    /// Typed JSON values.
    Json,
    /// Every value as its SQL text.
    PlainText,
}

/// One result column.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    /// Column name.
    pub name: String,
    /// Flink logical type of the column.
    pub logical_type: LogicalType,
    /// Always present; `null` when there is no comment.
    #[schema(required = true)]
    pub comment: Option<String>,
}

/// Row change flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RowKindName {
    /// A new row.
    Insert,
    /// The old value of an updated row.
    UpdateBefore,
    /// The new value of an updated row.
    UpdateAfter,
    /// A removed row.
    Delete,
}

/// One result row.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RowData {
    /// The change flag.
    pub kind: RowKindName,
    /// One value per column: typed JSON values (JSON), or strings (PLAIN_TEXT); `null` for SQL NULL.
    #[schema(schema_with = any_values)]
    pub fields: Vec<serde_json::Value>,
}

/// Columns and rows of one page.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultInfo {
    /// The result's columns.
    pub columns: Vec<ColumnInfo>,
    /// The encoding of `data`.
    pub row_format: RowFormat,
    /// The rows of this page.
    pub data: Vec<RowData>,
}

/// `GET .../result/:token`. NOT_READY pages carry only `resultType` and
/// `nextResultUri`; PAYLOAD and EOS carry everything but `jobID` when there
/// is no job; EOS has no `nextResultUri`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FetchResultsResponse {
    /// Page kind.
    pub result_type: ResultType,
    /// The rows come from a query (PAYLOAD/EOS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_query_result: Option<bool>,
    /// The producing job, 32 hex digits (queries and DML only).
    #[serde(default, rename = "jobID", skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// SUCCESS or SUCCESS_WITH_CONTENT (PAYLOAD/EOS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_kind: Option<ResultKind>,
    /// Columns and rows (PAYLOAD/EOS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<ResultInfo>,
    /// Relative URI of the next page; absent at EOS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_result_uri: Option<String>,
}

/// `POST /sessions/:s/scripts` (v4): a script to deploy, inline or by URI.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeployScriptRequest {
    /// The script's statements, `;`-separated.
    #[serde(default)]
    pub script: Option<String>,
    /// Where to read the script from.
    #[serde(default)]
    pub script_uri: Option<String>,
    /// Properties for the deployment (numbers and booleans are accepted as strings).
    #[serde(default, deserialize_with = "lenient_map")]
    pub execution_config: Option<BTreeMap<String, String>>,
}

/// `POST /v3/sessions/:s/materialized-tables/:id/refresh`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshMaterializedTableRequest {
    /// A scheduler-triggered refresh.
    #[serde(default)]
    pub is_periodic: Option<bool>,
    /// `yyyy-MM-dd HH:mm:ss`, for periodic refreshes.
    #[serde(default)]
    pub schedule_time: Option<String>,
    /// Table options for this refresh.
    #[serde(default, deserialize_with = "lenient_map")]
    pub dynamic_options: Option<BTreeMap<String, String>>,
    /// Partitions to refresh.
    #[serde(default, deserialize_with = "lenient_map")]
    pub static_partitions: Option<BTreeMap<String, String>>,
    /// Properties for this refresh only.
    #[serde(default, deserialize_with = "lenient_map")]
    pub execution_config: Option<BTreeMap<String, String>>,
}

/// `GET /sessions/:s/operations/:o/log` (an extension): what the operation
/// printed, e.g. the rows an INSERT wrote into a `print` table.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OperationLogResponse {
    /// The kept lines, oldest first.
    pub lines: Vec<String>,
    /// Older lines dropped to keep the log bounded.
    pub dropped: u64,
}

/// The answer to a deployed script: the id of the application running it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeployScriptResponse {
    /// The application's id; `SHOW JOBS` lists it with its progress.
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
}

/// Every failure: `errors` is the only key.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorResponse {
    /// What went wrong, root cause first.
    pub errors: Vec<String>,
}

/// An array whose items may be any JSON value (numbers, strings, booleans,
/// arrays, objects, null), as typed row values are.
fn any_values() -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType};
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(SchemaType::AnyValue))
        .description(Some("One value per column: typed JSON values (JSON), or strings (PLAIN_TEXT); `null` for SQL NULL."))
        .build()
}

/// A string map that also takes numbers and booleans as strings; objects or
/// arrays inside it are an error.
fn lenient_map<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    use serde::de::Error;
    let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(d)?;
    let Some(raw) = raw else { return Ok(None) };
    let mut out = BTreeMap::new();
    for (key, value) in raw {
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Null => continue,
            other => return Err(D::Error::custom(format!("property '{key}' must be a string, number or boolean, not {other}"))),
        };
        out.insert(key, text);
    }
    Ok(Some(out))
}
