//! Livy batches: a `.sql` script under a data root run as a core batch (a
//! background application of the job registry), named by a Livy integer
//! id. States come from its job: `running`, then `success` (finished),
//! `dead` (failed) or `killed` (stopped); the job starts at submission, so
//! `starting` is never seen.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use uuid::Uuid;
use warp::reply::Response;
use warp::Rejection;

use super::model::*;
use super::{created, log_window, query_int, Context};
use crate::api::http::{json_ok, reject};
use crate::error::GatewayError;
use crate::gateway::BatchSpec;
use crate::identity::User;
use crate::job::batch::{Batch, BATCHES_KEPT};
use crate::job::JobStatus;

type Reply = Result<Response, Rejection>;

/// Log lines shown in a batch's view.
const VIEW_LOG_LINES: usize = 10;

/// Livy ids of core batches.
#[derive(Debug, Default)]
pub struct Batches {
    /// The next id.
    next: AtomicU64,
    /// Core batch id and owner by Livy id.
    ids: Mutex<BTreeMap<u64, (Uuid, User)>>,
}

impl Batches {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, (Uuid, User)>> {
        self.ids.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn not_found(key: &str) -> Rejection {
    reject(GatewayError::NotFound(format!("Session '{key}' not found.")))
}

/// The batch `key` names, if `user` may see it; an id whose batch the core
/// forgot is forgotten here too.
fn lookup(ctx: &Context, user: &User, key: &str) -> Result<(u64, Arc<Batch>), Rejection> {
    let id = key.parse::<u64>().map_err(|_| not_found(key))?;
    let (uuid, owner) = ctx.batches.lock().get(&id).cloned().ok_or_else(|| not_found(key))?;
    if !user.may_access(&owner) {
        return Err(not_found(key));
    }
    match ctx.gw.batch(user, uuid) {
        Ok(batch) => Ok((id, batch)),
        Err(_) => {
            ctx.batches.lock().remove(&id);
            Err(not_found(key))
        }
    }
}

/// Livy's state of a batch, from its job.
fn state_of(batch: &Batch) -> &'static str {
    match batch.job.status() {
        JobStatus::Running => "running",
        JobStatus::Finished => "success",
        JobStatus::Failed => "dead",
        JobStatus::Canceled => "killed",
    }
}

fn view(id: u64, batch: &Batch) -> BatchView {
    let log = batch.job.log.lines();
    BatchView {
        id,
        name: batch.name.clone(),
        owner: Some(batch.owner.real_name().to_string()),
        proxy_user: batch.owner.real.as_ref().map(|_| batch.owner.name.clone()),
        state: state_of(batch).into(),
        app_id: Some(batch.job.id.clone()),
        app_info: AppInfo::default(),
        log: log[log.len().saturating_sub(VIEW_LOG_LINES)..].to_vec(),
    }
}

#[utoipa::path(post, path = "/livy/batches", tag = "livy", operation_id = "create_batch", params(("doAs" = Option<String>, Query, description = "Run as this user (wins over proxyUser)")),
    request_body(content = CreateBatchRequest, content_type = "application/json"),
    responses((status = 201, description = "The batch (`Location` names it)", body = BatchView),
        (status = 400, description = "No file, not a .sql script, unreadable, a script that does not parse, unknown field", body = LivyMessage),
        (status = 403, description = "Impersonation refused", body = LivyMessage)))]
/// `POST /batches`.
pub async fn create(query: HashMap<String, String>, ctx: Arc<Context>, user: User, body: CreateBatchRequest) -> Reply {
    let rejected = |msg: String| reject(GatewayError::bad_request(format!("Rejected, Reason: {msg}")));
    let file = body.file.filter(|f| !f.trim().is_empty()).ok_or_else(|| rejected("requirement failed: File is required.".into()))?;
    if !file.trim().to_ascii_lowercase().ends_with(".sql") {
        return Err(rejected(format!("only SQL scripts (.sql files under a data root) run as batches on this gateway, not '{file}'")));
    }
    // With doAs the caller already is that user, and doAs wins over proxyUser.
    let proxy = if query.contains_key("doAs") { None } else { body.proxy_user };
    let spec = BatchSpec {
        id: None,
        kind: "SQL".into(),
        name: body.name,
        resource: Some(file),
        script: None,
        conf: body.conf.unwrap_or_default(),
        args: body.args.unwrap_or_default(),
    };
    let (batch, _) = ctx.gw.submit_batch(&user, proxy.as_deref(), spec).map_err(|e| match e {
        GatewayError::BadRequest(msg) => rejected(msg),
        other => reject(other),
    })?;
    let id = ctx.batches.next.fetch_add(1, Ordering::Relaxed);
    {
        let mut ids = ctx.batches.lock();
        ids.insert(id, (batch.id, batch.owner.clone()));
        // Ids of batches the core forgot are dropped, so the map stays bounded.
        if ids.len() > 2 * BATCHES_KEPT {
            ids.retain(|_, (uuid, owner)| ctx.gw.batch(owner, *uuid).is_ok());
        }
    }
    Ok(created(&ctx, &format!("/batches/{id}"), &view(id, &batch)))
}

