//! The code sparkmagic sends to `spark` and `pyspark` sessions, recognised
//! exactly: its `%%sql` snippets, whose SQL is taken out and run, and its
//! start-up probes. Nothing else is accepted, and nothing is ever run as
//! Scala or Python: the snippet is matched as text, never interpreted.
//!
//! The forms (sparkmagic's `SQLQuery`, `{ctx}` = `spark` or `sqlContext`):
//! * Scala: `{ctx}.sql("""Q""").toJSON.take(N).foreach(println)`, or
//!   `.collect` instead of `.take(N)`;
//! * Python: `[import sys\n]for V in {ctx}.sql(u"""Q """).toJSON(ARGS).take(N): print(V)`,
//!   or `.collect()`, or `print(V.encode("enc"))`, with ARGS empty or
//!   `use_unicode=(sys.version_info.major > 2)`.
//!
//! The `sample` method (`.sample(false, f)`) is refused: the gateway does
//! not sample.

use super::registry::Kind;

/// sparkmagic's loop variable in the Python form.
const PY_VARIABLE: &str = "yQeKOYBsFgLWWGWZJu3y";

/// What a piece of code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// A `%%sql` snippet: the SQL, and its row cap (`None`: `collect`).
    Query {
        /// The SQL inside the snippet.
        sql: String,
        /// `take(N)`; `None` for `collect`.
        take: Option<usize>,
    },
    /// A start-up probe naming the context variable (`spark`, `sqlContext`).
    Probe(&'static str),
    /// Anything else; the reason it is refused.
    Other(String),
}

/// The refusal every other piece of code gets.
pub const ONLY_SQL: &str = "Only SQL runs on this gateway: send kind sql statements, or %%sql cells from sparkmagic; Scala, Python and R code is not executed.";

/// Recognise `code` sent to a session of `kind`.
pub fn recognise(code: &str, kind: Kind) -> Code {
    let trimmed = code.trim();
    match trimmed {
        "spark" => return Code::Probe("spark"),
        "sqlContext" => return Code::Probe("sqlContext"),
        _ => {}
    }
    let parsed = match kind {
        Kind::Spark => scala(trimmed),
        Kind::PySpark => python(trimmed),
        _ => None,
    };
    parsed.unwrap_or_else(|| Code::Other(ONLY_SQL.to_string()))
}

/// `spark.sql(` or `sqlContext.sql(` at the front; the rest.
fn context_sql(text: &str) -> Option<&str> {
    text.strip_prefix("spark.sql(").or_else(|| text.strip_prefix("sqlContext.sql("))
}

/// `take(N)` / `collect` tails: the cap and the rest.
fn rows_tail<'a>(rest: &'a str, collect: &str) -> Option<(Result<Option<usize>, String>, &'a str)> {
    if rest.starts_with(".sample(") {
        return Some((Err("sparkmagic's sample method is not supported here: use -m take".to_string()), ""));
    }
    if let Some(rest) = rest.strip_prefix(".take(") {
        let close = rest.find(')')?;
        let n = rest[..close].trim().parse::<usize>().ok()?;
        return Some((Ok(Some(n)), &rest[close + 1..]));
    }
    rest.strip_prefix(collect).map(|rest| (Ok(None), rest))
}

fn scala(text: &str) -> Option<Code> {
    let rest = context_sql(text)?.strip_prefix("\"\"\"")?;
    let end = rest.rfind("\"\"\").toJSON")?;
    let sql = &rest[..end];
    let (take, tail) = rows_tail(&rest[end + "\"\"\").toJSON".len()..], ".collect")?;
    match take {
        Err(reason) => Some(Code::Other(reason)),
        Ok(take) if tail == ".foreach(println)" => Some(Code::Query { sql: sql.to_string(), take }),
        Ok(_) => None,
    }
}

