//! The calendar functions and `TIMESTAMPADD`/`TIMESTAMPDIFF` (through the
//! dialect layer's rewrite) against the examples of Flink's "System
//! (Built-in) Functions" page (Flink 1.19/1.20), plus a NULL argument for
//! each.

use datafusion::arrow::datatypes::{DataType, TimeUnit};

use super::tests::eval_in_zone;

/// Every case in the session zone `zone`: expression, expected text, expected type.
async fn check_in_zone(zone: &str, cases: &[(&str, &str, DataType)]) {
    for (expr, value, ty) in cases {
        assert_eq!(eval_in_zone(expr, zone).await, (value.to_string(), ty.clone()), "{expr}");
    }
}

#[tokio::test]
async fn calendar_fields_are_bigints() {
    use DataType::*;
    check_in_zone(
        "UTC",
        &[
            // Flink's examples: YEAR(DATE '1994-09-27') is 1994, QUARTER 3, MONTH 9, WEEK 39,
            // DAYOFYEAR 270, DAYOFMONTH 27, DAYOFWEEK 3 (a Tuesday; Sunday is 1).
            ("YEAR(DATE '1994-09-27')", "1994", Int64),
            ("QUARTER(DATE '1994-09-27')", "3", Int64),
            ("MONTH(DATE '1994-09-27')", "9", Int64),
            ("WEEK(DATE '1994-09-27')", "39", Int64),
            ("DAYOFYEAR(DATE '1994-09-27')", "270", Int64),
            ("DAYOFMONTH(DATE '1994-09-27')", "27", Int64),
            ("DAYOFWEEK(DATE '1994-09-27')", "3", Int64),
            ("DAYOFWEEK(DATE '1994-09-25')", "1", Int64),
            // Flink's examples: HOUR(TIMESTAMP '1994-09-27 13:14:15') is 13, MINUTE 14, SECOND 15.
            ("HOUR(TIMESTAMP '1994-09-27 13:14:15')", "13", Int64),
            ("MINUTE(TIMESTAMP '1994-09-27 13:14:15')", "14", Int64),
            ("SECOND(TIMESTAMP '1994-09-27 13:14:15')", "15", Int64),
            ("YEAR(TIMESTAMP '1994-09-27 13:14:15')", "1994", Int64),
            ("HOUR(TIME '13:14:15')", "13", Int64),
            ("YEAR(CAST(NULL AS DATE))", "NULL", Int64),
            ("QUARTER(CAST(NULL AS DATE))", "NULL", Int64),
            ("MONTH(CAST(NULL AS DATE))", "NULL", Int64),
            ("WEEK(CAST(NULL AS DATE))", "NULL", Int64),
            ("DAYOFYEAR(CAST(NULL AS DATE))", "NULL", Int64),
            ("DAYOFMONTH(CAST(NULL AS DATE))", "NULL", Int64),
            ("DAYOFWEEK(CAST(NULL AS DATE))", "NULL", Int64),
            ("HOUR(CAST(NULL AS TIMESTAMP))", "NULL", Int64),
            ("MINUTE(CAST(NULL AS TIMESTAMP))", "NULL", Int64),
            ("SECOND(CAST(NULL AS TIMESTAMP))", "NULL", Int64),
        ],
    )
    .await;
}

