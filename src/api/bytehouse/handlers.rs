//! Databases, tables, views: read from the query session's catalog, changed
//! through Flink DDL statements of that session (the engine's one DDL
//! path). Values with no engine meaning (descriptions, ordering and
//! sampling keys, TTLs, declared ByteHouse types, defaults) are kept by the
//! gateway's table properties.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Rejection;

use super::filters::{Caller, Listing};
use super::model::*;
use super::rejection::{bad_request, not_found, not_implemented, refuse};
use super::types;
use super::Context;
use crate::api::http::{json_ok, reject};
use crate::engine::dialect::{quote_ident as quote, quote_literal as literal, ColumnKind};
use crate::engine::listing::{Relation, RelationKind};
use crate::gateway_properties::DATABASE;

type Reply = Result<Response, Rejection>;

/// Property keys of the stored values.
pub mod keys {
    /// The description.
    pub const DESCRIPTION: &str = "description";
    /// ORDER BY keys (JSON array).
    pub const ORDER_BY: &str = "orderByKeys";
    /// The sampling key.
    pub const SAMPLING: &str = "samplingKey";
    /// The TTL (JSON).
    pub const TTL: &str = "ttl";
    /// The unique key (JSON).
    pub const UNIQUE: &str = "uniqueKey";
    /// The cluster key (JSON).
    pub const CLUSTER: &str = "clusterKey";
    /// Partition keys with granularity and expression (JSON array).
    pub const PARTITIONS: &str = "partitionKeys";
    /// `column.<name>.type`: the declared ByteHouse type.
    pub fn column_type(name: &str) -> String {
        format!("column.{name}.type")
    }
    /// `column.<name>.default`: the declared default.
    pub fn column_default(name: &str) -> String {
        format!("column.{name}.default")
    }
}

/// A name from a body: present, not blank, at most 256 characters.
fn required_name(name: Option<String>, what: &str) -> Result<String, Rejection> {
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| bad_request(format!("{what} is required.")))?;
    if name.chars().count() > 256 {
        return Err(bad_request(format!("{what} is longer than 256 characters.")));
    }
    Ok(name)
}

fn kind_name(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Table => "TABLE",
        RelationKind::View => "VIEW",
        RelationKind::MaterializedTable => "MATERIALIZED_VIEW",
    }
}

/// The query session's gateway session and its current catalog.
fn session_of(ctx: &Context, caller: &Caller) -> Result<(uuid::Uuid, String), Rejection> {
    let session = ctx.registry.session(&ctx.gw, &caller.user, &caller.query_session).map_err(reject)?;
    let (catalog, _) = ctx.gw.current_database(&caller.user, session).map_err(reject)?;
    Ok((session, catalog))
}

/// The relations of `db`, or 404.
async fn relations_of(ctx: &Context, caller: &Caller, session: uuid::Uuid, catalog: &str, db: &str) -> Result<Vec<Relation>, Rejection> {
    ctx.gw
        .relations(&caller.user, session, catalog, db)
        .await
        .map_err(reject)?
        .ok_or_else(|| not_found("DATABASE_NOT_FOUND", format!("Database {db} does not exist.")))
}

async fn database_view(ctx: &Context, caller: &Caller, session: uuid::Uuid, catalog: &str, db: &str) -> Result<DatabaseView, Rejection> {
    let relations = relations_of(ctx, caller, session, catalog, db).await?;
    let props = ctx.gw.table_properties(&(catalog.to_string(), db.to_string(), DATABASE.to_string()));
    Ok(DatabaseView { name: db.to_string(), catalog: catalog.to_string(), description: props.get(keys::DESCRIPTION).cloned(), table_count: relations.len() })
}

/// `GET /databases`.
pub async fn list_databases(listing: Listing, ctx: Arc<Context>, caller: Caller) -> Reply {
    let (session, _) = session_of(&ctx, &caller)?;
    let (catalog, names) = ctx.gw.databases(&caller.user, session).map_err(reject)?;
    let (page, meta) = listing.page(names, |n| n.as_str());
    let mut views = Vec::with_capacity(page.len());
    for db in page {
        views.push(database_view(&ctx, &caller, session, &catalog, &db).await?);
    }
    Ok(json_ok(&DatabaseListResponse::new(views, meta)))
}

