//! Date, time, timestamp and interval arithmetic and spelling.
//!
//! Arrow stores temporal values as plain integers in some unit; both wire
//! formats want ISO-like text. Doing the calendar math here (instead of going
//! through chrono or arrow's display per value) keeps the hot path to a few
//! integer divisions and byte pushes, and gives us one place that defines how
//! out-of-range values behave.

use chrono::{DateTime, Offset, TimeZone};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::datatypes::TimeUnit;

use super::FormatError;
use super::text::write_int;

/// Nanoseconds in one day.
const NANOS_PER_DAY: i64 = 86_400_000_000_000;
/// Milliseconds in one day.
const MILLIS_PER_DAY: i128 = 86_400_000;

/// How many ticks of `unit` make one second.
pub(crate) fn units_per_second(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}

/// The SQL fractional-second precision that matches an Arrow unit.
pub(crate) fn unit_precision(unit: TimeUnit) -> u8 {
    match unit {
        TimeUnit::Second => 0,
        TimeUnit::Millisecond => 3,
        TimeUnit::Microsecond => 6,
        TimeUnit::Nanosecond => 9,
    }
}

/// How the fraction of a second is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fraction {
    /// JSON / ISO-8601: no fraction when it is zero, trailing zeros removed.
    Trimmed,
    /// PLAIN_TEXT: exactly this many digits (none for 0), zero padded.
    Padded(u8),
}

/// Splits a timestamp into days since the epoch and nanoseconds into the day.
/// Pre-1970 values floor towards the earlier day, so the time of day is never
/// negative.
pub(crate) fn split_timestamp(value: i64, unit: TimeUnit) -> (i64, i64) {
    let per_second = units_per_second(unit);
    let per_day = 86_400 * per_second;
    let days = value.div_euclid(per_day);
    let ticks = value.rem_euclid(per_day);
    (days, ticks * (1_000_000_000 / per_second))
}

