//! What kind of statement a text is, decided on the parsed AST (the SQL
//! parser DataFusion uses), plus the gateway's own SET/RESET syntax
//! (`SET 'key' = 'value'`, `SET`, `RESET ['key']`), read from the tokens.

use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::{GatewayError, Result};

/// How a statement is executed and how its result presents itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    /// SELECT / VALUES / WITH: rows stream into the ring.
    Query,
    /// SHOW ..., DESCRIBE, EXPLAIN: rows to show, but not a query result.
    Show,
    /// INSERT / COPY: runs to completion; answers a job id.
    Dml,
    /// DDL and other commands: run to completion; answer `OK`.
    Command,
}

/// A `SET` or `RESET` in the gateway's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// `SET` alone: list the effective properties.
    List,
    /// `SET 'key' = 'value'`.
    Set(String, String),
    /// `RESET 'key'`.
    Reset(String),
    /// `RESET`: drop every session override.
    ResetAll,
}

/// The kind of a parsed statement.
pub fn kind_of(statement: &DfStatement) -> StatementKind {
    match statement {
        DfStatement::Statement(inner) => match inner.as_ref() {
            SqlStatement::Query(_) => StatementKind::Query,
            SqlStatement::Insert(_) | SqlStatement::Update { .. } | SqlStatement::Delete(_) => StatementKind::Dml,
            SqlStatement::Explain { .. }
            | SqlStatement::ExplainTable { .. }
            | SqlStatement::ShowTables { .. }
            | SqlStatement::ShowColumns { .. }
            | SqlStatement::ShowVariable { .. }
            | SqlStatement::ShowVariables { .. }
            | SqlStatement::ShowFunctions { .. }
            | SqlStatement::ShowCreate { .. }
            | SqlStatement::ShowSchemas { .. }
            | SqlStatement::ShowDatabases { .. }
            | SqlStatement::ShowViews { .. }
            | SqlStatement::ShowStatus { .. } => StatementKind::Show,
            _ => StatementKind::Command,
        },
        DfStatement::Explain(_) => StatementKind::Show,
        DfStatement::CopyTo(_) => StatementKind::Dml,
        DfStatement::CreateExternalTable(_) | DfStatement::Reset(_) => StatementKind::Command,
    }
}

/// Meaningful tokens of `sql`: no whitespace, no comments, no trailing `;`.
fn tokens(sql: &str) -> Result<Vec<Token>> {
    let mut tokens: Vec<Token> = Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .map_err(|e| GatewayError::Sql(format!("SQL parse error: {e}")))?
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF))
        .collect();
    while matches!(tokens.last(), Some(Token::SemiColon)) {
        tokens.pop();
    }
    Ok(tokens)
}

/// Whether `token` is the keyword `word`.
fn is_keyword(token: Option<&Token>, word: &str) -> bool {
    matches!(token, Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Text of a key or value: a quoted string as is, otherwise the tokens as written.
fn text_of(tokens: &[Token]) -> String {
    match tokens {
        [Token::SingleQuotedString(s)] | [Token::DoubleQuotedString(s)] => s.clone(),
        [Token::Word(w)] if w.quote_style.is_some() => w.value.clone(),
        _ => tokens.iter().map(ToString::to_string).collect::<String>(),
    }
}

/// Read a `SET`/`RESET` statement; `None` when `sql` is not one.
pub fn parse_setting(sql: &str) -> Result<Option<Setting>> {
    let first = sql.trim_start();
    // Compare bytes: the text may hold multi-byte characters anywhere.
    let starts = |kw: &str| first.as_bytes().get(..kw.len()).is_some_and(|p| p.eq_ignore_ascii_case(kw.as_bytes()));
    if !starts("SET") && !starts("RESET") && !first.starts_with("--") && !first.starts_with("/*") {
        return Ok(None);
    }
    let tokens = tokens(sql)?;
    if is_keyword(tokens.first(), "SET") {
        let rest = &tokens[1..];
        if rest.is_empty() {
            return Ok(Some(Setting::List));
        }
        let Some(eq) = rest.iter().position(|t| matches!(t, Token::Eq)) else {
            return Err(GatewayError::Sql(format!(
                "SQL parse error: expected SET 'key' = 'value', found: {}",
                text_of(rest)
            )));
        };
        let (key, value) = (text_of(&rest[..eq]), text_of(&rest[eq + 1..]));
        if key.is_empty() || value.is_empty() {
            return Err(GatewayError::Sql("SQL parse error: SET needs a key and a value: SET 'key' = 'value'".into()));
        }
        return Ok(Some(Setting::Set(key, value)));
    }
    if is_keyword(tokens.first(), "RESET") {
        let rest = &tokens[1..];
        return Ok(Some(if rest.is_empty() { Setting::ResetAll } else { Setting::Reset(text_of(rest)) }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flink_style_settings_are_read_from_tokens() {
        assert_eq!(parse_setting("SET;").unwrap(), Some(Setting::List));
        assert_eq!(
            parse_setting("set 'table.local-time-zone' = 'Asia/Shanghai';").unwrap(),
            Some(Setting::Set("table.local-time-zone".into(), "Asia/Shanghai".into()))
        );
        assert_eq!(
            parse_setting("SET datafusion.execution.batch_size = 100").unwrap(),
            Some(Setting::Set("datafusion.execution.batch_size".into(), "100".into()))
        );
        assert_eq!(
            parse_setting("/* c */ SET 'a.b-c' = 'x=y'").unwrap(),
            Some(Setting::Set("a.b-c".into(), "x=y".into()))
        );
        assert_eq!(parse_setting("RESET 'k'").unwrap(), Some(Setting::Reset("k".into())));
        assert_eq!(parse_setting("reset ;").unwrap(), Some(Setting::ResetAll));
        assert_eq!(parse_setting("SELECT 1").unwrap(), None);
        assert_eq!(parse_setting("settle").unwrap(), None);
        assert!(parse_setting("SET 'k'").is_err());
        assert_eq!(parse_setting("éé").unwrap(), None);
        assert_eq!(parse_setting("sé").unwrap(), None);
        assert_eq!(parse_setting("SET 'ключ' = 'значение'").unwrap(), Some(Setting::Set("ключ".into(), "значение".into())));
    }
}
