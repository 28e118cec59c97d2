//! A ByteHouse-style management API under `/bytehouse/v1` over the gateway
//! core: databases, tables and views of the caller's query session, and
//! SQL queries run sync or async. Data loading (connections, import jobs,
//! executions) and metadata subscription answer 501.
//!
//! Every answer is one envelope ([`model`]); every failure goes through
//! [`rejection`]. Callers authenticate with `Authorization: Bearer <API
//! key>` (or as the gateway's auth mode allows); `X-QuerySession-ID` picks
//! the caller's gateway session (none: their default one), so `USE db`
//! and DDL of one call are seen by the next call of the same query session.
//!
//! - [`filters`]: the caller, listing parameters, path names.
//! - [`handlers`]: databases, tables, views; [`types`]: ByteHouse ↔ Flink types.
//! - [`queries`]: queries, results, kill, abort, check-tables, statistics;
//!   [`registry`]: query sessions and query ids.
//! - [`iam`]: API keys, roles, assignments, grants, account status
//!   ([`iam_model`] their wire types).
//! - [`warehouses`]: virtual warehouses (engine pools), their presets, usage
//!   ([`warehouse_model`] their wire types).
//! - [`unoffered`]: the 501 routes; [`spec`]: the OpenAPI description of every route.

pub mod filters;
pub mod handlers;
pub mod iam;
pub mod iam_model;
pub mod model;
pub mod queries;
pub mod registry;
pub mod rejection;
pub mod spec;
pub mod types;
pub mod unoffered;
pub mod warehouse_model;
pub mod warehouses;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::api::http::{json_body, with_state};
use crate::gateway::Gateway;
use filters::{listing, name, query_map, request_caller};
use handlers::{self as h, Shown};
use model::*;
use queries as q;

/// What every handler needs.
pub struct Context {
    /// The core.
    pub gw: Arc<Gateway>,
    /// Query sessions and queries.
    pub registry: registry::Registry,
}

impl Context {
    /// A context with no query sessions or queries yet; each user may hold
    /// `max_sessions` query sessions.
    pub fn new(gw: Arc<Gateway>, max_sessions: usize) -> Self {
        Context { gw, registry: registry::Registry::new(max_sessions) }
    }
}

