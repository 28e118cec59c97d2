//! Tests of the Flink dialect: every statement form, types, splitting, errors.

mod ddl;
mod errors;
mod expressions;
mod script;
mod statements;
mod types;

use std::collections::BTreeMap;

use super::*;

/// Parse `sql`, failing the test with the message on error.
fn p(sql: &str) -> FlinkStatement {
    parse(sql).unwrap_or_else(|e| panic!("{sql:?} failed: {e}"))
}

/// The error message of `sql`, failing the test if it parses.
fn err(sql: &str) -> String {
    match parse(sql) {
        Err(GatewayError::Sql(message)) => message,
        Err(other) => panic!("{sql:?}: unexpected error kind {other:?}"),
        Ok(statement) => panic!("{sql:?} parsed as {statement:?}"),
    }
}

/// A name from dotted text.
fn n(dotted: &str) -> Name {
    dotted.split('.').map(str::to_string).collect()
}

/// An options map.
fn opts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A LIKE filter.
fn like(not: bool, ilike: bool, pattern: &str) -> Option<Like> {
    Some(Like { not, ilike, pattern: pattern.to_string() })
}
