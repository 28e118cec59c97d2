//! The metadata operations (`POST .../operations/{kind}`): each body becomes
//! a protocol-neutral [`MetadataRequest`] that runs as an operation of the
//! session, in order with its statements, and answers a JDBC-style result
//! set with Hive's column names.

use std::sync::Arc;

use uuid::Uuid;
use warp::reply::Response;
use warp::Rejection;

use super::model::*;
use super::Context;
use crate::api::http::{json_ok, reject};
use crate::engine::metadata::MetadataRequest;
use crate::error::GatewayError;
use crate::identity::User;

/// Empty strings mean "not given", as Kyuubi's clients send them.
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// `typeInfo`, `catalogs`, `tableTypes`: no arguments.
pub fn plain(kind: &'static str) -> MetadataRequest {
    match kind {
        "typeInfo" => MetadataRequest::TypeInfo,
        "catalogs" => MetadataRequest::Catalogs,
        _ => MetadataRequest::TableTypes,
    }
}

/// `schemas`.
pub fn schemas(body: GetSchemasRequest) -> MetadataRequest {
    MetadataRequest::Schemas { catalog: given(body.catalog_name), schema_pattern: given(body.schema_name) }
}

/// `tables`.
pub fn tables(body: GetTablesRequest) -> MetadataRequest {
    MetadataRequest::Tables {
        catalog: given(body.catalog_name),
        schema_pattern: given(body.schema_name),
        table_pattern: given(body.table_name),
        table_types: body.table_types.filter(|t| !t.is_empty()),
    }
}

/// `columns`.
pub fn columns(body: GetColumnsRequest) -> MetadataRequest {
    MetadataRequest::Columns {
        catalog: given(body.catalog_name),
        schema_pattern: given(body.schema_name),
        table_pattern: given(body.table_name),
        column_pattern: given(body.column_name),
    }
}

/// `functions`.
pub fn functions(body: GetFunctionsRequest) -> MetadataRequest {
    MetadataRequest::Functions { catalog: given(body.catalog_name), schema_pattern: given(body.schema_name), function_pattern: given(body.function_name) }
}

/// `primaryKeys`: the table is required.
pub fn primary_keys(body: GetPrimaryKeysRequest) -> Result<MetadataRequest, Rejection> {
    let table = given(body.table_name).ok_or_else(|| reject(GatewayError::NotFound("Error getting primary keys: tableName is required".into())))?;
    Ok(MetadataRequest::PrimaryKeys { catalog: given(body.catalog_name), schema: given(body.schema_name), table })
}

/// `crossReference`.
pub fn cross_reference(body: GetCrossReferenceRequest) -> MetadataRequest {
    MetadataRequest::CrossReference {
        primary_catalog: given(body.primary_catalog),
        primary_schema: given(body.primary_schema),
        primary_table: given(body.primary_table),
        foreign_catalog: given(body.foreign_catalog),
        foreign_schema: given(body.foreign_schema),
        foreign_table: given(body.foreign_table),
    }
}

/// Run `request` as an operation of the session; its handle.
async fn submit(handle: Uuid, ctx: Arc<Context>, user: User, request: MetadataRequest) -> Result<Response, Rejection> {
    let op = ctx.gw.submit_metadata(&user, handle, request).map_err(reject)?;
    Ok(json_ok(&OperationHandle { identifier: op.to_string() }))
}

macro_rules! metadata_route {
    ($name:ident, $path:literal, $what:literal) => {
        #[utoipa::path(post, path = concat!("/api/v1/sessions/{sessionHandle}/operations/", $path), tag = "kyuubi",
            params(("sessionHandle" = String, Path, description = "Session UUID")),
            responses((status = 200, description = concat!("An operation whose result set lists ", $what), body = OperationHandle),
                (status = 404, description = "Unknown session", body = KyuubiError)))]
        #[doc = concat!("`POST .../operations/", $path, "`: ", $what, ".")]
        pub async fn $name(handle: Uuid, ctx: Arc<Context>, user: User) -> Result<Response, Rejection> {
            submit(handle, ctx, user, plain($path)).await
        }
    };
    ($name:ident, $path:literal, $what:literal, $body:ty, $convert:expr) => {
        #[utoipa::path(post, path = concat!("/api/v1/sessions/{sessionHandle}/operations/", $path), tag = "kyuubi",
            params(("sessionHandle" = String, Path, description = "Session UUID")),
            request_body(content = $body, content_type = "application/json"),
            responses((status = 200, description = concat!("An operation whose result set lists ", $what), body = OperationHandle),
                (status = 400, description = "Malformed body", body = KyuubiError),
                (status = 404, description = "Unknown session, or a required argument missing", body = KyuubiError)))]
        #[doc = concat!("`POST .../operations/", $path, "`: ", $what, ".")]
        pub async fn $name(handle: Uuid, ctx: Arc<Context>, user: User, body: $body) -> Result<Response, Rejection> {
            let convert: fn($body) -> Result<MetadataRequest, Rejection> = $convert;
            submit(handle, ctx, user, convert(body)?).await
        }
    };
}

metadata_route!(type_info, "typeInfo", "the types the gateway produces (JDBC getTypeInfo)");
metadata_route!(catalogs, "catalogs", "the catalogs (TABLE_CAT)");
metadata_route!(table_types, "tableTypes", "TABLE and VIEW (TABLE_TYPE)");
metadata_route!(get_schemas, "schemas", "the databases (TABLE_SCHEM, TABLE_CATALOG)", GetSchemasRequest, |b| Ok(schemas(b)));
metadata_route!(get_tables, "tables", "tables and views (JDBC getTables columns)", GetTablesRequest, |b| Ok(tables(b)));
metadata_route!(get_columns, "columns", "columns with java.sql.Types (JDBC getColumns columns)", GetColumnsRequest, |b| Ok(columns(b)));
metadata_route!(get_functions, "functions", "the functions the session knows (JDBC getFunctions columns)", GetFunctionsRequest, |b| Ok(functions(b)));
metadata_route!(get_primary_keys, "primaryKeys", "a table's primary key columns (JDBC getPrimaryKeys columns)", GetPrimaryKeysRequest, primary_keys);
metadata_route!(get_cross_reference, "crossReference", "foreign keys between two tables (none: Flink has none)", GetCrossReferenceRequest, |b| Ok(cross_reference(b)));