#[tokio::test]
async fn timestampadd_and_timestampdiff() {
    use DataType::*;
    let ts = |unit| Timestamp(unit, None);
    check_in_zone(
        "UTC",
        &[
            // Flink's example: TIMESTAMPADD(WEEK, 1, DATE '2003-01-02') is 2003-01-09.
            ("TIMESTAMPADD(WEEK, 1, DATE '2003-01-02')", "2003-01-09", Date32),
            ("TIMESTAMPADD(DAY, -2, DATE '2003-01-02')", "2002-12-31", Date32),
            // A month's end clamps.
            ("TIMESTAMPADD(MONTH, 1, DATE '2003-01-31')", "2003-02-28", Date32),
            ("TIMESTAMPADD(YEAR, 1, DATE '2004-02-29')", "2005-02-28", Date32),
            ("TIMESTAMPADD(QUARTER, 1, TIMESTAMP '2003-01-02 10:00:00')", "2003-04-02T10:00:00", ts(TimeUnit::Nanosecond)),
            ("TIMESTAMPADD(HOUR, 25, TIMESTAMP '2003-01-02 10:00:00')", "2003-01-03T11:00:00", ts(TimeUnit::Nanosecond)),
            ("TIMESTAMPADD(MINUTE, 90, TIMESTAMP '2003-01-02 10:00:00')", "2003-01-02T11:30:00", ts(TimeUnit::Nanosecond)),
            // A DATE moved by less than a day is a TIMESTAMP(0).
            ("TIMESTAMPADD(SECOND, 30, DATE '2003-01-02')", "2003-01-02T00:00:30", ts(TimeUnit::Second)),
            ("TIMESTAMPADD(DAY, CAST(NULL AS INT), DATE '2003-01-02')", "NULL", Date32),
            ("TIMESTAMPADD(DAY, 1, CAST(NULL AS DATE))", "NULL", Date32),
            // Flink's example: TIMESTAMPDIFF(DAY, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP '2003-01-03 10:00:00') is 1.
            ("TIMESTAMPDIFF(DAY, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP '2003-01-03 10:00:00')", "1", Int32),
            ("TIMESTAMPDIFF(DAY, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP '2003-01-03 09:59:59')", "0", Int32),
            ("TIMESTAMPDIFF(HOUR, TIMESTAMP '2003-01-03 10:00:00', TIMESTAMP '2003-01-02 09:00:00')", "-25", Int32),
            ("TIMESTAMPDIFF(SECOND, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP '2003-01-02 10:01:01')", "61", Int32),
            ("TIMESTAMPDIFF(WEEK, DATE '2003-01-01', DATE '2003-01-15')", "2", Int32),
            ("TIMESTAMPDIFF(MONTH, DATE '2003-01-31', DATE '2003-02-28')", "1", Int32),
            ("TIMESTAMPDIFF(MONTH, TIMESTAMP '2003-01-15 10:00:00', TIMESTAMP '2003-02-15 09:00:00')", "0", Int32),
            ("TIMESTAMPDIFF(QUARTER, DATE '2003-01-01', DATE '2003-12-31')", "3", Int32),
            ("TIMESTAMPDIFF(YEAR, DATE '2004-02-29', DATE '2003-02-28')", "-1", Int32),
            ("TIMESTAMPDIFF(MINUTE, DATE '2003-01-01', TIMESTAMP '2003-01-01 01:00:00')", "60", Int32),
            ("TIMESTAMPDIFF(DAY, CAST(NULL AS TIMESTAMP), TIMESTAMP '2003-01-03 10:00:00')", "NULL", Int32),
        ],
    )
    .await;
}

#[tokio::test]
async fn instants_are_read_in_the_session_zone() {
    use DataType::*;
    // Midnight on the session zone's wall clock, as a TIMESTAMP_LTZ: its fields are the session zone's.
    let ltz = "CAST(TIMESTAMP '1970-01-01 00:00:00' AS TIMESTAMP_LTZ(3))";
    let day = format!("DAYOFMONTH({ltz})");
    let hour = format!("HOUR({ltz})");
    let next = format!("TIMESTAMPDIFF(HOUR, {ltz}, TIMESTAMPADD(DAY, 1, {ltz}))");
    check_in_zone("+05:00", &[(&day, "1", Int64), (&hour, "0", Int64), (&next, "24", Int32)]).await;
    check_in_zone("Asia/Shanghai", &[(&hour, "0", Int64)]).await;
    let (_, added) = eval_in_zone(&format!("TIMESTAMPADD(DAY, 1, {ltz})"), "+05:00").await;
    assert_eq!(added, Timestamp(TimeUnit::Millisecond, Some("+05:00".into())));
}

