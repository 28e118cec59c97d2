//! The OpenAPI description of every ByteHouse-style route, one annotated
//! stub per operation (the handlers are plain warp handlers with extra
//! filter arguments). Every route also answers 401 (missing or unusable
//! credentials) and, for its path and query, 400/404/405 as the envelope.

#![allow(missing_docs)]

use super::model::*;

const QS: &str = "Picks the caller's query session (gateway session): DDL, `USE` and queries of one id see each other; absent: the caller's default session";

const ROLE: &str = "The one role the request acts with (one the caller holds; an AccountAdmin may take any); absent: all the caller's roles. A role not held is 403";

macro_rules! doc_stub {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        pub fn $name() {}
    };
}

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases", tag = "bytehouse", operation_id = "list_databases",
    params(("filter" = Option<String>, Query, description = "Case-insensitive substring of the name"), ("offset" = Option<u64>, Query, description = "Items to skip (default 0)"),
        ("limit" = Option<u64>, Query, description = "Most items (default 100; larger values are clamped to 100)"), ("X-QuerySession-ID" = Option<String>, Header, description = QS),
        ("X-User-ActiveRole" = Option<String>, Header, description = ROLE)),
    responses((status = 200, description = "A page of the databases of the session's current catalog", body = DatabaseListResponse),
        (status = 400, description = "A negative or non-integer offset or limit", body = BytehouseError)))] list_databases);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/databases", tag = "bytehouse", operation_id = "create_database",
    params(("X-QuerySession-ID" = Option<String>, Header, description = QS)), request_body(content = CreateDatabaseRequest, content_type = "application/json"),
    responses((status = 200, description = "The database (CREATE DATABASE)", body = DatabaseResponse), (status = 400, description = "Bad JSON, no name", body = BytehouseError),
        (status = 409, description = "`DATABASE_EXISTS`", body = BytehouseError)))] create_database);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases/{db}", tag = "bytehouse", operation_id = "get_database",
    params(("db" = String, Path, description = "Database name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "The database", body = DatabaseResponse), (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError)))] get_database);

doc_stub!(#[utoipa::path(delete, path = "/bytehouse/v1/databases/{db}", tag = "bytehouse", operation_id = "delete_database",
    params(("db" = String, Path, description = "Database name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "Dropped (DROP DATABASE)", body = SuccessResponse), (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError),
        (status = 409, description = "`DATABASE_NOT_EMPTY` (it holds tables or views) or `DATABASE_IN_USE` (the session's current database)", body = BytehouseError)))] delete_database);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases/{db}/tables", tag = "bytehouse", operation_id = "list_tables",
    params(("db" = String, Path, description = "Database name"), ("filter" = Option<String>, Query, description = "Case-insensitive substring of the name"),
        ("offset" = Option<u64>, Query, description = "Items to skip"), ("limit" = Option<u64>, Query, description = "Most items (default and most 100)"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "A page of its tables (no views)", body = TableListResponse), (status = 400, description = "Bad offset or limit", body = BytehouseError),
        (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError)))] list_tables);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases/{db}/tables-and-views", tag = "bytehouse", operation_id = "list_tables_and_views",
    params(("db" = String, Path, description = "Database name"), ("filter" = Option<String>, Query, description = "Case-insensitive substring of the name"),
        ("offset" = Option<u64>, Query, description = "Items to skip"), ("limit" = Option<u64>, Query, description = "Most items (default and most 100)"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "A page of its tables, views and materialized tables", body = TableListResponse), (status = 400, description = "Bad offset or limit", body = BytehouseError),
        (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError)))] list_tables_and_views);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/databases/{db}/tables", tag = "bytehouse", operation_id = "create_table",
    params(("db" = String, Path, description = "Database name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    request_body(content = CreateTableRequest, content_type = "application/json"),
    responses((status = 200, description = "The table, created with Flink DDL (an in-memory table); keys and values with no engine meaning are stored and shown", body = TableResponse),
        (status = 400, description = "Bad JSON, no name or columns, `UNKNOWN_TYPE` (names the type), a key naming no column", body = BytehouseError),
        (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError), (status = 409, description = "`TABLE_EXISTS`", body = BytehouseError)))] create_table);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases/{db}/tables/{table}", tag = "bytehouse", operation_id = "get_table",
    params(("db" = String, Path, description = "Database name"), ("table" = String, Path, description = "Table or view name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "The table: columns with ByteHouse and Flink types, keys, description, row count when free", body = TableResponse),
        (status = 404, description = "`DATABASE_NOT_FOUND`, `TABLE_NOT_FOUND`", body = BytehouseError)))] get_table);

