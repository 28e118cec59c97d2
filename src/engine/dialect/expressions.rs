//! Flink expression syntax DataFusion's parser lacks, rewritten into calls
//! it plans, before a query, INSERT body, view or computed column is parsed.
//!
//! - `MAP[k1, v1, k2, v2]` → `make_map(k1, v1, k2, v2)`;
//! - `CAST(e AS t)` / `TRY_CAST` to a type DataFusion's SQL cannot name
//!   (`BYTES`, `BINARY(n)`, `TIMESTAMP_LTZ(p)`, `TIMESTAMP(p)`, `ROW<..>`,
//!   `MAP<..>`, `ARRAY<..>`) → `arrow_cast(e, '<arrow type>')`, with Flink's
//!   type mapping (a `TIMESTAMP_LTZ` is an instant read in the session zone);
//! - `FLOOR(t TO unit)` / `CEIL(t TO unit)` → `floor_time('UNIT', t)` /
//!   `ceil_time('UNIT', t)`;
//! - `TIMESTAMPADD(unit, n, t)`, `TIMESTAMPDIFF(unit, a, b)`: the unit
//!   keyword becomes a string argument of the functions of that name;
//! - `LOCALTIMESTAMP`, `LOCALTIME` (no parentheses) → calls of those functions;
//! - `e IS [NOT] JSON [VALUE|SCALAR|ARRAY|OBJECT]` → `[NOT] is_json(e, 'KIND')`;
//! - `JSON_OBJECT([KEY] k VALUE v, .. [NULL|ABSENT ON NULL])` →
//!   `json_object('NULL'|'ABSENT', k, v, ..)`, and `JSON_ARRAY(v, .. [.. ON NULL])`
//!   → `json_array('ABSENT'|'NULL', v, ..)` (Flink's defaults: objects keep
//!   NULLs, arrays drop them), and the aggregates `JSON_OBJECTAGG([KEY] k
//!   VALUE v [..])` / `JSON_ARRAYAGG(v [..])` alike → `json_objectagg(mode,
//!   k, v)` / `json_arrayagg(mode, v)`;
//! - `(a, b) OVERLAPS (c, d)` and `JSON_VALUE(.. RETURNING ..)`: see
//!   [`super::clauses`].
//!
//! The text is tokenized with the SQL tokenizer, so strings, quoted names
//! and comments are never touched; everything outside a rewritten construct
//! is copied byte for byte, and the arguments of a rewritten construct are
//! rewritten in turn. Text the tokenizer rejects comes back unchanged, for
//! the parser to report.

use datafusion::sql::sqlparser::tokenizer::Token;

use super::cursor::Cursor;
use super::source::tokenize;
use super::types::{TypeKind, parse_type};
use crate::error::{GatewayError, Result};

/// Deepest nesting of rewritten constructs, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Words that may start a construct rewritten here; text without any of them is returned as is.
const TRIGGERS: [&str; 9] = ["MAP", "CAST", "FLOOR", "CEIL", "TIMESTAMPADD", "TIMESTAMPDIFF", "JSON", "LOCALTIME", "OVERLAPS"];

/// One meaningful token with its byte range in the text.
pub(super) struct Tok {
    /// The token.
    pub(super) token: Token,
    /// Byte offset of its first character.
    pub(super) start: usize,
    /// Byte offset just past its last character.
    pub(super) end: usize,
}

