//! IAM and account: API keys (anyone's own; an AccountAdmin's for all),
//! roles, assignments and grants (an AccountAdmin's to change), and the
//! account status. The rules live in [`crate::identity::iam`]; these
//! handlers parse, call it and shape the answer.

use std::sync::Arc;

use serde_json::Value;
use warp::reply::Response;
use warp::Rejection;

use super::filters::{Caller, Listing};
use super::iam_model::*;
use super::rejection::{bad_request, not_found};
use super::Context;
use crate::api::http::{json_ok, reject};
use crate::identity::access::Target;
use crate::store::{now_ms, StoredGrant, StoredKey};

type Reply = Result<Response, Rejection>;

/// Longest key comment.
const MAX_COMMENT: usize = 256;
/// Longest expiry, and longest extension, in days.
const MAX_DAYS: i64 = 3650;
/// Expiry of a key created without one.
const DEFAULT_EXPIRY_DAYS: i64 = 90;
const DAY_MS: i64 = 86_400_000;

/// Milliseconds since the epoch as RFC 3339 (UTC, milliseconds).
pub(super) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default()
}

fn days(value: Option<i64>, name: &str) -> Result<i64, Rejection> {
    match value {
        Some(d) if (1..=MAX_DAYS).contains(&d) => Ok(d),
        Some(d) => Err(bad_request(format!("{name} must be between 1 and {MAX_DAYS}, not {d}."))),
        None => Err(bad_request(format!("{name} is required."))),
    }
}

async fn key_view(ctx: &Context, key: StoredKey) -> Result<ApiKeyView, Rejection> {
    let status = if !key.enabled {
        "DISABLED"
    } else if key.expires_at != 0 && now_ms() >= key.expires_at {
        "EXPIRED"
    } else {
        "ENABLED"
    };
    Ok(ApiKeyView {
        user_id: ctx.gw.iam().user_number(&key.owner).await.map_err(reject)?,
        id: key.id,
        user_name: key.owner,
        comment: key.comment,
        status: status.into(),
        created_at: rfc3339(key.created_at),
        expires_at: (key.expires_at != 0).then(|| rfc3339(key.expires_at)),
        no_expiry: key.expires_at == 0,
    })
}

/// `POST /iam/api-keys`: a key for the caller, shown once.
pub async fn create_key(ctx: Arc<Context>, caller: Caller, body: CreateApiKeyRequest) -> Reply {
    let comment = body.comment.unwrap_or_default();
    if comment.chars().count() > MAX_COMMENT {
        return Err(bad_request(format!("comment is longer than {MAX_COMMENT} characters.")));
    }
    let expires_at = if body.no_expiry == Some(true) { 0 } else { now_ms() + days(Some(body.expiry_in_days.unwrap_or(DEFAULT_EXPIRY_DAYS)), "expiryInDays")? * DAY_MS };
    let (record, key) = ctx.gw.iam().create_key(&caller.user, &comment, expires_at).await.map_err(reject)?;
    Ok(json_ok(&CreatedApiKeyResponse::new(CreatedApiKey { key, record: key_view(&ctx, record).await? })))
}

/// `GET /iam/api-keys`.
pub async fn list_keys(ctx: Arc<Context>, caller: Caller) -> Reply {
    let mut views = Vec::new();
    for key in ctx.gw.iam().keys(&caller.user) {
        views.push(key_view(&ctx, key).await?);
    }
    Ok(json_ok(&ApiKeyListResponse::new(views)))
}

/// `DELETE /iam/api-keys/{id}`.
pub async fn delete_key(id: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    ctx.gw.iam().delete_key(&caller.user, &id).await.map_err(reject)?;
    Ok(json_ok(&super::model::SuccessResponse::new()))
}

/// `PATCH /iam/api-keys/{id}/status`.
pub async fn set_key_status(id: String, ctx: Arc<Context>, caller: Caller, body: ApiKeyStatusRequest) -> Reply {
    let enabled = match body.status.as_deref().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("ENABLED") => true,
        Some(s) if s.eq_ignore_ascii_case("DISABLED") => false,
        Some(s) => return Err(bad_request(format!("status must be ENABLED or DISABLED, not '{s}'."))),
        None => return Err(bad_request("status is required (ENABLED or DISABLED).")),
    };
    let key = ctx.gw.iam().set_key_enabled(&caller.user, &id, enabled).await.map_err(reject)?;
    Ok(json_ok(&ApiKeyResponse::new(key_view(&ctx, key).await?)))
}