doc_stub!(#[utoipa::path(patch, path = "/bytehouse/v1/databases/{db}/tables/{table}", tag = "bytehouse", operation_id = "update_table",
    params(("db" = String, Path, description = "Database name"), ("table" = String, Path, description = "Table name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    request_body(content = UpdateTableRequest, content_type = "application/json"),
    responses((status = 200, description = "Description and TTL stored", body = SuccessResponse), (status = 400, description = "Bad JSON", body = BytehouseError),
        (status = 404, description = "`TABLE_NOT_FOUND`", body = BytehouseError),
        (status = 501, description = "`NOT_IMPLEMENTED`: column changes (the engine has no ALTER TABLE ... ADD/DROP/MODIFY/RENAME COLUMN)", body = BytehouseError)))] update_table);

doc_stub!(#[utoipa::path(delete, path = "/bytehouse/v1/databases/{db}/tables/{table}", tag = "bytehouse", operation_id = "delete_table",
    params(("db" = String, Path, description = "Database name"), ("table" = String, Path, description = "Table or view name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "Dropped (DROP TABLE, VIEW or MATERIALIZED TABLE) with its stored properties", body = SuccessResponse),
        (status = 404, description = "`TABLE_NOT_FOUND`", body = BytehouseError)))] delete_table);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases/{db}/materialized-views", tag = "bytehouse", operation_id = "list_materialized_views",
    params(("db" = String, Path, description = "Database name"), ("filter" = Option<String>, Query, description = "Case-insensitive substring of the name"),
        ("offset" = Option<u64>, Query, description = "Items to skip"), ("limit" = Option<u64>, Query, description = "Most items (default and most 100)"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "A page of its Flink views (`VIEW`) and materialized tables (`MATERIALIZED_VIEW`)", body = TableListResponse),
        (status = 400, description = "Bad offset or limit", body = BytehouseError), (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError)))] list_materialized_views);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/databases/{db}/materialized-views/{mv}", tag = "bytehouse", operation_id = "get_materialized_view",
    params(("db" = String, Path, description = "Database name"), ("mv" = String, Path, description = "View or materialized table name"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "The view (with its defining query) or materialized table", body = TableResponse),
        (status = 404, description = "`TABLE_NOT_FOUND` (also for a plain table)", body = BytehouseError)))] get_materialized_view);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/queries/sync", tag = "bytehouse", operation_id = "query_sync",
    params(("X-QuerySession-ID" = Option<String>, Header, description = QS), ("X-User-ActiveRole" = Option<String>, Header, description = ROLE)), request_body(content = QueryRequest, content_type = "application/json"),
    responses((status = 200, description = "The last statement's rows (`async: false`), or, still running after `asyncModeSwitchAfterInSec`, its id and state (`async: true`)", body = QueryResponse),
        (status = 400, description = "No query, bad mode, bad JSON; `QUERY_FAILED` (a statement failed)", body = BytehouseError),
        (status = 403, description = "`FORBIDDEN`: the caller's role lacks a permission the statement needs, or does not hold X-User-ActiveRole", body = BytehouseError),
        (status = 404, description = "`VW_NOT_FOUND`: vwID names no virtual warehouse", body = BytehouseError),
        (status = 409, description = "`QUERY_ID_TAKEN` (queryID of a running query), `QUERY_CANCELLED` (aborted or killed meanwhile)", body = BytehouseError),
        (status = 429, description = "`LIMIT_EXCEEDED`: a new X-QuerySession-ID beyond sluicegate.bytehouse.max-query-sessions-per-user", body = BytehouseError)))] query_sync);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/queries/sync/abort", tag = "bytehouse", operation_id = "abort_sync_query",
    params(("X-QuerySession-ID" = Option<String>, Header, description = "The query session whose running sync query is cancelled")),
    responses((status = 200, description = "The query's state afterwards", body = QueryStatusResponse),
        (status = 404, description = "`QUERY_NOT_FOUND`: no sync query runs in that query session", body = BytehouseError)))] abort_sync_query);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/queries/sync/{id}/kill", tag = "bytehouse", operation_id = "kill_sync_query",
    params(("id" = String, Path, description = "Query id")),
    responses((status = 200, description = "The query's state afterwards (a query that ended stays as it ended)", body = QueryStatusResponse),
        (status = 404, description = "`QUERY_NOT_FOUND`", body = BytehouseError)))] kill_sync_query);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/queries/async", tag = "bytehouse", operation_id = "query_async",
    params(("X-QuerySession-ID" = Option<String>, Header, description = QS)), request_body(content = QueryRequest, content_type = "application/json"),
    responses((status = 200, description = "The query's id and state (leading statements already ran)", body = QueryStatusResponse),
        (status = 400, description = "No query, bad mode, bad JSON; `QUERY_FAILED` (a leading statement failed)", body = BytehouseError),
        (status = 404, description = "`VW_NOT_FOUND`: vwID names no virtual warehouse", body = BytehouseError),
        (status = 409, description = "`QUERY_ID_TAKEN`", body = BytehouseError)))] query_async);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/queries/{id}/status", tag = "bytehouse", operation_id = "query_status",
    params(("id" = String, Path, description = "Query id")),
    responses((status = 200, description = "State, times, rows, error", body = QueryStatusResponse), (status = 404, description = "`QUERY_NOT_FOUND` (also once its result expired)", body = BytehouseError)))] query_status);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/queries/{id}/results", tag = "bytehouse", operation_id = "query_results",
    params(("id" = String, Path, description = "Query id"), ("maxRowsReturn" = Option<u64>, Query, description = "Most rows (0 or absent: all there are, waiting at most 10 s for a running query)"),
        ("token" = Option<u64>, Query, description = "Where to continue (a `nextToken`; alias `nextToken`); absent: where the last answer ended")),
    responses((status = 200, description = "Rows from the token on, and the next token (null at the end)", body = QueryResponse),
        (status = 400, description = "Non-integer maxRowsReturn or token; `QUERY_FAILED`", body = BytehouseError), (status = 404, description = "`QUERY_NOT_FOUND`, `TOKEN_AHEAD`", body = BytehouseError),
        (status = 409, description = "`QUERY_CANCELLED`", body = BytehouseError), (status = 410, description = "`TOKEN_GONE`: those rows were answered already", body = BytehouseError)))] query_results);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/queries/{id}/kill", tag = "bytehouse", operation_id = "kill_query",
    params(("id" = String, Path, description = "Query id")),
    responses((status = 200, description = "The query's state afterwards", body = QueryStatusResponse), (status = 404, description = "`QUERY_NOT_FOUND`", body = BytehouseError)))] kill_query);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/queries/check-tables", tag = "bytehouse", operation_id = "check_tables",
    params(("X-QuerySession-ID" = Option<String>, Header, description = QS)), request_body(content = CheckTablesRequest, content_type = "application/json"),
    responses((status = 200, description = "Tables, views and materialized tables the query reads (from its logical plan; it is not run)", body = CheckTablesResponse),
        (status = 400, description = "No query, not a query, planning failed", body = BytehouseError)))] check_tables);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/queries/dialects", tag = "bytehouse", operation_id = "dialects",
    responses((status = 200, description = "`ansi_sql` and `flink_sql`", body = DialectListResponse)))] dialects);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/statistics/queries/{id}", tag = "bytehouse", operation_id = "query_statistic",
    params(("id" = String, Path, description = "Query id")),
    responses((status = 200, description = "Rows and bytes produced and answered, times", body = QueryStatisticResponse), (status = 404, description = "`QUERY_NOT_FOUND`", body = BytehouseError)))] query_statistic);

