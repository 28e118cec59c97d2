//! Byte-level writers for scalar values shared by both row formats: JSON
//! string escaping, integers, decimals, hex and base64 (floating point is in
//! `float.rs`).
//!
//! They append to a `Vec<u8>` and keep any scratch space on the stack, so a
//! value never costs a heap allocation (the one exception is a DECIMAL256 whose
//! value does not fit in 128 bits, which goes through arrow's `Display`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use datafusion::arrow::datatypes::i256;

use super::FormatError;

/// Lower-case hex digits, used for `\u00XX` escapes and PLAIN_TEXT binaries.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// For each byte: 0 when it can be copied into a JSON string as is, otherwise
/// the character that follows the backslash (`u` meaning `\u00XX`).
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = b'u';
        i += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends `bytes` (UTF-8) as a quoted JSON string.
pub(crate) fn write_json_string(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    write_json_escaped(bytes, out);
    out.push(b'"');
}

/// Appends the JSON-escaped form of `bytes` without quotes. Only `"`, `\` and
/// control characters are escaped; everything else (including non-ASCII
/// UTF-8) is copied verbatim, which keeps CJK text and emoji readable.
fn write_json_escaped(bytes: &[u8], out: &mut Vec<u8>) {
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends an integer in decimal.
#[inline]
pub(crate) fn write_int<I: itoa::Integer>(value: I, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Appends `bytes` as lower-case hex digits.
pub(crate) fn write_hex(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len() * 2);
    for &byte in bytes {
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    }
}

/// Appends `bytes` in standard base64 with padding, which is what Jackson
/// produces for `byte[]` and what Flink's JSON reader expects.
pub(crate) fn write_base64(bytes: &[u8], out: &mut Vec<u8>) -> Result<(), FormatError> {
    let start = out.len();
    let len = base64::encoded_len(bytes.len(), true).ok_or_else(|| FormatError::InvalidValue {
        what: "binary",
        detail: format!("{} bytes are too many to base64-encode", bytes.len()),
    })?;
    out.resize(start + len, 0);
    match BASE64.encode_slice(bytes, &mut out[start..]) {
        Ok(written) => {
            out.truncate(start + written);
            Ok(())
        }
        Err(err) => {
            out.truncate(start);
            Err(FormatError::InvalidValue {
                what: "binary",
                detail: err.to_string(),
            })
        }
    }
}

/// How a DECIMAL's fraction is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalStyle {
    /// All `scale` fraction digits (PLAIN_TEXT: `1.50`, `100.00`).
    FullScale,
    /// Trailing fraction zeros removed, never exponent notation (JSON: `1.5`,
    /// `100`, `0`).
    Stripped,
}

/// Appends a decimal held as an unscaled 128-bit integer.
pub(crate) fn write_decimal_i128(
    unscaled: i128,
    scale: i8,
    style: DecimalStyle,
    out: &mut Vec<u8>,
) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(unscaled.unsigned_abs());
    write_decimal_digits(unscaled < 0, digits.as_bytes(), scale, style, out);
}

/// Appends a decimal held as an unscaled 256-bit integer.
pub(crate) fn write_decimal_i256(
    unscaled: i256,
    scale: i8,
    style: DecimalStyle,
    out: &mut Vec<u8>,
) {
    if let Some(small) = unscaled.to_i128() {
        return write_decimal_i128(small, scale, style, out);
    }
    // Beyond 38 digits: rare enough that arrow's allocating Display is fine.
    let text = unscaled.to_string();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    write_decimal_digits(negative, digits.as_bytes(), scale, style, out);
}

/// Places the decimal point into `digits` (the magnitude, no sign).
fn write_decimal_digits(
    negative: bool,
    digits: &[u8],
    scale: i8,
    style: DecimalStyle,
    out: &mut Vec<u8>,
) {
    if negative {
        out.push(b'-');
    }
    if scale <= 0 {
        // A negative scale multiplies by a power of ten; spell the zeros out.
        out.extend_from_slice(digits);
        if digits != b"0" {
            out.resize(out.len() + usize::from(scale.unsigned_abs()), b'0');
        }
        return;
    }
    let scale = usize::from(scale.unsigned_abs());
    let (int_part, frac_digits, frac_zeros) = if digits.len() > scale {
        let (int_part, frac) = digits.split_at(digits.len() - scale);
        (int_part, frac, 0)
    } else {
        (&b"0"[..], digits, scale - digits.len())
    };
    out.extend_from_slice(int_part);
    match style {
        DecimalStyle::FullScale => {
            out.push(b'.');
            out.resize(out.len() + frac_zeros, b'0');
            out.extend_from_slice(frac_digits);
        }
        DecimalStyle::Stripped => {
            let kept =
                frac_digits.len() - frac_digits.iter().rev().take_while(|&&d| d == b'0').count();
            if kept > 0 {
                out.push(b'.');
                out.resize(out.len() + frac_zeros, b'0');
                out.extend_from_slice(&frac_digits[..kept]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(unscaled: i128, scale: i8, style: DecimalStyle) -> String {
        let mut out = Vec::new();
        write_decimal_i128(unscaled, scale, style, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decimals() {
        use DecimalStyle::*;
        assert_eq!(decimal(150, 2, FullScale), "1.50");
        assert_eq!(decimal(150, 2, Stripped), "1.5");
        assert_eq!(decimal(10000, 2, Stripped), "100");
        assert_eq!(decimal(0, 2, Stripped), "0");
        assert_eq!(decimal(0, 2, FullScale), "0.00");
        assert_eq!(decimal(-5, 3, FullScale), "-0.005");
        assert_eq!(decimal(-5, 3, Stripped), "-0.005");
        assert_eq!(decimal(-120, 3, Stripped), "-0.12");
        assert_eq!(decimal(123, -2, Stripped), "12300");
        assert_eq!(decimal(0, -2, FullScale), "0");
        assert_eq!(decimal(i128::MIN, 0, FullScale), i128::MIN.to_string());
    }

    #[test]
    fn escaping() {
        let mut out = Vec::new();
        write_json_string("a\"b\\c\nd\u{1}é😀".as_bytes(), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\c\\nd\\u0001é😀\""
        );
    }
}
