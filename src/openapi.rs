//! The OpenAPI document of the gateway, generated from the wire types and the
//! handlers' annotations. Served at `/openapi.json`, printed by
//! `sluicegate openapi`, and committed as `openapi/sluicegate.json` (a test
//! fails when the committed file is stale).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::api::bytehouse::{iam_model as bh_iam, model as bh_model, spec as bh, warehouse_model as bh_vw};
use crate::api::flink::{handlers, model};
use crate::api::kyuubi::{admin as kyuubi_admin, batches as kyuubi_batches, handlers as kyuubi, metadata as kyuubi_metadata, model as kyuubi_model};
use crate::api::livy::{batches as livy_batches, model as livy_model, sessions as livy_sessions, statements as livy_statements};
use crate::format::{LogicalType, LogicalTypeField};

/// The gateway's API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "sluicegate",
        description = "A streaming SQL gateway speaking the Apache Flink SQL Gateway REST API over Apache DataFusion.\n\n\
Every path is served unprefixed (API version V4) and under the version prefixes `/v1`, `/v2`, `/v3`, `/v4` of the \
versions it exists in: configure-session and complete-statement from V2, materialized-table refresh only under `/v3`, \
scripts from V4. Under `/v1` results are JSON rows only and `nextResultUri` has no query string.\n\n\
Every failure answers `{\"errors\": [...]}` (ErrorResponse) with a truthful status; an unknown path or method is 404.\n\n\
Under `/api/v1` the gateway speaks the Apache Kyuubi REST API v1 (tags `kyuubi`, `kyuubi-admin`): failures answer \
`{\"message\": ...}` (KyuubiError) with Kyuubi's statuses (most failures 404, malformed requests 400, wrong credentials 403, \
an unknown method 405).\n\n\
Under `/livy` the gateway speaks the Apache Livy REST API (tag `livy`; SQL only): creations answer 201 with `Location`, \
failures `{\"msg\": ...}` (LivyMessage) with Livy's statuses (request faults and unknown fields 400, unknown ids 404, \
an unknown `Accept` API version 406).\n\n\
Under `/bytehouse/v1` the gateway answers a ByteHouse-style management API (tag `bytehouse`): databases, tables and views of \
the caller's query session (`X-QuerySession-ID`), SQL queries run sync or async, API keys, roles, grants and the account \
status, virtual warehouses (engine pools: memory limit, parallelism, concurrency queue) and usage. Every answer is one envelope: \
`{\"message\":\"Success\",\"error\":{},\"data\":...}` (listings add `\"meta\":{\"total\",\"offset\",\"limit\"}`), failures \
`{\"message\",\"error\":{\"code\",\"message\"}}` (BytehouseError); query rows are `{\"columns\":[{\"name\",\"type\"}],\"rows\":[[...]]}`. \
Data loading and metadata subscription answer 501.",
        license(name = "Apache-2.0")
    ),
    paths(
        handlers::api_versions, handlers::info,
        handlers::open_session, handlers::get_session, handlers::close_session, handlers::heartbeat,
        handlers::configure_session, handlers::complete_statement,
        handlers::execute_statement, handlers::operation_status, handlers::cancel_operation, handlers::close_operation,
        handlers::fetch_results, handlers::operation_log, handlers::deploy_script, handlers::refresh_materialized_table,
        kyuubi::ping, kyuubi::version, kyuubi::list_sessions, kyuubi::open_session, kyuubi::session_count, kyuubi::exec_pool,
        kyuubi::get_session, kyuubi::session_info, kyuubi::close_session, kyuubi::session_operations, kyuubi::execute_statement,
        kyuubi::operation_event, kyuubi::operation_action, kyuubi::result_set_metadata, kyuubi::operation_log, kyuubi::rowset,
        kyuubi_admin::refresh, kyuubi_admin::list_sessions, kyuubi_admin::close_session, kyuubi_admin::list_operations,
        kyuubi_admin::close_operation, kyuubi_admin::list_engines, kyuubi_admin::list_servers,
        kyuubi_batches::submit, kyuubi_batches::list, kyuubi_batches::get, kyuubi_batches::local_log, kyuubi_batches::kill,
        kyuubi_batches::count,
        kyuubi_metadata::type_info, kyuubi_metadata::catalogs, kyuubi_metadata::table_types, kyuubi_metadata::get_schemas,
        kyuubi_metadata::get_tables, kyuubi_metadata::get_columns, kyuubi_metadata::get_functions, kyuubi_metadata::get_primary_keys,
        kyuubi_metadata::get_cross_reference,
        livy_sessions::version, livy_sessions::list, livy_sessions::create, livy_sessions::get, livy_sessions::connect,
        livy_sessions::state, livy_sessions::log, livy_sessions::delete,
        livy_statements::submit, livy_statements::list, livy_statements::get, livy_statements::cancel, livy_statements::completion,
        livy_batches::create, livy_batches::list, livy_batches::get, livy_batches::state, livy_batches::log, livy_batches::delete,
        bh::list_databases, bh::create_database, bh::get_database, bh::delete_database, bh::list_tables, bh::list_tables_and_views,
        bh::create_table, bh::get_table, bh::update_table, bh::delete_table, bh::list_materialized_views, bh::get_materialized_view,
        bh::query_sync, bh::abort_sync_query, bh::kill_sync_query, bh::query_async, bh::query_status, bh::query_results, bh::kill_query,
        bh::check_tables, bh::dialects, bh::query_statistic,
        bh::create_api_key, bh::list_api_keys, bh::delete_api_key, bh::set_api_key_status, bh::extend_api_key, bh::list_roles,
        bh::list_role_assignments, bh::assign_role, bh::unassign_role, bh::grant_permission, bh::revoke_permission, bh::list_permissions,
        bh::account_status,
        bh::list_virtual_warehouses, bh::create_virtual_warehouse, bh::get_virtual_warehouse, bh::update_virtual_warehouse,
        bh::delete_virtual_warehouse, bh::list_virtual_warehouse_configs, bh::virtual_warehouse_usage, bh::storage_usage,
        bh::subscribe_metadata, bh::unsubscribe_metadata, bh::create_connection, bh::list_connections, bh::update_connection,
        bh::delete_connection, bh::get_masked_connection, bh::create_import_job, bh::list_import_jobs, bh::get_import_job,
        bh::update_import_job, bh::delete_import_job, bh::rename_import_job, bh::describe_import_job, bh::import_job_start_arguments,
        bh::start_import_job, bh::stop_import_job, bh::list_job_executions, bh::list_executions, bh::get_execution, bh::execution_logs,
        bh::kafka_status,
    ),
    components(schemas(
        model::ApiVersionsResponse, model::InfoResponse, model::OpenSessionRequest, model::OpenSessionResponse,
        model::SessionPropertiesResponse, model::StatusResponse, model::EmptyResponse, model::ConfigureSessionRequest,
        model::CompleteStatementRequest, model::CompleteStatementResponse, model::ExecuteStatementRequest,
        model::ExecuteStatementResponse, model::OperationStatusName, model::OperationStatusResponse, model::ResultType,
        model::ResultKind, model::RowFormat, model::ColumnInfo, model::RowKindName, model::RowData, model::ResultInfo,
        model::FetchResultsResponse, model::ErrorResponse, LogicalType, LogicalTypeField,
        model::DeployScriptRequest, model::DeployScriptResponse, model::OperationLogResponse, model::RefreshMaterializedTableRequest,
        kyuubi_model::KyuubiError, kyuubi_model::VersionInfo, kyuubi_model::SessionOpenRequest, kyuubi_model::SessionHandle,
        kyuubi_model::SessionData, kyuubi_model::KyuubiSessionEvent, kyuubi_model::InfoDetail, kyuubi_model::SessionOpenCount,
        kyuubi_model::ExecPoolStatistic, kyuubi_model::StatementRequest, kyuubi_model::OperationHandle, kyuubi_model::KyuubiOperationEvent,
        kyuubi_model::OperationData, kyuubi_model::OpActionRequest, kyuubi_model::ColumnDesc, kyuubi_model::ResultSetMetaData,
        kyuubi_model::OperationLog, kyuubi_model::Field, kyuubi_model::Row, kyuubi_model::ResultRowSet, kyuubi_model::Engine,
        kyuubi_model::ServerData, kyuubi_model::BatchRequest, kyuubi_model::Batch, kyuubi_model::GetBatchesResponse,
        kyuubi_model::CloseBatchResponse, kyuubi_model::Count, kyuubi_model::GetSchemasRequest, kyuubi_model::GetTablesRequest,
        kyuubi_model::GetColumnsRequest, kyuubi_model::GetFunctionsRequest, kyuubi_model::GetPrimaryKeysRequest,
        kyuubi_model::GetCrossReferenceRequest,
        livy_model::LivyMessage, livy_model::LivyVersion, livy_model::CreateSessionRequest, livy_model::AppInfo, livy_model::SessionView,
        livy_model::SessionList, livy_model::StateView, livy_model::LogView, livy_model::CreateStatementRequest, livy_model::StatementView,
        livy_model::StatementList, livy_model::CompletionRequest, livy_model::CompletionView, livy_model::CreateBatchRequest,
        livy_model::BatchView, livy_model::BatchList,
        bh_model::NoError, bh_model::ErrorDetail, bh_model::BytehouseError, bh_model::Meta, bh_model::SuccessResponse,
        bh_model::DatabaseListResponse, bh_model::DatabaseResponse, bh_model::TableListResponse, bh_model::TableResponse,
        bh_model::QueryResponse, bh_model::QueryStatusResponse, bh_model::CheckTablesResponse, bh_model::DialectListResponse,
        bh_model::QueryStatisticResponse, bh_model::DatabaseView, bh_model::CreateDatabaseRequest, bh_model::TableSummary,
        bh_model::ColumnView, bh_model::PartitionKey, bh_model::TableView, bh_model::ColumnSpec, bh_model::CreateTableRequest,
        bh_model::UpdateTableRequest, bh_model::QueryRequest, bh_model::QueryColumn, bh_model::QueryResult, bh_model::QueryStatus,
        bh_model::CheckTablesRequest, bh_model::TableRef, bh_model::CheckTablesView, bh_model::Dialect, bh_model::QueryStatistic,
        bh_iam::ApiKeyView, bh_iam::CreatedApiKey, bh_iam::CreateApiKeyRequest, bh_iam::ApiKeyStatusRequest, bh_iam::ApiKeyExpiryRequest,
        bh_iam::PermissionView, bh_iam::RoleView, bh_iam::AssignmentView, bh_iam::AssignmentRequest, bh_iam::PermissionRequest,
        bh_iam::AccountUser, bh_iam::AccountStatus, bh_iam::ApiKeyListResponse, bh_iam::CreatedApiKeyResponse, bh_iam::ApiKeyResponse,
        bh_iam::AssignmentListResponse, bh_iam::AssignmentResponse, bh_iam::PermissionListResponse, bh_iam::PermissionResponse,
        bh_iam::AccountStatusResponse, bh_iam::RoleListResponse,
        bh_vw::CreateWarehouseRequest, bh_vw::UpdateWarehouseRequest, bh_vw::CreatedWarehouse, bh_vw::WarehouseView, bh_vw::WarehouseResponse,
        bh_vw::WarehouseConfigView, bh_vw::UsageMinute, bh_vw::WarehouseUsage, bh_vw::WarehouseUsageReport, bh_vw::DatabaseStorage,
        bh_vw::StorageReport, bh_vw::WarehouseListResponse, bh_vw::WarehouseConfigListResponse, bh_vw::WarehouseUsageResponse, bh_vw::StorageResponse,
    )),
    modifiers(&Authentication, &ProtocolOperationIds),
    tags(
        (name = "info", description = "Versions and product"),
        (name = "sessions", description = "Sessions and their properties"),
        (name = "operations", description = "Statements, their status and their results"),
        (name = "kyuubi", description = "Apache Kyuubi REST API v1: sessions, statements, operations, result sets"),
        (name = "kyuubi-admin", description = "Apache Kyuubi REST API v1 admin routes (administrators only: sluicegate.auth.admins)"),
        (name = "livy", description = "Apache Livy REST API: interactive SQL sessions, statements, SQL batches"),
        (name = "bytehouse", description = "ByteHouse-style management API: databases, tables, views, sync and async queries, IAM, virtual warehouses, usage"),
    )
)]
pub struct ApiDoc;

