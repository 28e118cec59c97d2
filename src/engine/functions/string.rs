//! Flink's string functions DataFusion lacks or spells differently.
//!
//! `LEFT(s, n)` / `RIGHT(s, n)` replace DataFusion's, which read a negative
//! `n` as "all but the last (first) |n| characters"; Flink answers ''.

use std::sync::Arc;

use base64::Engine as _;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array, StringArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{alias, arrays, is_integer, to_strings};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    let udf = |name: &'static str, args: std::ops::RangeInclusive<usize>| {
        ScalarUDF::new_from_impl(Text { name, args, signature: Signature::user_defined(Volatility::Immutable) })
    };
    vec![
        udf("is_alpha", 1..=1),
        udf("is_digit", 1..=1),
        udf("is_decimal", 1..=1),
        udf("locate", 2..=3),
        udf("split_index", 3..=3),
        udf("to_base64", 1..=1),
        udf("from_base64", 1..=1),
        udf("regexp_extract", 2..=3),
        udf("left", 2..=2),
        udf("right", 2..=2),
        alias(datafusion::functions::regex::regexp_like(), "regexp"),
    ]
}

/// One of the functions of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Text {
    /// The function's (lower-case) name.
    name: &'static str,
    /// How many arguments it takes.
    args: std::ops::RangeInclusive<usize>,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

