//! The Apache Kyuubi REST API v1 (`/api/v1/...`) over the gateway core.
//!
//! The route table below is the whole API. Paths are matched before
//! methods, so a known path with the wrong method is 405 and an unknown path
//! 404, both as `{"message": ...}`.
//!
//! - [`model`]: wire types (serde + OpenAPI schema); [`batch_model`]: the batch routes' ones.
//! - [`handlers`]: sessions and operations; [`batches`]: SQL batches;
//!   [`admin`]: the admin routes.
//! - [`filters`]: handles, paging parameters, the admin check.
//! - [`metadata`]: catalogs, tables, columns, ... as operations.
//! - [`rows`], [`info`]: result sets and GetInfo values.
//! - [`rejection`]: every failure as `{"message": ...}` with Kyuubi's status.

pub mod admin;
pub mod batch_model;
pub mod batches;
pub mod filters;
pub mod handlers;
pub mod info;
pub mod metadata;
pub mod model;
pub mod rejection;
pub mod rows;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::api::http::{caller, json_body, with_state};
use crate::gateway::Gateway;
use filters::{admin as admin_only, client_ip, fetch_query, info_type, operation_handle, query_map, session_handle};
use handlers as h;
use model::*;

/// The Kyuubi REST API level answered (`GET /api/v1/version`).
pub const KYUUBI_API_VERSION: &str = "1.13.0";
/// The engine pool's type, as admin listings show it.
pub const ENGINE_TYPE: &str = "DATAFUSION_SQL";
/// The one engine pool of the gateway.
pub const ENGINE_NAME: &str = "sluicegate-datafusion";
/// Its id.
pub const ENGINE_ID: &str = "datafusion";

/// What every Kyuubi handler needs.
pub struct Context {
    /// The core.
    pub gw: Arc<Gateway>,
    /// `host:port` of this gateway, reported as `kyuubiInstance`.
    pub instance: String,
    /// The most rows one rowset page may ask for (`maxrows`; above is 400).
    pub fetch_limit: usize,
}

