//! Flink's `PRINTF(format, args...)`: Java's `String.format(Locale.US, ..)`
//! for a subset of its conversions.
//!
//! Supported: `%s %S` (any value; NULL is `null`), `%d` (integers), `%x %X
//! %o` (integers; negative ones in two's complement of their own width, as
//! Java's `Integer`/`Long`), `%f` (numbers; rounded half-up from the
//! shortest decimal, as Java), `%b %B`, `%c` (an integer code point), `%n`
//! and `%%`, with the flags `-`, `0`, `+`, ` ` and `,`, a width, a
//! precision, and explicit (`%2$s`) or previous (`%<s`) argument indexes.
//! As in Flink, a NULL or malformed format, a missing argument or a value
//! a conversion does not take gives NULL. Java's other conversions (`%e`,
//! `%g`, `%a`, `%h`, `%t..`) are refused with an error rather than guessed.

use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::common::exec_err;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use super::{arrays, check_count};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    vec![ScalarUDF::new_from_impl(Printf { signature: Signature::user_defined(Volatility::Immutable) })]
}

/// `PRINTF(format, args...)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Printf {
    /// A format string and any values; coerced in `coerce_types`.
    signature: Signature,
}

impl ScalarUDFImpl for Printf {
    fn name(&self) -> &str {
        "printf"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        check_count("printf", arg_types.len(), 1..=usize::MAX)?;
        // The values keep their types: a conversion depends on them.
        Ok(std::iter::once(DataType::Utf8).chain(arg_types[1..].iter().cloned()).collect())
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let formats = arrays[0].as_string::<i32>();
        let values = arrays[1..].iter().map(Value::of).collect::<DfResult<Vec<_>>>()?;
        let mut out = StringBuilder::with_capacity(formats.len(), formats.len() * 16);
        let mut parsed: Option<(&str, Option<Vec<Piece>>)> = None;
        let mut text = String::new();
        for row in 0..formats.len() {
            if formats.is_null(row) {
                out.append_null();
                continue;
            }
            let format = formats.value(row);
            if parsed.as_ref().is_none_or(|(f, _)| *f != format) {
                parsed = Some((format, parse(format)?));
            }
            let pieces = parsed.as_ref().and_then(|(_, p)| p.as_deref());
            text.clear();
            match pieces.and_then(|p| render(p, &values, row, &mut text)) {
                Some(()) => out.append_value(&text),
                None => out.append_null(),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish()) as ArrayRef))
    }
}

/// One argument, read as the conversions need it.
enum Value {
    /// An integer, with the bit width of its Java box (8, 16, 32 or 64).
    Integer(ArrayRef, u32),
    /// A floating-point or decimal number.
    Float(ArrayRef),
    /// A BOOLEAN.
    Boolean(ArrayRef),
    /// Anything else, as its text.
    Text(ArrayRef),
}

impl Value {
    /// `array` in the form its type calls for.
    fn of(array: &ArrayRef) -> DfResult<Self> {
        let t = array.data_type();
        Ok(if t.is_integer() {
            let bits = (t.primitive_width().unwrap_or(8) * 8) as u32;
            Value::Integer(cast(array, &DataType::Int64)?, bits)
        } else if t.is_numeric() {
            Value::Float(cast(array, &DataType::Float64)?)
        } else if *t == DataType::Boolean {
            Value::Boolean(array.clone())
        } else {
            Value::Text(cast(array, &DataType::Utf8)?)
        })
    }

    /// Whether row `row` is NULL.
    fn is_null(&self, row: usize) -> bool {
        match self {
            Value::Integer(a, _) | Value::Float(a) | Value::Boolean(a) | Value::Text(a) => a.is_null(row),
        }
    }

