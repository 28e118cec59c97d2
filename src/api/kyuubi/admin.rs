//! The Kyuubi admin routes (`/api/v1/admin/...`): administrators only
//! (`sluicegate.auth.admins`); anyone else gets 403.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use uuid::Uuid;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::handlers::{operation_data, session_data};
use super::model::{Engine, KyuubiError, OperationData, ServerData, SessionData};
use super::Context;
use crate::api::http::{json_ok, reject};
use crate::error::GatewayError;
use crate::identity::User;

type Reply = Result<Response, Rejection>;

/// A plain-sentence 200, as Kyuubi's admin resource answers.
fn sentence(text: String) -> Response {
    let mut response = Response::new(bytes::Bytes::from(text).into());
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert("content-type", warp::http::HeaderValue::from_static("application/json"));
    response
}

/// `users=a,b`: the set asked for, or everyone.
fn users_filter(query: &HashMap<String, String>) -> Option<Vec<String>> {
    query.get("users").map(|u| u.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect::<Vec<_>>()).filter(|u| !u.is_empty())
}

#[utoipa::path(post, path = "/api/v1/admin/refresh/{target}", tag = "kyuubi-admin", params(("target" = String, Path, description = "hadoop_conf, user_defaults_conf, kubernetes_conf, unlimited_users, deny_users or deny_ips: each re-reads the users and keys files")), responses((status = 200, description = "A sentence", body = String), (status = 404, description = "Unknown target", body = KyuubiError), (status = 500, description = "A file could not be read", body = KyuubiError)))]
/// `POST /api/v1/admin/refresh/{what}`: re-read the users and keys files
/// (what the gateway's credentials come from); the kinds Kyuubi knows are
/// accepted, others are 404.
pub async fn refresh(what: String, ctx: Arc<Context>, _admin: User) -> Reply {
    const KINDS: [&str; 6] = ["hadoop_conf", "user_defaults_conf", "kubernetes_conf", "unlimited_users", "deny_users", "deny_ips"];
    if !KINDS.contains(&what.as_str()) {
        return Err(reject(GatewayError::NotFound(format!("Unknown refresh target: {what}"))));
    }
    ctx.gw.authenticator().reload().map_err(|e| reject(GatewayError::Internal(format!("Failed to refresh {what}: {e}"))))?;
    Ok(sentence(format!("Refresh the {what} successfully (users and keys files re-read).")))
}

#[utoipa::path(get, path = "/api/v1/admin/sessions", tag = "kyuubi-admin", params(("users" = Option<String>, Query, description = "Comma-separated users")), responses((status = 200, description = "Every session", body = [SessionData])))]
/// `GET /api/v1/admin/sessions?users=a,b`.
pub async fn list_sessions(query: HashMap<String, String>, ctx: Arc<Context>, _admin: User) -> Reply {
    let users = users_filter(&query);
    let sessions: Vec<_> = ctx
        .gw
        .sessions()
        .all()
        .into_iter()
        .filter(|s| users.as_ref().is_none_or(|u| u.contains(&s.owner.name)))
        .map(|s| session_data(&ctx, &s))
        .collect();
    Ok(json_ok(&sessions))
}

#[utoipa::path(delete, path = "/api/v1/admin/sessions/{sessionHandle}", tag = "kyuubi-admin", params(("sessionHandle" = String, Path, description = "Session UUID")), responses((status = 200, description = "A sentence", body = String), (status = 404, description = "Invalid session handle", body = KyuubiError)))]
/// `DELETE /api/v1/admin/sessions/{sessionHandle}`.
pub async fn close_session(handle: Uuid, ctx: Arc<Context>, admin: User) -> Reply {
    ctx.gw.close_session(&admin, handle).map_err(|_| reject(GatewayError::NotFound(format!("Invalid session handle: {handle}"))))?;
    Ok(sentence(format!("Session {handle} is closed successfully.")))
}

#[utoipa::path(get, path = "/api/v1/admin/operations", tag = "kyuubi-admin", params(("users" = Option<String>, Query, description = "Comma-separated users"), ("sessionHandle" = Option<String>, Query, description = "Only this session's")), responses((status = 200, description = "Every live operation", body = [OperationData])))]
/// `GET /api/v1/admin/operations?users=a,b&sessionHandle=...`.
pub async fn list_operations(query: HashMap<String, String>, ctx: Arc<Context>, _admin: User) -> Reply {
    let users = users_filter(&query);
    let session = query.get("sessionHandle").filter(|s| !s.is_empty()).cloned();
    let mut out = Vec::new();
    for s in ctx.gw.sessions().all() {
        if users.as_ref().is_some_and(|u| !u.contains(&s.owner.name)) || session.as_ref().is_some_and(|h| *h != s.handle.to_string()) {
            continue;
        }
        out.extend(s.operations().iter().map(|op| operation_data(&ctx, &s, op)));
    }
    Ok(json_ok(&out))
}

#[utoipa::path(delete, path = "/api/v1/admin/operations/{operationHandle}", tag = "kyuubi-admin", params(("operationHandle" = String, Path, description = "Operation UUID")), responses((status = 200, description = "A sentence", body = String), (status = 404, description = "Invalid operation handle", body = KyuubiError)))]
/// `DELETE /api/v1/admin/operations/{operationHandle}`.
pub async fn close_operation(handle: Uuid, ctx: Arc<Context>, admin: User) -> Reply {
    let (session, _) = ctx.gw.find_operation(&admin, handle).map_err(|_| reject(GatewayError::NotFound(format!("Invalid operation handle: {handle}"))))?;
    ctx.gw.close_operation(&admin, session.handle, handle).map_err(reject)?;
    Ok(sentence(format!("Operation {handle} is closed successfully.")))
}

#[utoipa::path(get, path = "/api/v1/admin/engine", tag = "kyuubi-admin", responses((status = 200, description = "The engine pool", body = [Engine])))]
/// `GET /api/v1/admin/engine`: the gateway's one engine pool, the DataFusion runtime.
pub async fn list_engines(ctx: Arc<Context>, admin: User) -> Reply {
    let (workers, alive, _) = ctx.gw.runtime_load();
    let attributes = BTreeMap::from([
        ("sessions".to_string(), ctx.gw.sessions().len().to_string()),
        ("workerThreads".to_string(), workers.to_string()),
        ("aliveTasks".to_string(), alive.to_string()),
    ]);
    Ok(json_ok(&vec![Engine {
        version: datafusion::DATAFUSION_VERSION.into(),
        user: admin.name.clone(),
        engine_type: super::ENGINE_TYPE.into(),
        sharelevel: "SERVER".into(),
        subdomain: "default".into(),
        instance: ctx.instance.clone(),
        namespace: super::ENGINE_NAME.into(),
        attributes,
    }]))
}

#[utoipa::path(get, path = "/api/v1/admin/server", tag = "kyuubi-admin", responses((status = 200, description = "This gateway", body = [ServerData])))]
/// `GET /api/v1/admin/server`: this gateway.
pub async fn list_servers(ctx: Arc<Context>, _admin: User) -> Reply {
    let (host, port) = ctx.instance.rsplit_once(':').map_or((ctx.instance.clone(), 0), |(h, p)| (h.to_string(), p.parse().unwrap_or(0)));
    let attributes = BTreeMap::from([("version".to_string(), env!("CARGO_PKG_VERSION").to_string())]);
    Ok(json_ok(&vec![ServerData {
        node_name: format!("sluicegate-{}", ctx.instance),
        namespace: "sluicegate".into(),
        instance: ctx.instance.clone(),
        host,
        port,
        attributes,
        status: "Running".into(),
    }]))
}