impl ScalarUDFImpl for Text {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let mut types = to_strings(self.name, arg_types, self.args.clone())?;
        // The trailing position or index of these is an integer.
        let int_at = match self.name {
            "locate" if arg_types.len() == 3 => Some(2),
            "split_index" => Some(2),
            "regexp_extract" if arg_types.len() == 3 => Some(2),
            "left" | "right" => Some(1),
            _ => None,
        };
        if let Some(i) = int_at {
            if !is_integer(&arg_types[i]) {
                return plan_err!("No match found for function signature {}(..., <INTEGER>): argument {} is {}", self.name.to_uppercase(), i + 1, arg_types[i]);
            }
            types[i] = DataType::Int64;
        }
        Ok(types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "is_alpha" | "is_digit" | "is_decimal" => DataType::Boolean,
            "locate" => DataType::Int32,
            _ => DataType::Utf8,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let text = |i: usize| arrays[i].as_string::<i32>();
        let out: ArrayRef = match self.name {
            // Flink answers FALSE, not NULL, for a NULL string; and FALSE for ''.
            "is_alpha" => predicate(text(0), |s| !s.is_empty() && s.chars().all(char::is_alphabetic)),
            "is_digit" => predicate(text(0), |s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())),
            "is_decimal" => predicate(text(0), is_decimal),
            "locate" => locate(text(0), text(1), arrays.get(2)),
            "split_index" => split_index(text(0), text(1), &arrays[2]),
            "to_base64" => map_text(text(0), |s| Some(base64::engine::general_purpose::STANDARD.encode(s))),
            // Flink answers NULL for text that is not valid base64 or not UTF-8.
            "from_base64" => map_text(text(0), |s| {
                base64::engine::general_purpose::STANDARD.decode(s.trim()).ok().and_then(|b| String::from_utf8(b).ok())
            }),
            "regexp_extract" => regexp_extract(text(0), text(1), arrays.get(2))?,
            "left" | "right" => edge(text(0), &arrays[1], self.name == "left"),
            name => return exec_err!("{name}: unknown string function"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// A BOOLEAN per string; NULL strings are FALSE.
fn predicate(strings: &StringArray, test: impl Fn(&str) -> bool) -> ArrayRef {
    Arc::new(strings.iter().map(|s| Some(s.is_some_and(&test))).collect::<BooleanArray>())
}

/// A string per string; NULL stays NULL.
fn map_text(strings: &StringArray, f: impl Fn(&str) -> Option<String>) -> ArrayRef {
    Arc::new(strings.iter().map(|s| s.and_then(&f)).collect::<StringArray>())
}

/// Whether Java's `Double.parseDouble` would read `s`: a decimal number,
/// optionally signed, with an optional exponent.
fn is_decimal(s: &str) -> bool {
    let s = s.trim();
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.') && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `LOCATE(needle, haystack[, from])`: the 1-based character position of
/// the first `needle` in `haystack` at or after `from` (default 1); 0 when
/// there is none; NULL when an argument is NULL.
fn locate(needle: &StringArray, haystack: &StringArray, from: Option<&ArrayRef>) -> ArrayRef {
    let from = from.map(|f| f.as_primitive::<Int64Type>());
    let out = (0..needle.len()).map(|i| {
        if needle.is_null(i) || haystack.is_null(i) || from.is_some_and(|f| f.is_null(i)) {
            return None;
        }
        let start = from.map_or(1, |f| f.value(i));
        if start < 1 {
            return Some(0);
        }
        let hay = haystack.value(i);
        // Byte offset of the `start`-th character.
        let Some((offset, _)) = hay.char_indices().nth((start - 1) as usize).or((start == 1).then_some((0, ' '))) else {
            return Some(0);
        };
        Some(match hay[offset..].find(needle.value(i)) {
            Some(found) => (hay[..offset + found].chars().count() + 1) as i32,
            None => 0,
        })
    });
    Arc::new(out.collect::<Int32Array>())
}

/// `SPLIT_INDEX(s, delimiter, index)`: the 0-based `index`-th piece of `s`
/// split at `delimiter`; NULL when out of range or an argument is NULL.
fn split_index(strings: &StringArray, delimiters: &StringArray, index: &ArrayRef) -> ArrayRef {
    let index = index.as_primitive::<Int64Type>();
    let out = (0..strings.len()).map(|i| {
        if strings.is_null(i) || delimiters.is_null(i) || index.is_null(i) || index.value(i) < 0 {
            return None;
        }
        let (s, d) = (strings.value(i), delimiters.value(i));
        if d.is_empty() {
            return (index.value(i) == 0).then(|| s.to_string());
        }
        s.split(d).nth(index.value(i) as usize).map(str::to_string)
    });
    Arc::new(out.collect::<StringArray>())
}

/// `REGEXP_EXTRACT(s, regex[, group])`: the `group`-th group (default 0,
/// the whole match) of the first match; NULL when nothing matches, the
/// group does not exist, or an argument is NULL. Each distinct pattern is
/// compiled once per batch.
fn regexp_extract(strings: &StringArray, patterns: &StringArray, groups: Option<&ArrayRef>) -> DfResult<ArrayRef> {
    let groups = groups.map(|g| g.as_primitive::<Int64Type>());
    let mut compiled: Option<(String, regex::Regex)> = None;
    let mut out = Vec::with_capacity(strings.len());
    for i in 0..strings.len() {
        if strings.is_null(i) || patterns.is_null(i) || groups.is_some_and(|g| g.is_null(i)) {
            out.push(None);
            continue;
        }
        let pattern = patterns.value(i);
        let re = match compiled.take() {
            Some((p, re)) if p == pattern => compiled.insert((p, re)),
            _ => match regex::Regex::new(pattern) {
                Ok(re) => compiled.insert((pattern.to_string(), re)),
                Err(e) => return exec_err!("REGEXP_EXTRACT: invalid regular expression '{pattern}': {e}"),
            },
        };
        let re = &re.1;
        let group = groups.map_or(0, |g| g.value(i));
        let value = usize::try_from(group).ok().and_then(|g| re.captures(strings.value(i)).and_then(|c| c.get(g)).map(|m| m.as_str().to_string()));
        out.push(value);
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// `LEFT(s, n)` / `RIGHT(s, n)`: the first (last) `n` characters of `s`,
/// all of it when shorter, '' when `n` is negative; NULL when either is.
fn edge(strings: &StringArray, counts: &ArrayRef, left: bool) -> ArrayRef {
    let counts = counts.as_primitive::<Int64Type>();
    let mut out = StringBuilder::with_capacity(strings.len(), strings.value_data().len());
    for i in 0..strings.len() {
        if strings.is_null(i) || counts.is_null(i) {
            out.append_null();
            continue;
        }
        let (s, n) = (strings.value(i), usize::try_from(counts.value(i)).unwrap_or(0));
        let piece = if left {
            s.char_indices().nth(n).map_or(s, |(end, _)| &s[..end])
        } else {
            let len = s.chars().count();
            s.char_indices().nth(len.saturating_sub(n)).map_or(if n >= len { s } else { "" }, |(start, _)| &s[start..])
        };
        out.append_value(piece);
    }
    Arc::new(out.finish())
}