    /// Row `row` as `%s` shows it (Java's `String.valueOf`).
    fn text(&self, row: usize) -> String {
        if self.is_null(row) {
            return "null".into();
        }
        match self {
            Value::Integer(a, _) => a.as_primitive::<Int64Type>().value(row).to_string(),
            Value::Float(a) => {
                let mut bytes = Vec::new();
                crate::format::float::write_java_f64(a.as_primitive::<Float64Type>().value(row), &mut bytes);
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Value::Boolean(a) => a.as_boolean().value(row).to_string(),
            Value::Text(a) => a.as_string::<i32>().value(row).to_string(),
        }
    }
}

/// A piece of a parsed format.
#[derive(Debug)]
enum Piece {
    /// Text copied as it is.
    Literal(String),
    /// A conversion.
    Spec(Spec),
}

/// `%[index$][flags][width][.precision]conversion`.
#[derive(Debug, Default)]
struct Spec {
    /// Which argument: `None` for the next one, `Some(0)` for the previous (`<`).
    index: Option<usize>,
    /// `-`: pad on the right.
    left: bool,
    /// `0`: pad numbers with zeros.
    zero: bool,
    /// `+`: a sign on positive numbers.
    plus: bool,
    /// ` `: a space before positive numbers.
    space: bool,
    /// `,`: group thousands.
    group: bool,
    /// The minimum width.
    width: usize,
    /// Digits after the point (`%f`), or the maximum length (`%s`).
    precision: Option<usize>,
    /// The conversion letter.
    conversion: char,
}

/// `format` parsed; `Ok(None)` when Java would reject it.
fn parse(format: &str) -> DfResult<Option<Vec<Piece>>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        let mut spec = Spec::default();
        // A number may be an index (followed by `$`) or a width.
        let mut number = String::new();
        if chars.peek() == Some(&'<') {
            chars.next();
            spec.index = Some(0);
        }
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.left = true,
                '0' if number.is_empty() => spec.zero = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                ',' => spec.group = true,
                d if d.is_ascii_digit() => number.push(d),
                '$' if !number.is_empty() && spec.index.is_none() => {
                    let Ok(i) = number.parse::<usize>() else { return Ok(None) };
                    if i == 0 {
                        return Ok(None);
                    }
                    spec.index = Some(i);
                    number.clear();
                }
                _ => break,
            }
            chars.next();
        }
        spec.width = if number.is_empty() { 0 } else { number.parse().unwrap_or(usize::MAX) };
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                digits.push(d);
            }
            let Ok(p) = digits.parse::<usize>() else { return Ok(None) };
            spec.precision = Some(p);
        }
        let Some(conversion) = chars.next() else { return Ok(None) };
        spec.conversion = conversion;
        match conversion {
            '%' => literal.push('%'),
            'n' => literal.push('\n'),
            's' | 'S' | 'd' | 'x' | 'X' | 'o' | 'f' | 'b' | 'B' | 'c' => {
                if spec.width > 1 << 20 || spec.precision.is_some_and(|p| p > 1 << 20) {
                    return exec_err!("PRINTF: width and precision must be at most {}", 1 << 20);
                }
                pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                pieces.push(Piece::Spec(spec));
            }
            'e' | 'E' | 'g' | 'G' | 'a' | 'A' | 'h' | 'H' | 't' | 'T' => return exec_err!("PRINTF: the conversion %{conversion} is not supported"),
            _ => return Ok(None),
        }
    }
    pieces.push(Piece::Literal(literal));
    Ok(Some(pieces))
}

/// Row `row` rendered into `out`; `None` where Java would throw.
fn render(pieces: &[Piece], values: &[Value], row: usize, out: &mut String) -> Option<()> {
    let (mut next, mut previous) = (0usize, None::<usize>);
    for piece in pieces {
        let spec = match piece {
            Piece::Literal(text) => {
                out.push_str(text);
                continue;
            }
            Piece::Spec(spec) => spec,
        };
        let at = match spec.index {
            Some(0) => previous?,
            Some(i) => i - 1,
            None => {
                next += 1;
                next - 1
            }
        };
        previous = Some(at);
        let value = values.get(at)?;
        let body = convert(spec, value, row)?;
        pad(spec, &body, out);
    }
    Some(())
}