/// One 501 route per data-loading resource, as documentation.
macro_rules! unoffered {
    ($($name:ident: $method:ident $path:literal;)*) => {
        $(doc_stub!(#[utoipa::path($method, path = $path, tag = "bytehouse", operation_id = stringify!($name),
            responses((status = 501, description = "`NOT_IMPLEMENTED`: data loading and metadata subscription are not offered (every method and sub-path)", body = BytehouseError)))] $name);)*
    };
}


/// The 501 routes of one data-loading resource, named by its id.
macro_rules! unoffered_by_id {
    ($($name:ident: $method:ident $path:literal;)*) => {
        $(doc_stub!(#[utoipa::path($method, path = $path, tag = "bytehouse", operation_id = stringify!($name),
            params(("id" = String, Path, description = "The resource id")),
            responses((status = 501, description = "`NOT_IMPLEMENTED`: data loading and metadata subscription are not offered (every method and sub-path)", body = BytehouseError)))] $name);)*
    };
}

unoffered! {
    subscribe_metadata: post "/bytehouse/v1/metadata/subscription";
    unsubscribe_metadata: delete "/bytehouse/v1/metadata/subscription";
    create_connection: post "/bytehouse/v1/connections";
    list_connections: get "/bytehouse/v1/connections";
    create_import_job: post "/bytehouse/v1/import-jobs";
    list_import_jobs: get "/bytehouse/v1/import-jobs";
    list_executions: get "/bytehouse/v1/executions";
}

