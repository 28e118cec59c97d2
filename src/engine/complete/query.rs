//! Completion in queries and DML (SELECT, INSERT, UPDATE, WITH, VALUES).
//!
//! The previous token says what is expected: a keyword that introduces a
//! table (FROM, JOIN, INTO) wants a table name, one that introduces an
//! expression (SELECT, WHERE, AND, `=`, `,` in a select list) wants columns,
//! and a complete operand (a name, a literal, `)`) is followed by whatever
//! the clause it sits in allows. The clause is found by looking back from
//! the cursor to the nearest clause keyword at the same parenthesis depth;
//! an open parenthesis with no clause inside is classified by what precedes
//! it (a function call, a subquery, an INSERT column list, ...).

use super::ddl::{STATEMENT_START, TYPES};
use super::{Offer, Scope, Slot, Tok};

/// Units of an interval literal (`INTERVAL '5' SECOND`).
pub(super) const TIME_UNITS: &[&str] = &["DAY", "HOUR", "MINUTE", "MONTH", "SECOND", "YEAR"];

/// Keywords and functions that start an expression; kept short on purpose.
const EXPRESSION: &[&str] = &["AVG", "CASE", "CAST", "COALESCE", "COUNT", "FALSE", "MAX", "MIN", "NOT", "NULL", "SUM", "TRUE"];

/// Aggregate functions, whose argument may start with DISTINCT.
const AGGREGATES: &[&str] = &["AVG", "COLLECT", "COUNT", "LISTAGG", "MAX", "MIN", "SUM"];

/// Windowing table functions (`TABLE(TUMBLE(TABLE t, ...))`).
const WINDOW_FUNCTIONS: &[&str] = &["CUMULATE", "HOP", "SESSION", "TUMBLE"];

/// Operators spelled as words that may follow an operand in a condition.
const PREDICATES: &[&str] = &["BETWEEN", "IN", "IS", "LIKE", "NOT"];

/// Connectives of a condition.
const CONNECTIVES: &[&str] = &["AND", "OR"];

/// Joins, after a table of a FROM clause.
const JOINS: &[&str] = &["CROSS", "FULL", "INNER", "JOIN", "LEFT", "RIGHT"];

/// Words the rules treat as keywords; any other unquoted word is a name.
const GRAMMAR: &[&str] = &[
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CROSS", "DESC", "DISTINCT", "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE",
    "FOR", "FROM", "FULL", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INSERT", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LATERAL",
    "LEFT", "LIKE", "LIMIT", "NOT", "NULL", "OF", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "OVERWRITE", "PARTITION", "RIGHT", "SELECT",
    "SET", "SYSTEM_TIME", "TABLE", "THEN", "TRUE", "UNION", "UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH",
];

/// Grammar words that end an operand rather than expect one.
const OPERAND_WORDS: &[&str] = &["ASC", "DESC", "END", "FALSE", "NULL", "TRUE"];

/// The clause a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    /// The select list.
    Select,
    /// The tables after FROM.
    From,
    /// The table after JOIN, before its ON.
    Join,
    /// A join condition.
    On,
    /// WHERE.
    Where,
    /// HAVING.
    Having,
    /// GROUP BY.
    GroupBy,
    /// ORDER BY.
    OrderBy,
    /// PARTITION BY of a window.
    PartitionBy,
    /// LIMIT.
    Limit,
    /// OFFSET.
    Offset,
    /// VALUES rows.
    Values,
    /// The named queries of WITH.
    With,
    /// The target of INSERT INTO or INSERT OVERWRITE.
    Into,
    /// The target of UPDATE.
    Update,
    /// The assignments of UPDATE ... SET.
    Set,
}

/// What an open parenthesis holds, judged by what precedes it.
#[derive(Debug, Clone, PartialEq)]
enum Paren {
    /// Grouping inside an expression: `WHERE (a OR b)`.
    Grouping,
    /// A query: `FROM (`, `EXISTS (`, `WITH x AS (`, or a statement's start.
    Subquery,
    /// `IN (`: values or a query.
    InList,
    /// Arguments of the function with this upper-case name.
    Function(String),
    /// The column list of `INSERT INTO` this table.
    Columns(Vec<String>),
    /// `OVER (`: a window specification.
    Window,
    /// Anything else.
    Other,
}

