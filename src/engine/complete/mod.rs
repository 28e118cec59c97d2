//! Statement completion: candidates for the word under the cursor, chosen by
//! where the cursor sits in the statement.
//!
//! Flink's SQL client asks the gateway to complete a partly typed statement.
//! Offering every keyword that shares a prefix with the word is noise
//! (`CREATE TA` would list TABLESAMPLE), so the text before the cursor is
//! tokenised and the meaningful tokens before the word decide what may come
//! next: statement keywords, table, database or catalog names, the columns of
//! the tables the statement reads, or the keywords that may follow a clause.
//! The tokenizer already knows quotes and comments, so a cursor inside a
//! string literal or a comment is recognised without guessing.
//!
//! - `ddl`: statements other than queries and DML (CREATE, DROP, SHOW, ...).
//! - `query`: queries and DML: clauses, expressions, parentheses.
//! - `scope`: the tables a statement names, their aliases and columns, and
//!   qualified names (`db.`, `alias.`).

mod ddl;
mod query;
mod scope;
#[cfg(test)]
mod tests;

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

use scope::Scope;

/// What the session's catalog holds, as far as completion needs it.
#[derive(Debug, Clone, Default)]
pub struct CatalogView {
    /// Names of all catalogs.
    pub catalogs: Vec<String>,
    /// The catalog unqualified names resolve in.
    pub current_catalog: String,
    /// The database unqualified names resolve in.
    pub current_database: String,
    /// Databases of the current catalog.
    pub databases: Vec<String>,
    /// Tables and views of the current database, with their column names.
    pub tables: Vec<(String, Vec<String>)>,
}

/// Candidates for the word that ends at character (not byte) `position` of
/// `statement`: keywords (upper case, sorted) then names (as stored, sorted)
/// that fit there and start with the word, case-insensitively. A candidate
/// equal to the word is left out. A cursor inside a string literal, quoted
/// name or comment, or right after a literal, has no candidates.
pub fn candidates(statement: &str, position: usize, catalog: &CatalogView) -> Vec<String> {
    let end = statement.char_indices().nth(position).map_or(statement.len(), |(i, _)| i);
    let before = &statement[..end];
    let Some(cursor) = Cursor::read(before) else { return Vec::new() };
    let whole = statement_tokens(statement, location_after(before));
    let scope = Scope::of(&whole, catalog);
    finish(offer(&cursor.context, &scope), &cursor.word)
}

/// A token as the completion rules see it: whitespace and comments dropped,
/// literals and operators reduced to their kind.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An unquoted word: a keyword or a name.
    Word {
        /// As typed.
        text: String,
        /// In upper case, for keyword comparisons.
        upper: String,
    },
    /// A quoted identifier, without its quotes.
    Quoted(String),
    /// A string literal of any flavour.
    Str,
    /// A number literal.
    Num,
    /// `.`
    Period,
    /// `,`
    Comma,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `*`: all columns or multiplication.
    Star,
    /// A comparison operator (`=`, `<`, `<>`, ...).
    Cmp,
    /// Any other operator (`+`, `-`, `/`, `||`, ...).
    Op,
    /// `;`
    Semicolon,
    /// Anything else.
    Other,
}

impl Tok {
    /// From a tokenizer token; `None` for whitespace and comments.
    fn from_token(token: &Token) -> Option<Tok> {
        Some(match token {
            Token::Whitespace(_) | Token::EOF => return None,
            Token::Word(w) if w.quote_style.is_none() => Tok::Word { upper: w.value.to_uppercase(), text: w.value.clone() },
            Token::Word(w) => Tok::Quoted(w.value.clone()),
            Token::Number(..) => Tok::Num,
            Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::TripleSingleQuotedString(_)
            | Token::TripleDoubleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::SingleQuotedRawStringLiteral(_)
            | Token::DoubleQuotedRawStringLiteral(_) => Tok::Str,
            Token::Period => Tok::Period,
            Token::Comma => Tok::Comma,
            Token::LParen => Tok::LParen,
            Token::RParen => Tok::RParen,
            Token::Mul => Tok::Star,
            Token::SemiColon => Tok::Semicolon,
            Token::Eq | Token::DoubleEq | Token::Neq | Token::Lt | Token::Gt | Token::LtEq | Token::GtEq | Token::Spaceship => Tok::Cmp,
            Token::Plus | Token::Minus | Token::Div | Token::DuckIntDiv | Token::Mod | Token::StringConcat => Tok::Op,
            Token::Pipe | Token::Ampersand | Token::Caret => Tok::Op,
            _ => Tok::Other,
        })
    }

