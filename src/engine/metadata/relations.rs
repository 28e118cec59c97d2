//! getTables, getColumns and getPrimaryKeys over the session's tables and
//! views.
//!
//! Column types come from the Arrow schema of each table's provider, except
//! where the table's Flink DDL declared a `CHAR(n)` / `VARCHAR(n)` that the
//! Arrow string cannot remember: then the declared type is reported.
//! Comments and primary keys also come from the recorded DDL.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::TableProvider;

use super::batch::{batch, int, int_or_null, null_int, null_text, short_or_null, text, text_or_null};
use super::{Database, pattern_matches};
use crate::engine::SessionEngine;
use crate::engine::catalog::{TableKey, TableMeta};
use crate::engine::dialect::{ColumnKind, MAX_LENGTH, TypeKind};
use crate::error::Result;
use crate::format::{FLINK_TYPE, HiveType, hive_type};

/// A table or view found by a metadata request.
struct Relation {
    /// Catalog, database, name.
    key: TableKey,
    /// Its provider, for the schema and the table type.
    provider: Arc<dyn TableProvider>,
    /// Its Flink definition, when it was created here.
    meta: Option<TableMeta>,
}

/// One row of getColumns before it is split into columns.
struct ColumnRow {
    /// Catalog, database, table.
    key: TableKey,
    /// The column name.
    name: String,
    /// How its type looks to Hive clients.
    ty: HiveType,
    /// Whether it may hold NULL.
    nullable: bool,
    /// Its `COMMENT`, from the DDL.
    remarks: Option<String>,
    /// 1-based position in the table.
    position: i32,
}

impl SessionEngine {
    /// The tables and views of the matching databases whose names match
    /// `table_pattern`, ordered by catalog, database and name. A table whose
    /// provider cannot be opened is left out rather than failing the listing.
    async fn relations(&self, databases: Vec<Database>, table_pattern: Option<&str>) -> Vec<Relation> {
        let mut out = Vec::new();
        for db in databases {
            let mut names = db.provider.table_names();
            names.sort();
            for name in names.into_iter().filter(|n| pattern_matches(table_pattern, n)) {
                if let Ok(Some(provider)) = db.provider.table(&name).await {
                    let key = (db.catalog.clone(), db.name.clone(), name);
                    let meta = self.meta(&key);
                    out.push(Relation { key, provider, meta });
                }
            }
        }
        out
    }