/// The authentication schemes, and the 401/403 answers every route that
/// names a caller can give (`sluicegate.auth.mode`; with `none`, both schemes
/// are optional and nothing is refused).
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("basic", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()));
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("sg_<id>_<secret> API key").build()),
        );
        let error = |description: &str, schema: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", utoipa::openapi::ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name(schema))).build())
                    .build(),
            )
        };
        let open = ["/api_versions", "/info", "/api/v1/ping", "/api/v1/version", "/livy/version"];
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path.starts_with("/livy/") {
                // Every Livy route parses its path and query (ids, `from`, `size`) and the
                // `Accept` version before it does anything else.
                for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete].into_iter().flatten() {
                    let responses = &mut operation.responses.responses;
                    responses.entry("400".into()).or_insert_with(|| error("A malformed path or query parameter, or a refused request", "LivyMessage"));
                    responses.entry("406".into()).or_insert_with(|| error("`Accept` names an API version this gateway does not speak", "LivyMessage"));
                }
            }
            if open.contains(&path.as_str()) {
                continue;
            }
            let kyuubi = path.starts_with("/api/v1/");
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                operation.security = Some(vec![SecurityRequirement::default(), SecurityRequirement::new("basic", Vec::<String>::new()), SecurityRequirement::new("bearer", Vec::<String>::new())]);
                if kyuubi {
                    // Kyuubi: missing credentials 401, wrong ones 403.
                    operation.responses.responses.insert("401".into(), error("Missing, unusable or expired credentials (with `WWW-Authenticate`)", "KyuubiError"));
                    let forbidden = if path.starts_with("/api/v1/admin/") { "Wrong credentials, or not an administrator" } else { "Wrong credentials, or impersonation refused" };
                    operation.responses.responses.insert("403".into(), error(forbidden, "KyuubiError"));
                } else if path.starts_with("/bytehouse/") {
                    operation.security = Some(vec![SecurityRequirement::default(), SecurityRequirement::new("bearer", Vec::<String>::new())]);
                    operation.responses.responses.insert("401".into(), error("`UNAUTHENTICATED`: missing, unusable, expired or wrong credentials (with `WWW-Authenticate`)", "BytehouseError"));
                    let responses = &mut operation.responses.responses;
                    // Every route reads its caller (headers, the active role); some open its query session.
                    responses.entry("400".into()).or_insert_with(|| error("`BAD_REQUEST`: a malformed header, path, query or body", "BytehouseError"));
                    responses
                        .entry("403".into())
                        .or_insert_with(|| error("`FORBIDDEN`: X-User-ActiveRole names a role the caller does not hold, or the role lacks a permission this needs", "BytehouseError"));
                    let opens_session = path.starts_with("/bytehouse/v1/databases") || ["/bytehouse/v1/queries/sync", "/bytehouse/v1/queries/async", "/bytehouse/v1/queries/check-tables", "/bytehouse/v1/usage/storage"].contains(&path.as_str());
                    if opens_session {
                        responses.entry("429".into()).or_insert_with(|| {
                            error("`LIMIT_EXCEEDED`: a new X-QuerySession-ID beyond sluicegate.bytehouse.max-query-sessions-per-user", "BytehouseError")
                        });
                    }
                } else if path.starts_with("/livy/") {
                    operation.responses.responses.insert("401".into(), error("Missing, unusable, expired or wrong credentials (with `WWW-Authenticate`)", "LivyMessage"));
                    operation.responses.responses.insert("403".into(), error("Impersonation refused", "LivyMessage"));
                } else {
                    operation.responses.responses.insert("401".into(), error("Missing, unusable, expired or wrong credentials (with `WWW-Authenticate`)", "ErrorResponse"));
                    operation.responses.responses.insert("403".into(), error("Impersonation refused", "ErrorResponse"));
                }
            }
        }
    }
}

/// Operation ids are unique across the spec (OpenAPI requires it, and
/// generated clients name their functions by them), while handlers of
/// different protocols share plain names (`open_session`, ...): every id of
/// a protocol other than Flink's takes its first tag as a prefix
/// (`kyuubi_open_session`, `kyuubi_admin_list_sessions`, `livy_create`,
/// `bytehouse_list_databases`).
struct ProtocolOperationIds;

impl Modify for ProtocolOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/") && !path.starts_with("/livy/") && !path.starts_with("/bytehouse/") {
                continue;
            }
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                let tag = operation.tags.as_ref().and_then(|t| t.first()).map(|t| t.replace('-', "_"));
                if let (Some(tag), Some(id)) = (tag, operation.operation_id.as_mut()) {
                    *id = format!("{tag}_{id}");
                }
            }
        }
    }
}

/// The spec as pretty-printed JSON, ending with a newline.
pub fn spec_json() -> String {
    let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
