//! Wire types of the virtual warehouse and usage routes. Field names are
//! the reference's (`vwID`, `configID`, `autoSuspend`, ...); the VW get is
//! flat (its fields beside `message` and `error`), as the reference shows.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{envelope, Meta, NoError, SUCCESS};

/// `POST /virtual-warehouses`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateWarehouseRequest {
    /// Required: 1–31 characters of `[a-z0-9_]`, a lower-case letter first, a letter or digit last.
    pub name: Option<String>,
    /// `up` (default: serves queries) or `down`.
    pub status: Option<String>,
    /// Minutes without a running query after which it goes down; 0 or absent: never.
    pub auto_suspend: Option<i64>,
    /// Whether a query for it while it is down brings it up (default false: the query is refused).
    pub auto_resume: Option<bool>,
    /// Its size preset (`GET /virtual-warehouse-configs`); default 1.
    #[serde(rename = "configID")]
    pub config_id: Option<i64>,
    /// Free text.
    pub description: Option<String>,
}

/// `PATCH /virtual-warehouses/{name}`: absent or null fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWarehouseRequest {
    /// New description.
    pub description: Option<String>,
    /// New size preset: queries admitted from now on run with it.
    #[serde(rename = "configID")]
    pub config_id: Option<i64>,
    /// `up` or `down` (running queries finish; new ones are refused unless it auto-resumes).
    pub status: Option<String>,
    /// Idle minutes before it goes down (0 = never).
    pub auto_suspend: Option<i64>,
    /// Whether a query brings it up.
    pub auto_resume: Option<bool>,
}

/// The answer to a create.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedWarehouse {
    /// Its name.
    pub name: String,
    /// Its id, `vw-<number>-<name>`: `vwID` of queries takes it (or the name).
    #[serde(rename = "vwID")]
    pub vw_id: String,
    /// `Success`.
    pub message: String,
    /// `{}`.
    pub error: NoError,
}

/// A virtual warehouse: its definition, and its load now.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseView {
    /// `vw-<number>-<name>`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Its size preset.
    #[serde(rename = "configID")]
    pub config_id: i64,
    /// The preset's name.
    pub config_name: String,
    /// `up` or `down`.
    pub status: String,
    /// Idle minutes before it goes down (0 = never).
    pub auto_suspend: i64,
    /// Whether a query brings it up.
    pub auto_resume: bool,
    /// Who created it.
    pub owner: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When its definition or status last changed (RFC 3339, UTC).
    pub last_modified_at: String,
    /// Queries running on it now.
    pub running_queries: usize,
    /// Queries waiting for one of its slots now.
    pub queued_queries: usize,
    /// Bytes its running queries hold now (of the preset's memory limit).
    pub reserved_bytes: usize,
}

/// `GET /virtual-warehouses/{name}`: the warehouse's fields, flat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WarehouseResponse {
    /// The warehouse.
    #[serde(flatten)]
    pub warehouse: WarehouseView,
    /// `Success`.
    pub message: String,
    /// `{}`.
    pub error: NoError,
}

impl WarehouseResponse {
    /// The flat answer for `warehouse`.
    pub fn new(warehouse: WarehouseView) -> Self {
        WarehouseResponse { warehouse, message: SUCCESS.into(), error: NoError {} }
    }
}

/// A size preset.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseConfigView {
    /// The id warehouses name it by.
    #[serde(rename = "configID")]
    pub config_id: i64,
    /// Its name.
    pub name: String,
    /// Parallelism of one query (DataFusion target partitions).
    pub target_partitions: usize,
    /// Bytes the warehouse's running queries may hold together; a query needing more fails.
    pub memory_limit_bytes: usize,
    /// Queries running at once.
    pub max_concurrent_queries: usize,
    /// Queries waiting at once; more are refused (429).
    pub max_queued_queries: usize,
}

/// Busy time of a warehouse in one minute.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageMinute {
    /// The minute's start (RFC 3339, UTC).
    pub time: String,
    /// Milliseconds of query time in it, summed over concurrent queries.
    pub busy_ms: i64,
    /// Queries that ended in it.
    pub queries: i64,
}

/// One warehouse's busy time over the timeframe.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseUsage {
    /// The warehouse.
    pub vw_name: String,
    /// Milliseconds of query time in the timeframe.
    pub busy_ms: i64,
    /// Queries that ended in it.
    pub queries: i64,
    /// Its busy minutes.
    pub minutes: Vec<UsageMinute>,
}

/// `GET /usage/virtual-warehouses`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseUsageReport {
    /// The timeframe's start (RFC 3339).
    pub start_time: String,
    /// The timeframe's end (RFC 3339, exclusive).
    pub end_time: String,
    /// Each warehouse busy in it (busy time is booked as queries end).
    pub virtual_warehouses: Vec<WarehouseUsage>,
}

/// One database's storage.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseStorage {
    /// The database (of the query session's current catalog).
    pub db_name: String,
    /// Tables whose data is on disk (in-memory tables' kept parts, filesystem tables' files).
    pub tables: usize,
    /// Bytes of that data.
    pub bytes: u64,
}

/// `GET /usage/storage`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageReport {
    /// When it was measured (RFC 3339): storage is measured now, not kept as a series.
    pub measured_at: String,
    /// The timeframe asked for, as given.
    pub start_time: Option<String>,
    /// The timeframe asked for, as given.
    pub end_time: Option<String>,
    /// Each database (or the one `dbName` names).
    pub databases: Vec<DatabaseStorage>,
}

envelope!(WarehouseListResponse, Vec<WarehouseView>, meta, "A page of virtual warehouses.");
envelope!(WarehouseConfigListResponse, Vec<WarehouseConfigView>, meta, "A page of size presets.");
envelope!(WarehouseUsageResponse, WarehouseUsageReport, "Busy time of virtual warehouses.");
envelope!(StorageResponse, StorageReport, "Storage of databases.");
