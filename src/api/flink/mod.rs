//! The Apache Flink SQL Gateway REST API (v1–v4) over the gateway core.
//!
//! The route table below is the whole API. Each route names the versions it
//! exists in; unprefixed URLs are the default version (V4).
//!
//! - [`model`]: wire types (serde + OpenAPI schema).
//! - [`handlers`]: one plain async fn per route.
//! - [`filters`], [`version`]: path, query and prefix extraction.
//! - [`page`]: the result page writer.
//! - [`rejection`]: every failure as `{"errors":[...]}`.

pub mod filters;
pub mod handlers;
pub mod model;
pub mod page;
pub mod rejection;
pub mod version;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::api::http::{caller, json_body, required_json_body, with_state};
use crate::gateway::Gateway;
use filters::{operation_handle, raw_query, session_handle, token};
use handlers as h;
use model::*;
use version::{versions, ApiVersion::*};

/// Every Flink route, with errors rendered as Flink error bodies.
pub fn routes(gw: Arc<Gateway>, max_body: u64) -> BoxedFilter<(Response,)> {
    use warp::path::end;
    use warp::{delete, get, path, post};
    // Every route that reaches the core names its caller.
    let gw = with_state(gw.clone()).and(caller(gw));
    let sessions = || path("sessions").and(session_handle());
    let operations = move || sessions().and(path("operations")).and(operation_handle());

    let api_versions = get().and(versions(V1, V4)).and(path("api_versions")).and(end()).and_then(h::api_versions);
    let info = get().and(versions(V1, V4)).and(path("info")).and(end()).and_then(h::info);
    let open_session = post().and(versions(V1, V4)).and(path("sessions")).and(end()).and(gw.clone())
        .and(json_body::<OpenSessionRequest>(max_body, "OpenSessionRequestBody")).and_then(h::open_session);
    let get_session = get().and(versions(V1, V4)).and(sessions()).and(end()).and(gw.clone()).and_then(h::get_session);
    let close_session = delete().and(versions(V1, V4)).and(sessions()).and(end()).and(gw.clone()).and_then(h::close_session);
    let heartbeat = post().and(versions(V1, V4)).and(sessions()).and(path("heartbeat")).and(end()).and(gw.clone()).and_then(h::heartbeat);
    let configure = post().and(versions(V2, V4)).and(sessions()).and(path("configure-session")).and(end()).and(gw.clone())
        .and(json_body::<ConfigureSessionRequest>(max_body, "ConfigureSessionRequestBody")).and_then(h::configure_session);
    let complete = get().and(versions(V2, V4)).and(sessions()).and(path("complete-statement")).and(end()).and(gw.clone())
        .and(required_json_body::<CompleteStatementRequest>(max_body, "CompleteStatementRequestBody")).and_then(h::complete_statement);
    let execute = post().and(versions(V1, V4)).and(sessions()).and(path("statements")).and(end()).and(gw.clone())
        .and(json_body::<ExecuteStatementRequest>(max_body, "ExecuteStatementRequestBody")).and_then(h::execute_statement);
    let status = get().and(versions(V1, V4)).and(operations()).and(path("status")).and(end()).and(gw.clone()).and_then(h::operation_status);
    let cancel = post().and(versions(V1, V4)).and(operations()).and(path("cancel")).and(end()).and(gw.clone()).and_then(h::cancel_operation);
    let log = get().and(versions(V1, V4)).and(operations()).and(path("log")).and(end()).and(gw.clone()).and_then(h::operation_log);
    let close = delete().and(versions(V1, V4)).and(operations()).and(path("close")).and(end()).and(gw.clone()).and_then(h::close_operation);
    let fetch = get().and(versions(V1, V4)).and(operations()).and(path("result")).and(token()).and(end()).and(raw_query()).and(gw.clone())
        .and_then(h::fetch_results);
    let refresh = post().and(versions(V3, V3)).and(sessions()).and(path("materialized-tables")).and(path::param::<String>())
        .and(path("refresh")).and(end()).and(gw.clone())
        .and(json_body::<RefreshMaterializedTableRequest>(max_body, "RefreshMaterializedTableRequestBody")).and_then(h::refresh_materialized_table);
    let scripts = post().and(versions(V4, V4)).and(sessions()).and(path("scripts")).and(end()).and(gw.clone())
        .and(json_body::<DeployScriptRequest>(max_body, "DeployScriptRequestBody")).and_then(h::deploy_script);

    api_versions
        .or(info).unify()
        .or(open_session).unify()
        .or(get_session).unify()
        .or(close_session).unify()
        .or(heartbeat).unify()
        .or(configure).unify()
        .or(complete).unify()
        .or(execute).unify()
        .or(status).unify()
        .or(cancel).unify()
        .or(close).unify()
        .or(log).unify()
        .or(fetch).unify()
        .or(refresh).unify()
        .or(scripts).unify()
        .boxed()
}
