//! The Flink SQL dialect on top of the SQL parser DataFusion uses.
//!
//! Users type Flink SQL: `CREATE TABLE` with watermarks and connector
//! options, `SHOW CURRENT CATALOG`, `SET 'k' = 'v'`, statement sets,
//! materialized tables. DataFusion's parser knows none of that, so each
//! statement is first classified and, for Flink's own forms, parsed here
//! into a [`FlinkStatement`] the engine acts on. Queries and INSERTs are only
//! classified and kept as text (their bodies are rewritten and planned
//! elsewhere); whatever is not Flink's is passed through to DataFusion.
//!
//! The grammar is written by hand over sqlparser's tokenizer (`source`)
//! and `Parser` (`cursor`); sqlparser parses the expressions inside DDL.
//!
//! - `ddl`: CREATE / DROP / ALTER of tables, views, databases, catalogs.
//! - `materialized`: materialized tables.
//! - `types`: Flink data types and their Arrow counterparts.
//! - `show`: SHOW, DESCRIBE, USE.
//! - `command`: SET / RESET, STOP JOB, EXPLAIN, EXECUTE, statement sets.
//! - `script`: splitting a script into statements.

mod clauses;
mod command;
mod cursor;
mod ddl;
mod expressions;
mod materialized;
mod script;
mod show;
mod source;
mod type_text;
mod types;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use datafusion::sql::sqlparser::tokenizer::Token;

use crate::error::{GatewayError, Result};
use cursor::{Cursor, starts_query};

pub use expressions::rewrite_expressions;
pub use ddl::{ColumnDef, ColumnKind, CreateTable, Watermark};
pub use materialized::{CreateMaterializedTable, MaterializedAction};
pub use script::split_statements;
pub use type_text::{flink_type_of, flink_type_of_field};
pub use types::{FlinkType, MAX_LENGTH, RowField, TypeKind};

/// A name as parts: unquoted identifiers lower-cased (DataFusion's
/// normalisation), quoted kept as written.
pub type Name = Vec<String>;

