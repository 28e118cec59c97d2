//! Flink's session and job statements: `SET` / `RESET`, `STOP JOB`,
//! `EXPLAIN`, `EXECUTE`, statement sets and the target of `INSERT`.

use datafusion::sql::sqlparser::tokenizer::Token;

use super::cursor::{Cursor, starts_query};
use super::{FlinkStatement, parse, sql_error};
use crate::error::Result;

/// Flink's error for anything but an INSERT inside a statement set.
pub(super) const ONLY_INSERT_ERROR: &str = "Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set or use 'END' statement to submit Statement Set.";

/// The plan details `EXPLAIN` takes.
const EXPLAIN_DETAILS: [&str; 4] = ["ESTIMATED_COST", "CHANGELOG_MODE", "JSON_EXECUTION_PLAN", "PLAN_ADVICE"];

/// `INSERT INTO|OVERWRITE [TABLE] name ...`, at `INSERT`.
pub(super) fn insert(c: &mut Cursor) -> Result<FlinkStatement> {
    let sql = c.whole()?;
    c.expect_kw("INSERT")?;
    if c.one_of(&["INTO", "OVERWRITE"]).is_none() {
        return c.expected("INTO or OVERWRITE");
    }
    // Hive's spelling, `INSERT OVERWRITE TABLE t`.
    let name_follows = matches!(&c.peek_nth(1).token, Token::Word(w)
        if !["SELECT", "VALUES", "WITH"].iter().any(|k| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k)));
    if name_follows {
        let _ = c.kw("TABLE");
    }
    let table = c.name()?;
    if c.at_end() {
        return c.expected("a query or a column list");
    }
    Ok(FlinkStatement::Insert { table, sql })
}

/// `SET`, `SET 'k' = 'v'` or `SET k.a-b = v`, after `SET`.
pub(super) fn set(c: &mut Cursor) -> Result<FlinkStatement> {
    if c.at_end() {
        return Ok(FlinkStatement::Set(None));
    }
    let key = key(c)?;
    c.expect_token(&Token::Eq)?;
    let value = match &c.peek().token {
        Token::SingleQuotedString(s) => {
            let s = s.clone();
            c.next();
            c.expect_end()?;
            s
        }
        // `SET k = "v"`: a quoted word is the value without its quotes.
        Token::Word(w) if w.quote_style.is_some() && c.peek_nth(1).token == Token::EOF => {
            let value = w.value.clone();
            c.next();
            value
        }
        Token::EOF => return c.expected("a value"),
        _ => c.rest()?,
    };
    Ok(FlinkStatement::Set(Some((key, value))))
}

/// `RESET` or `RESET 'k'`, after `RESET`.
pub(super) fn reset(c: &mut Cursor) -> Result<FlinkStatement> {
    if c.at_end() {
        return Ok(FlinkStatement::Reset(None));
    }
    let key = key(c)?;
    c.expect_end()?;
    Ok(FlinkStatement::Reset(Some(key)))
}

/// A configuration key: a string literal, a quoted identifier, or words,
/// dots and dashes written without spaces (`table.exec.mini-batch.enabled`).
fn key(c: &mut Cursor) -> Result<String> {
    match &c.peek().token {
        Token::SingleQuotedString(_) => return c.string(),
        Token::Word(w) if w.quote_style.is_some() => {
            let key = w.value.clone();
            c.next();
            return Ok(key);
        }
        Token::Word(_) => {}
        _ => return c.expected("a configuration key"),
    }
    let start = c.next_start();
    let mut end = start;
    loop {
        let token = c.peek();
        let part = matches!(&token.token, Token::Word(w) if w.quote_style.is_none())
            || matches!(token.token, Token::Period | Token::Minus | Token::Number(..));
        if !part || token.span.start != end && end != start {
            break;
        }
        end = c.next().span.end;
    }
    Ok(c.slice(start, end))
}

