//! The Kyuubi batch routes (`/api/v1/batches`): SQL scripts submitted as
//! background applications (core batches over the job registry).
//!
//! Where Kyuubi's `require(...)` checks answer 500 (an unsupported batch
//! type, a missing resource, a bad time range or state filter), these answer
//! 400: the request is at fault, not the server.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bytes::Buf;
use futures::TryStreamExt;
use uuid::Uuid;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::handlers::epoch_ms;
use super::model::{Batch as BatchBody, BatchRequest, CloseBatchResponse, Count, GetBatchesResponse, KyuubiError, OperationLog};
use super::Context;
use crate::api::http::{json_body, json_ok, parse_json, reject};
use crate::error::GatewayError;
use crate::gateway::BatchSpec;
use crate::identity::User;
use crate::job::batch::Batch;
use crate::job::JobStatus;
use crate::operation::LogFrom;

type Reply = Result<Response, Rejection>;

/// The conf key that carries a client-chosen batch id.
pub const BATCH_ID: &str = "kyuubi.batch.id";
/// The states a batch may be filtered by.
const STATES: [&str; 5] = ["PENDING", "RUNNING", "FINISHED", "ERROR", "CANCELED"];

/// A batch request with its upload, from JSON or from a multipart form.
pub struct Submission {
    /// The request.
    pub request: BatchRequest,
    /// `resourceFile`: its file name and text.
    pub upload: Option<(String, String)>,
}

/// The body of `POST /batches`: JSON, or multipart with a `batchRequest`
/// JSON part and a `resourceFile` part.
pub fn submission(max_body: u64) -> impl Filter<Extract = (Submission,), Error = Rejection> + Clone {
    let multipart = warp::header::<String>("content-type")
        .and_then(|ct: String| async move { if ct.to_ascii_lowercase().starts_with("multipart/form-data") { Ok(()) } else { Err(warp::reject::not_found()) } })
        .untuple_one()
        .and(warp::multipart::form().max_length(max_body))
        .and_then(|form: warp::multipart::FormData| async move { read_form(form).await.map_err(reject) });
    let json = json_body::<BatchRequest>(max_body, "BatchRequest").map(|request| Submission { request, upload: None });
    multipart.or(json).unify()
}

async fn read_form(form: warp::multipart::FormData) -> Result<Submission, GatewayError> {
    let parts: Vec<(String, Option<String>, Vec<u8>)> = form
        .and_then(|part| async move {
            let name = part.name().to_string();
            let file = part.filename().map(str::to_string);
            let data = part.stream().try_fold(Vec::new(), |mut acc, chunk| async move {
                acc.extend_from_slice(chunk.chunk());
                Ok(acc)
            });
            Ok((name, file, data.await?))
        })
        .try_collect()
        .await
        .map_err(|e| GatewayError::bad_request(format!("Could not read the multipart body: {e}")))?;
    let mut request = None;
    let mut upload = None;
    for (name, file, data) in parts {
        match name.as_str() {
            "batchRequest" => request = Some(parse_json::<BatchRequest>(&data, "BatchRequest")?),
            "resourceFile" => {
                let text = String::from_utf8(data).map_err(|_| GatewayError::bad_request("resourceFile is not UTF-8 text: a SQL batch uploads a SQL script."))?;
                upload = Some((file.unwrap_or_else(|| "resourceFile".into()), text));
            }
            _ => {}
        }
    }
    let request = request.ok_or_else(|| GatewayError::bad_request("The multipart body has no batchRequest part."))?;
    Ok(Submission { request, upload })
}

/// `{batchId}`: a malformed id is as unknown as a missing one.
pub fn batch_id() -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    warp::path::param::<String>().and_then(|raw: String| async move { Uuid::parse_str(&raw).map_err(|_| reject(GatewayError::NotFound(format!("Invalid batchId: {raw}")))) })
}

/// Kyuubi's states of a batch and of its application, from its job.
fn states(batch: &Batch) -> (&'static str, &'static str) {
    match batch.job.status() {
        JobStatus::Running => ("RUNNING", "RUNNING"),
        JobStatus::Finished => ("FINISHED", "FINISHED"),
        JobStatus::Failed => ("ERROR", "FAILED"),
        JobStatus::Canceled => ("CANCELED", "KILLED"),
    }
}

/// A batch as Kyuubi sends it.
pub fn body(ctx: &Context, batch: &Batch, duplicated: bool) -> BatchBody {
    let (state, app_state) = states(batch);
    BatchBody {
        id: batch.id.to_string(),
        user: batch.owner.name.clone(),
        batch_type: batch.kind.clone(),
        name: batch.name.clone(),
        app_start_time: epoch_ms(batch.job.start_time),
        app_id: Some(batch.job.id.clone()),
        app_url: None,
        app_state: Some(app_state.into()),
        app_diagnostic: batch.job.error(),
        kyuubi_instance: ctx.instance.clone(),
        state: state.into(),
        create_time: epoch_ms(batch.created),
        end_time: batch.job.ended_at().map_or(0, epoch_ms),
        batch_info: if duplicated { BTreeMap::from([("kyuubi.batch.duplicated".to_string(), "true".to_string())]) } else { BTreeMap::new() },
    }
}

