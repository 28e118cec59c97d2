//! getTypeInfo, getFunctions and getCrossReference.
//!
//! Type info lists the Hive types [`hive_type`] can produce, with the
//! numbers HiveServer2's GetTypeInfo gives them. Functions are the
//! session's DataFusion functions (built-ins, Flink additions and UDFs),
//! listed as system functions: no catalog, no database. Flink has no
//! foreign keys, so cross references are always an empty result.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, IntervalUnit, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;

use super::batch::{Column, batch, flag, int, int_or_null, null_int, null_text, short, text, text_or_null};
use super::catalog_matches;
use crate::engine::SessionEngine;
use crate::engine::catalog::like_match;
use crate::error::Result;
use crate::format::{HiveType, hive_type};

/// `DatabaseMetaData.typeNullable`.
const TYPE_NULLABLE: i16 = 1;
/// `DatabaseMetaData.typeSearchable`: usable in any WHERE clause.
const TYPE_SEARCHABLE: i16 = 3;
/// `DatabaseMetaData.typePredNone`: nested types cannot be compared.
const TYPE_PRED_NONE: i16 = 0;
/// `DatabaseMetaData.functionNoTable`.
const FUNCTION_NO_TABLE: i32 = 1;

/// One row of getTypeInfo.
struct TypeRow {
    /// The type as [`hive_type`] describes it.
    ty: HiveType,
    /// TYPE_NAME: the bare name, without qualifiers.
    name: &'static str,
    /// LITERAL_PREFIX / LITERAL_SUFFIX: how Flink SQL quotes a literal.
    literal: Option<(&'static str, &'static str)>,
    /// CREATE_PARAMS: the qualifiers the type takes.
    create_params: Option<&'static str>,
    /// Whether values can be compared in a WHERE clause.
    searchable: bool,
}

/// The Hive types the gateway produces, each from an Arrow type (or a
/// declared CHAR/VARCHAR) so the codes agree with getColumns.
fn type_rows() -> Vec<TypeRow> {
    let item = || Arc::new(Field::new("item", DataType::Int32, true));
    let entries = Fields::from(vec![Field::new("key", DataType::Utf8, false), Field::new("value", DataType::Utf8, true)]);
    let row = |ty: HiveType, name, literal, create_params, searchable| TypeRow { ty, name, literal, create_params, searchable };
    let of = |dt: DataType| hive_type(&dt);
    vec![
        row(of(DataType::Null), "VOID", None, None, true),
        row(of(DataType::Boolean), "BOOLEAN", None, None, true),
        row(of(DataType::Int8), "TINYINT", None, None, true),
        row(of(DataType::Int16), "SMALLINT", None, None, true),
        row(of(DataType::Int32), "INT", None, None, true),
        row(of(DataType::Int64), "BIGINT", None, None, true),
        row(of(DataType::Float32), "FLOAT", None, None, true),
        row(of(DataType::Float64), "DOUBLE", None, None, true),
        row(of(DataType::Utf8), "STRING", Some(("'", "'")), None, true),
        row(HiveType::character(false, 1), "CHAR", Some(("'", "'")), Some("length"), true),
        row(HiveType::character(true, 1), "VARCHAR", Some(("'", "'")), Some("length"), true),
        row(of(DataType::Date32), "DATE", Some(("DATE '", "'")), None, true),
        row(of(DataType::Timestamp(TimeUnit::Microsecond, None)), "TIMESTAMP", Some(("TIMESTAMP '", "'")), None, true),
        row(of(DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))), "TIMESTAMP WITH LOCAL TIME ZONE", None, None, true),
        row(of(DataType::Binary), "BINARY", Some(("X'", "'")), None, true),
        row(of(DataType::Decimal128(38, 18)), "DECIMAL", None, Some("precision,scale"), true),
        row(of(DataType::List(item())), "ARRAY", None, None, false),
        row(of(DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)), "MAP", None, None, false),
        row(of(DataType::Struct(Fields::from(vec![Field::new("a", DataType::Int32, true)]))), "STRUCT", None, None, false),
        row(of(DataType::Interval(IntervalUnit::YearMonth)), "INTERVAL_YEAR_MONTH", None, None, true),
        row(of(DataType::Interval(IntervalUnit::MonthDayNano)), "INTERVAL_DAY_TIME", None, None, true),
    ]
}

