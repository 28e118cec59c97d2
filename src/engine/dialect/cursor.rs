//! A cursor over one statement's tokens, on top of sqlparser's `Parser`.
//!
//! The Flink-only grammar is written by hand against this cursor: keywords
//! are matched by spelling (many Flink keywords such as `WATERMARK` or
//! `FRESHNESS` are unknown to sqlparser), while expressions and literals are
//! left to sqlparser itself. Every token keeps its source span, so clauses
//! kept as text (queries, computed columns) are sliced from the original
//! statement rather than re-rendered.
//!
//! Errors are `GatewayError::Sql` with a `SQL parse error:` prefix; when the
//! input ends too early the message carries `Encountered "<EOF>"`, which the
//! Flink SQL client looks for to decide that a statement is incomplete.

use std::collections::BTreeMap;

use datafusion::sql::sqlparser::ast::Expr;
use datafusion::sql::sqlparser::parser::{Parser, ParserError};
use datafusion::sql::sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::Name;
use super::source::{DIALECT, Positions, is_blank, is_keyword, tokenize};
use crate::error::{GatewayError, Result};

/// Deepest bracket nesting accepted in an expression handed to sqlparser
/// (computed columns, watermarks). When a nested construct such as `CAST(`
/// or `POSITION(` fails to parse, sqlparser parses it again as a plain
/// function call, so the work on a bad expression grows exponentially with
/// its nesting; this bound keeps that work to milliseconds.
const MAX_EXPR_NESTING: usize = 10;

/// One statement being parsed.
pub(super) struct Cursor<'a> {
    /// The statement text as given.
    src: &'a str,
    /// Source positions of `src`.
    positions: Positions,
    /// The parser, holding every token up to the last meaningful one.
    parser: Parser<'static>,
    /// The same tokens, for looking ahead without the parser's linear peeks.
    tokens: Vec<TokenWithSpan>,
    /// Where the statement starts: its first meaningful token.
    start: Location,
    /// Whether the statement holds nothing but comments and `;`.
    empty: bool,
    /// Where the statement ends: after its last meaningful token.
    end: Location,
    /// The first `;` that is not trailing: a second statement follows it.
    semicolon: Option<Location>,
}

impl<'a> Cursor<'a> {
    /// Tokenize `src`, dropping trailing `;`s and the comments around them.
    pub(super) fn new(src: &'a str) -> Result<Self> {
        let mut tokens = tokenize(src)?;
        loop {
            match tokens.iter().rposition(|t| !is_blank(&t.token)) {
                Some(last) if tokens[last].token == Token::SemiColon => tokens.truncate(last),
                Some(last) => {
                    tokens.truncate(last + 1);
                    break;
                }
                None => {
                    tokens.clear();
                    break;
                }
            }
        }
        let first = tokens.iter().find(|t| !is_blank(&t.token));
        let empty = first.is_none();
        let start = first.map_or(Location::new(1, 1), |t| t.span.start);
        let end = tokens.last().map_or(Location::new(1, 1), |t| t.span.end);
        let semicolon = tokens.iter().find(|t| t.token == Token::SemiColon).map(|t| t.span.start);
        Ok(Cursor {
            src,
            positions: Positions::new(src),
            parser: Parser::new(&DIALECT).with_tokens_with_locations(tokens.clone()),
            tokens,
            start,
            empty,
            end,
            semicolon,
        })
    }

    /// Whether the statement holds nothing but comments and `;`.
    pub(super) fn is_empty(&self) -> bool {
        self.empty
    }

    /// The whole statement: from its first to its last meaningful token.
    pub(super) fn whole(&self) -> Result<String> {
        self.single()?;
        Ok(self.slice(self.start, self.end))
    }

    /// An error when a second statement follows the first.
    pub(super) fn single(&self) -> Result<()> {
        match self.semicolon {
            Some(loc) => {
                Err(GatewayError::Sql(format!("SQL parse error: only single statement supported, found ';'{loc}")))
            }
            None => Ok(()),
        }
    }

    /// Source text between two locations.
    pub(super) fn slice(&self, from: Location, to: Location) -> String {
        let from = self.positions.offset(from).unwrap_or(self.src.len());
        let to = self.positions.offset(to).unwrap_or(self.src.len());
        self.src.get(from..to.max(from)).unwrap_or_default().to_string()
    }