/// `STOP JOB 'id' [WITH SAVEPOINT] [WITH DRAIN]`, after `JOB`.
pub(super) fn stop_job(c: &mut Cursor) -> Result<FlinkStatement> {
    let id = c.string()?;
    let (mut with_savepoint, mut with_drain) = (false, false);
    loop {
        if !with_savepoint && c.kws(&["WITH", "SAVEPOINT"]) {
            with_savepoint = true;
        } else if !with_drain && c.kws(&["WITH", "DRAIN"]) {
            with_drain = true;
        } else {
            break;
        }
    }
    c.expect_end()?;
    Ok(FlinkStatement::StopJob { id, with_savepoint, with_drain })
}

/// `EXPLAIN [PLAN FOR | detail, ...] <query | insert | STATEMENT SET ...>`,
/// after `EXPLAIN`; `None` for DataFusion's `EXPLAIN ANALYZE|VERBOSE|FORMAT`.
pub(super) fn explain(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    if ["ANALYZE", "VERBOSE", "FORMAT"].iter().any(|k| c.peek_kw(k)) {
        return Ok(None);
    }
    let mut details = Vec::new();
    if !c.kws(&["PLAN", "FOR"]) {
        while let Some(detail) = c.one_of(&EXPLAIN_DETAILS) {
            details.push(detail.to_string());
            if !c.token(&Token::Comma) {
                break;
            }
            if !EXPLAIN_DETAILS.iter().any(|d| c.peek_kw(d)) {
                return c
                    .expected("an EXPLAIN detail (ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN, PLAN_ADVICE)");
            }
        }
    }
    let statement = if c.peek_kw("STATEMENT") && c.peek_nth_kw(1, "SET") {
        let start = c.next_start();
        c.next();
        c.next();
        c.expect_kw("BEGIN")?;
        statement_set(c)?;
        c.slice(start, c.prev_end())
    } else if c.peek_kw("INSERT") || starts_query(&c.peek().token) {
        checked_inner(c)?
    } else {
        return c.expected("a query, INSERT or STATEMENT SET");
    };
    Ok(Some(FlinkStatement::Explain { details, statement }))
}

/// `EXECUTE STATEMENT SET BEGIN ...; END` or `EXECUTE <insert | query>`,
/// after `EXECUTE`; `None` for DataFusion's `EXECUTE prepared(...)`.
pub(super) fn execute(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    if c.kws(&["STATEMENT", "SET"]) {
        c.expect_kw("BEGIN")?;
        return Ok(Some(FlinkStatement::ExecuteStatementSet(statement_set(c)?)));
    }
    if c.peek_kw("INSERT") || starts_query(&c.peek().token) {
        return Ok(Some(FlinkStatement::Execute(checked_inner(c)?)));
    }
    Ok(None)
}

/// The rest of the statement, an INSERT or a query; INSERTs are parsed to
/// check them.
fn checked_inner(c: &mut Cursor) -> Result<String> {
    let is_insert = c.peek_kw("INSERT");
    let text = c.rest()?;
    if is_insert {
        parse(&text)?;
    }
    Ok(text)
}

/// The body of a statement set after `BEGIN`: INSERT statements, each
/// ending with `;`, then `END` and nothing more. Returns the INSERT texts.
fn statement_set(c: &mut Cursor) -> Result<Vec<String>> {
    let mut inserts = Vec::new();
    loop {
        if c.peek_kw("END") {
            if inserts.is_empty() {
                return c.expected("INSERT");
            }
            c.next();
            break;
        }
        if c.at_end() {
            return c.expected("INSERT or END");
        }
        if !c.peek_kw("INSERT") {
            return Err(sql_error(ONLY_INSERT_ERROR));
        }
        let text = c.until_semicolon()?;
        match parse(&text)? {
            FlinkStatement::Insert { .. } => inserts.push(text),
            _ => return Err(sql_error(ONLY_INSERT_ERROR)),
        }
    }
    c.expect_end()?;
    Ok(inserts)
}
