//! Flink DDL for tables, views, databases and catalogs.
//!
//! `CREATE TABLE` is the statement most of Flink's dialect lives in:
//! computed and metadata columns, watermarks, `NOT ENFORCED` primary keys,
//! connector options, `LIKE` and CTAS. sqlparser's own `CREATE TABLE` knows
//! none of these, so the statement is read clause by clause here, with
//! sqlparser parsing the expressions inside it.

use std::collections::BTreeMap;
use std::time::Duration;

use datafusion::sql::sqlparser::ast::{BinaryOperator, Expr, Value};
use datafusion::sql::sqlparser::tokenizer::Token;

use super::cursor::Cursor;
use super::types::{FlinkType, parse_type};
use super::{FlinkStatement, Name, sql_error};
use crate::error::Result;

/// Flink's error for a primary key that is not `NOT ENFORCED`.
const ENFORCED_ERROR: &str = "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. ENFORCED/NOT ENFORCED \
    controls if the constraint checks are performed on the incoming/outgoing data. Flink does not own the data \
    therefore the only supported mode is the NOT ENFORCED mode";

/// `CREATE TABLE`: a connector table, a `LIKE` copy, or CTAS / RTAS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTable {
    /// The table's name.
    pub name: Name,
    /// `CREATE TEMPORARY TABLE`: lives in the session only.
    pub temporary: bool,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// `CREATE OR REPLACE TABLE ... AS` (RTAS).
    pub or_replace: bool,
    /// Columns in declaration order; primary key columns are made `NOT NULL`, as Flink does.
    pub columns: Vec<ColumnDef>,
    /// The `WATERMARK FOR` clause.
    pub watermark: Option<Watermark>,
    /// Primary key columns, from the table or the column constraint.
    pub primary_key: Vec<String>,
    /// `COMMENT '...'` of the table.
    pub comment: Option<String>,
    /// `PARTITIONED BY (...)` columns.
    pub partitioned_by: Vec<String>,
    /// `WITH ('k' = 'v', ...)`, keys and values as written (case kept).
    pub options: BTreeMap<String, String>,
    /// `LIKE src`: the caller merges the source's schema and options. The
    /// optional `(INCLUDING ...)` clause after it is accepted and not kept.
    pub like: Option<Name>,
    /// The CTAS / RTAS query text, outer parentheses removed.
    pub as_query: Option<String>,
}

/// What a column is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    /// A stored column of this type.
    Physical(FlinkType),
    /// `c AS expr`: computed from the other columns.
    Computed {
        /// SQL text of the expression as written, e.g. `PROCTIME()` or `price * qty`.
        expr: String,
    },
    /// `c TYPE METADATA [FROM 'key'] [VIRTUAL]`: read from the connector's metadata.
    Metadata {
        /// The column type.
        ty: FlinkType,
        /// The metadata key, when it differs from the column name.
        key: Option<String>,
        /// `VIRTUAL`: read-only, not written by sinks.
        is_virtual: bool,
    },
}

/// One column of a `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// Column name; unquoted names lower-cased like every identifier.
    pub name: String,
    /// Physical, computed or metadata.
    pub kind: ColumnKind,
    /// `COMMENT '...'` of the column.
    pub comment: Option<String>,
}

/// `WATERMARK FOR column AS expr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// The event-time column.
    pub column: String,
    /// The watermark expression as written.
    pub expr: String,
    /// How far the watermark trails the largest event time seen:
    /// `ts - INTERVAL '5' SECOND` is 5 s, `ts` is zero.
    pub delay: Duration,
}