/// `PATCH /iam/api-keys/{id}/expiry`.
pub async fn extend_key(id: String, ctx: Arc<Context>, caller: Caller, body: ApiKeyExpiryRequest) -> Reply {
    let add = days(body.add_expiry_in_days, "addExpiryInDays")?;
    let key = ctx.gw.iam().extend_key(&caller.user, &id, add as u32).await.map_err(reject)?;
    Ok(json_ok(&ApiKeyResponse::new(key_view(&ctx, key).await?)))
}

fn permission_view(grant: StoredGrant) -> PermissionView {
    PermissionView { role_name: grant.role, secure_object_type_name: grant.object_type, resource_id: grant.resource, action_name: grant.action, grant_option: grant.grant_option }
}

/// `GET /iam/roles`.
pub async fn list_roles(listing: Listing, ctx: Arc<Context>, _caller: Caller) -> Reply {
    let roles: Vec<RoleView> = ctx
        .gw
        .iam()
        .roles()
        .into_iter()
        .map(|r| RoleView { name: r.name, description: r.description, built_in: r.built_in, permissions: r.grants.into_iter().map(permission_view).collect() })
        .collect();
    let (data, meta) = listing.page(roles, |r| &r.name);
    Ok(json_ok(&RoleListResponse::new(data, meta)))
}

/// The user a request's `UserID` names: a number as listed, or a name.
async fn user_named(ctx: &Context, id: Option<&Value>) -> Result<String, Rejection> {
    let number = match id {
        None | Some(Value::Null) => return Err(bad_request("UserID is required (a user number or name).")),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| bad_request(format!("UserID {n} is not a user number.")))?,
        Some(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) if !s.trim().is_empty() && s.trim().len() <= 256 => return Ok(s.trim().to_string()),
            Err(_) => return Err(bad_request("UserID is empty or longer than 256 characters.")),
        },
        Some(other) => return Err(bad_request(format!("UserID must be a number or a name, not {other}."))),
    };
    ctx.gw.iam().user_named(number).ok_or_else(|| not_found("USER_NOT_FOUND", format!("No user has the number {number}.")))
}

async fn assignment_view(ctx: &Context, user: String, role: String) -> Result<AssignmentView, Rejection> {
    let configured = role == crate::identity::access::ACCOUNT_ADMIN && ctx.gw.iam().is_configured_admin(&user);
    Ok(AssignmentView { user_id: ctx.gw.iam().user_number(&user).await.map_err(reject)?, user_name: user, role_name: role, configured })
}

/// `GET /iam/role-assignments[?UserID=]`: everyone's for an AccountAdmin, else the caller's own.
pub async fn list_assignments(query: std::collections::HashMap<String, String>, ctx: Arc<Context>, caller: Caller) -> Reply {
    let asked = match query.get("UserID").or_else(|| query.get("userID")) {
        Some(id) => Some(user_named(&ctx, Some(&Value::String(id.clone()))).await?),
        None => None,
    };
    let admin = caller.user.is_admin();
    let user = match asked {
        Some(u) if admin || u == caller.user.name => Some(u),
        Some(_) => return Err(reject(crate::error::GatewayError::Forbidden("Only an AccountAdmin may list another user's roles.".into()))),
        None if admin => None,
        None => Some(caller.user.name.clone()),
    };
    let mut views = Vec::new();
    for (u, r) in ctx.gw.iam().assignments(user.as_deref()) {
        views.push(assignment_view(&ctx, u, r).await?);
    }
    Ok(json_ok(&AssignmentListResponse::new(views)))
}

/// `POST /iam/role-assignments`.
pub async fn assign(ctx: Arc<Context>, caller: Caller, body: AssignmentRequest) -> Reply {
    let user = user_named(&ctx, body.user_id.as_ref()).await?;
    let role = body.role_name.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).ok_or_else(|| bad_request("RoleName is required."))?;
    ctx.gw.iam().assign(&caller.user, &user, &role).await.map_err(reject)?;
    Ok(json_ok(&AssignmentResponse::new(assignment_view(&ctx, user, role).await?)))
}

