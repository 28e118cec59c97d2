//! Flink's byte-encoding functions:
//!
//! - `HEX(x)`: an integer as hexadecimal digits of its 64-bit two's
//!   complement (Java's `Long.toHexString`), a string as the hex of its
//!   UTF-8 bytes, upper case (`HEX(20)` is `'14'`);
//! - `UNHEX(s)`: hex digits back to `BYTES` (Hive's rule: an odd length
//!   drops the first digit and pads a zero byte in front); NULL when `s`
//!   holds a non-hex character;
//! - `ENCODE(s, charset)` / `DECODE(bytes, charset)`: text to bytes and back
//!   in one of Flink's charsets (`US-ASCII`, `ISO-8859-1`, `UTF-8`,
//!   `UTF-16BE`, `UTF-16LE`, `UTF-16`), with Java's replacements for what a
//!   charset cannot hold (`?` when encoding, U+FFFD when decoding).
//!
//! DataFusion's own `encode(bytes, 'base64' | 'hex')` and `decode` mean
//! something else; Flink's meaning replaces them.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{arrays, check_count, is_integer};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    ["hex", "unhex", "encode", "decode"]
        .into_iter()
        .map(|name| ScalarUDF::new_from_impl(Encoding { name, signature: Signature::user_defined(Volatility::Immutable) }))
        .collect()
}

/// One function of this file, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Encoding {
    /// The function's (lower-case) name.
    name: &'static str,
    /// Arguments are coerced in `coerce_types`, by function.
    signature: Signature,
}

/// Whether `t` holds bytes.
fn is_binary(t: &DataType) -> bool {
    matches!(t, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_))
}

impl ScalarUDFImpl for Encoding {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let count = if matches!(self.name, "encode" | "decode") { 2..=2 } else { 1..=1 };
        check_count(self.name, arg_types.len(), count)?;
        let first = &arg_types[0];
        Ok(match self.name {
            "hex" if is_integer(first) && *first != DataType::Null => vec![DataType::Int64],
            "hex" if is_binary(first) => vec![DataType::Binary],
            "hex" if first.is_numeric() => return plan_err!("No match found for function signature HEX(<{first}>): HEX takes an integer or a string"),
            "decode" => vec![DataType::Binary, DataType::Utf8],
            "encode" => vec![DataType::Utf8, DataType::Utf8],
            _ => vec![DataType::Utf8],
        })
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.name {
            "unhex" | "encode" => DataType::Binary,
            _ => DataType::Utf8,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let out: ArrayRef = match (self.name, arrays.as_slice()) {
            ("hex", [x]) => hex(x),
            ("unhex", [s]) => Arc::new(s.as_string::<i32>().iter().map(|s| s.and_then(|s| unhex(s.as_bytes()))).collect::<datafusion::arrow::array::BinaryArray>()),
            ("encode", [s, charset]) => encode(s, charset)?,
            ("decode", [b, charset]) => decode(b, charset)?,
            (name, _) => return exec_err!("{name}: wrong arguments"),
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// `HEX(x)` over an Int64, Binary or Utf8 array.
fn hex(x: &ArrayRef) -> ArrayRef {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let hex_bytes = |bytes: &[u8]| bytes.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 0xf)] as char]).collect::<String>();
    let mut out = StringBuilder::with_capacity(x.len(), x.len() * 8);
    match x.data_type() {
        // Java's Long.toHexString: a negative number in two's complement.
        DataType::Int64 => x.as_primitive::<Int64Type>().iter().for_each(|v| out.append_option(v.map(|v| format!("{:X}", v as u64)))),
        DataType::Binary => x.as_binary::<i32>().iter().for_each(|v| out.append_option(v.map(hex_bytes))),
        _ => x.as_string::<i32>().iter().for_each(|v| out.append_option(v.map(|s| hex_bytes(s.as_bytes())))),
    }
    Arc::new(out.finish())
}

/// Hive's (and Flink's) `unhex`: pairs of hex digits from the right; an
/// odd leading digit must be hex but is dropped, its byte left 0.
fn unhex(digits: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = vec![0u8; digits.len().div_ceil(2)];
    let odd = digits.len() % 2;
    if odd == 1 {
        value(digits[0])?;
    }
    for (slot, pair) in out[odd..].iter_mut().zip(digits[odd..].chunks_exact(2)) {
        *slot = (value(pair[0])? << 4) | value(pair[1])?;
    }
    Some(out)
}

