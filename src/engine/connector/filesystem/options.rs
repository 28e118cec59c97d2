//! Flink's spellings of option values: durations (`10 s`, `1 min`), memory
//! sizes (`128mb`), booleans and single characters (`\t`).
//!
//! Users copy `WITH (...)` clauses from Flink jobs, so values are parsed the
//! way Flink's `TimeUtils`, `MemorySize` and the CSV format parse them, and a
//! bad value gets Flink's message naming the key.

use std::time::Duration;

use crate::error::{GatewayError, Result};

/// Flink's message for a value that does not parse.
pub(in crate::engine::connector) fn bad_value(key: &str, value: &str) -> GatewayError {
    GatewayError::Sql(format!("Could not parse value '{value}' for key '{key}'."))
}

/// Split `10 s` into `(10, "s")`; the unit is lower-cased and may be empty.
fn number_and_unit(value: &str) -> Option<(u64, String)> {
    let value = value.trim();
    let digits = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    if digits == 0 {
        return None;
    }
    let number = value[..digits].parse::<u64>().ok()?;
    Some((number, value[digits..].trim().to_lowercase()))
}

/// A duration as Flink's `TimeUtils.parseDuration` reads it; no unit means
/// milliseconds.
pub(in crate::engine::connector) fn duration(key: &str, value: &str) -> Result<Duration> {
    let (n, unit) = number_and_unit(value).ok_or_else(|| bad_value(key, value))?;
    let per_unit_nanos: u64 = match unit.as_str() {
        "ns" | "nano" | "nanos" | "nanosecond" | "nanoseconds" => 1,
        "µs" | "us" | "micro" | "micros" | "microsecond" | "microseconds" => 1_000,
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000_000_000,
        "m" | "min" | "minute" | "minutes" => 60_000_000_000,
        "h" | "hour" | "hours" => 3_600_000_000_000,
        "d" | "day" | "days" => 86_400_000_000_000,
        _ => return Err(bad_value(key, value)),
    };
    let nanos = n.checked_mul(per_unit_nanos).ok_or_else(|| bad_value(key, value))?;
    Ok(Duration::from_nanos(nanos))
}

/// A byte count as Flink's `MemorySize.parse` reads it; no unit means bytes.
pub(in crate::engine::connector) fn memory_size(key: &str, value: &str) -> Result<u64> {
    let (n, unit) = number_and_unit(value).ok_or_else(|| bad_value(key, value))?;
    let multiplier: u64 = match unit.as_str() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kibibytes" => 1 << 10,
        "m" | "mb" | "mebibytes" => 1 << 20,
        "g" | "gb" | "gibibytes" => 1 << 30,
        "t" | "tb" | "tebibytes" => 1 << 40,
        _ => return Err(bad_value(key, value)),
    };
    n.checked_mul(multiplier).ok_or_else(|| bad_value(key, value))
}

/// `true` or `false`, in any case.
pub(in crate::engine::connector) fn boolean(key: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad_value(key, value)),
    }
}

/// A positive integer (`sink.parallelism`).
pub(in crate::engine::connector) fn positive_int(key: &str, value: &str) -> Result<u64> {
    match value.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(bad_value(key, value)),
    }
}

/// One ASCII character, possibly written with a Java escape (`\t`, `\u0001`),
/// as the CSV format's delimiter and quote options take it.
pub(in crate::engine::connector) fn single_char(key: &str, value: &str) -> Result<u8> {
    let unescaped = unescape(value).ok_or_else(|| bad_value(key, value))?;
    let mut chars = unescaped.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() => Ok(c as u8),
        _ => Err(GatewayError::Sql(format!(
            "Option '{key}' must be a single ASCII character, but was: {value}"
        ))),
    }
}

/// Resolve Java string escapes; `None` for a malformed escape.
fn unescape(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = match chars.next()? {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\u{c}',
            'b' => '\u{8}',
            '0' => '\0',
            '\\' => '\\',
            '\'' => '\'',
            '"' => '"',
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                if hex.len() != 4 {
                    return None;
                }
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        };
        out.push(escaped);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flink_durations() {
        assert_eq!(duration("k", "1 s").unwrap(), Duration::from_secs(1));
        assert_eq!(duration("k", "10s").unwrap(), Duration::from_secs(10));
        assert_eq!(duration("k", "500 ms").unwrap(), Duration::from_millis(500));
        assert_eq!(duration("k", "1 min").unwrap(), Duration::from_secs(60));
        assert_eq!(duration("k", "2 MIN").unwrap(), Duration::from_secs(120));
        assert_eq!(duration("k", "250").unwrap(), Duration::from_millis(250));
        assert_eq!(duration("k", "1 h").unwrap(), Duration::from_secs(3600));
        let err = duration("source.monitor-interval", "soon").unwrap_err().to_string();
        assert_eq!(err, "Could not parse value 'soon' for key 'source.monitor-interval'.");
        assert!(duration("k", "5 lightyears").is_err());
        assert!(duration("k", "99999999999999999999 d").is_err());
    }

    #[test]
    fn memory_sizes_booleans_and_chars() {
        assert_eq!(memory_size("k", "128MB").unwrap(), 128 << 20);
        assert_eq!(memory_size("k", "1 kb").unwrap(), 1024);
        assert_eq!(memory_size("k", "77").unwrap(), 77);
        assert!(memory_size("k", "big").is_err());
        assert!(boolean("k", "TRUE").unwrap());
        assert!(!boolean("k", "false").unwrap());
        assert!(boolean("k", "yes").is_err());
        assert_eq!(single_char("k", ";").unwrap(), b';');
        assert_eq!(single_char("k", "\\t").unwrap(), b'\t');
        assert_eq!(single_char("k", "\\u0001").unwrap(), 1);
        assert!(single_char("k", ";;").unwrap_err().to_string().contains("single ASCII character"));
        assert!(single_char("k", "é").is_err());
        assert!(single_char("k", "\\q").is_err());
        assert_eq!(positive_int("k", "4").unwrap(), 4);
        assert!(positive_int("k", "0").is_err());
    }
}
