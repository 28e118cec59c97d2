//! Flink's materialized tables: a query whose result is kept as fresh as a
//! declared `FRESHNESS`, refreshed continuously or by full recomputation.

use std::collections::BTreeMap;
use std::time::Duration;

use datafusion::sql::sqlparser::tokenizer::Token;

use super::cursor::Cursor;
use super::ddl::duration_of;
use super::{FlinkStatement, Name, sql_error};
use crate::error::Result;

/// `CREATE MATERIALIZED TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateMaterializedTable {
    /// The table's name.
    pub name: Name,
    /// `FRESHNESS = INTERVAL ...`: how stale the data may get.
    pub freshness: Option<Duration>,
    /// `REFRESH_MODE = FULL | CONTINUOUS`, upper-cased.
    pub refresh_mode: Option<String>,
    /// `WITH ('k' = 'v', ...)`, as written.
    pub options: BTreeMap<String, String>,
    /// `COMMENT '...'`.
    pub comment: Option<String>,
    /// The defining query, outer parentheses removed.
    pub query: String,
}

/// What `ALTER MATERIALIZED TABLE` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaterializedAction {
    /// `SUSPEND`: stop refreshing.
    Suspend,
    /// `RESUME [WITH (..)]`: refresh again (the options are accepted and not kept).
    Resume,
    /// `REFRESH [PARTITION (k = 'v', ...)]`: refresh now, all of it or one partition.
    Refresh {
        /// The partition to refresh; empty for the whole table.
        partition: BTreeMap<String, String>,
    },
}

/// `CREATE MATERIALIZED TABLE [IF NOT EXISTS] name [(PRIMARY KEY ..)]
/// [COMMENT ..] [PARTITIONED BY (..)] [WITH (..)] [FRESHNESS = INTERVAL ..]
/// [REFRESH_MODE = FULL|CONTINUOUS] AS query`, after `TABLE`. `IF NOT
/// EXISTS`, the primary key and the partitioning are checked and not kept.
pub(super) fn create(c: &mut Cursor) -> Result<FlinkStatement> {
    let _ = c.kws(&["IF", "NOT", "EXISTS"]);
    let name = c.name()?;
    if c.token(&Token::LParen) {
        if c.kw("CONSTRAINT") {
            c.ident()?;
        }
        c.expect_kw("PRIMARY")?;
        c.expect_kw("KEY")?;
        c.ident_list()?;
        if !c.kws(&["NOT", "ENFORCED"]) {
            return c.expected("NOT ENFORCED");
        }
        c.expect_token(&Token::RParen)?;
    }
    let comment = c.comment()?;
    if c.kws(&["PARTITIONED", "BY"]) {
        c.ident_list()?;
    }
    let options = if c.kw("WITH") { c.options()? } else { BTreeMap::new() };
    let freshness = if c.kw("FRESHNESS") {
        c.expect_token(&Token::Eq)?;
        Some(freshness(c)?)
    } else {
        None
    };
    let refresh_mode = if c.kw("REFRESH_MODE") {
        c.expect_token(&Token::Eq)?;
        match c.one_of(&["FULL", "CONTINUOUS"]) {
            Some(mode) => Some(mode.to_string()),
            None => return c.expected("FULL or CONTINUOUS"),
        }
    } else {
        None
    };
    c.expect_kw("AS")?;
    let query = c.rest_query()?;
    Ok(FlinkStatement::CreateMaterializedTable(CreateMaterializedTable {
        name,
        freshness,
        refresh_mode,
        options,
        comment,
        query,
    }))
}

/// `ALTER MATERIALIZED TABLE name SUSPEND | RESUME [WITH (..)] | REFRESH
/// [PARTITION (k = 'v', ...)]`, after `TABLE`.
pub(super) fn alter(c: &mut Cursor) -> Result<FlinkStatement> {
    let name = c.name()?;
    let action = match c.one_of(&["SUSPEND", "RESUME", "REFRESH"]) {
        Some("SUSPEND") => MaterializedAction::Suspend,
        Some("RESUME") => {
            if c.kw("WITH") {
                c.options()?;
            }
            MaterializedAction::Resume
        }
        Some(_) => {
            MaterializedAction::Refresh { partition: if c.kw("PARTITION") { partition(c)? } else { BTreeMap::new() } }
        }
        None => return c.expected("SUSPEND, RESUME or REFRESH"),
    };
    c.expect_end()?;
    Ok(FlinkStatement::AlterMaterializedTable { name, action })
}

/// `(k = 'v', k2 = 1, ...)`: partition keys are column names, values
/// strings or numbers as written.
fn partition(c: &mut Cursor) -> Result<BTreeMap<String, String>> {
    c.expect_token(&Token::LParen)?;
    let mut spec = BTreeMap::new();
    loop {
        let key = c.ident()?;
        c.expect_token(&Token::Eq)?;
        let value = match &c.peek().token {
            Token::SingleQuotedString(s) | Token::Number(s, _) => s.clone(),
            _ => return c.expected("a partition value"),
        };
        c.next();
        spec.insert(key, value);
        if !c.token(&Token::Comma) {
            break;
        }
    }
    c.expect_token(&Token::RParen)?;
    Ok(spec)
}

/// `INTERVAL '<n>' <unit>` after `FRESHNESS =`, read token by token: the
/// query that follows must not be taken for part of an expression.
fn freshness(c: &mut Cursor) -> Result<Duration> {
    let start = c.next_start();
    c.expect_kw("INTERVAL")?;
    let n = match &c.peek().token {
        Token::SingleQuotedString(n) | Token::Number(n, _) => n.clone(),
        _ => return c.expected("an interval value"),
    };
    c.next();
    let unit = match &c.peek().token {
        Token::Word(w) if w.quote_style.is_none() => w.value.clone(),
        _ => return c.expected("SECOND, MINUTE, HOUR or DAY"),
    };
    c.next();
    duration_of(&n, &unit).ok_or_else(|| {
        sql_error(format!(
            "Unsupported FRESHNESS {}: expected INTERVAL '<n>' SECOND|MINUTE|HOUR|DAY",
            c.slice(start, c.prev_end())
        ))
    })
}