/// One parsed Flink SQL statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlinkStatement {
    /// SELECT / VALUES / WITH ... (text as given, trailing `;` removed).
    Query(String),
    /// INSERT INTO / INSERT OVERWRITE ... (text as given).
    Insert {
        /// The target table.
        table: Name,
        /// The whole statement.
        sql: String,
    },
    /// Anything else, for DataFusion to run as is (text as given).
    Passthrough(String),
    /// `CREATE [OR REPLACE] [TEMPORARY] TABLE ...`.
    CreateTable(CreateTable),
    /// `CREATE [OR REPLACE] [TEMPORARY] VIEW [IF NOT EXISTS] v [(cols)] [COMMENT '..'] AS query`.
    CreateView {
        /// The view's name.
        name: Name,
        /// `TEMPORARY`.
        temporary: bool,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// `OR REPLACE`.
        or_replace: bool,
        /// Column names given after the view name.
        columns: Vec<String>,
        /// The query text, outer parentheses removed.
        query: String,
        /// `COMMENT '...'`.
        comment: Option<String>,
    },
    /// `DROP [TEMPORARY] TABLE [IF EXISTS] t`.
    DropTable {
        /// The table.
        name: Name,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `TEMPORARY`.
        temporary: bool,
    },
    /// `DROP [TEMPORARY] VIEW [IF EXISTS] v`.
    DropView {
        /// The view.
        name: Name,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `TEMPORARY`.
        temporary: bool,
    },
    /// `ALTER TABLE t RENAME TO n`.
    AlterTableRename {
        /// The table.
        name: Name,
        /// Its new name.
        new_name: Name,
    },
    /// `ALTER TABLE t SET ('k' = 'v', ...)`.
    AlterTableSet {
        /// The table.
        name: Name,
        /// Options to add or overwrite.
        options: BTreeMap<String, String>,
    },
    /// `ALTER TABLE t RESET ('k', ...)`.
    AlterTableReset {
        /// The table.
        name: Name,
        /// Option keys to remove.
        keys: Vec<String>,
    },
    /// `CREATE DATABASE [IF NOT EXISTS] [cat.]db [COMMENT '..'] [WITH (..)]`
    /// (the options are accepted and not kept).
    CreateDatabase {
        /// `[catalog.]database`.
        name: Name,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// `COMMENT '...'`.
        comment: Option<String>,
    },
    /// `DROP DATABASE [IF EXISTS] [cat.]db [RESTRICT | CASCADE]`.
    DropDatabase {
        /// `[catalog.]database`.
        name: Name,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`: drop the tables too.
        cascade: bool,
    },
    /// `CREATE CATALOG c WITH (...)`.
    CreateCatalog {
        /// The catalog.
        name: String,
        /// Its options, as written.
        options: BTreeMap<String, String>,
    },
    /// `DROP CATALOG [IF EXISTS] c`.
    DropCatalog {
        /// The catalog.
        name: String,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `USE CATALOG c`.
    UseCatalog(String),
    /// `USE db` or `USE cat.db`.
    UseDatabase(Name),
    /// `SHOW CATALOGS`.
    ShowCatalogs,
    /// `SHOW CURRENT CATALOG`.
    ShowCurrentCatalog,
    /// `SHOW CURRENT DATABASE`.
    ShowCurrentDatabase,
    /// `SHOW DATABASES [FROM | IN catalog]`.
    ShowDatabases {
        /// The catalog to list; the current one when absent.
        catalog: Option<String>,
    },
    /// `SHOW TABLES [FROM | IN [cat.]db] [[NOT] LIKE | ILIKE 'pattern']`.
    ShowTables {
        /// The database to list; the current one when absent.
        from: Option<Name>,
        /// The name filter.
        like: Option<Like>,
    },
    /// `SHOW VIEWS [FROM | IN [cat.]db] [[NOT] LIKE | ILIKE 'pattern']`.
    ShowViews {
        /// The database to list; the current one when absent.
        from: Option<Name>,
        /// The name filter.
        like: Option<Like>,
    },
    /// `SHOW [USER] FUNCTIONS [[NOT] LIKE | ILIKE 'pattern']`.
    ShowFunctions {
        /// `USER`: only functions the user created.
        user_only: bool,
        /// The name filter.
        like: Option<Like>,
    },
    /// `SHOW COLUMNS FROM | IN t [[NOT] LIKE | ILIKE 'pattern']`.
    ShowColumns {
        /// The table.
        table: Name,
        /// The column name filter.
        like: Option<Like>,
    },
    /// `SHOW CREATE TABLE t`.
    ShowCreateTable(Name),
    /// `SHOW CREATE VIEW v`.
    ShowCreateView(Name),
    /// `SHOW JOBS`.
    ShowJobs,
    /// `STOP JOB 'id' [WITH SAVEPOINT] [WITH DRAIN]`.
    StopJob {
        /// The job id.
        id: String,
        /// `WITH SAVEPOINT`.
        with_savepoint: bool,
        /// `WITH DRAIN`.
        with_drain: bool,
    },
    /// `DESCRIBE t`, `DESC t`, `DESCRIBE EXTENDED t`.
    Describe {
        /// The table or view.
        name: Name,
        /// `EXTENDED`.
        extended: bool,
    },
    /// `EXPLAIN [PLAN FOR | detail, ...] statement`.
    Explain {
        /// Requested details, upper-cased: `ESTIMATED_COST`,
        /// `CHANGELOG_MODE`, `JSON_EXECUTION_PLAN`, `PLAN_ADVICE`.
        details: Vec<String>,
        /// The query, INSERT or `STATEMENT SET BEGIN ... END`, as written.
        statement: String,
    },
    /// `BEGIN STATEMENT SET`: buffer the following INSERTs.
    BeginStatementSet,
    /// `END`: run the buffered INSERTs as one job.
    End,
    /// `EXECUTE STATEMENT SET BEGIN insert; ...; END`: each INSERT's text.
    ExecuteStatementSet(Vec<String>),
    /// `EXECUTE INSERT ...` / `EXECUTE SELECT ...`: the inner text.
    Execute(String),
    /// `SET` (list the properties) or `SET 'k' = 'v'`.
    Set(Option<(String, String)>),
    /// `RESET` (all properties) or `RESET 'k'`.
    Reset(Option<String>),
    /// `CREATE MATERIALIZED TABLE ...`.
    CreateMaterializedTable(CreateMaterializedTable),
    /// `ALTER MATERIALIZED TABLE t SUSPEND | RESUME | REFRESH ...`.
    AlterMaterializedTable {
        /// The materialized table.
        name: Name,
        /// What to do.
        action: MaterializedAction,
    },
    /// `DROP MATERIALIZED TABLE [IF EXISTS] t`.
    DropMaterializedTable {
        /// The materialized table.
        name: Name,
        /// `IF EXISTS`.
        if_exists: bool,
    },
}

/// A `[NOT] LIKE | ILIKE 'pattern'` filter of a SHOW statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Like {
    /// `NOT LIKE`: keep what does not match.
    pub not: bool,
    /// `ILIKE`: match ignoring case.
    pub ilike: bool,
    /// The SQL LIKE pattern (`%`, `_`).
    pub pattern: String,
}

/// `` `name` `` with backticks doubled: an identifier as Flink SQL quotes it.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `'text'` with quotes doubled: a string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A `SQL parse error:` gateway error.
pub(super) fn sql_error(message: impl std::fmt::Display) -> GatewayError {
    GatewayError::Sql(format!("SQL parse error: {message}"))
}

/// Parse one Flink SQL statement; a trailing `;` is allowed.
pub fn parse(sql: &str) -> Result<FlinkStatement> {
    let mut c = Cursor::new(sql)?;
    if c.is_empty() {
        return c.expected("a statement");
    }
    if starts_query(&c.peek().token) {
        return Ok(FlinkStatement::Query(c.whole()?));
    }
    let word = match &c.peek().token {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => return Ok(FlinkStatement::Passthrough(c.whole()?)),
    };
    let parsed = match word.as_str() {
        "INSERT" => Some(command::insert(&mut c)?),
        "CREATE" => {
            c.next();
            create(&mut c)?
        }
        "DROP" => {
            c.next();
            ddl::drop(&mut c)?
        }
        "ALTER" => {
            c.next();
            if c.kw("TABLE") {
                ddl::alter_table(&mut c)?
            } else if c.kws(&["MATERIALIZED", "TABLE"]) {
                Some(materialized::alter(&mut c)?)
            } else {
                None
            }
        }
        "USE" => {
            c.next();
            show::use_(&mut c)?
        }
        "SHOW" => {
            c.next();
            show::show(&mut c)?
        }
        "DESCRIBE" | "DESC" => {
            c.next();
            show::describe(&mut c)?
        }
        "EXPLAIN" => {
            c.next();
            command::explain(&mut c)?
        }
        "EXECUTE" => {
            c.next();
            command::execute(&mut c)?
        }
        "BEGIN" if c.kws(&["BEGIN", "STATEMENT", "SET"]) => {
            c.expect_end()?;
            Some(FlinkStatement::BeginStatementSet)
        }
        "END" => {
            c.next();
            c.expect_end()?;
            Some(FlinkStatement::End)
        }
        "SET" => {
            c.next();
            Some(command::set(&mut c)?)
        }
        "RESET" => {
            c.next();
            Some(command::reset(&mut c)?)
        }
        "STOP" if c.kws(&["STOP", "JOB"]) => Some(command::stop_job(&mut c)?),
        _ => None,
    };
    match parsed {
        Some(statement) => Ok(statement),
        None => Ok(FlinkStatement::Passthrough(c.whole()?)),
    }
}

/// `CREATE ...`, after `CREATE`; `None` for forms left to DataFusion.
fn create(c: &mut Cursor) -> Result<Option<FlinkStatement>> {
    let or_replace = c.kws(&["OR", "REPLACE"]);
    let temporary = c.kw("TEMPORARY");
    if c.kw("TABLE") {
        return Ok(Some(FlinkStatement::CreateTable(ddl::create_table(c, or_replace, temporary)?)));
    }
    if c.kw("VIEW") {
        return ddl::create_view(c, or_replace, temporary).map(Some);
    }
    if or_replace || temporary {
        return Ok(None);
    }
    if c.kw("DATABASE") {
        return ddl::create_database(c).map(Some);
    }
    if c.kw("CATALOG") {
        return ddl::create_catalog(c).map(Some);
    }
    if c.kws(&["MATERIALIZED", "TABLE"]) {
        return materialized::create(c).map(Some);
    }
    Ok(None)
}