/// Where the cursor sits: the innermost open parenthesis and the clause.
struct Frame {
    /// Index of the innermost `(` not yet closed.
    open: Option<usize>,
    /// The nearest clause keyword inside that parenthesis, and its index.
    clause: Option<(usize, Clause)>,
    /// Whether a CASE of that clause is still open.
    in_case: bool,
}

impl Frame {
    /// The frame of the position just before `context[end]`.
    fn at(context: &[Tok], end: usize) -> Frame {
        let mut depth = 0usize;
        let mut cases = 0i32;
        let mut clause = None;
        for i in (0..end.min(context.len())).rev() {
            match &context[i] {
                Tok::RParen => depth += 1,
                Tok::LParen if depth == 0 => return Frame { open: Some(i), clause, in_case: cases > 0 },
                Tok::LParen => depth -= 1,
                tok if depth == 0 && clause.is_none() => {
                    if tok.is("CASE") {
                        cases += 1;
                    } else if tok.is("END") {
                        cases -= 1;
                    }
                    clause = clause_at(context, i).map(|c| (i, c));
                }
                _ => {}
            }
        }
        Frame { open: None, clause, in_case: cases > 0 }
    }
}

/// The clause `context[i]` starts, if it is a clause keyword.
fn clause_at(context: &[Tok], i: usize) -> Option<Clause> {
    let before = i.checked_sub(1).and_then(|b| context.get(b)).and_then(Tok::kw);
    Some(match context.get(i)?.kw()? {
        "SELECT" => Clause::Select,
        "FROM" if before != Some("DISTINCT") => Clause::From,
        "JOIN" => Clause::Join,
        "ON" => Clause::On,
        "WHERE" => Clause::Where,
        "HAVING" => Clause::Having,
        "BY" => match before? {
            "GROUP" => Clause::GroupBy,
            "ORDER" => Clause::OrderBy,
            "PARTITION" => Clause::PartitionBy,
            _ => return None,
        },
        "LIMIT" => Clause::Limit,
        "OFFSET" => Clause::Offset,
        "VALUES" => Clause::Values,
        "WITH" => Clause::With,
        "INTO" | "OVERWRITE" => Clause::Into,
        "UPDATE" => Clause::Update,
        "SET" => Clause::Set,
        _ => return None,
    })
}

/// Whether `tok` names something (a table, column, alias or function).
fn is_name(tok: &Tok) -> bool {
    match tok {
        Tok::Quoted(_) => true,
        Tok::Word { upper, .. } => !GRAMMAR.contains(&upper.as_str()),
        _ => false,
    }
}

/// What the parenthesis at `context[open]` holds.
fn paren_kind(context: &[Tok], open: usize) -> Paren {
    let Some(before) = open.checked_sub(1).and_then(|b| context.get(b)) else { return Paren::Subquery };
    match before {
        Tok::LParen | Tok::Comma | Tok::Op | Tok::Cmp => Paren::Grouping,
        Tok::Word { upper, .. } => match upper.as_str() {
            "FROM" | "JOIN" | "AS" | "EXISTS" => Paren::Subquery,
            "IN" => Paren::InList,
            "OVER" => Paren::Window,
            "TABLE" => Paren::Function(upper.clone()),
            "PARTITION" | "USING" | "WITH" => Paren::Other,
            u if GRAMMAR.contains(&u) => Paren::Grouping,
            _ => called_or_target(context, open),
        },
        Tok::Quoted(_) => called_or_target(context, open),
        _ => Paren::Other,
    }
}

/// For a name before `(`: the INSERT target whose columns are listed, or
/// the function called.
fn called_or_target(context: &[Tok], open: usize) -> Paren {
    let Some(name) = open.checked_sub(1) else { return Paren::Other };
    let mut start = name;
    while start >= 2 && context[start - 1] == Tok::Period && context[start - 2].name().is_some() {
        start -= 2;
    }
    let path: Vec<String> = context.get(start..open).unwrap_or_default().iter().filter_map(Tok::name).map(str::to_string).collect();
    let target = start > 0 && (context[start - 1].is("INTO") || context[start - 1].is("OVERWRITE"));
    match (target, context.get(name)) {
        (true, _) => Paren::Columns(path),
        (false, Some(Tok::Word { upper, .. })) if start == name => Paren::Function(upper.clone()),
        _ => Paren::Other,
    }
}

