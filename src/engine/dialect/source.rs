//! Statement text as tokens, and token locations as byte offsets.
//!
//! sqlparser's tokenizer takes care of quotes, `''` escapes and comments;
//! its tokens carry line/column locations, which are turned back into byte
//! offsets so parts of a statement can be sliced out exactly as written.

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, TokenizerError};

use crate::error::{GatewayError, Result};

/// The dialect every statement is tokenized and parsed with: it takes both
/// backquoted (Flink) and double-quoted identifiers.
pub(super) static DIALECT: GenericDialect = GenericDialect {};

/// Tokens of `text`, comments and whitespace included, each with its span.
pub(super) fn tokenize(text: &str) -> Result<Vec<TokenWithSpan>> {
    Tokenizer::new(&DIALECT, text).tokenize_with_location().map_err(|e| tokenizer_error(&e))
}

/// A tokenizer error as a gateway error; running out of input inside a
/// string, quoted identifier or comment counts as an incomplete statement.
fn tokenizer_error(e: &TokenizerError) -> GatewayError {
    if e.message.contains("EOF") || e.message.starts_with("Unterminated") {
        GatewayError::Sql(format!("SQL parse error: Encountered \"<EOF>\": {e}"))
    } else {
        GatewayError::Sql(format!("SQL parse error: {e}"))
    }
}

/// Whether `token` is a comment or whitespace.
pub(super) fn is_blank(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

/// Whether `token` is the unquoted keyword `keyword` (any case).
pub(super) fn is_keyword(token: &Token, keyword: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
}

/// Byte offsets of source locations (sqlparser counts lines and characters
/// from 1).
pub(super) struct Positions {
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
    /// For non-ASCII text, the byte offset of every character (plus the end),
    /// with `line_chars` the character index at which each line starts.
    chars: Option<(Vec<usize>, Vec<usize>)>,
    /// Length of the text.
    len: usize,
}

impl Positions {
    /// Positions in `text`.
    pub(super) fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let chars = (!text.is_ascii()).then(|| {
            let mut bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            bytes.push(text.len());
            let mut line_chars = vec![0];
            line_chars.extend(text.chars().enumerate().filter(|(_, c)| *c == '\n').map(|(i, _)| i + 1));
            (bytes, line_chars)
        });
        Positions { line_starts, chars, len: text.len() }
    }

    /// Byte offset of `loc`, clamped to the text; `None` for the empty
    /// location sqlparser gives to the end of input.
    pub(super) fn offset(&self, loc: Location) -> Option<usize> {
        let line = usize::try_from(loc.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(loc.column).ok()?.checked_sub(1)?;
        let offset = match &self.chars {
            None => self.line_starts.get(line)?.saturating_add(column),
            Some((bytes, line_chars)) => {
                let index = line_chars.get(line)?.saturating_add(column);
                *bytes.get(index).unwrap_or(&self.len)
            }
        };
        Some(offset.min(self.len))
    }
}
