//! Completion in statements that are not queries: the start of a statement,
//! CREATE, DROP, ALTER, SHOW, USE, DESCRIBE, EXPLAIN, EXECUTE, statement
//! sets, STOP JOB, and the column list of CREATE TABLE.
//!
//! These statements begin with a run of keywords and names, so most rules
//! match that run as a whole (`SHOW CREATE TABLE` → a table name). The query
//! inside `CREATE VIEW v AS ...` or after `EXPLAIN` is left to the query rules.

use super::{Offer, Scope, Slot, Tok};

/// Keywords that start a statement.
pub(super) const STATEMENT_START: &[&str] = &[
    "ALTER", "BEGIN", "CREATE", "DESC", "DESCRIBE", "DROP", "END", "EXECUTE", "EXPLAIN", "INSERT", "RESET", "SELECT", "SET", "SHOW", "STOP",
    "USE", "VALUES", "WITH",
];

/// Statements EXPLAIN and EXECUTE apply to.
const EXPLAINABLE: &[&str] = &["INSERT", "SELECT", "STATEMENT", "WITH"];

/// What EXPLAIN may report besides the plan.
const EXPLAIN_DETAILS: &[&str] = &["CHANGELOG_MODE", "ESTIMATED_COST", "JSON_EXECUTION_PLAN", "PLAN_ADVICE"];

/// What CREATE can create.
const CREATE_OBJECTS: &[&str] = &["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "OR", "TABLE", "TEMPORARY", "VIEW"];

/// What DROP and ALTER apply to.
const DROP_OBJECTS: &[&str] = &["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "TABLE", "TEMPORARY", "VIEW"];

/// What SHOW can list.
const SHOW_OBJECTS: &[&str] = &[
    "CATALOGS", "COLUMNS", "CREATE", "CURRENT", "DATABASES", "FULL", "FUNCTIONS", "JARS", "JOBS", "MATERIALIZED", "MODULES", "PARTITIONS",
    "PROCEDURES", "TABLES", "USER", "VIEWS",
];

/// Filters after a SHOW listing.
const SHOW_FILTERS: &[&str] = &["FROM", "ILIKE", "IN", "LIKE", "NOT"];

/// Column data types, for CREATE TABLE and CAST.
pub(super) const TYPES: &[&str] = &[
    "ARRAY", "BIGINT", "BOOLEAN", "BYTES", "CHAR", "DATE", "DECIMAL", "DOUBLE", "FLOAT", "INT", "INTEGER", "MAP", "ROW", "SMALLINT", "STRING",
    "TIME", "TIMESTAMP", "TIMESTAMP_LTZ", "TINYINT", "VARCHAR",
];

/// Clauses after the column list of CREATE TABLE.
const TABLE_OPTIONS: &[&str] = &["AS", "COMMENT", "LIKE", "PARTITIONED", "WITH"];

/// The offer when the statement is not a query or DML, `None` to leave it
/// to the query rules.
pub(super) fn offer(context: &[Tok], scope: &Scope) -> Option<Offer> {
    let Some(first) = context.first() else { return Some(Offer::keywords(STATEMENT_START)) };
    let first = first.kw()?;
    match first {
        "CREATE" | "ALTER" => {
            if let Some(start) = query_start(context) {
                // `CREATE VIEW v AS` is followed by a query, whose rules take over.
                return (start == context.len()).then(|| Offer::keywords(&["SELECT", "VALUES", "WITH"]));
            }
            if let Some(offer) = create_table(context, scope) {
                return Some(offer);
            }
        }
        "EXPLAIN" | "EXECUTE" => return head(context).and_then(|h| by_head(&h, scope)),
        "BEGIN" | "DESC" | "DESCRIBE" | "DROP" | "END" | "RESET" | "SET" | "SHOW" | "STOP" | "USE" => {}
        _ => return None,
    }
    Some(head(context).and_then(|h| by_head(&h, scope)).unwrap_or_else(Offer::none))
}

/// The keywords and names of `context` in upper case, a qualified name as
/// `#NAME`, a quoted one as `#QUOTED`, commas as `,`; `None` when anything
/// else (a literal, a parenthesis) shows the statement head is over.
fn head(context: &[Tok]) -> Option<Vec<String>> {
    let mut head: Vec<String> = Vec::new();
    let mut joining = false;
    for tok in context {
        match tok {
            Tok::Period => {
                *head.last_mut()? = "#NAME".to_string();
                joining = true;
            }
            _ if joining => {
                tok.name()?;
                joining = false;
            }
            Tok::Word { upper, .. } => head.push(upper.clone()),
            Tok::Quoted(_) => head.push("#QUOTED".to_string()),
            Tok::Comma => head.push(",".to_string()),
            _ => return None,
        }
    }
    Some(head)
}

/// `head` without a completed `IF [NOT] EXISTS`, and whether it had one.
fn strip_if<'a>(head: &[&'a str]) -> (Vec<&'a str>, bool) {
    let mut out = Vec::new();
    let mut had_if = false;
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(&["IF", "NOT", "EXISTS"]) {
            had_if = true;
            i += 3;
        } else if rest.starts_with(&["IF", "EXISTS"]) {
            had_if = true;
            i += 2;
        } else {
            out.push(head[i]);
            i += 1;
        }
    }
    (out, had_if)
}