/// Shifts a UTC instant to wall-clock time in `zone` (same unit). Instants
/// outside chrono's range (about ±262,000 years) keep offset zero.
pub(crate) fn to_local(value: i64, unit: TimeUnit, zone: &Tz) -> Result<i64, FormatError> {
    let per_second = units_per_second(unit);
    let offset = DateTime::from_timestamp(value.div_euclid(per_second), 0)
        .map(|utc| {
            i64::from(
                zone.offset_from_utc_datetime(&utc.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )
        })
        .unwrap_or(0);
    value
        .checked_add(offset * per_second)
        .ok_or_else(|| FormatError::InvalidValue {
            what: "TIMESTAMP_LTZ",
            detail: format!("{value} shifted to {zone} overflows"),
        })
}

/// Converts a TIME value to nanoseconds since midnight, rejecting values
/// outside one day (Arrow does not forbid them, SQL has no way to show them).
pub(crate) fn time_of_day(value: i64, unit: TimeUnit) -> Result<i64, FormatError> {
    let per_second = units_per_second(unit);
    if (0..86_400 * per_second).contains(&value) {
        Ok(value * (1_000_000_000 / per_second))
    } else {
        Err(FormatError::InvalidValue {
            what: "TIME",
            detail: format!("{value} {unit:?}s is not a time of day"),
        })
    }
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day),
/// using Howard Hinnant's `civil_from_days`. Exact for every day count an
/// Arrow date or timestamp can express.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Appends a number below 100 as two digits.
#[inline]
fn write_2(value: u8, out: &mut Vec<u8>) {
    out.push(b'0' + value / 10);
    out.push(b'0' + value % 10);
}

/// Appends `yyyy-MM-dd`. Years beyond 9999 get a `+` and years before 0 a
/// `-`, as in Java's `ISO_LOCAL_DATE`.
pub(crate) fn write_date(days: i64, out: &mut Vec<u8>) {
    let (year, month, day) = civil_from_days(days);
    if (0..=9999).contains(&year) {
        let year = year as u16;
        out.extend_from_slice(&[
            b'0' + (year / 1000) as u8,
            b'0' + (year / 100 % 10) as u8,
            b'0' + (year / 10 % 10) as u8,
            b'0' + (year % 10) as u8,
        ]);
    } else {
        out.push(if year < 0 { b'-' } else { b'+' });
        let magnitude = year.unsigned_abs();
        if magnitude < 1000 {
            out.resize(
                out.len() + 4 - itoa::Buffer::new().format(magnitude).len(),
                b'0',
            );
        }
        write_int(magnitude, out);
    }
    out.push(b'-');
    write_2(month, out);
    out.push(b'-');
    write_2(day, out);
}

/// Appends `HH:mm:ss` plus the fraction for `nanos` since midnight (must be
/// within one day).
pub(crate) fn write_time(nanos: i64, fraction: Fraction, out: &mut Vec<u8>) {
    let seconds = nanos / 1_000_000_000;
    let fraction_nanos = nanos % 1_000_000_000;
    write_2((seconds / 3_600 % 100) as u8, out);
    out.push(b':');
    write_2((seconds / 60 % 60) as u8, out);
    out.push(b':');
    write_2((seconds % 60) as u8, out);
    let digits = match fraction {
        Fraction::Trimmed if fraction_nanos == 0 => return,
        Fraction::Trimmed => 9 - trailing_zeros(fraction_nanos),
        Fraction::Padded(precision) => usize::from(precision.min(9)),
    };
    if digits == 0 {
        return;
    }
    let mut nine = [b'0'; 9];
    let mut rest = fraction_nanos;
    for slot in nine.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.push(b'.');
    out.extend_from_slice(&nine[..digits]);
}

/// Number of trailing decimal zeros of a non-zero nanosecond fraction (0..=8).
fn trailing_zeros(mut nanos: i64) -> usize {
    let mut zeros = 0;
    while zeros < 8 && nanos % 10 == 0 {
        nanos /= 10;
        zeros += 1;
    }
    zeros
}

/// Appends a timestamp (no zone) as date, `separator`, time.
pub(crate) fn write_timestamp(
    value: i64,
    unit: TimeUnit,
    separator: u8,
    fraction: Fraction,
    out: &mut Vec<u8>,
) {
    let (days, nanos) = split_timestamp(value, unit);
    write_date(days, out);
    out.push(separator);
    write_time(nanos.clamp(0, NANOS_PER_DAY - 1), fraction, out);
}

/// Milliseconds of an Arrow `IntervalDayTime`.
pub(crate) fn day_time_millis(days: i32, millis: i32) -> i128 {
    i128::from(days) * MILLIS_PER_DAY + i128::from(millis)
}

/// Milliseconds of an Arrow `IntervalMonthDayNano`. Flink's DAY TO SECOND
/// interval has no months, so a month counts as 30 days; sub-millisecond
/// nanos are truncated towards zero.
pub(crate) fn month_day_nano_millis(months: i32, days: i32, nanos: i64) -> i128 {
    (i128::from(months) * 30 + i128::from(days)) * MILLIS_PER_DAY + i128::from(nanos / 1_000_000)
}

/// Milliseconds of an Arrow `Duration`, truncating sub-millisecond parts
/// towards zero.
pub(crate) fn duration_millis(value: i64, unit: TimeUnit) -> i128 {
    match unit {
        TimeUnit::Second => i128::from(value) * 1_000,
        TimeUnit::Millisecond => i128::from(value),
        TimeUnit::Microsecond => i128::from(value / 1_000),
        TimeUnit::Nanosecond => i128::from(value / 1_000_000),
    }
}

/// Appends a YEAR TO MONTH interval as Flink prints it: `+1-02`, `-0-03`.
pub(crate) fn write_year_month_text(months: i32, out: &mut Vec<u8>) {
    out.push(if months < 0 { b'-' } else { b'+' });
    let magnitude = months.unsigned_abs();
    write_int(magnitude / 12, out);
    out.push(b'-');
    write_2((magnitude % 12) as u8, out);
}

/// Appends a DAY TO SECOND interval as Flink prints it, always with
/// millisecond precision: `+1 02:03:04.005`, `-0 00:00:01.500`.
pub(crate) fn write_day_time_text(millis: i128, out: &mut Vec<u8>) {
    out.push(if millis < 0 { b'-' } else { b'+' });
    let magnitude = millis.unsigned_abs();
    let day_millis = MILLIS_PER_DAY.unsigned_abs();
    write_int(magnitude / day_millis, out);
    out.push(b' ');
    let within_day = (magnitude % day_millis) as i64;
    write_time(within_day * 1_000_000, Fraction::Padded(3), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn dates_cover_the_calendar() {
        assert_eq!(text(|o| write_date(0, o)), "1970-01-01");
        assert_eq!(text(|o| write_date(19_753, o)), "2024-01-31");
        assert_eq!(text(|o| write_date(19_782, o)), "2024-02-29");
        assert_eq!(text(|o| write_date(-1, o)), "1969-12-31");
        assert_eq!(text(|o| write_date(-719_528, o)), "0000-01-01");
        assert_eq!(text(|o| write_date(-719_529, o)), "-0001-12-31");
        assert_eq!(text(|o| write_date(2_932_897, o)), "+10000-01-01");
        // Every day of a 400-year cycle agrees with chrono.
        for days in -146_097..146_097 {
            let expected = chrono::NaiveDate::from_num_days_from_ce_opt(days as i32 + 719_163)
                .unwrap()
                .format("%Y-%m-%d")
                .to_string();
            assert_eq!(text(|o| write_date(days, o)), expected);
        }
    }

    #[test]
    fn times_and_fractions() {
        let nanos = ((12 * 60 + 34) * 60 + 56) * 1_000_000_000 + 120_000_000;
        assert_eq!(
            text(|o| write_time(nanos, Fraction::Trimmed, o)),
            "12:34:56.12"
        );
        assert_eq!(
            text(|o| write_time(nanos, Fraction::Padded(3), o)),
            "12:34:56.120"
        );
        assert_eq!(
            text(|o| write_time(nanos, Fraction::Padded(0), o)),
            "12:34:56"
        );
        assert_eq!(
            text(|o| write_time(nanos - 120_000_000, Fraction::Trimmed, o)),
            "12:34:56"
        );
        assert_eq!(
            text(|o| write_time(1, Fraction::Trimmed, o)),
            "00:00:00.000000001"
        );
    }

    #[test]
    fn negative_timestamps_floor() {
        let out = text(|o| write_timestamp(-1, TimeUnit::Millisecond, b'T', Fraction::Trimmed, o));
        assert_eq!(out, "1969-12-31T23:59:59.999");
    }

    #[test]
    fn intervals() {
        assert_eq!(text(|o| write_year_month_text(14, o)), "+1-02");
        assert_eq!(text(|o| write_year_month_text(-3, o)), "-0-03");
        assert_eq!(
            text(|o| write_year_month_text(i32::MIN, o)),
            "-178956970-08"
        );
        let millis = day_time_millis(1, ((2 * 60 + 3) * 60 + 4) * 1000 + 5);
        assert_eq!(text(|o| write_day_time_text(millis, o)), "+1 02:03:04.005");
        assert_eq!(text(|o| write_day_time_text(-1500, o)), "-0 00:00:01.500");
        assert_eq!(month_day_nano_millis(1, 1, 1_999_999), 31 * 86_400_000 + 1);
        assert_eq!(duration_millis(-1_500, TimeUnit::Microsecond), -1);
    }
}
