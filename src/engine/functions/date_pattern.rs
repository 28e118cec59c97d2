//! Java `SimpleDateFormat` patterns (what Flink's `DATE_FORMAT`,
//! `FROM_UNIXTIME`, `UNIX_TIMESTAMP`, `TO_DATE` and `TO_TIMESTAMP` take)
//! turned into chrono format items, for formatting and parsing, and the
//! reading of wall-clock text those functions share.
//!
//! Supported letters: `y` (`yy` two digits), `M`/`L` (`MMM` short and
//! `MMMM` full English names), `d`, `D`, `H`, `h`, `m`, `s`, `S` (fraction
//! digits: `SSS` milliseconds), `E` (`EEEE` full name), `u`, `a`, `Z` /
//! `X` / `x` (offsets), `z` (formatting only), `w` (ISO week); `'text'`
//! quotes literal text and `''` is a quote. Other letters (`G`, `Y`, `W`,
//! `F`, `k`, `K`) are refused with an error rather than guessed.

use chrono::format::{Item, Parsed, StrftimeItems, parse};
use chrono::{NaiveDate, NaiveDateTime};
use datafusion::common::exec_err;
use datafusion::error::Result as DfResult;

/// Flink's default pattern of `DATE_FORMAT`, `FROM_UNIXTIME`, `UNIX_TIMESTAMP` and `TO_TIMESTAMP`.
pub(super) const DEFAULT_TIMESTAMP: &str = "yyyy-MM-dd HH:mm:ss";

/// A compiled pattern.
#[derive(Debug)]
pub(super) struct Pattern {
    /// The chrono items that format or parse it.
    items: Vec<Item<'static>>,
}

impl Pattern {
    /// `pattern` compiled; an error names the letter Java would reject or
    /// that is not supported here.
    pub(super) fn new(function: &str, pattern: &str) -> DfResult<Pattern> {
        let strftime = to_strftime(function, pattern)?;
        match StrftimeItems::new(&strftime).parse_to_owned() {
            Ok(items) => Ok(Pattern { items }),
            Err(e) => exec_err!("{}: invalid date format '{pattern}': {e}", function.to_uppercase()),
        }
    }

    /// `at` (with its UTC offset, for the zone letters) formatted; `None` if
    /// chrono cannot format a field.
    pub(super) fn format(&self, at: &chrono::DateTime<chrono::FixedOffset>, out: &mut String) -> Option<()> {
        use std::fmt::Write as _;
        write!(out, "{}", at.format_with_items(self.items.iter())).ok()
    }

    /// `text` read as wall-clock time (missing fields default to
    /// 1970-01-01 00:00:00) and the UTC offset it names, if any; `None`
    /// when it does not match.
    pub(super) fn parse(&self, text: &str) -> Option<(NaiveDateTime, Option<i32>)> {
        let mut parsed = Parsed::new();
        parse(&mut parsed, text, self.items.iter()).ok()?;
        if parsed.year().is_none() && parsed.year_mod_100().is_none() {
            parsed.set_year(1970).ok()?;
        }
        if parsed.month().is_none() && parsed.day().is_none() {
            parsed.set_month(1).ok()?;
            parsed.set_day(1).ok()?;
        }
        if parsed.hour_mod_12().is_none() {
            parsed.set_hour(0).ok()?;
        } else if parsed.hour_div_12().is_none() {
            // `hh` without `a` reads as AM, as Java does.
            parsed.set_ampm(false).ok()?;
        }
        if parsed.minute().is_none() {
            parsed.set_minute(0).ok()?;
        }
        if parsed.second().is_none() {
            parsed.set_second(0).ok()?;
        }
        let date = parsed.to_naive_date().ok()?;
        let time = parsed.to_naive_time().ok()?;
        Some((date.and_time(time), parsed.offset()))
    }
}

/// `pattern` as a chrono strftime string.
fn to_strftime(function: &str, pattern: &str) -> DfResult<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // '' is a quote; 'text' is literal text.
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            // Inside quotes too, '' is a quote.
            i += 1;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('\''), Some('\'')) => {
                        out.push('\'');
                        i += 2;
                    }
                    (Some('\''), _) => break,
                    (Some(&l), _) => {
                        push_literal(l, &mut out);
                        i += 1;
                    }
                    (None, _) => return exec_err!("{}: unterminated quote in date format '{pattern}'", function.to_uppercase()),
                }
            }
            i += 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            push_literal(c, &mut out);
            i += 1;
            continue;
        }
        let count = chars[i..].iter().take_while(|&&x| x == c).count();
        let spec = match (c, count) {
            ('y', 2) => "%y",
            ('y', 1) => "%-Y",
            ('y', _) => "%Y",
            ('M' | 'L', 1) => "%-m",
            ('M' | 'L', 2) => "%m",
            ('M' | 'L', 3) => "%b",
            ('M' | 'L', _) => "%B",
            ('d', 1) => "%-d",
            ('d', _) => "%d",
            ('D', 3..) => "%j",
            ('D', _) => "%-j",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('S', 1..=3) => "%3f",
            ('S', 4..=6) => "%6f",
            ('S', _) => "%9f",
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            ('u', _) => "%u",
            ('a', _) => "%p",
            ('Z' | 'X' | 'x', 1 | 2) => "%z",
            ('Z' | 'X' | 'x', _) => "%:z",
            ('z', _) => "%Z",
            ('w', 1) => "%-V",
            ('w', _) => "%V",
            (other, _) => return exec_err!("{}: the date format letter '{other}' is not supported (in '{pattern}')", function.to_uppercase()),
        };
        out.push_str(spec);
        i += count;
    }
    Ok(out)
}

/// A literal character of a pattern, `%` escaped for strftime.
fn push_literal(c: char, out: &mut String) {
    if c == '%' {
        out.push_str("%%");
    } else {
        out.push(c);
    }
}

/// Wall-clock text as Flink reads it without a pattern: `yyyy-MM-dd`
/// then optionally ` HH:mm[:ss[.fraction]]` (or with a `T`).
pub(super) fn parse_default_timestamp(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| parse_default_date(text).and_then(|d| d.and_hms_opt(0, 0, 0)))
}

/// A date as Flink reads it without a pattern: `yyyy-MM-dd`.
pub(super) fn parse_default_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}