/// An expression: the columns of the statement's tables, and the keywords
/// and functions that start one.
fn expression(scope: &Scope) -> Offer {
    Offer { keywords: EXPRESSION.to_vec(), names: scope.columns(), slot: Slot::Expression }
}

/// The offer for a query or DML statement, `context` being the tokens
/// before the word.
pub(super) fn offer(context: &[Tok], scope: &Scope) -> Offer {
    let n = context.len();
    let Some(prev) = context.last() else { return Offer::keywords(STATEMENT_START) };
    let before = n.checked_sub(2).and_then(|b| context.get(b));
    let frame = Frame::at(context, n);
    match prev {
        Tok::LParen => after_open(context, n - 1, scope),
        Tok::Comma => after_comma(context, &frame, scope),
        Tok::Cmp | Tok::Op => expression(scope),
        Tok::Star if !star_means_all(before) => expression(scope),
        Tok::Word { upper, .. } => after_word(context, upper, &frame, scope),
        Tok::Str if before.is_some_and(|b| b.is("INTERVAL")) => Offer::keywords(TIME_UNITS),
        Tok::RParen | Tok::Str | Tok::Num | Tok::Quoted(_) | Tok::Star => after_operand(context, &frame),
        _ => Offer::none(),
    }
}

/// Whether a `*` after `before` stands for all columns (after SELECT, a
/// comma, `t.` or `(`) rather than for multiplication.
fn star_means_all(before: Option<&Tok>) -> bool {
    match before {
        None | Some(Tok::Comma | Tok::Period | Tok::LParen) => true,
        Some(tok) => tok.is("SELECT"),
    }
}

/// Right after `(` at `context[open]`.
fn after_open(context: &[Tok], open: usize, scope: &Scope) -> Offer {
    match paren_kind(context, open) {
        Paren::Subquery => Offer::keywords(&["SELECT", "VALUES", "WITH"]),
        Paren::InList => expression(scope).and(&["SELECT"]),
        Paren::Function(f) if f == "TABLE" => Offer::keywords(WINDOW_FUNCTIONS),
        Paren::Function(f) if WINDOW_FUNCTIONS.contains(&f.as_str()) => Offer::keywords(&["TABLE"]),
        Paren::Function(f) if AGGREGATES.contains(&f.as_str()) => expression(scope).and(&["DISTINCT"]),
        Paren::Function(_) | Paren::Grouping => expression(scope),
        Paren::Columns(path) => Offer::names(scope.columns_of(&path).unwrap_or_default()),
        Paren::Window => Offer::keywords(&["ORDER", "PARTITION"]),
        Paren::Other => Offer::none(),
    }
}

/// Right after `,`: the next item of the list the comma continues.
fn after_comma(context: &[Tok], frame: &Frame, scope: &Scope) -> Offer {
    match frame.clause.map(|(_, c)| c) {
        Some(Clause::Select | Clause::GroupBy | Clause::OrderBy | Clause::PartitionBy | Clause::Set) => expression(scope),
        Some(Clause::From) => Offer::tables(scope.view),
        Some(_) => Offer::none(),
        None => match frame.open.map(|o| paren_kind(context, o)) {
            Some(Paren::Function(f)) if WINDOW_FUNCTIONS.contains(&f.as_str()) => {
                Offer { names: scope.columns(), slot: Slot::Expression, ..Offer::keywords(&["DESCRIPTOR", "INTERVAL"]) }
            }
            Some(Paren::Function(_) | Paren::Grouping | Paren::InList) => expression(scope),
            Some(Paren::Columns(path)) => Offer::names(scope.columns_of(&path).unwrap_or_default()),
            _ => Offer::none(),
        },
    }
}