/// `POST /databases`.
pub async fn create_database(ctx: Arc<Context>, caller: Caller, body: CreateDatabaseRequest) -> Reply {
    let name = required_name(body.name, "name")?;
    let (session, catalog) = session_of(&ctx, &caller)?;
    let (_, existing) = ctx.gw.databases(&caller.user, session).map_err(reject)?;
    if existing.contains(&name) {
        return Err(refuse(StatusCode::CONFLICT, "DATABASE_EXISTS", format!("Database {name} already exists.")));
    }
    let mut ddl = format!("CREATE DATABASE {}", quote(&name));
    if let Some(description) = &body.description {
        ddl.push_str(&format!(" COMMENT {}", literal(description)));
    }
    ctx.gw.configure_session(&caller.user, session, ddl, None).await.map_err(reject)?;
    let mut props = BTreeMap::new();
    if let Some(description) = body.description {
        props.insert(keys::DESCRIPTION.to_string(), description);
    }
    ctx.gw.set_table_properties(&caller.user, (catalog.clone(), name.clone(), DATABASE.to_string()), props).await.map_err(reject)?;
    Ok(json_ok(&DatabaseResponse::new(database_view(&ctx, &caller, session, &catalog, &name).await?)))
}

/// `GET /databases/{db}`.
pub async fn get_database(db: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let (session, catalog) = session_of(&ctx, &caller)?;
    Ok(json_ok(&DatabaseResponse::new(database_view(&ctx, &caller, session, &catalog, &db).await?)))
}

/// `DELETE /databases/{db}`: refused (409) while it holds tables or is the session's current database.
pub async fn delete_database(db: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let (session, catalog) = session_of(&ctx, &caller)?;
    let relations = relations_of(&ctx, &caller, session, &catalog, &db).await?;
    if !relations.is_empty() {
        let names: Vec<&str> = relations.iter().take(5).map(|r| r.key.2.as_str()).collect();
        return Err(refuse(StatusCode::CONFLICT, "DATABASE_NOT_EMPTY", format!("Database {db} still holds {} table(s) ({}): delete them first.", relations.len(), names.join(", "))));
    }
    if ctx.gw.current_database(&caller.user, session).map_err(reject)? == (catalog.clone(), db.clone()) {
        return Err(refuse(StatusCode::CONFLICT, "DATABASE_IN_USE", format!("Database {db} is the current database of the query session: USE another one first.")));
    }
    ctx.gw.configure_session(&caller.user, session, format!("DROP DATABASE {}", quote(&db)), None).await.map_err(reject)?;
    Ok(json_ok(&SuccessResponse::new()))
}

fn summary(ctx: &Context, relation: &Relation) -> TableSummary {
    let props = ctx.gw.table_properties(&relation.key);
    TableSummary {
        name: relation.key.2.clone(),
        database: relation.key.1.clone(),
        kind: kind_name(relation.kind).to_string(),
        description: description(relation, &props),
        column_count: relation.schema.fields().len(),
        row_count: relation.row_count,
    }
}

fn description(relation: &Relation, props: &BTreeMap<String, String>) -> Option<String> {
    props.get(keys::DESCRIPTION).cloned().or_else(|| relation.ddl.as_ref().and_then(|d| d.comment.clone()))
}

/// Which relations a listing shows.
#[derive(Debug, Clone, Copy)]
pub enum Shown {
    /// `/tables`: tables only.
    Tables,
    /// `/tables-and-views`: everything.
    All,
    /// `/materialized-views`: views and materialized tables.
    Views,
}

impl Shown {
    fn shows(self, kind: RelationKind) -> bool {
        match self {
            Shown::Tables => kind == RelationKind::Table,
            Shown::All => true,
            Shown::Views => kind != RelationKind::Table,
        }
    }
}

/// `GET /databases/{db}/tables`, `/tables-and-views`, `/materialized-views`.
pub async fn list_relations(db: String, shown: Shown, listing: Listing, ctx: Arc<Context>, caller: Caller) -> Reply {
    let (session, catalog) = session_of(&ctx, &caller)?;
    let relations: Vec<Relation> = relations_of(&ctx, &caller, session, &catalog, &db).await?.into_iter().filter(|r| shown.shows(r.kind)).collect();
    let (page, meta) = listing.page(relations, |r| r.key.2.as_str());
    Ok(json_ok(&TableListResponse::new(page.iter().map(|r| summary(&ctx, r)).collect(), meta)))
}

/// The relation `db.name`, or 404 (`TABLE_NOT_FOUND`, `DATABASE_NOT_FOUND`).
async fn relation(ctx: &Context, caller: &Caller, db: &str, name: &str) -> Result<(uuid::Uuid, Relation), Rejection> {
    let (session, catalog) = session_of(ctx, caller)?;
    relations_of(ctx, caller, session, &catalog, db).await?;
    let key = (catalog, db.to_string(), name.to_string());
    match ctx.gw.relation(&caller.user, session, &key).await.map_err(reject)? {
        Some(relation) => Ok((session, relation)),
        None => Err(not_found("TABLE_NOT_FOUND", format!("Table {db}.{name} does not exist."))),
    }
}

