//! The conversions between time values, numbers and text against the
//! examples of Flink's "System (Built-in) Functions" page (Flink 1.19/1.20)
//! where it gives one, else against the rule it states (Java
//! `SimpleDateFormat` patterns), plus a NULL argument for each.

use datafusion::arrow::datatypes::{DataType, TimeUnit};

use super::tests::{error, eval_in_zone};

/// Every case in the session zone `zone`: expression, expected text, expected type.
async fn check_in_zone(zone: &str, cases: &[(&str, &str, DataType)]) {
    for (expr, value, ty) in cases {
        assert_eq!(eval_in_zone(expr, zone).await, (value.to_string(), ty.clone()), "{expr} in {zone}");
    }
}

#[tokio::test]
async fn date_format_takes_java_patterns() {
    use DataType::*;
    check_in_zone(
        "UTC",
        &[
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09.123', 'yyyy-MM-dd HH:mm:ss.SSS')", "2024-03-05 07:08:09.123", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'yyyy/M/d h:mm a')", "2024/3/5 7:08 AM", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'EEE, d MMM yyyy')", "Tue, 5 Mar 2024", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'EEEE MMMM yy')", "Tuesday March 24", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'yyyy''T''HH ''o''''clock''')", "2024T07 o'clock", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'DDD')", "065", Utf8),
            ("DATE_FORMAT(DATE '2024-03-05', 'yyyyMMdd')", "20240305", Utf8),
            // Text is read as a timestamp first; the default pattern is yyyy-MM-dd HH:mm:ss.
            ("DATE_FORMAT('2024-03-05 07:08:09', 'HH:mm')", "07:08", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09')", "2024-03-05 07:08:09", Utf8),
            ("DATE_FORMAT('not a time', 'HH:mm')", "NULL", Utf8),
            ("DATE_FORMAT(CAST(NULL AS TIMESTAMP), 'yyyy')", "NULL", Utf8),
            ("DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', CAST(NULL AS STRING))", "NULL", Utf8),
        ],
    )
    .await;
    // An instant is formatted on the session zone's wall clock.
    check_in_zone("Asia/Tokyo", &[("DATE_FORMAT(TO_TIMESTAMP_LTZ(0, 0), 'yyyy-MM-dd HH:mm:ss XXX')", "1970-01-01 09:00:00 +09:00", Utf8)]).await;
    assert!(error("SELECT DATE_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'yyyy G')").await.contains("'G' is not supported"));
}

#[tokio::test]
async fn unix_time_in_the_session_zone() {
    use DataType::*;
    // Flink's example: FROM_UNIXTIME(44) is '1970-01-01 00:00:44' in UTC and '1970-01-01 09:00:44' in 'Asia/Tokyo'.
    check_in_zone("UTC", &[("FROM_UNIXTIME(44)", "1970-01-01 00:00:44", Utf8), ("FROM_UNIXTIME(44, 'HH:mm:ss')", "00:00:44", Utf8)]).await;
    check_in_zone("Asia/Tokyo", &[("FROM_UNIXTIME(44)", "1970-01-01 09:00:44", Utf8), ("FROM_UNIXTIME(CAST(NULL AS BIGINT))", "NULL", Utf8)]).await;
    check_in_zone(
        "Asia/Tokyo",
        &[
            // UNIX_TIMESTAMP reads the text in the session zone, unless it names an offset.
            ("UNIX_TIMESTAMP('1970-01-01 09:00:44')", "44", Int64),
            ("UNIX_TIMESTAMP('1970-01-01 00:00:44 +0000', 'yyyy-MM-dd HH:mm:ss Z')", "44", Int64),
            ("UNIX_TIMESTAMP('01/01/1970 09:00', 'dd/MM/yyyy HH:mm')", "0", Int64),
            // Flink: Long.MIN_VALUE for text it cannot read.
            ("UNIX_TIMESTAMP('garbage')", "-9223372036854775808", Int64),
            ("UNIX_TIMESTAMP(CAST(NULL AS STRING))", "NULL", Int64),
        ],
    )
    .await;
    let (now, ty) = eval_in_zone("UNIX_TIMESTAMP()", "UTC").await;
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    assert_eq!(ty, Int64);
    assert!(now.parse::<i64>().is_ok_and(|n| (n - clock).abs() <= 5), "{now} vs {clock}");
}