/// Right after the unquoted word `upper`: what the keyword expects, or
/// what follows an operand when it is a name.
fn after_word(context: &[Tok], upper: &str, frame: &Frame, scope: &Scope) -> Offer {
    let before = context.len().checked_sub(2).and_then(|b| context.get(b));
    let before_is = |k: &str| before.is_some_and(|b| b.is(k));
    let set_operation = before_is("UNION") || before_is("INTERSECT") || before_is("EXCEPT");
    let in_cast = || {
        let paren = frame.open.map(|o| paren_kind(context, o));
        frame.clause.is_none() && matches!(paren, Some(Paren::Function(f)) if f == "CAST" || f == "TRY_CAST")
    };
    match upper {
        "SELECT" => expression(scope).and(&["DISTINCT"]),
        "ALL" | "DISTINCT" if set_operation => Offer::keywords(&["SELECT"]),
        "ALL" | "DISTINCT" if before_is("SELECT") => expression(scope),
        "WHERE" | "AND" | "OR" | "ON" | "HAVING" | "WHEN" | "THEN" | "ELSE" | "BETWEEN" => expression(scope),
        "OF" if before_is("AS") => expression(scope),
        "CASE" => expression(scope).and(&["WHEN"]),
        "BY" if before_is("GROUP") || before_is("ORDER") || before_is("PARTITION") => expression(scope),
        "GROUP" | "ORDER" => Offer::keywords(&["BY"]),
        "PARTITION" if frame.clause.map(|(_, c)| c) != Some(Clause::Into) => Offer::keywords(&["BY"]),
        // `a IS DISTINCT FROM b` compares.
        "FROM" if before_is("DISTINCT") => expression(scope),
        "FROM" | "JOIN" | "INTO" | "OVERWRITE" | "UPDATE" => Offer::tables(scope.view),
        "TABLE" if !before_is("LATERAL") => Offer::tables(scope.view),
        "LATERAL" => Offer::keywords(&["TABLE"]),
        "INSERT" => Offer::keywords(&["INTO", "OVERWRITE"]),
        "LEFT" | "RIGHT" | "FULL" => Offer::keywords(&["JOIN", "OUTER"]),
        "INNER" | "CROSS" | "OUTER" => Offer::keywords(&["JOIN"]),
        "UNION" | "INTERSECT" | "EXCEPT" => Offer::keywords(&["ALL", "SELECT"]),
        "IS" => Offer::keywords(&["FALSE", "NOT", "NULL", "TRUE"]),
        "NOT" if before_is("IS") => Offer::keywords(&["FALSE", "NULL", "TRUE"]),
        "NOT" if before.is_some_and(ends_operand) => Offer::keywords(&["BETWEEN", "IN", "LIKE"]),
        "NOT" => expression(scope),
        "FOR" => Offer::keywords(&["SYSTEM_TIME"]),
        "SYSTEM_TIME" => Offer::keywords(&["AS"]),
        "AS" if before_is("SYSTEM_TIME") => Offer::keywords(&["OF"]),
        "AS" if in_cast() => Offer::keywords(TYPES),
        // Only the clause before it tells UPDATE's SET from others.
        "SET" if Frame::at(context, context.len() - 1).clause.map(|(_, c)| c) == Some(Clause::Update) => Offer::names(scope.columns()),
        u if OPERAND_WORDS.contains(&u) || !GRAMMAR.contains(&u) => after_operand(context, frame),
        // Any other keyword wants a literal, a parenthesis or a new name.
        _ => Offer::none(),
    }
}

/// Whether `tok` can be the last token of an operand.
fn ends_operand(tok: &Tok) -> bool {
    is_name(tok) || matches!(tok, Tok::Num | Tok::Str | Tok::RParen) || tok.kw().is_some_and(|k| OPERAND_WORDS.contains(&k))
}