    /// The next meaningful token (EOF at the end).
    pub(super) fn peek(&self) -> &TokenWithSpan {
        self.parser.peek_token_ref()
    }

    /// The meaningful token `n` places ahead.
    pub(super) fn peek_nth(&self, n: usize) -> &TokenWithSpan {
        self.parser.peek_nth_token_ref(n)
    }

    /// Consume and return the next meaningful token.
    pub(super) fn next(&mut self) -> TokenWithSpan {
        self.parser.next_token()
    }

    /// Whether the whole statement has been read.
    pub(super) fn at_end(&self) -> bool {
        self.peek().token == Token::EOF
    }

    /// Where the next token starts (the statement end at EOF).
    pub(super) fn next_start(&self) -> Location {
        match self.peek() {
            t if t.token == Token::EOF => self.end,
            t => t.span.start,
        }
    }

    /// Where the last consumed token ends.
    pub(super) fn prev_end(&self) -> Location {
        self.parser.get_current_token().span.end
    }

    /// Whether the next token is the keyword `keyword`.
    pub(super) fn peek_kw(&self, keyword: &str) -> bool {
        is_keyword(&self.peek().token, keyword)
    }

    /// Whether the token `n` places ahead is the keyword `keyword`.
    pub(super) fn peek_nth_kw(&self, n: usize, keyword: &str) -> bool {
        is_keyword(&self.peek_nth(n).token, keyword)
    }

    /// Whether the next token is the keyword `keyword` and more follows it.
    pub(super) fn peek_kw_then_more(&self, keyword: &str) -> bool {
        self.peek_kw(keyword) && self.peek_nth(1).token != Token::EOF
    }

    /// Consume the keyword `keyword` if it is next.
    pub(super) fn kw(&mut self, keyword: &str) -> bool {
        let found = self.peek_kw(keyword);
        if found {
            self.next();
        }
        found
    }

    /// Consume the keywords `keywords` if they are all next, else nothing.
    pub(super) fn kws(&mut self, keywords: &[&str]) -> bool {
        let found = keywords.iter().enumerate().all(|(n, k)| self.peek_nth_kw(n, k));
        if found {
            for _ in keywords {
                self.next();
            }
        }
        found
    }

