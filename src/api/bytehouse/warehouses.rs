//! Virtual warehouses (the core's engine pools), their size presets, and
//! usage: busy time per warehouse, storage per database. The rules live in
//! [`crate::pool`]; these handlers parse, check the caller may, call the
//! core and shape the answer.
//!
//! Creating a warehouse needs CREATE on the account, changing it ALTER,
//! deleting it DROP (AccountAdmin and Developer hold them; ReadOnly does
//! not); any caller may list them and run queries on them.

use std::collections::HashMap;
use std::sync::Arc;

use warp::reply::Response;
use warp::Rejection;

use super::filters::{count_param, Caller};
use super::iam::rfc3339;
use super::model::{Meta, SuccessResponse};
use super::rejection::{bad_request, not_found};
use super::warehouse_model::*;
use super::Context;
use crate::api::http::{json_ok, reject};
use crate::identity::access::{Action, Target};
use crate::pool::{PoolPatch, PoolView};
use crate::store::{now_ms, StoredPool};

type Reply = Result<Response, Rejection>;

/// Default `limit` of the warehouse listings (the reference's); larger than [`super::filters::MAX_LIMIT`] is clamped.
const DEFAULT_LIMIT: u64 = 10;
/// Default usage timeframe: the last day.
const DEFAULT_TIMEFRAME_MS: i64 = 86_400_000;
/// Longest description kept.
const MAX_DESCRIPTION: usize = 1024;

fn require(ctx: &Context, caller: &Caller, action: Action) -> Result<(), Rejection> {
    let access = ctx.gw.iam().access(&caller.user.name, caller.user.active_role.as_deref()).map_err(reject)?;
    access.require(action, &Target::Account).map_err(reject)
}

fn description(text: Option<String>) -> Result<Option<String>, Rejection> {
    match text {
        Some(t) if t.len() > MAX_DESCRIPTION => Err(bad_request(format!("description is longer than {MAX_DESCRIPTION} characters."))),
        other => Ok(other),
    }
}

fn view(pool: PoolView) -> WarehouseView {
    let d = pool.definition;
    WarehouseView {
        id: pool.id,
        name: d.name,
        description: d.description,
        config_id: d.config_id,
        config_name: pool.config.name,
        status: d.status,
        auto_suspend: d.auto_suspend,
        auto_resume: d.auto_resume,
        owner: d.owner,
        created_at: rfc3339(d.created_at),
        last_modified_at: rfc3339(d.modified_at),
        running_queries: pool.running,
        queued_queries: pool.queued,
        reserved_bytes: pool.reserved_bytes,
    }
}

/// `offset` and `limit` (default 10, at most 100) of a warehouse listing, and the page.
fn page<T>(items: Vec<T>, query: &HashMap<String, String>) -> Result<(Vec<T>, Meta), Rejection> {
    let offset = count_param(query, "offset")?.unwrap_or(0) as usize;
    let limit = count_param(query, "limit")?.unwrap_or(DEFAULT_LIMIT).min(super::filters::MAX_LIMIT as u64) as usize;
    let total = items.len();
    Ok((items.into_iter().skip(offset).take(limit).collect(), Meta { total, offset, limit }))
}

/// `GET /virtual-warehouses`.
pub async fn list(ctx: Arc<Context>, caller: Caller, query: HashMap<String, String>) -> Reply {
    let _ = caller;
    let (data, meta) = page(ctx.gw.pools().list().into_iter().map(view).collect(), &query)?;
    Ok(json_ok(&WarehouseListResponse::new(data, meta)))
}

/// `POST /virtual-warehouses`.
pub async fn create(ctx: Arc<Context>, caller: Caller, body: CreateWarehouseRequest) -> Reply {
    require(&ctx, &caller, Action::Create)?;
    let name = body.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| bad_request("name is required."))?;
    let definition = StoredPool {
        name,
        number: 0,
        description: description(body.description)?.unwrap_or_default(),
        config_id: body.config_id.unwrap_or(1),
        status: body.status.unwrap_or_else(|| "up".into()),
        auto_suspend: body.auto_suspend.unwrap_or(0),
        auto_resume: body.auto_resume.unwrap_or(false),
        owner: String::new(),
        created_at: now_ms(),
        modified_at: now_ms(),
    };
    let created = ctx.gw.pools().create(&caller.user.name, definition).await.map_err(reject)?;
    Ok(json_ok(&CreatedWarehouse { name: created.definition.name, vw_id: created.id, message: super::model::SUCCESS.into(), error: super::model::NoError {} }))
}

/// `GET /virtual-warehouses/{name}` (the name or the `vw-N-name` id).
pub async fn get(name: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let _ = caller;
    let pool = ctx.gw.pools().get(&name).map_err(|e| not_found("VW_NOT_FOUND", e.to_string()))?;
    Ok(json_ok(&WarehouseResponse::new(view(pool))))
}