    /// getTables: TABLE_CAT .. REF_GENERATION, ordered by TABLE_TYPE,
    /// TABLE_CAT, TABLE_SCHEM, TABLE_NAME.
    pub(super) async fn tables_metadata(
        &self,
        catalog: Option<&str>,
        schema_pattern: Option<&str>,
        table_pattern: Option<&str>,
        table_types: Option<&[String]>,
    ) -> Result<RecordBatch> {
        let wanted: Option<Vec<String>> = table_types.filter(|t| !t.is_empty()).map(|t| t.iter().map(|s| s.trim().to_uppercase()).collect());
        let relations = self.relations(self.databases(catalog, schema_pattern), table_pattern).await;
        let mut rows: Vec<(&'static str, &TableKey, Option<String>)> = Vec::new();
        for relation in &relations {
            let kind = if self.is_view(&relation.key, &relation.provider) { "VIEW" } else { "TABLE" };
            if wanted.as_ref().is_some_and(|w| !w.iter().any(|t| t == kind)) {
                continue;
            }
            let remarks = relation.meta.as_ref().and_then(|m| m.ddl.as_ref()).and_then(|d| d.comment.clone());
            rows.push((kind, &relation.key, remarks));
        }
        rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let n = rows.len();
        batch(vec![
            text("TABLE_CAT", rows.iter().map(|r| r.1.0.clone())),
            text("TABLE_SCHEM", rows.iter().map(|r| r.1.1.clone())),
            text("TABLE_NAME", rows.iter().map(|r| r.1.2.clone())),
            text("TABLE_TYPE", rows.iter().map(|r| r.0.to_string())),
            text_or_null("REMARKS", rows.iter().map(|r| r.2.clone())),
            null_text("TYPE_CAT", n),
            null_text("TYPE_SCHEM", n),
            null_text("TYPE_NAME", n),
            null_text("SELF_REFERENCING_COL_NAME", n),
            null_text("REF_GENERATION", n),
        ])
    }

    /// getColumns: Hive's 23 columns, ordered by TABLE_CAT, TABLE_SCHEM,
    /// TABLE_NAME and ORDINAL_POSITION.
    pub(super) async fn columns_metadata(
        &self,
        catalog: Option<&str>,
        schema_pattern: Option<&str>,
        table_pattern: Option<&str>,
        column_pattern: Option<&str>,
    ) -> Result<RecordBatch> {
        let mut rows = Vec::new();
        for relation in self.relations(self.databases(catalog, schema_pattern), table_pattern).await {
            let ddl = relation.meta.as_ref().and_then(|m| m.ddl.as_ref());
            for (index, field) in relation.provider.schema().fields().iter().enumerate() {
                if !pattern_matches(column_pattern, field.name()) {
                    continue;
                }
                let declared = ddl.and_then(|d| d.columns.iter().find(|c| c.name == *field.name()));
                let declared_type = declared.and_then(|c| match &c.kind {
                    ColumnKind::Physical(ty) | ColumnKind::Metadata { ty, .. } => character_type(&ty.kind),
                    ColumnKind::Computed { .. } => None,
                });
                let ty = declared_type.or_else(|| annotated_type(field)).unwrap_or_else(|| hive_type(field.data_type()));
                let in_key = ddl.is_some_and(|d| d.primary_key.contains(field.name()));
                rows.push(ColumnRow {
                    key: relation.key.clone(),
                    name: field.name().clone(),
                    ty,
                    nullable: field.is_nullable() && !in_key,
                    remarks: declared.and_then(|c| c.comment.clone()),
                    position: i32::try_from(index + 1).unwrap_or(i32::MAX),
                });
            }
        }
        let n = rows.len();
        batch(vec![
            text("TABLE_CAT", rows.iter().map(|r| r.key.0.clone())),
            text("TABLE_SCHEM", rows.iter().map(|r| r.key.1.clone())),
            text("TABLE_NAME", rows.iter().map(|r| r.key.2.clone())),
            text("COLUMN_NAME", rows.iter().map(|r| r.name.clone())),
            int("DATA_TYPE", rows.iter().map(|r| r.ty.java_type)),
            text("TYPE_NAME", rows.iter().map(|r| r.ty.name.clone())),
            int_or_null("COLUMN_SIZE", rows.iter().map(|r| r.ty.column_size)),
            null_int("BUFFER_LENGTH", n),
            int_or_null("DECIMAL_DIGITS", rows.iter().map(|r| r.ty.decimal_digits)),
            int_or_null("NUM_PREC_RADIX", rows.iter().map(|r| r.ty.radix)),
            int("NULLABLE", rows.iter().map(|r| i32::from(r.nullable))),
            text_or_null("REMARKS", rows.iter().map(|r| r.remarks.clone())),
            null_text("COLUMN_DEF", n),
            null_int("SQL_DATA_TYPE", n),
            null_int("SQL_DATETIME_SUB", n),
            null_int("CHAR_OCTET_LENGTH", n),
            int("ORDINAL_POSITION", rows.iter().map(|r| r.position)),
            text("IS_NULLABLE", rows.iter().map(|r| if r.nullable { "YES" } else { "NO" }.to_string())),
            null_text("SCOPE_CATALOG", n),
            null_text("SCOPE_SCHEMA", n),
            null_text("SCOPE_TABLE", n),
            short_or_null("SOURCE_DATA_TYPE", std::iter::repeat_n(None, n)),
            text("IS_AUTO_INCREMENT", std::iter::repeat_n("NO".to_string(), n)),
        ])
    }

    /// getPrimaryKeys: the key columns of `table` in the matching databases,
    /// from its Flink DDL, ordered by COLUMN_NAME as JDBC says; KEY_SEQ is
    /// the 1-based position in the key. Empty when the table has no key or
    /// does not exist.
    pub(super) async fn primary_keys_metadata(&self, catalog: Option<&str>, schema: Option<&str>, table: &str) -> Result<RecordBatch> {
        let mut rows: Vec<(TableKey, String, i32, String)> = Vec::new();
        let databases = self.databases(catalog, None).into_iter().filter(|d| schema.is_none_or(|s| s.is_empty() || s == d.name));
        for db in databases {
            if !db.provider.table_exist(table) {
                continue;
            }
            let key = (db.catalog.clone(), db.name.clone(), table.to_string());
            let Some(ddl) = self.meta(&key).and_then(|m| m.ddl) else { continue };
            let pk_name = format!("PK_{}", ddl.primary_key.join("_"));
            for (index, column) in ddl.primary_key.iter().enumerate() {
                rows.push((key.clone(), column.clone(), i32::try_from(index + 1).unwrap_or(i32::MAX), pk_name.clone()));
            }
        }
        rows.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        batch(vec![
            text("TABLE_CAT", rows.iter().map(|r| r.0.0.clone())),
            text("TABLE_SCHEM", rows.iter().map(|r| r.0.1.clone())),
            text("TABLE_NAME", rows.iter().map(|r| r.0.2.clone())),
            text("COLUMN_NAME", rows.iter().map(|r| r.1.clone())),
            int("KEY_SEQ", rows.iter().map(|r| r.2)),
            text("PK_NAME", rows.iter().map(|r| r.3.clone())),
        ])
    }
}

/// Hive's CHAR(n) / VARCHAR(n) for a declared Flink CHAR(n) / VARCHAR(n);
/// None for `STRING` (VARCHAR of the largest length) and other types.
fn character_type(kind: &TypeKind) -> Option<HiveType> {
    match kind {
        TypeKind::Char(n) => Some(HiveType::character(false, i32::try_from(*n).ok()?)),
        TypeKind::Varchar(n) if *n != MAX_LENGTH => Some(HiveType::character(true, i32::try_from(*n).ok()?)),
        _ => None,
    }
}

/// CHAR(n) / VARCHAR(n) from a string field's [`FLINK_TYPE`] annotation
/// (set on query columns whose Flink type Arrow cannot tell apart).
fn annotated_type(field: &Field) -> Option<HiveType> {
    if !matches!(field.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        return None;
    }
    let declared = field.metadata().get(FLINK_TYPE)?;
    let (root, rest) = declared.split_once('(')?;
    let length: u32 = rest.strip_suffix(')')?.trim().parse().ok().filter(|n| *n >= 1)?;
    match root.trim() {
        "CHAR" => character_type(&TypeKind::Char(length)),
        "VARCHAR" => character_type(&TypeKind::Varchar(length)),
        _ => None,
    }
}
