//! The OpenAPI document of the gateway, generated from the wire types and the
//! handlers' annotations. Served at `/openapi.json`, printed by
//! `sluicegate openapi`, and committed as `openapi/sluicegate.json` (a test
//! fails when the committed file is stale).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::api::flink::{handlers, model};
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
Every failure answers `{\"errors\": [...]}` (ErrorResponse) with a truthful status; an unknown path or method is 404.",
        license(name = "Apache-2.0")
    ),
    paths(
        handlers::api_versions, handlers::info,
        handlers::open_session, handlers::get_session, handlers::close_session, handlers::heartbeat,
        handlers::configure_session, handlers::complete_statement,
        handlers::execute_statement, handlers::operation_status, handlers::cancel_operation, handlers::close_operation,
        handlers::fetch_results, handlers::operation_log, handlers::deploy_script, handlers::refresh_materialized_table,
    ),
    components(schemas(
        model::ApiVersionsResponse, model::InfoResponse, model::OpenSessionRequest, model::OpenSessionResponse,
        model::SessionPropertiesResponse, model::StatusResponse, model::EmptyResponse, model::ConfigureSessionRequest,
        model::CompleteStatementRequest, model::CompleteStatementResponse, model::ExecuteStatementRequest,
        model::ExecuteStatementResponse, model::OperationStatusName, model::OperationStatusResponse, model::ResultType,
        model::ResultKind, model::RowFormat, model::ColumnInfo, model::RowKindName, model::RowData, model::ResultInfo,
        model::FetchResultsResponse, model::ErrorResponse, LogicalType, LogicalTypeField,
        model::DeployScriptRequest, model::DeployScriptResponse, model::OperationLogResponse, model::RefreshMaterializedTableRequest,
    )),
    modifiers(&Authentication),
    tags(
        (name = "info", description = "Versions and product"),
        (name = "sessions", description = "Sessions and their properties"),
        (name = "operations", description = "Statements, their status and their results"),
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
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", utoipa::openapi::ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorResponse"))).build())
                    .build(),
            )
        };
        let open = ["/api_versions", "/info"];
        for (path, item) in openapi.paths.paths.iter_mut() {
            if open.contains(&path.as_str()) {
                continue;
            }
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete].into_iter().flatten() {
                operation.security = Some(vec![SecurityRequirement::default(), SecurityRequirement::new("basic", Vec::<String>::new()), SecurityRequirement::new("bearer", Vec::<String>::new())]);
                operation.responses.responses.insert("401".into(), error("Missing, unusable, expired or wrong credentials (with `WWW-Authenticate`)"));
                operation.responses.responses.insert("403".into(), error("Impersonation refused"));
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
