//! Flink's built-in functions, by Flink's names, argument forms, result
//! types and NULL rules, registered in every session's context.
//!
//! DataFusion already offers many of Flink's functions under the same name
//! and with the same result (`ABS`, `UPPER`, `CONCAT`, ...); those are left
//! as they are. This module adds what Flink has and DataFusion lacks or
//! spells differently, and replaces the few where the same name means
//! something else (`LOG(x)` is the natural logarithm in Flink, base 10 in
//! DataFusion; `SHA256` a hex string in Flink, bytes in DataFusion):
//!
//! - [`math`]: `MOD`, `LOG`, `E`, `BIN`, `RAND`, `RAND_INTEGER`, and the
//!   aliases `CEILING`, `SIGN`, `TRUNCATE`;
//! - [`string`]: `IS_ALPHA`, `IS_DIGIT`, `IS_DECIMAL`, `LOCATE`,
//!   `SPLIT_INDEX`, `TO_BASE64`, `FROM_BASE64`, `REGEXP`, `REGEXP_EXTRACT`,
//!   `LEFT`, `RIGHT`;
//! - [`hashing`]: `MD5`, `SHA1`, `SHA224`, `SHA256`, `SHA384`, `SHA512`,
//!   `SHA2`;
//! - [`encoding`]: `HEX`, `UNHEX`, `ENCODE`, `DECODE`;
//! - [`url`]: `URL_ENCODE`, `URL_DECODE`, `PARSE_URL`;
//! - [`collections`]: `CARDINALITY`, `ELT`, `STR_TO_MAP`;
//! - [`arrays`]: `ELEMENT`, `ARRAY_REMOVE`, `ARRAY_POSITION`,
//!   `MAP_FROM_ARRAYS`, `MAP_UNION`, and Flink's NULL rules or argument
//!   forms for DataFusion's `ARRAY_CONCAT`, `ARRAY_JOIN`, `ARRAY_SLICE`;
//! - [`aggregates`]: the aggregate functions `PERCENTILE`, `JSON_ARRAYAGG`,
//!   `JSON_OBJECTAGG` (the latter two as rewritten by the dialect layer);
//! - [`introspection`]: `TYPEOF`, `CURRENT_WATERMARK` (NULL: see there why);
//! - [`printf`]: `PRINTF`, a subset of Java's `String.format` (see its
//!   doc for which);
//! - [`calendar`]: `YEAR`, `QUARTER`, `MONTH`, `WEEK`, `DAYOFYEAR`,
//!   `DAYOFMONTH`, `DAYOFWEEK`, `HOUR`, `MINUTE`, `SECOND`, and
//!   `TIMESTAMPADD`/`TIMESTAMPDIFF` (as rewritten by the dialect layer);
//! - [`json`] (with [`json_values`], and [`json_returning`] for
//!   `JSON_VALUE`'s clauses): `IS JSON`, `JSON_EXISTS`,
//!   `JSON_VALUE`, `JSON_QUERY`, `JSON_STRING`, `JSON_OBJECT`, `JSON_ARRAY`;
//! - [`temporal`] (with [`date_pattern`]): `DATE_FORMAT`, `FROM_UNIXTIME`,
//!   `UNIX_TIMESTAMP`, `TO_DATE`, `TO_TIMESTAMP`, `TO_TIMESTAMP_LTZ`,
//!   `CONVERT_TZ`;
//! - [`conditional`]: `IF`, planned as the `CASE` expression it stands
//!   for;
//! - [`clock`]: `CURRENT_TIMESTAMP`, `NOW`, `CURRENT_ROW_TIMESTAMP`,
//!   `LOCALTIMESTAMP`, `CURRENT_DATE`, `CURRENT_TIME`, `LOCALTIME`;
//! - [`time_units`]: `FLOOR(t TO unit)`, `CEIL(t TO unit)` (as rewritten
//!   by the dialect layer).
//!
//! Every function works on whole arrays (a batch at a time), never row by
//! row through `ScalarValue`, since they sit on the paging hot path.