/// The rules for a statement head, `None` when none applies.
fn by_head(head: &[String], scope: &Scope) -> Option<Offer> {
    let view = scope.view;
    let words: Vec<&str> = head.iter().map(String::as_str).collect();
    // An IF being typed: CREATE says IF NOT EXISTS, DROP and ALTER IF EXISTS.
    match words.as_slice() {
        ["CREATE", .., "IF"] => return Some(Offer::keywords(&["NOT"])),
        ["CREATE", .., "IF", "NOT"] | ["DROP" | "ALTER", .., "IF"] => return Some(Offer::keywords(&["EXISTS"])),
        _ => {}
    }
    let (h, had_if) = strip_if(&words);
    let if_kw: &[&'static str] = if had_if { &[] } else { &["IF"] };
    let is_detail = |w: &&str| EXPLAIN_DETAILS.contains(w) || *w == ",";
    let offer = match h.as_slice() {
        ["EXPLAIN"] => Offer::keywords(EXPLAIN_DETAILS).and(EXPLAINABLE).and(&["PLAN"]),
        ["EXPLAIN", .., ","] if h[1..].iter().all(is_detail) => Offer::keywords(EXPLAIN_DETAILS),
        ["EXPLAIN", ..] if h[1..].iter().all(is_detail) => Offer::keywords(EXPLAINABLE),
        ["EXPLAIN", "PLAN"] => Offer::keywords(&["FOR"]),
        ["EXPLAIN", "PLAN", "FOR"] => Offer::keywords(EXPLAINABLE),
        ["EXECUTE"] => Offer::keywords(&["INSERT", "PLAN", "SELECT", "STATEMENT"]),
        ["BEGIN"] => Offer::keywords(&["STATEMENT"]),
        ["EXECUTE" | "EXPLAIN" | "BEGIN", "STATEMENT"] => Offer::keywords(&["SET"]),
        ["EXECUTE" | "EXPLAIN", "STATEMENT", "SET"] => Offer::keywords(&["BEGIN"]),
        ["EXECUTE" | "EXPLAIN", "STATEMENT", "SET", "BEGIN"] => Offer::keywords(&["INSERT"]),
        ["STOP"] => Offer::keywords(&["JOB"]),

        ["CREATE"] => Offer::keywords(CREATE_OBJECTS),
        ["CREATE", "OR"] => Offer::keywords(&["REPLACE"]),
        ["CREATE", "OR", "REPLACE"] => Offer::keywords(&["TABLE"]),
        ["CREATE" | "DROP", "TEMPORARY"] => Offer::keywords(&["FUNCTION", "SYSTEM", "TABLE", "VIEW"]),
        ["ALTER", "TEMPORARY"] => Offer::keywords(&["FUNCTION", "SYSTEM"]),
        [_, "TEMPORARY", "SYSTEM"] => Offer::keywords(&["FUNCTION"]),
        ["CREATE" | "DROP" | "ALTER", "MATERIALIZED"] | ["SHOW", "CREATE", "MATERIALIZED"] => Offer::keywords(&["TABLE"]),
        // The name of something new: nothing to offer but IF NOT EXISTS.
        ["CREATE", .., "TABLE" | "VIEW" | "DATABASE" | "CATALOG" | "FUNCTION"] => Offer::keywords(if_kw),
        ["CREATE", "MATERIALIZED", "TABLE", _] => Offer::keywords(&["AS", "FRESHNESS", "PARTITIONED", "WITH"]),
        ["CREATE", .., "TABLE", _] => Offer::keywords(&["AS", "LIKE", "WITH"]),
        ["CREATE", .., "TABLE", _, "LIKE"] => Offer::tables(view),
        ["CREATE", .., "VIEW", _] => Offer::keywords(&["AS", "COMMENT"]),
        ["CREATE", .., "FUNCTION", _] => Offer::keywords(&["AS"]),
        ["CREATE", "CATALOG" | "DATABASE", _] => Offer::keywords(&["COMMENT", "WITH"]),

        ["DROP" | "ALTER"] => Offer::keywords(DROP_OBJECTS),
        ["DROP" | "ALTER", .., "TABLE" | "VIEW"] => Offer::tables(view).and(if_kw),
        ["DROP" | "ALTER", "DATABASE"] => Offer::databases(view).and(if_kw),
        ["DROP" | "ALTER", "CATALOG"] => Offer::catalogs(view).and(if_kw),
        ["DROP", .., "FUNCTION"] => Offer::keywords(if_kw),
        ["DROP", "DATABASE", _] => Offer::keywords(&["CASCADE", "RESTRICT"]),
        ["ALTER", "TABLE", _] => Offer::keywords(&["ADD", "DROP", "MODIFY", "RENAME", "RESET", "SET"]),
        ["ALTER", "VIEW", _] => Offer::keywords(&["AS", "RENAME"]),
        ["ALTER", "MATERIALIZED", "TABLE", _] => Offer::keywords(&["AS", "REFRESH", "RESUME", "SUSPEND"]),
        ["ALTER", "DATABASE", _] => Offer::keywords(&["SET"]),
        ["ALTER", "CATALOG", _] => Offer::keywords(&["COMMENT", "RESET", "SET"]),
        ["ALTER", .., "RENAME"] => Offer::keywords(&["TO"]),

        ["SHOW"] => Offer::keywords(SHOW_OBJECTS),
        ["SHOW", "CURRENT"] => Offer::keywords(&["CATALOG", "DATABASE"]),
        ["SHOW", "CREATE"] => Offer::keywords(&["CATALOG", "MATERIALIZED", "TABLE", "VIEW"]),
        ["SHOW", "CREATE", .., "TABLE" | "VIEW"] | ["SHOW", "COLUMNS", "FROM" | "IN"] | ["SHOW", "PARTITIONS"] => Offer::tables(view),
        ["SHOW", "CREATE", "CATALOG"] => Offer::catalogs(view),
        ["SHOW", "USER"] => Offer::keywords(&["FUNCTIONS"]),
        ["SHOW", "FULL"] => Offer::keywords(&["MODULES"]),
        ["SHOW", "MATERIALIZED"] => Offer::keywords(&["TABLES"]),
        ["SHOW", "COLUMNS"] => Offer::keywords(&["FROM", "IN"]),
        ["SHOW", "DATABASES", "FROM" | "IN"] => Offer::catalogs(view),
        ["SHOW", .., "TABLES" | "VIEWS" | "FUNCTIONS" | "PROCEDURES", "FROM" | "IN"] => Offer::databases(view),
        ["SHOW", .., "TABLES" | "VIEWS" | "FUNCTIONS" | "PROCEDURES" | "DATABASES"] => Offer::keywords(SHOW_FILTERS),
        ["SHOW", .., "FROM" | "IN", _] => Offer::keywords(&["ILIKE", "LIKE", "NOT"]),
        ["SHOW", .., "NOT"] => Offer::keywords(&["ILIKE", "LIKE"]),

        ["USE"] => Offer { names: view.databases.clone(), slot: Slot::Database, ..Offer::none() }.and(&["CATALOG", "MODULES"]),
        ["USE", "CATALOG"] => Offer::catalogs(view),
        ["DESCRIBE" | "DESC"] => Offer::tables(view),
        _ => return None,
    };
    Some(offer)
}

/// For `CREATE [OR REPLACE] TABLE|VIEW ... AS` and `ALTER VIEW|MATERIALIZED
/// TABLE ... AS`, the index just after the AS that starts the query.
fn query_start(context: &[Tok]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, tok) in context.iter().enumerate() {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0 && tok.is("AS") => {
                let defines = context[..i].iter().any(|t| t.is("TABLE") || t.is("VIEW")) && !context[..i].iter().any(|t| t.is("FUNCTION"));
                return defines.then_some(i + 1);
            }
            _ => {}
        }
    }
    None
}

