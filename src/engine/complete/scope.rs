//! The tables a statement reads and what qualified names lead to.
//!
//! Columns offered in an expression are those of the tables named after
//! FROM, JOIN, UPDATE or TABLE anywhere in the statement, also after the
//! cursor, since a select list is usually typed before its FROM clause.
//! Aliases are remembered so that `o.` completes the columns of `orders o`.

use super::{CatalogView, Offer, Slot, Tok};

/// Words that end a table reference instead of naming its alias.
const NOT_ALIASES: &[&str] = &[
    "AS", "CROSS", "EXCEPT", "FETCH", "FOR", "FULL", "GROUP", "HAVING", "INNER", "INTERSECT", "JOIN", "LEFT", "LIMIT", "MATCH_RECOGNIZE",
    "MINUS", "NATURAL", "OFFSET", "ON", "ORDER", "OUTER", "RIGHT", "SET", "UNION", "USING", "WHERE", "WINDOW",
];

/// Windowing table functions; their result adds these columns.
const WINDOW_FUNCTIONS: &[&str] = &["CUMULATE", "HOP", "SESSION", "TUMBLE"];

/// Columns a windowing table function adds to its input.
const WINDOW_COLUMNS: &[&str] = &["window_end", "window_start", "window_time"];

/// A table named in the statement.
#[derive(Debug, Clone)]
struct TableRef {
    /// The name as written: `[table]`, `[db, table]` or `[catalog, db, table]`.
    path: Vec<String>,
    /// The alias the statement gives it, if any.
    alias: Option<String>,
}

/// The catalog and the tables one statement reads.
pub(super) struct Scope<'a> {
    /// What the session's catalog holds.
    pub(super) view: &'a CatalogView,
    /// Tables the statement names, in order.
    refs: Vec<TableRef>,
    /// Whether a windowing table function is applied (TUMBLE, HOP, ...).
    windowed: bool,
}

impl<'a> Scope<'a> {
    /// The tables named in `statement`, the tokens of the whole statement.
    pub(super) fn of(statement: &[Tok], view: &'a CatalogView) -> Scope<'a> {
        let mut refs = Vec::new();
        for (i, tok) in statement.iter().enumerate() {
            let lists = tok.is("FROM");
            if lists || tok.is("JOIN") || tok.is("UPDATE") || tok.is("TABLE") {
                // `IS DISTINCT FROM x` compares; it names no table.
                if lists && i > 0 && statement[i - 1].is("DISTINCT") {
                    continue;
                }
                table_list(statement, i + 1, lists, &mut refs);
            }
        }
        let windowed = statement
            .windows(2)
            .any(|w| w[1] == Tok::LParen && w[0].kw().is_some_and(|k| WINDOW_FUNCTIONS.contains(&k)));
        Scope { view, refs, windowed }
    }

    /// Columns of every table the statement reads, for an expression.
    pub(super) fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = self.refs.iter().filter_map(|r| self.table(&r.path)).flat_map(|(_, c)| c.iter().cloned()).collect();
        if self.windowed {
            columns.extend(WINDOW_COLUMNS.iter().map(|c| c.to_string()));
        }
        columns
    }

    /// Names that may follow the qualifier `path` (`a.` or `a.b.`) at a
    /// place where a name of kind `slot` starts.
    pub(super) fn qualified(&self, path: &[String], slot: Slot) -> Offer {
        match (slot, path) {
            (Slot::Expression, _) => Offer::names(self.columns_of(path).unwrap_or_else(|| self.namespace(path))),
            (Slot::Table, _) => Offer::names(self.namespace(path)),
            (Slot::Database, [catalog]) if same(catalog, &self.view.current_catalog) => Offer::names(self.view.databases.clone()),
            _ => Offer::none(),
        }
    }

    /// What follows a catalog or database qualifier: the databases of the
    /// current catalog, or the tables of the current database (the only
    /// ones known).
    fn namespace(&self, path: &[String]) -> Vec<String> {
        let view = self.view;
        let tables = || view.tables.iter().map(|(t, _)| t.clone());
        let mut names = Vec::new();
        match path {
            [name] => {
                if same(name, &view.current_database) {
                    names.extend(tables());
                }
                if same(name, &view.current_catalog) {
                    names.extend(view.databases.iter().cloned());
                }
            }
            [catalog, db] if same(catalog, &view.current_catalog) && same(db, &view.current_database) => names.extend(tables()),
            _ => {}
        }
        names
    }

    /// Columns of what `path` names in an expression: an alias or table of
    /// the statement, or a table of the current database.
    pub(super) fn columns_of(&self, path: &[String]) -> Option<Vec<String>> {
        if let [name] = path {
            // An alias hides the table it shadows.
            if let Some(r) = self.refs.iter().find(|r| r.alias.as_ref().is_some_and(|a| same(a, name))) {
                return self.table(&r.path).map(|(_, c)| c.clone());
            }
        }
        self.table(path).map(|(_, c)| c.clone())
    }

    /// The table `path` names, if it is one of the current database.
    fn table(&self, path: &[String]) -> Option<&'a (String, Vec<String>)> {
        let view = self.view;
        let (name, qualifiers) = path.split_last()?;
        let known = match qualifiers {
            [] => true,
            [db] => same(db, &view.current_database),
            [catalog, db] => same(catalog, &view.current_catalog) && same(db, &view.current_database),
            _ => false,
        };
        if !known {
            return None;
        }
        view.tables.iter().find(|(t, _)| t == name).or_else(|| view.tables.iter().find(|(t, _)| same(t, name)))
    }
}

/// Whether two names are the same, ignoring case as unquoted names do.
fn same(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Read the table references starting at `at`: one, or a comma-separated
/// list when `list` (after FROM). A parenthesised subquery or a table
/// function names no table here; its own FROM is read separately.
fn table_list(tokens: &[Tok], mut at: usize, list: bool, refs: &mut Vec<TableRef>) {
    loop {
        let mut path = Vec::new();
        while let Some(name) = tokens.get(at).and_then(Tok::name) {
            path.push(name.to_string());
            at += 1;
            if tokens.get(at) != Some(&Tok::Period) {
                break;
            }
            at += 1;
        }
        // A name followed by `(` calls a table function; it names no table.
        if path.is_empty() || tokens.get(at) == Some(&Tok::LParen) {
            return;
        }
        at = skip_temporal(tokens, at);
        let alias = match tokens.get(at) {
            Some(t) if t.is("AS") => tokens.get(at + 1).and_then(Tok::name),
            Some(Tok::Quoted(a)) => Some(a.as_str()),
            Some(t @ Tok::Word { upper, .. }) if !NOT_ALIASES.contains(&upper.as_str()) => t.name(),
            _ => None,
        };
        if alias.is_some() {
            at += if tokens.get(at).is_some_and(|t| t.is("AS")) { 2 } else { 1 };
        }
        refs.push(TableRef { path, alias: alias.map(str::to_string) });
        if !list || tokens.get(at) != Some(&Tok::Comma) {
            return;
        }
        at += 1;
    }
}

/// Skip a temporal join's `FOR SYSTEM_TIME AS OF o.t` so that the alias
/// after it is found.
fn skip_temporal(tokens: &[Tok], at: usize) -> usize {
    let is = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is(k));
    if !(is(at, "FOR") && is(at + 1, "SYSTEM_TIME") && is(at + 2, "AS") && is(at + 3, "OF")) {
        return at;
    }
    let mut i = at + 4;
    while tokens.get(i).and_then(Tok::name).is_some() {
        i += 1;
        if tokens.get(i) != Some(&Tok::Period) {
            break;
        }
        i += 1;
    }
    i
}