/// `CREATE [OR REPLACE] [TEMPORARY] TABLE`, after `TABLE`.
pub(super) fn create_table(c: &mut Cursor, or_replace: bool, temporary: bool) -> Result<CreateTable> {
    let if_not_exists = c.kws(&["IF", "NOT", "EXISTS"]);
    let mut t = CreateTable {
        name: c.name()?,
        temporary,
        if_not_exists,
        or_replace,
        columns: Vec::new(),
        watermark: None,
        primary_key: Vec::new(),
        comment: None,
        partitioned_by: Vec::new(),
        options: BTreeMap::new(),
        like: None,
        as_query: None,
    };
    let has_columns = c.peek().token == Token::LParen;
    if has_columns {
        c.expect_token(&Token::LParen)?;
        loop {
            element(c, &mut t)?;
            if !c.token(&Token::Comma) {
                break;
            }
        }
        c.expect_token(&Token::RParen)?;
    }
    t.comment = c.comment()?;
    if c.kws(&["PARTITIONED", "BY"]) {
        t.partitioned_by = c.ident_list()?;
    }
    let has_with = c.kw("WITH");
    if has_with {
        t.options = c.options()?;
    }
    if c.kw("LIKE") {
        t.like = Some(c.name()?);
        c.skip_parens()?;
    }
    if c.kw("AS") {
        t.as_query = Some(c.rest_query()?);
    }
    if !has_columns && !has_with && t.like.is_none() && t.as_query.is_none() {
        return c.expected("'(', WITH, LIKE or AS");
    }
    c.expect_end()?;
    if or_replace && t.as_query.is_none() {
        return Err(sql_error("CREATE OR REPLACE TABLE is only supported with AS <query>"));
    }
    if t.like.is_some() && t.as_query.is_some() {
        return Err(sql_error("CREATE TABLE cannot have both LIKE and AS <query>"));
    }
    check_columns(&mut t)?;
    Ok(t)
}

/// One entry of the column list: a column, a primary key or a watermark.
fn element(c: &mut Cursor, t: &mut CreateTable) -> Result<()> {
    if c.peek_kw("CONSTRAINT") || c.peek_kw("PRIMARY") && c.peek_nth_kw(1, "KEY") {
        let columns = primary_key(c, None)?;
        return set_primary_key(t, columns);
    }
    if c.peek_kw("WATERMARK") && c.peek_nth_kw(1, "FOR") {
        c.next();
        c.next();
        let column = c.ident()?;
        c.expect_kw("AS")?;
        let (expr, text) = c.expr()?;
        let delay = watermark_delay(&expr, &column)
            .ok_or_else(|| sql_error(format!("Unsupported watermark expression: {text}. Supported are `{column}` and `{column} - INTERVAL '<n>' <unit>`")))?;
        if t.watermark.is_some() {
            return Err(sql_error("Multiple WATERMARK statements are not supported yet."));
        }
        t.watermark = Some(Watermark { column, expr: text, delay });
        return Ok(());
    }
    let name = c.ident()?;
    if t.columns.iter().any(|col| col.name == name) {
        return Err(sql_error(format!("A column named '{name}' is defined more than once")));
    }
    let (kind, comment) = if c.kw("AS") {
        let (_, expr) = c.expr()?;
        (ColumnKind::Computed { expr }, c.comment()?)
    } else {
        let ty = parse_type(c)?;
        if c.kw("METADATA") {
            let key = if c.kw("FROM") { Some(c.string()?) } else { None };
            let is_virtual = c.kw("VIRTUAL");
            (ColumnKind::Metadata { ty, key, is_virtual }, c.comment()?)
        } else {
            if c.peek_kw("CONSTRAINT") || c.peek_kw("PRIMARY") {
                primary_key(c, Some(&name))?;
                set_primary_key(t, vec![name.clone()])?;
            }
            (ColumnKind::Physical(ty), c.comment()?)
        }
    };
    t.columns.push(ColumnDef { name, kind, comment });
    Ok(())
}

/// `[CONSTRAINT n] PRIMARY KEY [(cols)] NOT ENFORCED`; the column list is
/// absent on a column constraint (`column` set).
fn primary_key(c: &mut Cursor, column: Option<&str>) -> Result<Vec<String>> {
    if c.kw("CONSTRAINT") {
        c.ident()?;
    }
    c.expect_kw("PRIMARY")?;
    c.expect_kw("KEY")?;
    let columns = match column {
        Some(column) => vec![column.to_string()],
        None => c.ident_list()?,
    };
    if c.kws(&["NOT", "ENFORCED"]) {
        Ok(columns)
    } else if c.at_end() {
        c.expected("NOT ENFORCED")
    } else {
        Err(sql_error(ENFORCED_ERROR))
    }
}