/// Every Kyuubi route under `/api/v1`, errors rendered as Kyuubi's.
pub fn routes(ctx: Arc<Context>, max_body: u64) -> BoxedFilter<(Response,)> {
    use warp::path::end;
    use warp::{delete, get, path, post, put};
    let user = with_state(ctx.clone()).and(caller(ctx.gw.clone()));
    let admin = move || admin_only(ctx.clone());
    let session = || path("sessions").and(session_handle());
    let operation = || path("operations").and(operation_handle());

    let ping = path("ping").and(end()).and(get()).and_then(h::ping);
    let version = path("version").and(end()).and(get()).and_then(h::version);
    let list = path("sessions").and(end()).and(get()).and(user.clone()).and_then(h::list_sessions);
    let open = path("sessions").and(end()).and(post()).and(user.clone()).and(client_ip())
        .and(json_body::<SessionOpenRequest>(max_body, "SessionOpenRequest")).and_then(h::open_session);
    let count = path!("sessions" / "count").and(get()).and(user.clone()).and_then(h::session_count);
    let pool = path!("sessions" / "execPool" / "statistic").and(get()).and(user.clone()).and_then(h::exec_pool);
    let get_session = session().and(end()).and(get()).and(user.clone()).and_then(h::get_session);
    let close_session = session().and(end()).and(delete()).and(user.clone()).and_then(h::close_session);
    let info = session().and(path("info")).and(info_type()).and(end()).and(get()).and(user.clone()).and_then(h::session_info);
    let operations = session().and(path("operations")).and(end()).and(get()).and(user.clone()).and_then(h::session_operations);
    let statement = session().and(path!("operations" / "statement")).and(post()).and(user.clone())
        .and(json_body::<StatementRequest>(max_body, "StatementRequest")).and_then(h::execute_statement);
    let meta = move |kind: &'static str| session().and(path("operations")).and(path(kind)).and(end()).and(post());
    let type_info = meta("typeInfo").and(user.clone()).and_then(metadata::type_info);
    let catalogs = meta("catalogs").and(user.clone()).and_then(metadata::catalogs);
    let table_types = meta("tableTypes").and(user.clone()).and_then(metadata::table_types);
    let schemas = meta("schemas").and(user.clone()).and(json_body::<GetSchemasRequest>(max_body, "GetSchemasRequest")).and_then(metadata::get_schemas);
    let tables = meta("tables").and(user.clone()).and(json_body::<GetTablesRequest>(max_body, "GetTablesRequest")).and_then(metadata::get_tables);
    let columns = meta("columns").and(user.clone()).and(json_body::<GetColumnsRequest>(max_body, "GetColumnsRequest")).and_then(metadata::get_columns);
    let functions = meta("functions").and(user.clone()).and(json_body::<GetFunctionsRequest>(max_body, "GetFunctionsRequest")).and_then(metadata::get_functions);
    let keys = meta("primaryKeys").and(user.clone()).and(json_body::<GetPrimaryKeysRequest>(max_body, "GetPrimaryKeysRequest")).and_then(metadata::get_primary_keys);
    let cross = meta("crossReference").and(user.clone())
        .and(json_body::<GetCrossReferenceRequest>(max_body, "GetCrossReferenceRequest")).and_then(metadata::get_cross_reference);
    let event = operation().and(path("event")).and(end()).and(get()).and(user.clone()).and_then(h::operation_event);
    let action = operation().and(end()).and(put()).and(user.clone())
        .and(json_body::<OpActionRequest>(max_body, "OpActionRequest")).and_then(h::operation_action);
    let metadata = operation().and(path("resultsetmetadata")).and(end()).and(get()).and(user.clone()).and_then(h::result_set_metadata);
    let log = operation().and(path("log")).and(end()).and(get()).and(fetch_query()).and(user.clone()).and_then(h::operation_log);
    let rowset = operation().and(path("rowset")).and(end()).and(get()).and(fetch_query()).and(user.clone()).and_then(h::rowset);
    let submit_batch = path("batches").and(end()).and(post()).and(user.clone()).and(batches::submission(max_body)).and_then(batches::submit);
    let list_batches = path("batches").and(end()).and(get()).and(query_map()).and(user.clone()).and_then(batches::list);
    let get_batch = path("batches").and(batches::batch_id()).and(end()).and(get()).and(user.clone()).and_then(batches::get);
    let batch_log = path("batches").and(batches::batch_id()).and(path("localLog")).and(end()).and(get()).and(query_map()).and(user.clone())
        .and_then(batches::local_log);
    let kill_batch = path("batches").and(batches::batch_id()).and(end()).and(delete()).and(query_map()).and(user.clone()).and_then(batches::kill);
    let batch_count = path!("admin" / "batch" / "count").and(get()).and(query_map()).and(admin()).and_then(batches::count);
    let refresh = path!("admin" / "refresh" / String).and(post()).and(admin()).and_then(admin::refresh);
    let admin_sessions = path!("admin" / "sessions").and(get()).and(query_map()).and(admin()).and_then(admin::list_sessions);
    let admin_close_session = path!("admin" / "sessions" / ..).and(session_handle()).and(end()).and(delete()).and(admin()).and_then(admin::close_session);
    let admin_operations = path!("admin" / "operations").and(get()).and(query_map()).and(admin()).and_then(admin::list_operations);
    let admin_close_operation = path!("admin" / "operations" / ..).and(operation_handle()).and(end()).and(delete()).and(admin()).and_then(admin::close_operation);
    let engines = path!("admin" / "engine").and(get()).and(admin()).and_then(admin::list_engines);
    let servers = path!("admin" / "server").and(get()).and(admin()).and_then(admin::list_servers);

    // Grouped and boxed: one flat chain of this many filters is a type too deep to compile.
    let sessions = list.or(open).unify().or(count).unify().or(pool).unify().or(get_session).unify().or(close_session).unify()
        .or(info).unify().or(operations).unify().or(statement).unify().boxed();
    let metadata_ops = type_info.or(catalogs).unify().or(table_types).unify().or(schemas).unify().or(tables).unify().or(columns).unify()
        .or(functions).unify().or(keys).unify().or(cross).unify().boxed();
    let operations = event.or(action).unify().or(metadata).unify().or(log).unify().or(rowset).unify().boxed();
    let batches = submit_batch.or(list_batches).unify().or(get_batch).unify().or(batch_log).unify().or(kill_batch).unify().boxed();
    let admin = refresh.or(admin_sessions).unify().or(admin_close_session).unify().or(admin_operations).unify()
        .or(admin_close_operation).unify().or(engines).unify().or(servers).unify().or(batch_count).unify().boxed();
    let api = ping.or(version).unify().or(sessions).unify().or(metadata_ops).unify().or(operations).unify().or(batches).unify().or(admin).unify();
    // Everything under /api/v1 is answered here, failures included.
    path!("api" / "v1" / ..).and(api.recover(rejection::recover).unify()).boxed()
}