unoffered_by_id! {
    update_connection: put "/bytehouse/v1/connections/{id}";
    delete_connection: delete "/bytehouse/v1/connections/{id}";
    get_masked_connection: get "/bytehouse/v1/connections/{id}/masked";
    get_import_job: get "/bytehouse/v1/import-jobs/{id}";
    update_import_job: put "/bytehouse/v1/import-jobs/{id}";
    delete_import_job: delete "/bytehouse/v1/import-jobs/{id}";
    rename_import_job: patch "/bytehouse/v1/import-jobs/{id}/name";
    describe_import_job: patch "/bytehouse/v1/import-jobs/{id}/description";
    import_job_start_arguments: get "/bytehouse/v1/import-jobs/{id}/start-arguments";
    start_import_job: post "/bytehouse/v1/import-jobs/{id}/start";
    stop_import_job: post "/bytehouse/v1/import-jobs/{id}/stop";
    list_job_executions: get "/bytehouse/v1/import-jobs/{id}/executions";
    get_execution: get "/bytehouse/v1/executions/{id}";
    execution_logs: get "/bytehouse/v1/executions/{id}/logs";
    kafka_status: get "/bytehouse/v1/executions/{id}/kafka-status";
}

use super::iam_model::*;

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/iam/api-keys", tag = "bytehouse", operation_id = "create_api_key",
    request_body(content = CreateApiKeyRequest, content_type = "application/json"),
    responses((status = 200, description = "A key for the caller; `key` is shown only in this answer", body = CreatedApiKeyResponse),
        (status = 400, description = "expiryInDays outside 1..3650, a comment over 256 characters", body = BytehouseError),
        (status = 409, description = "`CONFLICT`: the caller holds sluicegate.iam.max-keys-per-user keys already", body = BytehouseError)))] create_api_key);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/iam/api-keys", tag = "bytehouse", operation_id = "list_api_keys",
    responses((status = 200, description = "The caller's keys (everyone's for an AccountAdmin), never their secrets", body = ApiKeyListResponse)))] list_api_keys);

doc_stub!(#[utoipa::path(delete, path = "/bytehouse/v1/iam/api-keys/{api_key_id}", tag = "bytehouse", operation_id = "delete_api_key",
    params(("api_key_id" = String, Path, description = "The key's id")),
    responses((status = 200, description = "Deleted: the key is refused from now on", body = SuccessResponse),
        (status = 404, description = "No such key of the caller's", body = BytehouseError)))] delete_api_key);

doc_stub!(#[utoipa::path(patch, path = "/bytehouse/v1/iam/api-keys/{api_key_id}/status", tag = "bytehouse", operation_id = "set_api_key_status",
    params(("api_key_id" = String, Path, description = "The key's id")), request_body(content = ApiKeyStatusRequest, content_type = "application/json"),
    responses((status = 200, description = "The key after the change", body = ApiKeyResponse), (status = 400, description = "status is not ENABLED or DISABLED", body = BytehouseError),
        (status = 404, description = "No such key of the caller's", body = BytehouseError)))] set_api_key_status);