/// Record the primary key; there can be one only.
fn set_primary_key(t: &mut CreateTable, columns: Vec<String>) -> Result<()> {
    if !t.primary_key.is_empty() {
        return Err(sql_error("Duplicate primary key definition"));
    }
    t.primary_key = columns;
    Ok(())
}

/// Check the columns the key, watermark and partitioning name (when the
/// schema is all here: no `LIKE`, no query), and make key columns `NOT NULL`.
fn check_columns(t: &mut CreateTable) -> Result<()> {
    let complete = t.like.is_none() && t.as_query.is_none();
    for key in &t.primary_key {
        match t.columns.iter_mut().find(|col| &col.name == key) {
            Some(ColumnDef { kind: ColumnKind::Physical(ty), .. }) => ty.nullable = false,
            Some(_) => {
                return Err(sql_error(format!(
                    "Could not create a PRIMARY KEY with column '{key}': it is not a physical column"
                )));
            }
            None if complete => {
                return Err(sql_error(format!("Primary key column '{key}' is not defined in the table schema")));
            }
            None => {}
        }
    }
    if !complete {
        return Ok(());
    }
    if let Some(w) = &t.watermark
        && !t.columns.iter().any(|col| col.name == w.column)
    {
        return Err(sql_error(format!(
            "The rowtime attribute field '{}' is not defined in the table schema",
            w.column
        )));
    }
    if let Some(p) = t.partitioned_by.iter().find(|p| !t.columns.iter().any(|col| &col.name == *p)) {
        return Err(sql_error(format!("Partition column '{p}' is not defined in the table schema")));
    }
    Ok(())
}

/// The delay of `column` or `column - INTERVAL ...`; `None` for anything else.
fn watermark_delay(expr: &Expr, column: &str) -> Option<Duration> {
    let is_column = |e: &Expr| matches!(e, Expr::Identifier(id) if normalized(&id.value, id.quote_style) == column);
    match expr {
        Expr::Nested(inner) => watermark_delay(inner, column),
        e if is_column(e) => Some(Duration::ZERO),
        Expr::BinaryOp { left, op: BinaryOperator::Minus, right } if is_column(left) => interval_duration(right),
        _ => None,
    }
}

/// An identifier as names are kept: unquoted lower-cased.
fn normalized(value: &str, quote: Option<char>) -> String {
    if quote.is_none() { value.to_lowercase() } else { value.to_string() }
}

/// The length of `INTERVAL '<n>' <unit>`; see [`duration_of`].
fn interval_duration(expr: &Expr) -> Option<Duration> {
    let Expr::Interval(interval) = expr else { return None };
    if interval.last_field.is_some() {
        return None;
    }
    let text = match interval.value.as_ref() {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => s.clone(),
            number @ Value::Number(..) => number.to_string(),
            _ => return None,
        },
        _ => return None,
    };
    duration_of(&text, &interval.leading_field.as_ref()?.to_string())
}