    /// The upper-case text of an unquoted word.
    fn kw(&self) -> Option<&str> {
        match self {
            Tok::Word { upper, .. } => Some(upper),
            _ => None,
        }
    }

    /// Whether this is the unquoted word `keyword` (given in upper case).
    fn is(&self, keyword: &str) -> bool {
        self.kw() == Some(keyword)
    }

    /// The name a word or quoted identifier spells.
    fn name(&self) -> Option<&str> {
        match self {
            Tok::Word { text, .. } | Tok::Quoted(text) => Some(text),
            _ => None,
        }
    }
}

/// What kind of names an [`Offer`] lists, which decides what a qualifier
/// typed at that place (`x.`) can be followed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A table name, possibly qualified by database and catalog.
    Table,
    /// A database name, possibly qualified by catalog.
    Database,
    /// An expression: columns, possibly qualified by table or alias.
    Expression,
    /// Nothing a qualifier applies to.
    Other,
}

/// The candidates that fit at one place, before matching them to the word.
#[derive(Debug, Clone)]
struct Offer {
    /// Keywords, upper case.
    keywords: Vec<&'static str>,
    /// Catalog, database, table or column names, as stored.
    names: Vec<String>,
    /// What the names stand for.
    slot: Slot,
}

impl Offer {
    /// Nothing fits.
    fn none() -> Offer {
        Offer { keywords: Vec::new(), names: Vec::new(), slot: Slot::Other }
    }