fn python(text: &str) -> Option<Code> {
    let text = text.strip_prefix("import sys").map(str::trim_start).unwrap_or(text);
    let rest = text.strip_prefix(&format!("for {PY_VARIABLE} in "))?;
    let rest = context_sql(rest)?.strip_prefix("u\"\"\"")?;
    let end = rest.rfind("\"\"\").toJSON(")?;
    // sparkmagic adds one space after the query.
    let sql = rest[..end].strip_suffix(' ').unwrap_or(&rest[..end]);
    let after = &rest[end + "\"\"\").toJSON(".len()..];
    let after = after.strip_prefix("use_unicode=(sys.version_info.major > 2))").or_else(|| after.strip_prefix(')'))?;
    let (take, tail) = rows_tail(after, ".collect()")?;
    let take = match take {
        Err(reason) => return Some(Code::Other(reason)),
        Ok(take) => take,
    };
    let print = tail.strip_prefix(':')?.trim();
    let plain = format!("print({PY_VARIABLE})");
    let encoded = print.strip_prefix(&format!("print({PY_VARIABLE}.encode(\"")).and_then(|r| r.strip_suffix("\"))"));
    (print == plain || encoded.is_some_and(|enc| !enc.contains('"'))).then(|| Code::Query { sql: sql.to_string(), take })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(sql: &str, take: Option<usize>) -> Code {
        Code::Query { sql: sql.into(), take }
    }

    #[test]
    fn scala_snippets() {
        let q = "SELECT * FROM t WHERE s = \"x\"";
        assert_eq!(recognise(&format!("spark.sql(\"\"\"{q}\"\"\").toJSON.take(2500).foreach(println)"), Kind::Spark), query(q, Some(2500)));
        assert_eq!(recognise(&format!("sqlContext.sql(\"\"\"{q}\"\"\").toJSON.collect.foreach(println)"), Kind::Spark), query(q, None));
        assert!(matches!(recognise("spark.sql(\"\"\"SELECT 1\"\"\").toJSON.sample(false, 0.1).take(5).foreach(println)", Kind::Spark), Code::Other(r) if r.contains("sample")));
        for other in ["spark.sql(\"\"\"SELECT 1\"\"\").toJSON.take(5).foreach(x => sys.exit(1))", "sys.exit(1)", "spark.sql(\"SELECT 1\").show()", "val x = 1"] {
            assert_eq!(recognise(other, Kind::Spark), Code::Other(ONLY_SQL.into()), "{other}");
        }
    }

    #[test]
    fn python_snippets() {
        let new = format!("import sys\nfor {PY_VARIABLE} in spark.sql(u\"\"\"SELECT 1 AS a \"\"\").toJSON(use_unicode=(sys.version_info.major > 2)).take(10): print({PY_VARIABLE})");
        assert_eq!(recognise(&new, Kind::PySpark), query("SELECT 1 AS a", Some(10)));
        let old = format!("for {PY_VARIABLE} in sqlContext.sql(u\"\"\"SELECT 2 \"\"\").toJSON().collect(): print({PY_VARIABLE}.encode(\"utf-8\"))");
        assert_eq!(recognise(&old, Kind::PySpark), query("SELECT 2", None));
        let evil = format!("for {PY_VARIABLE} in spark.sql(u\"\"\"SELECT 1 \"\"\").toJSON().take(1): __import__('os').system('id')");
        assert_eq!(recognise(&evil, Kind::PySpark), Code::Other(ONLY_SQL.into()));
        // A Python snippet sent to a Scala session is not recognised.
        assert_eq!(recognise(&new, Kind::Spark), Code::Other(ONLY_SQL.into()));
    }

    #[test]
    fn probes() {
        assert_eq!(recognise(" spark\n", Kind::PySpark), Code::Probe("spark"));
        assert_eq!(recognise("sqlContext", Kind::Spark), Code::Probe("sqlContext"));
        assert_eq!(recognise("print(1)", Kind::PySpark), Code::Other(ONLY_SQL.into()));
    }
}