/// Inside or after the column list of `CREATE TABLE t (...)`: data types,
/// constraints and watermarks, the columns defined so far where a column
/// is referred to, and the clauses that follow the list.
fn create_table(context: &[Tok], scope: &Scope) -> Option<Offer> {
    let open = context.iter().position(|t| *t == Tok::LParen)?;
    let h = head(&context[..open])?;
    let (h, _) = strip_if(&h.iter().map(String::as_str).collect::<Vec<_>>());
    if !matches!(h.as_slice(), ["CREATE", .., "TABLE", _]) {
        return None;
    }
    let body = &context[open + 1..];
    let mut depth = 1usize;
    let close = body.iter().position(|t| {
        match t {
            Tok::LParen => depth += 1,
            Tok::RParen => depth -= 1,
            _ => {}
        }
        depth == 0
    });
    let columns = defined_columns(&body[..close.unwrap_or(body.len())]);
    Some(match close {
        Some(close) => after_columns(&body[close + 1..], scope, columns),
        None => column_item(body, columns),
    })
}

/// The column names defined in a column list: the first word of each item.
fn defined_columns(list: &[Tok]) -> Vec<String> {
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut item_start = true;
    for tok in list {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => depth = depth.saturating_sub(1),
            Tok::Comma if depth == 0 => {
                item_start = true;
                continue;
            }
            _ if item_start && depth == 0 => {
                if let Some(name) = tok.name().filter(|_| !["CONSTRAINT", "PRIMARY", "WATERMARK"].iter().any(|k| tok.is(k))) {
                    columns.push(name.to_string());
                }
            }
            _ => {}
        }
        item_start = false;
    }
    columns
}