#[utoipa::path(post, path = "/api/v1/batches", tag = "kyuubi", operation_id = "submit_batch",
    request_body(content = BatchRequest, description = "JSON, or multipart/form-data with a `batchRequest` JSON part and a `resourceFile` script", content_type = "application/json"),
    responses((status = 200, description = "The batch (an existing one when `kyuubi.batch.id` was taken)", body = BatchBody),
        (status = 400, description = "Not a SQL batch, no resource, an unreadable resource, a script that does not parse, a bad kyuubi.batch.id", body = KyuubiError),
        (status = 413, description = "Body too large", body = KyuubiError)))]
/// `POST /api/v1/batches`.
pub async fn submit(ctx: Arc<Context>, user: User, submission: Submission) -> Reply {
    let Submission { request, upload } = submission;
    let conf = request.conf.unwrap_or_default();
    let id = match conf.get(BATCH_ID) {
        Some(raw) => Some(Uuid::parse_str(raw).map_err(|_| reject(GatewayError::bad_request(format!("Invalid {BATCH_ID}: {raw} is not a UUID"))))?),
        None => None,
    };
    let proxy = conf.get("kyuubi.session.proxy.user").or_else(|| conf.get("hive.server2.proxy.user")).cloned();
    let spec = BatchSpec { id, kind: request.batch_type, name: request.name, resource: request.resource, script: upload, conf, args: Vec::new() };
    let (batch, duplicated) = ctx.gw.submit_batch(&user, proxy.as_deref(), spec).map_err(reject)?;
    Ok(json_ok(&body(&ctx, &batch, duplicated)))
}

/// `createTime`/`endTime`/`from`/`size`: a non-negative integer or 400.
fn number(query: &HashMap<String, String>, key: &str, default: u64) -> Result<u64, Rejection> {
    match query.get(key).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(raw) => raw.parse::<u64>().map_err(|_| reject(GatewayError::bad_request(format!("Invalid {key}: {raw}")))),
    }
}

#[utoipa::path(get, path = "/api/v1/batches", tag = "kyuubi", operation_id = "list_batches",
    params(("batchType" = Option<String>, Query, description = "Type, any case"), ("batchState" = Option<String>, Query, description = "PENDING, RUNNING, FINISHED, ERROR or CANCELED"),
        ("batchUser" = Option<String>, Query, description = "Owner"), ("batchName" = Option<String>, Query, description = "Name"),
        ("createTime" = Option<u64>, Query, description = "Submitted at or after (epoch ms)"), ("endTime" = Option<u64>, Query, description = "Ended at or before (epoch ms); 0 = no bound"),
        ("from" = Option<u64>, Query, description = "Offset"), ("size" = Option<u64>, Query, description = "Page size (default 100)"), ("desc" = Option<bool>, Query, description = "Newest first")),
    responses((status = 200, description = "A page of the caller's batches (an administrator's: all)", body = GetBatchesResponse),
        (status = 400, description = "Bad state, number or time range", body = KyuubiError)))]
/// `GET /api/v1/batches`.
pub async fn list(query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let state = query.get("batchState").filter(|s| !s.is_empty()).map(|s| s.to_ascii_uppercase());
    if let Some(state) = &state
        && !STATES.contains(&state.as_str())
    {
        return Err(reject(GatewayError::bad_request(format!("The valid batch state can be one of the following: {}", STATES.join(", ")))));
    }
    let (created, ended) = (number(&query, "createTime", 0)?, number(&query, "endTime", 0)?);
    if ended > 0 && created > ended {
        return Err(reject(GatewayError::bad_request("Invalid time range: createTime must not be after endTime")));
    }
    let (from, size) = (number(&query, "from", 0)? as usize, number(&query, "size", 100)? as usize);
    let kind = query.get("batchType").filter(|s| !s.is_empty());
    let owner = query.get("batchUser").filter(|s| !s.is_empty());
    let name = query.get("batchName").filter(|s| !s.is_empty());
    let mut batches: Vec<Arc<Batch>> = ctx
        .gw
        .batches(&user)
        .into_iter()
        .filter(|b| kind.is_none_or(|k| b.kind.eq_ignore_ascii_case(k)))
        .filter(|b| state.as_ref().is_none_or(|s| states(b).0 == s))
        .filter(|b| owner.is_none_or(|u| b.owner.name == *u))
        .filter(|b| name.is_none_or(|n| b.name.as_deref() == Some(n.as_str())))
        .filter(|b| epoch_ms(b.created) as u64 >= created)
        .filter(|b| ended == 0 || b.job.ended_at().is_some_and(|t| epoch_ms(t) as u64 <= ended))
        .collect();
    if query.get("desc").is_some_and(|d| d.eq_ignore_ascii_case("true")) {
        batches.reverse();
    }
    let page: Vec<BatchBody> = batches.iter().skip(from).take(size).map(|b| body(&ctx, b, false)).collect();
    Ok(json_ok(&GetBatchesResponse { from, total: page.len(), batches: page }))
}

