//! Flink's catalog browsing statements: `SHOW ...`, `DESCRIBE` and `USE`.
//!
//! These are recognised by their leading keywords; forms Flink has that the
//! gateway does not model (`SHOW MODULES`, DataFusion's `SHOW <variable>`)
//! are left for DataFusion.

use super::cursor::Cursor;
use super::{FlinkStatement, Like};
use crate::error::Result;

/// `SHOW ...`, after `SHOW`; `None` for forms left to DataFusion.
pub(super) fn show(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    let statement = if c.kw("CATALOGS") {
        FlinkStatement::ShowCatalogs
    } else if c.kws(&["CURRENT", "CATALOG"]) {
        FlinkStatement::ShowCurrentCatalog
    } else if c.kws(&["CURRENT", "DATABASE"]) {
        FlinkStatement::ShowCurrentDatabase
    } else if c.kw("DATABASES") {
        let catalog = if c.one_of(&["FROM", "IN"]).is_some() { Some(c.ident()?) } else { None };
        FlinkStatement::ShowDatabases { catalog }
    } else if c.kw("TABLES") {
        let from = if c.one_of(&["FROM", "IN"]).is_some() { Some(c.short_name(2, "Database name")?) } else { None };
        FlinkStatement::ShowTables { from, like: like(c)? }
    } else if c.kw("VIEWS") {
        let from = if c.one_of(&["FROM", "IN"]).is_some() { Some(c.short_name(2, "Database name")?) } else { None };
        FlinkStatement::ShowViews { from, like: like(c)? }
    } else if c.kw("FUNCTIONS") {
        FlinkStatement::ShowFunctions { user_only: false, like: like(c)? }
    } else if c.kws(&["USER", "FUNCTIONS"]) {
        FlinkStatement::ShowFunctions { user_only: true, like: like(c)? }
    } else if c.kw("COLUMNS") {
        if c.one_of(&["FROM", "IN"]).is_none() {
            return c.expected("FROM or IN");
        }
        let table = c.name()?;
        FlinkStatement::ShowColumns { table, like: like(c)? }
    } else if c.kws(&["CREATE", "TABLE"]) {
        FlinkStatement::ShowCreateTable(c.name()?)
    } else if c.kws(&["CREATE", "VIEW"]) {
        FlinkStatement::ShowCreateView(c.name()?)
    } else if c.kw("JOBS") {
        FlinkStatement::ShowJobs
    } else {
        return Ok(None);
    };
    c.expect_end()?;
    Ok(Some(statement))
}

/// `[NOT] LIKE|ILIKE 'pattern'` if it is next.
fn like(c: &mut Cursor) -> Result<Option<Like>> {
    let not = c.peek_kw("NOT") && (c.peek_nth_kw(1, "LIKE") || c.peek_nth_kw(1, "ILIKE"));
    if not {
        c.next();
    }
    match c.one_of(&["LIKE", "ILIKE"]) {
        Some(kind) => Ok(Some(Like { not, ilike: kind == "ILIKE", pattern: c.string()? })),
        None => Ok(None),
    }
}

/// `DESCRIBE|DESC [EXTENDED] name`, after the keyword; `None` for Flink's
/// `DESCRIBE JOB|CATALOG|DATABASE|FUNCTION|MODEL ...`, left to DataFusion.
pub(super) fn describe(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    if ["JOB", "CATALOG", "DATABASE", "FUNCTION", "MODEL"].iter().any(|k| c.peek_kw_then_more(k)) {
        return Ok(None);
    }
    // A table may be called `extended`.
    let extended = c.peek_kw_then_more("EXTENDED") && c.kw("EXTENDED");
    let name = c.name()?;
    c.expect_end()?;
    Ok(Some(FlinkStatement::Describe { name, extended }))
}

/// `USE CATALOG c` or `USE [cat.]db`, after `USE`; `None` for `USE MODULES`.
pub(super) fn use_(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    if c.peek_kw_then_more("MODULES") {
        return Ok(None);
    }
    // A database may be called `catalog`.
    let statement = if c.peek_kw_then_more("CATALOG") {
        c.next();
        FlinkStatement::UseCatalog(c.ident()?)
    } else {
        FlinkStatement::UseDatabase(c.short_name(2, "Database name")?)
    };
    c.expect_end()?;
    Ok(Some(statement))
}