/// A charset of Flink's `ENCODE`/`DECODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    /// `US-ASCII`: 7 bits.
    Ascii,
    /// `ISO-8859-1`: one byte per character up to U+00FF.
    Latin1,
    /// `UTF-8`.
    Utf8,
    /// `UTF-16BE`, no byte-order mark.
    Utf16Be,
    /// `UTF-16LE`, no byte-order mark.
    Utf16Le,
    /// `UTF-16`: big-endian with a byte-order mark when encoding; the mark
    /// (big-endian if none) decides when decoding.
    Utf16,
}

impl Charset {
    /// The charset `name` means, as Java's `Charset.forName` reads it
    /// (case-insensitive, with the common aliases).
    fn named(function: &str, name: &str) -> DfResult<Self> {
        Ok(match name.trim().to_ascii_uppercase().replace('_', "-").as_str() {
            "US-ASCII" | "ASCII" => Self::Ascii,
            "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "ISO-LATIN-1" => Self::Latin1,
            "UTF-8" | "UTF8" => Self::Utf8,
            "UTF-16BE" => Self::Utf16Be,
            "UTF-16LE" => Self::Utf16Le,
            "UTF-16" | "UTF16" => Self::Utf16,
            _ => return exec_err!("{}: unsupported charset '{name}'; supported are US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE and UTF-16", function.to_uppercase()),
        })
    }

    /// `text` in this charset, with `?` for a character it cannot hold.
    fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Self::Ascii => text.chars().map(|c| if c.is_ascii() { c as u8 } else { b'?' }).collect(),
            Self::Latin1 => text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect(),
            Self::Utf8 => text.as_bytes().to_vec(),
            Self::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            Self::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            Self::Utf16 => [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect(),
        }
    }

    /// `bytes` read in this charset, with U+FFFD for what it cannot read.
    fn decode(self, bytes: &[u8]) -> String {
        // Pairs of bytes as UTF-16 code units; a lone unit or trailing byte reads as U+FFFD.
        let utf16 = |bytes: &[u8], big: bool| {
            let mut text = String::with_capacity(bytes.len() / 2);
            let whole = bytes.len() / 2 * 2;
            let units = bytes[..whole].chunks_exact(2).map(|p| if big { u16::from_be_bytes([p[0], p[1]]) } else { u16::from_le_bytes([p[0], p[1]]) });
            text.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
            if whole < bytes.len() {
                text.push(char::REPLACEMENT_CHARACTER);
            }
            text
        };
        match self {
            Self::Ascii => bytes.iter().map(|&b| if b.is_ascii() { b as char } else { char::REPLACEMENT_CHARACTER }).collect(),
            Self::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
            Self::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Self::Utf16Be => utf16(bytes, true),
            Self::Utf16Le => utf16(bytes, false),
            Self::Utf16 => match bytes {
                [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
                [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
                _ => utf16(bytes, true),
            },
        }
    }
}

/// The charset of row `i`, parsed once while it stays the same.
fn charset_at<'a>(function: &str, names: &'a datafusion::arrow::array::StringArray, i: usize, last: &mut Option<(&'a str, Charset)>) -> DfResult<Option<Charset>> {
    if names.is_null(i) {
        return Ok(None);
    }
    let name = names.value(i);
    match last {
        Some((n, c)) if *n == name => Ok(Some(*c)),
        _ => {
            let charset = Charset::named(function, name)?;
            *last = Some((name, charset));
            Ok(Some(charset))
        }
    }
}

/// `ENCODE(s, charset)`.
fn encode(strings: &ArrayRef, charsets: &ArrayRef) -> DfResult<ArrayRef> {
    let (strings, names) = (strings.as_string::<i32>(), charsets.as_string::<i32>());
    let mut out = BinaryBuilder::with_capacity(strings.len(), strings.value_data().len());
    let mut last = None;
    for i in 0..strings.len() {
        match charset_at("encode", names, i, &mut last)? {
            Some(charset) if strings.is_valid(i) => out.append_value(charset.encode(strings.value(i))),
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// `DECODE(bytes, charset)`.
fn decode(bytes: &ArrayRef, charsets: &ArrayRef) -> DfResult<ArrayRef> {
    let (bytes, names) = (bytes.as_binary::<i32>(), charsets.as_string::<i32>());
    let mut out = StringBuilder::with_capacity(bytes.len(), bytes.value_data().len());
    let mut last = None;
    for i in 0..bytes.len() {
        match charset_at("decode", names, i, &mut last)? {
            Some(charset) if bytes.is_valid(i) => out.append_value(charset.decode(bytes.value(i))),
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}