/// One conversion of one value, before padding.
fn convert(spec: &Spec, value: &Value, row: usize) -> Option<String> {
    let upper = spec.conversion.is_ascii_uppercase();
    // Java takes no precision for integers and characters.
    if spec.precision.is_some() && matches!(spec.conversion, 'd' | 'x' | 'X' | 'o' | 'c') {
        return None;
    }
    let text = match (spec.conversion.to_ascii_lowercase(), value) {
        ('b', v) => {
            let truth = match v {
                Value::Boolean(a) => a.is_valid(row) && a.as_boolean().value(row),
                v => !v.is_null(row),
            };
            truth.to_string()
        }
        // Java prints `null` for a NULL argument whatever the conversion.
        (_, v) if v.is_null(row) => "null".into(),
        ('s', v) => {
            let text = v.text(row);
            match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            }
        }
        ('d', Value::Integer(a, _)) => signed(spec, a.as_primitive::<Int64Type>().value(row).unsigned_abs().to_string(), a.as_primitive::<Int64Type>().value(row) < 0),
        ('x' | 'o', Value::Integer(a, bits)) => {
            let v = a.as_primitive::<Int64Type>().value(row);
            // Two's complement within the Java box's width.
            let mask = if *bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 };
            let v = v as u64 & mask;
            if spec.conversion.eq_ignore_ascii_case(&'x') { format!("{v:x}") } else { format!("{v:o}") }
        }
        ('f', Value::Float(a)) => {
            let v = a.as_primitive::<Float64Type>().value(row);
            if !v.is_finite() {
                return Some(if v.is_nan() { "NaN".into() } else if v > 0.0 { "Infinity".into() } else { "-Infinity".into() });
            }
            signed(spec, fixed(v.abs(), spec.precision.unwrap_or(6)), v.is_sign_negative() && v != 0.0)
        }
        ('f', Value::Integer(_, _)) => return None,
        ('c', Value::Integer(a, _)) => char::from_u32(u32::try_from(a.as_primitive::<Int64Type>().value(row)).ok()?)?.to_string(),
        _ => return None,
    };
    Some(if upper { text.to_uppercase() } else { text })
}

/// Digits of a magnitude with the sign and grouping the flags ask for.
fn signed(spec: &Spec, digits: String, negative: bool) -> String {
    let (int, fraction) = match digits.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (digits, None),
    };
    let int = if spec.group { group(&int) } else { int };
    let sign = if negative { "-" } else if spec.plus { "+" } else if spec.space { " " } else { "" };
    let mut text = format!("{sign}{int}");
    if let Some(f) = fraction {
        let _ = write!(text, ".{f}");
    }
    text
}

/// `1234567` as `1,234,567`.
fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Pad `body` to the spec's width: spaces on the left (or right with `-`),
/// zeros after the sign with `0`.
fn pad(spec: &Spec, body: &str, out: &mut String) {
    let len = body.chars().count();
    let fill = spec.width.saturating_sub(len);
    let numeric = matches!(spec.conversion, 'd' | 'x' | 'X' | 'o' | 'f') && body != "null";
    if spec.zero && numeric && !spec.left {
        let sign_len = body.find(|c: char| c.is_ascii_alphanumeric()).unwrap_or(0);
        out.push_str(&body[..sign_len]);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(&body[sign_len..]);
    } else if spec.left {
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(body);
    }
}

/// A non-negative finite `v` with `precision` digits after the point,
/// rounded half-up from its shortest decimal digits (Java's `%f`).
fn fixed(v: f64, precision: usize) -> String {
    let shortest = format!("{v:e}");
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    // Digits before the point; pad with zeros so there is at least one.
    let mut point = exponent + 1;
    if point < 1 {
        let zeros = (1 - point) as usize;
        digits.splice(0..0, std::iter::repeat_n(0, zeros));
        point = 1;
    }
    let point = point as usize;
    let keep = point + precision;
    if digits.len() <= keep {
        digits.resize(keep, 0);
    } else {
        let round_up = digits[keep] >= 5;
        digits.truncate(keep);
        if round_up {
            let mut at = keep;
            loop {
                if at == 0 {
                    digits.insert(0, 1);
                    return layout(&digits, point + 1);
                }
                at -= 1;
                if digits[at] == 9 {
                    digits[at] = 0;
                } else {
                    digits[at] += 1;
                    break;
                }
            }
        }
    }
    layout(&digits, point)
}

/// Decimal digits with a point after the first `point` of them.
fn layout(digits: &[u8], point: usize) -> String {
    let mut text = String::with_capacity(digits.len() + 1);
    for (i, d) in digits.iter().enumerate() {
        if i == point {
            text.push('.');
        }
        text.push((b'0' + d) as char);
    }
    text
}