fn json_prop(props: &BTreeMap<String, String>, key: &str) -> Option<Value> {
    props.get(key).and_then(|text| serde_json::from_str(text).ok())
}

fn table_view(ctx: &Context, relation: &Relation) -> TableView {
    let props = ctx.gw.table_properties(&relation.key);
    let ddl = relation.ddl.as_ref();
    let columns = relation
        .schema
        .fields()
        .iter()
        .map(|field| {
            let declared = ddl.and_then(|d| d.columns.iter().find(|c| &c.name == field.name()));
            let flink_type = match declared.map(|c| &c.kind) {
                Some(ColumnKind::Physical(ty)) | Some(ColumnKind::Metadata { ty, .. }) => ty.sql().trim_end_matches(" NOT NULL").to_string(),
                _ => crate::engine::dialect::flink_type_of(field.data_type()),
            };
            ColumnView {
                name: field.name().clone(),
                bytehouse_type: props.get(&keys::column_type(field.name())).cloned().unwrap_or_else(|| types::from_arrow(field.data_type(), field.is_nullable())),
                flink_type,
                nullable: field.is_nullable(),
                default_value: props.get(&keys::column_default(field.name())).cloned(),
                comment: declared.and_then(|c| c.comment.clone()),
            }
        })
        .collect();
    let stored: Vec<PartitionKey> = json_prop(&props, keys::PARTITIONS).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let partition_keys = ddl
        .map(|d| d.partitioned_by.iter().map(|c| stored.iter().find(|p| &p.column == c).cloned().unwrap_or(PartitionKey { column: c.clone(), ..PartitionKey::default() })).collect())
        .unwrap_or_default();
    TableView {
        name: relation.key.2.clone(),
        database: relation.key.1.clone(),
        catalog: relation.key.0.clone(),
        kind: kind_name(relation.kind).to_string(),
        description: description(relation, &props),
        columns,
        order_by_keys: json_prop(&props, keys::ORDER_BY).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default(),
        primary_keys: ddl.map(|d| d.primary_key.clone()).unwrap_or_default(),
        partition_keys,
        sampling_key: props.get(keys::SAMPLING).cloned(),
        ttl: json_prop(&props, keys::TTL),
        unique_key: json_prop(&props, keys::UNIQUE),
        cluster_key: json_prop(&props, keys::CLUSTER),
        definition: relation.view_query.clone(),
        row_count: relation.row_count,
    }
}

/// `GET /databases/{db}/tables/{t}` (and `/materialized-views/{mv}`, which must name a view).
pub async fn get_relation(db: String, name: String, views_only: bool, ctx: Arc<Context>, caller: Caller) -> Reply {
    let (_, relation) = relation(&ctx, &caller, &db, &name).await?;
    if views_only && relation.kind == RelationKind::Table {
        return Err(not_found("TABLE_NOT_FOUND", format!("{db}.{name} is a table, not a (materialized) view.")));
    }
    Ok(json_ok(&TableResponse::new(table_view(&ctx, &relation))))
}

/// The column clause of one column spec, and the properties it stores.
fn column_clause(column: ColumnSpec, props: &mut BTreeMap<String, String>) -> Result<(String, String), Rejection> {
    let name = required_name(column.name, "columns[].name")?;
    let declared = column.bytehouse_type.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).ok_or_else(|| bad_request(format!("Column {name} has no type.")))?;
    let mapped = types::to_flink(&declared)
        .map_err(|part| refuse(StatusCode::BAD_REQUEST, "UNKNOWN_TYPE", format!("Unknown column type '{part}' of column {name} (declared '{declared}').")))?;
    let nullable = mapped.nullable || column.nullable.unwrap_or(false);
    let mut clause = format!("  {} {}{}", quote(&name), mapped.flink, if nullable { "" } else { " NOT NULL" });
    if let Some(comment) = &column.comment {
        clause.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    props.insert(keys::column_type(&name), if nullable && !mapped.nullable { format!("Nullable({declared})") } else { declared });
    if let Some(default) = column.default_value {
        props.insert(keys::column_default(&name), default);
    }
    Ok((name, clause))
}

fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `POST /databases/{db}/tables`: `CREATE TABLE db.t (...) COMMENT '..' PARTITIONED BY (..)`.
pub async fn create_table(db: String, ctx: Arc<Context>, caller: Caller, body: CreateTableRequest) -> Reply {
    let name = required_name(body.name, "name")?;
    if body.columns.is_empty() {
        return Err(bad_request("columns must name at least one column."));
    }
    let (session, catalog) = session_of(&ctx, &caller)?;
    relations_of(&ctx, &caller, session, &catalog, &db).await?;
    let key = (catalog.clone(), db.clone(), name.clone());
    if ctx.gw.relation(&caller.user, session, &key).await.map_err(reject)?.is_some() {
        return Err(refuse(StatusCode::CONFLICT, "TABLE_EXISTS", format!("Table {db}.{name} already exists.")));
    }
    let mut props = BTreeMap::new();
    let mut names = Vec::new();
    let mut clauses = Vec::new();
    for column in body.columns {
        let (column, clause) = column_clause(column, &mut props)?;
        if names.contains(&column) {
            return Err(bad_request(format!("Column {column} is declared twice.")));
        }
        names.push(column);
        clauses.push(clause);
    }
    let partitions: Vec<String> = body.partition_keys.iter().map(|p| p.column.trim().to_string()).collect();
    for (what, list) in [("orderByKeys", &body.order_by_keys), ("primaryKeys", &body.primary_keys), ("partitionKeys", &partitions)] {
        if let Some(unknown) = list.iter().find(|c| !names.contains(c)) {
            return Err(bad_request(format!("{what} names {unknown}, which is not a column of the table.")));
        }
    }
    if !body.primary_keys.is_empty() {
        clauses.push(format!("  PRIMARY KEY ({}) NOT ENFORCED", body.primary_keys.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")));
    }
    let mut ddl = format!("CREATE TABLE {}.{} (\n{}\n)", quote(&db), quote(&name), clauses.join(",\n"));
    if let Some(description) = &body.description {
        ddl.push_str(&format!(" COMMENT {}", literal(description)));
    }
    if !partitions.is_empty() {
        ddl.push_str(&format!(" PARTITIONED BY ({})", partitions.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")));
    }
    ctx.gw.configure_session(&caller.user, session, ddl, None).await.map_err(reject)?;
    if let Some(description) = body.description {
        props.insert(keys::DESCRIPTION.into(), description);
    }
    if !body.order_by_keys.is_empty() {
        props.insert(keys::ORDER_BY.into(), json_text(&body.order_by_keys));
    }
    if let Some(sampling) = body.sampling_key {
        props.insert(keys::SAMPLING.into(), sampling);
    }
    for (key, value) in [(keys::TTL, body.ttl), (keys::UNIQUE, body.unique_key), (keys::CLUSTER, body.cluster_key)] {
        if let Some(value) = value {
            props.insert(key.into(), json_text(&value));
        }
    }
    if !body.partition_keys.is_empty() {
        props.insert(keys::PARTITIONS.into(), json_text(&body.partition_keys));
    }
    ctx.gw.set_table_properties(&caller.user, key, props).await.map_err(reject)?;
    let (_, created) = relation(&ctx, &caller, &db, &name).await?;
    Ok(json_ok(&TableResponse::new(table_view(&ctx, &created))))
}

/// `PATCH /databases/{db}/tables/{t}`: description and TTL; column changes are 501.
pub async fn update_table(db: String, name: String, ctx: Arc<Context>, caller: Caller, body: UpdateTableRequest) -> Reply {
    let (_, relation) = relation(&ctx, &caller, &db, &name).await?;
    let changes = [("addColumns", &body.add_columns), ("dropColumns", &body.drop_columns), ("modifyColumns", &body.modify_columns), ("renameColumns", &body.rename_columns)];
    if let Some((what, _)) = changes.iter().find(|(_, list)| !list.is_empty()) {
        return Err(not_implemented(format!("{what} is not supported: the engine has no ALTER TABLE ... ADD/DROP/MODIFY/RENAME COLUMN; only description and ttl can be updated.")));
    }
    let mut props = ctx.gw.table_properties(&relation.key);
    if let Some(description) = body.description {
        props.insert(keys::DESCRIPTION.into(), description);
    }
    if body.is_remove_ttl == Some(true) {
        props.remove(keys::TTL);
    } else if let Some(ttl) = body.ttl {
        props.insert(keys::TTL.into(), json_text(&ttl));
    }
    ctx.gw.set_table_properties(&caller.user, relation.key, props).await.map_err(reject)?;
    Ok(json_ok(&SuccessResponse::new()))
}

/// `DELETE /databases/{db}/tables/{t}`: DROP TABLE (VIEW, MATERIALIZED TABLE), its properties with it.
pub async fn delete_table(db: String, name: String, ctx: Arc<Context>, caller: Caller) -> Reply {
    let (session, relation) = relation(&ctx, &caller, &db, &name).await?;
    let what = match relation.kind {
        RelationKind::Table => "TABLE",
        RelationKind::View => "VIEW",
        RelationKind::MaterializedTable => "MATERIALIZED TABLE",
    };
    let ddl = format!("DROP {what} {}.{}", quote(&db), quote(&name));
    // Its properties go with it.
    ctx.gw.configure_session(&caller.user, session, ddl, None).await.map_err(reject)?;
    Ok(json_ok(&SuccessResponse::new()))
}