doc_stub!(#[utoipa::path(patch, path = "/bytehouse/v1/iam/api-keys/{api_key_id}/expiry", tag = "bytehouse", operation_id = "extend_api_key",
    params(("api_key_id" = String, Path, description = "The key's id")), request_body(content = ApiKeyExpiryRequest, content_type = "application/json"),
    responses((status = 200, description = "The key with its later expiry", body = ApiKeyResponse),
        (status = 400, description = "addExpiryInDays outside 1..3650, or the key never expires", body = BytehouseError),
        (status = 404, description = "No such key of the caller's", body = BytehouseError)))] extend_api_key);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/iam/roles", tag = "bytehouse", operation_id = "list_roles",
    params(("filter" = Option<String>, Query, description = "Case-insensitive substring of the name"), ("offset" = Option<u64>, Query, description = "Items to skip"),
        ("limit" = Option<u64>, Query, description = "Most items (default and most 100)")),
    responses((status = 200, description = "The built-in roles, then the roles grants define", body = RoleListResponse)))] list_roles);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/iam/role-assignments", tag = "bytehouse", operation_id = "list_role_assignments",
    params(("UserID" = Option<String>, Query, description = "A user number or name; absent: everyone's (AccountAdmin) or the caller's")),
    responses((status = 200, description = "Assignments", body = AssignmentListResponse), (status = 403, description = "Another user's, asked by a non-admin", body = BytehouseError),
        (status = 404, description = "`USER_NOT_FOUND`", body = BytehouseError)))] list_role_assignments);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/iam/role-assignments", tag = "bytehouse", operation_id = "assign_role",
    request_body(content = AssignmentRequest, content_type = "application/json"),
    responses((status = 200, description = "Assigned (AccountAdmin only)", body = AssignmentResponse), (status = 403, description = "The caller is not an AccountAdmin", body = BytehouseError),
        (status = 404, description = "`USER_NOT_FOUND` (an unknown number) or `NOT_FOUND` (an unknown role)", body = BytehouseError)))] assign_role);

doc_stub!(#[utoipa::path(delete, path = "/bytehouse/v1/iam/role-assignments", tag = "bytehouse", operation_id = "unassign_role",
    request_body(content = AssignmentRequest, content_type = "application/json"),
    responses((status = 200, description = "Un-assigned (AccountAdmin only)", body = AssignmentResponse), (status = 403, description = "The caller is not an AccountAdmin", body = BytehouseError),
        (status = 404, description = "`ASSIGNMENT_NOT_FOUND`", body = BytehouseError)))] unassign_role);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/iam/permissions/grant", tag = "bytehouse", operation_id = "grant_permission",
    request_body(content = PermissionRequest, content_type = "application/json"),
    responses((status = 200, description = "Granted (AccountAdmin only); granting to a new role name defines that role", body = PermissionResponse),
        (status = 400, description = "An unknown object type or action, a missing resource", body = BytehouseError), (status = 403, description = "The caller is not an AccountAdmin", body = BytehouseError)))] grant_permission);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/iam/permissions/revoke", tag = "bytehouse", operation_id = "revoke_permission",
    request_body(content = PermissionRequest, content_type = "application/json"),
    responses((status = 200, description = "Revoked (AccountAdmin only)", body = SuccessResponse), (status = 403, description = "The caller is not an AccountAdmin", body = BytehouseError),
        (status = 404, description = "`PERMISSION_NOT_FOUND`", body = BytehouseError)))] revoke_permission);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/iam/permissions", tag = "bytehouse", operation_id = "list_permissions",
    params(("RoleName" = Option<String>, Query, description = "Only this role's"), ("ByteHouseResourceID" = Option<String>, Query, description = "Only on this resource (`catalog.database`, a catalog, `*`)"),
        ("SecureObjectTypeName" = Option<String>, Query, description = "Only of this type (Account, Catalog, Database)")),
    responses((status = 200, description = "Granted permissions (built-in roles' own are described in /iam/roles)", body = PermissionListResponse)))] list_permissions);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/account/status", tag = "bytehouse", operation_id = "account_status",
    params(("X-User-ActiveRole" = Option<String>, Header, description = ROLE)),
    responses((status = 200, description = "The account and the caller's roles", body = AccountStatusResponse)))] account_status);

use super::warehouse_model::*;

const VW: &str = "The warehouse's name or its `vw-<number>-<name>` id";

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/virtual-warehouses", tag = "bytehouse", operation_id = "list_virtual_warehouses",
    params(("offset" = Option<u64>, Query, description = "Items to skip (default 0)"), ("limit" = Option<u64>, Query, description = "Most items (default 10; larger than 100 is clamped to 100)")),
    responses((status = 200, description = "A page of the virtual warehouses (engine pools), with their load now", body = WarehouseListResponse)))] list_virtual_warehouses);