#[tokio::test]
async fn to_date_to_timestamp_and_to_timestamp_ltz() {
    use DataType::*;
    let ltz = Timestamp(TimeUnit::Millisecond, Some("+00:00".into()));
    check_in_zone(
        "UTC",
        &[
            ("TO_DATE('2024-03-05')", "2024-03-05", Date32),
            ("TO_DATE('05/03/2024', 'dd/MM/yyyy')", "2024-03-05", Date32),
            ("TO_DATE('2024-13-05')", "NULL", Date32),
            ("TO_DATE(CAST(NULL AS STRING))", "NULL", Date32),
            // TO_TIMESTAMP answers Flink's TIMESTAMP(3).
            ("TO_TIMESTAMP('2024-03-05 07:08:09')", "2024-03-05T07:08:09", Timestamp(TimeUnit::Millisecond, None)),
            ("TO_TIMESTAMP('2024-03-05 07:08:09.5')", "2024-03-05T07:08:09.500", Timestamp(TimeUnit::Millisecond, None)),
            ("TO_TIMESTAMP('05.03.2024 07:08', 'dd.MM.yyyy HH:mm')", "2024-03-05T07:08:00", Timestamp(TimeUnit::Millisecond, None)),
            ("TO_TIMESTAMP('yesterday')", "NULL", Timestamp(TimeUnit::Millisecond, None)),
            ("TO_TIMESTAMP(CAST(NULL AS STRING))", "NULL", Timestamp(TimeUnit::Millisecond, None)),
            // Precision 0 reads epoch seconds, 3 epoch milliseconds; a TIMESTAMP_LTZ(3).
            ("TO_TIMESTAMP_LTZ(44, 0)", "1970-01-01T00:00:44Z", ltz.clone()),
            ("TO_TIMESTAMP_LTZ(1500, 3)", "1970-01-01T00:00:01.500Z", ltz.clone()),
            ("TO_TIMESTAMP_LTZ(1500)", "1970-01-01T00:00:01.500Z", ltz.clone()),
            ("TO_TIMESTAMP_LTZ(CAST(NULL AS BIGINT), 0)", "NULL", ltz),
        ],
    )
    .await;
    check_in_zone("+05:00", &[("HOUR(TO_TIMESTAMP_LTZ(0, 0))", "5", Int64)]).await;
    assert!(error("SELECT TO_TIMESTAMP_LTZ(1, 6)").await.contains("the supported value is '0' for second or '3' for millisecond"));
}

#[tokio::test]
async fn convert_tz_moves_wall_clock_text() {
    use DataType::*;
    check_in_zone(
        "UTC",
        &[
            // Flink's example: CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'America/Los_Angeles') is '1969-12-31 16:00:00'.
            ("CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'America/Los_Angeles')", "1969-12-31 16:00:00", Utf8),
            // Zones as abbreviations ("PST") or custom IDs ("GMT-08:00"), as Flink's page allows.
            ("CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'PST')", "1969-12-31 16:00:00", Utf8),
            ("CONVERT_TZ('1970-01-01 00:00:00', 'GMT-08:00', 'Asia/Shanghai')", "1970-01-01 16:00:00", Utf8),
            ("CONVERT_TZ(CAST(NULL AS STRING), 'UTC', 'PST')", "NULL", Utf8),
            ("CONVERT_TZ('1970-01-01 00:00:00', CAST(NULL AS STRING), 'PST')", "NULL", Utf8),
        ],
    )
    .await;
    assert!(error("SELECT CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'Mars/Olympus')").await.contains("unknown time zone"));
}
