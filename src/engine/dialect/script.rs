//! Splitting a SQL script into statements.
//!
//! A `;` ends a statement unless it is inside a string, a quoted
//! identifier or a comment (the tokenizer sees to those), or inside
//! `EXECUTE STATEMENT SET BEGIN ... END` (also `EXPLAIN ... STATEMENT SET`),
//! whose INSERTs end with `;` of their own: there the `END` that follows a
//! `;` closes the block and the next `;` ends the statement.

use datafusion::sql::sqlparser::tokenizer::{Location, Token};

use super::source::{Positions, is_blank, is_keyword, tokenize};
use crate::error::Result;

/// Where the splitter is with respect to a statement set block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// Not in a block: `;` ends the statement.
    Outside,
    /// Between `BEGIN` and `END`: `;` ends an INSERT, not the statement.
    Open,
    /// After the block's `END`: the next `;` ends the statement.
    Closed,
}

/// Split a script into statements at `;` outside quotes, comments and
/// `EXECUTE STATEMENT SET BEGIN ... END`; each returned without its `;` and
/// without the comments around it; blank ones dropped.
pub fn split_statements(script: &str) -> Result<Vec<String>> {
    let positions = Positions::new(script);
    let slice = |from: Location, to: Location| {
        let from = positions.offset(from).unwrap_or(script.len());
        let to = positions.offset(to).unwrap_or(script.len()).max(from);
        script.get(from..to).unwrap_or_default().trim().to_string()
    };
    let mut statements = Vec::new();
    // The current statement: its first and last meaningful tokens.
    let mut span: Option<(Location, Location)> = None;
    let mut block = Block::Outside;
    // Whether the statement starts with a keyword a block can follow.
    let mut may_hold_block = false;
    // The two meaningful tokens before the current one.
    let mut previous: [Token; 2] = [Token::EOF, Token::EOF];
    for t in tokenize(script)? {
        if is_blank(&t.token) {
            continue;
        }
        if t.token == Token::SemiColon && block != Block::Open {
            if let Some((from, to)) = span.take() {
                statements.push(slice(from, to));
            }
            block = Block::Outside;
            previous = [Token::EOF, Token::EOF];
            continue;
        }
        match &mut span {
            None => {
                may_hold_block = is_keyword(&t.token, "EXECUTE") || is_keyword(&t.token, "EXPLAIN");
                span = Some((t.span.start, t.span.end));
            }
            Some((_, to)) => *to = t.span.end,
        }
        match block {
            Block::Outside
                if may_hold_block
                    && is_keyword(&previous[0], "STATEMENT")
                    && is_keyword(&previous[1], "SET")
                    && is_keyword(&t.token, "BEGIN") =>
            {
                block = Block::Open;
            }
            Block::Open
                if is_keyword(&t.token, "END")
                    && (previous[1] == Token::SemiColon || is_keyword(&previous[1], "BEGIN")) =>
            {
                block = Block::Closed;
            }
            _ => {}
        }
        previous = [std::mem::replace(&mut previous[1], Token::EOF), t.token];
    }
    if let Some((from, to)) = span {
        statements.push(slice(from, to));
    }
    Ok(statements)
}