doc_stub!(#[utoipa::path(post, path = "/bytehouse/v1/virtual-warehouses", tag = "bytehouse", operation_id = "create_virtual_warehouse",
    request_body(content = CreateWarehouseRequest, content_type = "application/json"),
    responses((status = 200, description = "Created: its name and `vwID`", body = CreatedWarehouse),
        (status = 400, description = "No or a malformed name, an unknown configID, a bad status or autoSuspend", body = BytehouseError),
        (status = 403, description = "`FORBIDDEN`: the caller's role has no CREATE on the account", body = BytehouseError),
        (status = 409, description = "`CONFLICT`: a warehouse of that name exists", body = BytehouseError)))] create_virtual_warehouse);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/virtual-warehouses/{name}", tag = "bytehouse", operation_id = "get_virtual_warehouse",
    params(("name" = String, Path, description = VW)),
    responses((status = 200, description = "The warehouse's fields, flat beside `message` and `error`", body = WarehouseResponse),
        (status = 404, description = "`VW_NOT_FOUND`", body = BytehouseError)))] get_virtual_warehouse);

doc_stub!(#[utoipa::path(patch, path = "/bytehouse/v1/virtual-warehouses/{name}", tag = "bytehouse", operation_id = "update_virtual_warehouse",
    params(("name" = String, Path, description = VW)), request_body(content = UpdateWarehouseRequest, content_type = "application/json"),
    responses((status = 200, description = "Changed; a new configID applies to queries admitted from now on", body = SuccessResponse),
        (status = 400, description = "An unknown configID, a bad status or autoSuspend", body = BytehouseError),
        (status = 403, description = "`FORBIDDEN`: the caller's role has no ALTER on the account", body = BytehouseError),
        (status = 404, description = "`VW_NOT_FOUND`", body = BytehouseError)))] update_virtual_warehouse);

doc_stub!(#[utoipa::path(delete, path = "/bytehouse/v1/virtual-warehouses/{name}", tag = "bytehouse", operation_id = "delete_virtual_warehouse",
    params(("name" = String, Path, description = VW)),
    responses((status = 200, description = "Deleted", body = SuccessResponse),
        (status = 403, description = "`FORBIDDEN`: the caller's role has no DROP on the account", body = BytehouseError),
        (status = 404, description = "`VW_NOT_FOUND`", body = BytehouseError),
        (status = 409, description = "`CONFLICT`: queries run or wait on it", body = BytehouseError)))] delete_virtual_warehouse);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/virtual-warehouse-configs", tag = "bytehouse", operation_id = "list_virtual_warehouse_configs",
    params(("offset" = Option<u64>, Query, description = "Items to skip (default 0)"), ("limit" = Option<u64>, Query, description = "Most items (default 10; larger than 100 is clamped to 100)")),
    responses((status = 200, description = "The size presets (built-in 1-4 and sluicegate.vw.config.<id>)", body = WarehouseConfigListResponse)))] list_virtual_warehouse_configs);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/usage/virtual-warehouses", tag = "bytehouse", operation_id = "virtual_warehouse_usage",
    params(("startTime" = Option<String>, Query, description = "RFC 3339; default a day before endTime"), ("endTime" = Option<String>, Query, description = "RFC 3339, exclusive; default now"),
        ("vwName" = Option<String>, Query, description = "Only this warehouse")),
    responses((status = 200, description = "Busy time per warehouse and minute (booked as queries end)", body = WarehouseUsageResponse),
        (status = 400, description = "A time that is not RFC 3339, startTime after endTime", body = BytehouseError)))] virtual_warehouse_usage);

doc_stub!(#[utoipa::path(get, path = "/bytehouse/v1/usage/storage", tag = "bytehouse", operation_id = "storage_usage",
    params(("startTime" = Option<String>, Query, description = "RFC 3339; echoed (storage is measured now)"), ("endTime" = Option<String>, Query, description = "RFC 3339; echoed"),
        ("dbName" = Option<String>, Query, description = "Only this database"), ("X-QuerySession-ID" = Option<String>, Header, description = QS)),
    responses((status = 200, description = "Bytes on disk per database of the session's current catalog", body = StorageResponse),
        (status = 400, description = "A time that is not RFC 3339", body = BytehouseError),
        (status = 404, description = "`DATABASE_NOT_FOUND`", body = BytehouseError)))] storage_usage);
