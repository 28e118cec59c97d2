//! Rows as Flink's `Row.toString` prints them (`+I[1, foo, 2024-01-01T00:00]`):
//! Java's spellings of dates, times, floats, bytes, maps and nested rows, which
//! is what a `print` sink writes.

use std::fmt::Write as _;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Float16Type, Float32Type, Float64Type, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::util::display::array_value_to_string;

/// Every row of `batch` as Flink's `Row.toString` (`+I[1, foo]`) after `prefix`.
pub(super) fn render_rows(batch: &RecordBatch, prefix: &str) -> Result<Vec<String>, ArrowError> {
    let columns = batch.columns().iter().map(|c| renderer(c.clone())).collect::<Result<Vec<_>, _>>()?;
    let mut lines = Vec::with_capacity(batch.num_rows());
    for row in 0..batch.num_rows() {
        let mut line = String::with_capacity(prefix.len() + 16 * columns.len());
        line.push_str(prefix);
        line.push_str("+I[");
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            column(row, &mut line);
        }
        line.push(']');
        lines.push(line);
    }
    Ok(lines)
}

/// Appends the value at a row index as Java's `toString` of Flink's external
/// type for the column would spell it.
type Render = Box<dyn Fn(usize, &mut String) + Send + Sync>;

/// The renderer of a column; nulls are `null`.
fn renderer(array: ArrayRef) -> Result<Render, ArrowError> {
    let values = value_renderer(array.clone())?;
    Ok(Box::new(move |row, out| {
        if array.is_null(row) {
            out.push_str("null");
        } else {
            values(row, out);
        }
    }))
}

/// The renderer of a column's non-null values.
fn value_renderer(array: ArrayRef) -> Result<Render, ArrowError> {
    Ok(match array.data_type().clone() {
        DataType::Float16 => {
            let a = array.as_primitive::<Float16Type>().clone();
            Box::new(move |i, out| out.push_str(&java_floating(f64::from(a.value(i).to_f32()), format!("{:e}", a.value(i).to_f32()))))
        }
        DataType::Float32 => {
            let a = array.as_primitive::<Float32Type>().clone();
            Box::new(move |i, out| out.push_str(&java_floating(f64::from(a.value(i)), format!("{:e}", a.value(i)))))
        }
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>().clone();
            Box::new(move |i, out| out.push_str(&java_floating(a.value(i), format!("{:e}", a.value(i)))))
        }
        DataType::Utf8 => {
            let a = array.as_string::<i32>().clone();
            Box::new(move |i, out| out.push_str(a.value(i)))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>().clone();
            Box::new(move |i, out| out.push_str(a.value(i)))
        }
        DataType::Utf8View => {
            let a = array.as_string_view().clone();
            Box::new(move |i, out| out.push_str(a.value(i)))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            let binary = cast(array.as_ref(), &DataType::LargeBinary)?;
            let a = binary.as_binary::<i64>().clone();
            // Java's `Arrays.toString(byte[])`: signed decimal bytes.
            Box::new(move |i, out| {
                out.push('[');
                for (n, byte) in a.value(i).iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{}", i8::from_ne_bytes([*byte]));
                }
                out.push(']');
            })
        }
        DataType::Timestamp(unit, zone) => {
            let a = cast(array.as_ref(), &DataType::Timestamp(unit, None))?;
            let fallback = array.clone();
            let instant = zone.is_some();
            let value: Box<dyn Fn(usize) -> i64 + Send + Sync> = match unit {
                TimeUnit::Second => {
                    let a = a.as_primitive::<TimestampSecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
                TimeUnit::Millisecond => {
                    let a = a.as_primitive::<TimestampMillisecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
                TimeUnit::Microsecond => {
                    let a = a.as_primitive::<TimestampMicrosecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
                TimeUnit::Nanosecond => {
                    let a = a.as_primitive::<TimestampNanosecondType>().clone();
                    Box::new(move |i| a.value(i))
                }
            };
            Box::new(move |i, out| {
                let (seconds, nanos) = split_seconds(value(i), unit);
                match chrono::DateTime::from_timestamp(seconds, nanos) {
                    Some(at) if instant => java_instant(out, &at.naive_utc()),
                    Some(at) => java_local_date_time(out, &at.naive_utc()),
                    None => out.push_str(&array_value_to_string(&fallback, i).unwrap_or_default()),
                }
            })
        }
        DataType::Time32(TimeUnit::Second) => {
            let a = array.as_primitive::<Time32SecondType>().clone();
            Box::new(move |i, out| java_local_time(out, i64::from(a.value(i)) * 1_000_000_000))
        }
        DataType::Time32(TimeUnit::Millisecond) => {
            let a = array.as_primitive::<Time32MillisecondType>().clone();
            Box::new(move |i, out| java_local_time(out, i64::from(a.value(i)) * 1_000_000))
        }
        DataType::Time64(TimeUnit::Microsecond) => {
            let a = array.as_primitive::<Time64MicrosecondType>().clone();
            Box::new(move |i, out| java_local_time(out, a.value(i).saturating_mul(1_000)))
        }
        DataType::Time64(TimeUnit::Nanosecond) => {
            let a = array.as_primitive::<Time64NanosecondType>().clone();
            Box::new(move |i, out| java_local_time(out, a.value(i)))
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
            let list = cast_list(&array)?;
            let a = list.as_list::<i64>().clone();
            let items = renderer(a.values().clone())?;
            Box::new(move |i, out| {
                let offsets = a.value_offsets();
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                out.push('[');
                for (n, item) in (start..end).enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    items(item, out);
                }
                out.push(']');
            })
        }
        DataType::Struct(_) => {
            let a = array.as_struct().clone();
            let fields = a.columns().iter().map(|c| renderer(c.clone())).collect::<Result<Vec<_>, _>>()?;
            Box::new(move |i, out| {
                out.push_str("+I[");
                for (n, field) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    field(i, out);
                }
                out.push(']');
            })
        }
        DataType::Map(..) => {
            let a = array.as_map().clone();
            let keys = renderer(a.keys().clone())?;
            let values = renderer(a.values().clone())?;
            Box::new(move |i, out| {
                let offsets = a.value_offsets();
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                out.push('{');
                for (n, entry) in (start..end).enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    keys(entry, out);
                    out.push('=');
                    values(entry, out);
                }
                out.push('}');
            })
        }
        DataType::Dictionary(_, value_type) => value_renderer(cast(array.as_ref(), &value_type)?)?,
        // Booleans, integers, decimals and dates print alike in Java and arrow.
        _ => Box::new(move |i, out| out.push_str(&array_value_to_string(&array, i).unwrap_or_default())),
    })
}