    /// Consume the first of `keywords` that is next, upper-cased.
    pub(super) fn one_of(&mut self, keywords: &[&'static str]) -> Option<&'static str> {
        let found = keywords.iter().copied().find(|k| self.peek_kw(k));
        if found.is_some() {
            self.next();
        }
        found
    }

    /// Consume the keyword `keyword` or fail.
    pub(super) fn expect_kw(&mut self, keyword: &str) -> Result<()> {
        if self.kw(keyword) { Ok(()) } else { self.expected(keyword) }
    }

    /// Consume `token` if it is next.
    pub(super) fn token(&mut self, token: &Token) -> bool {
        self.parser.consume_token(token)
    }

    /// Consume `token` or fail.
    pub(super) fn expect_token(&mut self, token: &Token) -> Result<()> {
        if self.token(token) { Ok(()) } else { self.expected(&format!("'{token}'")) }
    }

    /// Fail unless the whole statement has been read.
    pub(super) fn expect_end(&mut self) -> Result<()> {
        if self.at_end() { Ok(()) } else { self.expected("end of statement") }
    }

    /// An error saying `what` was expected where the next token is.
    pub(super) fn expected<T>(&self, what: &str) -> Result<T> {
        match self.parser.expected::<()>(what, self.peek().clone()) {
            Err(e) => Err(self.error(e)),
            Ok(()) => self.fail(&format!("Expected: {what}")),
        }
    }

    /// A parse error with `message` at the next token.
    pub(super) fn fail<T>(&self, message: &str) -> Result<T> {
        let at = self.peek();
        if at.token == Token::EOF {
            Err(GatewayError::Sql(format!("SQL parse error: {message}. {}", self.eof())))
        } else {
            Err(GatewayError::Sql(format!("SQL parse error: {message}{}", at.span.start)))
        }
    }

    /// `Encountered "<EOF>" at line L, column C` for the statement end.
    fn eof(&self) -> String {
        format!("Encountered \"<EOF>\" at line {}, column {}", self.end.line, self.end.column)
    }

    /// A sqlparser error as a gateway error.
    pub(super) fn error(&self, e: ParserError) -> GatewayError {
        match e {
            ParserError::RecursionLimitExceeded => {
                GatewayError::Sql("SQL parse error: the statement is nested too deeply".into())
            }
            ParserError::ParserError(msg) | ParserError::TokenizerError(msg) => {
                // The end of input has no location: sqlparser ends the message with the token.
                if msg.ends_with("found: EOF") {
                    GatewayError::Sql(format!("SQL parse error: {}. {msg}", self.eof()))
                } else {
                    GatewayError::Sql(format!("SQL parse error: {msg}"))
                }
            }
        }
    }

    /// An identifier: unquoted ones lower-cased, quoted ones as written.
    pub(super) fn ident(&mut self) -> Result<String> {
        match &self.peek().token {
            Token::Word(w) => {
                let value = if w.quote_style.is_none() { w.value.to_lowercase() } else { w.value.clone() };
                self.next();
                Ok(value)
            }
            _ => self.expected("an identifier"),
        }
    }

    /// A possibly qualified name: `a`, `db.a`, `cat.db.a`.
    pub(super) fn name(&mut self) -> Result<Name> {
        let mut parts = vec![self.ident()?];
        while self.token(&Token::Period) {
            parts.push(self.ident()?);
        }
        Ok(parts)
    }

    /// A name of at most `max` parts; `what` names it in the error.
    pub(super) fn short_name(&mut self, max: usize, what: &str) -> Result<Name> {
        let start = self.next_start();
        let name = self.name()?;
        if name.len() > max {
            return Err(GatewayError::Sql(format!(
                "SQL parse error: {what} '{}' has too many parts{start}",
                self.slice(start, self.prev_end())
            )));
        }
        Ok(name)
    }

    /// A single-quoted string literal, `''` unescaped.
    pub(super) fn string(&mut self) -> Result<String> {
        match &self.peek().token {
            Token::SingleQuotedString(s) => {
                let s = s.clone();
                self.next();
                Ok(s)
            }
            _ => self.expected("a string literal"),
        }
    }

    /// `COMMENT 'text'` if it is next.
    pub(super) fn comment(&mut self) -> Result<Option<String>> {
        if self.kw("COMMENT") { self.string().map(Some) } else { Ok(None) }
    }

    /// An unsigned integer literal.
    pub(super) fn uint(&mut self) -> Result<u64> {
        self.parser.parse_literal_uint().map_err(|e| self.error(e))
    }

    /// `(a, b, ...)`: a parenthesised list of identifiers.
    pub(super) fn ident_list(&mut self) -> Result<Vec<String>> {
        self.expect_token(&Token::LParen)?;
        let mut idents = vec![self.ident()?];
        while self.token(&Token::Comma) {
            idents.push(self.ident()?);
        }
        self.expect_token(&Token::RParen)?;
        Ok(idents)
    }

    /// `('k' = 'v', ...)`: keys and values as written, later keys winning.
    pub(super) fn options(&mut self) -> Result<BTreeMap<String, String>> {
        self.expect_token(&Token::LParen)?;
        let mut options = BTreeMap::new();
        if self.token(&Token::RParen) {
            return Ok(options);
        }
        loop {
            let key = self.string()?;
            self.expect_token(&Token::Eq)?;
            options.insert(key, self.string()?);
            if !self.token(&Token::Comma) {
                break;
            }
        }
        self.expect_token(&Token::RParen)?;
        Ok(options)
    }

    /// `('k', ...)`: a parenthesised list of string literals.
    pub(super) fn string_list(&mut self) -> Result<Vec<String>> {
        self.expect_token(&Token::LParen)?;
        let mut keys = vec![self.string()?];
        while self.token(&Token::Comma) {
            keys.push(self.string()?);
        }
        self.expect_token(&Token::RParen)?;
        Ok(keys)
    }

    /// An expression, parsed by sqlparser, with its source text.
    pub(super) fn expr(&mut self) -> Result<(Expr, String)> {
        self.check_nesting()?;
        let start = self.next_start();
        let expr = self.parser.parse_expr().map_err(|e| self.error(e))?;
        Ok((expr, self.slice(start, self.prev_end())))
    }

    /// Fail when the brackets of the coming expression nest deeper than
    /// [`MAX_EXPR_NESTING`]. The expression cannot reach past a `,` or an
    /// unmatched closing bracket, so the look-ahead stops there.
    fn check_nesting(&self) -> Result<()> {
        if self.at_end() {
            return Ok(());
        }
        let next = self.peek().span.start;
        let from = self.tokens.partition_point(|t| t.span.start < next);
        let mut depth = 0usize;
        for t in self.tokens.iter().skip(from) {
            match t.token {
                Token::LParen | Token::LBracket => {
                    depth += 1;
                    if depth > MAX_EXPR_NESTING {
                        return Err(GatewayError::Sql(format!(
                            "SQL parse error: the expression nests brackets more than {MAX_EXPR_NESTING} deep{}",
                            t.span.start
                        )));
                    }
                }
                Token::RParen | Token::RBracket if depth == 0 => break,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::Comma | Token::SemiColon if depth == 0 => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// Everything left, as written; no second statement may follow.
    pub(super) fn rest(&mut self) -> Result<String> {
        if self.at_end() {
            return self.expected("more input");
        }
        self.single()?;
        let start = self.next_start();
        while self.next().token != Token::EOF {}
        Ok(self.slice(start, self.end))
    }

    /// Consume everything left, returning the tokens.
    fn drain(&mut self) -> Vec<TokenWithSpan> {
        let mut tokens = Vec::new();
        loop {
            let token = self.next();
            if token.token == Token::EOF {
                return tokens;
            }
            tokens.push(token);
        }
    }

    /// The rest of the statement as a query: it must start like one
    /// (`SELECT`, `WITH`, `VALUES`, `(`) and have balanced parentheses;
    /// parentheses around all of it are removed.
    pub(super) fn rest_query(&mut self) -> Result<String> {
        if !starts_query(&self.peek().token) {
            return self.expected("a query (SELECT, WITH or VALUES)");
        }
        self.single()?;
        let tokens = self.drain();
        let partners = match matching_parens(&tokens) {
            Ok(partners) => partners,
            Err(Some(stray)) => {
                return Err(GatewayError::Sql(format!("SQL parse error: Unbalanced ')'{}", tokens[stray].span.start)));
            }
            Err(None) => return self.expected("')'"),
        };
        let (mut first, mut last) = (0, tokens.len());
        while last > first + 2
            && tokens[first].token == Token::LParen
            && partners.get(first).copied().flatten() == Some(last - 1)
        {
            first += 1;
            last -= 1;
        }
        match (tokens.get(first), tokens.get(last.wrapping_sub(1))) {
            (Some(a), Some(b)) => Ok(self.slice(a.span.start, b.span.end)),
            _ => self.expected("a query"),
        }
    }

    /// Skip a balanced parenthesised group if one is next.
    pub(super) fn skip_parens(&mut self) -> Result<()> {
        if self.peek().token != Token::LParen {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.next().token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Token::EOF => return self.expected("')'"),
                _ => {}
            }
        }
    }

    /// Consume tokens up to the next `;` (excluded), returning their text;
    /// fails at the end of input.
    pub(super) fn until_semicolon(&mut self) -> Result<String> {
        let start = self.next_start();
        let mut end = start;
        loop {
            match &self.peek().token {
                Token::SemiColon => {
                    self.next();
                    return Ok(self.slice(start, end));
                }
                Token::EOF => return self.expected("';'"),
                _ => end = self.next().span.end,
            }
        }
    }
}

/// Whether a statement starting with `token` is a query.
pub(super) fn starts_query(token: &Token) -> bool {
    *token == Token::LParen || ["SELECT", "WITH", "VALUES"].iter().any(|k| is_keyword(token, k))
}

/// For each `(` in `tokens`, the index of its `)`, computed without
/// recursion. An error holds the index of a `)` that closes nothing, or
/// `None` when a `(` is left open.
fn matching_parens(tokens: &[TokenWithSpan]) -> std::result::Result<Vec<Option<usize>>, Option<usize>> {
    let mut partners = vec![None; tokens.len()];
    let mut open = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LParen => open.push(i),
            Token::RParen => match open.pop() {
                Some(o) => partners[o] = Some(i),
                None => return Err(Some(i)),
            },
            _ => {}
        }
    }
    if open.is_empty() { Ok(partners) } else { Err(None) }
}