/// `n` of `unit` (MILLISECOND to DAY, singular or plural, any case); `n`
/// may have a fraction (`0.5` SECOND). `None` for anything else.
pub(super) fn duration_of(n: &str, unit: &str) -> Option<Duration> {
    let unit = unit.to_ascii_uppercase();
    let unit_nanos: u128 = match unit.strip_suffix('S').unwrap_or(&unit) {
        "MILLISECOND" => 1_000_000,
        "SECOND" => 1_000_000_000,
        "MINUTE" => 60_000_000_000,
        "HOUR" => 3_600_000_000_000,
        "DAY" => 86_400_000_000_000,
        _ => return None,
    };
    let n = n.trim();
    let (whole, fraction) = n.split_once('.').unwrap_or((n, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || whole.len() > 20 {
        return None;
    }
    let fraction = &fraction[..fraction.len().min(18)];
    let whole_value: u128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction_value: u128 = if fraction.is_empty() { 0 } else { fraction.parse().ok()? };
    let scale = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let nanos = whole_value.checked_mul(unit_nanos)?.checked_add(fraction_value.checked_mul(unit_nanos)? / scale)?;
    let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
    Some(Duration::new(secs, u32::try_from(nanos % 1_000_000_000).ok()?))
}

/// `CREATE [OR REPLACE] [TEMPORARY] VIEW`, after `VIEW`.
pub(super) fn create_view(c: &mut Cursor, or_replace: bool, temporary: bool) -> Result<FlinkStatement> {
    let if_not_exists = c.kws(&["IF", "NOT", "EXISTS"]);
    let name = c.name()?;
    let columns = if c.peek().token == Token::LParen { c.ident_list()? } else { Vec::new() };
    let comment = c.comment()?;
    c.expect_kw("AS")?;
    let query = c.rest_query()?;
    Ok(FlinkStatement::CreateView { name, temporary, if_not_exists, or_replace, columns, query, comment })
}

/// `CREATE DATABASE [IF NOT EXISTS] [cat.]db [COMMENT '..'] [WITH (..)]`,
/// after `DATABASE`. The options are accepted and not kept.
pub(super) fn create_database(c: &mut Cursor) -> Result<FlinkStatement> {
    let if_not_exists = c.kws(&["IF", "NOT", "EXISTS"]);
    let name = c.short_name(2, "Database name")?;
    let comment = c.comment()?;
    if c.kw("WITH") {
        c.options()?;
    }
    c.expect_end()?;
    Ok(FlinkStatement::CreateDatabase { name, if_not_exists, comment })
}

/// `CREATE CATALOG c WITH (..)`, after `CATALOG`.
pub(super) fn create_catalog(c: &mut Cursor) -> Result<FlinkStatement> {
    if c.peek_kw("IF") && c.peek_nth_kw(1, "NOT") {
        return c.fail("CREATE CATALOG IF NOT EXISTS is not supported");
    }
    let name = c.ident()?;
    c.expect_kw("WITH")?;
    let options = c.options()?;
    c.expect_end()?;
    Ok(FlinkStatement::CreateCatalog { name, options })
}

/// `DROP [TEMPORARY] TABLE|VIEW`, `DROP DATABASE`, `DROP CATALOG`,
/// `DROP MATERIALIZED TABLE`, after `DROP`; `None` for other DROPs.
pub(super) fn drop(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    let temporary = c.kw("TEMPORARY");
    let table = c.kw("TABLE");
    if table || c.kw("VIEW") {
        let if_exists = c.kws(&["IF", "EXISTS"]);
        let name = c.name()?;
        c.expect_end()?;
        return Ok(Some(if table {
            FlinkStatement::DropTable { name, if_exists, temporary }
        } else {
            FlinkStatement::DropView { name, if_exists, temporary }
        }));
    }
    if temporary {
        return Ok(None);
    }
    if c.kw("DATABASE") {
        let if_exists = c.kws(&["IF", "EXISTS"]);
        let name = c.short_name(2, "Database name")?;
        let cascade = c.one_of(&["RESTRICT", "CASCADE"]) == Some("CASCADE");
        c.expect_end()?;
        return Ok(Some(FlinkStatement::DropDatabase { name, if_exists, cascade }));
    }
    if c.kw("CATALOG") {
        let if_exists = c.kws(&["IF", "EXISTS"]);
        let name = c.ident()?;
        c.expect_end()?;
        return Ok(Some(FlinkStatement::DropCatalog { name, if_exists }));
    }
    if c.kws(&["MATERIALIZED", "TABLE"]) {
        let if_exists = c.kws(&["IF", "EXISTS"]);
        let name = c.name()?;
        c.expect_end()?;
        return Ok(Some(FlinkStatement::DropMaterializedTable { name, if_exists }));
    }
    Ok(None)
}

/// `ALTER TABLE t RENAME TO n | SET (..) | RESET (..)`, after `ALTER TABLE`;
/// `None` for other table alterations.
pub(super) fn alter_table(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    if c.peek_kw("IF") && c.peek_nth_kw(1, "EXISTS") {
        return c.fail("ALTER TABLE IF EXISTS is not supported");
    }
    let name = c.name()?;
    let statement = if c.kws(&["RENAME", "TO"]) {
        FlinkStatement::AlterTableRename { name, new_name: c.name()? }
    } else if c.kw("SET") {
        FlinkStatement::AlterTableSet { name, options: c.options()? }
    } else if c.kw("RESET") {
        FlinkStatement::AlterTableReset { name, keys: c.string_list()? }
    } else {
        return Ok(None);
    };
    c.expect_end()?;
    Ok(Some(statement))
}