/// `PATCH /virtual-warehouses/{name}`.
pub async fn update(name: String, ctx: Arc<Context>, caller: Caller, body: UpdateWarehouseRequest) -> Reply {
    require(&ctx, &caller, Action::Alter)?;
    ctx.gw.pools().resolve(&name).map_err(|e| not_found("VW_NOT_FOUND", e.to_string()))?;
    let patch = PoolPatch {
        description: description(body.description)?,
        config_id: body.config_id,
        status: body.status,
        auto_suspend: body.auto_suspend,
        auto_resume: body.auto_resume,
    };
    ctx.gw.pools().update(&name, patch).await.map_err(reject)?;
    Ok(json_ok(&SuccessResponse::new()))
}

/// `DELETE /virtual-warehouses/{name}`: refused (409) while queries run or wait on it.
pub async fn delete(name: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    require(&ctx, &caller, Action::Drop)?;
    ctx.gw.pools().resolve(&name).map_err(|e| not_found("VW_NOT_FOUND", e.to_string()))?;
    ctx.gw.pools().delete(&name).await.map_err(reject)?;
    Ok(json_ok(&SuccessResponse::new()))
}

/// `GET /virtual-warehouse-configs`.
pub async fn configs(ctx: Arc<Context>, caller: Caller, query: HashMap<String, String>) -> Reply {
    let _ = caller;
    let all = ctx.gw.pools().configs().into_iter().map(|c| WarehouseConfigView {
        config_id: c.id,
        name: c.name,
        target_partitions: c.target_partitions,
        memory_limit_bytes: c.memory_limit,
        max_concurrent_queries: c.max_concurrent,
        max_queued_queries: c.max_queued,
    });
    let (data, meta) = page(all.collect(), &query)?;
    Ok(json_ok(&WarehouseConfigListResponse::new(data, meta)))
}

/// An RFC 3339 time parameter (nanoseconds allowed), as ms since the epoch.
fn time_param(query: &HashMap<String, String>, key: &str) -> Result<Option<i64>, Rejection> {
    match query.get(key).map(|t| t.trim()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| bad_request(format!("{key} must be an RFC 3339 time (e.g. 2026-01-01T00:00:00Z), not '{text}'."))),
    }
}

/// `GET /usage/virtual-warehouses?startTime&endTime&vwName`: busy time per
/// warehouse and minute in `[startTime, endTime)` (default: the last day).
pub async fn usage(ctx: Arc<Context>, caller: Caller, query: HashMap<String, String>) -> Reply {
    let _ = caller;
    let end = time_param(&query, "endTime")?.unwrap_or_else(now_ms);
    let start = time_param(&query, "startTime")?.unwrap_or(end - DEFAULT_TIMEFRAME_MS);
    if start > end {
        return Err(bad_request("startTime is after endTime."));
    }
    let name = query.get("vwName").map(|n| n.trim()).filter(|n| !n.is_empty());
    // Minutes overlapping the timeframe: from the minute holding its start.
    let first_minute = start - start.rem_euclid(60_000);
    let minutes = ctx.gw.pools().usage(name, first_minute, end).await.map_err(reject)?;
    let mut warehouses: Vec<WarehouseUsage> = Vec::new();
    for (pool, minute) in minutes {
        if warehouses.last().is_none_or(|w| w.vw_name != pool) {
            warehouses.push(WarehouseUsage { vw_name: pool, busy_ms: 0, queries: 0, minutes: Vec::new() });
        }
        if let Some(w) = warehouses.last_mut() {
            w.busy_ms += minute.busy_ms;
            w.queries += minute.queries;
            w.minutes.push(UsageMinute { time: rfc3339(minute.minute), busy_ms: minute.busy_ms, queries: minute.queries });
        }
    }
    let report = WarehouseUsageReport { start_time: rfc3339(start), end_time: rfc3339(end), virtual_warehouses: warehouses };
    Ok(json_ok(&WarehouseUsageResponse::new(report)))
}

/// `GET /usage/storage?dbName`: bytes on disk per database of the query
/// session's current catalog, measured now.
pub async fn storage(ctx: Arc<Context>, caller: Caller, query: HashMap<String, String>) -> Reply {
    // Checked for their form; storage is not kept as a series.
    time_param(&query, "startTime")?;
    time_param(&query, "endTime")?;
    let session = ctx.registry.session(&ctx.gw, &caller.user, &caller.query_session).map_err(reject)?;
    let name = query.get("dbName").map(|n| n.trim()).filter(|n| !n.is_empty());
    let databases = ctx
        .gw
        .storage(&caller.user, session, name)
        .await
        .map_err(reject)?
        .ok_or_else(|| not_found("DATABASE_NOT_FOUND", format!("Database {} does not exist.", name.unwrap_or_default())))?;
    let report = StorageReport {
        measured_at: rfc3339(now_ms()),
        start_time: query.get("startTime").cloned(),
        end_time: query.get("endTime").cloned(),
        databases: databases.into_iter().map(|(db_name, tables, bytes)| DatabaseStorage { db_name, tables, bytes }).collect(),
    };
    Ok(json_ok(&StorageResponse::new(report)))
}