/// Any list as a `LargeList`, so one renderer serves all three kinds.
fn cast_list(array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    let item = match array.data_type() {
        DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _) => item.clone(),
        other => return Err(ArrowError::CastError(format!("{other} is not a list"))),
    };
    cast(array.as_ref(), &DataType::LargeList(item))
}

/// Seconds and nanoseconds since the epoch of a timestamp in `unit`.
fn split_seconds(value: i64, unit: TimeUnit) -> (i64, u32) {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let nanos = value.rem_euclid(per_second) * (1_000_000_000 / per_second);
    (value.div_euclid(per_second), u32::try_from(nanos).unwrap_or(0))
}

/// Java's `LocalDate.toString`.
fn java_local_date(out: &mut String, date: &chrono::NaiveDate) {
    use chrono::Datelike as _;
    let year = date.year();
    if (0..=9999).contains(&year) {
        let _ = write!(out, "{year:04}");
    } else if year > 9999 {
        let _ = write!(out, "+{year}");
    } else {
        let _ = write!(out, "-{:04}", year.unsigned_abs());
    }
    let _ = write!(out, "-{:02}-{:02}", date.month(), date.day());
}

/// Java's `LocalTime.toString` from nanoseconds of the day: `HH:mm`, then
/// `:ss` and a fraction in groups of three digits only when not zero.
fn java_local_time(out: &mut String, nanos_of_day: i64) {
    let nanos_of_day = nanos_of_day.rem_euclid(86_400_000_000_000);
    let seconds = nanos_of_day / 1_000_000_000;
    let nanos = nanos_of_day % 1_000_000_000;
    let _ = write!(out, "{:02}:{:02}", seconds / 3600, seconds / 60 % 60);
    if seconds % 60 != 0 || nanos != 0 {
        let _ = write!(out, ":{:02}", seconds % 60);
        java_fraction(out, nanos);
    }
}

/// A fraction of a second as Java's temporal `toString`s print it.
fn java_fraction(out: &mut String, nanos: i64) {
    if nanos == 0 {
    } else if nanos % 1_000_000 == 0 {
        let _ = write!(out, ".{:03}", nanos / 1_000_000);
    } else if nanos % 1_000 == 0 {
        let _ = write!(out, ".{:06}", nanos / 1_000);
    } else {
        let _ = write!(out, ".{nanos:09}");
    }
}