#[utoipa::path(get, path = "/api/v1/batches/{batchId}", tag = "kyuubi", operation_id = "get_batch",
    params(("batchId" = String, Path, description = "Batch UUID")),
    responses((status = 200, description = "The batch", body = BatchBody), (status = 404, description = "Invalid batchId", body = KyuubiError)))]
/// `GET /api/v1/batches/{batchId}`.
pub async fn get(id: Uuid, ctx: Arc<Context>, user: User) -> Reply {
    let batch = ctx.gw.batch(&user, id).map_err(reject)?;
    Ok(json_ok(&body(&ctx, &batch, false)))
}

#[utoipa::path(get, path = "/api/v1/batches/{batchId}/localLog", tag = "kyuubi", operation_id = "batch_local_log",
    params(("batchId" = String, Path, description = "Batch UUID"), ("from" = Option<i64>, Query, description = "Line offset; -1 (default) continues where the last read stopped"),
        ("size" = Option<usize>, Query, description = "Most lines (default 100)")),
    responses((status = 200, description = "Log lines", body = OperationLog), (status = 400, description = "Bad from or size", body = KyuubiError),
        (status = 404, description = "Invalid batchId", body = KyuubiError)))]
/// `GET /api/v1/batches/{batchId}/localLog`.
pub async fn local_log(id: Uuid, query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let batch = ctx.gw.batch(&user, id).map_err(reject)?;
    let from = match query.get("from").filter(|v| !v.is_empty()) {
        None => -1,
        Some(raw) => raw.parse::<i64>().map_err(|_| reject(GatewayError::bad_request(format!("Invalid from: {raw}"))))?,
    };
    let size = number(&query, "size", 100)? as usize;
    let from = if from < 0 { LogFrom::Cursor } else { LogFrom::Line(from as u64) };
    let lines = batch.job.log.read(from, size);
    Ok(json_ok(&OperationLog { row_count: lines.len(), log_row_set: lines }))
}

#[utoipa::path(delete, path = "/api/v1/batches/{batchId}", tag = "kyuubi", operation_id = "kill_batch",
    params(("batchId" = String, Path, description = "Batch UUID"), ("hive.server2.proxy.user" = Option<String>, Query, description = "Act as this user")),
    responses((status = 200, description = "Stopped, or already ended (success false)", body = CloseBatchResponse),
        (status = 404, description = "Invalid batchId", body = KyuubiError)))]
/// `DELETE /api/v1/batches/{batchId}`.
pub async fn kill(id: Uuid, query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let caller = match query.get("hive.server2.proxy.user").filter(|p| !p.is_empty()) {
        Some(proxy) => ctx.gw.authenticator().impersonate(&user, Some(proxy)).map_err(reject)?,
        None => user,
    };
    let kill = ctx.gw.kill_batch(&caller, id).await.map_err(reject)?;
    Ok(json_ok(&CloseBatchResponse { success: kill.success, msg: kill.message }))
}

#[utoipa::path(get, path = "/api/v1/admin/batch/count", tag = "kyuubi-admin", operation_id = "batch_count",
    params(("batchType" = Option<String>, Query, description = "Type"), ("batchUser" = Option<String>, Query, description = "Owner"), ("batchState" = Option<String>, Query, description = "State")),
    responses((status = 200, description = "Matching batches", body = Count)))]
/// `GET /api/v1/admin/batch/count`.
pub async fn count(query: HashMap<String, String>, ctx: Arc<Context>, admin: User) -> Reply {
    let kind = query.get("batchType").filter(|s| !s.is_empty());
    let owner = query.get("batchUser").filter(|s| !s.is_empty());
    let state = query.get("batchState").filter(|s| !s.is_empty());
    let count = ctx
        .gw
        .batches(&admin)
        .iter()
        .filter(|b| kind.is_none_or(|k| b.kind.eq_ignore_ascii_case(k)))
        .filter(|b| owner.is_none_or(|u| b.owner.name == *u))
        .filter(|b| state.is_none_or(|s| states(b).0.eq_ignore_ascii_case(s)))
        .count();
    Ok(json_ok(&Count { count }))
}