impl Tok {
    /// The upper-cased unquoted word, if the token is one.
    pub(super) fn word(&self) -> Option<String> {
        match &self.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    /// Whether the token is the unquoted word `word` (case-insensitive).
    pub(super) fn is(&self, word: &str) -> bool {
        self.word().is_some_and(|w| w == word)
    }
}

/// `sql` with Flink's expression syntax rewritten; `zone` is the session
/// time zone a `TIMESTAMP_LTZ` cast reads wall-clock text in.
pub fn rewrite_expressions(sql: &str, zone: &str) -> Result<String> {
    let upper = sql.to_ascii_uppercase();
    if !TRIGGERS.iter().any(|t| upper.contains(t)) {
        return Ok(sql.to_string());
    }
    rewrite(sql, zone, 0)
}

/// One level of rewriting: constructs found in `sql` are replaced, their
/// arguments rewritten recursively.
fn rewrite(sql: &str, zone: &str, depth: usize) -> Result<String> {
    if depth > MAX_DEPTH {
        return Err(GatewayError::Sql("SQL parse error: expression nested too deeply".into()));
    }
    let Some(toks) = tokens(sql) else { return Ok(sql.to_string()) };
    let inner = |range: std::ops::Range<usize>| rewrite(&sql[range], zone, depth + 1);
    let overlaps = toks.iter().any(|t| t.is("OVERLAPS"));
    let mut out = String::with_capacity(sql.len() + 64);
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        let replaced = construct(sql, &toks, i, zone, overlaps, &inner)?;
        match replaced {
            Some(Replacement { from, last, text }) => {
                // `from` may lie before `i` (the operand of `IS JSON`), never before what was copied.
                let from_byte = toks[from].start.max(copied);
                out.push_str(&sql[copied..from_byte]);
                out.push_str(&text);
                copied = toks[last].end;
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

/// A rewritten construct: tokens `from..=last` become `text`.
pub(super) struct Replacement {
    /// Its first token.
    pub(super) from: usize,
    /// Its last token.
    pub(super) last: usize,
    /// What it becomes.
    pub(super) text: String,
}

/// The construct starting at token `i` (or, for `IS JSON`, ending its operand there), if any.
/// `overlaps` says whether the text has an `OVERLAPS` at all, so that not
/// every `(` is followed to its closing bracket.
fn construct(sql: &str, toks: &[Tok], i: usize, zone: &str, overlaps: bool, inner: &dyn Fn(std::ops::Range<usize>) -> Result<String>) -> Result<Option<Replacement>> {
    if overlaps && toks[i].token == Token::LParen {
        return super::clauses::overlaps(toks, i, &text_of_in(toks, inner));
    }
    let Some(word) = toks[i].word() else { return Ok(None) };
    // A name after a dot (`t.map`) or a column followed by something else is not a construct.
    if i > 0 && toks[i - 1].token == Token::Period {
        return Ok(None);
    }
    let next = toks.get(i + 1).map(|t| &t.token);
    let args = |open: usize| -> Result<(usize, Vec<(usize, usize)>)> {
        let close = closing(toks, open).ok_or_else(|| GatewayError::Sql(format!("SQL parse error: unbalanced brackets after {word}")))?;
        Ok((close, split_top_level(toks, open + 1, close)))
    };
    let text_of = text_of_in(toks, inner);
    match (word.as_str(), next) {
        ("MAP", Some(Token::LBracket)) => {
            let (close, parts) = args(i + 1)?;
            let items = parts.into_iter().map(text_of).collect::<Result<Vec<_>>>()?;
            if items.len() % 2 != 0 || items.iter().any(String::is_empty) {
                return Err(GatewayError::Sql("SQL validation failed. MAP[...] takes keys and values in pairs: MAP[k1, v1, k2, v2, ...]".into()));
            }
            Ok(Some(Replacement { from: i, last: close, text: format!("make_map({})", items.join(", ")) }))
        }
        ("CAST" | "TRY_CAST", Some(Token::LParen)) => {
            let (close, _) = args(i + 1)?;
            let Some(as_at) = last_top_level(toks, i + 2, close, "AS") else { return Ok(None) };
            let type_text = &sql[toks[as_at + 1].start.min(toks[close].start)..toks[close].start];
            let Some(arrow) = arrow_cast_type(type_text, zone)? else { return Ok(None) };
            let value = text_of((i + 2, as_at))?;
            let function = if word == "CAST" { "arrow_cast" } else { "arrow_try_cast" };
            Ok(Some(Replacement { from: i, last: close, text: format!("{function}({value}, '{arrow}')") }))
        }
        ("FLOOR" | "CEIL" | "CEILING", Some(Token::LParen)) => {
            let (close, _) = args(i + 1)?;
            let Some(to_at) = last_top_level(toks, i + 2, close, "TO") else { return Ok(None) };
            let unit = unit_name(toks, to_at + 1, close)?;
            let value = text_of((i + 2, to_at))?;
            let function = if word == "FLOOR" { "floor_time" } else { "ceil_time" };
            let text = format!("{function}('{unit}', {value})");
            Ok(Some(Replacement { from: i, last: close, text }))
        }
        ("TIMESTAMPADD" | "TIMESTAMPDIFF", Some(Token::LParen)) => {
            let (close, parts) = args(i + 1)?;
            let Some(&(unit_from, unit_to)) = parts.first() else { return Ok(None) };
            if unit_to != unit_from + 1 || toks[unit_from].word().is_none() {
                return Ok(None);
            }
            let unit = unit_name(toks, unit_from, unit_to)?;
            let rest = parts[1..].iter().map(|&p| text_of(p)).collect::<Result<Vec<_>>>()?;
            Ok(Some(Replacement { from: i, last: close, text: format!("{}('{unit}', {})", word.to_ascii_lowercase(), rest.join(", ")) }))
        }
        ("JSON_OBJECT" | "JSON_ARRAY" | "JSON_OBJECTAGG" | "JSON_ARRAYAGG", Some(Token::LParen)) => {
            let (close, parts) = args(i + 1)?;
            let mut parts = parts;
            let on_null = on_null_clause(toks, &mut parts);
            let mut items = Vec::new();
            for part in parts {
                if part.0 >= part.1 {
                    continue;
                }
                if word.starts_with("JSON_ARRAY") {
                    items.push(text_of(part)?);
                    continue;
                }
                // [KEY] k VALUE v
                let start = if toks[part.0].is("KEY") { part.0 + 1 } else { part.0 };
                let Some(value_at) = last_top_level(toks, start, part.1, "VALUE") else {
                    return Err(GatewayError::Sql(format!("SQL validation failed. {word} takes entries as [KEY] key VALUE value")));
                };
                items.push(text_of((start, value_at))?);
                items.push(text_of((value_at + 1, part.1))?);
            }
            let default = if word.starts_with("JSON_OBJECT") { "NULL" } else { "ABSENT" };
            let mode = on_null.unwrap_or(default);
            let args = std::iter::once(format!("'{mode}'")).chain(items).collect::<Vec<_>>().join(", ");
            Ok(Some(Replacement { from: i, last: close, text: format!("{}({args})", word.to_ascii_lowercase()) }))
        }
        ("JSON_VALUE", Some(Token::LParen)) => {
            let (close, parts) = args(i + 1)?;
            super::clauses::json_value(sql, toks, i, close, &parts, zone, &text_of)
        }
        ("IS", _) => is_json(toks, i, inner),
        // Keywords without parentheses the SQL parser takes for column names.
        ("LOCALTIMESTAMP" | "LOCALTIME", next) if next != Some(&Token::LParen) => Ok(Some(Replacement { from: i, last: i, text: format!("{}()", word.to_ascii_lowercase()) })),
        _ => Ok(None),
    }
}

/// The text of tokens `a..b`, rewritten in turn (empty when `a >= b`).
pub(super) fn text_of_in<'a>(toks: &'a [Tok], inner: &'a dyn Fn(std::ops::Range<usize>) -> Result<String>) -> impl Fn((usize, usize)) -> Result<String> + 'a {
    move |(a, b)| if a >= b { Ok(String::new()) } else { inner(toks[a].start..toks[b - 1].end) }
}

/// `e IS [NOT] JSON [kind]`, with `IS` at token `i`: the operand is the
/// primary right before it (a name, literal, call or parenthesized expression).
fn is_json(toks: &[Tok], i: usize, inner: &dyn Fn(std::ops::Range<usize>) -> Result<String>) -> Result<Option<Replacement>> {
    let negated = toks.get(i + 1).is_some_and(|t| t.is("NOT"));
    let json_at = i + 1 + usize::from(negated);
    if !toks.get(json_at).is_some_and(|t| t.is("JSON")) || i == 0 {
        return Ok(None);
    }
    let kind = toks.get(json_at + 1).and_then(Tok::word).filter(|w| ["VALUE", "SCALAR", "ARRAY", "OBJECT"].contains(&w.as_str()));
    let last = json_at + usize::from(kind.is_some());
    let Some(from) = operand_start(toks, i - 1) else { return Ok(None) };
    let operand = inner(toks[from].start..toks[i - 1].end)?;
    let not = if negated { "NOT " } else { "" };
    let kind = kind.unwrap_or_else(|| "VALUE".into());
    Ok(Some(Replacement { from, last, text: format!("{not}is_json({operand}, '{kind}')") }))
}

/// The first token of the primary expression ending at token `end`.
fn operand_start(toks: &[Tok], end: usize) -> Option<usize> {
    let mut at = end;
    if toks[at].token == Token::RParen {
        at = opening(toks, at)?;
        // A function call: the name (possibly qualified) before the parenthesis.
        if at > 0 && matches!(toks[at - 1].token, Token::Word(_)) {
            at -= 1;
        }
    } else if !matches!(toks[at].token, Token::Word(_) | Token::SingleQuotedString(_) | Token::Number(..)) {
        return None;
    }
    while at >= 2 && toks[at - 1].token == Token::Period && matches!(toks[at - 2].token, Token::Word(_)) {
        at -= 2;
    }
    Some(at)
}

/// A trailing `NULL ON NULL` / `ABSENT ON NULL` of the last argument,
/// removed from it: `Some("NULL" | "ABSENT")`.
fn on_null_clause(toks: &[Tok], parts: &mut [(usize, usize)]) -> Option<&'static str> {
    let last = parts.last_mut()?;
    let (a, b) = *last;
    if b < a + 3 || !(toks[b - 2].is("ON") && toks[b - 1].is("NULL")) {
        return None;
    }
    let mode = match toks[b - 3].word()?.as_str() {
        "NULL" => "NULL",
        "ABSENT" => "ABSENT",
        _ => return None,
    };
    *last = (a, b - 3);
    Some(mode)
}

/// A time unit keyword (`DAY`, `HOUR`, ...) spanning tokens `from..to`.
fn unit_name(toks: &[Tok], from: usize, to: usize) -> Result<String> {
    const UNITS: [&str; 10] = ["MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"];
    let unit = (to == from + 1).then(|| toks[from].word()).flatten().map(|u| u.trim_end_matches("S").to_string());
    match unit {
        Some(u) if UNITS.contains(&u.as_str()) => Ok(u),
        _ => Err(GatewayError::Sql(format!("SQL parse error: expected a time unit ({}), found '{}'", UNITS.join(", "), toks.get(from).map(|t| t.token.to_string()).unwrap_or_default()))),
    }
}

/// The Arrow type a cast to the Flink type `text` needs, when DataFusion's
/// SQL cannot name it; `None` for the types DataFusion casts to itself.
pub(super) fn arrow_cast_type(text: &str, zone: &str) -> Result<Option<String>> {
    let upper = text.to_ascii_uppercase();
    let needs_arrow = ["BYTES", "BINARY", "TIMESTAMP_LTZ", "LOCAL TIME ZONE", "ROW", "MAP", "ARRAY", "MULTISET"].iter().any(|w| upper.contains(w))
        || (upper.trim_start().starts_with("TIMESTAMP") && upper.contains('('));
    if !needs_arrow {
        return Ok(None);
    }
    arrow_type_text(text, zone).map(Some)
}

/// The Arrow type text (quotes doubled, for a SQL string) of the Flink type `text`.
pub(super) fn arrow_type_text(text: &str, zone: &str) -> Result<String> {
    let mut cursor = Cursor::new(text)?;
    let ty = parse_type(&mut cursor)?;
    cursor.expect_end()?;
    let arrow = match (&ty.kind, ty.to_arrow()) {
        // Wall-clock text cast to an instant is read in the session zone.
        (TypeKind::TimestampLtz(_), datafusion::arrow::datatypes::DataType::Timestamp(unit, _)) => datafusion::arrow::datatypes::DataType::Timestamp(unit, Some(zone.into())),
        (_, arrow) => arrow,
    };
    Ok(arrow.to_string().replace('\'', "''"))
}

/// The meaningful tokens of `sql` with byte ranges; `None` when the
/// tokenizer rejects it or positions cannot be mapped.
fn tokens(sql: &str) -> Option<Vec<Tok>> {
    let tokens = tokenize(sql).ok()?;
    let positions = super::source::Positions::new(sql);
    let toks: Vec<Tok> = tokens
        .into_iter()
        .filter(|t| !super::source::is_blank(&t.token) && t.token != Token::EOF)
        .map(|t| Some(Tok { start: positions.offset(t.span.start)?, end: positions.offset(t.span.end)?, token: t.token }))
        .collect::<Option<_>>()?;
    let ordered = toks.iter().all(|t| t.start <= t.end) && toks.windows(2).all(|w| w[0].end <= w[1].start);
    ordered.then_some(toks)
}

/// The token closing the bracket opened at `open` (`(` or `[`).
pub(super) fn closing(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (at, tok) in toks.iter().enumerate().skip(open) {
        match tok.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The `(` matching the `)` at `close`.
fn opening(toks: &[Tok], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for at in (0..=close).rev() {
        match toks[at].token {
            Token::RParen | Token::RBracket => depth += 1,
            Token::LParen | Token::LBracket => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Token ranges of the comma-separated parts of `from..to`, at bracket depth zero.
pub(super) fn split_top_level(toks: &[Tok], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, from);
    for at in from..to {
        match toks[at].token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                parts.push((start, at));
                start = at + 1;
            }
            _ => {}
        }
    }
    if start < to || !parts.is_empty() {
        parts.push((start, to));
    }
    parts
}

/// The last unquoted `word` at bracket depth zero in `from..to`, skipping
/// the insides of `CASE ... END` (whose `AS`-free syntax has none anyway).
pub(super) fn last_top_level(toks: &[Tok], from: usize, to: usize, word: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut found = None;
    for at in from..to {
        match toks[at].token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            _ if depth == 0 && toks[at].is(word) => found = Some(at),
            _ => {}
        }
    }
    found
}
