//! Wire types of Kyuubi's batch routes (`/api/v1/batches`,
//! `/api/v1/admin/batch/count`), re-exported by [`super::model`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/v1/batches` (the JSON body, or the `batchRequest` part of a
/// multipart upload).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BatchRequest {
    /// `SQL` (any case): the resource is a SQL script run statement by
    /// statement as one background application. Other types are refused.
    pub batch_type: String,
    /// The script: a path under a data root. Not needed with an upload.
    pub resource: Option<String>,
    /// Unused by SQL batches.
    pub class_name: Option<String>,
    /// A name to list the batch by.
    pub name: Option<String>,
    /// Properties of the script's engine. `kyuubi.batch.id` chooses the id
    /// (resubmitting it answers the existing batch); `kyuubi.session.proxy.user`
    /// or `hive.server2.proxy.user` submits for another user.
    pub conf: Option<BTreeMap<String, String>>,
    /// Unused by SQL batches.
    pub args: Option<Vec<String>>,
    /// Unused by SQL batches.
    pub extra_resources_map: Option<BTreeMap<String, String>>,
}

/// A batch.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    /// Its UUID.
    pub id: String,
    /// Whom it belongs to.
    pub user: String,
    /// `SQL`.
    pub batch_type: String,
    /// The name given at submission.
    pub name: Option<String>,
    /// Epoch milliseconds the application started.
    pub app_start_time: i64,
    /// The application's (job's) id.
    pub app_id: Option<String>,
    /// The application's URL (none: it runs in the gateway).
    pub app_url: Option<String>,
    /// RUNNING, FINISHED, FAILED or KILLED.
    pub app_state: Option<String>,
    /// The application's failure.
    pub app_diagnostic: Option<String>,
    /// The gateway running it.
    pub kyuubi_instance: String,
    /// RUNNING, FINISHED, ERROR or CANCELED.
    pub state: String,
    /// Epoch milliseconds at submission.
    pub create_time: i64,
    /// Epoch milliseconds it ended; 0 before.
    pub end_time: i64,
    /// `{"kyuubi.batch.duplicated": "true"}` when a resubmitted id answered an existing batch.
    pub batch_info: BTreeMap<String, String>,
}

/// `GET /api/v1/batches`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GetBatchesResponse {
    /// The `from` asked for.
    pub from: usize,
    /// How many batches this page holds (Kyuubi's meaning: not the overall count).
    pub total: usize,
    /// The page.
    pub batches: Vec<Batch>,
}

/// `DELETE /api/v1/batches/{batchId}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CloseBatchResponse {
    /// Whether a running batch was stopped.
    pub success: bool,
    /// What happened.
    pub msg: String,
}

/// `GET /api/v1/admin/batch/count`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Count {
    /// Matching batches.
    pub count: usize,
}