/// `DELETE /iam/role-assignments` (body).
pub async fn unassign(ctx: Arc<Context>, caller: Caller, body: AssignmentRequest) -> Reply {
    let user = user_named(&ctx, body.user_id.as_ref()).await?;
    let role = body.role_name.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).ok_or_else(|| bad_request("RoleName is required."))?;
    if !ctx.gw.iam().unassign(&caller.user, &user, &role).await.map_err(reject)? {
        return Err(not_found("ASSIGNMENT_NOT_FOUND", format!("User '{user}' has no assigned role '{role}'.")));
    }
    Ok(json_ok(&AssignmentResponse::new(assignment_view(&ctx, user, role).await?)))
}

/// The role, target and action of a grant or revoke body.
fn permission_of(body: &PermissionRequest) -> Result<(String, Target, String), Rejection> {
    let field = |v: &Option<String>, name: &str| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from).ok_or_else(|| bad_request(format!("{name} is required.")));
    let role = field(&body.role_name, "RoleName")?;
    let object_type = field(&body.object_type, "SecureObjectTypeName")?;
    let action = field(&body.action, "ActionName")?;
    let resource = body.resource_id.clone().unwrap_or_default();
    let target = Target::parse(&object_type, &resource, crate::engine::DEFAULT_CATALOG).map_err(reject)?;
    Ok((role, target, action))
}

/// `POST /iam/permissions/grant`.
pub async fn grant(ctx: Arc<Context>, caller: Caller, body: PermissionRequest) -> Reply {
    let (role, target, action) = permission_of(&body)?;
    let grant = ctx.gw.iam().grant(&caller.user, &role, &target, &action, body.grant_option.unwrap_or(false)).await.map_err(reject)?;
    Ok(json_ok(&PermissionResponse::new(permission_view(grant))))
}

/// `POST /iam/permissions/revoke`.
pub async fn revoke(ctx: Arc<Context>, caller: Caller, body: PermissionRequest) -> Reply {
    let (role, target, action) = permission_of(&body)?;
    if !ctx.gw.iam().revoke(&caller.user, &role, &target, &action).await.map_err(reject)? {
        return Err(not_found("PERMISSION_NOT_FOUND", format!("Role '{role}' was not granted {} on {target}.", action.to_ascii_uppercase())));
    }
    Ok(json_ok(&super::model::SuccessResponse::new()))
}

/// `GET /iam/permissions[?RoleName=&ByteHouseResourceID=&SecureObjectTypeName=]`.
pub async fn list_permissions(query: std::collections::HashMap<String, String>, ctx: Arc<Context>, _caller: Caller) -> Reply {
    let matches = |value: &str, key: &str| query.get(key).is_none_or(|want| want.trim().is_empty() || want.trim().eq_ignore_ascii_case(value));
    let grants: Vec<PermissionView> = ctx
        .gw
        .iam()
        .roles()
        .into_iter()
        .flat_map(|r| r.grants)
        .filter(|g| matches(&g.role, "RoleName") && matches(&g.resource, "ByteHouseResourceID") && matches(&g.object_type, "SecureObjectTypeName"))
        .map(permission_view)
        .collect();
    Ok(json_ok(&PermissionListResponse::new(grants)))
}

/// `GET /account/status`.
pub async fn account_status(ctx: Arc<Context>, caller: Caller) -> Reply {
    let iam = ctx.gw.iam();
    let user = AccountUser {
        user_id: iam.user_number(&caller.user.name).await.map_err(reject)?,
        user_name: caller.user.name.clone(),
        roles: iam.roles_of(&caller.user.name),
        active_role: caller.user.active_role.clone(),
    };
    let status = AccountStatus {
        status: "ACTIVE".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        auth_mode: ctx.gw.authenticator().mode().name().into(),
        metadata_backend: ctx.gw.store_backend().into(),
        user,
    };
    Ok(json_ok(&AccountStatusResponse::new(status)))
}