/// Inside the column list, `body` being everything after its `(`.
fn column_item(body: &[Tok], columns: Vec<String>) -> Offer {
    // The innermost parenthesis still open, if nested (`PRIMARY KEY (a, `).
    let mut depth = 0usize;
    let mut item = body;
    for (i, tok) in body.iter().enumerate().rev() {
        match tok {
            Tok::RParen => depth += 1,
            Tok::LParen if depth == 0 => {
                let key = i > 0 && body[i - 1].is("KEY");
                let listing = matches!(body.last(), Some(Tok::LParen | Tok::Comma));
                return if key && listing { Offer::names(columns) } else { Offer::none() };
            }
            Tok::LParen => depth -= 1,
            Tok::Comma if depth == 0 => {
                item = &body[i + 1..];
                break;
            }
            _ => {}
        }
    }
    let last = item.last();
    let first = item.first();
    match (first, last) {
        (None, _) => Offer::keywords(&["CONSTRAINT", "PRIMARY", "WATERMARK"]),
        (_, Some(t)) if t.is("PRIMARY") => Offer::keywords(&["KEY"]),
        // A column's own key (`id INT PRIMARY KEY`) is followed by NOT ENFORCED.
        (Some(f), Some(t)) if t.is("KEY") => Offer::keywords(if f.is("PRIMARY") { &[] } else { &["NOT"] }),
        (_, Some(t)) if t.is("NOT") => Offer::keywords(if item.iter().any(|t| t.is("KEY")) { &["ENFORCED"] } else { &["NULL"] }),
        (Some(f), Some(_)) if f.is("CONSTRAINT") => Offer::keywords(if item.len() == 2 { &["PRIMARY"] } else { &[] }),
        (Some(f), Some(_)) if f.is("PRIMARY") => Offer::keywords(if matches!(last, Some(Tok::RParen)) { &["NOT"] } else { &[] }),
        (Some(f), _) if f.is("WATERMARK") => match item.len() {
            1 => Offer::keywords(&["FOR"]),
            2 => Offer::names(columns),
            3 => Offer::keywords(&["AS"]),
            _ => computed(item, columns),
        },
        (Some(_), _) if item.len() == 1 => Offer::keywords(TYPES).and(&["AS"]),
        (Some(_), _) if item.get(1).is_some_and(|t| t.is("AS")) => computed(item, columns),
        (_, Some(t)) if t.is("METADATA") => Offer::keywords(&["FROM", "VIRTUAL"]),
        (_, Some(t)) if t.is("COMMENT") => Offer::none(),
        (_, Some(Tok::Word { .. } | Tok::RParen)) => Offer::keywords(&["COMMENT", "METADATA", "NOT", "PRIMARY"]),
        _ => Offer::none(),
    }
}