#[utoipa::path(get, path = "/livy/batches", tag = "livy", operation_id = "list_batches",
    params(("from" = Option<i64>, Query, description = "Offset (default 0)"), ("size" = Option<i64>, Query, description = "Page size (default 100)")),
    responses((status = 200, description = "The caller's batches (an administrator's: all), in id order", body = BatchList), (status = 400, description = "Non-integer from or size", body = LivyMessage)))]
/// `GET /batches`.
pub async fn list(query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let from = query_int(&query, "from")?.unwrap_or(0).max(0) as usize;
    let size = query_int(&query, "size")?.unwrap_or(100).max(0) as usize;
    let ids: Vec<(u64, Uuid)> = ctx.batches.lock().iter().map(|(id, (uuid, _))| (*id, *uuid)).collect();
    let visible: Vec<(u64, Arc<Batch>)> = ids.into_iter().filter_map(|(id, uuid)| ctx.gw.batch(&user, uuid).ok().map(|b| (id, b))).collect();
    let sessions = visible.iter().skip(from).take(size).map(|(id, b)| view(*id, b)).collect();
    Ok(json_ok(&BatchList { from, total: visible.len(), sessions }))
}

#[utoipa::path(get, path = "/livy/batches/{batchId}", tag = "livy", operation_id = "get_batch", params(("batchId" = u64, Path, description = "Livy batch id")),
    responses((status = 200, description = "The batch", body = BatchView), (status = 404, description = "Unknown or another user's batch", body = LivyMessage)))]
/// `GET /batches/{id}`.
pub async fn get(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (id, batch) = lookup(&ctx, &user, &key)?;
    Ok(json_ok(&view(id, &batch)))
}

#[utoipa::path(get, path = "/livy/batches/{batchId}/state", tag = "livy", operation_id = "batch_state", params(("batchId" = u64, Path, description = "Livy batch id")),
    responses((status = 200, description = "Its state", body = StateView), (status = 404, description = "Unknown batch", body = LivyMessage)))]
/// `GET /batches/{id}/state`.
pub async fn state(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (id, batch) = lookup(&ctx, &user, &key)?;
    Ok(json_ok(&StateView { id, state: state_of(&batch).into() }))
}

#[utoipa::path(get, path = "/livy/batches/{batchId}/log", tag = "livy", operation_id = "batch_log",
    params(("batchId" = u64, Path, description = "Livy batch id"), ("from" = Option<i64>, Query, description = "First line (default: the last `size`)"),
        ("size" = Option<i64>, Query, description = "Most lines (default 100; negative: all)")),
    responses((status = 200, description = "Log lines", body = LogView), (status = 404, description = "Unknown batch", body = LivyMessage)))]
/// `GET /batches/{id}/log`.
pub async fn log(key: String, query: HashMap<String, String>, ctx: Arc<Context>, user: User) -> Reply {
    let (from, size) = (query_int(&query, "from")?, query_int(&query, "size")?);
    let (id, batch) = lookup(&ctx, &user, &key)?;
    let lines = batch.job.log.lines();
    let total = lines.len();
    let (from, log) = log_window(lines, from, size);
    Ok(json_ok(&LogView { id, from, total, log }))
}

#[utoipa::path(delete, path = "/livy/batches/{batchId}", tag = "livy", operation_id = "delete_batch", params(("batchId" = u64, Path, description = "Livy batch id")),
    responses((status = 200, description = "`{\"msg\":\"deleted\"}`: stopped if it ran, and forgotten", body = LivyMessage), (status = 404, description = "Unknown batch", body = LivyMessage)))]
/// `DELETE /batches/{id}`: kills the script if it runs and forgets the id.
pub async fn delete(key: String, ctx: Arc<Context>, user: User) -> Reply {
    let (id, batch) = lookup(&ctx, &user, &key)?;
    ctx.gw.kill_batch(&user, batch.id).await.map_err(reject)?;
    ctx.batches.lock().remove(&id);
    Ok(json_ok(&LivyMessage { msg: "deleted".into() }))
}
