//! Flink's URL functions:
//!
//! - `URL_ENCODE(s)` / `URL_DECODE(s)`: `application/x-www-form-urlencoded`
//!   in UTF-8, as Java's `URLEncoder`/`URLDecoder` (a space is `+`; only
//!   `A-Z a-z 0-9 . - * _` stay as they are); NULL when decoding meets a
//!   broken `%` escape;
//! - `PARSE_URL(url, part[, key])`: one part of a URL as Java's
//!   `java.net.URL` splits it (`HOST`, `PATH`, `QUERY`, `REF`, `PROTOCOL`,
//!   `FILE`, `AUTHORITY`, `USERINFO`; the part name is case-sensitive as in
//!   Flink), or with `QUERY` and a key the value of that query parameter;
//!   NULL for a part the URL lacks, an unknown part or a malformed URL.
//!   Unlike `java.net.URL`, any syntactically valid scheme is accepted, not
//!   only those the JVM has a handler for.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::exec_err;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{arrays, to_strings};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    [("url_encode", 1..=1), ("url_decode", 1..=1), ("parse_url", 2..=3)]
        .into_iter()
        .map(|(name, args)| ScalarUDF::new_from_impl(Url { name, args, signature: Signature::user_defined(Volatility::Immutable) }))
        .collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Url {
    /// The function's (lower-case) name.
    name: &'static str,
    /// How many arguments it takes.
    args: std::ops::RangeInclusive<usize>,
    /// Every argument is text; coerced in `coerce_types`.
    signature: Signature,
}

impl ScalarUDFImpl for Url {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        to_strings(self.name, arg_types, self.args.clone())
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let text = |i: usize| arrays.get(i).map(|a| a.as_string::<i32>());
        let Some(first) = text(0) else { return exec_err!("{}: missing argument", self.name) };
        let out: ArrayRef = match self.name {
            "url_encode" => map(first, |s| Some(url_encode(s))),
            "url_decode" => map(first, url_decode),
            "parse_url" => {
                let (parts, keys) = (text(1).unwrap_or(first), text(2));
                let mut out = StringBuilder::with_capacity(first.len(), first.len() * 16);
                for i in 0..first.len() {
                    let null = first.is_null(i) || parts.is_null(i) || keys.is_some_and(|k| k.is_null(i));
                    let value = if null { None } else { parse_url(first.value(i), parts.value(i), keys.map(|k| k.value(i))) };
                    out.append_option(value);
                }
                Arc::new(out.finish())
            }
            name => return exec_err!("{name}: unknown URL function"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// A string per string; NULL stays NULL.
fn map<'a>(strings: &'a StringArray, f: impl Fn(&'a str) -> Option<String>) -> ArrayRef {
    let mut out = StringBuilder::with_capacity(strings.len(), strings.value_data().len());
    strings.iter().for_each(|s| out.append_option(s.and_then(&f)));
    Arc::new(out.finish())
}

/// Java's `URLEncoder.encode(s, UTF_8)`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(b as char),
            b' ' => out.push('+'),
            b => {
                const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(DIGITS[usize::from(b >> 4)] as char);
                out.push(DIGITS[usize::from(b & 0xf)] as char);
            }
        }
    }
    out
}

/// Java's `URLDecoder.decode(s, UTF_8)`: `+` is a space, `%XX` a byte
/// (bytes that are not UTF-8 read as U+FFFD); `None` for a broken escape.
fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let pair = bytes.get(i + 1..i + 3)?;
                let digit = |b: u8| (b as char).to_digit(16);
                out.push((digit(pair[0])? * 16 + digit(pair[1])?) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The parts of a URL as `java.net.URL` names them.
#[derive(Debug, Default, PartialEq)]
struct Parts<'a> {
    /// The scheme, lower case.
    protocol: String,
    /// What follows `//` up to the path, query or fragment.
    authority: Option<&'a str>,
    /// The authority's part before `@`.
    user_info: Option<&'a str>,
    /// The authority's host, without user info and port.
    host: &'a str,
    /// The path ('' when there is none).
    path: &'a str,
    /// After `?`, up to `#`.
    query: Option<&'a str>,
    /// After `#`.
    fragment: Option<&'a str>,
}

/// `url` split into its parts; `None` when it has no valid scheme.
fn split_url(url: &str) -> Option<Parts<'_>> {
    let url = url.trim();
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic()) && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    if !valid_scheme {
        return None;
    }
    let mut rest = &url[colon + 1..];
    let mut parts = Parts { protocol: scheme.to_ascii_lowercase(), ..Parts::default() };
    if let Some((before, fragment)) = rest.split_once('#') {
        parts.fragment = Some(fragment);
        rest = before;
    }
    if let Some((before, query)) = rest.split_once('?') {
        parts.query = Some(query);
        rest = before;
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        parts.authority = Some(authority);
        let host_port = match authority.rsplit_once('@') {
            Some((user, host)) => {
                parts.user_info = Some(user);
                host
            }
            None => authority,
        };
        // The port follows the last ':' outside an IPv6 literal's brackets.
        let bracket = host_port.rfind(']').map_or(0, |b| b + 1);
        parts.host = match host_port[bracket..].find(':') {
            Some(c) => &host_port[..bracket + c],
            None => host_port,
        };
        rest = &after[end..];
    }
    parts.path = rest;
    Some(parts)
}

/// `PARSE_URL(url, part[, key])`.
fn parse_url(url: &str, part: &str, key: Option<&str>) -> Option<String> {
    let parts = split_url(url)?;
    if let Some(key) = key {
        if part != "QUERY" {
            return None;
        }
        // Flink's `(&|^)key=([^&]*)`: the first parameter of that name.
        return parts.query?.split('&').find_map(|p| p.strip_prefix(key).and_then(|v| v.strip_prefix('='))).map(str::to_string);
    }
    let value = match part {
        "HOST" => parts.host.to_string(),
        "PATH" => parts.path.to_string(),
        "QUERY" => parts.query?.to_string(),
        "REF" => parts.fragment?.to_string(),
        "PROTOCOL" => parts.protocol,
        "FILE" => match parts.query {
            Some(q) => format!("{}?{q}", parts.path),
            None => parts.path.to_string(),
        },
        "AUTHORITY" => parts.authority?.to_string(),
        "USERINFO" => parts.user_info?.to_string(),
        _ => return None,
    };
    Some(value)
}
