//! Flink's window table functions as derived tables DataFusion can plan.
//!
//! `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size))` and
//! `TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size))` (positional or with
//! Flink's named arguments `DATA =>`, `TIMECOL =>`, `SLIDE =>`, `SIZE =>`)
//! become a subquery adding `window_start`, `window_end` and `window_time`
//! to every column of `t`. TUMBLE bins with `date_bin`; HOP unnests the list
//! of window starts from [`HOP_WINDOW_STARTS`], one row per window.
//!
//! The text is tokenized with the SQL tokenizer, so names, strings and
//! comments that merely look like a window function are left alone, and
//! everything outside a window call is copied byte for byte.

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Location, Token, Tokenizer};

use super::functions::HOP_WINDOW_STARTS;
use crate::error::{GatewayError, Result};

/// Window table functions Flink knows; only the first two are provided.
const WINDOW_FUNCTIONS: [&str; 4] = ["TUMBLE", "HOP", "CUMULATE", "SESSION"];

/// One token with its byte range in the text.
struct Tok {
    /// The token.
    token: Token,
    /// Byte offset of its first character.
    start: usize,
    /// Byte offset just past its last character.
    end: usize,
}

/// Rewrite every window table function call in `sql`; text without one
/// comes back unchanged. Text the tokenizer rejects also comes back
/// unchanged, for the parser to report properly.
pub fn rewrite_window_tvfs(sql: &str) -> Result<String> {
    let upper = sql.to_ascii_uppercase();
    if !WINDOW_FUNCTIONS.iter().any(|name| upper.contains(name)) {
        return Ok(sql.to_string());
    }
    let Some(toks) = tokenize(sql) else { return Ok(sql.to_string()) };
    let mut out = String::with_capacity(sql.len() + 256);
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        match window_call(sql, &toks, i)? {
            Some((last, replacement)) => {
                out.push_str(&sql[copied..toks[i].start]);
                out.push_str(&replacement);
                copied = toks[last].end;
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

/// The tokens of `sql` without whitespace and comments, with byte ranges.
fn tokenize(sql: &str) -> Option<Vec<Tok>> {
    let dialect = GenericDialect {};
    let tokens = Tokenizer::new(&dialect, sql).tokenize_with_location().ok()?;
    let line_starts: Vec<usize> = std::iter::once(0).chain(sql.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset = |loc: Location| -> Option<usize> {
        let line_start = *line_starts.get(usize::try_from(loc.line).ok()?.checked_sub(1)?)?;
        let chars = usize::try_from(loc.column).ok()?.checked_sub(1)?;
        let line = &sql[line_start..];
        Some(line_start + line.char_indices().nth(chars).map_or(line.len(), |(i, _)| i))
    };
    let toks: Vec<Tok> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .map(|t| Some(Tok { start: offset(t.span.start)?, end: offset(t.span.end)?, token: t.token }))
        .collect::<Option<_>>()?;
    // Ranges must be ordered for the text between them to be copied; if the
    // tokenizer ever reported otherwise, leave the text alone.
    let ordered = toks.iter().all(|t| t.start <= t.end) && toks.windows(2).all(|w| w[0].end <= w[1].start);
    ordered.then_some(toks)
}

/// Whether `tok` is the unquoted keyword `keyword`.
fn is_keyword(tok: &Tok, keyword: Keyword) -> bool {
    matches!(&tok.token, Token::Word(w) if w.keyword == keyword && w.quote_style.is_none())
}

/// If a window call `TABLE(NAME(...))` starts at `i`: the index of its last
/// token and the text replacing it.
fn window_call(sql: &str, toks: &[Tok], i: usize) -> Result<Option<(usize, String)>> {
    let [table, open, name, args_open, ..] = &toks[i..] else { return Ok(None) };
    if !is_keyword(table, Keyword::TABLE) || open.token != Token::LParen || args_open.token != Token::LParen {
        return Ok(None);
    }
    let Token::Word(word) = &name.token else { return Ok(None) };
    let function = word.value.to_ascii_uppercase();
    if word.quote_style.is_some() || !WINDOW_FUNCTIONS.contains(&function.as_str()) {
        return Ok(None);
    }
    let Some(args_close) = closing_paren(toks, i + 3) else {
        return Err(GatewayError::Sql(format!("Unbalanced parentheses in the {function} window function call.")));
    };
    let last = args_close + 1;
    if toks.get(last).map(|t| &t.token) != Some(&Token::RParen) {
        return Err(GatewayError::Sql(format!("Expected ')' closing TABLE({function}(...)).")));
    }
    let params: &[&str] = match function.as_str() {
        "TUMBLE" => &["DATA", "TIMECOL", "SIZE", "OFFSET"],
        "HOP" => &["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"],
        _ => return Err(GatewayError::Sql(format!("{function} windows are not supported; use TUMBLE or HOP."))),
    };
    let args = bind_arguments(&function, params, split_arguments(&toks[i + 4..args_close]))?;
    let arg = |param: &str| -> Result<&[Tok]> {
        let index = params.iter().position(|p| *p == param).unwrap_or(0);
        args.get(index).copied().flatten().ok_or_else(|| GatewayError::Sql(format!("{function} is missing its {param} argument.")))
    };
    if args.get(params.len() - 1).copied().flatten().is_some() {
        return Err(GatewayError::Sql(format!("The OFFSET argument of {function} is not supported.")));
    }
    let data = data_argument(sql, &function, arg("DATA")?)?;
    let column = descriptor_column(sql, &function, arg("TIMECOL")?)?;
    let size = text_of(sql, arg("SIZE")?);
    let replacement = if function == "TUMBLE" {
        let start = format!("date_bin(({size}), __w.{column})");
        format!(
            "(SELECT __w.*, {start} AS window_start, {start} + ({size}) AS window_end, \
             {start} + ({size}) - INTERVAL '0.001' SECOND AS window_time FROM {data} AS __w)"
        )
    } else {
        let slide = text_of(sql, arg("SLIDE")?);
        format!(
            "(SELECT __h.*, __h.window_start + ({size}) AS window_end, \
             __h.window_start + ({size}) - INTERVAL '0.001' SECOND AS window_time \
             FROM (SELECT __w.*, unnest({HOP_WINDOW_STARTS}(__w.{column}, ({slide}), ({size}))) AS window_start \
             FROM {data} AS __w) AS __h)"
        )
    };
    Ok(Some((last, replacement)))
}

/// Index of the `)` matching the `(` at `open`.
fn closing_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, tok) in toks.iter().enumerate().skip(open) {
        match tok.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// The arguments between a call's parentheses, split at top-level commas.
fn split_arguments(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, tok) in toks.iter().enumerate() {
        match tok.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                args.push(&toks[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() || !args.is_empty() {
        args.push(&toks[start..]);
    }
    args
}

/// Match positional and named (`NAME => value`) arguments to `params`.
fn bind_arguments<'a>(function: &str, params: &[&str], args: Vec<&'a [Tok]>) -> Result<Vec<Option<&'a [Tok]>>> {
    let mut bound: Vec<Option<&[Tok]>> = vec![None; params.len()];
    let mut positional = 0;
    let mut named_seen = false;
    for arg in args {
        if arg.is_empty() {
            return Err(GatewayError::Sql(format!("Empty argument in the {function} window function call.")));
        }
        let (slot, value) = match arg {
            [Tok { token: Token::Word(w), .. }, Tok { token: Token::RArrow, .. }, value @ ..] => {
                named_seen = true;
                let name = w.value.to_ascii_uppercase();
                let Some(slot) = params.iter().position(|p| *p == name) else {
                    return Err(GatewayError::Sql(format!("{function} has no parameter named {}; its parameters are {}.", w.value, params.join(", "))));
                };
                (slot, value)
            }
            _ if named_seen => return Err(GatewayError::Sql(format!("Positional arguments of {function} must come before named ones."))),
            _ => {
                positional += 1;
                (positional - 1, arg)
            }
        };
        if slot >= params.len() {
            return Err(GatewayError::Sql(format!("Too many arguments for {function}: it takes {}.", params.join(", "))));
        }
        if value.is_empty() || bound[slot].replace(value).is_some() {
            return Err(GatewayError::Sql(format!("The {} argument of {function} is missing or given twice.", params[slot])));
        }
    }
    Ok(bound)
}

/// The source text spanned by `toks` (never empty when called).
fn text_of<'s>(sql: &'s str, toks: &[Tok]) -> &'s str {
    match (toks.first(), toks.last()) {
        (Some(first), Some(last)) => &sql[first.start..last.end],
        _ => "",
    }
}

/// The table the window function reads: `TABLE name`, or a parenthesized
/// query (itself rewritten, as it may hold window functions of its own).
fn data_argument(sql: &str, function: &str, arg: &[Tok]) -> Result<String> {
    match arg {
        [table, name @ ..] if is_keyword(table, Keyword::TABLE) && !name.is_empty() => Ok(text_of(sql, name).to_string()),
        [first, ..] if first.token == Token::LParen => rewrite_window_tvfs(text_of(sql, arg)),
        _ => Err(GatewayError::Sql(format!("The DATA argument of {function} must be TABLE <table name>."))),
    }
}

/// The column named by `DESCRIPTOR(column)`, as written (quotes kept).
fn descriptor_column<'s>(sql: &'s str, function: &str, arg: &[Tok]) -> Result<&'s str> {
    match arg {
        [descriptor, open, column @ Tok { token: Token::Word(_), .. }, close]
            if matches!(&descriptor.token, Token::Word(w) if w.value.eq_ignore_ascii_case("DESCRIPTOR"))
                && open.token == Token::LParen
                && close.token == Token::RParen =>
        {
            Ok(&sql[column.start..column.end])
        }
        _ => Err(GatewayError::Sql(format!("The TIMECOL argument of {function} must be DESCRIPTOR(<time column>)."))),
    }
}