/// Java's `LocalDateTime.toString`: `2024-01-01T00:00`.
fn java_local_date_time(out: &mut String, at: &chrono::NaiveDateTime) {
    use chrono::Timelike as _;
    java_local_date(out, &at.date());
    out.push('T');
    let time = at.time();
    java_local_time(out, i64::from(time.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(time.nanosecond()));
}

/// Java's `Instant.toString`: UTC, seconds always, `Z`.
fn java_instant(out: &mut String, at: &chrono::NaiveDateTime) {
    use chrono::Timelike as _;
    java_local_date(out, &at.date());
    let time = at.time();
    let _ = write!(out, "T{:02}:{:02}:{:02}", time.hour(), time.minute(), time.second());
    java_fraction(out, i64::from(time.nanosecond()));
    out.push('Z');
}

/// Java's `Double.toString`/`Float.toString` of `value`, given its shortest
/// digits in Rust's `{:e}` form (`1.5e3`): plain between 10^-3 and 10^7,
/// otherwise computerized scientific notation (`1.0E10`).
fn java_floating(value: f64, scientific: String) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if value < 0.0 {
        out.push('-');
    }
    if (1e-3..1e7).contains(&value.abs()) {
        let point = exponent + 1;
        if point <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat(point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if point >= digits.len() {
                out.push_str(&digits);
                out.push_str(&"0".repeat(point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        let _ = write!(out, "E{exponent}");
    }
    out
}


#[cfg(test)]
mod tests {
    use super::*;

    use datafusion::arrow::array::{
        BinaryArray, Decimal128Array, Float64Array, Int32Array, ListArray, StringArray, StructArray, TimestampMicrosecondArray,
    };
    use datafusion::arrow::datatypes::{Field, Int32Type};
    use std::sync::Arc;

    #[test]
    fn java_spellings() {
        let f = |v: f64| java_floating(v, format!("{v:e}"));
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(-123.25), "-123.25");
        assert_eq!(f(0.001), "0.001");
        assert_eq!(f(0.0001), "1.0E-4");
        assert_eq!(f(1e7), "1.0E7");
        assert_eq!(f(1.2345e10), "1.2345E10");
        assert_eq!(f(9999999.0), "9999999.0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(java_floating(f64::from(0.1f32), format!("{:e}", 0.1f32)), "0.1");

        let mut s = String::new();
        java_local_time(&mut s, 0);
        assert_eq!(s, "00:00");
        s.clear();
        java_local_time(&mut s, 3_723_000_000_000);
        assert_eq!(s, "01:02:03");
        s.clear();
        java_local_time(&mut s, 1_500_000);
        assert_eq!(s, "00:00:00.001500");
    }

    #[test]
    fn rows_render_like_flink_row_to_string() {
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None]), None]);
        let inner = StructArray::from(vec![(
            Arc::new(Field::new("a", DataType::Int32, true)),
            Arc::new(Int32Array::from(vec![7, 8])) as ArrayRef,
        )]);
        let batch = RecordBatch::try_from_iter(vec![
            ("i", Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec![Some("foo"), None])) as ArrayRef),
            (
                "t",
                Arc::new(TimestampMicrosecondArray::from(vec![Some(1_704_067_200_000_000), Some(1_704_067_201_250_000)])) as ArrayRef,
            ),
            (
                "z",
                Arc::new(TimestampMicrosecondArray::from(vec![Some(1_704_067_200_000_000), None]).with_timezone("+08:00")) as ArrayRef,
            ),
            ("d", Arc::new(Decimal128Array::from(vec![Some(150), None]).with_precision_and_scale(10, 2).unwrap()) as ArrayRef),
            ("f", Arc::new(Float64Array::from(vec![Some(1.0), Some(1e10)])) as ArrayRef),
            ("b", Arc::new(BinaryArray::from(vec![Some(&[1u8, 255][..]), None])) as ArrayRef),
            ("l", Arc::new(list) as ArrayRef),
            ("r", Arc::new(inner) as ArrayRef),
        ])
        .unwrap();
        let lines = render_rows(&batch, "").unwrap();
        assert_eq!(lines[0], "+I[1, foo, 2024-01-01T00:00, 2024-01-01T00:00:00Z, 1.50, 1.0, [1, -1], [1, null], +I[7]]");
        assert_eq!(lines[1], "+I[null, null, 2024-01-01T00:00:01.250, null, null, 1.0E10, null, null, +I[8]]");
        assert_eq!(render_rows(&batch.project(&[0]).unwrap(), "sink> ").unwrap()[0], "sink> +I[1]");
    }

}