/// getTypeInfo's 18 columns, one row per type, ordered by DATA_TYPE as
/// JDBC says (ties in the order of [`type_rows`]).
pub(super) fn type_info() -> Result<RecordBatch> {
    let mut rows = type_rows();
    rows.sort_by_key(|r| r.ty.java_type);
    let n = rows.len();
    let numeric = |r: &TypeRow| r.ty.radix.is_some();
    // The largest precision of the type: digits for numbers, DECIMAL's 38.
    let precision = |r: &TypeRow| if r.ty.type_id == "DECIMAL_TYPE" { Some(38) } else { r.ty.column_size.filter(|_| numeric(r)) };
    batch(vec![
        text("TYPE_NAME", rows.iter().map(|r| r.name.to_string())),
        int("DATA_TYPE", rows.iter().map(|r| r.ty.java_type)),
        int_or_null("PRECISION", rows.iter().map(precision)),
        text_or_null("LITERAL_PREFIX", rows.iter().map(|r| r.literal.map(|l| l.0.to_string()))),
        text_or_null("LITERAL_SUFFIX", rows.iter().map(|r| r.literal.map(|l| l.1.to_string()))),
        text_or_null("CREATE_PARAMS", rows.iter().map(|r| r.create_params.map(str::to_string))),
        short("NULLABLE", std::iter::repeat_n(TYPE_NULLABLE, n)),
        flag("CASE_SENSITIVE", rows.iter().map(|r| matches!(r.ty.type_id, "STRING_TYPE" | "CHAR_TYPE" | "VARCHAR_TYPE"))),
        short("SEARCHABLE", rows.iter().map(|r| if r.searchable { TYPE_SEARCHABLE } else { TYPE_PRED_NONE })),
        flag("UNSIGNED_ATTRIBUTE", rows.iter().map(|r| !numeric(r))),
        flag("FIXED_PREC_SCALE", std::iter::repeat_n(false, n)),
        flag("AUTO_INCREMENT", std::iter::repeat_n(false, n)),
        null_text("LOCAL_TYPE_NAME", n),
        short("MINIMUM_SCALE", std::iter::repeat_n(0, n)),
        short("MAXIMUM_SCALE", rows.iter().map(|r| if r.ty.type_id == "DECIMAL_TYPE" { 38 } else { 0 })),
        null_int("SQL_DATA_TYPE", n),
        null_int("SQL_DATETIME_SUB", n),
        int_or_null("NUM_PREC_RADIX", rows.iter().map(|r| r.ty.radix)),
    ])
}

impl SessionEngine {
    /// getFunctions: every scalar, aggregate and window function of the
    /// session (UDFs included), under its upper-cased name and every alias,
    /// filtered by `function_pattern` case-insensitively, ordered by name.
    /// They are system functions: FUNCTION_CAT and FUNCTION_SCHEM are NULL.
    /// A catalog that does not exist gives an empty result.
    pub(super) fn functions_metadata(&self, catalog: Option<&str>, function_pattern: Option<&str>) -> Result<RecordBatch> {
        if !self.ctx.catalog_names().iter().any(|c| catalog_matches(catalog, c)) {
            return batch(function_columns(Vec::new()));
        }
        // Name -> (REMARKS, SPECIFIC_NAME); the first kind to claim a name keeps it.
        let mut functions: BTreeMap<String, (Option<String>, String)> = BTreeMap::new();
        {
            let state = self.ctx.state_ref();
            let state = state.read();
            let description = |d: Option<&datafusion::logical_expr::Documentation>| d.map(|d| d.description.clone());
            let mut add = |name: &String, remarks: Option<String>, specific: &str| {
                functions.entry(name.to_uppercase()).or_insert_with(|| (remarks, specific.to_uppercase()));
            };
            for (name, f) in state.scalar_functions() {
                add(name, description(f.documentation()), f.name());
            }
            for (name, f) in state.aggregate_functions() {
                add(name, description(f.documentation()), f.name());
            }
            for (name, f) in state.window_functions() {
                add(name, description(f.documentation()), f.name());
            }
        }
        let rows: Vec<(String, Option<String>, String)> = functions
            .into_iter()
            .filter(|(name, _)| match function_pattern {
                None | Some("") | Some("%") => true,
                Some(p) => like_match(p, name, Some('\\'), true),
            })
            .map(|(name, (remarks, specific))| (name, remarks, specific))
            .collect();
        batch(function_columns(rows))
    }
}

/// getFunctions' six columns over (FUNCTION_NAME, REMARKS, SPECIFIC_NAME) rows.
fn function_columns(rows: Vec<(String, Option<String>, String)>) -> Vec<Column> {
    let n = rows.len();
    vec![
        null_text("FUNCTION_CAT", n),
        null_text("FUNCTION_SCHEM", n),
        text("FUNCTION_NAME", rows.iter().map(|r| r.0.clone())),
        text_or_null("REMARKS", rows.iter().map(|r| r.1.clone())),
        int("FUNCTION_TYPE", std::iter::repeat_n(FUNCTION_NO_TABLE, n)),
        text("SPECIFIC_NAME", rows.iter().map(|r| r.2.clone())),
    ]
}

/// getCrossReference: no rows (Flink has no foreign keys), with the 14
/// columns JDBC defines; KEY_SEQ and the rules are INT, as Hive declares them.
pub(super) fn cross_reference() -> Result<RecordBatch> {
    batch(vec![
        null_text("PKTABLE_CAT", 0),
        null_text("PKTABLE_SCHEM", 0),
        text("PKTABLE_NAME", Vec::new()),
        text("PKCOLUMN_NAME", Vec::new()),
        null_text("FKTABLE_CAT", 0),
        null_text("FKTABLE_SCHEM", 0),
        text("FKTABLE_NAME", Vec::new()),
        text("FKCOLUMN_NAME", Vec::new()),
        int("KEY_SEQ", Vec::new()),
        int("UPDATE_RULE", Vec::new()),
        int("DELETE_RULE", Vec::new()),
        null_text("FK_NAME", 0),
        null_text("PK_NAME", 0),
        int("DEFERRABILITY", Vec::new()),
    ])
}
