//! Java-style floating point text (`Double.toString` / `Float.toString`).
//!
//! Both Flink row formats print FLOAT and DOUBLE the way Java does: Jackson
//! for JSON, the cast-to-string rules for PLAIN_TEXT. ryu gives the same
//! shortest digits; this module re-spells them in Java's layout without
//! touching the heap.

use super::text::write_int;

/// Appends a double the way Java's `Double.toString` does, which is what both
/// Jackson (JSON) and Flink's cast-to-string (PLAIN_TEXT) print: the shortest
/// round-tripping digits, `1.0` rather than `1`, scientific notation
/// `1.0E10` / `1.0E-5` outside `[1e-3, 1e7)`, and `NaN` / `Infinity`.
pub(crate) fn write_java_f64(value: f64, out: &mut Vec<u8>) {
    if !value.is_finite() {
        out.extend_from_slice(non_finite(value.is_nan(), value > 0.0));
        return;
    }
    let abs = value.abs();
    let mut buffer = ryu::Buffer::new();
    let shortest = buffer.format_finite(value);
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        // Inside Java's plain range ryu prints exactly what Java prints
        // (`123.45`, `0.001`, `1234567.0`).
        out.extend_from_slice(shortest.as_bytes());
        return;
    }
    let mut two = StackText::default();
    write_scientific(
        java_digits(
            shortest,
            abs < f64::MIN_POSITIVE,
            &mut two,
            format_args!("{value:.1e}"),
        ),
        out,
    );
}

/// Appends a float the way Java's `Float.toString` does (see
/// [`write_java_f64`]); the digits are the shortest that identify the `f32`,
/// so `33.333f32` prints as `33.333`, not as its widened double.
pub(crate) fn write_java_f32(value: f32, out: &mut Vec<u8>) {
    if !value.is_finite() {
        out.extend_from_slice(non_finite(value.is_nan(), value > 0.0));
        return;
    }
    let abs = value.abs();
    let mut buffer = ryu::Buffer::new();
    let shortest = buffer.format_finite(value);
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        out.extend_from_slice(shortest.as_bytes());
        return;
    }
    let mut two = StackText::default();
    write_scientific(
        java_digits(
            shortest,
            abs < f32::MIN_POSITIVE,
            &mut two,
            format_args!("{value:.1e}"),
        ),
        out,
    );
}

/// Java's spelling of NaN and the infinities.
fn non_finite(nan: bool, positive: bool) -> &'static [u8] {
    match (nan, positive) {
        (true, _) => b"NaN",
        (false, true) => b"Infinity",
        (false, false) => b"-Infinity",
    }
}

/// Picks the digits Java would print. Java (JDK 19+) prints the shortest
/// decimal too, except that when one digit would do it prints the closest
/// *two*-digit decimal instead. For normal numbers that is always `d.0`, but
/// for subnormals it differs (`Double.MIN_VALUE` is `4.9E-324`, not `5E-324`),
/// so only then do we pay for a second, correctly rounded formatting pass.
fn java_digits<'a>(
    shortest: &'a str,
    subnormal: bool,
    scratch: &'a mut StackText,
    two_digits: std::fmt::Arguments<'_>,
) -> &'a str {
    if !subnormal || significant_digits(shortest) != 1 {
        return shortest;
    }
    match std::fmt::Write::write_fmt(scratch, two_digits) {
        Ok(()) => scratch.as_str().unwrap_or(shortest),
        Err(_) => shortest,
    }
}

/// A tiny fixed-size `fmt::Write` target, so the rare second formatting pass
/// needs no heap.
#[derive(Default)]
struct StackText {
    /// Storage; 32 bytes hold any two-digit scientific rendering.
    bytes: [u8; 32],
    /// How many bytes are written.
    len: usize,
}

impl StackText {
    /// The written text, if it is UTF-8 (it always is for float output).
    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes[..self.len]).ok()
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Number of significant digits in a ryu/Rust float rendering.
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits = || mantissa.bytes().filter(u8::is_ascii_digit);
    let total = digits().count();
    let leading = digits().take_while(|&d| d == b'0').count();
    if leading == total {
        return 0;
    }
    let trailing = mantissa
        .bytes()
        .rev()
        .filter(u8::is_ascii_digit)
        .take_while(|&d| d == b'0')
        .count();
    total - leading - trailing
}

/// Re-spells a float rendering (`1e16`, `1.25e-7`, `12345678.0`,
/// `0.00001`, `4.9e-324`) in Java's scientific layout: `d.ddddE±n` with at
/// least one fraction digit.
fn write_scientific(text: &str, out: &mut Vec<u8>) {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (body, 0),
    };
    // Digits of the mantissa without the point, and where the point was.
    let mut digits = [0u8; 48];
    let mut count = 0;
    let mut int_len = mantissa.len();
    for (i, byte) in mantissa.bytes().enumerate() {
        if byte == b'.' {
            int_len = i;
        } else if count < digits.len() {
            digits[count] = byte;
            count += 1;
        }
    }
    let leading = digits[..count].iter().take_while(|&&d| d == b'0').count();
    let significant = &digits[leading..count];
    let trailing = significant.iter().rev().take_while(|&&d| d == b'0').count();
    let significant = &significant[..significant.len() - trailing];
    let Some((&first, rest)) = significant.split_first() else {
        out.extend_from_slice(if negative { b"-0.0" } else { b"0.0" });
        return;
    };
    // The first significant digit sits `int_len - 1 - leading` places left of
    // the point in the mantissa, on top of the written exponent.
    let exponent = exponent + int_len as i32 - 1 - leading as i32;
    if negative {
        out.push(b'-');
    }
    out.push(first);
    out.push(b'.');
    if rest.is_empty() {
        out.push(b'0');
    } else {
        out.extend_from_slice(rest);
    }
    out.push(b'E');
    write_int(exponent, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64_text(value: f64) -> String {
        let mut out = Vec::new();
        write_java_f64(value, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn f32_text(value: f32) -> String {
        let mut out = Vec::new();
        write_java_f32(value, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn java_doubles() {
        let cases = [
            (1.0, "1.0"),
            (33.333, "33.333"),
            (0.001, "0.001"),
            (0.000_999, "9.99E-4"),
            (1e-5, "1.0E-5"),
            (1.25e-7, "1.25E-7"),
            (9_999_999.0, "9999999.0"),
            (1e7, "1.0E7"),
            (1e10, "1.0E10"),
            (-1.5e10, "-1.5E10"),
            (1.7976931348623157e308, "1.7976931348623157E308"),
            (5e-324, "4.9E-324"),
            (1e-323, "9.9E-324"),
            (2.5e-320, "2.5E-320"),
            (1e23, "1.0E23"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123_456_789_012.0, "1.23456789012E11"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (value, expected) in cases {
            assert_eq!(f64_text(value), expected, "{value:e}");
        }
    }

    #[test]
    fn java_floats() {
        assert_eq!(f32_text(33.333), "33.333");
        assert_eq!(f32_text(1e10), "1.0E10");
        assert_eq!(f32_text(3.4028235e38), "3.4028235E38");
        assert_eq!(f32_text(1.0e-3), "0.001");
        assert_eq!(f32_text(-2.5), "-2.5");
        assert_eq!(f32_text(f32::from_bits(1)), "1.4E-45");
    }
}
