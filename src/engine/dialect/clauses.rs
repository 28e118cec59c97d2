//! Flink constructs made of keyword clauses, rewritten for DataFusion by
//! [`super::expressions`]:
//!
//! - `(t1, t2) OVERLAPS (t3, t4)`, which DataFusion's planner refuses
//!   ("Only identifiers and literals are supported in tuples"), becomes
//!   the SQL standard predicate Flink (Calcite) plans: each pair sorted
//!   into a start `s` and an end `e`, then `e0 >= s1 AND e1 >= s0`. A
//!   second member that is an interval (written `INTERVAL ...`) is added to
//!   the first to give the end; any other second member is a time point.
//!   The sorting is a `CASE` that is NULL when either member is, so a NULL
//!   makes the predicate NULL (unless the other half is FALSE), as Calcite's
//!   `LEAST`/`GREATEST` do; DataFusion's `least`/`greatest` skip NULLs.
//! - `JSON_VALUE(json, path [RETURNING type] [NULL | ERROR | DEFAULT x ON
//!   EMPTY] [NULL | ERROR | DEFAULT x ON ERROR])` becomes `json_value(json,
//!   path, '<arrow type>', 'NULL' | 'ERROR' | 'DEFAULT', x, 'NULL' |
//!   'ERROR' | 'DEFAULT', x)`, the function's form with clauses (the
//!   defaults are `STRING` and `NULL ON EMPTY`/`NULL ON ERROR`); the form
//!   without clauses is left as it is.

use datafusion::sql::sqlparser::tokenizer::Token;

use super::expressions::{Replacement, Tok, arrow_type_text, closing, last_top_level, split_top_level};
use crate::error::GatewayError;
use crate::error::Result;

/// `(a, b) OVERLAPS (c, d)` with its first `(` at token `open`, if it is one.
pub(super) fn overlaps(toks: &[Tok], open: usize, text_of: &dyn Fn((usize, usize)) -> Result<String>) -> Result<Option<Replacement>> {
    let Some(close) = closing(toks, open) else { return Ok(None) };
    if !toks.get(close + 1).is_some_and(|t| t.is("OVERLAPS")) || toks.get(close + 2).map(|t| &t.token) != Some(&Token::LParen) {
        return Ok(None);
    }
    let Some(close2) = closing(toks, close + 2) else { return Ok(None) };
    let (first, second) = (split_top_level(toks, open + 1, close), split_top_level(toks, close + 3, close2));
    let ([a, b], [c, d]) = (first.as_slice(), second.as_slice()) else { return Ok(None) };
    let (s0, e0) = period(toks, *a, *b, text_of)?;
    let (s1, e1) = period(toks, *c, *d, text_of)?;
    let text = format!("({} >= {} AND {} >= {})", greatest(&s0, &e0), least(&s1, &e1), greatest(&s1, &e1), least(&s0, &e0));
    Ok(Some(Replacement { from: open, last: close2, text }))
}

/// A period's start and end texts: `(x)` and `(y)`, or `(x) + (y)` for an interval `y`.
fn period(toks: &[Tok], start: (usize, usize), end: (usize, usize), text_of: &dyn Fn((usize, usize)) -> Result<String>) -> Result<(String, String)> {
    let (s, e) = (format!("({})", text_of(start)?), text_of(end)?);
    let is_interval = toks.get(end.0).is_some_and(|t| t.is("INTERVAL"));
    Ok(if is_interval { (s.clone(), format!("({s} + {e})")) } else { (s, format!("({e})")) })
}

/// The smaller of `a` and `b`, NULL when either is.
fn least(a: &str, b: &str) -> String {
    format!("CASE WHEN {a} <= {b} THEN {a} WHEN {a} > {b} THEN {b} END")
}

/// The larger of `a` and `b`, NULL when either is.
fn greatest(a: &str, b: &str) -> String {
    format!("CASE WHEN {a} <= {b} THEN {b} WHEN {a} > {b} THEN {a} END")
}

/// `JSON_VALUE(..)` at token `at`, closed at `close`, with its top-level
/// comma-separated `parts`: rewritten when it has clauses.
pub(super) fn json_value(sql: &str, toks: &[Tok], at: usize, close: usize, parts: &[(usize, usize)], zone: &str, text_of: &dyn Fn((usize, usize)) -> Result<String>) -> Result<Option<Replacement>> {
    let &[json, (from, mut to)] = parts else { return Ok(None) };
    let on_error = behaviour(toks, from, &mut to, "ERROR", text_of)?;
    let on_empty = behaviour(toks, from, &mut to, "EMPTY", text_of)?;
    let returning = match last_top_level(toks, from, to, "RETURNING") {
        Some(r) if r + 1 < to => {
            let text = arrow_type_text(&sql[toks[r + 1].start..toks[to - 1].end], zone)?;
            to = r;
            Some(text)
        }
        Some(_) => return Err(GatewayError::Sql("SQL parse error: JSON_VALUE: RETURNING needs a type".into())),
        None => None,
    };
    if returning.is_none() && on_empty.is_none() && on_error.is_none() {
        return Ok(None);
    }
    let (empty_mode, empty_default) = on_empty.unwrap_or(("NULL", "NULL".into()));
    let (error_mode, error_default) = on_error.unwrap_or(("NULL", "NULL".into()));
    let ty = returning.unwrap_or_else(|| "Utf8".into());
    let text = format!("json_value({}, {}, '{ty}', '{empty_mode}', {empty_default}, '{error_mode}', {error_default})", text_of(json)?, text_of((from, to))?);
    Ok(Some(Replacement { from: at, last: close, text }))
}

/// A trailing `NULL | ERROR | DEFAULT x ON <condition>` of tokens
/// `from..*to`, removed from them: the mode and the default's text.
fn behaviour(toks: &[Tok], from: usize, to: &mut usize, condition: &str, text_of: &dyn Fn((usize, usize)) -> Result<String>) -> Result<Option<(&'static str, String)>> {
    let end = *to;
    if end < from + 3 || !(toks[end - 2].is("ON") && toks[end - 1].is(condition)) {
        return Ok(None);
    }
    let on = end - 2;
    let found = if toks[on - 1].is("ERROR") {
        Some((on - 1, ("ERROR", "NULL".to_string())))
    } else if toks[on - 1].is("NULL") && !toks[on - 2].is("DEFAULT") {
        Some((on - 1, ("NULL", "NULL".to_string())))
    } else {
        last_top_level(toks, from, on, "DEFAULT").filter(|d| d + 1 < on).map(|d| Ok::<_, GatewayError>((d, ("DEFAULT", text_of((d + 1, on))?)))).transpose()?
    };
    let Some((start, clause)) = found else {
        return Err(GatewayError::Sql(format!("SQL parse error: JSON_VALUE: expected NULL, ERROR or DEFAULT <value> before ON {condition}")));
    };
    *to = start;
    Ok(Some(clause))
}