mod aggregates;
mod arrays;
mod calendar;
mod clock;
mod collections;
mod conditional;
mod date_pattern;
mod encoding;
mod hashing;
mod introspection;
mod json;
mod json_returning;
mod json_values;
mod math;
mod printf;
mod string;
mod temporal;
mod time_units;
mod url;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_calendar;
#[cfg(test)]
mod tests_hashing;
#[cfg(test)]
mod tests_json;
#[cfg(test)]
mod tests_strings;
#[cfg(test)]
mod tests_temporal;
#[cfg(test)]
mod tests_aggregates;
#[cfg(test)]
mod tests_collections;

use std::sync::Arc;

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::array::timezone::Tz;
use datafusion::common::config::ConfigOptions;
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

/// Register Flink's functions in `ctx` (after DataFusion's own, so a Flink
/// meaning replaces a DataFusion one of the same name).
pub fn register(ctx: &SessionContext) {
    for function in all() {
        ctx.register_udf(function);
    }
    for function in aggregates::all() {
        ctx.register_udaf(function);
    }
}

/// Every function of this module.
fn all() -> Vec<ScalarUDF> {
    let files = [math::all, string::all, conditional::all, time_units::all, clock::all, hashing::all, encoding::all, url::all, collections::all, arrays::all, introspection::all, printf::all, calendar::all, json::all, temporal::all];
    files.into_iter().flat_map(|file| file()).collect()
}

/// The names this module adds, lower case, for tests and listings.
pub fn names() -> Vec<String> {
    all().into_iter().flat_map(|f| {
        let mut names = vec![f.name().to_string()];
        names.extend(f.aliases().iter().cloned());
        names
    }).chain(aggregates::all().into_iter().flat_map(|f| {
        let mut names = vec![f.name().to_string()];
        names.extend(f.aliases().iter().cloned());
        names
    })).collect()
}

/// A DataFusion function under one more (Flink) name.
fn alias(function: Arc<ScalarUDF>, flink_name: &'static str) -> ScalarUDF {
    function.as_ref().clone().with_aliases([flink_name])
}

/// The arguments as arrays of the batch's length.
fn arrays(args: &[ColumnarValue], rows: usize) -> DfResult<Vec<ArrayRef>> {
    args.iter().map(|a| a.to_array(rows)).collect()
}

/// `arg_types` coerced to text, for functions over strings: any type casts
/// to its text, as Flink's implicit `CAST(x AS STRING)` would.
fn to_strings(name: &str, arg_types: &[DataType], counts: std::ops::RangeInclusive<usize>) -> DfResult<Vec<DataType>> {
    check_count(name, arg_types.len(), counts)?;
    Ok(arg_types.iter().map(|_| DataType::Utf8).collect())
}

/// Refuse a call with the wrong number of arguments, in Flink's words.
fn check_count(name: &str, got: usize, counts: std::ops::RangeInclusive<usize>) -> DfResult<()> {
    if counts.contains(&got) {
        return Ok(());
    }
    let wanted = if counts.start() == counts.end() { counts.start().to_string() } else { format!("{} to {}", counts.start(), counts.end()) };
    plan_err!("Invalid number of arguments to function '{}'. Was expecting {wanted} arguments", name.to_uppercase())
}

/// The session time zone of a call.
struct SessionZone {
    /// Its name as the session gave it, the label instants are read in.
    name: Arc<str>,
    /// The zone itself, to turn instants into wall-clock time.
    tz: Tz,
}

/// The session time zone in `config`: DataFusion's `execution.time_zone`,
/// which the session's properties keep in step with `table.local-time-zone`
/// (UTC when unset); `name` is the function, for the error message.
fn session_zone(name: &str, config: &ConfigOptions) -> DfResult<SessionZone> {
    let zone = config.execution.time_zone.clone().filter(|z| !z.trim().is_empty()).unwrap_or_else(|| "+00:00".into());
    match zone.parse::<Tz>() {
        Ok(tz) => Ok(SessionZone { name: zone.into(), tz }),
        Err(e) => exec_err!("{}: time zone '{zone}': {e}", name.to_uppercase()),
    }
}

/// Whether `t` is an integer type.
fn is_integer(t: &DataType) -> bool {
    t.is_integer() || matches!(t, DataType::Null)
}