/// In a computed column or watermark expression: the columns defined so
/// far where an operand is expected, time units after an interval literal.
fn computed(item: &[Tok], columns: Vec<String>) -> Offer {
    match item {
        [.., interval, Tok::Str] if interval.is("INTERVAL") => Offer::keywords(super::query::TIME_UNITS),
        [.., Tok::Op | Tok::Cmp | Tok::Star | Tok::LParen] => Offer::names(columns).and(&["INTERVAL"]),
        [.., t] if t.is("AS") => Offer::names(columns).and(&["INTERVAL"]),
        _ => Offer::none(),
    }
}

/// After the column list: the clauses not given yet, table names after
/// LIKE, the defined columns inside `PARTITIONED BY (...)`.
fn after_columns(rest: &[Tok], scope: &Scope, columns: Vec<String>) -> Offer {
    let mut open = Vec::new();
    for (i, tok) in rest.iter().enumerate() {
        match tok {
            Tok::LParen => open.push(i),
            Tok::RParen => {
                open.pop();
            }
            _ => {}
        }
    }
    if let Some(&o) = open.last() {
        // Only the partition keys name columns; WITH options are strings.
        let partition = o > 0 && rest[o - 1].is("BY");
        let listing = matches!(rest.last(), Some(Tok::LParen | Tok::Comma));
        return if partition && listing { Offer::names(columns) } else { Offer::none() };
    }
    match rest.last() {
        Some(t) if t.is("PARTITIONED") => Offer::keywords(&["BY"]),
        Some(t) if t.is("LIKE") => Offer::tables(scope.view),
        None | Some(Tok::RParen | Tok::Str) => {
            let given: Vec<&str> = rest.iter().filter_map(Tok::kw).collect();
            let open: Vec<&'static str> = TABLE_OPTIONS.iter().copied().filter(|k| !given.contains(k)).collect();
            Offer::keywords(&open)
        }
        _ => Offer::none(),
    }
}