/// Every route under `/bytehouse/v1`, failures rendered as the error envelope.
pub fn routes(ctx: Arc<Context>, max_body: u64) -> BoxedFilter<(Response,)> {
    use warp::path::end;
    use warp::{delete, get, patch, path, post};
    let who = with_state(ctx.clone()).and(request_caller(ctx.clone()));
    let db = || path("databases").and(name());
    let shown = |s: Shown| warp::any().map(move || s);

    let list_dbs = path("databases").and(end()).and(get()).and(listing()).and(who.clone()).and_then(h::list_databases);
    let create_db = path("databases").and(end()).and(post()).and(who.clone())
        .and(json_body::<CreateDatabaseRequest>(max_body, "CreateDatabaseRequest")).and_then(h::create_database);
    let get_db = db().and(end()).and(get()).and(who.clone()).and_then(h::get_database);
    let delete_db = db().and(end()).and(delete()).and(who.clone()).and_then(h::delete_database);
    let tables = db().and(path("tables")).and(end()).and(get()).and(shown(Shown::Tables)).and(listing()).and(who.clone()).and_then(h::list_relations);
    let all = db().and(path("tables-and-views")).and(end()).and(get()).and(shown(Shown::All)).and(listing()).and(who.clone()).and_then(h::list_relations);
    let views = db().and(path("materialized-views")).and(end()).and(get()).and(shown(Shown::Views)).and(listing()).and(who.clone()).and_then(h::list_relations);
    let create_table = db().and(path("tables")).and(end()).and(post()).and(who.clone())
        .and(json_body::<CreateTableRequest>(max_body, "CreateTableRequest")).and_then(h::create_table);
    let table = || db().and(path("tables")).and(name()).and(end());
    let get_table = table().and(get()).and(warp::any().map(|| false)).and(who.clone()).and_then(h::get_relation);
    let update_table = table().and(patch()).and(who.clone()).and(json_body::<UpdateTableRequest>(max_body, "UpdateTableRequest")).and_then(h::update_table);
    let delete_table = table().and(delete()).and(who.clone()).and_then(h::delete_table);
    let get_view = db().and(path("materialized-views")).and(name()).and(end()).and(get()).and(warp::any().map(|| true)).and(who.clone()).and_then(h::get_relation);

    let query_body = move || json_body::<QueryRequest>(max_body, "QueryRequest");
    let sync = path!("queries" / "sync").and(post()).and(who.clone()).and(query_body()).and_then(q::sync);
    let abort = path!("queries" / "sync" / "abort").and(post()).and(who.clone()).and_then(q::abort);
    let kill_sync = path!("queries" / "sync" / ..).and(name()).and(path("kill")).and(end()).and(post()).and(who.clone()).and_then(q::kill);
    let submit_async = path!("queries" / "async").and(post()).and(who.clone()).and(query_body()).and_then(q::submit_async);
    let check = path!("queries" / "check-tables").and(post()).and(who.clone())
        .and(json_body::<CheckTablesRequest>(max_body, "CheckTablesRequest")).and_then(q::check_tables);
    let dialects = path!("queries" / "dialects").and(get()).and(who.clone()).and_then(q::dialects);
    let query = || path("queries").and(name());
    let status = query().and(path("status")).and(end()).and(get()).and(who.clone()).and_then(q::status);
    let results = query().and(path("results")).and(end()).and(get()).and(query_map()).and(who.clone()).and_then(q::results);
    let kill = query().and(path("kill")).and(end()).and(post()).and(who.clone()).and_then(q::kill);
    let statistic = path("statistics").and(path("queries")).and(name()).and(end()).and(get()).and(who.clone()).and_then(q::statistic);

    let keys = || path("iam").and(path("api-keys"));
    let key = || keys().and(name());
    let create_key = keys().and(end()).and(post()).and(who.clone()).and(json_body::<iam_model::CreateApiKeyRequest>(max_body, "CreateApiKeyRequest")).and_then(iam::create_key);
    let list_keys = keys().and(end()).and(get()).and(who.clone()).and_then(iam::list_keys);
    let delete_key = key().and(end()).and(delete()).and(who.clone()).and_then(iam::delete_key);
    let key_status = key().and(path("status")).and(end()).and(patch()).and(who.clone())
        .and(json_body::<iam_model::ApiKeyStatusRequest>(max_body, "ApiKeyStatusRequest")).and_then(iam::set_key_status);
    let key_expiry = key().and(path("expiry")).and(end()).and(patch()).and(who.clone())
        .and(json_body::<iam_model::ApiKeyExpiryRequest>(max_body, "ApiKeyExpiryRequest")).and_then(iam::extend_key);
    let roles = path!("iam" / "roles").and(get()).and(listing()).and(who.clone()).and_then(iam::list_roles);
    let assignments = || path!("iam" / "role-assignments");
    let list_assignments = assignments().and(get()).and(query_map()).and(who.clone()).and_then(iam::list_assignments);
    let assignment_body = move || json_body::<iam_model::AssignmentRequest>(max_body, "AssignmentRequest");
    let assign = assignments().and(post()).and(who.clone()).and(assignment_body()).and_then(iam::assign);
    let unassign = assignments().and(delete()).and(who.clone()).and(assignment_body()).and_then(iam::unassign);
    let permission_body = move || json_body::<iam_model::PermissionRequest>(max_body, "PermissionRequest");
    let grant = path!("iam" / "permissions" / "grant").and(post()).and(who.clone()).and(permission_body()).and_then(iam::grant);
    let revoke = path!("iam" / "permissions" / "revoke").and(post()).and(who.clone()).and(permission_body()).and_then(iam::revoke);
    let permissions = path!("iam" / "permissions").and(get()).and(query_map()).and(who.clone()).and_then(iam::list_permissions);
    let account = path!("account" / "status").and(get()).and(who.clone()).and_then(iam::account_status);

    let vws = || path("virtual-warehouses");
    let vw = || vws().and(name()).and(end());
    let list_vws = vws().and(end()).and(get()).and(who.clone()).and(query_map()).and_then(warehouses::list);
    let create_vw = vws().and(end()).and(post()).and(who.clone())
        .and(json_body::<warehouse_model::CreateWarehouseRequest>(max_body, "CreateWarehouseRequest")).and_then(warehouses::create);
    let get_vw = vw().and(get()).and(who.clone()).and_then(warehouses::get);
    let update_vw = vw().and(patch()).and(who.clone())
        .and(json_body::<warehouse_model::UpdateWarehouseRequest>(max_body, "UpdateWarehouseRequest")).and_then(warehouses::update);
    let delete_vw = vw().and(delete()).and(who.clone()).and_then(warehouses::delete);
    let vw_configs = path!("virtual-warehouse-configs").and(get()).and(who.clone()).and(query_map()).and_then(warehouses::configs);
    let vw_usage = path!("usage" / "virtual-warehouses").and(get()).and(who.clone()).and(query_map()).and_then(warehouses::usage);
    let storage = path!("usage" / "storage").and(get()).and(who.clone()).and(query_map()).and_then(warehouses::storage);

    // Grouped and boxed: one flat chain of this many filters is a type too deep to compile.
    let databases = list_dbs.or(create_db).unify().or(get_db).unify().or(delete_db).unify().boxed();
    let relations = tables.or(all).unify().or(views).unify().or(create_table).unify().or(get_table).unify().or(update_table).unify()
        .or(delete_table).unify().or(get_view).unify().boxed();
    let queries = sync.or(abort).unify().or(kill_sync).unify().or(submit_async).unify().or(check).unify().or(dialects).unify()
        .or(status).unify().or(results).unify().or(kill).unify().or(statistic).unify().boxed();
    let identity = create_key.or(list_keys).unify().or(delete_key).unify().or(key_status).unify().or(key_expiry).unify().or(roles).unify()
        .or(list_assignments).unify().or(assign).unify().or(unassign).unify().or(grant).unify().or(revoke).unify().or(permissions).unify()
        .or(account).unify().boxed();
    let resources = list_vws.or(create_vw).unify().or(get_vw).unify().or(update_vw).unify().or(delete_vw).unify().or(vw_configs).unify()
        .or(vw_usage).unify().or(storage).unify().boxed();
    let api = databases.or(relations).unify().or(queries).unify().or(identity).unify().or(resources).unify().or(unoffered::routes(who)).unify();
    path!("bytehouse" / "v1" / ..).and(api.recover(rejection::recover).unify()).boxed()
}