/// After a complete operand: what the enclosing clause allows next.
fn after_operand(context: &[Tok], frame: &Frame) -> Offer {
    if frame.in_case {
        return Offer::keywords(&["AND", "ELSE", "END", "OR", "THEN", "WHEN"]);
    }
    let Some((at, clause)) = frame.clause else { return inside_parenthesis(context, frame) };
    let prev = context.last();
    let as_kw: &[&'static str] = if may_alias(context) { &["AS"] } else { &[] };
    match clause {
        Clause::Select => Offer::keywords(&["FROM"]).and(as_kw),
        Clause::From | Clause::Join => {
            let mut offer = Offer::keywords(JOINS).and(&["GROUP", "LIMIT", "ORDER", "UNION", "WHERE"]).and(as_kw);
            if clause == Clause::Join {
                offer = offer.and(&["ON"]);
                // A temporal join's FOR SYSTEM_TIME comes before the alias.
                let tail = context.get(at + 1..).unwrap_or_default();
                let bare_table = tail.len() % 2 == 1
                    && tail.iter().enumerate().all(|(i, t)| if i % 2 == 0 { t.name().is_some() } else { *t == Tok::Period });
                if bare_table {
                    offer = offer.and(&["FOR"]);
                }
            }
            offer
        }
        Clause::On => condition(context).and(JOINS).and(&["GROUP", "LIMIT", "ORDER", "UNION", "WHERE"]),
        Clause::Where => condition(context).and(&["GROUP", "LIMIT", "ORDER", "UNION"]),
        Clause::Having => condition(context).and(&["LIMIT", "ORDER", "UNION"]),
        Clause::GroupBy => Offer::keywords(&["HAVING", "LIMIT", "ORDER", "UNION"]),
        Clause::OrderBy if prev.is_some_and(|p| p.is("ASC") || p.is("DESC")) => Offer::keywords(&["LIMIT"]),
        Clause::OrderBy => Offer::keywords(&["ASC", "DESC", "LIMIT"]),
        Clause::PartitionBy => Offer::keywords(&["ORDER"]),
        Clause::Limit => Offer::keywords(&["OFFSET"]),
        Clause::Offset | Clause::Values => Offer::none(),
        Clause::With if prev == Some(&Tok::RParen) => Offer::keywords(&["SELECT"]),
        // `WITH x` or `, x`: the query's name is followed by AS.
        Clause::With if context.len() >= 2 && (context.len() - 2 == at || context[context.len() - 2] == Tok::Comma) => Offer::keywords(&["AS"]),
        Clause::With => Offer::none(),
        Clause::Into if prev == Some(&Tok::RParen) => Offer::keywords(&["SELECT", "VALUES", "WITH"]),
        Clause::Into => Offer::keywords(&["PARTITION", "SELECT", "VALUES", "WITH"]),
        Clause::Update => Offer::keywords(&["SET"]).and(as_kw),
        Clause::Set => Offer::keywords(&["WHERE"]),
    }
}

/// After an operand inside parentheses that hold no clause: AS in CAST,
/// the connectives of the condition a grouping parenthesis belongs to.
fn inside_parenthesis(context: &[Tok], frame: &Frame) -> Offer {
    let mut open = frame.open;
    while let Some(o) = open {
        match paren_kind(context, o) {
            Paren::Function(f) if f == "CAST" || f == "TRY_CAST" => return Offer::keywords(&["AS"]),
            Paren::Grouping => {
                let outer = Frame::at(context, o);
                match outer.clause.map(|(_, c)| c) {
                    Some(Clause::Where | Clause::On | Clause::Having) => return condition(context),
                    Some(_) => return Offer::none(),
                    None => open = outer.open,
                }
            }
            _ => return Offer::none(),
        }
    }
    Offer::none()
}

/// After an operand in a condition: AND and OR, and the predicates unless
/// the operand is already the right-hand side of one (`a = b`).
fn condition(context: &[Tok]) -> Offer {
    let start = operand_start(context);
    let right_side = start.checked_sub(1).and_then(|b| context.get(b)).is_some_and(|b| {
        matches!(b, Tok::Cmp) || b.is("LIKE") || b.is("ILIKE") || b.is("IS") || (b.is("NOT") && start >= 2 && context[start - 2].is("IS"))
    });
    let offer = Offer::keywords(CONNECTIVES);
    if right_side { offer } else { offer.and(PREDICATES) }
}

/// Index of the first token of the operand that ends `context`: a
/// qualified name, a literal, or a parenthesised expression or call.
fn operand_start(context: &[Tok]) -> usize {
    let Some(mut i) = context.len().checked_sub(1) else { return 0 };
    if context[i] == Tok::RParen {
        let mut depth = 0usize;
        loop {
            match context[i] {
                Tok::RParen => depth += 1,
                Tok::LParen => depth -= 1,
                _ => {}
            }
            if depth == 0 || i == 0 {
                break;
            }
            i -= 1;
        }
        if i > 0 && is_name(&context[i - 1]) {
            i -= 1;
        }
    }
    while i >= 2 && context[i - 1] == Tok::Period && context[i - 2].name().is_some() {
        i -= 2;
    }
    i
}

/// Whether an alias may follow the operand that ends `context`: not after
/// `*`, nor after an alias already given (`AS x`, or a name after a name).
fn may_alias(context: &[Tok]) -> bool {
    let n = context.len();
    let Some(prev) = context.last() else { return false };
    if *prev == Tok::Star {
        return false;
    }
    if !is_name(prev) {
        return true;
    }
    let before = n.checked_sub(2).and_then(|b| context.get(b));
    !before.is_some_and(|b| b.is("AS") || is_name(b))
}
