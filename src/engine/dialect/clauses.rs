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

use datafusion::sql::sqlparser::tokenizer::Token;

use super::expressions::{Replacement, Tok, closing, split_top_level};
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