    /// Only these keywords fit.
    fn keywords(keywords: &[&'static str]) -> Offer {
        Offer { keywords: keywords.to_vec(), ..Offer::none() }
    }

    /// Only these names fit.
    fn names(names: Vec<String>) -> Offer {
        Offer { names, ..Offer::none() }
    }

    /// A table name: tables of the current database, and databases and
    /// catalogs to qualify one with.
    fn tables(view: &CatalogView) -> Offer {
        let tables = view.tables.iter().map(|(t, _)| t.clone());
        let names = tables.chain(view.databases.iter().cloned()).chain(view.catalogs.iter().cloned()).collect();
        Offer { names, slot: Slot::Table, ..Offer::none() }
    }

    /// A database name: databases of the current catalog, and catalogs to
    /// qualify one with.
    fn databases(view: &CatalogView) -> Offer {
        let names = view.databases.iter().chain(&view.catalogs).cloned().collect();
        Offer { names, slot: Slot::Database, ..Offer::none() }
    }

    /// A catalog name.
    fn catalogs(view: &CatalogView) -> Offer {
        Offer::names(view.catalogs.clone())
    }

    /// These keywords fit as well.
    fn and(mut self, keywords: &[&'static str]) -> Offer {
        self.keywords.extend_from_slice(keywords);
        self
    }
}

/// The text before the cursor, split into the word being typed and the
/// meaningful tokens of the current statement before it.
struct Cursor {
    /// Tokens of the statement under the cursor, before the word.
    context: Vec<Tok>,
    /// The partial word ending at the cursor; empty after whitespace or punctuation.
    word: String,
}

impl Cursor {
    /// `None` when there is nothing to complete: the cursor is inside an
    /// unterminated literal, quoted name or comment (the tokenizer rejects
    /// the text), inside a line comment, or right after a literal.
    fn read(before: &str) -> Option<Cursor> {
        let dialect = GenericDialect {};
        let mut tokens = Tokenizer::new(&dialect, before).tokenize().ok()?;
        let mut word = String::new();
        match tokens.last() {
            Some(Token::Word(w)) if w.quote_style.is_none() => {
                word = w.value.clone();
                tokens.pop();
            }
            Some(Token::Whitespace(Whitespace::SingleLineComment { comment, .. })) if !comment.ends_with('\n') => return None,
            Some(last) if matches!(Tok::from_token(last), Some(Tok::Str | Tok::Num | Tok::Quoted(_))) => return None,
            _ => {}
        }
        let mut context: Vec<Tok> = tokens.iter().filter_map(Tok::from_token).collect();
        if let Some(end) = context.iter().rposition(|t| *t == Tok::Semicolon) {
            context.drain(..=end);
        }
        Some(Cursor { context, word })
    }
}

/// Where the tokenizer's spans place the end of `before` (lines and columns
/// count characters from 1).
fn location_after(before: &str) -> Location {
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location::new(line as u64, column as u64)
}

/// The meaningful tokens of the whole statement around `cursor`, also those
/// after it, so that tables named later (`SELECT | FROM t`) are known. Text
/// the tokenizer rejects ends the statement there.
fn statement_tokens(statement: &str, cursor: Location) -> Vec<Tok> {
    let dialect = GenericDialect {};
    let mut spanned: Vec<TokenWithSpan> = Vec::new();
    // Tokens before an unterminated literal are still worth having.
    let _ = Tokenizer::new(&dialect, statement).tokenize_with_location_into_buf(&mut spanned);
    let is_semicolon = |t: &TokenWithSpan| t.token == Token::SemiColon;
    let start = spanned.iter().rposition(|t| is_semicolon(t) && t.span.end <= cursor).map_or(0, |i| i + 1);
    let end = spanned.iter().position(|t| is_semicolon(t) && t.span.start >= cursor).unwrap_or(spanned.len());
    spanned.get(start..end).unwrap_or_default().iter().filter_map(|t| Tok::from_token(&t.token)).collect()
}

/// What fits after `context`, the tokens before the word.
fn offer(context: &[Tok], scope: &Scope) -> Offer {
    if let Some(Tok::Period) = context.last() {
        let Some((start, path)) = qualifier(context) else { return Offer::none() };
        // The place the qualified name starts at decides what it qualifies.
        let slot = offer(&context[..start], scope).slot;
        return scope.qualified(&path, slot);
    }
    ddl::offer(context, scope).unwrap_or_else(|| query::offer(context, scope))
}

/// For a context ending in `a.b.`, the index of `a` and the names `[a, b]`.
fn qualifier(context: &[Tok]) -> Option<(usize, Vec<String>)> {
    let mut path = Vec::new();
    let mut i = context.len();
    while i >= 2 && context[i - 1] == Tok::Period {
        let name = context[i - 2].name()?;
        path.push(name.to_string());
        i -= 2;
    }
    path.reverse();
    (!path.is_empty()).then_some((i, path))
}

/// The candidates of `offer` that start with `word` but are not it,
/// case-insensitively: keywords first, then names, each sorted and unique.
fn finish(offer: Offer, word: &str) -> Vec<String> {
    let word = word.to_lowercase();
    let fits = |c: &str| {
        let c = c.to_lowercase();
        c.starts_with(&word) && c != word
    };
    let mut keywords: Vec<String> = offer.keywords.iter().filter(|k| fits(k)).map(|k| k.to_string()).collect();
    keywords.sort();
    keywords.dedup();
    let mut names: Vec<String> = offer.names.into_iter().filter(|n| fits(n) && !keywords.contains(n)).collect();
    names.sort();
    names.dedup();
    keywords.extend(names);
    keywords
}
